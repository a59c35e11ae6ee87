// Leveled log lines to stderr for journald: one line per event, no colour codes unless on a TTY,
// and every configured secret replaced by *** wherever it appears (URLs and error messages included).
// Redaction (redact.ts) runs on the finished line, after the fields are JSON-escaped.
import { makeRedactor } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const COLOURS: Readonly<Record<LogLevel, string>> = { debug: "\x1b[90m", info: "", warn: "\x1b[33m", error: "\x1b[31m" };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Redacts a string with this logger's secrets, for text shown to the user outside the log. */
  redact(text: string): string;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly secrets: readonly string[];
  readonly write?: (line: string) => void;
  readonly colour?: boolean;
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const colour = options.colour ?? Boolean(process.stderr.isTTY);
  const now = options.now ?? (() => new Date());
  const redactText = makeRedactor(options.secrets);
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_RANK[level] < LEVEL_RANK[options.level]) return;
    const extra = fields ? ` ${formatFields(fields)}` : "";
    // journald stamps each line itself; a TTY user gets a time.
    const stamp = colour ? `${now().toISOString()} ` : "";
    const line = redactText(`${stamp}${level.toUpperCase().padEnd(5)} ${message}${extra}`).replace(/\r?\n/g, " ⏎ ");
    write(colour && COLOURS[level] ? `${COLOURS[level]}${line}\x1b[0m` : line);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    redact: redactText,
  };
}

function formatFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(" ");
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@+-]*$/.test(value) && value !== "" ? value : JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A logger that drops everything; for tests and library code called without one. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  redact: (text) => text,
};
