import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importLegacyFileOnce, LEGACY_HISTORY_FILE, openHistory, runExport, runImport } from "../../src/history/io.ts";
import { dayKey, formatHistoryJson, isoDay, parseHistoryJson } from "../../src/history/json.ts";
import { LEGACY_JSON_IMPORTED, SettingsStore } from "../../src/history/settings.ts";
import { addDays, HistoryStore } from "../../src/history/store.ts";
import { createLogger, silentLogger } from "../../src/lib/log.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { tempDir } from "../support/temp-dir.ts";

const stores: HistoryStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** "Today" for every store and parse here: 2026-11-24 in Europe/Paris, whatever the machine's clock says. */
const TODAY = "2026-11-24";
const NOW = () => Date.parse(`${TODAY}T12:00:00Z`);

function openStore(dataDir = tempDir("json")): HistoryStore {
  const store = HistoryStore.open(dataDir, "Europe/Paris", NOW);
  stores.push(store);
  return store;
}

/** What Python's json.dump(indent=2) writes for these days, in this order, amounts given as text. */
function pythonStyle(days: readonly (readonly [string, string, string])[]): string {
  if (days.length === 0) return "{}";
  return `{\n${days.map(([key, usd, rub]) => `  "${key}": {\n    "USD": ${usd},\n    "RUB": ${rub}\n  }`).join(",\n")}\n}`;
}

const NEWEST_FIRST_TWO_DECIMALS = pythonStyle([
  ["23-02-2026", "42500.00", "3932500.00"],
  ["22-02-2026", "43050.20", "3982143.50"],
  ["21-02-2026", "43050.10", "3982143.05"],
  ["28-02-2025", "0.01", "0.90"],
  ["29-02-2024", "12345678.99", "987654321.01"],
]);

describe("round trip", () => {
  test("import then export gives back the file byte for byte (newest first, two decimals)", () => {
    const store = openStore();
    const dir = tempDir("json");
    const input = join(dir, "in.json");
    const output = join(dir, "out.json");
    writeFileSync(input, NEWEST_FIRST_TWO_DECIMALS);
    const result = runImport(store, input, { overwrite: false });
    expect(result.ok && result.counts).toEqual({ added: 5, kept: 0, replaced: 0, samples: 0, samplesLeftOut: 0, samplesRemoved: 0 });
    expect(runExport(store, output)).toBe(`exported 5 days to ${output}`);
    expect(readFileSync(output)).toEqual(readFileSync(input));
    expect(runExport(store, null)).toBe(NEWEST_FIRST_TWO_DECIMALS);
  });

  test("amounts are read from the JSON text, not through floats", () => {
    const parsed = parseHistoryJson(
      `{"23-02-2026": {"USD": 42500.10, "RUB": 12345678901234.99}, "22-02-2026": {"USD": 1E+2, "RUB": 0.1}}`,
      TODAY,
    );
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(parsed.entries.map((e) => [e.day, toPlainString(e.usd), e.rub && toPlainString(e.rub)])).toEqual([
      ["2026-02-22", "100", "0.1"],
      ["2026-02-23", "42500.1", "12345678901234.99"],
    ]);
  });

  test("reads the original bot's own output: oldest first, Python floats and integers", () => {
    // As app/history_manager.py wrote it: insertion order, round(x, 2) floats, no final newline.
    const original = pythonStyle([
      ["20-02-2026", "586000", "45608000"],
      ["21-02-2026", "579285.84", "44461288.25"],
      ["22-02-2026", "592536.8", "45728079.77"],
    ]);
    const store = openStore();
    const path = join(tempDir("json"), "portfolio_history.json");
    writeFileSync(path, original);
    expect(runImport(store, path, { overwrite: false }).ok).toBe(true);
    expect(runExport(store, null)).toBe(
      pythonStyle([
        ["22-02-2026", "592536.80", "45728079.77"],
        ["21-02-2026", "579285.84", "44461288.25"],
        ["20-02-2026", "586000.00", "45608000.00"],
      ]),
    );
  });

  test("a day without an RUB total is written and read as null; an empty history is {}", () => {
    const store = openStore();
    expect(runExport(store, null)).toBe("{}");
    store.importDays([{ day: "2026-11-23", usd: dec("10.005"), rub: null }], { overwrite: false });
    const text = runExport(store, null);
    expect(text).toBe(pythonStyle([["23-11-2026", "10.01", "null"]]));
    const again = parseHistoryJson(text, TODAY);
    expect(again.ok && again.entries[0]!.rub).toBeNull();
  });

  test("export writes atomically: no temp file is left and an existing file is replaced whole", () => {
    const store = openStore();
    const dir = tempDir("json");
    const output = join(dir, "history.json");
    writeFileSync(output, "old content that is longer than the new one".repeat(10));
    store.importDays([{ day: "2026-11-23", usd: dec("1"), rub: dec("2") }], { overwrite: false });
    runExport(store, output);
    expect(readFileSync(output, "utf8")).toBe(pythonStyle([["23-11-2026", "1.00", "2.00"]]));
    expect(readdirSync(dir)).toEqual(["history.json"]);
    expect(() => runExport(store, join(dir, "missing-dir", "x.json"))).toThrow();
    expect(readdirSync(dir)).toEqual(["history.json"]);
  });

  test("day keys convert both ways and impossible dates are refused", () => {
    expect(dayKey("2026-02-23")).toBe("23-02-2026");
    expect(isoDay("23-02-2026")).toBe("2026-02-23");
    expect(isoDay("29-02-2024")).toBe("2024-02-29");
    expect(isoDay("29-02-2026")).toBeNull();
    expect(isoDay("31-04-2026")).toBeNull();
    expect(isoDay("00-01-2026")).toBeNull();
    expect(isoDay("2026-02-23")).toBeNull();
  });

  test("formatHistoryJson sorts newest first whatever the input order", () => {
    const day = (d: string) => ({
      day: d,
      usd: dec("1"),
      rub: dec("1"),
      usdRub: null,
      complete: true,
      takenAt: null,
      origin: "import" as const,
      platforms: new Map(),
      rateDate: "2026-02-23",
    });
    const text = formatHistoryJson([day("2025-12-31"), day("2026-01-02"), day("2026-01-01")]);
    expect([...text.matchAll(/"(\d\d-\d\d-\d{4})"/g)].map((m) => m[1])).toEqual(["02-01-2026", "01-01-2026", "31-12-2025"]);
  });
});

