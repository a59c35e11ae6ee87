/**
 * @module The /history view (pure): the 30 calendar days up to today (`/history N`: N, up to a year, 30 a page),
 * newest first, one row each that fits a phone
 * (at most 36 monospace characters in a <pre> block): the day, the total in USD or in RUB, and the change since the
 * previous complete day, with a header row, a trend line in the rows' order and a legend for the marks. A day with
 * no record is a gap row; a partial day is marked and never compared; sample days are marked as such. With
 * `privacy`, no amount: the change in % only. The same view goes to Telegram (HTML) and to a terminal
 * (`pfbot --history`, text).
 *
 *   Date            USD  Change
 *   26.11 Thu  $391,014   ▲0.4%
 *   25.11 Wed  $389,480   ▼0.2%
 *   24.11 Tue  $350,962  partial
 */
import { addDays, type DayRecord } from "../history/store.ts";
import { abs, cmp, type Decimal, dec, div, formatGrouped, isNegative, isZero, mul, sub, toNumber } from "../lib/money.ts";
import { compactMoney, wholeMoney } from "./amounts.ts";
import { escapeHtml } from "./html.ts";

export interface HistoryViewOptions {
  readonly currency: "USD" | "RUB";
  readonly privacy: boolean;
  /** The sample days pfbot ships (HistoryStore.samples()): shown, marked, while the history holds no day. */
  readonly samples: readonly DayRecord[];
  /** YYYY-MM-DD in TIMEZONE: the view ends today, so the days missing up to today show as gaps. */
  readonly today: string;
  /** Calendar days the view covers, up to today (`/history N`: 1 to HISTORY_MAX_DAYS); HISTORY_VIEW_DAYS by default. */
  readonly days?: number;
  /** The page shown, HISTORY_PAGE_ROWS days each, 0 the newest; one past the last shows the last. */
  readonly page?: number;
}

export interface HistoryView {
  readonly html: string;
  readonly text: string;
  /** The page shown (0 the newest) and how many the view has (1 when it fits on one). */
  readonly page: number;
  readonly pages: number;
}

/** Calendar days in the view by default: a month fits a phone's screen or two. */
export const HISTORY_VIEW_DAYS = 30;
/** The most days `/history N` covers: a year. */
export const HISTORY_MAX_DAYS = 365;
/** Rows on one page of a longer view (◀ ▶ turn the pages). */
export const HISTORY_PAGE_ROWS = 30;
/** The widest row, in monospace characters: what a 380 dp phone fits on one line of a long <pre> block. */
export const HISTORY_ROW_CHARS = 36;

/**
 * Renders the days (given newest first, as many as the store has up to a day before the view, so the oldest row still
 * has a change) as the view of the `days` calendar days up to `today`, one page of HISTORY_PAGE_ROWS of them. When
 * the newest day is older than that, the view ends on it. The trend line, the low and the high are the page's.
 */
export function renderHistory(newestFirst: readonly DayRecord[], options: HistoryViewOptions): HistoryView {
  const sample = newestFirst.length === 0 && options.samples.length > 0;
  const days = sample ? options.samples : newestFirst;
  const newest = days[0];
  if (newest === undefined) return plain(EMPTY);
  const span = Math.min(Math.max(Math.trunc(options.days ?? HISTORY_VIEW_DAYS), 1), HISTORY_MAX_DAYS);
  const end = sample || addDays(newest.day, span) <= options.today ? newest.day : options.today;
  const oldest = days.at(-1)?.day ?? end;
  const byDay = new Map(days.map((day) => [day.day, day]));
  const calendar: string[] = [];
  for (let day = end; day >= oldest && calendar.length < span; day = addDays(day, -1)) calendar.push(day);
  const pages = Math.max(1, Math.ceil(calendar.length / HISTORY_PAGE_ROWS));
  const page = Math.min(Math.max(Math.trunc(options.page ?? 0), 0), pages - 1);
  const shown = calendar.slice(page * HISTORY_PAGE_ROWS, (page + 1) * HISTORY_PAGE_ROWS);

  const value = (day: DayRecord): Decimal | null => (options.currency === "USD" ? day.usd : day.rub);
  const rows = shown.map((date) => rowOf(date, byDay.get(date) ?? null, days, value, options, sample));
  const table = alignColumns([headerCells(options), ...rows.map((row) => row.cells)]);
  const trend = trendLines(rows, options);
  const body = [...table, ...trend];
  const title = `${sample ? "Sample history" : "History"}, ${options.currency} · ${spanText(shown, options.today)}`;
  const legend = legendLines(rows, sample, end < options.today && !sample ? end : null, options.today);
  if (pages > 1)
    legend.push(`Page ${page + 1} of ${pages}: ${calendar.length} days from ${dayMonth(calendar.at(-1) ?? end, options.today)}`);
  return {
    html: [`<b>${escapeHtml(title)}</b>`, `<pre>${escapeHtml(body.join("\n"))}</pre>`, ...legend.map(escapeHtml)].join("\n"),
    text: [title, ...body, ...(legend.length > 0 ? ["", ...legend] : [])].join("\n"),
    page,
    pages,
  };
}

