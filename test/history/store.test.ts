import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DATABASE_FILE, MIGRATIONS, openDatabase, schemaVersion } from "../../src/history/db.ts";
import { HistoryError } from "../../src/history/errors.ts";
import { formatHistoryJson, parseHistoryJson } from "../../src/history/json.ts";
import {
  addDays,
  HistoryStore,
  type ImportEntry,
  latestDayForRate,
  localDay,
  logRecordResult,
  type SnapshotRecord,
} from "../../src/history/store.ts";
import { createLogger } from "../../src/lib/log.ts";
import { dec, toFixed, toPlainString } from "../../src/lib/money.ts";
import { tempDir } from "../support/temp-dir.ts";

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** The store's clock in tests: "today" is 2026-11-24 in Europe/Paris unless a test moves it. */
const NOW = Date.parse("2026-11-24T12:00:00Z");

function openStore(dataDir = tempDir("history"), timeZone = "Europe/Paris", now: () => number = () => NOW): HistoryStore {
  const store = HistoryStore.open(dataDir, timeZone, now);
  stores.push(store);
  return store;
}

const NO_PLATFORMS = new Map();

function snapshot(at: string, usd: string, complete = true, extra: Partial<SnapshotRecord> = {}): SnapshotRecord {
  // The Bank of Russia set in force that day, as on a weekday afternoon.
  return {
    takenAt: new Date(at),
    usd: dec(usd),
    rub: dec(usd),
    usdRub: dec("1"),
    complete,
    platforms: NO_PLATFORMS,
    rateDate: at.slice(0, 10),
    ...extra,
  };
}

const usdOf = (store: HistoryStore, day: string) => {
  const record = store.get(day);
  return record ? toPlainString(record.usd) : null;
};

