// The change over 1D, 7D, 30D and YTD: today's values against the history's days (pure). Each period
// compares with one day, its baseline: the nearest complete day on or before the period's start, within the
// period's slack. A day from another set of platforms is not compared by total: the period says which
// platforms were added or removed since. Days are calendar days in TIMEZONE ("YYYY-MM-DD"), shifted with
// calendar arithmetic, so a DST change moves no baseline.

import { isSampleDay } from "../history/samples.ts";
import type { DayRecord, PlatformValues } from "../history/store.ts";
import { type Decimal, dec, div, isNegative, isZero, type Money, mul, sub } from "../lib/money.ts";
import { addDays, zonedDay } from "../lib/zoned-time.ts";
import type { Snapshot } from "./snapshot.ts";

/** The periods, in the order a report lists them. */
export const PERIODS = ["1d", "7d", "30d", "ytd"] as const;

export type Period = (typeof PERIODS)[number];

/**
 * What is compared: today's snapshot (currentOf) or a stored day. `complete` means that the USD total leaves
 * nothing out; a day or a snapshot that is not complete is never compared.
 */
export type Current = Pick<DayRecord, "day" | "usd" | "rub" | "complete" | "platforms">;

/** One platform's change over a period, between two days that both valued it in USD. */
interface PlatformChange {
  /** Its USD value on the baseline day. */
  readonly sinceUsd: Decimal;
  readonly usd: Decimal;
  /** Of the baseline's USD value; null when that was zero or negative. */
  readonly pct: Decimal | null;
  /** The change in the platform's own currency when both days hold one, the same (T-Bank in RUB); else null. */
  readonly native: Money | null;
}

/** The totals' change over a period: USD, RUB and %. */
export interface PeriodTotal {
  readonly usd: Decimal;
  /** Null when either day has no RUB total. */
  readonly rub: Decimal | null;
  /** Of the baseline's USD total; null when that was zero or negative. */
  readonly pct: Decimal | null;
}

export interface PeriodChange {
  readonly period: Period;
  /** The baseline day (YYYY-MM-DD). */
  readonly since: string;
  /** The baseline is an imported day: the report marks the period "vs imported day". */
  readonly vsImported: boolean;
  /**
   * The totals' change: USD, RUB (null when either day has no RUB total) and % of the baseline's USD total (null
   * when that was zero or negative). Null when the platforms differ (added or removed say how): the whole balance of
   * a platform added since is no gain.
   */
  readonly total: PeriodTotal | null;
  /** Platform ids (registry.ts) in today's set and not in the baseline's; empty vs a day with totals only. */
  readonly added: readonly string[];
  /** Platform ids in the baseline's set and not in today's. */
  readonly removed: readonly string[];
  /** Each platform valued in USD on both days, by id (empty vs a day with totals only). */
  readonly platforms: ReadonlyMap<string, PlatformChange>;
}

export interface Changes {
  /** "partial": today's total leaves money out, so nothing is compared; null otherwise. */
  readonly notCompared: "partial" | null;
  /** Each period's change; null when it has no baseline day (or nothing is compared). */
  readonly periods: Readonly<Record<Period, PeriodChange | null>>;
}

/** Nothing compared: no history, or no USD total today. */
export const NO_CHANGES: Changes = { notCompared: null, periods: { "1d": null, "7d": null, "30d": null, ytd: null } };

/**
 * The change over each period. A baseline is a day of `days` that is complete, not one of the shipped sample days,
 * earlier than `current.day`, and within the period's window; the latest such day wins:
 * - 1d: from 1 to 3 days back (a Monday compares with Friday);
 * - 7d: from 7 to 10 days back;
 * - 30d: from 30 to 35 days back;
 * - ytd: the last complete day of December of the previous year, else 1 January of this year.
 * The set of platforms of a day is its platforms' ids (what its snapshot covered); a day with none is an imported
 * day with totals only, compared by total. Otherwise the two sets must be equal for the totals to be compared.
 * `days` may come in any order and hold other days (store.since(changesWindowStart(today))).
 */