/** Unicode block sparkline of amounts in the given order, lowest ▁ to highest █; a flat series sits in the middle. */
export function sparkline(values: readonly Decimal[]): string {
  if (values.length === 0) return "";
  const low = values.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
  const high = values.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
  return values.map((v) => bar(v, low, high)).join("");
}

const EMPTY =
  "No history yet. pfbot records one line per day after each scheduled run (or pfbot --once); an old portfolio_history.json can be added with pfbot --import FILE.";
const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;
const PARTIAL = "partial";
const SAMPLE_MARK = "s";
const GAP = "—";
const HUNDRED = dec("100");

interface Row {
  readonly cells: readonly string[];
  /** What the trend line draws for the row: a value, a partial day ("·"), or nothing (a gap). */
  readonly trend: Decimal | "partial" | null;
  readonly kind: "day" | "partial" | "gap" | "no-rate";
}

function headerCells(options: HistoryViewOptions): string[] {
  return options.privacy ? ["Date", "Change", ""] : ["Date", options.currency, "Change", ""];
}

function rowOf(
  date: string,
  day: DayRecord | null,
  days: readonly DayRecord[],
  value: (day: DayRecord) => Decimal | null,
  options: HistoryViewOptions,
  sample: boolean,
): Row {
  const label = shortDate(date);
  const amountCells = (text: string) => (options.privacy ? [] : [text]);
  // A gap's dash stands where the amount would be, or with privacy where the change would be.
  if (day === null) return { cells: options.privacy ? [label, GAP, ""] : [label, GAP, "", ""], trend: null, kind: "gap" };
  const amount = value(day);
  const mark = sample ? SAMPLE_MARK : "";
  // A partial total leaves money out: compared, it would show the gap as a loss. It says so where the change would be.
  const partial = day.complete ? "" : PARTIAL;
  if (amount === null) return { cells: [label, ...amountCells("no rate"), partial, mark], trend: null, kind: "no-rate" };
  const shown = amountCells(formatAmount(amount, options.currency));
  if (!day.complete) return { cells: [label, ...shown, partial, mark], trend: "partial", kind: "partial" };
  const previous = days.find((other) => other.day < date && other.complete && value(other) !== null);
  const before = previous ? value(previous) : null;
  return { cells: [label, ...shown, before !== null ? changeCell(amount, before) : "", mark], trend: amount, kind: "day" };
}

