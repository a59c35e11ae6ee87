// The change periods over hand-made histories: which day each period compares with, and when it says why not.
import { describe, expect, test } from "bun:test";
import type { FxResult } from "../../src/fx/source.ts";
import { openDatabase } from "../../src/history/db.ts";
import { SAMPLE_DAYS } from "../../src/history/samples.ts";
import { type DayRecord, HistoryStore, type PlatformValues } from "../../src/history/store.ts";
import { dec, type Money, mul, sum, toPlainString } from "../../src/lib/money.ts";
import { addDays } from "../../src/lib/zoned-time.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { type Changes, type Current, changes, changesWindowStart, snapshotChanges } from "../../src/snapshot/changes.ts";
import { combine, failedRow, type PlatformRow, rowOf } from "../../src/snapshot/snapshot.ts";

type Values = Record<string, string>;

const RATE = dec("80");

/** A platforms map from USD values by id. */
const platforms = (values: Values, native: Record<string, Money> = {}): PlatformValues =>
  new Map(Object.entries(values).map(([id, usd]) => [id, { usd: dec(usd), native: native[id] ?? null }]));

/** A day the bot recorded: its total is the sum of its platforms, and its RUB total at 80 RUB per USD. */
function botDay(day: string, values: Values, options: { complete?: boolean; native?: Record<string, Money> } = {}): DayRecord {
  const usd = sum(Object.values(values).map((v) => dec(v)));
  return {
    day,
    usd,
    rub: mul(usd, RATE),
    usdRub: dec("80"),
    usdRubDate: day,
    complete: options.complete ?? true,
    platforms: platforms(values, options.native),
    takenAt: `${day}T09:00:00.000Z`,
    origin: "bot",
  };
}

/** A day of the original bot's JSON: totals only. */
function importedDay(day: string, usd: string, rub: string | null = null): DayRecord {
  return {
    day,
    usd: dec(usd),
    rub: rub === null ? null : dec(rub),
    usdRub: null,
    usdRubDate: null,
    complete: true,
    platforms: new Map(),
    takenAt: null,
    origin: "import",
  };
}

function current(day: string, values: Values, complete = true): Current {
  const usd = sum(Object.values(values).map((v) => dec(v)));
  return { day, usd, rub: mul(usd, RATE), complete, platforms: platforms(values) };
}

/** Every day from `first` to `last` (inclusive) that `keep` accepts, each with `values`. */
function daysBetween(first: string, last: string, values: Values, keep: (day: string) => boolean = () => true): DayRecord[] {
  const days: DayRecord[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) if (keep(day)) days.push(botDay(day, values));
  return days;
}

const since = (result: Changes) =>
  Object.fromEntries(Object.entries(result.periods).map(([period, change]) => [period, change?.since ?? null]));

const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();
const isWeekday = (day: string) => weekday(day) !== 0 && weekday(day) !== 6;

