/**
 * @module Axis ticks: round-number value ticks and date ticks that never crowd. Pure: day keys are
 * "YYYY-MM-DD" and all date arithmetic is on UTC calendar days, so no answer depends on the process TZ.
 */
import { ChartError } from "./errors.ts";

/** A round tick step: mantissa × 10^exponent. */
export interface TickStep {
  readonly mantissa: 1 | 2 | 2.5 | 5;
  readonly exponent: number;
}

export interface ValueScale {
  /** The axis runs from the first tick to the last. */
  readonly ticks: readonly number[];
  readonly step: TickStep;
  readonly min: number;
  readonly max: number;
}

const MANTISSAS = [1, 2, 2.5, 5] as const;
const MAX_VALUE_TICKS = 6;

/**
 * 4 to 6 round-number ticks covering [lo, hi] (a 1-2-2.5-5 step; fewer only when the data is flat
 * at a round number). A flat series gets a band around its value so that its line sits mid-plot.
 */
export function valueScale(lo: number, hi: number): ValueScale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new ChartError("bad-input", `cannot scale values from ${lo} to ${hi}`);
  }
  let low = lo;
  let high = hi;
  if (high - low <= Math.abs(high) * 1e-9) {
    const pad = Math.abs(high) * 0.05 || 1;
    low -= pad;
    high += pad;
  }
  let exponent = Math.floor(Math.log10((high - low) / MAX_VALUE_TICKS)) - 1;
  for (;;) {
    for (const mantissa of MANTISSAS) {
      const size = mantissa * 10 ** exponent;
      const first = Math.floor(low / size + 1e-9);
      const last = Math.ceil(high / size - 1e-9);
      if (last - first + 1 <= MAX_VALUE_TICKS) {
        const ticks = Array.from({ length: last - first + 1 }, (_, i) => tickValue(first + i, mantissa, exponent));
        return { ticks, step: { mantissa, exponent }, min: ticks[0] ?? low, max: ticks.at(-1) ?? high };
      }
    }
    exponent += 1;
  }
}

/** k × mantissa × 10^exponent with the float noise of 10^-n removed (0.30000000000000004 → 0.3). */
function tickValue(k: number, mantissa: number, exponent: number): number {
  const value = k * mantissa * 10 ** exponent;
  return exponent < 0 ? Number(value.toFixed(-exponent + 1)) : value;
}

// ---- Dates ----

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const MAX_DATE_TICKS = 7;

/** Days since 1970-01-01 for a "YYYY-MM-DD" day; throws a ChartError for anything else. */
export function dayNumber(day: string): number {
  const match = DAY_RE.exec(day);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const time = Date.UTC(y, m - 1, d);
  if (!match || new Date(time).getUTCDate() !== d || m < 1 || m > 12) {
    throw new ChartError("bad-input", `not a calendar day: ${JSON.stringify(day)} (expected YYYY-MM-DD)`);
  }
  return time / DAY_MS;
}

/** The "YYYY-MM-DD" day of a day number. */
export function dayKey(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** "3 Nov 2026" for a "YYYY-MM-DD" day. */
export function dayLabel(day: string): string {
  const date = new Date(dayNumber(day) * DAY_MS);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

export interface DateTick {
  readonly day: string;
  readonly label: string;
}

type Interval = { readonly unit: "day" | "week" | "month" | "year"; readonly n: number };

/** Calendar-aligned intervals, finest first: every day, Mondays, 1st of months, 1 January. */
const ALIGNED: readonly Interval[] = [
  { unit: "day", n: 1 },
  { unit: "week", n: 1 },
  { unit: "week", n: 2 },
  { unit: "month", n: 1 },
  { unit: "month", n: 2 },
  { unit: "month", n: 3 },
  { unit: "month", n: 6 },
  ...[1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].map((n) => ({ unit: "year" as const, n })),
];
/** Every n days from the first day: for spans no aligned interval cuts into 4–7 ticks (e.g. 3 weeks). */
const STRIDES: readonly Interval[] = [2, 3, 4, 5, 6, 8, 10, 15, 20, 30].map((n) => ({ unit: "day" as const, n }));
const MIN_DATE_TICKS = 4;

/**
 * Date ticks for the days first..last (inclusive), 4 to 7 of them where the span allows (a 2-day
 * chart has 2): the finest calendar-aligned interval that gives 4–7 ticks (every day, Mondays, the
 * 1st of months with quarters on Jan/Apr/Jul/Oct, 1 January), else every n days from the first day,
 * else the finest aligned interval with at most 7. Labels: "3 Nov", "Mar", "2027"; a day tick that
 * starts a new year carries the year, and so do the first month tick and every January (every month
 * tick when they span more than a year).
 */
export function dateTicks(first: string, last: string): DateTick[] {
  const from = dayNumber(first);
  const to = dayNumber(last);
  for (const interval of [...ALIGNED, ...STRIDES]) {
    const days = tickDays(interval, from, to);
    if (days.length >= MIN_DATE_TICKS && days.length <= MAX_DATE_TICKS) return label(interval, days);
  }
  for (const interval of ALIGNED) {
    const days = tickDays(interval, from, to);
    if (days.length <= MAX_DATE_TICKS) return label(interval, days);
  }
  return [];
}

function tickDays(interval: Interval, from: number, to: number): number[] {
  const days: number[] = [];
  const limit = MAX_DATE_TICKS + 1; // enough to know the interval is too fine
  if (interval.unit === "day" || interval.unit === "week") {
    const stride = interval.unit === "week" ? 7 * interval.n : interval.n;
    // 1970-01-01 was a Thursday: day number 4 is the first Monday.
    let day = interval.unit === "week" ? from + ((((4 - from) % 7) + 7) % 7) : from;
    for (; day <= to && days.length < limit; day += stride) days.push(day);
    return days;
  }
  const start = new Date(from * DAY_MS);
  let year = start.getUTCFullYear();
  let month = interval.unit === "year" ? 0 : start.getUTCMonth();
  const monthStride = interval.unit === "year" ? 12 * interval.n : interval.n;
  // Align to the stride: quarters start in Jan/Apr/Jul/Oct, 5-year ticks on years divisible by 5.
  const index = year * 12 + month;
  let aligned = Math.ceil(index / monthStride) * monthStride;
  for (; days.length < limit; aligned += monthStride) {
    year = Math.floor(aligned / 12);
    month = aligned % 12;
    const day = Date.UTC(year, month, 1) / DAY_MS;
    if (day < from) continue;
    if (day > to) break;
    days.push(day);
  }
  return days;
}

function label(interval: Interval, days: readonly number[]): DateTick[] {
  // Month ticks over more than a year would repeat a month name ("Jul", …, "Jul"): all carry the year.
  const multiYear = interval.unit === "month" && (days.at(-1) ?? 0) - (days[0] ?? 0) >= 365;
  let previousYear: number | null = null;
  return days.map((n) => {
    const date = new Date(n * DAY_MS);
    const year = date.getUTCFullYear();
    const month = MONTHS[date.getUTCMonth()] ?? "";
    const newYear = previousYear !== null && year !== previousYear;
    const withYear = multiYear || newYear || previousYear === null || date.getUTCMonth() === 0;
    let text: string;
    if (interval.unit === "year") text = String(year);
    else if (interval.unit === "month") text = withYear ? `${month} ${year}` : month;
    else text = newYear ? `${date.getUTCDate()} ${month} ${year}` : `${date.getUTCDate()} ${month}`;
    previousYear = year;
    return { day: dayKey(n), label: text };
  });
}
