// "The log never prints amounts at info level, whatever the setting" (issue #16): a whole bot session at
// LOG_LEVEL=info (a scheduled report, /status, Refresh, the history, the settings; OKX partial, naming a
// coin it cannot price with its quantity) against the fakes, then every amount the messages showed, and the
// exact figure behind each, is looked for in the log, in every form it could take.
import { expect, test } from "bun:test";
import { startBot } from "../../src/app/modes/bot.ts";
import { createSnapshotTaker } from "../../src/app/wiring.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { abs, type Decimal, formatGrouped, toFixed, toPlainString } from "../../src/lib/money.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import { botContext, botTestWorld } from "../support/bot-context.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAlogTOKENabcdefghijklmnopqrstuvwx";
const OWNER = 4242;

const world = botTestWorld(TOKEN);

/** An amount as the report shows it: "$28,545" → "28,545" and "28545"; "$15.2k" → "15.2k". */
function shownForms(amount: string): string[] {
  const grouped = amount.replace(/^[^\d]+/, "");
  return distinctive([grouped, grouped.replace(/,/g, "")]);
}

/** An exact figure as a log line could print it: 28545.22 → "28545.22", "28,545.22", to the cent, and "28545". */
function exactForms(amount: Decimal): string[] {
  const positive = abs(amount);
  const whole = toFixed(positive, 0);
  return distinctive([toPlainString(positive), toFixed(positive, 2), formatGrouped(positive, 2), ...(whole.length >= 4 ? [whole] : [])]);
}

/**
 * The forms that cannot be anything but an amount: with a k/M suffix, 4 digits or more with a separator ("1,500.00"),
 * 5 or more without ("28545"). "$77" as "77", or 1500 as "1500", is in any log line's timestamp or duration (ms=1500).
 */
function distinctive(forms: readonly string[]): string[] {
  const digits = (form: string) => (form.match(/\d/g) ?? []).length;
  return [...new Set(forms)].filter((form) => /[kM]$/.test(form) || digits(form) >= (/[.,]/.test(form) ? 4 : 5));
}

/** Every amount of the snapshot: the totals, each platform's, each holding's (as reported and converted), each coin's. */
function amountsOf(snapshot: Snapshot): Decimal[] {
  return [
    ...[snapshot.totalUsd, snapshot.totalRub, snapshot.cryptoUsd].filter((amount) => amount !== null),
    ...snapshot.rows.flatMap((row) => [
      ...(row.usd !== null ? [row.usd] : []),
      ...(row.native !== null ? [row.native.amount] : []),
      ...row.holdings.flatMap((holding) => [holding.money.amount, ...(holding.rate ? [holding.rate.original.amount] : [])]),
      ...row.assets.map((asset) => asset.usd),
    ]),
  ];
}

test.each([["off"], ["on"]])("a whole bot session with PRIVACY=%s logs no amount at info level", async (privacy) => {
  const lines: string[] = [];
  const context = botContext({
    fakes: world.fakes,
    telegram: world.telegram,
    token: TOKEN,
    owner: OWNER,
    dataDir: tempDir("log"),
    clock: world.clock,
    extra: { LOG_LEVEL: "info", PRIVACY: privacy },
    logLines: lines,
    level: "info",
  });
  // A coin OKX's fallback cannot price: named, with its quantity, among what the partial OKX figure leaves out.
  world.fakes.okx.state.funding.push({ ccy: "NEWCOIN", bal: "4242.4242" });
  const unavailable = JSON.stringify({ code: "50001", msg: "Service temporarily unavailable", data: [] });
  world.fakes.okx.faults.add({ path: "/api/v5/asset/asset-valuation", status: 503, body: unavailable });
  world.runtime = await startBot(context, { setInterval: () => 0, clearInterval: () => {} });

  world.clock.set("2026-11-24T09:00:01Z");
  await world.runtime.scheduler.tick();
  const report = (await world.telegram.waitForSent(1, 10_000))[0]!;
  const press = (data: string) => world.telegram.pushCallback({ chatId: OWNER, messageId: report.messageId, data });
  press("st:refresh");
  await world.telegram.waitForEdits(2, 10_000);
  press("hist:rub");
  press("set:privacy:1");
  press("set:freq:60");
  await world.telegram.waitForCallbackAnswers(4);
  world.telegram.pushMessage({ chatId: OWNER, text: "/status" });
  world.telegram.pushMessage({ chatId: OWNER, text: "/history" });
  await world.telegram.waitForSent(3, 10_000);

  // The amounts as the report showed them (with PRIVACY=on, in its spoilers): whole units and the breakdown's short forms.
  const shown = [...report.plainText.matchAll(/[$₽€£¥] ?[\d,]+(?:\.\d+)?[kM]?/g)].map((match) => match[0]);
  expect(shown.length).toBeGreaterThan(5);
  expect(shown).toContain("$28,545");
  expect(shown).toContain("$15.2k");
  expect(report.plainText).toContain("NEWCOIN 4242.4242");
  // The exact figures behind them, which is what a log line would print: the same snapshot, taken again from the fakes.
  const snapshot = await (await createSnapshotTaker(context.config, silentLogger, "test", world.clock)).take();
  const exact = amountsOf(snapshot);
  expect(exact.map(toPlainString)).toContain("28545.22");
  const forms = [...shown.flatMap(shownForms), ...exact.flatMap(exactForms), "4242.4242"];
  expect(forms.length).toBeGreaterThan(50);
  expect(lines.length).toBeGreaterThan(5);
  expect(lines.some((line) => line.startsWith("INFO  scheduled run done"))).toBe(true);
  expect(lines.some((line) => line.startsWith("WARN  platform partial platform=okx"))).toBe(true);
  const log_ = lines.join("\n");
  for (const form of forms) expect(log_, form).not.toContain(form);
});