describe("localDay", () => {
  test("the day changes at local midnight in Europe/Paris, winter and summer", () => {
    expect(localDay(new Date("2026-11-23T22:59:59Z"), "Europe/Paris")).toBe("2026-11-23");
    expect(localDay(new Date("2026-11-23T23:00:00Z"), "Europe/Paris")).toBe("2026-11-24");
    expect(localDay(new Date("2026-07-01T21:59:59Z"), "Europe/Paris")).toBe("2026-07-01");
    expect(localDay(new Date("2026-07-01T22:00:00Z"), "Europe/Paris")).toBe("2026-07-02");
  });

  test("west of UTC the local day lags the UTC day until local midnight", () => {
    expect(localDay(new Date("2026-11-24T04:59:59Z"), "America/New_York")).toBe("2026-11-23");
    expect(localDay(new Date("2026-11-24T05:00:00Z"), "America/New_York")).toBe("2026-11-24");
    expect(localDay(new Date("2026-11-24T09:59:59Z"), "Pacific/Honolulu")).toBe("2026-11-23");
  });

  test("addDays crosses month, year and leap-day boundaries", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});

describe("recording rules", () => {
  test("the last run of a day overwrites the earlier one", () => {
    const store = openStore();
    expect(store.recordSnapshot(snapshot("2026-11-23T08:00:00Z", "100.10")).outcome).toBe("added");
    expect(store.recordSnapshot(snapshot("2026-11-23T18:00:00Z", "200.20")).outcome).toBe("replaced");
    const day = store.get("2026-11-23")!;
    expect(toPlainString(day.usd)).toBe("200.2");
    expect(day.takenAt).toBe("2026-11-23T18:00:00.000Z");
    expect(day.origin).toBe("bot");
    expect(store.count()).toBe(1);
  });

  test("partial snapshot never overwrites a complete day", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-23T08:00:00Z", "100"));
    expect(store.recordSnapshot(snapshot("2026-11-23T18:00:00Z", "40", false)).outcome).toBe("kept");
    expect(usdOf(store, "2026-11-23")).toBe("100");
    expect(store.get("2026-11-23")!.complete).toBe(true);
  });

  test("a partial day is replaced by a later partial or complete run", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-23T08:00:00Z", "40", false));
    expect(store.recordSnapshot(snapshot("2026-11-23T10:00:00Z", "45", false)).outcome).toBe("replaced");
    expect(usdOf(store, "2026-11-23")).toBe("45");
    expect(store.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "100")).outcome).toBe("replaced");
    expect(store.get("2026-11-23")!.complete).toBe(true);
  });

  test("two runs a second apart around Paris midnight land on two days (same UTC day)", () => {
    const store = openStore(tempDir("history"), "Europe/Paris");
    store.recordSnapshot(snapshot("2026-11-23T22:59:59Z", "1"));
    store.recordSnapshot(snapshot("2026-11-23T23:00:00Z", "2"));
    expect(store.all().map((d) => [d.day, toPlainString(d.usd)])).toEqual([
      ["2026-11-24", "2"],
      ["2026-11-23", "1"],
    ]);
  });

  test("in a zone west of UTC, runs on two UTC days before local midnight share one day", () => {
    const store = openStore(tempDir("history"), "America/New_York");
    store.recordSnapshot(snapshot("2026-11-23T23:30:00Z", "1"));
    store.recordSnapshot(snapshot("2026-11-24T04:59:00Z", "2"));
    expect(store.all().map((d) => [d.day, toPlainString(d.usd)])).toEqual([["2026-11-23", "2"]]);
  });

  test("amounts, rate and per-platform values come back exact, nulls included", () => {
    const store = openStore();
    store.recordSnapshot({
      takenAt: new Date("2026-11-23T09:00:00Z"),
      usd: dec("42500.10"),
      rub: null,
      usdRub: null,
      complete: false,
      platforms: new Map([
        ["bybit", { usd: dec("0.000000012345"), native: null }],
        ["okx", { usd: null, native: null }],
        ["tbank", { usd: dec("123456789012345.67"), native: { currency: "RUB", amount: dec("9876543210.123456") } }],
        ["ibkr", { usd: dec("0"), native: { currency: "EUR", amount: dec("0.00") } }],
      ]),
      rateDate: "2026-11-23",
    });
    const day = store.get("2026-11-23")!;
    expect(toPlainString(day.usd)).toBe("42500.1");
    expect(day.rub).toBeNull();
    expect(day.usdRub).toBeNull();
    expect(toPlainString(day.platforms.get("bybit")!.usd!)).toBe("0.000000012345");
    expect(day.platforms.get("bybit")!.native).toBeNull();
    // In the snapshot without a USD value (it failed): kept as such, unlike a platform not configured.
    expect(day.platforms.get("okx")).toEqual({ usd: null, native: null });
    expect(toPlainString(day.platforms.get("tbank")!.usd!)).toBe("123456789012345.67");
    expect(day.platforms.get("tbank")!.native!.currency).toBe("RUB");
    expect(toPlainString(day.platforms.get("tbank")!.native!.amount)).toBe("9876543210.123456");
    expect(toPlainString(day.platforms.get("ibkr")!.usd!)).toBe("0");
    expect(toPlainString(day.platforms.get("ibkr")!.native!.amount)).toBe("0");
    expect(day.platforms.size).toBe(4);
  });

  test("recent() is newest first and limited; since() from a day on; all() holds every day", () => {
    const store = openStore();
    for (const day of ["2026-11-20", "2026-11-21", "2026-11-22"]) store.recordSnapshot(snapshot(`${day}T12:00:00Z`, "1"));
    expect(store.recent(2).map((d) => d.day)).toEqual(["2026-11-22", "2026-11-21"]);
    expect(store.since("2026-11-21").map((d) => d.day)).toEqual(["2026-11-22", "2026-11-21"]);
    expect(store.all().map((d) => d.day)).toEqual(["2026-11-22", "2026-11-21", "2026-11-20"]);
  });

  test("the Bank of Russia rate's date is kept with the rate (a Monday holds Saturday's set)", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-23T09:00:00Z", "1", true, { usdRub: dec("80.4512"), rateDate: "2026-11-21" }));
    expect(store.get("2026-11-23")).toMatchObject({ usdRub: dec("80.4512"), usdRubDate: "2026-11-21" });
  });
});

