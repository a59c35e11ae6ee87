// `bun bench/bomb.ts`: peak RSS of `./pfbot --json` while one platform answers every request with a gzip
// bomb, 1 GiB of zeros in about 1 MB on the wire (goal: under 128 MB; the unit's MemoryMax is 256M, and before the
// body caps this peaked at 2.19 GB). Every other service is its usual fake from test/fakes/. The bombed platform
// must fail as a bad response ("larger than …") and the others must still be counted; the figure is GNU time's %M
// (the child's ru_maxrss), or VmHWM read from /proc while it runs when /usr/bin/time is missing.
// Runs with BUN_JSC_useJIT=0, as the systemd unit does, and with the JIT for comparison; "none" is the same run
// with no bomb, the baseline the other rows add to.
//
//   bun bench/bomb.ts [--runs N] [--rebuild]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startAllFakes } from "../test/fakes/all.ts";
import { gzipBomb, MiB } from "../test/fakes/hostile.ts";
import { startFake } from "../test/fakes/server.ts";
import { ensureBinary, newerSource } from "./binary.ts";
import { GNU_TIME, procStatus, round, summarize } from "./measure.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "pfbot");
const BOMB_BYTES = 1024 * MiB;
const GOAL_MB = 128;

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: { runs: { type: "string" }, rebuild: { type: "boolean", default: false } },
});
const runs = Math.max(1, Number.parseInt(flags.runs ?? "3", 10) || 3);
const log = (line: string) => console.error(line);

/** Which base URL each target replaces with the bomb server (with the path its client appends to it). */
const TARGETS: Record<string, (bomb: string) => Record<string, string>> = {
  none: () => ({}),
  Bybit: (bomb) => ({ BYBIT_BASE_URL: bomb }),
  OKX: (bomb) => ({ OKX_BASE_URL: bomb }),
  "T-Bank": (bomb) => ({ TBANK_BASE_URL: `${bomb}/rest` }),
  IBKR: (bomb) => ({ IBKR_FLEX_BASE_URL: `${bomb}/AccountManagement/FlexWebService` }),
  Binance: (bomb) => ({ BINANCE_BASE_URL: bomb }),
  KuCoin: (bomb) => ({ KUCOIN_BASE_URL: bomb }),
  "FX feeds": (bomb) => ({ CBR_BASE_URL: bomb, CBR_MIRROR_BASE_URL: bomb }),
};

if (await ensureBinary(BINARY, flags.rebuild === true)) log("built ./pfbot");
const stale = newerSource(ROOT, BINARY);
if (stale)
  log(`warning: ${stale.slice(ROOT.length + 1)} is newer than ./pfbot; the figures are for the older build (--rebuild rebuilds it)`);
log(
  `pfbot --json with one platform serving a ${BOMB_BYTES / MiB} MiB gzip bomb; ${runs} runs each; peak RSS from ${existsSync(GNU_TIME) ? "GNU time %M" : "/proc VmHWM"}`,
);

const wire = { bytes: 0 };
const bomb = await startFake({
  "/*": () => {
    const response = gzipBomb(BOMB_BYTES);
    return new Response(response.body?.pipeThrough(counting(wire)), { headers: response.headers });
  },
});

