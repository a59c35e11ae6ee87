// "The log never prints amounts at info level, whatever the setting" (issue #16): a whole bot session at
// LOG_LEVEL=info (a scheduled report, /status, Refresh, the history, the settings; OKX partial, naming a
// coin it cannot price with its quantity) against the fakes, then every amount the messages showed is
// looked for in the log, in every form it could take.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BotRuntime, startBot } from "../../src/app/modes/bot.ts";
import type { AppContext } from "../../src/app/run.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";

const TOKEN = "123456789:AAlogTOKENabcdefghijklmnopqrstuvwx";
const OWNER = 4242;

let clock: FakeClock;
let fakes: AllFakes;
let telegram: TelegramFake;
let runtime: BotRuntime | null = null;

beforeEach(async () => {
  clock = fakeClock();
  [fakes, telegram] = await Promise.all([startAllFakes({ now: clock.now }), startTelegramFake({ token: TOKEN })]);
});
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  await Promise.all([telegram.stop(), fakes.stop()]);
});

/** "$28,545.22" → "28,545.22", "28545.22" and, when it has 4 digits or more, "28545" (a figure with more decimals). */
function forms(amount: string): string[] {
  const grouped = amount.replace(/^[^\d]+/, "");
  const plain = grouped.replace(/,/g, "");
  const whole = plain.split(".")[0] ?? "";
  return [grouped, plain, ...(whole.length >= 4 ? [whole] : [])];
}

test.each([["off"], ["on"]])("a whole bot session with PRIVACY=%s logs no amount at info level", async (privacy) => {
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env; // IBKR's 5 s polling is covered elsewhere
  const loaded = loadConfig(
    {
      vars: {
        ...platforms,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_CHAT_ID: String(OWNER),
        TELEGRAM_API_ROOT: telegram.url,
        DATA_DIR: mkdtempSync(join(tmpdir(), "pfbot-log-")),
        LOG_LEVEL: "info",
        PRIVACY: privacy,
      },
      file: null,
    },
    { platforms: true, telegram: true },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const lines: string[] = [];
  const log = createLogger({
    level: loaded.config.logLevel,
    secrets: loaded.config.secrets,
    write: (line) => lines.push(line),
    colour: false,
  });
  const context: AppContext = { config: loaded.config, log, version: "test", out: () => {}, clock };
  // A coin OKX's fallback cannot price: named, with its quantity, among what the partial OKX figure leaves out.
  fakes.okx.state.funding.push({ ccy: "NEWCOIN", bal: "4242.4242" });
  const unavailable = JSON.stringify({ code: "50001", msg: "Service temporarily unavailable", data: [] });
  fakes.okx.faults.add({ path: "/api/v5/asset/asset-valuation", status: 503, body: unavailable });
  runtime = await startBot(context, { setInterval: () => 0, clearInterval: () => {} });

  clock.set("2026-11-24T09:00:01Z");
  await runtime.scheduler.tick();
  const report = (await telegram.waitForSent(1, 10_000))[0]!;
  const press = (data: string) => telegram.pushCallback({ chatId: OWNER, messageId: report.messageId, data });
  press("st:refresh");
  await telegram.waitForEdits(2, 10_000);
  press("hist:rub");
  press("set:privacy:1");
  press("set:freq:60");
  await telegram.waitForCallbackAnswers(4);
  telegram.pushMessage({ chatId: OWNER, text: "/status" });
  telegram.pushMessage({ chatId: OWNER, text: "/history" });
  await telegram.waitForSent(3, 10_000);

  // The amounts, read from the report as sent with PRIVACY=off; with PRIVACY=on, from its spoilers.
  const shown = [...report.plainText.matchAll(/[$₽€£¥] ?[\d,]+(?:\.\d+)?/g)].map((match) => match[0]);
  expect(report.plainText).toContain("NEWCOIN 4242.4242");
  shown.push("4242.4242");
  expect(shown.length).toBeGreaterThan(5);
  expect(shown).toContain("$28,545.22");
  expect(lines.length).toBeGreaterThan(5);
  expect(lines.some((line) => line.startsWith("INFO  scheduled run done"))).toBe(true);
  expect(lines.some((line) => line.startsWith("WARN  platform partial platform=okx"))).toBe(true);
  const log_ = lines.join("\n");
  for (const amount of shown) for (const form of forms(amount)) expect(log_, `${amount} as ${form}`).not.toContain(form);
});
