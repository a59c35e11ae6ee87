// `bun run bench`: pfbot's performance figures, printed as a table and written to bench/results.json.
// Figures: snapshot latency vs the slowest platform (fakes behind a 150 ms per-request proxy), binary
// cold start and peak RSS, idle RSS of the bot after 5 minutes of long polling (next to the last recorded
// run's), the history modes over ten years of days as multiples of `--version`, binary size; then the
// product-side memory options measured side by side.
// Medians of repeated runs; goals are printed next to the figures, nothing passes or fails.
//
//   bun run bench                 full run (~9 minutes), writes bench/results.json
//   bun run bench --quick         short trial (20 s idle, fewer runs), writes bench/results.json.tmp
//   options: --runs N, --idle-seconds N (or BENCH_IDLE_SECONDS), --no-variants, --rebuild
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { version } from "../package.json" with { type: "json" };
import { binarySize, ensureBinary, measureColdStart, newerSource, VARIANTS } from "./binary.ts";
import { measureHistory } from "./history.ts";
import { measureLatency } from "./latency.ts";
import { GNU_TIME, machine } from "./measure.ts";
import { measureProbes } from "./probes.ts";
import { type BenchResults, printReport } from "./report.ts";
import { idleRound, prepareVariants, startupRound } from "./variants.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "pfbot");

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    "idle-seconds": { type: "string" },
    "no-variants": { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
  },
});
const quick = flags.quick === true;
const runs = positive(flags.runs, quick ? 2 : 5, "--runs");
const idleSeconds = positive(flags["idle-seconds"] ?? process.env.BENCH_IDLE_SECONDS, quick ? 20 : 300, "--idle-seconds");
const withVariants = flags["no-variants"] !== true;
const RECORDED = join(ROOT, "bench", "results.json");
const output = quick || idleSeconds < 300 ? `${RECORDED}.tmp` : RECORDED;
// The recorded run, read before this one may replace it: idle RSS must not grow from one to the next.
const previous = recordedRun(RECORDED);
const log = (line: string) => console.error(line);
const started = performance.now();

log(`pfbot bench: ${runs} runs, ${idleSeconds} s idle${withVariants ? ", with variants" : ""}`);
const built = await ensureBinary(BINARY, flags.rebuild === true);
if (built) log("built ./pfbot");
const stale = newerSource(ROOT, BINARY);
if (stale)
  log(`warning: ${stale.slice(ROOT.length + 1)} is newer than ./pfbot; the figures are for the older build (--rebuild rebuilds it)`);
const size = binarySize(BINARY);

log("cold start: ./pfbot --version ×20");
const coldStart = await measureColdStart(BINARY, ROOT, 20);

log("history: 3653 days");
const history = await measureHistory({ binary: BINARY, days: 3653, runs, processRuns: quick ? 5 : 20, inProcessRuns: 20 });

log("snapshot latency: fakes behind a 150 ms proxy (IBKR takes ~10.5 s per run)");
const latency = await measureLatency({
  runs,
  binaryRuns: Math.min(runs, 3),
  latencyMs: 150,
  ibkrInProgressPolls: 1,
  binary: BINARY,
  version,
  progress: log,
});

const variants = withVariants ? VARIANTS : [];
const prepared = withVariants ? await prepareVariants(BINARY, variants) : null;
try {
  log(`idle: the bot${withVariants ? ` and ${variants.length} variants` : ""} long-polling for ${idleSeconds} s`);
  const paths = prepared?.paths ?? new Map<string, string>();
  const idle = await idleRound(BINARY, variants, paths, idleSeconds, 3_000);
  log("start-up of each variant: --version and --history");
  const startup = withVariants ? await startupRound(BINARY, variants, paths, idle, 10) : null;
  log("probes: what each dependency costs at rest");
  const probes = withVariants ? await measureProbes(ROOT, 20) : [];

  const results = {
    machine: machine(),
    settings: { runs, idleSeconds, quick, gnuTime: existsSync(GNU_TIME) ? GNU_TIME : null },
    binary: {
      path: "./pfbot",
      ...size,
      builtNow: built,
      modified: statSync(BINARY).mtime.toISOString(),
      newerSource: stale?.slice(ROOT.length + 1) ?? null,
      version: coldStart.output,
    },
    goals: { snapshotOverSlowest: 1.1, idleRssMB: 60, historyOverVersion: 4 },
    previous,
    coldStart,
    idle: idle.product,
    history,
    latency,
    variants: startup?.variants ?? [],
    variantBaseline: startup?.product ?? null,
    probes,
    benchSeconds: Math.round((performance.now() - started) / 1000),
  };
  writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);
  printReport(results);
  log(`\nwrote ${output.slice(ROOT.length + 1)} in ${results.benchSeconds} s`);
} finally {
  prepared?.cleanup();
}

/** The recorded run's date, machine and idle RSS, or null when there is none (or it is unreadable). */
function recordedRun(path: string): BenchResults["previous"] {
  try {
    const recorded = JSON.parse(readFileSync(path, "utf8")) as {
      machine: { date: string; cpu: string };
      idle: { rssMiB: number; rssAnonMiB: number | null };
    };
    return {
      date: recorded.machine.date,
      cpu: recorded.machine.cpu,
      idleRssMiB: recorded.idle.rssMiB,
      idleRssAnonMiB: recorded.idle.rssAnonMiB,
    };
  } catch {
    return null;
  }
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${name} must be a positive integer (was ${text})`);
    process.exit(2);
  }
  return n;
}
