// The compiled binaries for tests at a process boundary, built by scripts/build.ts (the one place the compile
// flags live): this machine's, and the baseline release (baseline-binary.test.ts). One build per state of its
// inputs: a binary is kept in node_modules/.cache/pfbot-test/ under a hash of everything that goes into it (src/,
// the build script, the lockfile, Bun's version, the compile target), so a run whose sources did not change
// reuses it. test/support/preload.ts starts the builds as the suite starts: Bun.build runs off the JavaScript
// thread, so it overlaps with the in-process tests instead of holding up the first test that needs a binary.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBinary } from "../../scripts/build.ts";

const ROOT = resolve(import.meta.dir, "../..");
const CACHE = join(ROOT, "node_modules", ".cache", "pfbot-test");
/** Binaries of earlier source states kept besides the current one (another test run may still be using one). */
const KEEP_OLDER = 2;
/** A build directory left this long is from a run that ended before its build did. */
const STALE_BUILD_MS = 10 * 60_000;

/** The release for x86-64 CPUs without AVX2; its runtime starts only on x86-64 Linux (baseline-binary.test.ts). */
export const BASELINE_TARGET = "bun-linux-x64-baseline";
export const BASELINE_RUNS_HERE = process.platform === "linux" && process.arch === "x64";

const built = new Map<string, Promise<string>>();
/** Directories of builds under way. */
const scratches = new Set<string>();

/**
 * The path of the pfbot binary for the current sources (built on the first call of the process, unless cached),
 * for this machine or for a Bun compile `target` such as "bun-linux-x64-baseline".
 */
export function pfbotBinary(target?: string): Promise<string> {
  const key = target ?? "";
  let binary = built.get(key);
  if (binary === undefined) {
    binary = ensureBuilt(target);
    built.set(key, binary);
  }
  return binary;
}

/**
 * Removes the directories of builds still under way (bun test fires no "exit" event; the preload calls this
 * after the last test): a run too short to need the binary leaves nothing behind.
 */
export function abandonUnfinishedBuild(): void {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
  scratches.clear();
}

/**
 * What portfolio-bot.service sets for pfbot besides the env file: its Environment= lines (the JIT off:
 * BUN_JSC_useJIT=0), without DATA_DIR, which each test chooses. The process tests run the binary as the unit
 * runs it, unless they ask for a shell's environment.
 */
const UNIT_ENVIRONMENT: Readonly<Record<string, string>> = Object.fromEntries(
  [...readFileSync(join(ROOT, "portfolio-bot.service"), "utf8").matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)]
    .map(([, name, value]) => [name!, value!] as const)
    .filter(([name]) => name !== "DATA_DIR"),
);

export interface SpawnOptions {
  /** The working directory (the system's temporary directory by default). */
  readonly cwd?: string;
  /** "unit": as portfolio-bot.service runs pfbot (UNIT_ENVIRONMENT, the default); "shell": as a user at a shell does. */
  readonly as?: "unit" | "shell";
  /** A Bun compile target other than this machine's (pfbotBinary). */
  readonly target?: string;
}

export type PfbotProcess = Bun.Subprocess<"ignore", "pipe", "pipe">;

/** Starts the binary with only `env`, PATH and (as the unit runs it) UNIT_ENVIRONMENT in its environment. */
export async function spawnPfbot(args: readonly string[], env: Record<string, string>, options: SpawnOptions = {}): Promise<PfbotProcess> {
  return Bun.spawn([await pfbotBinary(options.target), ...args], {
    env: { PATH: process.env.PATH ?? "", ...(options.as === "shell" ? {} : UNIT_ENVIRONMENT), ...env },
    cwd: options.cwd ?? tmpdir(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the binary to its end (spawnPfbot), with what it printed and how long it took. */
export async function runPfbot(args: readonly string[], env: Record<string, string>, options: SpawnOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const child = await spawnPfbot(args, env, options);
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr, ms: performance.now() - started };
}

async function ensureBuilt(target: string | undefined): Promise<string> {
  const hash = inputsHash(target);
  const home = join(CACHE, hash);
  const binary = join(home, "pfbot");
  if (existsSync(binary)) {
    // Marked as used, so that pruning keeps the builds used last.
    utimesSync(home, new Date(), new Date());
    return binary;
  }
  mkdirSync(CACHE, { recursive: true });
  // Built aside, then moved into place in one rename: a binary under `home` is always whole.
  const dir = mkdtempSync(join(CACHE, `${hash}.building-`));
  scratches.add(dir);
  await buildBinary({ outfile: join(dir, "pfbot"), ...(target ? { target } : {}) });
  try {
    renameSync(dir, home);
  } catch (error) {
    // Another test run published the same build first: use theirs.
    if (!existsSync(binary)) throw error;
    rmSync(dir, { recursive: true, force: true });
  } finally {
    scratches.delete(dir);
  }
  pruneOlder(hash);
  return binary;
}

/** A hash of every input of the build: the sources, the build script and configuration, the dependencies, Bun, the target. */
function inputsHash(target: string | undefined): string {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(`${Bun.version} ${Bun.revision} ${target ?? "native"}\n`);
  const sources = [...new Bun.Glob("src/**/*").scanSync({ cwd: ROOT, onlyFiles: true })].sort();
  for (const path of [...sources, "scripts/build.ts", "package.json", "bun.lock", "tsconfig.json"]) {
    const full = join(ROOT, path);
    if (!existsSync(full)) continue;
    hasher.update(`${path}\0`);
    hasher.update(readFileSync(full));
  }
  return hasher.digest("hex").slice(0, 16);
}

function pruneOlder(current: string): void {
  for (const name of readdirSync(CACHE).filter((entry) => entry.includes(".building-"))) {
    const path = join(CACHE, name);
    if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
  const older = readdirSync(CACHE)
    .filter((name) => name !== current && /^[0-9a-f]{16}$/.test(name))
    .map((name) => ({ name, at: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { name } of older.slice(KEEP_OLDER)) rmSync(join(CACHE, name), { recursive: true, force: true });
}