describe("bad input leaves the database unchanged", () => {
  const cases: readonly (readonly [string, string, RegExp])[] = [
    ["not JSON", `{"23-02-2026": {"USD": 1, "RUB": 2}`, /not JSON/],
    ["Python's NaN", `{"23-02-2026": {"USD": NaN, "RUB": 2}}`, /not JSON/],
    ["a list", `[{"USD": 1, "RUB": 2}]`, /one JSON object.*found a list/],
    ["a bad date key", `{"2026-02-23": {"USD": 1, "RUB": 2}}`, /"2026-02-23": not a date in the DD-MM-YYYY form/],
    ["an impossible date", `{"31-02-2026": {"USD": 1, "RUB": 2}}`, /31-02-2026: no such date/],
    ["a missing USD", `{"23-02-2026": {"RUB": 2}}`, /23-02-2026: USD is missing/],
    ["a missing RUB", `{"23-02-2026": {"USD": 1}}`, /23-02-2026: RUB is missing/],
    ["a negative amount", `{"23-02-2026": {"USD": -0.01, "RUB": 2}}`, /23-02-2026: USD is negative \(-0\.01\)/],
    ["a text amount", `{"23-02-2026": {"USD": "42500", "RUB": 2}}`, /23-02-2026: USD must be a number \(found the text "42500"\)/],
    ["a null USD", `{"23-02-2026": {"USD": null, "RUB": 2}}`, /23-02-2026: USD must be a number \(found null\)/],
    ["a day that is not an object", `{"23-02-2026": 42500}`, /23-02-2026: must be an object.*found the number 42500/],
    ["an absurd amount", `{"23-02-2026": {"USD": 1e400, "RUB": 2}}`, /23-02-2026: USD is implausibly large/],
  ];

  for (const [name, text, message] of cases) {
    test(`${name}: clear error naming the key, nothing written`, () => {
      const store = openStore();
      store.importDays([{ day: "2026-02-20", usd: dec("5"), rub: dec("6") }], { overwrite: false });
      const before = runExport(store, null);
      const path = join(tempDir("json"), "bad.json");
      // One valid day before the bad one: a partial import would show up in the export.
      writeFileSync(path, text.replace(/^\{/, `{"24-02-2026": {"USD": 7, "RUB": 8}, `));
      const result = runImport(store, path, { overwrite: true });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatch(message);
        expect(result.error).toContain("nothing imported");
      }
      expect(runExport(store, null)).toBe(before);
    });
  }

  test("every problem of the file is listed, not only the first", () => {
    const parsed = parseHistoryJson(`{"31-02-2026": {"USD": -1, "RUB": "x"}, "1-1-2026": {"USD": 1, "RUB": 1}}`, TODAY);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problems).toEqual([
        "31-02-2026: no such date",
        `31-02-2026: RUB must be a number or null (found the text "x")`,
        "31-02-2026: USD is negative (-1)",
        `"1-1-2026": not a date in the DD-MM-YYYY form`,
      ]);
  });

  test("days run from 01-01-2000 to tomorrow: years 9999 and 0000 are refused, naming the day", () => {
    const file = (keys: readonly string[]) => `{${keys.map((key) => `"${key}": {"USD": 1, "RUB": 2}`).join(", ")}}`;
    const bad = parseHistoryJson(file(["01-01-9999", "01-01-0000", "31-12-1999", "26-11-2026"]), TODAY);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problems).toEqual([
        "01-01-9999: is after tomorrow (2026-11-25); the history holds days from 01-01-2000 to tomorrow",
        "01-01-0000: is before 2000-01-01; the history holds days from 01-01-2000 to tomorrow",
        "31-12-1999: is before 2000-01-01; the history holds days from 01-01-2000 to tomorrow",
        "26-11-2026: is after tomorrow (2026-11-25); the history holds days from 01-01-2000 to tomorrow",
      ]);
    const edges = parseHistoryJson(file(["01-01-2000", "25-11-2026"]), TODAY);
    expect(edges.ok && edges.entries.map((e) => e.day)).toEqual(["2000-01-01", "2026-11-25"]);
  });

  test("a day given twice is an error naming the day (JSON.parse would keep the last silently), and so is USD twice", () => {
    const text = `{"23-11-2026": {"USD": 1, "RUB": 2}, "22-11-2026": {"USD": 5, "USD": 6, "RUB": 7}, "23-11-2026": {"USD": 3, "RUB": 4}, "x\\"": {}}`;
    const parsed = parseHistoryJson(text, TODAY);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problems.slice(0, 2)).toEqual([
        "22-11-2026: USD appears 2 times",
        "23-11-2026: appears 2 times; keep one entry for this day",
      ]);
    }
    const store = openStore();
    const path = join(tempDir("json"), "twice.json");
    writeFileSync(path, `{"23-11-2026": {"USD": 1, "RUB": 2}, "23-11-2026": {"USD": 3, "RUB": 4}}`);
    const result = runImport(store, path, { overwrite: false });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("23-11-2026: appears 2 times");
    expect(store.count()).toBe(0);
  });

  test("a missing file is a clear error", () => {
    const result = runImport(openStore(), "/nonexistent/portfolio_history.json", { overwrite: false });
    expect(result).toEqual({ ok: false, error: "/nonexistent/portfolio_history.json: cannot read it (no such file)" });
  });
});

