// `bun bench/chart.ts`: chart figures for issue #17, each with the JIT on and under the systemd unit's
// settings as shipped (BUN_JSC_useJIT=0 and MemoryDenyWriteExecute=yes, the latter applied by
// bench/mdwe.ts as systemd applies it: prctl(PR_SET_MDWE)):
//  1. Rendering, from source in a child process: a 365-day line chart (a gap, partial days) built as SVG and
//     rasterised to a 1280×720 PNG in process (first and warm) and through the renderer process per chart
//     the bot uses (src/render/chart/client.ts; from source `bun src/main.ts --render-chart`). Also with the
//     JIT off without MDWE, and the JIT on under MDWE (what the unit gives without BUN_JSC_useJIT=0: JSC
//     falls back to its interpreter), for the record.
//  2. The bot, the compiled binary against the fake Telegram Bot API and the platform fakes, DATA_DIR from
//     scripts/chart-samples.ts: from pushing "/chart 365" to the fake receiving sendPhoto, 10 times, then
//     5 × /allocation; RSS idle before the charts and after 10 charts (5 s later).
//  3. The binary's size, and without the chart code (every module of src/render/chart/ stubbed out).
// p50/p95 are nearest-rank percentiles. The machine may be shared: the load average is printed.
//
//   bun bench/chart.ts                 full run (about 2–3 minutes; builds binaries in a temp dir)
//   options: --runs N (warm renders per mode, default 20; 8 with the JIT off), --no-build, --no-bot
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildBinary } from "../scripts/build.ts";
import { writeChartSample } from "../scripts/chart-samples.ts";
import { dec } from "../src/lib/money.ts";
import { RENDER_CHART_ARG, renderChartPng } from "../src/render/chart/client.ts";
import { type LinePoint, lineChartSvg } from "../src/render/chart/line.ts";
import { renderPng } from "../src/render/chart/rasterize.ts";
import { dayKey, dayNumber } from "../src/render/chart/ticks.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { stringEnv } from "./binary.ts";
import { GNU_TIME, MiB, machine, procStatus, quietBotEnv, round, runProcess, untilPolling } from "./measure.ts";

const ROOT = resolve(import.meta.dir, "..");
const PROCESS_CHARTS = 10;
const BOT_CHARTS = 10;
const MDWE = [process.execPath, join(ROOT, "bench/mdwe.ts")];
const JIT_OFF = ["/usr/bin/env", "BUN_JSC_useJIT=0"];
const TOKEN = "123456789:AAbenchTOKENnotARealTokenAtAll000000";
const CHAT_ID = 1000002;
const TIME_ZONE = "Europe/Paris";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    child: { type: "boolean", default: false },
    runs: { type: "string" },
    "no-build": { type: "boolean", default: false },
    "no-bot": { type: "boolean", default: false },
  },
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
  readonly processJobMs: Percentiles;
  readonly rssIdleMiB: Rss;
  readonly rssAfterProcessChartsMiB: Rss;
  readonly firstInProcessMs: number;
  readonly warmInProcessMs: Percentiles;
  readonly rssAfterInProcessMiB: Rss;
}

/** How a process is started: a command prefix (the MDWE launcher, the JIT off) for every mode. */
interface Mode {
  readonly name: string;
  readonly prefix: readonly string[];
  readonly runs: string;
}

if (flags.child) {
  process.stdout.write(JSON.stringify(await child(Number(flags.runs ?? 20))));
} else {
  await parent();
}