describe("clock checks", () => {
  const clockAt = (iso: string) => () => Date.parse(iso);

  test("with the clock five years ahead nothing is recorded, and real days go on being recorded after it is fixed", () => {
    const dataDir = tempDir("history");
    const ahead = openStore(dataDir, "Europe/Paris", clockAt("2031-11-24T12:00:00Z"));
    // The CBR still answers with today's real set.
    const result = ahead.recordSnapshot(snapshot("2031-11-24T12:00:00Z", "100", true, { rateDate: "2026-11-24" }));
    expect(result).toEqual({
      outcome: "refused",
      day: "2031-11-24",
      reason:
        "day 2031-11-24 is more than 2 days after the Bank of Russia rate date 2026-11-24: the clock looks ahead; check the system clock",
    });
    expect(ahead.count()).toBe(0);
    const fixed = openStore(dataDir, "Europe/Paris", clockAt("2026-11-24T12:00:00Z"));
    expect(fixed.recordSnapshot(snapshot("2026-11-24T12:00:00Z", "100")).outcome).toBe("added");
    expect(fixed.recent(30).map((d) => d.day)).toEqual(["2026-11-24"]);
  });

  test("Saturday's rate on Monday (rate date + 2) is recorded; rate date + 3 is not", () => {
    const store = openStore(tempDir("history"), "Europe/Paris", clockAt("2026-11-24T12:00:00Z"));
    expect(store.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "1", true, { rateDate: "2026-11-21" })).outcome).toBe("added");
    expect(store.recordSnapshot(snapshot("2026-11-24T12:00:00Z", "1", true, { rateDate: "2026-11-21" })).outcome).toBe("refused");
    // The evening publication dates the set tomorrow: the day before the rate date is today.
    expect(store.recordSnapshot(snapshot("2026-11-24T12:00:00Z", "2", true, { rateDate: "2026-11-25" })).outcome).toBe("added");
  });

  test("over the New Year break one set covers up to 14 January; a year ahead is still refused", () => {
    expect(latestDayForRate("2025-12-31")).toBe("2026-01-14");
    expect(latestDayForRate("2026-01-10")).toBe("2026-01-14");
    expect(latestDayForRate("2026-01-13")).toBe("2026-01-15");
    expect(latestDayForRate("2026-12-24")).toBe("2026-12-26");
    const store = openStore(tempDir("history"), "Europe/Moscow", clockAt("2026-01-09T09:00:00Z"));
    expect(store.recordSnapshot(snapshot("2026-01-09T09:00:00Z", "1", true, { rateDate: "2025-12-31" })).outcome).toBe("added");
    const ahead = openStore(tempDir("history"), "Europe/Moscow", clockAt("2027-01-09T09:00:00Z"));
    expect(ahead.recordSnapshot(snapshot("2027-01-09T09:00:00Z", "1", true, { rateDate: "2025-12-31" })).outcome).toBe("refused");
  });

  test("with the clock a year back, a run does not replace the imported day it lands on", () => {
    const dataDir = tempDir("history");
    const store = openStore(dataDir, "Europe/Paris", clockAt("2025-11-24T12:00:00Z"));
    store.importDays(
      [
        { day: "2025-11-23", usd: dec("10"), rub: null },
        { day: "2025-11-24", usd: dec("20"), rub: null },
      ],
      { overwrite: false },
    );
    const result = store.recordSnapshot(snapshot("2025-11-24T12:00:00Z", "999", true, { rateDate: "2026-11-24" }));
    expect(result.outcome).toBe("refused");
    expect(result.reason).toContain("more than 3 days before the Bank of Russia rate date 2026-11-24: the clock looks behind");
    expect(store.get("2025-11-24")).toMatchObject({ origin: "import", usd: dec("20") });
  });

  test("a day earlier than the newest day stored is never recorded", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-24T08:00:00Z", "100"));
    const result = store.recordSnapshot(snapshot("2026-11-23T08:00:00Z", "5"));
    expect(result).toEqual({
      outcome: "refused",
      day: "2026-11-23",
      reason: "day 2026-11-23 is earlier than the newest day already stored (2026-11-24): the clock looks behind; check the system clock",
    });
    expect(store.get("2026-11-23")).toBeNull();
  });

  test("an imported day is replaced by a run only when it is today", () => {
    // The run started at 23:59 on the 23rd (Paris) and is recorded after midnight: the 23rd is no longer today.
    const store = openStore(tempDir("history"), "Europe/Paris", clockAt("2026-11-23T23:05:00Z"));
    store.importDays([{ day: "2026-11-23", usd: dec("10"), rub: null }], { overwrite: false });
    const late = store.recordSnapshot(snapshot("2026-11-23T22:59:00Z", "11"));
    expect(late).toEqual({
      outcome: "kept",
      day: "2026-11-23",
      reason: "day 2026-11-23 was imported and is not today (2026-11-24): a run never rewrites imported history",
    });
    expect(store.get("2026-11-23")?.origin).toBe("import");

    const sameDay = openStore(tempDir("history"), "Europe/Paris", clockAt("2026-11-23T12:00:00Z"));
    sameDay.importDays([{ day: "2026-11-23", usd: dec("10"), rub: null }], { overwrite: false });
    expect(sameDay.recordSnapshot(snapshot("2026-11-23T11:00:00Z", "11")).outcome).toBe("replaced");
    expect(sameDay.get("2026-11-23")).toMatchObject({ origin: "bot", usd: dec("11") });
  });

  test("without a Bank of Russia rate the day cannot be checked against the clock and is not recorded", () => {
    const store = openStore();
    const result = store.recordSnapshot(snapshot("2026-11-24T08:00:00Z", "100", true, { rub: null, usdRub: null, rateDate: null }));
    expect(result).toEqual({
      outcome: "refused",
      day: "2026-11-24",
      reason: "no Bank of Russia rate, so day 2026-11-24 cannot be checked against the clock",
    });
    expect(store.count()).toBe(0);
  });

  test("logRecordResult warns with the reason when refused, and says the outcome otherwise", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", secrets: [], write: (line) => lines.push(line), colour: false });
    logRecordResult(log, { outcome: "refused", day: "2031-11-24", reason: "the clock looks ahead" });
    logRecordResult(log, { outcome: "added", day: "2026-11-24", reason: null });
    expect(lines[0]).toContain("WARN");
    expect(lines[0]).toContain("history not recorded: the clock looks ahead");
    expect(lines[1]).toContain("history recorded");
    expect(lines[1]).toContain("added");
  });
});

