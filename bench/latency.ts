// Figure 1: snapshot latency against the physical floor. Every fake sits behind a proxy adding the same
// latency to each request; each platform's critical path is timed alone (its client's fetchBalance, and
// the FX fetch), then the whole snapshot. A snapshot that really runs everything at once takes about as
// long as its slowest part; a sequential one would take the sum. Fresh fakes (new ports) for every
// measurement keep runs independent: every snapshot taker and client set gets a pacer of its own, and
// the IBKR fake keeps its own request log, so no run inherits another's rate-limit budget. Real time:
// the bench measures the waits the tests skip.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSnapshotTaker } from "../src/app/wiring.ts";
import { type Config, loadConfig } from "../src/config/config.ts";
import { createFxSource } from "../src/fx/source.ts";
import { systemClock } from "../src/lib/clock.ts";
import { silentLogger } from "../src/lib/log.ts";
import { POLL_DELAYS_MS } from "../src/platforms/ibkr/flex.ts";
import { createClients, PLATFORMS } from "../src/platforms/registry.ts";
import type { PlatformId } from "../src/platforms/types.ts";
import { type AllFakes, startAllFakes } from "../test/fakes/all.ts";
import { round, runProcess, type Summary, summarize, timed } from "./measure.ts";

/** The paths timed: every platform (the fakes serve them all), and the FX rate. */
export type PathId = PlatformId | "fx";

export interface LatencyOptions {
  readonly runs: number;
  readonly binaryRuns: number;
  readonly latencyMs: number;
  readonly ibkrInProgressPolls: number;
  /** The compiled binary, for the end-to-end `--json` figure; null skips it. */
  readonly binary: string | null;
  readonly version: string;
  readonly progress: (line: string) => void;
}

export interface LatencyResult {
  readonly latencyMs: number;
  readonly ibkrInProgressPolls: number;
  /** Each critical path timed alone (ms). */
  readonly alone: Record<PathId, Summary>;
  /** Requests each path made, and how many of them were sequential round trips. */
  readonly requests: Record<PathId, { readonly count: number; readonly roundTrips: number }>;
  /** Round trips × latency, plus the waits IBKR's client schedules between its requests. */
  readonly floorMs: Record<PathId, number>;
  readonly snapshot: Summary;
  /** Each platform's time inside the full snapshot (the snapshot's own per-row durations). */
  readonly insideSnapshot: Partial<Record<PlatformId, Summary>>;
  readonly snapshotWithoutIbkr: Summary;
  /** `./pfbot --json` against the same fakes: process start, config, snapshot, output. */
  readonly binaryJson: Summary | null;
  readonly slowestPath: PathId;
  readonly slowestWithoutIbkr: PathId;
  /** snapshot ÷ slowest path alone (goal ≤ 1.10). */
  readonly ratio: number;
  readonly ratioWithoutIbkr: number;
  /** Σ of every path alone: what a bot asking one platform after another would take. */
  readonly sequentialSumMs: number;
  readonly rateLimitViolations: readonly string[];
}

const PATHS: readonly PathId[] = [...PLATFORMS.map((d) => d.id), "fx"];

