// The 5 sample days of data/portfolio_history.json: shown by /history as samples on a first try from a clone,
// never the owner's history (no change line, no recording rule), removed by the first real day recorded; an
// earlier pfbot that imported them as history has them moved out by migration 3. A user's own file is history.
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE, MIGRATIONS, schemaVersion } from "../../src/history/db.ts";
import { historyViewText, LEGACY_HISTORY_FILE, openHistory, runImport } from "../../src/history/io.ts";
import { parseHistoryJson } from "../../src/history/json.ts";
import { SAMPLE_DAYS } from "../../src/history/samples.ts";
import { HistoryStore, logRecordResult, type SnapshotRecord } from "../../src/history/store.ts";
import { createLogger } from "../../src/lib/log.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { NO_CHANGES, snapshotChanges } from "../../src/snapshot/changes.ts";
import { dayChange } from "../../src/snapshot/report.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import { tempDir } from "../support/temp-dir.ts";

const SAMPLE_FILE = "data/portfolio_history.json";
const NOW = () => Date.parse("2026-11-24T12:00:00Z");

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** A clone's first start: DATA_DIR holds the shipped file; `log` collects the log lines. */
function firstStart(file: string = SAMPLE_FILE, now = NOW): { store: HistoryStore; log: string[]; dataDir: string } {
  const dataDir = tempDir("samples");
  copyFileSync(file, join(dataDir, LEGACY_HISTORY_FILE));
  const log: string[] = [];
  const store = openHistory(
    dataDir,
    "Europe/Paris",
    createLogger({ level: "info", secrets: [], write: (l) => log.push(l), colour: false }),
    now,
  );
  stores.push(store);
  return { store, log, dataDir };
}

/** The original bot's file of someone who used it: the same days, their own figures. */
function ownFile(): string {
  const path = join(tempDir("samples"), "own.json");
  writeFileSync(path, readFileSync(SAMPLE_FILE, "utf8").replace(/"USD": 4/g, '"USD": 5'));
  return path;
}

function run(at: string, usd: string): SnapshotRecord {
  return {
    takenAt: new Date(at),
    usd: dec(usd),
    rub: dec(usd),
    usdRub: dec("1"),
    complete: true,
    platforms: new Map(),
    rateDate: at.slice(0, 10),
  };
}

/** A complete snapshot of `usd` taken at `at`, as the report's change line sees it. */
function snapshotOf(at: string, usd: string): Snapshot {
  return {
    takenAt: new Date(at),
    timeZone: "Europe/Paris",
    totalUsd: dec(usd),
    totalRub: null,
    complete: true,
    leftOut: [],
    rows: [],
  } as unknown as Snapshot;
}

test("SAMPLE_DAYS is data/portfolio_history.json, day for day and to the cent", () => {
  const parsed = parseHistoryJson(readFileSync(SAMPLE_FILE, "utf8"), "2026-11-24");
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  expect(parsed.entries.map((e) => [e.day, toPlainString(e.usd), e.rub && toPlainString(e.rub)])).toEqual(
    SAMPLE_DAYS.map((s) => [s.day, toPlainString(dec(s.usd)), toPlainString(dec(s.rub))]),
  );
});

describe("a clone's first start", () => {
  test("keeps the shipped days as samples, not as history, and says so", () => {
    const { store, log } = firstStart();
    expect(store.count()).toBe(0);
    expect(store.all()).toEqual([]);
    expect(store.samples().map((d) => d.day)).toEqual(["2026-11-23", "2026-11-22", "2026-11-21", "2026-11-20", "2026-11-19"]);
    expect(log.join("\n")).toContain("imported the sample history");
    expect(log.join("\n")).toContain("5 sample days (pfbot's data/portfolio_history.json, not your history) kept apart");
  });

  test("/history shows them, marked as samples", () => {
    const text = historyViewText(firstStart().store);
    expect(text).toStartWith("Sample history, USD · 19 Nov – 23 Nov\n");
    const rows = text.split("\n").filter((line) => /^\d\d\.11 \w{3} /.test(line));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toEndWith(" s");
    expect(rows[0]).toStartWith("23.11 Mon  $42,731");
    expect(text).toContain("Trend, newest first");
    expect(text).toContain("s: a sample day shipped with pfbot,\nnot yours");
  });

  test("they never make a change line", () => {
    const { store } = firstStart();
    expect(store.previousComparableDay("2026-11-24")).toBeNull();
    // The report: "Change since 23 Nov 2026: +$348,283.01 (+815.06%)". Now: nothing to compare with.
    const snapshot = snapshotOf("2026-11-24T09:00:00Z", "391014.19");
    expect(store.count()).toBe(0);
    expect(snapshotChanges(snapshot, store)).toEqual(NO_CHANGES);
  });

  test("the first real day recorded removes them, and the log says so", () => {
    const { store } = firstStart();
    const lines: string[] = [];
    const log = createLogger({ level: "info", secrets: [], write: (l) => lines.push(l), colour: false });
    const result = store.recordSnapshot(run("2026-11-24T09:00:00Z", "391014.19"));
    expect(result).toEqual({ outcome: "added", day: "2026-11-24", reason: null, samplesRemoved: 5 });
    logRecordResult(log, result);
    expect(lines).toEqual([
      "INFO  history recorded day=2026-11-24 outcome=added",
      "INFO  removed the 5 sample days of data/portfolio_history.json: the first real day is recorded, and /history shows only real days from now on",
    ]);
    expect(store.samples()).toEqual([]);
    expect(store.count()).toBe(1);
    expect(historyViewText(store)).toStartWith("History, USD · 24 Nov\n");
    expect(historyViewText(store)).not.toContain("sample");
    // The next run removes nothing, and says nothing about samples.
    expect(store.recordSnapshot(run("2026-11-24T11:00:00Z", "391015")).samplesRemoved).toBeUndefined();
  });

  test("a real day before the samples' dates is recorded: samples are no 'newest day' for the clock check", () => {
    const { store } = firstStart(SAMPLE_FILE, () => Date.parse("2026-11-20T12:00:00Z"));
    expect(store.recordSnapshot(run("2026-11-20T09:00:00Z", "100")).outcome).toBe("added");
    expect(store.samples()).toEqual([]);
  });

  test("a refused run leaves them", () => {
    const { store } = firstStart();
    expect(store.recordSnapshot({ ...run("2026-11-24T09:00:00Z", "100"), rateDate: null }).outcome).toBe("refused");
    expect(store.samples()).toHaveLength(5);
  });

  test("--import of a real file removes them; the sample file into a real history is left out", () => {
    const { store } = firstStart();
    const own = ownFile();
    const imported = runImport(store, own, { overwrite: false });
    expect(imported.ok && imported.summary).toBe(`${own}: 5 days added, 0 kept, 0 replaced; the 5 sample days removed`);
    expect(store.samples()).toEqual([]);
    const again = runImport(store, SAMPLE_FILE, { overwrite: true });
    expect(again.ok && again.summary).toBe(
      `${SAMPLE_FILE}: 0 days added, 0 kept, 0 replaced; 5 sample days of pfbot's data/portfolio_history.json left out: the history holds real days`,
    );
    expect(toPlainString(store.get("2026-11-23")!.usd)).toBe("52731.18");
    expect(store.samples()).toEqual([]);
  });
});