describe("only what the import would take back", () => {
  test.each([
    ["a negative USD total", { usd: dec("-0.01") }, "the USD total is negative"],
    ["a USD total that is 10^15 once written with cents", { usd: dec("999999999999999.996") }, "the USD total is implausibly large"],
    ["an RUB total of 10^15", { rub: dec("1e15") }, "the RUB total is implausibly large"],
    [
      "a platform value of 10^15",
      { platforms: new Map([["tbank", { usd: dec("1e15"), native: null }]]) },
      "a platform value or the rate is 10^15 or more",
    ],
    [
      "a native amount of 10^15",
      { platforms: new Map([["tbank", { usd: dec("1"), native: { currency: "RUB", amount: dec("1e15") } }]]) },
      "a platform value or the rate is 10^15 or more",
    ],
  ] as const)("%s is refused", (_what, extra, reason) => {
    const store = openStore();
    const result = store.recordSnapshot(snapshot("2026-11-24T08:00:00Z", "100", true, extra));
    expect(result.outcome).toBe("refused");
    expect(result.reason).toStartWith(reason);
    expect(store.count()).toBe(0);
  });

  test("a day before 2000-01-01 (a clock reset to 1999) is refused", () => {
    const store = openStore(tempDir("history"), "UTC", () => Date.parse("1999-12-31T12:00:00Z"));
    const result = store.recordSnapshot(snapshot("1999-12-31T12:00:00Z", "1"));
    expect(result).toMatchObject({
      outcome: "refused",
      reason: "day 1999-12-31 is before 2000-01-01: the history could not export and import it back",
    });
  });

  test("every day the bot records exports and imports back as the same figures", () => {
    const store = openStore();
    const values = ["0", "0.004", "42500.10", "999999999999999.99"];
    values.forEach((usd, i) => {
      const at = `2026-11-${String(20 + i).padStart(2, "0")}T12:00:00Z`;
      expect(store.recordSnapshot(snapshot(at, usd, true, { rub: dec(usd) })).outcome).toBe("added");
    });
    const parsed = parseHistoryJson(formatHistoryJson(store.all()), store.today());
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    expect(parsed.entries.map((e) => toFixed(e.usd, 2))).toEqual(["0.00", "0.00", "42500.10", "999999999999999.99"]);
  });
});