describe("import counts", () => {
  test("a bot day is kept unless --overwrite; re-importing the same file keeps everything", () => {
    const store = openStore();
    store.recordSnapshot({
      takenAt: new Date("2026-02-23T12:00:00Z"),
      usd: dec("999"),
      rub: null,
      usdRub: null,
      complete: true,
      platforms: new Map(),
      rateDate: "2026-02-23",
    });
    const path = join(tempDir("json"), "in.json");
    writeFileSync(path, NEWEST_FIRST_TWO_DECIMALS);
    const first = runImport(store, path, { overwrite: false });
    expect(first.ok && first.summary).toBe(`${path}: 4 days added, 1 kept (already in the history; --overwrite replaces them), 0 replaced`);
    expect(toPlainString(store.get("2026-02-23")!.usd)).toBe("999");
    const again = runImport(store, path, { overwrite: false });
    expect(again.ok && again.counts).toEqual({ added: 0, kept: 5, replaced: 0, samples: 0, samplesLeftOut: 0, samplesRemoved: 0 });
    const forced = runImport(store, path, { overwrite: true });
    expect(forced.ok && forced.summary).toBe(`${path}: 0 days added, 0 kept, 5 replaced`);
    expect(toPlainString(store.get("2026-02-23")!.usd)).toBe("42500");
  });

  test("a 10-year file (3653 days) imports and exports back identically", () => {
    const days = Array.from({ length: 3653 }, (_, i) => {
      const day = addDays("2016-11-23", 3652 - i);
      return [dayKey(day), `${30000 + i}.${String(i % 100).padStart(2, "0")}`, `${2700000 + i * 3}.50`] as const;
    });
    const text = pythonStyle(days);
    const path = join(tempDir("json"), "ten-years.json");
    writeFileSync(path, text);
    const store = openStore();
    const result = runImport(store, path, { overwrite: false });
    expect(result.ok && result.counts).toEqual({ added: 3653, kept: 0, replaced: 0, samples: 0, samplesLeftOut: 0, samplesRemoved: 0 });
    expect(runExport(store, null)).toBe(text);
  });
});