test("a user's own portfolio_history.json is history: compared with, and never a sample", () => {
  const { store, log } = firstStart(ownFile());
  expect(store.count()).toBe(5);
  expect(store.samples()).toEqual([]);
  expect(log.join("\n")).toContain("imported the original bot's history");
  expect(historyViewText(store)).toStartWith("History, USD · 19 Nov – 24 Nov\n");
  expect(historyViewText(store)).not.toContain("sample");
  const change = dayChange(snapshotChanges(snapshotOf("2026-11-24T09:00:00Z", "52831.18"), store));
  expect(change).toEqual({ kind: "change", usd: dec("100"), pct: expect.anything(), since: "2026-11-23" });
});

describe("migration 3: a history where an earlier pfbot imported the samples as days", () => {
  /** A schema-2 database as the previous release left it: the samples imported as days, then a real day recorded. */
  function schema2DataDir(extraImported: [string, string, string][] = []): string {
    const dir = tempDir("samples");
    const db = new Database(join(dir, DATABASE_FILE), { create: true, strict: true });
    db.transaction(() => {
      db.exec(MIGRATIONS[0]!);
      db.exec(MIGRATIONS[1]!);
      db.exec("PRAGMA user_version = 2");
    })();
    const insert = db.query(
      "INSERT INTO days (day, usd, rub, usd_rub, complete, taken_at, origin) VALUES (?1, ?2, ?3, NULL, 1, NULL, 'import')",
    );
    // As the previous import stored them: each total's exact text (toPlainString of the file's number).
    const parsed = parseHistoryJson(readFileSync(SAMPLE_FILE, "utf8"), "2026-11-24");
    if (!parsed.ok) throw new Error("sample file");
    for (const e of parsed.entries) insert.run(e.day, toPlainString(e.usd), e.rub && toPlainString(e.rub));
    for (const [day, usd, rub] of extraImported) insert.run(day, usd, rub);
    db.query(
      "INSERT INTO days (day, usd, rub, usd_rub, complete, taken_at, origin) VALUES ('2026-11-24', '391014.19', '31457560.76', '80.4512', 1, '2026-11-24T09:00:00.000Z', 'bot')",
    ).run();
    db.query("INSERT INTO day_platforms (day, platform, usd) VALUES ('2026-11-24', 'bybit', '28545.22')").run();
    db.close();
    return dir;
  }

  test("moves exactly the shipped days out of the history; the rest stays as it was", () => {
    // An imported day of the user's own that shares a sample's date, not its figures.
    const dir = schema2DataDir([["2026-11-18", "41876.3", "3400355.56"]]);
    const store = HistoryStore.open(dir, "Europe/Paris", () => Date.parse("2026-11-25T12:00:00Z"));
    stores.push(store);
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    expect(store.samples().map((d) => d.day)).toEqual(["2026-11-23", "2026-11-22", "2026-11-21", "2026-11-20", "2026-11-19"]);
    expect(store.all().map((d) => [d.day, d.origin])).toEqual([
      ["2026-11-24", "bot"],
      ["2026-11-18", "import"],
    ]);
    expect(toPlainString(store.get("2026-11-24")!.platforms.get("bybit")!.usd!)).toBe("28545.22");
    // The change line no longer finds "23 Nov 2026" and its $42k.
    expect(store.previousComparableDay("2026-11-25")!.day).toBe("2026-11-24");
    expect(store.previousComparableDay("2026-11-24")!.day).toBe("2026-11-18");
    // The next real day empties the samples.
    expect(store.recordSnapshot(run("2026-11-25T09:00:00Z", "391100")).samplesRemoved).toBe(5);
  });

  test("a history without them is left alone", () => {
    const dir = tempDir("samples");
    const store = HistoryStore.open(dir, "Europe/Paris", NOW);
    stores.push(store);
    expect(store.samples()).toEqual([]);
    expect(store.count()).toBe(0);
  });
});
