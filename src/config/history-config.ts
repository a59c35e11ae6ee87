// The settings of the history and chart modes (--history, --export, --import, --chart, --allocation):
// DATA_DIR, TIMEZONE, the LOG_LEVEL of their log lines and the charts' PRIVACY, checked by hand. Loading config.ts means loading arktype, which made
// `pfbot --history` take ~160 ms instead of ~20 ms (bench/history.ts). config.ts declares these
// variables from the entries below, so both agree on their defaults, checks and error lines.

import type { LogLevel } from "../lib/log.ts";
import { isTimeZone } from "../lib/zoned-time.ts";
import { type EnvSource, secretValues } from "./env-source.ts";

/** One variable: the default for when it is unset or blank, the check, and what the error says it must be. */
export interface BasicVariable<T> {
  readonly name: string;
  readonly fallback: string;
  /** The (trimmed) text as a value, or null when it is not a valid one. */
  readonly parse: (text: string) => T | null;
  readonly expected: string;
}

export const DATA_DIR: BasicVariable<string> = {
  name: "DATA_DIR",
  fallback: "./data",
  parse: (text) => text,
  expected: "a directory path",
};

export const TIMEZONE: BasicVariable<string> = {
  name: "TIMEZONE",
  fallback: "Europe/Paris",
  parse: (text) => (isTimeZone(text) ? text : null),
  expected: "a valid IANA time zone such as Europe/Paris",
};

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export const LOG_LEVEL: BasicVariable<LogLevel> = {
  name: "LOG_LEVEL",
  fallback: "info",
  parse: (text) => LOG_LEVELS.find((level) => level === text.toLowerCase()) ?? null,
  expected: '"debug", "error", "info" or "warn"',
};

const ON_WORDS = new Set(["on", "true", "1", "yes"]);
const OFF_WORDS = new Set(["off", "false", "0", "no"]);

/** PRIVACY: no amount in the report's first line or the notification preview, every amount hidden (issue #16). */
export const PRIVACY: BasicVariable<boolean> = {
  name: "PRIVACY",
  fallback: "off",
  parse: (text) => (ON_WORDS.has(text.toLowerCase()) ? true : OFF_WORDS.has(text.toLowerCase()) ? false : null),
  expected: "on or off (or true, false, 1, 0, yes, no)",
};

export interface HistoryConfig {
  readonly dataDir: string;
  readonly timeZone: string;
  readonly logLevel: LogLevel;
  /** PRIVACY as configured; the chart modes combine it with the chat's choice (bot/preferences.ts). */
  readonly privacy: boolean;
  /** Every configured secret value, for log redaction (these modes use none, but an error line may quote one). */
  readonly secrets: readonly string[];
}

export type HistoryConfigResult =
  | { readonly ok: true; readonly config: HistoryConfig }
  | { readonly ok: false; readonly errors: readonly string[]; readonly secrets: readonly string[] };

/** Reads and checks the history modes' settings; every problem at once, worded as config.ts words it. */
export function loadHistoryConfig(source: EnvSource): HistoryConfigResult {
  const errors: string[] = [];
  const read = <T>(variable: BasicVariable<T>): T => {
    // As in config.ts: surrounding blanks are dropped, and a blank value counts as unset.
    const text = source.vars[variable.name]?.trim() || variable.fallback;
    const value = variable.parse(text);
    if (value === null) errors.push(`${variable.name} must be ${variable.expected} (was ${JSON.stringify(text)})`);
    return value as T;
  };
  const config = {
    dataDir: read(DATA_DIR),
    timeZone: read(TIMEZONE),
    logLevel: read(LOG_LEVEL),
    privacy: read(PRIVACY),
    secrets: secretValues(source.vars),
  };
  return errors.length > 0 ? { ok: false, errors, secrets: config.secrets } : { ok: true, config };
}