describe("previousComparableDay", () => {
  test("takes the latest complete day before, skipping partial days and the day itself", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-20T12:00:00Z", "100"));
    store.recordSnapshot(snapshot("2026-11-22T12:00:00Z", "50", false));
    store.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "120"));
    expect(store.previousComparableDay("2026-11-23")?.day).toBe("2026-11-20");
    expect(store.previousComparableDay("2026-11-24")?.day).toBe("2026-11-23");
  });

  test("is null when the last complete day is more than 7 days older", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-16T12:00:00Z", "100"));
    expect(store.previousComparableDay("2026-11-23")?.day).toBe("2026-11-16");
    expect(store.previousComparableDay("2026-11-24")).toBeNull();
    expect(store.previousComparableDay("2026-11-18", 1)).toBeNull();
    expect(store.previousComparableDay("2026-11-16")).toBeNull();
  });
});

describe("importDays", () => {
  const entry = (day: string, usd: string, rub: string | null = "1"): ImportEntry => ({
    day,
    usd: dec(usd),
    rub: rub === null ? null : dec(rub),
  });

  test("adds new days and keeps existing ones (bot or imported) unless overwrite", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "500"));
    expect(store.importDays([entry("2026-11-22", "10"), entry("2026-11-23", "20")], { overwrite: false })).toEqual({
      added: 1,
      kept: 1,
      replaced: 0,
      samples: 0,
      samplesLeftOut: 0,
      samplesRemoved: 0,
    });
    expect(usdOf(store, "2026-11-23")).toBe("500");
    expect(store.importDays([entry("2026-11-22", "11"), entry("2026-11-21", "9")], { overwrite: false })).toEqual({
      added: 1,
      kept: 1,
      replaced: 0,
      samples: 0,
      samplesLeftOut: 0,
      samplesRemoved: 0,
    });
    expect(usdOf(store, "2026-11-22")).toBe("10");
    expect(store.importDays([entry("2026-11-22", "12"), entry("2026-11-23", "21", null)], { overwrite: true })).toEqual({
      added: 0,
      kept: 0,
      replaced: 2,
      samples: 0,
      samplesLeftOut: 0,
      samplesRemoved: 0,
    });
    const replaced = store.get("2026-11-23")!;
    expect([toPlainString(replaced.usd), replaced.rub, replaced.origin, replaced.takenAt, replaced.complete]).toEqual([
      "21",
      null,
      "import",
      null,
      true,
    ]);
  });

  test("imports 10 years of days (3653) in one transaction", () => {
    const store = openStore();
    const entries = Array.from({ length: 3653 }, (_, i) =>
      entry(addDays("2016-11-23", i), `${40000 + i}.${String(i % 100).padStart(2, "0")}`),
    );
    const started = performance.now();
    expect(store.importDays(entries, { overwrite: false })).toEqual({
      added: 3653,
      kept: 0,
      replaced: 0,
      samples: 0,
      samplesLeftOut: 0,
      samplesRemoved: 0,
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(store.count()).toBe(3653);
    // 2016-11-23 … 2026-11-23: ten years and a day (2020 and 2024 are leap years).
    expect(store.all()[0]!.day).toBe("2026-11-23");
    expect(store.all().at(-1)!.day).toBe("2016-11-23");
    expect(usdOf(store, "2016-11-23")).toBe("40000");
    expect(usdOf(store, "2016-11-24")).toBe("40001.01");
  });

  test("an import that fails on its last day writes nothing (one transaction)", () => {
    const store = openStore();
    store.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "500"));
    const entries = Array.from({ length: 3652 }, (_, i) => entry(addDays("2016-11-24", i), "1"));
    // The table's CHECK refuses a malformed day: the failure comes after 3652 good upserts.
    expect(() => store.importDays([...entries, entry("not-a-day", "1")], { overwrite: true })).toThrow();
    expect(store.count()).toBe(1);
    expect(usdOf(store, "2026-11-23")).toBe("500");
  });
});