export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const alone = Object.fromEntries(PATHS.map((id) => [id, []])) as unknown as Record<PathId, number[]>;
  const requests = {} as Record<PathId, { count: number; roundTrips: number }>;
  const snapshot: number[] = [];
  const inside: Partial<Record<PlatformId, number[]>> = {};
  const withoutIbkr: number[] = [];
  const binaryJson: number[] = [];
  const violations: string[] = [];
  const fakeOptions = { latencyMs: options.latencyMs, ibkrInProgressPolls: options.ibkrInProgressPolls };
  const scoped = <T>(work: (fakes: AllFakes, dataDir: string) => Promise<T>) => withFreshFakes(fakeOptions, violations, work);

  // One unrecorded round of the quick paths first, so the first recorded run does not pay for JIT warm-up.
  for (const id of PATHS.filter((p) => p !== "ibkr"))
    await scoped((fakes, dir) => timePath(id, fakes, dir, options.version, options.latencyMs));

  for (let run = 1; run <= options.runs; run++) {
    for (const id of PATHS) {
      const { ms, roundTrips, count } = await scoped((fakes, dir) => timePath(id, fakes, dir, options.version, options.latencyMs));
      alone[id].push(ms);
      requests[id] = { count, roundTrips: Math.max(roundTrips, requests[id]?.roundTrips ?? 0) };
      if (id === "ibkr") options.progress(`  run ${run}/${options.runs}: IBKR alone ${Math.round(ms)} ms`);
    }
    await scoped(async (fakes, dir) => {
      const taker = await createSnapshotTaker(configFor(fakes, dir, true), silentLogger, options.version, systemClock);
      const { ms, value } = await timed(() => taker.take());
      if (!value.complete || value.usdRub === null)
        throw new Error(
          `snapshot incomplete: ${
            value.rows
              .map((r) => r.error)
              .filter(Boolean)
              .join("; ") || value.fxProblem
          }`,
        );
      snapshot.push(ms);
      for (const row of value.rows) {
        inside[row.id] ??= [];
        inside[row.id]?.push(row.durationMs);
      }
      options.progress(`  run ${run}/${options.runs}: full snapshot ${Math.round(ms)} ms`);
    });
    await scoped(async (fakes, dir) => {
      const taker = await createSnapshotTaker(configFor(fakes, dir, false), silentLogger, options.version, systemClock);
      const { ms, value } = await timed(() => taker.take());
      if (!value.complete || value.usdRub === null) throw new Error("snapshot without IBKR incomplete");
      withoutIbkr.push(ms);
    });
    if (options.binary && run <= options.binaryRuns) {
      const binary = options.binary;
      await scoped(async (fakes, dir) => {
        const env = { PATH: process.env.PATH ?? "", ...fakes.env, DATA_DIR: dir, TIMEZONE: "UTC", IBKR_CACHE_MINUTES: "0" };
        const result = await runProcess([binary, "--json"], { cwd: dir, env });
        const parsed = result.exitCode === 0 ? (JSON.parse(result.stdout) as { complete?: unknown }) : null;
        if (parsed?.complete !== true)
          throw new Error(`pfbot --json exited ${result.exitCode} (complete: ${String(parsed?.complete)}): ${result.stderr.trim()}`);
        binaryJson.push(result.wallMs);
        options.progress(`  run ${run}/${options.binaryRuns}: ./pfbot --json ${Math.round(result.wallMs)} ms`);
      });
    }
  }

  const aloneSummary = Object.fromEntries(PATHS.map((id) => [id, summarize(alone[id])])) as Record<PathId, Summary>;
  const slowest = (ids: readonly PathId[]) => ids.reduce((a, b) => (aloneSummary[b].median > aloneSummary[a].median ? b : a));
  const slowestPath = slowest(PATHS);
  const slowestWithoutIbkr = slowest(PATHS.filter((p) => p !== "ibkr"));
  const snapshotSummary = summarize(snapshot);
  const withoutIbkrSummary = summarize(withoutIbkr);
  return {
    latencyMs: options.latencyMs,
    ibkrInProgressPolls: options.ibkrInProgressPolls,
    alone: aloneSummary,
    requests,
    floorMs: Object.fromEntries(PATHS.map((id) => [id, floorOf(id, requests[id].roundTrips, options)])) as Record<PathId, number>,
    snapshot: snapshotSummary,
    insideSnapshot: Object.fromEntries(
      Object.entries(inside)
        .filter(([, v]) => v.length > 0)
        .map(([id, v]) => [id, summarize(v)]),
    ),
    snapshotWithoutIbkr: withoutIbkrSummary,
    binaryJson: binaryJson.length > 0 ? summarize(binaryJson) : null,
    slowestPath,
    slowestWithoutIbkr,
    ratio: round(snapshotSummary.median / aloneSummary[slowestPath].median, 3),
    ratioWithoutIbkr: round(withoutIbkrSummary.median / aloneSummary[slowestWithoutIbkr].median, 3),
    sequentialSumMs: round(PATHS.reduce((total, id) => total + aloneSummary[id].median, 0)),
    rateLimitViolations: violations,
  };
}

