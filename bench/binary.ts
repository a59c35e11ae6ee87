// Figures 2 and 5: the compiled binary's size and cold start (`./pfbot --version`: wall time and peak
// RSS), plus the build of variant binaries (scripts/build.ts, one option added) that the
// memory and start-up figures are compared against.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildBinary } from "../scripts/build.ts";
import { GNU_TIME, MiB, peakRssKiB, round, runProcess, type Summary, summarize } from "./measure.ts";

export interface ColdStartResult {
  readonly wallMs: Summary;
  /** Peak RSS in MiB (GNU time %M), or null when /usr/bin/time is missing. */
  readonly peakRssMiB: Summary | null;
  readonly output: string;
}

export interface BinarySize {
  readonly bytes: number;
  readonly mib: number;
}

/** A binary built like the product but with one option changed, for comparison only. */
export interface Variant {
  readonly name: string;
  /** What differs from `bun run build`. */
  readonly change: string;
  /** Runtime flags baked into the build (scripts/build.ts execArgv), or only environment at run time. */
  readonly execArgv?: readonly string[];
  readonly env?: Record<string, string>;
}

export const VARIANTS: readonly Variant[] = [
  { name: "jit-off", change: "BUN_JSC_useJIT=0 at run time (as the systemd unit sets it)", env: { BUN_JSC_useJIT: "0" } },
  { name: "smol-env", change: "BUN_OPTIONS=--smol at run time", env: { BUN_OPTIONS: "--smol" } },
  { name: "smol-build", change: "built with --compile-exec-argv=--smol", execArgv: ["--smol"] },
  {
    name: "smol-build+jit-off",
    change: "built with --compile-exec-argv=--smol, run with BUN_JSC_useJIT=0",
    execArgv: ["--smol"],
    env: { BUN_JSC_useJIT: "0" },
  },
];

export function binarySize(path: string): BinarySize {
  const bytes = statSync(path).size;
  return { bytes, mib: round(bytes / MiB, 1) };
}

/** Builds ./pfbot (scripts/build.ts) when it is missing (or when asked to). Returns whether it built. */
export async function ensureBinary(binary: string, rebuild: boolean): Promise<boolean> {
  if (existsSync(binary) && !rebuild) return false;
  await buildBinary({ outfile: binary });
  return true;
}

/** A file under src/ modified after the binary was built, or null when the binary is current. */
export function newerSource(root: string, binary: string): string | null {
  const builtAt = statSync(binary).mtimeMs;
  const files = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).map((f) => join(root, "src", f));
  return files.find((file) => statSync(file).isFile() && statSync(file).mtimeMs > builtAt) ?? null;
}

/** `binary --version`, `runs` times for the wall time and `runs` more under GNU time for the peak RSS. */
export async function measureColdStart(binary: string, cwd: string, runs: number): Promise<ColdStartResult> {
  const env = { PATH: process.env.PATH ?? "" };
  const walls: number[] = [];
  let output = "";
  for (let i = 0; i < runs; i++) {
    const result = await runProcess([binary, "--version"], { cwd, env });
    if (result.exitCode !== 0) throw new Error(`${binary} --version exited ${result.exitCode}: ${result.stderr.trim()}`);
    output = result.stdout.trim();
    walls.push(result.wallMs);
  }
  const rss: number[] = [];
  if (existsSync(GNU_TIME)) {
    for (let i = 0; i < runs; i++) rss.push(((await peakRssKiB([binary, "--version"], { cwd, env })) ?? 0) / 1024);
  }
  return { wallMs: summarize(walls), peakRssMiB: rss.length > 0 ? summarize(rss) : null, output };
}

/**
 * Builds each variant that needs its own binary into `dir` through scripts/build.ts, with the variant's
 * runtime flags. Variants that differ only by environment reuse `productBinary`.
 */
export async function buildVariants(productBinary: string, dir: string, variants: readonly Variant[]): Promise<Map<string, string>> {
  mkdirSync(dir, { recursive: true });
  const paths = new Map<string, string>();
  for (const variant of variants) {
    if (!variant.execArgv) {
      paths.set(variant.name, productBinary);
      continue;
    }
    paths.set(variant.name, await buildBinary({ outfile: join(dir, `pfbot-${variant.name}`), execArgv: variant.execArgv }));
  }
  return paths;
}

export function stringEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}
