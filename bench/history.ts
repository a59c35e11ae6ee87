// Figure 4: the history modes with ten years of daily rows. A portfolio_history.json of 3653 days (the
// original bot's format) is imported with the binary's own --import, then `--history` and `--export FILE`
// are timed as whole processes, each against `--version` run alternately with them (the same moment,
// the same machine load), and the in-process work (the /history view, the export text) alone. The CSV
// export runs in the same rounds over a history with four platforms (T-Bank also in RUB), itself imported
// from pfbot's CSV.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatHistoryCsv } from "../src/history/csv.ts";
import { historyViewHtml, historyViewText, runExport } from "../src/history/io.ts";
import { formatHistoryJson } from "../src/history/json.ts";
import { HistoryStore } from "../src/history/store.ts";
import { peakRssKiB, round, runProcess, type Summary, summarize } from "./measure.ts";

export interface HistoryOptions {
  readonly binary: string;
  readonly days: number;
  readonly runs: number;
  /** Rounds of `--version`, `--history`, `--export FILE`, `--export FILE.csv`, one after the other. */
  readonly processRuns: number;
  readonly inProcessRuns: number;
  /** Extra environment for the binary (a variant), e.g. BUN_JSC_useJIT=0. */
  readonly env?: Record<string, string>;
}

export interface HistoryResult {
  readonly days: number;
  readonly importFileBytes: number;
  readonly exportFileBytes: number;
  /** `pfbot --import FILE` into an empty DATA_DIR (process wall, ms). */
  readonly importMs: Summary;
  /** `pfbot --version`, run alternately with the two below (process wall, ms). */
  readonly versionMs: Summary;
  /** `pfbot --history` (process wall, ms). */
  readonly historyMs: Summary;
  /** `pfbot --export FILE` (process wall, ms). */
  readonly exportMs: Summary;
  /** `pfbot --import FILE.csv` of 3653 days with four platforms into an empty history (process wall, ms). */
  readonly importCsvMs: Summary;
  /** `pfbot --export FILE.csv` of that history (process wall, ms), in the same rounds as the three above. */
  readonly exportCsvMs: Summary;
  readonly exportCsvFileBytes: number;
  /** Median ÷ median: `--history`, `--export` and `--export FILE.csv` in units of `--version` (goal for --history: ≤ 4). */
  readonly historyOverVersion: number;
  readonly exportOverVersion: number;
  readonly exportCsvOverVersion: number;
  readonly versionPeakRssMiB: Summary | null;
  readonly historyPeakRssMiB: Summary | null;
  readonly exportPeakRssMiB: Summary | null;
  readonly exportCsvPeakRssMiB: Summary | null;
  /** In process, store already open (ms). */
  readonly viewHtmlMs: Summary;
  readonly viewTextMs: Summary;
  /** store.all() alone, formatHistoryJson alone, and runExport(store, null) = both. */
  readonly readAllMs: Summary;
  readonly formatJsonMs: Summary;
  /** store.all() and formatHistoryCsv alone, over the four-platform history. */
  readonly readAllCsvMs: Summary;
  readonly formatCsvMs: Summary;
  readonly exportTextMs: Summary;
}

