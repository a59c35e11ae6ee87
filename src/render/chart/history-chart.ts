/**
 * @module The portfolio value over time, from the day history: the line chart's input, and its caption
 * (current value, change over the period, low and high with their dates, the period's first and last
 * day). With fewer than 2 days to draw, a short text instead. Pure: the history is passed in, and
 * "today" is the caller's.
 */
import type { DayRecord } from "../../history/store.ts";
import { abs, type Decimal, dec, div, isNegative, isZero, mul, sub, toNumber } from "../../lib/money.ts";
import { addDays } from "../../lib/zoned-time.ts";
import { escapeHtml } from "../html.ts";
import { type ChartCurrency, groupedMoney, percent } from "./labels.ts";
import { type LineChartMeta, type LinePoint, lineChartSvg } from "./line.ts";
import { dayLabel, dayNumber } from "./ticks.ts";

/** What to draw: the last `days` calendar days up to today (in TIMEZONE), or the whole history. */
export interface HistoryChartRequest {
  readonly days: number | "all";
  readonly currency: ChartCurrency;
}

export interface ChartContext {
  /** Today's local day, YYYY-MM-DD. */
  readonly today: string;
  /** No amount in the image or the caption: % change only. */
  readonly privacy: boolean;
}

/** A chart to render (its caption in Telegram HTML), or the text to answer with instead. */
export type ChartView =
  | { readonly kind: "chart"; readonly svg: string; readonly caption: string }
  | { readonly kind: "text"; readonly text: string };

/**
 * `records` in any order (the store gives newest first). Complete days are drawn solid, partial ones
 * marked; a day with no record, or with no value in the currency (no RUB rate that day), breaks the line.
 */
export function historyChart(records: readonly DayRecord[], request: HistoryChartRequest, context: ChartContext): ChartView {
  const from = request.days === "all" ? null : addDays(context.today, -(request.days - 1));
  const span = request.days === "all" ? "the history" : `the last ${request.days} days`;
  // Issue #15 marks the sample days a fresh clone imports; they are never drawn: leave them out here,
  // once DayRecord says which they are.
  const inRange = records.filter((record) => from === null || record.day >= from).sort((a, b) => (a.day < b.day ? -1 : 1));
  const points: LinePoint[] = inRange.map((record) => ({
    day: record.day,
    value: request.currency === "USD" ? record.usd : record.rub,
    partial: !record.complete,
  }));
  const valued = points.filter((point) => point.value !== null);
  if (valued.length < 2) return { kind: "text", text: tooFewDays(valued, inRange.length, span, request.currency) };
  const title = `Portfolio value, ${request.currency} · ${request.days === "all" ? "all history" : `last ${request.days} days`}`;
  const first = valued[0]?.day ?? "";
  const last = valued.at(-1)?.day ?? "";
  const partialDays = valued.filter((point) => point.partial).length;
  const calendarDays = dayNumber(last) - dayNumber(first) + 1;
  const counts = [`${valued.length} of ${calendarDays} days recorded`, ...(partialDays > 0 ? [`${partialDays} partial`] : [])].join(", ");
  const subtitle = `${dayRange(first, last)} · ${counts}`;
  const chart = lineChartSvg({ points, currency: request.currency, privacy: context.privacy, title, subtitle });
  const caption = [`<b>${escapeHtml(title)}</b>`, ...captionLines(chart.meta, valued, request.currency, context.privacy)];
  caption.push(`Period: ${dayRange(first, last)}, ${escapeHtml(counts)}`);
  return { kind: "chart", svg: chart.svg, caption: caption.join("\n") };
}

/** "28 Oct – 26 Nov 2026"; "27 Nov 2025 – 26 Nov 2026" across a new year. */
function dayRange(first: string, last: string): string {
  const from = dayLabel(first);
  const to = dayLabel(last);
  return first.slice(0, 4) === last.slice(0, 4) ? `${from.slice(0, -5)} – ${to}` : `${from} – ${to}`;
}

function tooFewDays(valued: readonly LinePoint[], records: number, span: string, currency: ChartCurrency): string {
  const what = currency === "RUB" ? "day with a RUB value" : "recorded day";
  const found = valued.length === 0 ? `no ${what}` : `only one ${what} (${dayLabel(valued[0]?.day ?? "")})`;
  const rubNote = currency === "RUB" && records > valued.length ? " (a day without a USD/RUB rate has none)" : "";
  return `No chart: ${span} has ${found}${rubNote}, and a chart needs 2. pfbot records a day with each scheduled report; try a longer range, or come back tomorrow.`;
}

/**
 * Now, change, low and high. The change runs from the first complete day to the last complete one (a
 * partial total leaves a platform out, so a change to or from it would be a fake move); the low and the
 * high are over complete days too (meta.low/high). With privacy, each figure is the % change from the
 * first complete day, as the chart's axis shows it, and no amount.
 */
function captionLines(meta: LineChartMeta, valued: readonly LinePoint[], currency: ChartCurrency, privacy: boolean): string[] {
  const complete = valued.filter((point) => !point.partial);
  const base = complete[0];
  const end = complete.at(-1);
  const money = (value: Decimal) => escapeHtml(groupedMoney(value, currency));
  const signedMoney = (value: Decimal) => `${isNegative(value) ? "" : "+"}${money(value)}`;
  const sincePercent = (value: Decimal) => (base?.value ? changePercent(base.value, value) : null);
  const shown = (value: Decimal) => (privacy ? (sincePercent(value) ?? "hidden") : money(value));
  const lines: string[] = [];

  const lastNote = meta.last.partial ? " (partial: not every platform counted)" : "";
  const sinceBase = privacy && base ? ` since ${dayLabel(base.day)}` : "";
  lines.push(`Now (${dayLabel(meta.last.day)}): <b>${shown(meta.last.value)}</b>${sinceBase}${lastNote}`);

  if (base?.value && end?.value && base !== end) {
    const pct = changePercent(base.value, end.value);
    const figures = privacy ? (pct ?? "hidden") : `${signedMoney(sub(end.value, base.value))}${pct === null ? "" : ` (${pct})`}`;
    lines.push(`Change: <b>${figures}</b> from ${dayLabel(base.day)} to ${dayLabel(end.day)}`);
  } else {
    lines.push("Change: not shown (fewer than 2 complete days: a partial total leaves a platform out)");
  }
  if (meta.low && meta.high) {
    lines.push(
      `Low: ${shown(meta.low.value)} on ${dayLabel(meta.low.day)} · High: ${shown(meta.high.value)} on ${dayLabel(meta.high.day)}`,
    );
  }
  return lines;
}

/** "+7.3%" from `from` to `to`; null when `from` is zero or negative (no meaningful %). */
function changePercent(from: Decimal, to: Decimal): string | null {
  if (isZero(from) || isNegative(from)) return null;
  const pct = div(mul(sub(to, from), HUNDRED), abs(from), 6);
  return percent(toNumber(pct, 6), 1);
}

const HUNDRED = dec("100");
