// The raw environment pfbot is configured from: the process environment merged over an env file
// (`.env` in the working directory, or the file named by --env-file, which must exist); the process
// environment wins. Nothing else in pfbot reads process.env. Validation is config.ts's job.
//
// The env file is read exactly as systemd's EnvironmentFile= reads it (systemd-env.ts), because the same
// file serves both: pfbot's --check and one-off runs, and the service systemd starts. Every line where a
// shell or a dotenv-style reader would read something else is a problem the modes refuse to run with:
// `--check` would otherwise say "All good" about a file that fails in production. Kept light (no
// package): the history modes read their settings through this module too.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { errorCode, errorMessage } from "../lib/errors.ts";
import { platformDerivedSecrets, platformSecretVariables } from "../platforms/registry.ts";
import { formatEnvFileProblems, parseEnvFile } from "./systemd-env.ts";

/** Names of variables that hold secrets: never printed, always redacted. The platforms' come from the registry. */
export const SECRET_VARIABLES: readonly string[] = ["TELEGRAM_BOT_TOKEN", ...platformSecretVariables(), "WEBHOOK_SECRET"];

export interface EnvSource {
  readonly vars: Readonly<Record<string, string | undefined>>;
  /** The env file that was read (an absolute path), or null. */
  readonly file: string | null;
  /** With no env file read: the `.env` that was looked for and not found. */
  readonly lookedFor?: string;
  /**
   * One line per line of the env file that systemd reads differently from a shell or a dotenv reader:
   * `FILE:LINE: VARIABLE: what to do` (formatEnvFileProblems). Never holds a value. Empty: the readers agree.
   */
  readonly fileProblems?: readonly string[];
}

/**
 * Reads the env file (explicit path, which must exist, or `.env` in `cwd` when present) as systemd would,
 * and merges the process environment over it. Returns an error line when an explicit file is missing or
 * unreadable; the file's problems come back in `fileProblems` for the mode to refuse them.
 */
export function readEnvSource(
  processEnv: Readonly<Record<string, string | undefined>>,
  cwd: string,
  explicitFile: string | null,
): EnvSource | { error: string } {
  const path = explicitFile !== null ? resolve(cwd, explicitFile) : resolve(cwd, ".env");
  if (explicitFile === null && !existsSync(path)) return { vars: { ...processEnv }, file: null, lookedFor: path, fileProblems: [] };
  let bytes: Uint8Array;
  try {
    // Bytes, not text: a string would already have turned invalid UTF-8 (which systemd refuses) into U+FFFD.
    bytes = readFileSync(path);
  } catch (error) {
    const reason = errorCode(error) === "ENOENT" ? "no such file" : errorMessage(error);
    return { error: `--env-file ${explicitFile ?? path}: cannot read it (${reason})` };
  }
  const reading = parseEnvFile(bytes, path);
  // A variable set but empty in the process environment does not hide the file's value.
  return { vars: { ...reading.vars, ...nonEmptyVariables(processEnv) }, file: path, fileProblems: formatEnvFileProblems(reading) };
}

/** What a mode says about an env file with problems, after the problem lines themselves. */
export const ENV_FILE_ADVICE =
  "pfbot reads the env file exactly as systemd's EnvironmentFile= does, and refuses a line that a shell or a .env reader would read differently: fix the lines above (README.md, Configuration)";

/** What to say when nothing was configured from a file, so that a missing `.env` is not a mystery. */
export function noEnvFileNote(source: EnvSource): string | null {
  if (source.file !== null || source.lookedFor === undefined) return null;
  return `no env file was read (there is no ${source.lookedFor}; --env-file PATH names another): the settings came from the process environment only`;
}

/**
 * The secret values set in `vars`, as config.ts reads them (trimmed, empty meaning unset), and the values the
 * platforms derive from them (a signed passphrase), which are as secret.
 */
export function secretValues(vars: Readonly<Record<string, string | undefined>>): string[] {
  const value = (name: string): string | undefined => vars[name]?.trim() || undefined;
  return [...SECRET_VARIABLES.map(value), ...platformDerivedSecrets(value)].filter((secret) => secret !== undefined);
}

/** The variables that are set, trimmed; an empty or blank value counts as unset, as in the original bot's .env template. */
export function nonEmptyVariables(vars: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) if (value !== undefined && value.trim() !== "") out[key] = value.trim();
  return out;
}
