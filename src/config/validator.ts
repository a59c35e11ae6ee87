/**
 * @module Validates the configuration in a process of its own, for the long-running bot: pfbot itself with the
 * internal argument --validate-config (main.ts), the environment on its stdin as JSON, the result on its stdout.
 * arktype takes ~20–35 MB once imported and a Worker ended after validating still left the bot holding the
 * pages of the binary and the native code it had touched (as render/chart/client.ts found for charts); a
 * process takes all of it with it when it exits.
 */
import { errorMessage } from "../lib/errors.ts";
import type { Redact } from "../lib/redact.ts";
import { lastWords, pfbotItself } from "../lib/self-process.ts";
import type { ConfigNeeds, ConfigResult } from "./config.ts";
import type { EnvSource } from "./env-source.ts";
import { ConfigError } from "./errors.ts";

/** The argument that makes pfbot a configuration validator (main.ts). */
export const VALIDATE_CONFIG_ARG = "--validate-config";

/**
 * The configuration validated by a validator process: the same result as loadConfig gives in process.
 * Rejects with a ConfigError, its text passed through `redact`, when the validator itself could not run.
 */
export async function validateInProcessOfItsOwn(
  source: EnvSource,
  needs: ConfigNeeds,
  redact: Redact,
  command: readonly string[] = pfbotItself(VALIDATE_CONFIG_ARG),
): Promise<ConfigResult> {
  let child: Bun.Subprocess<Uint8Array, "pipe", "pipe">;
  try {
    // The environment is inherited: BUN_JSC_useJIT=0 reaches the validator as it reached the bot.
    child = Bun.spawn([...command], { stdin: new TextEncoder().encode(JSON.stringify({ source, needs })), stdout: "pipe", stderr: "pipe" });
  } catch (error) {
    throw cannotRun(redact(errorMessage(error)), error);
  }
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code === 0) {
    try {
      return JSON.parse(stdout) as ConfigResult;
    } catch {
      // No cause: the parser's message may quote the answer, and the answer holds the secrets.
      throw cannotRun("its answer was not JSON");
    }
  }
  throw cannotRun(redact(lastWords(stderr, child, code)));
}

/** The validator process (main.ts): {source, needs} as JSON on stdin → loadConfig's result as JSON on stdout. */
export async function runConfigValidator(): Promise<number> {
  try {
    const { source, needs } = JSON.parse(await Bun.stdin.text()) as { source: EnvSource; needs: ConfigNeeds };
    const { loadConfig } = await import("./config.ts");
    await Bun.write(Bun.stdout, JSON.stringify(loadConfig(source, needs)));
    return 0;
  } catch (error) {
    // A bad configuration is a result, not an error: this is the validator failing, and says why in one line.
    process.stderr.write(`${errorMessage(error).replace(/\s+/g, " ")}\n`);
    return 1;
  }
}

function cannotRun(why: string, cause?: unknown): ConfigError {
  return new ConfigError(`the configuration check could not run (${why}): the binary may be incomplete; rebuild it with bun run build`, {
    cause,
  });
}
