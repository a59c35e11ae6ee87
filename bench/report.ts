// Prints the benchmark's figures as Markdown tables (so they can be quoted as they are), with the
// goals next to the figures they apply to.

import { PLATFORMS, platformName } from "../src/platforms/registry.ts";
import type { BinarySize, ColdStartResult } from "./binary.ts";
import type { HistoryResult } from "./history.ts";
import type { IdleResult } from "./idle.ts";
import type { LatencyResult, PathId } from "./latency.ts";
import type { Machine, Summary } from "./measure.ts";
import type { ProbeResult } from "./probes.ts";
import type { VariantResult } from "./variants.ts";

export interface BenchResults {
  readonly machine: Machine;
  readonly settings: { readonly runs: number; readonly idleSeconds: number };
  readonly binary: BinarySize & { readonly version: string };
  readonly goals: { readonly snapshotOverSlowest: number; readonly idleRssMB: number; readonly historyOverVersion: number };
  /** bench/results.json as it was before this run (the last full run), for what must not grow. */
  readonly previous: {
    readonly date: string;
    readonly cpu: string;
    readonly idleRssMiB: number;
    readonly idleRssAnonMiB: number | null;
  } | null;
  readonly coldStart: ColdStartResult;
  readonly idle: IdleResult;
  readonly history: HistoryResult;
  readonly latency: LatencyResult;
  readonly variants: readonly VariantResult[];
  readonly variantBaseline: { readonly coldStartMs: Summary; readonly historyMs: Summary } | null;
  readonly probes: readonly ProbeResult[];
}

const name = (id: PathId): string => (id === "fx" ? "FX (CBR)" : platformName(id));
/** Every path but IBKR's, whose scheduled waits make it the slowest by far: the report names them. */
const QUICK_PATHS: readonly PathId[] = [...PLATFORMS.map((d) => d.id).filter((id) => id !== "ibkr"), "fx"];