export async function measureHistory(options: HistoryOptions): Promise<HistoryResult> {
  const scratch = mkdtempSync(join(tmpdir(), "pfbot-bench-history-"));
  try {
    const file = join(scratch, "portfolio_history.json");
    writeFileSync(file, generateHistoryJson(options.days, new Date()));
    const env = (dataDir: string) => ({ PATH: process.env.PATH ?? "", DATA_DIR: dataDir, TIMEZONE: "Europe/Paris", ...options.env });
    const run = async (args: readonly string[], dataDir: string) => {
      const result = await runProcess([options.binary, ...args], { cwd: scratch, env: env(dataDir) });
      if (result.exitCode !== 0) throw new Error(`pfbot ${args.join(" ")} exited ${result.exitCode}: ${result.stderr.trim()}`);
      return result;
    };

    const imports: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const dataDir = join(scratch, `import-${i}`);
      mkdirSync(dataDir);
      const result = await run(["--import", file], dataDir);
      if (!result.stdout.includes(`${options.days} days added`)) throw new Error(`unexpected import summary: ${result.stdout.trim()}`);
      imports.push(result.wallMs);
    }
    const csvFile = join(scratch, "history-import.csv");
    writeFileSync(csvFile, generateHistoryCsv(options.days, new Date()));
    const importsCsv: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const csvDir = join(scratch, `import-csv-${i}`);
      mkdirSync(csvDir);
      const result = await run(["--import", csvFile], csvDir);
      if (!result.stdout.includes(`${options.days} days added`)) throw new Error(`unexpected import summary: ${result.stdout.trim()}`);
      importsCsv.push(result.wallMs);
    }
    const dataDir = join(scratch, "import-0");
    const csvDir = join(scratch, "import-csv-0");
    const versions: number[] = [];
    const history: number[] = [];
    const exports: number[] = [];
    const exportsCsv: number[] = [];
    const exportFile = join(scratch, "export.json");
    const exportCsvFile = join(scratch, "export.csv");
    for (let i = 0; i < options.processRuns; i++) {
      versions.push((await run(["--version"], dataDir)).wallMs);
      history.push((await run(["--history"], dataDir)).wallMs);
      exports.push((await run(["--export", exportFile], dataDir)).wallMs);
      exportsCsv.push((await run(["--export", exportCsvFile], csvDir)).wallMs);
    }
    const rss = async (args: readonly string[], dir = dataDir) => {
      const values: number[] = [];
      for (let i = 0; i < Math.min(options.runs, 5); i++) {
        const kib = await peakRssKiB([options.binary, ...args], { cwd: scratch, env: env(dir) });
        if (kib === null) return null;
        values.push(kib / 1024);
      }
      return summarize(values);
    };
    const versionPeakRssMiB = await rss(["--version"]);
    const historyPeakRssMiB = await rss(["--history"]);
    const exportPeakRssMiB = await rss(["--export", exportFile]);
    const exportCsvPeakRssMiB = await rss(["--export", exportCsvFile], csvDir);

    const store = HistoryStore.open(dataDir, "Europe/Paris");
    const csvStore = HistoryStore.open(csvDir, "Europe/Paris");
    try {
      if (store.count() !== options.days) throw new Error(`the history holds ${store.count()} days, not ${options.days}`);
      const n = options.inProcessRuns;
      return {
        days: options.days,
        importFileBytes: statSync(file).size,
        exportFileBytes: statSync(exportFile).size,
        exportCsvFileBytes: statSync(exportCsvFile).size,
        importMs: summarize(imports),
        versionMs: summarize(versions),
        historyMs: summarize(history),
        exportMs: summarize(exports),
        importCsvMs: summarize(importsCsv),
        exportCsvMs: summarize(exportsCsv),
        historyOverVersion: ratio(history, versions),
        exportOverVersion: ratio(exports, versions),
        exportCsvOverVersion: ratio(exportsCsv, versions),
        versionPeakRssMiB,
        historyPeakRssMiB,
        exportPeakRssMiB,
        exportCsvPeakRssMiB,
        viewHtmlMs: repeat(n, () => historyViewHtml(store)),
        viewTextMs: repeat(n, () => historyViewText(store)),
        readAllMs: repeat(n, () => store.all()),
        formatJsonMs: repeatWith(
          n,
          () => store.all(),
          (days) => formatHistoryJson(days),
        ),
        exportTextMs: repeat(n, () => runExport(store, null)),
        readAllCsvMs: repeat(n, () => csvStore.all()),
        formatCsvMs: repeatWith(
          n,
          () => csvStore.all(),
          (days) => formatHistoryCsv(days, "csv"),
        ),
      };
    } finally {
      store.close();
      csvStore.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `days` consecutive days ending yesterday, newest first, as the original bot wrote them (two-space JSON, DD-MM-YYYY keys). */
export function generateHistoryJson(days: number, today: Date): string {
  const blocks: string[] = [];
  let usd = 250_000;
  for (let i = 1; i <= days; i++) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    const key = `${pad(day.getUTCDate())}-${pad(day.getUTCMonth() + 1)}-${day.getUTCFullYear()}`;
    // A deterministic wobble of ±1.5 % a day and a rate between 60 and 100 RUB: plausible, cheap, repeatable.
    usd = Math.max(1_000, usd * (1 + Math.sin(i * 12.9898) * 0.015));
    const rate = 80 + 20 * Math.sin(i / 97);
    blocks.push(`  "${key}": {\n    "USD": ${usd.toFixed(2)},\n    "RUB": ${(usd * rate).toFixed(2)}\n  }`);
  }
  return `{\n${blocks.join(",\n")}\n}`;
}

/**
 * The same span as pfbot's plain CSV with four platforms, T-Bank also in RUB, the rate and its date, and the time
 * each snapshot was taken; every 30th day partial, with OKX not valued.
 */
function generateHistoryCsv(days: number, today: Date): string {
  const lines = [
    "Date,Total USD,Total RUB,USD/RUB,USD/RUB date,Bybit USD,OKX USD,T-Bank USD,T-Bank RUB,IBKR USD,Status,Not valued,Taken at (UTC)",
  ];
  for (let i = days; i >= 1; i--) {
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i, 7, 30));
    const day = date.toISOString().slice(0, 10);
    const rate = 80 + 20 * Math.sin(i / 97);
    const partial = i % 30 === 0;
    const [bybit, okx, tbank, ibkr] = [40_000, 25_000, 60_000, 125_000].map((base, k) => base * (1 + 0.2 * Math.sin(i / (50 + 17 * k))));
    const values = [bybit!, partial ? null : okx!, tbank!, ibkr!];
    const usd = values.reduce<number>((total, value) => total + (value ?? 0), 0);
    lines.push(
      [
        day,
        usd.toFixed(2),
        (usd * rate).toFixed(2),
        rate.toFixed(4),
        day,
        ...values.slice(0, 2).map((value) => value?.toFixed(2) ?? ""),
        tbank!.toFixed(2),
        (tbank! * rate).toFixed(2),
        ibkr!.toFixed(2),
        partial ? "partial" : "complete",
        partial ? "OKX" : "",
        date.toISOString(),
      ].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Median over median, from the raw timings (the summaries are rounded). */
function ratio(numerator: readonly number[], denominator: readonly number[]): number {
  return round(median(numerator) / median(denominator));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Median of `runs` timings of a synchronous call, after as many unrecorded warm-up calls. */
function repeat(runs: number, work: () => unknown): Summary {
  return repeatWith(
    runs,
    () => undefined,
    () => work(),
  );
}

function repeatWith<T>(runs: number, prepare: () => T, work: (input: T) => unknown): Summary {
  const times: number[] = [];
  for (let i = 0; i < 2 * runs; i++) {
    const input = prepare();
    const t0 = performance.now();
    work(input);
    if (i >= runs) times.push(performance.now() - t0);
  }
  return summarize(times.map((t) => round(t, 3)));
}
