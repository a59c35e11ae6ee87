// Loads the configuration a mode needs and runs that mode. Exit codes: 0 ok, 1 the mode's work
// failed, 2 usage or configuration error.
import type { CliArgs, Mode } from "./cli.ts";
import type { Config, ConfigNeeds, ConfigResult } from "../config/config.ts";
import { type EnvSource, readEnvSource, secretValues } from "../config/env-source.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { createLogger, type Logger } from "../lib/log.ts";
import { makeRedactor } from "../lib/redact.ts";
import { workerUrl } from "../lib/worker-url.ts";
import { errorMessage } from "../lib/errors.ts";
import { ConfigError } from "../config/errors.ts";

export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly version: string;
  readonly out: (text: string) => void;
  /** The process's one clock: every "now" and every wait of a mode comes from it. */
  readonly clock: Clock;
}

/** `env`: the process environment as it was at start (main.ts blanks one variable before anything runs). */
export async function runApp(args: CliArgs, version: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const source = readEnvSource(env, process.cwd(), args.envFile);
  if ("error" in source) {
    process.stderr.write(`pfbot: ${source.error}\n`);
    return 2;
  }
  // Until the logger exists, stderr is redacted with the secrets as set, valid or not.
  const fail = (text: string) => void process.stderr.write(makeRedactor(secretValues(source.vars))(`pfbot: ${text}\n`));
  let loaded: ConfigResult;
  try {
    loaded = await validateConfig(source, needsOf(args.mode), args.mode.kind === "bot");
  } catch (error) {
    fail(errorMessage(error));
    return 1;
  }
  if (!loaded.ok) {
    fail(`configuration problems:\n${loaded.errors.map((e) => `  - ${e}`).join("\n")}`);
    return 2;
  }
  const config = loaded.config;
  const clock = systemClock;
  const log = createLogger({ level: config.logLevel, secrets: config.secrets, now: () => new Date(clock.now()) });
  for (const warning of config.warnings) log.warn(warning);
  // Output is redacted like the log: an error text shown by --check or --dry-run never carries a secret.
  const out = (text: string) => void process.stdout.write(log.redact(text.endsWith("\n") ? text : text + "\n"));
  const context: AppContext = { config, log, version, out, clock };
  try {
    return await runMode(args.mode, context);
  } catch (error) {
    // Unexpected means a bug: the stack is what a report of it needs.
    log.error(`pfbot stopped on an unexpected error: ${error instanceof Error && error.stack ? error.stack : errorMessage(error)}`);
    return 1;
  }
}

/** Which variables a mode requires: history modes need neither platforms nor Telegram. */
export function needsOf(mode: Mode): ConfigNeeds {
  switch (mode.kind) {
    case "bot":
      return { platforms: true, telegram: true };
    case "snapshot":
      return { platforms: true, telegram: mode.send };
    case "check":
      return { platforms: true, telegram: false };
    default:
      return { platforms: false, telegram: false };
  }
}

async function runMode(mode: Mode, context: AppContext): Promise<number> {
  switch (mode.kind) {
    case "help":
    case "version":
      return 0;
    case "snapshot":
      return (await import("./modes/snapshot.ts")).runSnapshotMode(context, mode);
    case "bot":
      return (await import("./modes/bot.ts")).runBotMode(context);
    case "check":
      return (await import("./modes/check.ts")).runCheckMode(context);
    case "history":
    case "import":
    case "export":
      return (await import("./modes/history.ts")).runHistoryMode(context, mode);
  }
}

/**
 * Validates in-process, or for the long-running bot in a worker that exits afterwards, so the
 * validation library's memory is given back instead of staying resident for the bot's lifetime.
 */
async function validateConfig(source: EnvSource, needs: ConfigNeeds, isolate: boolean): Promise<ConfigResult> {
  if (!isolate) return (await import("../config/config.ts")).loadConfig(source, needs);
  const worker = new Worker(workerUrl("config/worker.ts"));
  try {
    return await new Promise<ConfigResult>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ConfigResult>) => resolve(event.data);
      // loadConfig reports a bad configuration as a result, so a worker error means the worker itself could not run.
      worker.onerror = (event) =>
        reject(new ConfigError(`the configuration check could not run (${event.message}): the binary may be incomplete; rebuild it with bun run build`, { cause: event }));
      worker.postMessage({ source, needs });
    });
  } finally {
    worker.terminate();
  }
}