export function printReport(r: BenchResults): void {
  const m = r.machine;
  const l = r.latency;
  const out: string[] = [];
  out.push(
    `pfbot ${r.binary.version.replace(/^pfbot /, "")} on ${m.cpu}, ${m.cores} cores, ${gib(m.memoryMiB)} RAM, ${m.os}, Bun ${m.bun}, ${m.date.slice(0, 10)}`,
  );
  out.push("");
  out.push("| figure | value | goal |");
  out.push("| --- | --- | --- |");
  const row = (figure: string, value: string, goal = "") => out.push(`| ${figure} | ${value} | ${goal} |`);
  const slow = l.slowestPath;
  const slowNoIbkr = l.slowestWithoutIbkr;
  row(
    `Snapshot, ${PLATFORMS.length} platforms + FX, ${l.latencyMs} ms per request`,
    `${ms(l.snapshot)} (median of ${l.snapshot.runs}, ${range(l.snapshot)})`,
  );
  row(`Slowest path alone: ${name(slow)} (${trips(l, slow)})`, `${ms(l.alone[slow])} (floor ${int(l.floorMs[slow])} ms)`);
  row("**Snapshot ÷ slowest path**", `**${l.ratio.toFixed(3)}**`, `≤ ${r.goals.snapshotOverSlowest.toFixed(2)}`);
  row(`Snapshot without IBKR (${QUICK_PATHS.map(name).join(", ")})`, ms(l.snapshotWithoutIbkr));
  row(
    `÷ slowest of those: ${name(slowNoIbkr)} alone (${trips(l, slowNoIbkr)})`,
    `**${l.ratioWithoutIbkr.toFixed(3)}** (${ms(l.alone[slowNoIbkr])})`,
    `≤ ${r.goals.snapshotOverSlowest.toFixed(2)}`,
  );
  const others = QUICK_PATHS.map((id) => `${name(id)} ${int(l.alone[id].median)} (floor ${int(l.floorMs[id])})`);
  row("Each path alone, ms", others.join(", "));
  row("Sum of all paths (a bot asking one after another)", `${int(l.sequentialSumMs)} ms`);
  if (l.binaryJson) row("`./pfbot --json` end to end, same fakes", `${ms(l.binaryJson)} (median of ${l.binaryJson.runs})`);
  if (l.rateLimitViolations.length > 0) row("IBKR fake: rate-limit violations", l.rateLimitViolations.join("; "));
  const rss = r.coldStart.peakRssMiB
    ? `, peak RSS ${r.coldStart.peakRssMiB.median.toFixed(1)} MiB`
    : ", peak RSS n/a (/usr/bin/time missing)";
  row(
    "Cold start `./pfbot --version`",
    `${ms(r.coldStart.wallMs)} (median of ${r.coldStart.wallMs.runs}, min ${r.coldStart.wallMs.min.toFixed(1)})${rss}`,
  );
  const i = r.idle;
  row(
    `**Idle RSS** after ${i.idleSeconds} s of long polling`,
    `**${i.rssMiB.toFixed(1)} MiB = ${mb(i.rssMiB)} MB** (anon ${i.rssAnonMiB ?? "?"}, file ${i.rssFileMiB ?? "?"}; VmHWM ${i.hwmMiB.toFixed(1)} MiB; ${i.idleCpuSeconds ?? "?"} s CPU; ${i.threads ?? "?"} threads)`,
    `≤ ${r.goals.idleRssMB} MB, and no more than the last recorded run`,
  );
  if (r.previous) {
    const p = r.previous;
    const elsewhere = p.cpu === m.cpu ? "" : ` on another machine (${p.cpu}): not comparable`;
    row(
      "Idle RSS of the last recorded run (bench/results.json)",
      `${p.idleRssMiB.toFixed(1)} MiB (anon ${p.idleRssAnonMiB ?? "?"}) on ${p.date.slice(0, 10)}${elsewhere}; now **${signed(i.rssMiB - p.idleRssMiB)} MiB** (anon ${p.idleRssAnonMiB === null || i.rssAnonMiB === null ? "?" : signed(i.rssAnonMiB - p.idleRssAnonMiB)})`,
    );
  }
  row("Bot start to first getUpdates; SIGTERM to exit", `${int(i.readyMs)} ms; ${int(i.stopMs)} ms (exit ${i.exitCode ?? "killed"})`);
  const h = r.history;
  const hr = (s: Summary | null) => (s ? `, peak RSS ${s.median.toFixed(1)} MiB` : "");
  const runs = `median of ${h.versionMs.runs}, run alternately`;
  row("`--version`, for the two below", `${msTenths(h.versionMs)} (${runs})${hr(h.versionPeakRssMiB)}`);
  row(
    `**\`--history\` ÷ \`--version\`**, ${h.days} days`,
    `**${h.historyOverVersion.toFixed(2)}×** (${msTenths(h.historyMs)}${hr(h.historyPeakRssMiB)})`,
    `≤ ${r.goals.historyOverVersion}×`,
  );
  row(
    `**\`--export FILE\` ÷ \`--version\`**, ${h.days} days`,
    `**${h.exportOverVersion.toFixed(2)}×** (${msTenths(h.exportMs)}${hr(h.exportPeakRssMiB)}; ${kb(h.exportFileBytes)})`,
  );
  row(
    `**\`--export FILE.csv\` ÷ \`--version\`**, ${h.days} days, 4 platforms`,
    `**${h.exportCsvOverVersion.toFixed(2)}×** (${msTenths(h.exportCsvMs)}${hr(h.exportCsvPeakRssMiB)}; ${kb(h.exportCsvFileBytes)})`,
  );
  row(`\`--import FILE\`, ${h.days} days into an empty history`, ms(h.importMs));
  row(`\`--import FILE.csv\`, ${h.days} days, 4 platforms, into an empty history`, ms(h.importCsvMs));
  row(
    "In process: /history view (HTML), export text (read all + format), CSV with 4 platforms (read all + format)",
    `${h.viewHtmlMs.median.toFixed(2)} ms, ${h.exportTextMs.median.toFixed(2)} ms (${h.readAllMs.median.toFixed(2)} + ${h.formatJsonMs.median.toFixed(2)}), ${h.readAllCsvMs.median.toFixed(2)} + ${h.formatCsvMs.median.toFixed(2)} ms`,
  );
  row("Binary size", `${r.binary.bytes.toLocaleString("en-US")} B (${r.binary.mib} MiB)`);

  if (r.variants.length > 0 && r.variantBaseline) {
    out.push("");
    out.push("Product-side options (not applied; measured side by side, idle at the same time):");
    out.push("");
    out.push("| variant | idle RSS MiB | VmHWM MiB | idle CPU s | `--version` ms | `--history` ms |");
    out.push("| --- | --- | --- | --- | --- | --- |");
    const b = r.variantBaseline;
    out.push(
      `| product (\`bun run build\`) | ${i.rssMiB.toFixed(1)} | ${i.hwmMiB.toFixed(1)} | ${i.idleCpuSeconds ?? "?"} | ${b.coldStartMs.median.toFixed(1)} | ${int(b.historyMs.median)} |`,
    );
    for (const v of r.variants) {
      const vi = v.idle;
      out.push(
        `| ${v.change} | ${vi ? vi.rssMiB.toFixed(1) : "—"} | ${vi ? vi.hwmMiB.toFixed(1) : "—"} | ${vi?.idleCpuSeconds ?? "—"} | ${v.coldStartMs.median.toFixed(1)} | ${int(v.historyMs.median)} |`,
      );
    }
  }
  if (r.probes.length > 0) {
    out.push("");
    out.push("What each dependency costs at rest (a binary that imports only it, then waits):");
    out.push("");
    out.push("| imports | RSS MiB, JIT on | RSS MiB, BUN_JSC_useJIT=0 |");
    out.push("| --- | --- | --- |");
    for (const name of [...new Set(r.probes.map((p) => p.name))]) {
      const on = r.probes.find((p) => p.name === name && p.jit);
      const off = r.probes.find((p) => p.name === name && !p.jit);
      out.push(`| ${on?.imports ?? name} | ${on?.rssMiB.toFixed(1) ?? "—"} | ${off?.rssMiB.toFixed(1) ?? "—"} |`);
    }
  }
  console.log(out.join("\n"));
}

function trips(l: LatencyResult, id: PathId): string {
  const { count, roundTrips } = l.requests[id];
  const waits = id === "ibkr" ? ` + ${((l.floorMs.ibkr - roundTrips * l.latencyMs) / 1000).toFixed(0)} s of scheduled waits` : "";
  return `${count} requests, ${roundTrips} round trips${waits}`;
}

function ms(s: Summary): string {
  return `${int(s.median)} ms`;
}

function signed(n: number): string {
  return `${n >= 0 ? "+" : ""}${n.toFixed(1)}`;
}

function msTenths(s: Summary): string {
  return `${s.median.toFixed(1)} ms`;
}

function range(s: Summary): string {
  return `${int(s.min)}–${int(s.max)}`;
}

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function mb(mib: number): string {
  return ((mib * 2 ** 20) / 1e6).toFixed(1);
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

function gib(mib: number): string {
  return `${(mib / 1024).toFixed(1)} GiB`;
}
