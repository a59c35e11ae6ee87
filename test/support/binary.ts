// The compiled binary for tests at a process boundary, built once per test process by scripts/build.ts
// (the one place the compile flags live), into a scratch directory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../../scripts/build.ts";

let built: Promise<string> | null = null;

/** The path of a freshly built pfbot binary (built on the first call). */
export function pfbotBinary(): Promise<string> {
  built ??= (async () => {
    return buildBinary({ outfile: join(mkdtempSync(join(tmpdir(), "pfbot-bin-")), "pfbot") });
  })();
  return built;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the binary to its end with only `env` (and PATH) in its environment. */
export async function runPfbot(args: readonly string[], env: Record<string, string>, cwd = tmpdir()): Promise<RunResult> {
  const started = performance.now();
  const child = Bun.spawn([await pfbotBinary(), ...args], { env: { PATH: process.env.PATH ?? "", ...env }, cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr, ms: performance.now() - started };
}
