// The raw environment pfbot is configured from: the process environment merged over an env file
// (`.env` in the working directory, or the file named by --env-file, which must exist); the process
// environment wins. Nothing else in pfbot reads process.env. Validation is config.ts's job.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { errorCode, errorMessage } from "../lib/errors.ts";
import { platformDerivedSecrets, platformSecretVariables } from "../platforms/registry.ts";

/** Names of variables that hold secrets: never printed, always redacted. The platforms' come from the registry. */
export const SECRET_VARIABLES: readonly string[] = ["TELEGRAM_BOT_TOKEN", ...platformSecretVariables(), "WEBHOOK_SECRET"];

export interface EnvSource {
  readonly vars: Readonly<Record<string, string | undefined>>;
  readonly file: string | null;
}

/**
 * Reads the env file (explicit path, which must exist, or `.env` in `cwd` when present) and merges
 * the process environment over it. Returns an error line when an explicit file is missing or unreadable.
 */
export function readEnvSource(
  processEnv: Readonly<Record<string, string | undefined>>,
  cwd: string,
  explicitFile: string | null,
): EnvSource | { error: string } {
  const path = explicitFile !== null ? resolve(cwd, explicitFile) : resolve(cwd, ".env");
  if (explicitFile === null && !existsSync(path)) return { vars: { ...processEnv }, file: null };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = errorCode(error) === "ENOENT" ? "no such file" : errorMessage(error);
    return { error: `--env-file ${explicitFile ?? path}: cannot read it (${reason})` };
  }
  const fromFile = parseDotenv(text);
  // A variable set but empty in the process environment does not hide the file's value.
  return { vars: { ...fromFile, ...nonEmptyVariables(processEnv) }, file: path };
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
