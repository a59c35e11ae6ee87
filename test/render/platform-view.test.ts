// /history's per-platform view: each platform's value on the latest complete day and its change over 7D, in
// phone-wide rows; a platform added or removed since is named, never counted as a gain or a loss; with privacy,
// % only. Hand-made days as the store hands them over (test/render/examples.ts).
import { describe, expect, test } from "bun:test";
import type { DayRecord } from "../../src/history/store.ts";
import { toPlainString } from "../../src/lib/money.ts";
import { HISTORY_ROW_CHARS } from "../../src/render/history-view.ts";
import { renderPlatformView } from "../../src/render/platform-view.ts";
import { changes } from "../../src/snapshot/changes.ts";
import { recorded, reportHistory } from "./examples.ts";

/** 26 Nov as the report's snapshot recorded it. */
const today = () => recorded("2026-11-26", { bybit: "123456.78", okx: "38120.40", tbank: "183903.05", ibkr: "45533.77" });
const weekOf = (day: DayRecord, days: readonly DayRecord[]) => changes(day, days).periods["7d"];
const view = (day: DayRecord, days: readonly DayRecord[], options: { privacy?: boolean; newer?: DayRecord | null } = {}) =>
  renderPlatformView({
    day,
    change: weekOf(day, days),
    newer: options.newer ?? null,
    privacy: options.privacy ?? false,
    today: "2026-11-26",
  });
/** reportHistory()'s 19 Nov, the day 7D compares 26 Nov with. */
const weekAgo = () => reportHistory().filter((day) => day.day === "2026-11-19");

describe("each platform's value and its 7D change", () => {
  test("the report's day against 19 Nov: value, % and USD change per platform and in total", () => {
    expect(view(today(), weekAgo()).text.split("\n")).toEqual([
      "By platform, USD · 26 Nov",
      "Platform       USD     7D",
      "Bybit     $123,457  ▲3.1%  $3.66k",
      "OKX        $38,120  ▼2.5%    $980",
      "T-Bank    $183,903  ▲0.2%    $417",
      "IBKR       $45,534  ±0.0%      $0",
      "Total     $391,014  ▲0.8%  $3.09k",
      "",
      "7D: since 19 Nov",
    ]);
  });

  test("a platform added since is new, one removed since is named: neither counted, and the total not compared", () => {
    const { okx: _, ...rest } = Object.fromEntries([...today().platforms].map(([id, value]) => [id, toPlainString(value.usd!)]));
    const day = recorded("2026-11-26", { ...rest, binance: "500" });
    const lines = view(day, weekAgo()).text.split("\n");
    expect(lines.slice(2, 8)).toEqual([
      "Bybit     $123,457  ▲3.1%  $3.66k",
      "OKX              —   gone",
      "T-Bank    $183,903  ▲0.2%    $417",
      "IBKR       $45,534  ±0.0%      $0",
      "Binance       $500    new",
      "Total     $353,394",
    ]);
    expect(lines.slice(9)).toEqual([
      "7D: since 19 Nov",
      "new: added since, not compared",
      "gone: removed since, not in the report",
      "Total: not compared, the platforms differ",
    ]);
  });

  test("against an imported day (totals only) the total is compared, the platforms are not; with no day 7 to 10 back, nothing", () => {
    const imported = weekAgo().map((day) => ({ ...day, platforms: new Map(), origin: "import" as const, takenAt: null }));
    const lines = view(today(), imported).text.split("\n");
    expect(lines.slice(2, 7)).toEqual([
      "Bybit     $123,457",
      "OKX        $38,120",
      "T-Bank    $183,903",
      "IBKR       $45,534",
      "Total     $391,014  ▲0.8%  $3.09k",
    ]);
    expect(lines.at(-1)).toBe("7D: vs imported day 19 Nov (totals only)");
    const none = view(today(), []).text.split("\n");
    expect(none.slice(2, 7).every((line) => !/[▲▼±]/.test(line))).toBe(true);
    expect(none.at(-1)).toBe("7D: no complete day 7 to 10 days before");
  });

  test("a later day that is partial is said, not shown", () => {
    const partial = { ...today(), day: "2026-11-27", complete: false };
    expect(view(today(), weekAgo(), { newer: partial }).text).toEndWith("\n7D: since 19 Nov\n27 Nov is partial: not shown");
  });

  test("privacy: the change in % only, no value and no amount", () => {
    const { html, text } = view(today(), weekAgo(), { privacy: true });
    expect(text.split("\n").slice(1, 7)).toEqual([
      "Platform     7D",
      "Bybit     ▲3.1%",
      "OKX       ▼2.5%",
      "T-Bank    ▲0.2%",
      "IBKR      ±0.0%",
      "Total     ▲0.8%",
    ]);
    expect(html).not.toMatch(/[$₽]/);
  });

  test("every row keeps to 36 characters, a seven-figure platform too; no recorded day says what to expect", () => {
    const rich = recorded("2026-11-26", { bybit: "9123456.78", kucoin: "1", binance: "2", tbank: "183903.05" });
    const before = recorded("2026-11-19", { bybit: "10", kucoin: "1", okx: "1", tbank: "183903.05" });
    const rows = view(rich, [before]).text.split("\n\n")[0]!.split("\n").slice(1);
    expect(rows).toHaveLength(7);
    expect(rows.filter((row) => [...row].length > HISTORY_ROW_CHARS)).toEqual([]);
    expect(rows).toContain("Bybit     $9,123,457  ▲>999%  $9.12M");
    const empty = renderPlatformView({ day: null, change: null, newer: null, privacy: false, today: "2026-11-26" });
    expect(empty.text).toStartWith("No platform figures yet");
  });
});
