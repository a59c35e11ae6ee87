/**
 * @module The weekly digest message (Telegram HTML) and its 7-day chart, from alerts/digest.ts's WeeklyDigest.
 * Pure. With `privacy`, percentages only: the high and the low as their change from the week's start value.
 */
import type { DayValue, PlatformChange, ValueChange, WeeklyDigest } from "../alerts/digest.ts";
import type { DayRecord } from "../history/store.ts";
import { abs, type Decimal, dec, div, isNegative, isZero, mul, sub } from "../lib/money.ts";
import { platformName } from "../platforms/registry.ts";
import { roundsToZero, unsignedPercent } from "./amounts.ts";
import { type ChartView, historyChart } from "./chart/history-chart.ts";
import { dayWithMonthName } from "./dates.ts";
import { signedPct, signedUsd, usd } from "./figures.ts";

export interface DigestView {
  readonly html: string;
  /**
   * The week's value chart (SVG and its caption) from the change's start, or a text saying why there is none (fewer
   * than 2 days).
   */
  readonly chart: ChartView;
}

/** `records`: the history around the week (the chart draws the week's 7 days up to its last). */
export function renderDigest(digest: WeeklyDigest, records: readonly DayRecord[], options: { readonly privacy: boolean }): DigestView {
  const { week, start, end, change } = digest;
  const { privacy } = options;
  const lines = [`🗓 <b>Your week, ${shortDay(week.first)} – ${shortDay(week.last)}</b>`];
  if (start === null || end === null || change === null) {
    lines.push(
      end === null
        ? "No complete day this week: nothing to compare."
        : `Only one complete day to compare (${shortDay(end.day)}): ${privacy ? "no change yet" : `${usd(end.usd)}, no change yet`}.`,
    );
  } else {
    // The report's change line (▲/▼, the size and the %), then the two values when amounts are shown.
    lines.push(
      `${arrow(change)} <b>${privacy ? pctOrDash(change, false) : usd(abs(change.usd))}</b>${privacy ? "" : pctSuffix(change, false)} since ${shortDay(start.day)}`,
    );
    if (!privacy) lines.push(`${usd(start.usd)} → ${usd(end.usd)}${end.day === week.last ? "" : ` on ${shortDay(end.day)}`}`);
    for (const platform of digest.platforms) lines.push(`  ${platformName(platform.platform)} ${platformText(platform, privacy)}`);
  }
  if (digest.high && digest.low && digest.high.day !== digest.low.day) {
    lines.push(
      `High ${extremeText(digest.high, start?.usd ?? null, privacy)}`,
      `Low ${extremeText(digest.low, start?.usd ?? null, privacy)}`,
    );
  }
  if (digest.best && digest.worst)
    lines.push(`Best: ${platformName(digest.best.platform)} · Worst: ${platformName(digest.worst.platform)}`);
  if (digest.partialDays.length > 0) lines.push(`⚠️ Partial: ${digest.partialDays.map(shortDay).join(", ")}`);
  if (digest.missingDays.length > 0) lines.push(`No report: ${digest.missingDays.map(shortDay).join(", ")}`);
  // From the change's start (the day before the week, when that is it), so the chart's change is the digest's.
  const days = start !== null && start.day < week.first ? 8 : 7;
  const chart = historyChart(records, { days, currency: "USD" }, { today: week.last, privacy });
  // The figures are in the message just above: the photo's caption only says what it shows.
  const from = start !== null && start.day < week.first ? start.day : week.first;
  const caption = `🗓 Your week: ${dayWithMonthName(from).replace(/ \d{4}$/, "")} – ${dayWithMonthName(week.last).replace(/ \d{4}$/, "")}`;
  return { html: lines.join("\n"), chart: chart.kind === "chart" ? { ...chart, caption } : chart };
}

/** "Mon 24 Nov". */
function shortDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? "";
  return `${weekday} ${dayWithMonthName(day).replace(/ \d{4}$/, "")}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** ▲ up, ▼ down, ± unchanged once rounded to the dollar, as the report's change line. */
function arrow(change: ValueChange): string {
  return roundsToZero(change.usd, 0) ? "±" : isNegative(change.usd) ? "▼" : "▲";
}

/** " (+6.00%)", signed; unsigned beside an arrow. */
function pctSuffix(change: ValueChange, signed = true): string {
  return change.pct === null ? "" : ` (${signed ? signedPct(change.pct) : unsignedPercent(change.pct)})`;
}

function pctOrDash(change: ValueChange, signed = true): string {
  if (change.pct === null) return "—";
  return signed ? signedPct(change.pct) : unsignedPercent(change.pct);
}

function platformText(change: PlatformChange, privacy: boolean): string {
  return privacy ? pctOrDash(change) : `${signedUsd(change.usd)}${pctSuffix(change)}`;
}

/** "$42,500.00 on Thu 21 Nov"; with privacy, "on Thu 21 Nov (+3.66%)" against the start value. */
function extremeText(value: DayValue, start: Decimal | null, privacy: boolean): string {
  if (!privacy) return `${usd(value.usd)} on ${shortDay(value.day)}`;
  if (start === null || isZero(start) || isNegative(start)) return `on ${shortDay(value.day)}`;
  return `on ${shortDay(value.day)} (${signedPct(div(mul(sub(value.usd, start), HUNDRED), start, 6))})`;
}

const HUNDRED = dec("100");