/** The original bot's file of someone who used it: the sample file's shape, other figures. */
function ownHistoryFile(path: string): void {
  writeFileSync(path, readFileSync("data/portfolio_history.json", "utf8").replace(/"USD": 4/g, '"USD": 5'));
}

describe("first start", () => {
  test("imports DATA_DIR/portfolio_history.json into an empty history once, and logs it", () => {
    const dataDir = tempDir("json");
    ownHistoryFile(join(dataDir, LEGACY_HISTORY_FILE));
    const lines: string[] = [];
    const log = createLogger({ level: "info", secrets: [], write: (line) => lines.push(line), colour: false });
    const store = openHistory(dataDir, "Europe/Paris", log, NOW);
    stores.push(store);
    expect(store.count()).toBe(5);
    expect(lines.join("\n")).toMatch(/imported the original bot's history: .*portfolio_history\.json: 5 days added/);
    const settings = new SettingsStore(store.db);
    expect(settings.get(LEGACY_JSON_IMPORTED)).not.toBeNull();

    store.db.run("DELETE FROM days");
    expect(importLegacyFileOnce(store, settings, dataDir, log)).toBeNull();
    store.close();
    stores.pop();
    const reopened = openHistory(dataDir, "Europe/Paris", log, NOW);
    stores.push(reopened);
    expect(reopened.count()).toBe(0);
    expect(lines.filter((line) => line.includes("imported")).length).toBe(1);
  });

  test("does nothing when the history already has days or there is no file", () => {
    const dataDir = tempDir("json");
    const store = openStore(dataDir);
    expect(importLegacyFileOnce(store, new SettingsStore(store.db), dataDir, silentLogger)).toBeNull();
    store.importDays([{ day: "2026-01-01", usd: dec("1"), rub: null }], { overwrite: false });
    ownHistoryFile(join(dataDir, LEGACY_HISTORY_FILE));
    expect(importLegacyFileOnce(store, new SettingsStore(store.db), dataDir, silentLogger)).toBeNull();
    expect(store.count()).toBe(1);
  });

  test("a broken legacy file is logged with the fix and the bot still starts with an empty history", () => {
    const dataDir = tempDir("json");
    writeFileSync(join(dataDir, LEGACY_HISTORY_FILE), `{"31-02-2026": {"USD": 1, "RUB": 2}}`);
    const lines: string[] = [];
    const store = openHistory(
      dataDir,
      "Europe/Paris",
      createLogger({ level: "info", secrets: [], write: (l) => lines.push(l), colour: false }),
      NOW,
    );
    stores.push(store);
    expect(store.count()).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^WARN .*31-02-2026: no such date.*run pfbot --import /);
  });

  test("the repository's sample file is valid, newest first, the 5 days before 2026-11-24, as export writes it", () => {
    const text = readFileSync("data/portfolio_history.json", "utf8");
    const parsed = parseHistoryJson(text, TODAY);
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(parsed.entries.map((e) => e.day)).toEqual(["2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]);
    // Its days are samples, not history (test/history/samples.test.ts): the export writes them as it would real ones.
    const days = parsed.entries.map((entry) => ({
      ...entry,
      usdRub: null,
      complete: true,
      platforms: new Map(),
      takenAt: null,
      origin: "import" as const,
    }));
    expect(formatHistoryJson(days)).toBe(text);
  });
});
