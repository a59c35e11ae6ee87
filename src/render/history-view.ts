// The history view (pure): up to 30 most recent days, newest first, one line each with the USD and
// RUB totals and the change vs the previous recorded day, then a sparkline of the USD totals. The
// same text goes to Telegram (HTML, in a <pre> block so the columns line up; Telegram scrolls wide
// blocks sideways) and to a terminal for `pfbot --history`.

import type { DayRecord } from "../history/store.ts";
import { cmp, type Decimal, dec, div, formatGrouped, isZero, mul, sub, toNumber } from "../lib/money.ts";
import { dayWithWeekday } from "./dates.ts";
import { escapeHtml } from "./html.ts";

export const HISTORY_VIEW_DAYS = 30;

export interface HistoryView {
  readonly html: string;
  readonly text: string;
}

/**
 * Renders days given newest first. Pass one day more than shown (31) so that the oldest shown day
 * still has a change line; more are ignored. `samples`: the days are the sample days shipped with pfbot
 * (history/samples.ts), shown as such.
 */
export function renderHistory(newestFirst: readonly DayRecord[], options: { readonly samples?: boolean } = {}): HistoryView {
  if (newestFirst.length === 0) {
    const text =
      "No history yet. pfbot records one line per day after each scheduled run (or pfbot --once); an old portfolio_history.json can be added with pfbot --import FILE.";
    return { html: escapeHtml(text), text };
  }
  const shown = newestFirst.slice(0, HISTORY_VIEW_DAYS);
  const rows = shown.map((day, i) => rowCells(day, newestFirst[i + 1] ?? null, options.samples === true));
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((cells) => cells[col]?.length ?? 0)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, col) => (col === 0 || col === cells.length - 1 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  const title = options.samples
    ? `Sample history: ${shown.length === 1 ? "1 example day" : `${shown.length} example days`}, not yours`
    : `Portfolio history: last ${shown.length === 1 ? "day" : `${shown.length} days`}`;
  const notes: string[] = [];
  if (options.samples)
    notes.push(
      "sample = an example day shipped with pfbot (data/portfolio_history.json) so that this view has something to show; the first day pfbot records replaces them, and they are never compared with",
    );
  if (shown.some((day) => !day.complete))
    notes.push("partial = a platform failed or its figure left something out; the totals are too low");
  if (shown.some((day) => day.rub === null)) notes.push("RUB — = no USD/RUB rate that day");
  const trend = shown.length >= 2 ? sparklineLines([...shown].reverse()) : [];
  const body = [...lines, ...(trend.length > 0 ? ["", ...trend] : []), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
  return {
    html: `<b>${escapeHtml(title)}</b>\n<pre>${escapeHtml(body)}</pre>`,
    text: `${title}\n${body}`,
  };
}

/** Unicode block sparkline of amounts (oldest → newest), lowest ▁ to highest █; flat series in the middle. */
export function sparkline(values: readonly Decimal[]): string {
  if (values.length === 0) return "";
  const low = values.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
  const high = values.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
  const span = sub(high, low);
  return values
    .map((value) => {
      if (isZero(span)) return BARS[3];
      const level = Math.round(toNumber(mul(div(sub(value, low), span, 6), dec(BARS.length - 1)), 6));
      return BARS[level];
    })
    .join("");
}

const BARS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/** Cells: date, USD total, RUB total, USD change, % change, mark. */
function rowCells(day: DayRecord, previous: DayRecord | null, sample: boolean): string[] {
  const usd = `$${formatGrouped(day.usd, 2)}`;
  // Whole rubles: kopecks on a seven-figure total are noise on a phone screen.
  const rub = day.rub === null ? "₽ —" : `₽${formatGrouped(day.rub, 0)}`;
  let change = "";
  let pct = "";
  if (previous !== null) {
    const delta = sub(day.usd, previous.usd);
    change = signed(delta, 2);
    pct = isZero(previous.usd) ? "" : `${signed(mul(div(delta, previous.usd, 8), dec(100)), 2)}%`;
  }
  return [dayWithWeekday(day.day), usd, rub, change, pct, sample ? "sample" : day.complete ? "" : "partial"];
}

function signed(value: Decimal, places: number): string {
  const text = formatGrouped(value, places);
  // formatGrouped drops the sign of a value that rounds to zero: show it as ±0.00.
  if (!/[1-9]/.test(text)) return `±${text}`;
  return text.startsWith("-") ? text : `+${text}`;
}

function sparklineLines(oldestFirst: readonly DayRecord[]): string[] {
  const values = oldestFirst.map((day) => day.usd);
  const low = values.reduce((a, b) => (cmp(a, b) <= 0 ? a : b));
  const high = values.reduce((a, b) => (cmp(a, b) >= 0 ? a : b));
  return [`USD trend ${sparkline(values)}`, `low $${formatGrouped(low, 0)} · high $${formatGrouped(high, 0)}`];
}