/** "26.11 Thu": the weekday makes weekend gaps obvious. */
function shortDate(day: string): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, date)).getUTCDay()];
  return `${String(date).padStart(2, "0")}.${String(month).padStart(2, "0")} ${weekday}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** Whole units; past 11 characters (a nine-figure total in roubles) three significant digits, so a row keeps to 36. */
export function formatAmount(amount: Decimal, currency: string): string {
  const whole = wholeMoney({ currency, amount });
  return whole.length <= 11 ? whole : compactMoney({ currency, amount });
}

/** "▲0.4%", "▼12.3%", "±0.0%": the change in % of the previous complete day. */
function changeCell(amount: Decimal, before: Decimal): string {
  if (isZero(before)) return "";
  const pct = mul(div(sub(amount, before), abs(before), 8), HUNDRED);
  const text = formatGrouped(abs(pct), 1);
  if (!/[1-9]/.test(text)) return `±${text}%`;
  return `${isNegative(pct) ? "▼" : "▲"}${text}%`;
}

/** The date left-aligned, the other columns right-aligned two spaces apart, then the mark (the last cell) after one. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const columns = (rows[0]?.length ?? 1) - 1;
  const width = (col: number) => Math.max(...rows.map((cells) => [...(cells[col] ?? "")].length));
  const widths = Array.from({ length: columns }, (_, col) => width(col));
  return rows.map((cells) => {
    const aligned = cells.slice(0, columns).map((cell, col) => {
      const pad = " ".repeat(Math.max(0, (widths[col] ?? 0) - [...cell].length));
      return col === 0 ? cell + pad : pad + cell;
    });
    const mark = cells[columns] ?? "";
    return `${aligned.join("  ")}${mark !== "" ? ` ${mark}` : ""}`.trimEnd();
  });
}

/** One bar per row in the rows' order (newest first): " " for a gap, "·" for a partial day; then the range. */
function trendLines(rows: readonly Row[], options: HistoryViewOptions): string[] {
  const values = rows.flatMap((row) => (row.trend !== null && row.trend !== "partial" ? [row.trend] : []));
  if (values.length < 2) return [];
  const low = values.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
  const high = values.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
  const bars = rows.map((row) => (row.trend === null ? " " : row.trend === "partial" ? "·" : bar(row.trend, low, high))).join("");
  const lines = ["", "Trend, newest first", bars.trimEnd()];
  if (!options.privacy) {
    const money = (amount: Decimal) => formatAmount(amount, options.currency);
    lines.push(`Low ${money(low)} · high ${money(high)}`);
  }
  return lines;
}

function bar(value: Decimal, low: Decimal, high: Decimal): string {
  const range = sub(high, low);
  if (isZero(range)) return BARS[3];
  return BARS[Math.round(toNumber(mul(div(sub(value, low), range, 6), dec(BARS.length - 1)), 6))] ?? BARS[3];
}

/**
 * "28 Oct – 26 Nov": the days the page spans, oldest first; a year where it is not `today`'s ("28 Dec 2025 – 26 Jan",
 * "27 Nov – 26 Dec 2025").
 */
function spanText(calendar: readonly string[], today: string): string {
  const first = calendar.at(-1) ?? "";
  const last = calendar[0] ?? "";
  if (first === last) return dayMonth(last, today);
  return `${dayMonth(first, last)} – ${dayMonth(last, today)}`;
}

/** "26 Nov", with the year when it is not the year of `reference` (YYYY-MM-DD). */
export function dayMonth(day: string, reference: string): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return `${date} ${MONTHS[month - 1] ?? ""}${day.slice(0, 4) === reference.slice(0, 4) ? "" : ` ${year}`}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** What the marks in the view mean, only those it shows; and when the view ends before today, why. */
function legendLines(rows: readonly Row[], sample: boolean, endedOn: string | null, today: string): string[] {
  const lines: string[] = [];
  if (endedOn !== null) lines.push(`Nothing recorded since ${dayMonth(endedOn, today)}.`);
  if (sample) lines.push(`${SAMPLE_MARK}: a sample day shipped with pfbot,`, "not yours; your first day replaces them");
  if (rows.some((row) => row.kind === "partial")) lines.push(`${PARTIAL}: a platform was missing`);
  if (rows.some((row) => row.kind === "gap")) lines.push(`${GAP} nothing recorded that day`);
  if (rows.some((row) => row.kind === "no-rate")) lines.push("no rate: no USD/RUB rate that day");
  return lines;
}

function plain(text: string): HistoryView {
  return { html: escapeHtml(text), text, page: 0, pages: 1 };
}
