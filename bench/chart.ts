// `bun bench/chart.ts`: chart figures for issue #17. A 365-day line chart (with a gap and partial
// days) is built as SVG and rasterised to a 1280×720 PNG, in process and through the per-chart worker
// (src/render/chart/client.ts), with the JIT on and with BUN_JSC_useJIT=0 (what the systemd unit sets
// for MemoryDenyWriteExecute; it turns off the WebAssembly JIT too). Also the main thread's RSS before
// and after 10 worker charts, and the binary size with and without the chart worker entry point.
// p50/p95 are nearest-rank percentiles. The machine may be shared: its load average is printed.
//
//   bun bench/chart.ts                 full run (about 1–2 minutes; builds two binaries in a temp dir)
//   options: --runs N (warm renders per mode, default 20; 8 with the JIT off), --no-build
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { dec } from "../src/lib/money.ts";
import { renderChartPng } from "../src/render/chart/client.ts";
import { type LinePoint, lineChartSvg } from "../src/render/chart/line.ts";
import { renderPng } from "../src/render/chart/rasterize.ts";
import { dayKey, dayNumber } from "../src/render/chart/ticks.ts";
import { stringEnv } from "./binary.ts";
import { MiB, machine, round, runProcess } from "./measure.ts";

const ROOT = resolve(import.meta.dir, "..");
const WORKER_ENTRY = "src/render/chart/worker.ts";
const WORKER_CHARTS = 10;

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: { child: { type: "boolean", default: false }, runs: { type: "string" }, "no-build": { type: "boolean", default: false } },
});

interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly runs: number;
}

interface Rss {
  readonly total: number;
  readonly anon: number;
  readonly file: number;
}

interface ChildResult {
  readonly svgBuildMs: Percentiles;
  readonly svgBytes: number;
  readonly pngBytes: number;
  readonly workerJobMs: Percentiles;
  readonly rssIdleMiB: Rss;
  readonly rssAfterOneWorkerChartMiB: Rss;
  readonly rssAfterWorkerChartsMiB: Rss;
  readonly firstInProcessMs: number;
  readonly warmInProcessMs: Percentiles;
  readonly rssAfterInProcessMiB: Rss;
}

if (flags.child) {
  process.stdout.write(JSON.stringify(await child(Number(flags.runs ?? 20))));
} else {
  await parent();
}

/** Measures in this process; the parent runs it once per JIT setting. */
async function child(runs: number): Promise<ChildResult> {
  const points = yearOfDays();
  const svgTimes: number[] = [];
  let svg = "";
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    svg = lineChartSvg({
      points,
      currency: "USD",
      privacy: false,
      title: "Portfolio value · 365 days",
      subtitle: "25 Nov 2025 – 24 Nov 2026",
    }).svg;
    svgTimes.push(performance.now() - t0);
  }
  const rssIdleMiB = rssMiB();
  const workerTimes: number[] = [];
  let pngBytes = 0;
  let rssAfterOneWorkerChartMiB = rssIdleMiB;
  for (let i = 0; i < WORKER_CHARTS; i++) {
    const t0 = performance.now();
    pngBytes = (await renderChartPng(svg, { timeoutMs: 120_000 })).length;
    workerTimes.push(performance.now() - t0);
    if (i === 0) {
      await Bun.sleep(500);
      rssAfterOneWorkerChartMiB = rssMiB();
    }
  }
  // Let the ended workers' memory go before reading the main thread's RSS.
  await Bun.sleep(500);
  const rssAfterWorkerChartsMiB = rssMiB();
  let t0 = performance.now();
  await renderPng(svg);
  const firstInProcessMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await renderPng(svg);
    warm.push(performance.now() - t0);
  }
  return {
    svgBuildMs: percentiles(svgTimes),
    svgBytes: svg.length,
    pngBytes,
    workerJobMs: percentiles(workerTimes),
    rssIdleMiB,
    rssAfterOneWorkerChartMiB,
    rssAfterWorkerChartsMiB,
    firstInProcessMs: round(firstInProcessMs, 1),
    warmInProcessMs: percentiles(warm),
    rssAfterInProcessMiB: rssMiB(),
  };
}