const rows: { target: string; jit: string; peak: ReturnType<typeof summarize>; requests: number; check: string }[] = [];
try {
  for (const jit of ["off", "on"]) {
    for (const [target, urls] of Object.entries(TARGETS)) {
      const peaks: number[] = [];
      let check = "";
      const before = bomb.requests.length;
      for (let i = 0; i < runs; i++) {
        // Fresh fakes every run: IBKR's enforces 1 request/s and 10/min per token.
        const fakes = await startAllFakes();
        const dataDir = mkdtempSync(join(tmpdir(), "pfbot-bench-bomb-"));
        try {
          const env = {
            PATH: process.env.PATH ?? "",
            ...fakes.env,
            ...urls(bomb.url),
            DATA_DIR: dataDir,
            IBKR_CACHE_MINUTES: "0",
            ...(jit === "off" ? { BUN_JSC_useJIT: "0" } : {}),
          };
          const result = await peakRss([BINARY, "--json"], env, dataDir);
          check = verdict(target, result.stdout);
          peaks.push(result.peakKiB / 1024);
        } finally {
          await fakes.stop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
      rows.push({ target, jit, peak: summarize(peaks), requests: (bomb.requests.length - before) / runs, check });
      log(`  JIT ${jit}, ${target}: ${summarize(peaks).median} MiB`);
    }
  }
} finally {
  await bomb.stop();
}

const mb = (mib: number) => round((mib * MiB) / 1e6, 1);
console.log(`\nPeak RSS of ./pfbot --json, one platform serving a ${BOMB_BYTES / MiB} MiB gzip bomb (median of ${runs}; max in brackets)`);
console.log(
  `${"bombed".padEnd(10)} ${"JIT".padEnd(4)} ${"peak MiB".padStart(16)} ${"peak MB".padStart(8)} ${"vs none".padStart(8)}  requests  result`,
);
for (const row of rows) {
  const peak = `${row.peak.median} [${row.peak.max}]`;
  const none = rows.find((r) => r.jit === row.jit && r.target === "none")!.peak.median;
  const delta = row.target === "none" ? "" : `+${round(row.peak.median - none, 1)}`;
  console.log(
    `${row.target.padEnd(10)} ${row.jit.padEnd(4)} ${peak.padStart(16)} ${String(mb(row.peak.median)).padStart(8)} ${delta.padStart(8)}  ${String(row.requests).padStart(8)}  ${row.check}`,
  );
}
console.log("");
for (const jit of ["off", "on"]) {
  const worst = Math.max(...rows.filter((r) => r.jit === jit && r.target !== "none").map((r) => r.peak.max));
  const label = jit === "off" ? "JIT off, as the unit runs it" : "JIT on";
  console.log(`worst peak with a bomb, ${label}: ${round(worst, 1)} MiB = ${mb(worst)} MB (goal < ${GOAL_MB} MB)`);
}
console.log(`bomb bytes on the wire: ${round(wire.bytes / MiB, 1)} MiB in all (${bomb.requests.length} requests)`);

/** The bombed platform failed as too large and everything else was counted; anything else is reported. */
function verdict(target: string, stdout: string): string {
  let json: { platforms: { id: string; ok: boolean; error?: string }[]; usdRub: unknown };
  try {
    json = JSON.parse(stdout);
  } catch {
    return `no JSON on stdout: ${stdout.slice(0, 80)}`;
  }
  const failed = json.platforms.filter((p) => !p.ok);
  if (target === "none")
    return failed.length === 0 && json.usdRub !== null ? "all counted" : `unexpected failures: ${failed.map((p) => p.id).join(", ")}`;
  if (target === "FX feeds") return json.usdRub === null && failed.length === 0 ? "no rate, platforms counted" : "unexpected";
  const bad = failed.map((p) => p.error ?? "");
  return failed.length === 1 && bad[0]!.includes("larger than")
    ? `refused: ${bad[0]!.slice(0, 60)}…`
    : `unexpected: ${bad.join(" | ").slice(0, 120)}`;
}

async function peakRss(cmd: string[], env: Record<string, string>, scratch: string): Promise<{ peakKiB: number; stdout: string }> {
  const timeFile = join(scratch, "maxrss");
  const useTime = existsSync(GNU_TIME);
  const child = Bun.spawn(useTime ? [GNU_TIME, "-f", "%M", "-o", timeFile, ...cmd] : cmd, {
    cwd: scratch,
    env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let hwm = 0;
  const sampler = useTime
    ? null
    : setInterval(() => {
        hwm = Math.max(hwm, procStatus(child.pid)?.VmHWM ?? 0);
      }, 5);
  const [stdout] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (sampler) clearInterval(sampler);
  const peakKiB = useTime ? Number.parseInt(readFileSync(timeFile, "utf8").trim().split("\n").at(-1) ?? "", 10) : hwm;
  if (!Number.isFinite(peakKiB) || peakKiB <= 0) throw new Error("no peak RSS figure");
  return { peakKiB, stdout };
}

function counting(counter: { bytes: number }): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      counter.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}
