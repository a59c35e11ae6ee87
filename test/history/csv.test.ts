// pfbot's CSV: the bytes a spreadsheet gets, the round trip back into the history, and what the import refuses.
import type { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatHistoryCsv } from "../../src/history/csv.ts";
import { parseHistoryCsv } from "../../src/history/csv-import.ts";
import { openDatabase } from "../../src/history/db.ts";
import { runExport, runImport } from "../../src/history/io.ts";
import { SAMPLE_DAYS } from "../../src/history/samples.ts";
import { addDays, type DayRecord, HistoryStore, type SnapshotRecord } from "../../src/history/store.ts";
import { type Decimal, dec, mul, sum, toPlainString } from "../../src/lib/money.ts";
import { tempDir } from "../support/temp-dir.ts";

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function tempFile(name: string, content?: string | Uint8Array): string {
  const dir = tempDir("csv");
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

const TODAY = "2026-11-24";

/** A store in memory whose "today" is TODAY in Europe/Paris. */
function memoryStore(): HistoryStore {
  const store = new HistoryStore(openDatabase(":memory:"), "Europe/Paris", () => Date.parse(`${TODAY}T12:00:00Z`));
  stores.push(store);
  return store;
}

/** Every row of both tables, as stored: "identical" means equal to the character. */
function tables(db: Database) {
  return {
    days: db.query("SELECT * FROM days ORDER BY day").all(),
    platforms: db.query("SELECT * FROM day_platforms ORDER BY day, platform").all(),
    samples: db.query("SELECT * FROM sample_days ORDER BY day").all(),
  };
}

const rub = (amount: string) => ({ currency: "RUB", amount: dec(amount) });

/** Two days: one of the original bot's file (totals only), one the bot recorded with a platform that failed. */
const TWO_DAYS: DayRecord[] = [
  {
    day: "2026-11-23",
    usd: dec("42500.1"),
    rub: dec("3419176.71"),
    usdRub: dec("80.4512"),
    usdRubDate: "2026-11-21",
    complete: false,
    platforms: new Map([
      ["bybit", { usd: dec("12000.05"), native: null }],
      ["okx", { usd: null, native: null }],
      ["tbank", { usd: dec("30500.05"), native: rub("2453781.6") }],
      ["ibkr", { usd: null, native: null }],
    ]),
    takenAt: "2026-11-23T09:00:00.000Z",
    origin: "bot",
  },
  {
    day: "2026-11-22",
    usd: dec("41000"),
    rub: null,
    usdRub: null,
    usdRubDate: null,
    complete: true,
    platforms: new Map(),
    takenAt: null,
    origin: "import",
  },
];

describe("the bytes", () => {
  test("csv: UTF-8 with a BOM, ';' between fields, decimal commas, CRLF, empty cells for unknown values", () => {
    const text = formatHistoryCsv(TWO_DAYS, "csv");
    const bytes = new TextEncoder().encode(text);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1).split("\r\n")).toEqual([
      "Date;Total USD;Total RUB;USD/RUB;USD/RUB date;Bybit USD;OKX USD;T-Bank USD;T-Bank RUB;IBKR USD;Status;Not valued;Taken at (UTC)",
      "2026-11-22;41000;;;;;;;;;complete;;",
      "2026-11-23;42500,1;3419176,71;80,4512;2026-11-21;12000,05;;30500,05;2453781,6;;partial;OKX, IBKR;2026-11-23T09:00:00.000Z",
      "",
    ]);
    // No line break but CRLF.
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  test("csv-plain: RFC 4180 with ',' and decimal points, no BOM, CRLF; a cell holding ',' is quoted", () => {
    const text = formatHistoryCsv(TWO_DAYS, "csv-plain");
    expect(text.charCodeAt(0)).toBe("D".charCodeAt(0));
    expect(text.split("\r\n")).toEqual([
      "Date,Total USD,Total RUB,USD/RUB,USD/RUB date,Bybit USD,OKX USD,T-Bank USD,T-Bank RUB,IBKR USD,Status,Not valued,Taken at (UTC)",
      "2026-11-22,41000,,,,,,,,,complete,,",
      '2026-11-23,42500.1,3419176.71,80.4512,2026-11-21,12000.05,,30500.05,2453781.6,,partial,"OKX, IBKR",2026-11-23T09:00:00.000Z',
      "",
    ]);
  });

  test("--export FILE writes those bytes; an empty history is the header alone", () => {
    const store = memoryStore();
    const empty = tempFile("empty.csv");
    expect(runExport(store, empty, "csv")).toBe(`exported 0 days to ${empty}`);
    expect(readFileSync(empty, "utf8")).toBe("\uFEFFDate;Total USD;Total RUB;USD/RUB;USD/RUB date;Status;Not valued;Taken at (UTC)\r\n");
    store.importDays([{ day: "2026-11-22", usd: dec("41000"), rub: null }], { overwrite: false });
    const file = tempFile("history.csv");
    runExport(store, file, "csv");
    expect(readFileSync(file)).toEqual(Buffer.from(formatHistoryCsv(store.all(), "csv")));
  });
});

describe("a round trip of 3653 days", () => {
  /**
   * Ten years of days ending yesterday, as they come: a year imported from the original bot's file, then what the bot
   * recorded: gaps, partial days with a failed platform, T-Bank in RUB, an IBKR account in EUR for a while, OKX added
   * later, a day without the rate, amounts with 12 decimals, a negative platform value, and zeros.
   */
  function tenYears(store: HistoryStore): number {
    let day = addDays(TODAY, -3800);
    const imported = Array.from({ length: 365 }, (_, i) => ({
      day: addDays(day, i),
      usd: dec(`${30000 + i}.${i % 100}`),
      rub: i % 50 === 0 ? null : dec(`${2400000 + i * 80}.5`),
    }));
    store.importDays(imported, { overwrite: false });
    day = addDays(day, 365);
    let recorded = imported.length;
    for (let i = 0; recorded < 3653; i++, day = addDays(day, 1)) {
      if (i % 37 === 5) continue;
      const platforms = new Map<string, { usd: Decimal | null; native: { currency: string; amount: Decimal } | null }>([
        ["bybit", { usd: dec(`${10000 + (i % 977)}.${String(i % 1000).padStart(3, "0")}`), native: null }],
        ["tbank", { usd: dec(`${20000 + i}.710123456789`), native: rub(`${1600000 + i * 7}.123456`) }],
      ]);
      if (i > 1500) platforms.set("okx", { usd: i % 11 === 0 ? null : dec(i % 13 === 0 ? "0" : `${i}.5`), native: null });
      if (i > 900 && i < 1200)
        platforms.set("ibkr", { usd: dec(i % 7 === 0 ? "-12.5" : "5000.25"), native: { currency: "EUR", amount: dec("4600.1") } });
      const usd = sum([...platforms.values()].flatMap((p) => (p.usd ? [p.usd] : [])));
      const rate = i % 101 === 0 ? null : dec(`${80 + (i % 9)}.${String(i % 10000).padStart(4, "0")}`);
      const record: SnapshotRecord = {
        takenAt: new Date(`${day}T0${i % 10}:0${i % 6}:00.${String(i % 1000).padStart(3, "0")}Z`),
        usd: usd.coef < 0n ? dec("0") : usd,
        rub: rate === null ? null : mul(usd, rate),
        usdRub: rate,
        complete: ![...platforms.values()].some((p) => p.usd === null) && rate !== null,
        platforms,
        rateDate: addDays(day, -(i % 3)),
      };
      expect(store.recordSnapshot(record).outcome).toBe("added");
      recorded += 1;
    }
    return recorded;
  }

  // Built once: both dialects export the same ten years (building them is most of each test's time).
  let tenYearsStore: HistoryStore | undefined;
  function tenYearsHistory(): HistoryStore {
    if (tenYearsStore === undefined) {
      // Not in `stores`: it outlives each test, and the process's end closes it.
      tenYearsStore = new HistoryStore(openDatabase(":memory:"), "Europe/Paris", () => Date.parse(`${TODAY}T12:00:00Z`));
      expect(tenYears(tenYearsStore)).toBe(3653);
    }
    return tenYearsStore;
  }

  for (const dialect of ["csv", "csv-plain"] as const) {
    test(`${dialect}: export, import into an empty history: both tables identical, to the character`, () => {
      const original = tenYearsHistory();
      const before = tables(original.db);
      expect(before.days.length).toBe(3653);
      const file = tempFile(`history.${dialect}`);
      expect(runExport(original, file, dialect)).toBe(`exported 3653 days to ${file}`);

      const copy = memoryStore();
      const result = runImport(copy, file, { overwrite: false });
      expect(result).toMatchObject({ ok: true, counts: { added: 3653, kept: 0, replaced: 0 } });
      expect(tables(copy.db)).toEqual(before);
    });
  }

  test("a file imported back into the history it came from is kept as it is, or replaced by itself", () => {
    const original = tenYearsHistory();
    const before = tables(original.db);
    const file = tempFile("history.csv");
    runExport(original, file, "csv");
    expect(runImport(original, file, { overwrite: false })).toMatchObject({ ok: true, counts: { added: 0, kept: 3653 } });
    expect(runImport(original, file, { overwrite: true })).toMatchObject({ ok: true, counts: { replaced: 3653 } });
    expect(tables(original.db)).toEqual(before);
  });
});

describe("the import", () => {
  test("a file a spreadsheet saved again: dates as 26.11.2026, grouped amounts, quotes, LF, short rows, blank lines", () => {
    const store = memoryStore();
    const text = [
      "Date;Total USD;Total RUB;USD/RUB;USD/RUB date;Bybit USD;T-Bank USD;T-Bank RUB;Status",
      "23.11.2026;42\u00A0500,10;3 419 176,71;80,4512;21.11.2026;12000,05;30500,05;2453781,6;complete",
      "",
      '2026-11-22;"41000";;;;;;',
      ";;;;;;;;",
    ].join("\n");
    const file = tempFile("edited.csv", text);
    expect(runImport(store, file, { overwrite: false })).toMatchObject({ ok: true, counts: { added: 2 } });
    const day = store.get("2026-11-23")!;
    expect([day.usd, day.rub, day.usdRub, day.usdRubDate, day.complete, day.origin, day.takenAt]).toEqual([
      dec("42500.10"),
      dec("3419176.71"),
      dec("80.4512"),
      "2026-11-21",
      true,
      "import",
      null,
    ]);
    expect(day.platforms.get("tbank")).toEqual({ usd: dec("30500.05"), native: rub("2453781.6") });
    expect(store.get("2026-11-22")).toMatchObject({ usd: dec("41000"), rub: null, complete: true, platforms: new Map() });
  });

  test("the shipped sample days are kept apart as samples, as from the JSON", () => {
    const store = memoryStore();
    const lines = ["Date,Total USD,Total RUB", ...SAMPLE_DAYS.map((d) => `${d.day},${d.usd},${d.rub}`)];
    const result = runImport(store, tempFile("samples.csv", lines.join("\r\n")), { overwrite: false });
    expect(result).toMatchObject({ ok: true, counts: { added: 0, samples: SAMPLE_DAYS.length } });
    expect(store.count()).toBe(0);
    expect(store.samples().length).toBe(SAMPLE_DAYS.length);
  });

  test("bad CSV is refused with each problem's line number, and nothing is written", () => {
    const store = memoryStore();
    store.importDays([{ day: "2026-11-01", usd: dec("1"), rub: dec("80") }], { overwrite: false });
    const before = tables(store.db);
    const text = [
      "\uFEFFDate;Total USD;Total RUB;OKX USD;Status;Not valued;Taken at (UTC)",
      "2026-11-20;100;8000;100;complete;;",
      "2026-11-21;1.234,56;8000;;complete;;",
      "2026-11-22;100;abc;;partial;;",
      "2026-11-20;100;8000;;complete;;",
      "2026-13-01;100;8000;;complete;;",
      "2026-11-23;-5;8000;;complete;;",
      "2026-11-24;100;8000;;complete;OKX;",
      "2026-11-25;100;8000;;done;;",
      "2026-11-17;100;8000;;complete;;2026-11-20T09:00:00.000Z",
      "2026-11-27;100;8000;;complete;;",
      "2026-11-19;100;8000;5;partial;Kraken;",
      "2026-11-18;100;8000;;complete;;;extra",
    ].join("\r\n");
    const file = tempFile("bad.csv", text);
    const result = runImport(store, file, { overwrite: true });
    expect(result).toEqual({
      ok: false,
      error: [
        `${file}: nothing imported, the file has problems:`,
        '  - line 3: 2026-11-21: Total USD is not a number ("1.234,56"): write a plain number with a decimal comma, like 42500,10 (spaces between thousands are fine)',
        '  - line 4: 2026-11-22: Total RUB is not a number ("abc"): write a plain number with a decimal comma, like 42500,10 (spaces between thousands are fine)',
        "  - line 5: 2026-11-20 appears again (first on line 2); keep one row for this day",
        '  - line 6: Date "2026-13-01" is not a date: write 2026-11-26 (or 26.11.2026)',
        "  - line 7: 2026-11-23: Total USD is negative",
        "  - line 8: 2026-11-24: a complete day values every platform in USD, but OKX has none: mark it partial",
        '  - line 9: 2026-11-25: Status must be complete or partial (found "done")',
        "  - line 10: 2026-11-17: Taken at (UTC) 2026-11-20T09:00:00.000Z is not on that day",
        "  - line 11: 2026-11-27: the day is after tomorrow (2026-11-25); the history holds days from 01-01-2000 to tomorrow",
        '  - line 12: 2026-11-19: Not valued names "Kraken", which is no platform pfbot knows',
        "  - line 13: 8 fields, but the first line names 7 columns",
      ].join("\n"),
    });
    expect(tables(store.db)).toEqual(before);
  });

  test("a header pfbot cannot read, an unclosed quote or a file that is not UTF-8 is refused before any row", () => {
    const store = memoryStore();
    const refuse = (name: string, content: string | Uint8Array) => {
      const result = runImport(store, tempFile(name, content), { overwrite: false });
      if (result.ok) throw new Error(`expected ${name} to be refused`);
      return result.error.split("\n").slice(1);
    };
    expect(refuse("header.csv", "Date;Total USD;Bybitt USD;Date\r\n")).toEqual([
      '  - line 1: unknown column "Bybitt USD": the columns are Date, Total USD, Total RUB, USD/RUB, USD/RUB date, Status, Not valued, Taken at (UTC), and "<platform> USD" or "<platform> RUB" for Bybit, OKX, T-Bank, IBKR, Binance, KuCoin',
      '  - line 1: the column "Date" appears twice',
      '  - line 1: the column "Total RUB" is missing',
    ]);
    expect(refuse("quote.csv", 'Date,Total USD,Total RUB\r\n2026-11-20,100,8000\r\n"2026-11-21,100,8000\r\n')).toEqual([
      '  - line 3: a quoted field is never closed (a " is missing)',
    ]);
    // "Дата" in Windows-1251, as Excel's plain "CSV" saves it in a Russian locale.
    const cp1251 = new Uint8Array([0xc4, 0xe0, 0xf2, 0xe0, 0x3b, 0x31, 0x0d, 0x0a]);
    const result = runImport(store, tempFile("cp1251.csv", cp1251), { overwrite: false });
    expect(result.ok || result.error).toContain('is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"');
    expect(store.count()).toBe(0);
  });

  test("a day's details come back exactly as parsed, origin from its taken-at time", () => {
    const parsed = parseHistoryCsv(formatHistoryCsv(TWO_DAYS, "csv"), TODAY);
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(parsed.entries.map((entry) => [entry.day, toPlainString(entry.usd), entry.details?.takenAt])).toEqual([
      ["2026-11-22", "41000", null],
      ["2026-11-23", "42500.1", "2026-11-23T09:00:00.000Z"],
    ]);
    expect(parsed.entries[1]!.details!.platforms).toEqual(TWO_DAYS[0]!.platforms);
  });
});
