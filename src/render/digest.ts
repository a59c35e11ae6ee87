/**
 * @module The weekly digest message (Telegram HTML) and its 7-day chart, from alerts/digest.ts's WeeklyDigest.
 * Pure. With `privacy`, percentages only: the high and the low as their change from the week's start value.
 */
import type { DayValue, PlatformChange, ValueChange, WeeklyDigest } from "../alerts/digest.ts";
import type { DayRecord } from "../history/store.ts";
import { type Decimal, dec, div, isNegative, isZero, mul, sub } from "../lib/money.ts";
import { platformName } from "../platforms/registry.ts";
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
  const lines = [`🗓 <b>Your week, ${shortDay(week.first)} – ${shortDay(week.last)}</b>`];
  if (start === null || end === null || change === null) {
    lines.push(
      end === null
        ? "No complete day this week: nothing to compare."
        : `Only one complete day to compare (${shortDay(end.day)}): ${options.privacy ? "no change yet" : `${usd(end.usd)}, no change yet`}.`,
    );
  } else {
    const span = `${shortDay(start.day)} → ${shortDay(end.day)}`;
    lines.push(
      options.privacy
        ? `Change: <b>${pctOrDash(change)}</b> (${span})`
        : `Change: <b>${signedUsd(change.usd)}</b>${pctSuffix(change)} · ${usd(start.usd)} → ${usd(end.usd)} (${span})`,
    );
    for (const platform of digest.platforms) lines.push(`  ${platformName(platform.platform)}: ${platformText(platform, options.privacy)}`);
  }
  const extremes = [
    digest.high ? `High ${extremeText(digest.high, start?.usd ?? null, options.privacy)}` : null,
    digest.low ? `Low ${extremeText(digest.low, start?.usd ?? null, options.privacy)}` : null,
  ].filter((text): text is string => text !== null);
  if (extremes.length > 0 && digest.high?.day !== digest.low?.day) lines.push(extremes.join(" · "));
  if (digest.best && digest.worst) {
    lines.push(
      `Best: ${platformName(digest.best.platform)} ${platformText(digest.best, options.privacy)} · Worst: ${platformName(digest.worst.platform)} ${platformText(digest.worst, options.privacy)}`,
    );
  }
  if (digest.partialDays.length > 0)
    lines.push(`Partial (a platform did not answer, or left money out): ${digest.partialDays.map(shortDay).join(", ")}`);
  if (digest.missingDays.length > 0) lines.push(`No report: ${digest.missingDays.map(shortDay).join(", ")}`);
  // From the change's start (the day before the week, when that is it), so the chart's change is the digest's.
  const days = start !== null && start.day < week.first ? 8 : 7;
  const chart = historyChart(records, { days, currency: "USD" }, { today: week.last, privacy: options.privacy });
  return { html: lines.join("\n"), chart };
}

/** "Mon 24 Nov". */
function shortDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? "";
  return `${weekday} ${dayWithMonthName(day).replace(/ \d{4}$/, "")}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

function pctSuffix(change: ValueChange): string {
  return change.pct === null ? "" : ` (${signedPct(change.pct)})`;
}

function pctOrDash(change: ValueChange): string {
  return change.pct === null ? "—" : signedPct(change.pct);
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