describe("each period compares with the nearest complete day on or before its start, within its slack", () => {
  test("weekends: a Monday compares 1D with Friday; a Tuesday after a lost Monday has no 1D", () => {
    const history = daysBetween("2026-10-01", "2026-11-29", { bybit: "1000" }, isWeekday);
    const monday = "2026-11-30";
    expect(weekday(monday)).toBe(1);
    // 30 days before Monday 30 November is Saturday 31 October: Friday 30 October, 31 days back, is within 35.
    expect(since(changes(current(monday, { bybit: "1100" }), history))).toEqual({
      "1d": "2026-11-27",
      "7d": "2026-11-23",
      "30d": "2026-10-30",
      ytd: null,
    });
    // Tuesday, with Monday missing too: Friday is 4 days back, beyond 1D's 3.
    const tuesday = changes(current("2026-12-01", { bybit: "1100" }), history);
    expect(tuesday.periods["1d"]).toBeNull();
    expect(tuesday.periods["7d"]?.since).toBe("2026-11-24");
  });

  test("missing days: the next older day within the slack, and none beyond it", () => {
    const today = "2026-11-24";
    const at = (back: number) => addDays(today, -back);
    // 7D: days 7 to 9 back are missing, 10 back is there; 30D: 30 to 35 back missing, 36 back is there.
    const history = [10, 36, 37].map((back) => botDay(at(back), { bybit: "1000" }));
    const result = changes(current(today, { bybit: "1000" }), history);
    expect(result.periods["1d"]).toBeNull();
    expect(result.periods["7d"]?.since).toBe(at(10));
    expect(result.periods["30d"]).toBeNull();
    // One day more and 7D has nothing either.
    expect(changes(current(addDays(today, 1), { bybit: "1000" }), history).periods["7d"]).toBeNull();
    // The day 35 back is the oldest 30D takes.
    expect(changes(current(addDays(at(36), 35), { bybit: "1000" }), history).periods["30d"]?.since).toBe(at(36));
  });

  test("a partial day where the comparison would fall: the older complete day within the slack, never the partial one", () => {
    const today = "2026-11-24";
    const history = [
      botDay("2026-11-23", { bybit: "500" }, { complete: false }),
      botDay("2026-11-22", { bybit: "1000" }),
      botDay("2026-11-17", { bybit: "400" }, { complete: false }),
      botDay("2026-11-16", { bybit: "400" }, { complete: false }),
      botDay("2026-11-15", { bybit: "400" }, { complete: false }),
      botDay("2026-11-14", { bybit: "400" }, { complete: false }),
    ];
    const result = changes(current(today, { bybit: "1100" }), history);
    expect(result.periods["1d"]?.since).toBe("2026-11-22");
    expect(toPlainString(result.periods["1d"]!.total!.usd)).toBe("100");
    expect(toPlainString(result.periods["1d"]!.total!.pct!)).toBe("10");
    // Every day in 7D's window (7 to 10 back) is partial: no 7D rather than a fake gain.
    expect(result.periods["7d"]).toBeNull();
  });

  test("a partial snapshot today is never compared, whatever the history holds", () => {
    const history = daysBetween("2026-10-01", "2026-11-23", { bybit: "1000", okx: "50" });
    const result = changes(current("2026-11-24", { bybit: "1000" }, false), history);
    expect(result.notCompared).toBe("partial");
    expect(Object.values(result.periods)).toEqual([null, null, null, null]);

    // From a snapshot: a failed platform leaves money out; a missing rate alone does not (RUB is then unknown).
    const FX: FxResult = {
      ok: true,
      stale: false,
      warnings: [],
      rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
    };
    const taken = new Date("2026-11-24T09:00:00Z");
    const row = usdRow("bybit", "1000", FX);
    const failed = failedRow("okx", new Error("down"), 1);
    const reader = { since: () => history };
    expect(snapshotChanges(combine([row, failed], FX, taken, "Europe/Paris"), reader).notCompared).toBe("partial");
    const noRate = snapshotChanges(combine([row, usdRow("okx", "50", FX)], { ok: false, reason: "down" }, taken, "Europe/Paris"), reader);
    expect(noRate.notCompared).toBeNull();
    expect(noRate.periods["1d"]?.total).toEqual({ usd: dec("0"), rub: null, pct: dec("0") });
  });
});

describe("the set of platforms counts", () => {
  const today = "2026-11-24";
  // OKX was added 4 days ago; T-Bank was removed 2 days ago.
  const history = [
    ...daysBetween("2026-10-01", addDays(today, -5), { bybit: "1000", tbank: "300" }),
    ...daysBetween(addDays(today, -4), addDays(today, -3), { bybit: "1000", tbank: "300", okx: "5000" }),
    ...daysBetween(addDays(today, -2), addDays(today, -1), { bybit: "1000", okx: "5000" }),
  ];

  test("a platform added mid-period is named instead of counted as a gain; periods within the same set compare", () => {
    const result = changes(current(today, { bybit: "1010", okx: "5000" }), history);
    const day1 = result.periods["1d"]!;
    expect(day1).toMatchObject({ since: addDays(today, -1), added: [], removed: [], vsImported: false });
    expect(toPlainString(day1.total!.usd)).toBe("10");
    const week = result.periods["7d"]!;
    expect(week).toMatchObject({ since: addDays(today, -7), total: null, added: ["okx"], removed: ["tbank"] });
    // Each platform valued on both days still has its own change (the per-platform history view).
    expect([...week.platforms.keys()]).toEqual(["bybit"]);
    expect(toPlainString(week.platforms.get("bybit")!.usd)).toBe("10");
    expect(toPlainString(week.platforms.get("bybit")!.pct!)).toBe("1");
    const json = snapshotJsonOf(result);
    expect(json.changes["7d"]).toBeNull();
    expect(json.platformsChanged).toEqual({
      "7d": { since: addDays(today, -7), added: ["okx"], removed: ["tbank"] },
      "30d": { since: addDays(today, -30), added: ["okx"], removed: ["tbank"] },
    });
    expect(json.changes["1d"]).toEqual({ since: addDays(today, -1), usd: 10, rub: 800, pct: 0.17, vsImported: false });
  });

  test("a platform removed since 1D's day is named too", () => {
    const result = changes(current(addDays(today, -2), { bybit: "1000", okx: "5000" }), history);
    expect(result.periods["1d"]).toMatchObject({ since: addDays(today, -3), total: null, added: [], removed: ["tbank"] });
  });

  test("each platform's change in its own currency when both days hold the same one", () => {
    const rub = (amount: string): Money => ({ currency: "RUB", amount: dec(amount) });
    const base = botDay("2026-11-23", { bybit: "1000", tbank: "100" }, { native: { tbank: rub("8000") } });
    const now: Current = {
      ...current("2026-11-24", { bybit: "1000", tbank: "110" }),
      platforms: platforms({ bybit: "1000", tbank: "110" }, { tbank: rub("8750.5") }),
    };
    const change = changes(now, [base]).periods["1d"]!;
    expect(change.platforms.get("tbank")!.native).toEqual(rub("750.5"));
    expect(change.platforms.get("bybit")!.native).toBeNull();
  });
});

