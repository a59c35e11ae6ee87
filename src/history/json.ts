// The original bot's portfolio_history.json, read and written byte-compatibly.
//
// The original (ldcount/portfolio_bot, app/history_manager.py) saved it with
// `json.dump(data, f, indent=2, ensure_ascii=False)` and values `round(x, 2)` as Python floats:
// two-space indent, one key per line, `": "` and `,` separators, no newline at the end of the file,
// and numbers in Python's shortest float form (`592536.8`, `579285.84`; hand-edited files also hold
// integers like `586000`). Its key order was insertion order (oldest first); the issue asks for
// newest first. We read any of those, and write newest first with exactly two decimals (`42500.00`),
// which Python's json.load reads back as the same floats. A day without an RUB total (no USD/RUB
// rate that day) is written `"RUB": null`; the original never wrote null, but a missing key stays
// an error so that a truncated file is caught.

import { errorMessage } from "../lib/errors.ts";
import { isRecord } from "../lib/guards.ts";
import { cmp, type Decimal, IMPLAUSIBLE_AMOUNT, isNegative, parseDecimal, round, toFixed } from "../lib/money.ts";
import { addDays } from "../lib/zoned-time.ts";
import type { DayRecord, ImportEntry } from "./store.ts";

export type ParseResult =
  | { readonly ok: true; readonly entries: readonly ImportEntry[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The first day a history may hold: anything earlier is a typo or a broken clock, not a portfolio record. */
const FIRST_HISTORY_DAY = "2000-01-01";

/**
 * Why `day` (YYYY-MM-DD) cannot be in the history, or null: days run from FIRST_HISTORY_DAY to tomorrow (a file
 * written in a zone ahead of TIMEZONE may already hold tomorrow). `today` is the local day in TIMEZONE.
 */
export function historyDayProblem(day: string, today: string): string | null {
  if (day < FIRST_HISTORY_DAY) return `is before ${FIRST_HISTORY_DAY}`;
  const tomorrow = addDays(today, 1);
  return day > tomorrow ? `is after tomorrow (${tomorrow})` : null;
}

/**
 * Why a day's USD or RUB total cannot be in the history, or null: it must be non-negative and, written with two
 * decimals as the export writes it, below 10^15 (beyond any portfolio, and where the original's floats lose cents).
 * The import refuses these, so the bot never records them either: every stored day can be exported and imported back.
 */
export function historyAmountProblem(amount: Decimal): string | null {
  if (isNegative(amount)) return "is negative";
  return cmp(round(amount, 2), IMPLAUSIBLE_AMOUNT) >= 0 ? "is implausibly large" : null;
}

/**
 * Validates a whole file and returns its days (oldest first), or every problem found, one line
 * each naming the key. Amounts are read from the JSON text itself, so 42500.10 stays exact.
 * `today` is the local day in TIMEZONE: days after tomorrow are refused. A key given twice is
 * refused too (JSON.parse would silently keep the last one).
 */
export function parseHistoryJson(text: string, today: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""), keepNumberSource);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${errorMessage(error)}`] };
  }
  if (!isRecord(raw)) {
    return { ok: false, problems: [`the file must hold one JSON object of "DD-MM-YYYY" keys (found ${describe(raw)})`] };
  }
  const problems: string[] = [];
  problems.push(...duplicateKeyProblems(text));
  for (const [key, value] of Object.entries(raw)) problems.push(...dayProblems(key, value, today));
  if (problems.length > 0) return { ok: false, problems };

  const entries: ImportEntry[] = [];
  for (const [key, day] of Object.entries(raw as Record<string, { USD: JsonNumber; RUB: JsonNumber | null }>)) {
    // dayProblems has vouched for each of these; a null here would be a bug in it, reported rather than imported.
    const iso = isoDay(key);
    const usd = parseDecimal(day.USD.source);
    const rub = day.RUB === null ? null : parseDecimal(day.RUB.source);
    if (iso === null || usd === null || (day.RUB !== null && rub === null)) return { ok: false, problems: [`${key}: could not be read`] };
    entries.push({ day: iso, usd, rub });
  }
  entries.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { ok: true, entries };
}

/** The whole history in the original format, newest first, two decimals; no trailing newline (as json.dump). */
export function formatHistoryJson(days: readonly DayRecord[]): string {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  if (sorted.length === 0) return "{}";
  const blocks = sorted.map(
    (day) => `  ${JSON.stringify(dayKey(day.day))}: {\n    "USD": ${jsonAmount(day.usd)},\n    "RUB": ${jsonAmount(day.rub)}\n  }`,
  );
  return `{\n${blocks.join(",\n")}\n}`;
}

/** "2026-02-23" → "23-02-2026". */
export function dayKey(isoDayText: string): string {
  const [y, m, d] = isoDayText.split("-");
  return `${d}-${m}-${y}`;
}

/** "23-02-2026" → "2026-02-23", or null when no such calendar date exists (31-02-2026). */
export function isoDay(key: string): string | null {
  const match = DAY_KEY_RE.exec(key);
  if (!match) return null;
  const [, d, m, y] = match;
  const iso = `${y}-${m}-${d}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

/** A JSON number as written in the file (JSON.parse would round 42500.10 through a float). */
class JsonNumber {
  constructor(readonly source: string) {}
}

const DAY_KEY_RE = /^(\d{2})-(\d{2})-(\d{4})$/;

/**
 * The entry shape, built on first use: importing arktype costs ~20–35 MB resident, and the bot needs
 * this parser only when a file is imported, so it is required lazily instead of at start.
 */
function dayShape(): DayShape {
  if (!shape) {
    const { type } = require("arktype") as typeof import("arktype");
    const Amount = type.instanceOf(JsonNumber);
    shape = { Day: type({ USD: Amount, RUB: Amount.or("null") }), errors: type.errors };
  }
  return shape;
}
interface DayShape {
  readonly Day: (value: unknown) => unknown;
  readonly errors: typeof import("arktype")["type"]["errors"];
}
let shape: DayShape | null = null;

// JSON.parse source text access (TC39 "JSON.parse source text access", in Bun's JavaScriptCore):
// the reviver's third argument holds the number's exact text.
function keepNumberSource(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number") return value;
  // Fallback for a runtime without it: the shortest round-trip form, exact up to 15 significant digits.
  return new JsonNumber(context?.source ?? String(value));
}

function jsonAmount(value: Decimal | null): string {
  return value === null ? "null" : toFixed(value, 2);
}

/** Every problem of one "DD-MM-YYYY": {"USD": …, "RUB": …} entry, each line naming the key. */
function dayProblems(key: string, value: unknown, today: string): string[] {
  const problems: string[] = [];
  const day = isoDay(key);
  if (!DAY_KEY_RE.test(key)) problems.push(`${JSON.stringify(key)}: not a date in the DD-MM-YYYY form`);
  else if (day === null) problems.push(`${key}: no such date`);
  else {
    const problem = historyDayProblem(day, today);
    if (problem !== null) problems.push(`${key}: ${problem}; the history holds days from ${dayKey(FIRST_HISTORY_DAY)} to tomorrow`);
  }
  if (!isRecord(value) || value instanceof JsonNumber) {
    problems.push(`${key}: must be an object like {"USD": 42500.00, "RUB": 3932500.00} (found ${describe(value)})`);
    return problems;
  }
  const { Day, errors } = dayShape();
  const shaped = Day(value);
  // arktype checks the shape; the amounts' own checks follow for every field that is a number.
  if (shaped instanceof errors) {
    for (const error of shaped) {
      const field = String(error.path[0] ?? "");
      problems.push(
        error.code === "required"
          ? `${key}: ${field} is missing`
          : `${key}: ${field} must be a number${field === "RUB" ? " or null" : ""} (found ${describe(error.data)})`,
      );
    }
  }
  for (const field of ["USD", "RUB"] as const) {
    const amount: unknown = (value as Record<string, unknown>)[field];
    if (!(amount instanceof JsonNumber)) continue;
    const parsed = parseDecimal(amount.source);
    const problem = parsed === null ? "is not a finite number" : historyAmountProblem(parsed);
    if (problem !== null) problems.push(`${key}: ${field} ${problem} (${amount.source})`);
  }
  return problems;
}

/**
 * A line for every key given twice in one object (JSON.parse would silently keep the last one): a day key, or USD/RUB
 * inside a day. `text` has already been parsed, so it is valid JSON: a scan that tracks strings and nesting is enough.
 */
function duplicateKeyProblems(text: string): string[] {
  const problems: string[] = [];
  // One frame per open object or array: the keys seen so far (objects only) and the day key it sits under.
  const stack: { readonly keys: Map<string, number> | null; readonly day: string | null }[] = [];
  let expectKey = false;
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = stack.at(-1)?.keys;
      if (expectKey && keys) {
        lastKey = JSON.parse(text.slice(i, end + 1)) as string;
        keys.set(lastKey, (keys.get(lastKey) ?? 0) + 1);
        expectKey = false;
      }
      i = end;
    } else if (c === "{" || c === "[") {
      const day = stack.length === 0 ? null : stack.length === 1 ? lastKey : (stack.at(-1)?.day ?? null);
      stack.push({ keys: c === "{" ? new Map() : null, day });
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      const frame = stack.pop();
      for (const [key, count] of frame?.keys ?? []) {
        if (count < 2) continue;
        problems.push(
          frame?.day == null
            ? `${key}: appears ${count} times; keep one entry for this day`
            : `${frame.day}: ${key} appears ${count} times`,
        );
      }
      expectKey = false;
    } else if (c === ",") {
      expectKey = stack.at(-1)?.keys != null;
    }
  }
  return problems;
}

function describe(value: unknown): string {
  if (value instanceof JsonNumber) return `the number ${value.source}`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