export function changes(current: Current, days: readonly DayRecord[]): Changes {
  if (!current.complete) return { notCompared: "partial", periods: NO_CHANGES.periods };
  const byDay = new Map<string, DayRecord>();
  for (const day of days) {
    if (day.complete && day.day < current.day && !isSampleDay(day.day, day.usd, day.rub)) byDay.set(day.day, day);
  }
  const latest = (newest: string, oldest: string): DayRecord | null => {
    for (let day = newest; day >= oldest; day = addDays(day, -1)) {
      const found = byDay.get(day);
      if (found) return found;
    }
    return null;
  };
  const today = current.day;
  const newYear = `${today.slice(0, 4)}-01-01`;
  const december = `${String(Number(today.slice(0, 4)) - 1).padStart(4, "0")}-12-`;
  const baselines: Record<Period, DayRecord | null> = {
    "1d": latest(addDays(today, -1), addDays(today, -3)),
    "7d": latest(addDays(today, -7), addDays(today, -10)),
    "30d": latest(addDays(today, -30), addDays(today, -35)),
    ytd: latest(`${december}31`, `${december}01`) ?? byDay.get(newYear) ?? null,
  };
  const periods = Object.fromEntries(
    PERIODS.map((period) => {
      const baseline = baselines[period];
      return [period, baseline ? compare(period, current, baseline) : null];
    }),
  ) as Record<Period, PeriodChange | null>;
  return { notCompared: null, periods };
}

/** The oldest day any period may compare with, for a `today` (YYYY-MM-DD): what to read from the history. */
export function changesWindowStart(today: string): string {
  const december = `${String(Number(today.slice(0, 4)) - 1).padStart(4, "0")}-12-01`;
  const thirty = addDays(today, -35);
  return december < thirty ? december : thirty;
}

/** A snapshot as what changes() compares: its local day, totals and platforms; null without a USD total. */
function currentOf(snapshot: Snapshot): Current | null {
  if (snapshot.totalUsd === null) return null;
  return {
    day: zonedDay(snapshot.takenAt, snapshot.timeZone),
    usd: snapshot.totalUsd,
    rub: snapshot.totalRub,
    // What the USD total leaves out (a failed, partial or unconverted platform) would show as a loss. A missing
    // USD/RUB rate alone leaves it whole: compared in USD, and the RUB change is unknown.
    complete: snapshot.leftOut.length === 0,
    platforms: new Map(snapshot.rows.map((row) => [row.id, { usd: row.usd, native: row.native }])),
  };
}

/** The snapshot's changes against the history (null: none to read, as in a dry run without a database). */
export function snapshotChanges(snapshot: Snapshot, history: { since(oldest: string): readonly DayRecord[] } | null): Changes {
  const current = currentOf(snapshot);
  if (current === null || history === null) return NO_CHANGES;
  return changes(current, history.since(changesWindowStart(current.day)));
}

function compare(period: Period, current: Current, baseline: DayRecord): PeriodChange {
  const withPlatforms = baseline.platforms.size > 0;
  const added = withPlatforms ? [...current.platforms.keys()].filter((id) => !baseline.platforms.has(id)) : [];
  const removed = withPlatforms ? [...baseline.platforms.keys()].filter((id) => !current.platforms.has(id)) : [];
  const usd = sub(current.usd, baseline.usd);
  return {
    period,
    since: baseline.day,
    vsImported: baseline.origin === "import",
    total:
      added.length + removed.length > 0
        ? null
        : {
            usd,
            rub: current.rub !== null && baseline.rub !== null ? sub(current.rub, baseline.rub) : null,
            pct: percentOf(usd, baseline.usd),
          },
    added,
    removed,
    platforms: platformChanges(current.platforms, baseline.platforms),
  };
}

function platformChanges(now: PlatformValues, then: PlatformValues): Map<string, PlatformChange> {
  const result = new Map<string, PlatformChange>();
  for (const [id, value] of now) {
    const before = then.get(id);
    if (value.usd === null || !before || before.usd === null) continue;
    const usd = sub(value.usd, before.usd);
    const native =
      value.native !== null && before.native !== null && value.native.currency === before.native.currency
        ? { currency: value.native.currency, amount: sub(value.native.amount, before.native.amount) }
        : null;
    result.set(id, { sinceUsd: before.usd, usd, pct: percentOf(usd, before.usd), native });
  }
  return result;
}

/** `change` as a percentage of `base`, to 6 decimals; null when `base` is zero or negative (no meaningful %). */
function percentOf(change: Decimal, base: Decimal): Decimal | null {
  return isZero(base) || isNegative(base) ? null : div(mul(change, HUNDRED), base, 6);
}

const HUNDRED = dec("100");
