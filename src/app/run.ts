// Loads the configuration a mode needs and runs that mode. Exit codes: 0 ok, 1 the mode's work
// failed, 2 usage or configuration error. The history and chart modes read only their three variables
// (config/history-config.ts): they never load config.ts, arktype, a platform or grammY.

import type { Config, ConfigNeeds, ConfigResult } from "../config/config.ts";
import { ENV_FILE_ADVICE, type EnvSource, noEnvFileNote, readEnvSource, secretValues } from "../config/env-source.ts";
import { loadHistoryConfig } from "../config/history-config.ts";
import { validateInProcessOfItsOwn } from "../config/validator.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { errorMessage } from "../lib/errors.ts";
import { createLogger, type Logger } from "../lib/log.ts";
import { makeRedactor, type Redact } from "../lib/redact.ts";
import type { CliArgs, Mode } from "./cli.ts";
import type { ChartMode } from "./modes/chart.ts";
import type { HistoryMode } from "./modes/history.ts";

export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly version: string;
  readonly out: (text: string) => void;
  /** The process's one clock: every "now" and every wait of a mode comes from it. */
  readonly clock: Clock;
}

/** `env`: the process environment as it was at start (main.ts blanks one variable before anything runs). */
export async function runApp(
  args: CliArgs,
  version: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const clock = systemClock;
  const source = readEnvSource(env, process.cwd(), args.envFile);
  if ("error" in source) {
    process.stderr.write(`pfbot: ${source.error}\n`);
    return 2;
  }
  // Until the logger exists, stderr is redacted with the secrets as set, valid or not.
  const redact = makeRedactor(secretValues(source.vars));
  const fail = (text: string) => void process.stderr.write(redact(`pfbot: ${text}\n`));
  // Every problem at once: the env file's lines as systemd reads them, then the settings'.
  const fileProblems = source.fileProblems ?? [];
  const problems = (errors: readonly string[]) => {
    const all = [...fileProblems, ...errors];
    const notes = [fileProblems.length > 0 ? ENV_FILE_ADVICE : null, errors.length > 0 ? noEnvFileNote(source) : null];
    fail([`configuration problems:`, ...all.map((e) => `  - ${e}`), ...notes.filter((n): n is string => n !== null)].join("\n"));
    return 2;
  };
  const mode = args.mode;
  if (mode.kind === "history" || mode.kind === "import" || mode.kind === "export") {
    const loaded = loadHistoryConfig(source);
    if (!loaded.ok) return problems(loaded.errors);
    if (fileProblems.length > 0) return problems([]);
    const { log, out, err } = outputs(loaded.config, clock);
    return guarded(log, async () =>
      (await import("./modes/history.ts")).runHistoryMode({ config: loaded.config, log, out, err, clock }, mode),
    );
  }
  if (mode.kind === "chart" || mode.kind === "allocation") {
    const loaded = loadHistoryConfig(source);
    if (!loaded.ok) return problems(loaded.errors);
    const { log, out, err } = outputs(loaded.config, clock);
    // PRIVACY as configured; the chart mode lets the owner's /settings choice win over it, as the bot does.
    const privacy = loaded.config.privacy;
    return guarded(log, async () =>
      (await import("./modes/chart.ts")).runChartMode({ config: loaded.config, log, out, err, clock }, mode, { privacy }),
    );
  }
  let loaded: ConfigResult;
  try {
    loaded = await validateConfig(source, needsOf(mode), mode.kind === "bot" ? redact : null);
  } catch (error) {
    fail(errorMessage(error));
    return 1;
  }
  if (!loaded.ok) return problems(loaded.errors);
  // --check lists the env file's problems among its own findings (exit 1); every other mode refuses to run.
  if (fileProblems.length > 0 && mode.kind !== "check") return problems([]);
  const config = loaded.config;
  const { log, out } = outputs(config, clock);
  for (const warning of config.warnings) log.warn(warning);
  return guarded(log, () => runMode(mode, { config, log, version, out, clock }));
}

/** The log, and stdout redacted like it: an error text shown by --check or --dry-run never carries a secret. */
function outputs(
  config: { readonly logLevel: Config["logLevel"]; readonly secrets: readonly string[] },
  clock: Clock,
): Pick<AppContext, "log" | "out"> & { readonly err: (text: string) => void } {
  const log = createLogger({ level: config.logLevel, secrets: config.secrets, now: () => new Date(clock.now()) });
  const out = (text: string) => void process.stdout.write(log.redact(text.endsWith("\n") ? text : `${text}\n`));
  // stderr for a report of several lines (the log keeps each event on one line), redacted like the log.
  const err = (text: string) => void process.stderr.write(log.redact(`pfbot: ${text}\n`));
  return { log, out, err };
}

/** The mode's exit status; an error nothing caught is logged (stack included) and exits 1. */
async function guarded(log: Logger, run: () => Promise<number> | number): Promise<number> {
  try {
    return await run();
  } catch (error) {
    // Unexpected means a bug: the stack is what a report of it needs.
    log.error(`pfbot stopped on an unexpected error: ${error instanceof Error && error.stack ? error.stack : errorMessage(error)}`);
    return 1;
  }
}

/** Which variables a mode requires: history modes need neither platforms nor Telegram. */
function needsOf(mode: Mode): ConfigNeeds {
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

/** The history modes are answered in runApp, before the full configuration is loaded. */
async function runMode(mode: Exclude<Mode, HistoryMode | ChartMode>, context: AppContext): Promise<number> {
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
  }
}

/**
 * Validates in-process, or for the long-running bot in a process of its own that exits afterwards, so the
 * validation library's memory is given back instead of staying resident for the bot's lifetime.
 */
async function validateConfig(source: EnvSource, needs: ConfigNeeds, isolateRedacting: Redact | null): Promise<ConfigResult> {
  if (isolateRedacting === null) return (await import("../config/config.ts")).loadConfig(source, needs);
  return validateInProcessOfItsOwn(source, needs, isolateRedacting);
}
