import { expect, test } from "bun:test";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type HistoryMode, runHistoryMode } from "../../src/app/modes/history.ts";
import type { AppContext } from "../../src/app/run.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

/** A context built from DATA_DIR and TIMEZONE alone: no platform or Telegram variable is set. */
function context(dataDir: string) {
  const loaded = loadConfig({ vars: { DATA_DIR: dataDir, TIMEZONE: "Europe/Paris" }, file: null }, { platforms: false, telegram: false });
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const out: string[] = [];
  const logs: string[] = [];
  const errs: string[] = [];
  const ctx: AppContext & { err: (text: string) => void } = {
    config: loaded.config,
    log: createLogger({ level: "info", secrets: [], write: (line) => logs.push(line), colour: false }),
    version: "test",
    out: (text) => out.push(text),
    err: (text) => errs.push(text),
    clock: fakeClock(),
  };
  return { ctx, out, logs, errs, run: (mode: HistoryMode) => runHistoryMode(ctx, mode) };
}

test("--history on a fresh data dir with the old file shows its days (first-start import)", () => {
  const dataDir = tempDir("run-history");
  writeFileSync(
    join(dataDir, "portfolio_history.json"),
    readFileSync("data/portfolio_history.json", "utf8").replace(/"USD": 4/g, '"USD": 5'),
  );
  const { out, logs, run } = context(dataDir);
  expect(run({ kind: "history" })).toBe(0);
  // Today (24 Nov) has no record yet: a gap, then the imported days.
  expect(out[0]).toStartWith(
    "History, USD · 19 Nov – 24 Nov\nDate           USD  Change\n24.11 Tue        —\n23.11 Mon  $52,731   ▲0.6%\n",
  );
  expect(logs.join("\n")).toContain("5 days added");
});

test("--history in a clone shows the shipped sample days as samples", () => {
  const dataDir = tempDir("run-history");
  copyFileSync("data/portfolio_history.json", join(dataDir, "portfolio_history.json"));
  const { out, logs, run } = context(dataDir);
  expect(run({ kind: "history" })).toBe(0);
  expect(out[0]).toStartWith("Sample history, USD · 19 Nov – 23 Nov\nDate           USD  Change\n23.11 Mon  $42,731   ▲0.8% s\n");
  expect(out[0]).toContain("s: a sample day shipped with pfbot,\nnot yours");
  expect(logs.join("\n")).toContain("imported the sample history");
});

test("--history on an empty data dir says there is no history", () => {
  const { out, run } = context(join(tempDir("run-history"), "new"));
  expect(run({ kind: "history" })).toBe(0);
  expect(out[0]).toStartWith("No history yet.");
});

test("--import prints the counts; a bad file exits 2 and writes nothing; --export FILE writes the file", () => {
  const dataDir = tempDir("run-history");
  const { out, logs, errs, run } = context(dataDir);
  const bad = join(dataDir, "bad.json");
  writeFileSync(bad, `{"24-11-2026": {"USD": -1, "RUB": 1}, "31-02-2026": {"USD": 1, "RUB": 1}}`);
  expect(run({ kind: "import", file: bad, overwrite: false })).toBe(2);
  // One problem per line, with real line breaks (the log would have joined them with ⏎).
  expect(errs).toEqual([
    `${bad}: nothing imported, the file has problems:\n  - 24-11-2026: USD is negative (-1)\n  - 31-02-2026: no such date`,
  ]);
  expect(logs.join("\n")).not.toContain("⏎");
  expect(run({ kind: "export", file: null, format: "json" })).toBe(0);
  expect(out.pop()).toBe("{}");

  const own = join(dataDir, "own.json");
  writeFileSync(own, readFileSync("data/portfolio_history.json", "utf8").replace(/"USD": 4/g, '"USD": 5'));
  expect(run({ kind: "import", file: own, overwrite: false })).toBe(0);
  expect(out.pop()).toBe(`${own}: 5 days added, 0 kept, 0 replaced`);
  const exported = join(dataDir, "out.json");
  expect(run({ kind: "export", file: exported, format: "json" })).toBe(0);
  expect(readFileSync(exported, "utf8")).toBe(readFileSync(own, "utf8"));
  expect(run({ kind: "export", file: join(dataDir, "no", "such", "dir.json"), format: "json" })).toBe(1);
  expect(logs.at(-1)).toMatch(/^ERROR --export .*cannot write it/);
});

test("--export writes CSV in either dialect, to FILE or stdout, and --import takes it back", () => {
  const dataDir = tempDir("run-history");
  const { out, run } = context(dataDir);
  const own = join(dataDir, "own.json");
  writeFileSync(own, readFileSync("data/portfolio_history.json", "utf8").replace(/"USD": 4/g, '"USD": 5'));
  expect(run({ kind: "import", file: own, overwrite: false })).toBe(0);
  const csv = join(dataDir, "history.csv");
  expect(run({ kind: "export", file: csv, format: "csv" })).toBe(0);
  expect(out.pop()).toBe(`exported 5 days to ${csv}`);
  const text = readFileSync(csv, "utf8");
  expect(text.split("\r\n").slice(0, 2)).toEqual([
    "\uFEFFDate;Total USD;Total RUB;USD/RUB;USD/RUB date;Status;Not valued;Taken at (UTC)",
    "2026-11-19;51876,3;3400355,56;;;complete;;",
  ]);
  expect(run({ kind: "export", file: null, format: "csv-plain" })).toBe(0);
  expect(out.pop()!.split("\r\n")[1]).toBe("2026-11-19,51876.3,3400355.56,,,complete,,");

  // Edited in a spreadsheet: one day's total corrected, then brought back over the old one.
  writeFileSync(csv, text.replace("2026-11-19;51876,3;", "2026-11-19;51900;"));
  expect(run({ kind: "import", file: csv, overwrite: true })).toBe(0);
  expect(out.pop()).toBe(`${csv}: 0 days added, 0 kept, 5 replaced`);
  expect(run({ kind: "export", file: null, format: "json" })).toBe(0);
  expect(out.pop()).toContain('"19-11-2026": {\n    "USD": 51900.00,');
});
