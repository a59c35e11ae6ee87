// Reading pfbot's own CSV back (csv.ts describes the format): validated whole before anything is written, with the
// JSON import's rules, each problem naming its line.
import { type Decimal, isPlausibleAmount, parseDecimal } from "../lib/money.ts";
import { PLATFORMS } from "../platforms/registry.ts";
import { type Column, DIALECTS, type Dialect, type Fixed, HEADERS, platformLabel, platformOf } from "./csv.ts";
import { type CsvRecord, readCsvRecords } from "./csv-records.ts";
import { dayKey, historyAmountProblem, historyDayProblem, type ParseResult } from "./json.ts";
import type { ImportEntry, PlatformValues } from "./store.ts";

/**
 * Validates a whole CSV file and returns its days (oldest first), or every problem found, each naming its line.
 * The rules are the JSON import's: days from 2000-01-01 to tomorrow (`today` is the local day in TIMEZONE), each once,
 * totals non-negative and below 10^15; and what the CSV adds must be what pfbot could have recorded.
 */
export function parseHistoryCsv(text: string, today: string): ParseResult {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = /[^\r\n]*\S[^\r\n]*/.exec(body)?.[0] ?? "";
  // The header names hold neither separator: whichever it uses is the file's.
  const dialect = firstLine.includes(";") ? DIALECTS.csv : DIALECTS["csv-plain"];
  const read = readCsvRecords(body, dialect.separator);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const [head, ...rows] = read.records.filter((record) => record.fields.some((field) => field.trim() !== ""));
  if (!head) return { ok: false, problems: ["the file is empty: the first line must name the columns (Date;Total USD;Total RUB;…)"] };
  const columns = readHeader(head);
  if (!columns.ok) return { ok: false, problems: columns.problems };
  const problems: string[] = [];
  const entries: ImportEntry[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const entry = readRow(row, columns.columns, dialect, today, problems);
    if (entry === null) continue;
    const first = firstLineOf.get(entry.day);
    if (first !== undefined) {
      problems.push(`line ${row.line}: ${entry.day} appears again (first on line ${first}); keep one row for this day`);
      continue;
    }
    firstLineOf.set(entry.day, row.line);
    entries.push(entry);
  }
  if (problems.length > 0) return { ok: false, problems };
  entries.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { ok: true, entries };
}

