// The product-side options for memory and start-up, measured side by side with the product binary:
// idle RSS (all bots idle at the same time, started a few seconds apart so their start-ups do not
// compete), then cold start and `--history` one variant after another. Nothing here changes the
// product; the figures are for deciding whether to.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildVariants, type Variant } from "./binary.ts";
import { generateHistoryJson } from "./history.ts";
import { type IdleResult, measureIdle } from "./idle.ts";
import { runProcess, type Summary, summarize } from "./measure.ts";

export interface VariantResult {
  readonly name: string;
  readonly change: string;
  readonly idle: IdleResult | null;
  readonly coldStartMs: Summary;
  /** `--history` over the same 10-year history (process wall, ms). */
  readonly historyMs: Summary;
}

export interface IdleRound {
  readonly product: IdleResult;
  readonly variants: ReadonlyMap<string, IdleResult>;
}

/** Builds the variants into a temporary directory; returns the binary of each and a cleanup. */
export async function prepareVariants(
  productBinary: string,
  variants: readonly Variant[],
): Promise<{ paths: Map<string, string>; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "pfbot-bench-variants-"));
  try {
    return { paths: await buildVariants(productBinary, dir, variants), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The product bot and every variant bot idle at the same time, each against its own fakes. */
export async function idleRound(
  productBinary: string,
  variants: readonly Variant[],
  paths: ReadonlyMap<string, string>,
  idleSeconds: number,
  staggerMs: number,
): Promise<IdleRound> {
  const runs = [
    measureIdle({ binary: productBinary, idleSeconds }),
    ...variants.map(async (variant, i) => {
      await Bun.sleep((i + 1) * staggerMs);
      return measureIdle({ binary: paths.get(variant.name)!, idleSeconds, env: variant.env });
    }),
  ];
  const [product, ...others] = await Promise.all(runs);
  return { product: product!, variants: new Map(variants.map((v, i) => [v.name, others[i]!])) };
}

/** Cold start (`--version`) and `--history` of the product and each variant, one after another. */
export async function startupRound(
  productBinary: string,
  variants: readonly Variant[],
  paths: ReadonlyMap<string, string>,
  idle: IdleRound | null,
  runs: number,
): Promise<{ product: { coldStartMs: Summary; historyMs: Summary }; variants: VariantResult[] }> {
  const scratch = mkdtempSync(join(tmpdir(), "pfbot-bench-startup-"));
  try {
    const dataDir = join(scratch, "data");
    mkdirSync(dataDir);
    const file = join(scratch, "portfolio_history.json");
    writeFileSync(file, generateHistoryJson(3653, new Date()));
    const baseEnv = { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, TIMEZONE: "Europe/Paris" };
    const imported = await runProcess([productBinary, "--import", file], { cwd: scratch, env: baseEnv });
    if (imported.exitCode !== 0) throw new Error(`--import failed: ${imported.stderr.trim()}`);
    const measure = async (binary: string, env: Record<string, string> | undefined) => {
      const cold = await measureColdStartWithEnv(binary, scratch, runs, env);
      const history: number[] = [];
      for (let i = 0; i < runs; i++) {
        const result = await runProcess([binary, "--history"], { cwd: scratch, env: { ...baseEnv, ...env } });
        if (result.exitCode !== 0) throw new Error(`${binary} --history exited ${result.exitCode}: ${result.stderr.trim()}`);
        history.push(result.wallMs);
      }
      return { coldStartMs: cold, historyMs: summarize(history) };
    };
    const product = await measure(productBinary, undefined);
    const results: VariantResult[] = [];
    for (const variant of variants) {
      const figures = await measure(paths.get(variant.name)!, variant.env);
      results.push({ name: variant.name, change: variant.change, idle: idle?.variants.get(variant.name) ?? null, ...figures });
    }
    return { product, variants: results };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function measureColdStartWithEnv(
  binary: string,
  cwd: string,
  runs: number,
  env: Record<string, string> | undefined,
): Promise<Summary> {
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await runProcess([binary, "--version"], { cwd, env: { PATH: process.env.PATH ?? "", ...env } });
    if (result.exitCode !== 0) throw new Error(`${binary} --version exited ${result.exitCode}`);
    walls.push(result.wallMs);
  }
  return summarize(walls);
}
