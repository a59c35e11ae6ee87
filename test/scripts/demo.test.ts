// `bun run demo`'s worlds, taken through pfbot's own wiring on the test's clock: by default a healthy, current
// portfolio (no failure, no note, IBKR as of the last business day); each --scenario shows its failure, and
// --help lists every one. --telegram's rendering: bold as bold (ANSI), from Telegram's own entities.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { ansiMessage } from "../../scripts/ansi-message.ts";
import { businessDaysBefore, demoUsage, makeHealthy, SCENARIOS } from "../../scripts/demo-world.ts";
import { createSnapshotTaker } from "../../src/app/wiring.ts";
import { loadConfig } from "../../src/config/config.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { htmlToText } from "../../src/render/html.ts";
import { renderStatus } from "../../src/render/status.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

const ROOT = resolve(import.meta.dir, "../..");
let clock: FakeClock;
let fakes: AllFakes;
beforeEach(async () => {
  // Thursday 26 Nov 2026, 10:00 in Paris: the last business day is Wednesday 25 Nov.
  clock = fakeClock("2026-11-26T09:00:00Z");
  fakes = await startAllFakes({ now: clock.now });
  makeHealthy(fakes, clock.now());
});
afterEach(async () => {
  await fakes.stop();
});

/** The report pfbot would print in this world, as --dry-run prints it. */
async function report(extraEnv: Record<string, string> = {}) {
  const loaded = loadConfig(
    { vars: { ...fakes.env, DATA_DIR: tempDir("demo-test"), ...extraEnv }, file: null },
    { platforms: true, telegram: false },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const snapshot = await (await createSnapshotTaker(loaded.config, silentLogger, "test", clock)).take();
  const view = renderStatus(snapshot, { includeBreakdown: true, privacy: false, changes: null, defaultTimeZone: "Europe/Paris" });
  return { snapshot, text: htmlToText(view.html) };
}

const scenario = (name: string) => {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found.apply(fakes);
};

test("the default world is a healthy, current portfolio: every platform answers, no note, IBKR as of the last business day", async () => {
  const { snapshot, text } = await report();
  expect(snapshot.complete).toBe(true);
  expect(snapshot.rows.every((row) => row.ok)).toBe(true);
  expect(text).toStartWith("$427,667 · ₽34.4M\n");
  expect(text).toContain("\nIBKR $321,978 · 25 Nov\n");
  expect(text).not.toContain("ℹ️");
  expect(text).not.toContain("partial");
  expect(text).not.toContain("❌");
});

describe("scenarios", () => {
  test("partial: OKX is down, and the totals say they leave it out", async () => {
    const { text } = await report(scenario("partial"));
    expect(text).toStartWith("$411,222 · ₽33.1M ⚠️ partial\n");
    expect(text).toContain("\nOKX ❌ unavailable\n");
    expect(text).toEndWith("\n❌ OKX is unavailable: try again later");
  });

  test("fx-down: no rate, so no RUB total", async () => {
    const { text, snapshot } = await report(scenario("fx-down"));
    expect(snapshot.totalRub).toBeNull();
    expect(text).toStartWith("$81,643 · no ₽ rate ⚠️ partial\n");
    expect(text).toContain("\nT-Bank ⚠️ no USD value\n");
    expect(text).toContain("\nUSD/RUB: no rate today\n");
  });

  test("ibkr-slow: IBKR never finishes its statement; the rest arrives", async () => {
    const { snapshot, text } = await report(scenario("ibkr-slow"));
    expect(snapshot.rows.map((row) => [row.id, row.ok])).toEqual([
      ["bybit", true],
      ["okx", true],
      ["tbank", true],
      ["ibkr", false],
      ["binance", true],
      ["kucoin", true],
    ]);
    expect(text).toStartWith("$105,689 · ₽8.5M ⚠️ partial\n");
    expect(text).toContain("\nIBKR ❌ unavailable\n");
    expect(text).toEndWith("\n❌ IBKR Flex had no statement ready after 90 s: try again later");
  });

  test("ibkr-stale: the statement's old date is shown", async () => {
    const { text } = await report(scenario("ibkr-stale"));
    expect(text).toContain("\nIBKR $321,978 ⚠️ · 13 Mar\n");
    expect(text).toEndWith("\n⚠️ IBKR statement is 258 days old: set the Flex query's period to Last Business Day");
  });

  test("tbank-restricted: the account the token cannot read is named", async () => {
    const { text } = await report(scenario("tbank-restricted"));
    expect(text).toStartWith("$427,667 · ₽34.4M ⚠️ partial\n");
    expect(text).toContain("\nT-Bank $24,046 ⚠️\n");
    expect(text).toEndWith("\n⚠️ T-Bank: account Инвесткопилка not counted: T-Bank's API cannot read an Invest Box");
  });

  test("every scenario is tested here and listed by --help", async () => {
    const tested = ["partial", "fx-down", "ibkr-slow", "ibkr-stale", "tbank-restricted"];
    expect(SCENARIOS.map((s) => s.name)).toEqual(tested);
    const help = Bun.spawn(["bun", "scripts/demo.ts", "--help"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(help.stdout).text(), help.exited]);
    expect(code).toBe(0);
    expect(out).toBe(`${demoUsage()}\n`);
    for (const s of SCENARIOS) expect(out).toMatch(new RegExp(`^  ${s.name} +${s.summary.replace(/[()]/g, "\\$&")}$`, "m"));
    expect(out).toContain("--telegram");
  });

  test("an unknown scenario is refused with the list", async () => {
    const run = Bun.spawn(["bun", "scripts/demo.ts", "--scenario", "nope"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [err, code] = await Promise.all([new Response(run.stderr).text(), run.exited]);
    expect(code).toBe(2);
    expect(err).toStartWith("demo: no scenario named nope\n");
    expect(err).toContain("  ibkr-slow ");
  });
});

test("the last business days skip the weekend", () => {
  expect(businessDaysBefore(Date.parse("2026-11-26T09:00:00Z"), 3)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
  // Monday: Friday, then Thursday and Wednesday.
  expect(businessDaysBefore(Date.parse("2026-11-30T09:00:00Z"), 3)).toEqual(["2026-11-25", "2026-11-26", "2026-11-27"]);
});

describe("--telegram: the message as Telegram renders it, for a terminal", () => {
  test("bold is bold, and the text is Telegram's", () => {
    const text = "Portfolio · 26 Nov\nBybit: $28,545.22";
    const entities = [
      { type: "bold" as const, offset: 0, length: 9 },
      { type: "bold" as const, offset: 26, length: 10 },
    ];
    expect(ansiMessage(text, entities)).toBe("\x1b[1mPortfolio\x1b[0m · 26 Nov\nBybit: \x1b[1m$28,545.22\x1b[0m");
  });

  test("nested styles combine, and a style never runs past a line break", () => {
    const text = "ab\ncd";
    const entities = [
      { type: "bold" as const, offset: 0, length: 5 },
      { type: "italic" as const, offset: 1, length: 3 },
    ];
    expect(ansiMessage(text, entities)).toBe("\x1b[1ma\x1b[0m\x1b[1;3mb\x1b[0m\n\x1b[1;3mc\x1b[0m\x1b[1md\x1b[0m");
  });

  test("offsets count UTF-16 code units, as Telegram's do (an emoji is two)", () => {
    const text = "❌ OKX 📈 up";
    const at = text.indexOf("up");
    expect(ansiMessage(text, [{ type: "bold", offset: at, length: 2 }])).toBe("❌ OKX 📈 \x1b[1mup\x1b[0m");
  });

  test("entities without a style (a bot command) leave the text as it is", () => {
    expect(ansiMessage("/status now", [{ type: "bot_command", offset: 0, length: 7 }])).toBe("/status now");
  });
});