function readHeader(head: CsvRecord): { ok: true; columns: readonly Column[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const raw of head.fields) {
    const name = raw.trim();
    const fixed = (Object.keys(HEADERS) as Fixed[]).find((kind) => HEADERS[kind].toLowerCase() === name.toLowerCase());
    const platform = /^(.+) ([A-Za-z]{3})$/.exec(name);
    const id = platform ? platformOf(platform[1] ?? "") : null;
    const column: Column | null = fixed
      ? { kind: fixed }
      : id
        ? { kind: "platform", id, currency: (platform?.[2] ?? "").toUpperCase() }
        : null;
    if (column === null) {
      const names = PLATFORMS.map((descriptor) => descriptor.name).join(", ");
      problems.push(
        `line ${head.line}: unknown column ${JSON.stringify(name)}: the columns are ${Object.values(HEADERS).join(", ")}, and "<platform> USD" or "<platform> RUB" for ${names}`,
      );
      continue;
    }
    const key = column.kind === "platform" ? `${column.id} ${column.currency}` : column.kind;
    if (seen.has(key)) problems.push(`line ${head.line}: the column ${JSON.stringify(name)} appears twice`);
    seen.add(key);
    columns.push(column);
  }
  for (const required of ["date", "totalUsd", "totalRub"] as const) {
    if (!seen.has(required)) problems.push(`line ${head.line}: the column ${JSON.stringify(HEADERS[required])} is missing`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, columns };
}

/** One row as an import entry, or null with its problems pushed onto `problems`. */
function readRow(row: CsvRecord, columns: readonly Column[], dialect: Dialect, today: string, problems: string[]): ImportEntry | null {
  const before = problems.length;
  const where = (text: string) => `line ${row.line}: ${text}`;
  if (row.fields.length > columns.length && row.fields.slice(columns.length).some((field) => field.trim() !== "")) {
    problems.push(where(`${row.fields.length} fields, but the first line names ${columns.length} columns`));
    return null;
  }
  const cell = (kind: Fixed): string => row.fields[columns.findIndex((column) => column.kind === kind)]?.trim() ?? "";
  const day = readDay(cell("date"));
  if (day === null) {
    problems.push(where(`Date ${JSON.stringify(cell("date"))} is not a date: write 2026-11-26 (or 26.11.2026)`));
    return null;
  }
  const at = (text: string) => problems.push(where(`${day}: ${text}`));
  const dayProblem = historyDayProblem(day, today);
  if (dayProblem !== null) at(`the day ${dayProblem}; the history holds days from ${dayKey("2000-01-01")} to tomorrow`);
  const amount = (label: string, text: string, check: (value: Decimal) => string | null): Decimal | null => {
    if (text === "") return null;
    const value = readAmount(text, dialect);
    const problem = value === null ? `is not a number (${JSON.stringify(text)}): ${AMOUNT_FORM[dialect.separator]}` : check(value);
    if (problem !== null) at(`${label} ${problem}`);
    return value;
  };
  const usdText = cell("totalUsd");
  if (usdText === "") at("Total USD is empty: every day needs its USD total");
  const usd = amount(HEADERS.totalUsd, usdText, historyAmountProblem);
  const rub = amount(HEADERS.totalRub, cell("totalRub"), historyAmountProblem);
  const usdRub = amount(HEADERS.usdRub, cell("usdRub"), (value) => (value.coef > 0n && isPlausibleAmount(value) ? null : "is not a rate"));
  const rateDateText = cell("usdRubDate");
  const usdRubDate = rateDateText === "" ? null : readDay(rateDateText);
  if (rateDateText !== "" && usdRubDate === null) at(`USD/RUB date ${JSON.stringify(rateDateText)} is not a date`);
  if (usdRubDate !== null && usdRub === null) at("USD/RUB date is given without the USD/RUB rate");
  const status = cell("status").toLowerCase();
  if (status !== "" && status !== "complete" && status !== "partial")
    at(`Status must be complete or partial (found ${JSON.stringify(cell("status"))})`);
  const complete = status !== "partial";
  const takenAt = readInstant(cell("takenAt"), day, at);
  const platforms = readPlatforms(row, columns, cell("notValued"), complete, amount, at);
  if (problems.length > before || usd === null || platforms === null) return null;
  return { day, usd, rub, details: { usdRub, usdRubDate, complete, platforms, takenAt } };
}

/** The row's platforms: each with a value, or listed under "Not valued" (in the snapshot, without a USD value). */
function readPlatforms(
  row: CsvRecord,
  columns: readonly Column[],
  notValuedText: string,
  complete: boolean,
  amount: (label: string, text: string, check: (value: Decimal) => string | null) => Decimal | null,
  at: (text: string) => void,
): PlatformValues | null {
  const platforms = new Map<string, { usd: Decimal | null; native: { currency: string; amount: Decimal } | null }>();
  const plausible = (value: Decimal) => (isPlausibleAmount(value) ? null : "is 10^15 or more: not a real figure");
  for (const [index, column] of columns.entries()) {
    if (column.kind !== "platform") continue;
    const text = row.fields[index]?.trim() ?? "";
    if (text === "") continue;
    const label = `${platformLabel(column.id)} ${column.currency}`;
    const value = amount(label, text, plausible);
    if (value === null) continue;
    const entry = platforms.get(column.id) ?? { usd: null, native: null };
    if (column.currency === "USD") entry.usd = value;
    else if (entry.native)
      at(`${platformLabel(column.id)} has values in two currencies (${entry.native.currency} and ${column.currency}); keep one`);
    else entry.native = { currency: column.currency, amount: value };
    platforms.set(column.id, entry);
  }
  for (const label of notValuedText
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")) {
    const id = platformOf(label);
    if (id === null) at(`Not valued names ${JSON.stringify(label)}, which is no platform pfbot knows`);
    else if (platforms.get(id)?.usd) at(`${platformLabel(id)} is listed as not valued but has a USD value`);
    else platforms.set(id, platforms.get(id) ?? { usd: null, native: null });
  }
  const unvalued = [...platforms].filter(([, value]) => value.usd === null).map(([id]) => platformLabel(id));
  if (complete && unvalued.length > 0)
    at(`a complete day values every platform in USD, but ${unvalued.join(", ")} has none: mark it partial`);
  return platforms;
}

/** A day as 2026-11-26, 26.11.2026 (a spreadsheet's Russian or German form) or 26-11-2026 (the original bot's). */
function readDay(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) ?? null;
  const dotted = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$/.exec(text);
  const [y, m, d] = match ? [match[1], match[2], match[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (y === undefined || m === undefined || d === undefined) return null;
  const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * "Taken at (UTC)": empty, or the UTC instant pfbot took the day's snapshot at, within a day of the row's date (any
 * time zone's day holds it), as the ISO form pfbot writes.
 */
function readInstant(text: string, day: string, at: (text: string) => void): string | null {
  if (text === "") return null;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    at(`Taken at (UTC) ${JSON.stringify(text)} is not a UTC time like 2026-11-26T09:00:00.000Z (leave it empty for a day typed in)`);
    return null;
  }
  const iso = new Date(ms).toISOString();
  const gap = Math.abs(Date.parse(`${day}T12:00:00Z`) - ms);
  if (gap > 36 * 3_600_000) at(`Taken at (UTC) ${text} is not on that day`);
  return iso;
}

const AMOUNT_FORM: Readonly<Record<string, string>> = {
  ";": "write a plain number with a decimal comma, like 42500,10 (spaces between thousands are fine)",
  ",": "write a plain number with a decimal point, like 42500.10",
};

/** An amount in the dialect's form: a decimal comma (and space-grouped thousands) in "csv", a decimal point in "csv-plain". */
function readAmount(text: string, dialect: Dialect): Decimal | null {
  let plain = text;
  if (dialect.decimal === ",") {
    // Spreadsheets in Russian and French locales group thousands with a (narrow) no-break space.
    plain = plain.replace(/(?<=\d)[ \u00A0\u202F](?=\d)/g, "");
    if (plain.includes(".")) return null;
    plain = plain.replace(",", ".");
  }
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return null;
  return parseDecimal(plain);
}
