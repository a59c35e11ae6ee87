// The compiled binary for tests at a process boundary, built once per test process with the flags of
// `bun run build` (package.json), into a scratch directory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let built: Promise<string> | null = null;

/** The path of a freshly built pfbot binary (built on the first call). */
export function pfbotBinary(): Promise<string> {
  built ??= (async () => {
    const binary = join(mkdtempSync(join(tmpdir(), "pfbot-bin-")), "pfbot");
    const flags = ["--compile", "--minify", "--bytecode", "--format=esm", "--no-compile-autoload-bunfig", "--no-compile-autoload-dotenv"];
    const build = Bun.spawn(["bun", "build", ...flags, "src/main.ts", "src/config-worker.ts", "--outfile", binary], { stdout: "pipe", stderr: "pipe" });
    if ((await build.exited) !== 0) throw new Error(`bun build failed: ${await new Response(build.stderr).text()}`);
    return binary;
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