describe("imported days and sample days", () => {
  test("an imported day with totals only is compared by total and marked", () => {
    const history = [importedDay("2026-11-23", "5000", "400000"), botDay("2026-11-17", { bybit: "6000" })];
    const result = changes(current("2026-11-24", { bybit: "1000", okx: "4500" }), history);
    expect(result.periods["1d"]).toMatchObject({ since: "2026-11-23", vsImported: true, added: [], removed: [] });
    // Today: $5,500 at 80 = ₽440,000.
    expect(result.periods["1d"]!.total).toEqual({ usd: dec("500"), rub: dec("40000"), pct: dec("10") });
    // The bot's day a week back has another set of platforms.
    expect(result.periods["7d"]).toMatchObject({ vsImported: false, total: null, added: ["okx"] });
    expect(snapshotJsonOf(result).changes["1d"]).toEqual({ since: "2026-11-23", usd: 500, rub: 40000, pct: 10, vsImported: true });
  });

  test("an imported day without an RUB total gives no RUB change; a zero baseline gives no %", () => {
    const result = changes(current("2026-11-24", { bybit: "1000" }), [importedDay("2026-11-23", "0")]);
    expect(result.periods["1d"]!.total).toEqual({ usd: dec("1000"), rub: null, pct: null });
  });

  test("sample days are never compared with, even when handed over", () => {
    const samples = SAMPLE_DAYS.map(({ day, usd, rub }) => importedDay(day, usd, rub));
    const today = addDays(SAMPLE_DAYS.at(-1)!.day, 1);
    expect(Object.values(changes(current(today, { bybit: "42000" }), samples).periods)).toEqual([null, null, null, null]);
    // The same day with other figures is the owner's own.
    const own = importedDay(SAMPLE_DAYS.at(-1)!.day, "42000", "3400000");
    expect(changes(current(today, { bybit: "42000" }), [...samples, own]).periods["1d"]?.since).toBe(own.day);
  });

  test("a history holding only the shipped samples gives no change from the store either", () => {
    const store = new HistoryStore(openDatabase(":memory:"), "Europe/Paris", () => Date.parse("2026-11-24T12:00:00Z"));
    try {
      const counts = store.importDays(
        SAMPLE_DAYS.map(({ day, usd, rub }) => ({ day, usd: dec(usd), rub: dec(rub) })),
        { overwrite: false },
      );
      expect(counts.samples).toBe(SAMPLE_DAYS.length);
      const FX: FxResult = {
        ok: true,
        stale: false,
        warnings: [],
        rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
      };
      const snapshot = combine([usdRow("bybit", "42000", FX)], FX, new Date("2026-11-24T09:00:00Z"), "Europe/Paris");
      expect(Object.values(snapshotChanges(snapshot, store).periods)).toEqual([null, null, null, null]);
    } finally {
      store.close();
    }
  });
});

