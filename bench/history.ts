// Figure 4: the history modes with ten years of daily rows. A portfolio_history.json of 3653 days (the
// original bot's format) is imported with the binary's own --import, then `--history` and `--export FILE`
// are timed as whole processes, each against `--version` run alternately with them (the same moment,
// the same machine load), and the in-process work (the /history view, the export text) alone.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { historyViewHtml, historyViewText, runExport } from "../src/history/io.ts";
import { formatHistoryJson } from "../src/history/json.ts";
import { HistoryStore } from "../src/history/store.ts";
import { peakRssKiB, round, runProcess, type Summary, summarize } from "./measure.ts";

export interface HistoryOptions {
  readonly binary: string;
  readonly days: number;
  readonly runs: number;
  /** Rounds of `--version`, `--history`, `--export FILE`, one after the other. */
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
  /** Median ÷ median: `--history` and `--export` in units of `--version` (goal for --history: ≤ 4). */
  readonly historyOverVersion: number;
  readonly exportOverVersion: number;
  readonly versionPeakRssMiB: Summary | null;
  readonly historyPeakRssMiB: Summary | null;
  readonly exportPeakRssMiB: Summary | null;
  /** In process, store already open (ms). */
  readonly viewHtmlMs: Summary;
  readonly viewTextMs: Summary;
  /** store.all() alone, formatHistoryJson alone, and runExport(store, null) = both. */
  readonly readAllMs: Summary;
  readonly formatJsonMs: Summary;
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
    const dataDir = join(scratch, "import-0");
    const versions: number[] = [];
    const history: number[] = [];
    const exports: number[] = [];
    const exportFile = join(scratch, "export.json");
    for (let i = 0; i < options.processRuns; i++) {
      versions.push((await run(["--version"], dataDir)).wallMs);
      history.push((await run(["--history"], dataDir)).wallMs);
      exports.push((await run(["--export", exportFile], dataDir)).wallMs);
    }
    const rss = async (args: readonly string[]) => {
      const values: number[] = [];
      for (let i = 0; i < Math.min(options.runs, 5); i++) {
        const kib = await peakRssKiB([options.binary, ...args], { cwd: scratch, env: env(dataDir) });
        if (kib === null) return null;
        values.push(kib / 1024);
      }
      return summarize(values);
    };
    const versionPeakRssMiB = await rss(["--version"]);
    const historyPeakRssMiB = await rss(["--history"]);
    const exportPeakRssMiB = await rss(["--export", exportFile]);

    const store = HistoryStore.open(dataDir, "Europe/Paris");
    try {
      if (store.count() !== options.days) throw new Error(`the history holds ${store.count()} days, not ${options.days}`);
      const n = options.inProcessRuns;
      return {
        days: options.days,
        importFileBytes: statSync(file).size,
        exportFileBytes: statSync(exportFile).size,
        importMs: summarize(imports),
        versionMs: summarize(versions),
        historyMs: summarize(history),
        exportMs: summarize(exports),
        historyOverVersion: ratio(history, versions),
        exportOverVersion: ratio(exports, versions),
        versionPeakRssMiB,
        historyPeakRssMiB,
        exportPeakRssMiB,
        viewHtmlMs: repeat(n, () => historyViewHtml(store)),
        viewTextMs: repeat(n, () => historyViewText(store)),
        readAllMs: repeat(n, () => store.all()),
        formatJsonMs: repeatWith(
          n,
          () => store.all(),
          (days) => formatHistoryJson(days),
        ),
        exportTextMs: repeat(n, () => runExport(store, null)),
      };
    } finally {
      store.close();
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