async function parent(): Promise<void> {
  const m = machine();
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryMiB} MiB, ${m.os}, Bun ${m.bun}, load average ${load()}`);
  const runs = flags.runs;
  const modes: Mode[] = [
    { name: "JIT on", prefix: [], runs: runs ?? "20" },
    { name: "unit's settings: BUN_JSC_useJIT=0 + MemoryDenyWriteExecute", prefix: [...MDWE, ...JIT_OFF], runs: runs ?? "8" },
    { name: "JIT off, no MDWE", prefix: JIT_OFF, runs: runs ?? "8" },
    { name: "JIT on + MDWE (the unit without BUN_JSC_useJIT=0)", prefix: MDWE, runs: runs ?? "8" },
  ];
  console.log("\n## 1. Rendering from source, 365-day line chart, 1280×720");
  for (const mode of modes) {
    const result = await runProcess([...mode.prefix, process.execPath, join(ROOT, "bench/chart.ts"), "--child", "--runs", mode.runs], {
      cwd: ROOT,
      env: stringEnv(),
    });
    if (result.exitCode !== 0) throw new Error(`${mode.name}: the measuring child failed: ${result.stderr.trim()}`);
    const r = JSON.parse(result.stdout) as ChildResult;
    console.log(`\n== ${mode.name} (load ${load()})`);
    console.log(
      `SVG build              p50 ${r.svgBuildMs.p50} ms  p95 ${r.svgBuildMs.p95} ms  (${r.svgBuildMs.runs} runs; SVG ${kB(r.svgBytes)}, PNG ${kB(r.pngBytes)})`,
    );
    console.log(
      `render in process      first ${r.firstInProcessMs} ms (wasm init + fonts); warm p50 ${r.warmInProcessMs.p50} ms  p95 ${r.warmInProcessMs.p95} ms  (${r.warmInProcessMs.runs} runs)`,
    );
    console.log(
      `renderer process       p50 ${r.processJobMs.p50} ms  p95 ${r.processJobMs.p95} ms  (start + init + render + exit, ${r.processJobMs.runs} runs)`,
    );
    console.log(
      `RSS                    idle ${rssText(r.rssIdleMiB)}; after ${PROCESS_CHARTS} renderer processes ${rssText(r.rssAfterProcessChartsMiB)}`,
    );
    console.log(`                       after rendering in process (wasm in this process) ${rssText(r.rssAfterInProcessMiB)}`);
  }
  if (flags["no-build"]) return;
  const dir = mkdtempSync(join(os.tmpdir(), "pfbot-chart-bench-"));
  try {
    const binary = await buildBinary({ outfile: join(dir, "pfbot") });
    if (!flags["no-bot"]) {
      console.log(`\n## 2. The bot (compiled binary): /chart 365 → sendPhoto against the fake Bot API, ${BOT_CHARTS} charts`);
      for (const mode of modes.slice(0, 2)) {
        const r = await measureBot(binary, mode.prefix);
        console.log(`\n== ${mode.name} (load ${load()})`);
        console.log(
          `/chart 365 → photo     p50 ${r.chartMs.p50} ms  p95 ${r.chartMs.p95} ms  (${r.chartMs.runs} runs; first ${r.firstMs} ms)`,
        );
        console.log(`/allocation → photo    p50 ${r.allocationMs.p50} ms  p95 ${r.allocationMs.p95} ms  (${r.allocationMs.runs} runs)`);
        console.log(
          `bot RSS                idle ${rssText(r.idle)}; after ${BOT_CHARTS} charts ${rssText(r.after)} (${r.after.total >= r.idle.total ? "+" : ""}${round((r.after.total / r.idle.total - 1) * 100, 1)}%); peak ${r.peakMiB} MiB`,
        );
        const rendererKiB = await rendererPeakKiB(binary, mode.prefix);
        console.log(
          `renderer process       peak RSS ${rendererKiB === null ? "n/a (no /usr/bin/time)" : `${round(rendererKiB / 1024, 1)} MiB`} (365-day chart)`,
        );
      }
    }
    const without = await buildBinary({ outfile: join(dir, "pfbot-without-charts"), plugins: [withoutChartCode()] });
    const withSize = statSync(binary).size;
    const withoutSize = statSync(without).size;
    console.log("\n## 3. Binary size (scripts/build.ts)");
    console.log(
      `with charts ${withSize} B (${round(withSize / MiB, 2)} MiB); without the chart code ${withoutSize} B: +${round((withSize - withoutSize) / MiB, 2)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures in this process; the parent runs it once per mode. */
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
  const processTimes: number[] = [];
  let pngBytes = 0;
  for (let i = 0; i < PROCESS_CHARTS; i++) {
    const t0 = performance.now();
    pngBytes = (await renderChartPng(svg, { timeoutMs: 120_000 })).length;
    processTimes.push(performance.now() - t0);
  }
  const rssAfterProcessChartsMiB = rssMiB();
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
    processJobMs: percentiles(processTimes),
    rssIdleMiB,
    rssAfterProcessChartsMiB,
    firstInProcessMs: round(firstInProcessMs, 1),
    warmInProcessMs: percentiles(warm),
    rssAfterInProcessMiB: rssMiB(),
  };
}

interface BotResult {
  readonly firstMs: number;
  readonly chartMs: Percentiles;
  readonly allocationMs: Percentiles;
  readonly idle: Rss;
  readonly after: Rss;
  readonly peakMiB: number;
}

/** The bot in `binary`, started through `prefix`; each chart timed from the pushed command to the fake's photo. */
async function measureBot(binary: string, prefix: readonly string[]): Promise<BotResult> {
  const [fakes, telegram] = await Promise.all([startAllFakes(), startTelegramFake({ token: TOKEN, chatId: CHAT_ID })]);
  const scratch = mkdtempSync(join(os.tmpdir(), "pfbot-bench-chart-"));
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
  writeChartSample(join(scratch, "data"), today);
  const env = quietBotEnv({
    fakesEnv: fakes.env,
    telegram,
    token: TOKEN,
    chatId: CHAT_ID,
    dataDir: join(scratch, "data"),
    timeZone: TIME_ZONE,
  });
  const bot = Bun.spawn([...prefix, binary], { cwd: scratch, env, stdout: "ignore", stderr: "pipe", stdin: "ignore" });
  const stderr = new Response(bot.stderr).text();
  try {
    await untilPolling(bot, telegram, stderr);
    await Bun.sleep(5_000);
    const idle = procRss(bot.pid);
    const timeTo = async (command: string) => {
      const count = telegram.photos.length + 1;
      const t0 = Date.now();
      telegram.pushMessage({ chatId: CHAT_ID, text: command });
      const photos = await telegram.waitForPhotos(count, 60_000);
      return (photos.at(-1)?.at ?? Number.NaN) - t0;
    };
    const chartTimes: number[] = [];
    for (let i = 0; i < BOT_CHARTS; i++) chartTimes.push(await timeTo("/chart 365"));
    await Bun.sleep(5_000);
    const after = procRss(bot.pid);
    const allocationTimes: number[] = [];
    for (let i = 0; i < 5; i++) allocationTimes.push(await timeTo("/allocation"));
    const peakMiB = round((procStatus(bot.pid)?.VmHWM ?? 0) / 1024, 1);
    return {
      firstMs: chartTimes[0] ?? Number.NaN,
      chartMs: percentiles(chartTimes),
      allocationMs: percentiles(allocationTimes),
      idle,
      after,
      peakMiB,
    };
  } finally {
    bot.kill("SIGTERM");
    await Promise.race([bot.exited, Bun.sleep(20_000)]);
    if (bot.exitCode === null) bot.kill("SIGKILL");
    await Promise.all([fakes.stop(), telegram.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Peak RSS of one renderer process (`pfbot --render-chart`, a 365-day chart on stdin) from GNU time's %M. */
async function rendererPeakKiB(binary: string, prefix: readonly string[]): Promise<number | null> {
  if (!existsSync(GNU_TIME)) return null;
  const dir = mkdtempSync(join(os.tmpdir(), "pfbot-bench-renderer-"));
  try {
    const out = join(dir, "maxrss");
    const svg = lineChartSvg({ points: yearOfDays(), currency: "USD", privacy: false, title: "Portfolio value · 365 days" }).svg;
    const child = Bun.spawn([...prefix, GNU_TIME, "-f", "%M", "-o", out, binary, RENDER_CHART_ARG], {
      stdin: new TextEncoder().encode(svg),
      stdout: "ignore",
      stderr: "pipe",
    });
    if ((await child.exited) !== 0) throw new Error(`the renderer failed: ${await new Response(child.stderr).text()}`);
    return Number.parseInt(readFileSync(out, "utf8").trim(), 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A bundler plugin that replaces every module of src/render/chart/ by one exporting the same names as
 * undefined: the binary without the chart code (its size only; it is never run).
 */
function withoutChartCode(): Bun.BunPlugin {
  const transpiler = new Bun.Transpiler({ loader: "ts" });
  return {
    name: "without-chart-code",
    setup(build) {
      build.onLoad({ filter: /\/src\/render\/chart\/[^/]+\.ts$/ }, (args) => {
        const { exports } = transpiler.scan(readFileSync(args.path, "utf8"));
        return { contents: exports.map((name) => `export const ${name} = undefined;`).join("\n"), loader: "ts" };
      });
    },
  };
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
  return procRss(process.pid);
}

function procRss(pid: number): Rss {
  const status = procStatus(pid);
  if (!status) throw new Error(`process ${pid} is gone`);
  const mib = (kib: number | undefined) => round(((kib ?? Number.NaN) * 1024) / MiB, 1);
  return { total: mib(status.VmRSS), anon: mib(status.RssAnon), file: mib(status.RssFile) };
}

function rssText(rss: Rss): string {
  return `${rss.total} MiB (anon ${rss.anon}, file ${rss.file})`;
}

function kB(bytes: number): string {
  return `${round(bytes / 1000, 1)} kB`;
}