describe("calendar boundaries", () => {
  test("a year boundary: YTD compares with December's last complete day, else 1 January", () => {
    const december = daysBetween("2026-11-20", "2026-12-30", { bybit: "1000" });
    const history = [...december, botDay("2026-12-31", { bybit: "900" }), botDay("2027-01-01", { bybit: "2000" }, { complete: false })];
    const jan2 = changes(current("2027-01-02", { bybit: "990" }), history);
    expect(since(jan2)).toEqual({ "1d": "2026-12-31", "7d": "2026-12-26", "30d": "2026-12-03", ytd: "2026-12-31" });
    expect(toPlainString(jan2.periods.ytd!.total!.usd)).toBe("90");
    // On 1 January itself YTD is 1D: the day before.
    expect(changes(current("2027-01-01", { bybit: "990" }), history).periods.ytd?.since).toBe("2026-12-31");
    // No December day: 1 January, when complete.
    const januaryOnly = [botDay("2026-11-30", { bybit: "1000" }), botDay("2027-01-01", { bybit: "1000" })];
    expect(changes(current("2027-03-15", { bybit: "1000" }), januaryOnly).periods.ytd?.since).toBe("2027-01-01");
    // Neither: November is not the year's start, so no YTD rather than a mislabelled one.
    expect(changes(current("2027-03-15", { bybit: "1000" }), januaryOnly.slice(0, 1)).periods.ytd).toBeNull();
    // The window the store is asked for reaches back to December 1 of the previous year, or 35 days in January.
    expect(changesWindowStart("2027-03-15")).toBe("2026-12-01");
    expect(changesWindowStart("2027-01-02")).toBe("2026-11-28");
  });

  test("a DST change moves no baseline: days are calendar days in TIMEZONE", () => {
    const history = daysBetween("2026-02-15", "2026-03-29", { bybit: "1000" }).map((day, i) => ({ ...day, usd: dec(1000 + i) }));
    const FX: FxResult = {
      ok: true,
      stale: false,
      warnings: [],
      rates: { source: "CBR", date: "2026-03-28", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
    };
    // 00:15 on Monday 30 March 2026 in Paris, the night after clocks went forward (a 23-hour Sunday). Seven times
    // 24 hours earlier is 23:15 on 22 March in Paris: a clock-based lookup would land a day early.
    const taken = new Date("2026-03-29T22:15:00Z");
    const snapshot = combine([usdRow("bybit", "2000", FX)], FX, taken, "Europe/Paris");
    const asked: string[] = [];
    const result = snapshotChanges(snapshot, {
      since: (oldest) => {
        asked.push(oldest);
        return history.filter((day) => day.day >= oldest);
      },
    });
    // The store is asked from 1 December of the previous year on (YTD's window), which covers 30D's too.
    expect(asked).toEqual(["2025-12-01"]);
    expect(since(result)).toEqual({ "1d": "2026-03-29", "7d": "2026-03-23", "30d": "2026-02-28", ytd: null });
    // In UTC the same instant is still Sunday 29 March: the snapshot's own zone decides.
    const utc = snapshotChanges(combine([usdRow("bybit", "2000", FX)], FX, taken, "UTC"), { since: () => history });
    expect(utc.periods["1d"]?.since).toBe("2026-03-28");
    // And back in October: 00:30 on 26 October in Paris follows a 25-hour day.
    const october = daysBetween("2026-10-15", "2026-10-25", { bybit: "1000" });
    const autumn = snapshotChanges(combine([usdRow("bybit", "1000", FX)], FX, new Date("2026-10-25T23:30:00Z"), "Europe/Paris"), {
      since: () => october,
    });
    expect(since(autumn)).toMatchObject({ "1d": "2026-10-25", "7d": "2026-10-19" });
  });
});

function usdRow(id: "bybit" | "okx", usd: string, fx: FxResult): PlatformRow {
  return rowOf(
    {
      platform: id,
      holdings: [{ label: "spot", money: { currency: "USD", amount: dec(usd) }, asOf: null }],
      assets: [],
      asOf: null,
      source: "test",
      warnings: [],
      leftOut: [],
    },
    fx.ok ? fx.rates : null,
    1,
  );
}

/** The --json fields of these changes (the snapshot itself does not matter to them). */
function snapshotJsonOf(result: Changes) {
  const snapshot = combine([], { ok: false, reason: "none" }, new Date(0), "UTC");
  return snapshotJson(snapshot, result);
}