describe("database file", () => {
  test("is created in DATA_DIR on first use, in WAL mode, at the latest schema version", () => {
    const dataDir = join(tempDir("history"), "nested", "data");
    const store = openStore(dataDir);
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
    expect(store.db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
  });

  test("STRICT tables and CHECKs refuse malformed rows", () => {
    const store = openStore();
    const insert = (complete: string, origin: string) => () =>
      store.db.run(`INSERT INTO days (day, usd, complete, origin) VALUES ('2026-11-23', '1', ${complete}, ${origin})`);
    expect(insert("'yes'", "'bot'")).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(insert("2", "'bot'")).toThrow(/CHECK constraint failed/);
    expect(insert("1", "'elsewhere'")).toThrow(/CHECK constraint failed/);
    expect(store.count()).toBe(0);
  });

  test("reopening keeps the rows and runs no migration twice", () => {
    const dataDir = tempDir("history");
    const first = HistoryStore.open(dataDir, "Europe/Paris");
    first.recordSnapshot(snapshot("2026-11-23T12:00:00Z", "42500.10"));
    first.close();
    const second = openStore(dataDir);
    expect(usdOf(second, "2026-11-23")).toBe("42500.1");
    expect(schemaVersion(second.db)).toBe(MIGRATIONS.length);
  });

  test("a database from a newer pfbot is refused with a clear message", () => {
    const path = join(tempDir("history"), DATABASE_FILE);
    const db = new Database(path, { create: true });
    db.run(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(/newer than this pfbot knows.*upgrade pfbot/);
    expect(() => openDatabase(path)).toThrow(HistoryError);
  });

  test("a value edited by hand into something that is not a number is a HistoryError saying what to do", () => {
    const dir = tempDir("history");
    const store = openStore(dir);
    store.importDays([{ day: "2026-11-23", usd: dec("42500.10"), rub: null }], { overwrite: false });
    store.db.run("UPDATE days SET usd = 'lots' WHERE day = '2026-11-23'");
    expect(() => store.all()).toThrow(HistoryError);
    expect(() => store.all()).toThrow(
      `pfbot.sqlite: day 2026-11-23 has a non-numeric usd ("lots"), so the history cannot be read: correct or delete that day with sqlite3, or restore a backup`,
    );
  });
});

describe("crash safety", () => {
  test("a process killed mid-run loses no committed day, and its open transaction leaves nothing", async () => {
    const dataDir = tempDir("history");
    const script = join(tempDir("history"), "writer.ts");
    // The child records one day per transaction and reports each commit with a synchronous write,
    // then starts a big import and is killed inside it.
    writeFileSync(
      script,
      `import { writeSync } from "node:fs";
       import { HistoryStore, addDays } from ${JSON.stringify(resolve("src/history/store.ts"))};
       import { dec } from ${JSON.stringify(resolve("src/lib/money.ts"))};
       const store = HistoryStore.open(${JSON.stringify(dataDir)}, "UTC", () => Date.parse("2026-07-20T12:00:00Z"));
       const none = new Map();
       for (let i = 0; i < 200; i++) {
         const day = addDays("2026-01-01", i);
         store.recordSnapshot({ takenAt: new Date(day + "T12:00:00Z"), usd: dec(String(1000 + i) + ".10"), rub: null, usdRub: null, complete: true, platforms: none, rateDate: day });
         writeSync(1, "committed " + day + "\\n");
       }
       store.db.transaction(() => {
         for (let i = 0; i < 100; i++) store.db.run("INSERT INTO days (day, usd, complete, origin) VALUES (?1, '1', 1, 'import')", [addDays("2030-01-01", i)]);
         writeSync(1, "inside transaction\\n");
         for (;;) {}
       })();
      `,
    );
    const child = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "pipe" });
    const committed: string[] = [];
    const decoder = new TextDecoder();
    let buffered = "";
    let walSeen = false;
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk);
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("committed ")) committed.push(line.slice(10));
      if (lines.includes("inside transaction")) {
        walSeen = existsSync(join(dataDir, `${DATABASE_FILE}-wal`));
        child.kill("SIGKILL");
        break;
      }
    }
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");
    expect(walSeen).toBe(true);
    expect(committed.length).toBe(200);

    const store = openStore(dataDir, "UTC");
    expect(store.count()).toBe(200);
    for (const [i, day] of committed.entries()) expect(usdOf(store, day)).toBe(`${1000 + i}.1`);
    expect(store.get("2030-01-01")).toBeNull();
  });
});