/** The latency floor of a path: its sequential round trips, plus IBKR's scheduled waits (3–5 s after SendRequest, then between polls). */
function floorOf(id: PathId, roundTrips: number, options: LatencyOptions): number {
  let waits = 0;
  if (id === "ibkr") {
    waits += POLL_DELAYS_MS[0] ?? 0;
    for (let poll = 1; poll <= options.ibkrInProgressPolls; poll++) waits += POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)] ?? 0;
  }
  return roundTrips * options.latencyMs + waits;
}

async function withFreshFakes<T>(
  fakeOptions: { latencyMs: number; ibkrInProgressPolls: number },
  violations: string[],
  work: (fakes: AllFakes, dataDir: string) => Promise<T>,
): Promise<T> {
  const fakes = await startAllFakes(fakeOptions);
  const dataDir = mkdtempSync(join(tmpdir(), "pfbot-bench-"));
  try {
    return await work(fakes, dataDir);
  } finally {
    violations.push(...fakes.ibkr.violations);
    await fakes.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The configuration pfbot would load from the fakes' variables; the IBKR cache is off so every run asks IBKR. */
function configFor(fakes: AllFakes, dataDir: string, withIbkr: boolean): Config {
  const vars: Record<string, string> = { ...fakes.env, DATA_DIR: dataDir, TIMEZONE: "UTC", IBKR_CACHE_MINUTES: "0" };
  if (!withIbkr) {
    delete vars.IBKR_FLEX_TOKEN;
    delete vars.IBKR_QUERY_ID;
  }
  const loaded = loadConfig({ vars, file: null }, { platforms: true, telegram: false });
  if (!loaded.ok) throw new Error(`bench configuration rejected: ${loaded.errors.join("; ")}`);
  return loaded.config;
}

/** Times one path alone and counts the requests it made at its fake. */
async function timePath(
  id: PathId,
  fakes: AllFakes,
  dataDir: string,
  version: string,
  latencyMs: number,
): Promise<{ ms: number; count: number; roundTrips: number }> {
  const config = configFor(fakes, dataDir, true);
  const signal = new AbortController().signal;
  let ms: number;
  if (id === "fx") {
    const fx = createFxSource({
      provider: config.fx.provider,
      cbrBaseUrl: config.fx.cbrBaseUrl,
      mirrorBaseUrl: config.fx.mirrorBaseUrl,
      fetch,
      now: systemClock.now,
      timeoutMs: config.platformTimeoutSeconds * 1000,
      ttlMinutes: config.fx.ttlMinutes,
      cacheFile: join(dataDir, "fx-cache.json"),
      log: silentLogger,
    });
    const result = await timed(() => fx.getRates(signal));
    if (!result.value.ok) throw new Error(`FX alone failed: ${result.value.reason}`);
    ms = result.ms;
  } else {
    const client = (
      await createClients(config, { fetch, now: systemClock.now, sleep: systemClock.sleep, log: silentLogger, version })
    ).find((c) => c.id === id);
    if (!client) throw new Error(`no ${id} client in the bench configuration`);
    ms = (await timed(() => client.fetchBalance(signal))).ms;
  }
  const times = requestTimes(id, fakes);
  // A request arriving less than half a latency after the previous one went out in the same wave.
  return { ms, count: times.length, roundTrips: roundTrips(times, latencyMs / 2) };
}

function requestTimes(id: PathId, fakes: AllFakes): number[] {
  if (id === "fx") return [...fakes.fx.cbrRequests, ...fakes.fx.mirrorRequests].map((r) => r.receivedAt);
  // IBKR's fake logs its calls with their time; every other fake records the requests it received.
  if (id === "ibkr") return fakes.ibkr.calls.map((c) => c.at);
  return fakes[id].requests.map((r) => r.receivedAt);
}

/** How many waves of requests there were: requests in one wave went out in parallel, waves one after another. */
function roundTrips(times: readonly number[], gapMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let waves = 0;
  let last = -Infinity;
  for (const at of sorted) {
    if (at - last > gapMs) waves++;
    last = at;
  }
  return waves;
}