async function parent(): Promise<void> {
  const m = machine();
  console.log(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryMiB} MiB, Bun ${m.bun}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const runs = flags.runs;
  const modes: { name: string; env: Record<string, string>; runs: string }[] = [
    { name: "JIT on", env: {}, runs: runs ?? "20" },
    { name: "BUN_JSC_useJIT=0", env: { BUN_JSC_useJIT: "0" }, runs: runs ?? "8" },
  ];
  for (const mode of modes) {
    const result = await runProcess([process.execPath, join(ROOT, "bench/chart.ts"), "--child", "--runs", mode.runs], {
      cwd: ROOT,
      env: { ...stringEnv(), ...mode.env },
    });
    if (result.exitCode !== 0) throw new Error(`${mode.name}: the measuring child failed: ${result.stderr.trim()}`);
    const r = JSON.parse(result.stdout) as ChildResult;
    console.log(`\n== ${mode.name} (365-day line chart, 1280×720)`);
    console.log(
      `SVG build              p50 ${r.svgBuildMs.p50} ms  p95 ${r.svgBuildMs.p95} ms  (${r.svgBuildMs.runs} runs; SVG ${kB(r.svgBytes)}, PNG ${kB(r.pngBytes)})`,
    );
    console.log(
      `render in process      first ${r.firstInProcessMs} ms (wasm init + fonts); warm p50 ${r.warmInProcessMs.p50} ms  p95 ${r.warmInProcessMs.p95} ms  (${r.warmInProcessMs.runs} runs)`,
    );
    console.log(
      `worker per chart       p50 ${r.workerJobMs.p50} ms  p95 ${r.workerJobMs.p95} ms  (start + init + render + end, ${r.workerJobMs.runs} runs)`,
    );
    console.log(`main-thread RSS        idle ${rssText(r.rssIdleMiB)}`);
    console.log(
      `                       after 1 worker chart ${rssText(r.rssAfterOneWorkerChartMiB)}, after ${WORKER_CHARTS} ${rssText(r.rssAfterWorkerChartsMiB)}`,
    );
    console.log(`                       after rendering in process (wasm in the main thread) ${rssText(r.rssAfterInProcessMiB)}`);
  }
  if (flags["no-build"]) return;
  const dir = mkdtempSync(join(os.tmpdir(), "pfbot-chart-bench-"));
  try {
    const without = await build(join(dir, "without"), false);
    const withChart = await build(join(dir, "with"), true);
    console.log(`\n== binary size (package.json "build" flags)`);
    console.log(`without the chart worker ${without} B, with it ${withChart} B: +${round((withChart - without) / MiB, 2)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds with package.json's "build" command, with or without the chart worker entry point; returns the size. */
async function build(out: string, withChart: boolean): Promise<number> {
  const script = ((await Bun.file(join(ROOT, "package.json")).json()) as { scripts: Record<string, string> }).scripts.build ?? "";
  const words = script.split(/\s+/).filter((w) => w !== "" && (withChart || w !== WORKER_ENTRY));
  const outIndex = words.indexOf("--outfile");
  if (words[0] !== "bun" || words[1] !== "build" || outIndex < 0 || !script.includes(WORKER_ENTRY))
    throw new Error(`cannot read the build command from package.json: ${script}`);
  words[outIndex + 1] = out;
  const result = await runProcess([process.execPath, ...words.slice(1)], { cwd: ROOT, env: { ...stringEnv(), NO_COLOR: "1" } });
  if (result.exitCode !== 0) throw new Error(`build failed: ${result.stderr.trim()}`);
  return statSync(out).size;
}

/** 365 days ending 2026-11-24: a deterministic walk with a 7-day gap and a few partial days. */
function yearOfDays(): LinePoint[] {
  const start = dayNumber("2025-11-25");
  let value = 150_000;
  let seed = 3;
  return Array.from({ length: 365 }, (_, i) => {
    seed = (seed * 16807) % 2147483647;
    value *= 1 + (seed / 2147483647 - 0.47) * 0.03;
    const gap = i >= 100 && i <= 106;
    return { day: dayKey(start + i), value: gap ? null : dec(value.toFixed(2)), partial: [200, 201, 202, 300, 364].includes(i) };
  });
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return { p50: round(rank(50), 1), p95: round(rank(95), 1), runs: sorted.length };
}

/** VmRSS, and its anonymous and file-backed parts (the runtime's or binary's own pages count there). */
function rssMiB(): Rss {
  Bun.gc(true);
  const status = readFileSync("/proc/self/status", "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return {
    total: round((kib("VmRSS") * 1024) / MiB, 1),
    anon: round((kib("RssAnon") * 1024) / MiB, 1),
    file: round((kib("RssFile") * 1024) / MiB, 1),
  };
}

function rssText(rss: Rss): string {
  return `${rss.total} MiB (anon ${rss.anon}, file ${rss.file})`;
}

function kB(bytes: number): string {
  return `${round(bytes / 1000, 1)} kB`;
}
