// Snapshot → the --json object (pure). Platforms appear as the snapshot lists them, in report order, each
// under its registry id. Numbers are rounded only here.
import { type Decimal, toNumber } from "../lib/money.ts";
import type { Coverage, Holding, HoldingRate } from "../platforms/types.ts";
import { type Changes, NO_CHANGES, PERIODS, type Period } from "../snapshot/changes.ts";
import { dayChange } from "../snapshot/report.ts";
import { describeGap, type Snapshot } from "../snapshot/snapshot.ts";

export interface SnapshotJson {
  takenAt: string;
  timezone: string;
  /** Every platform complete and valued in USD, and the rate known. */
  complete: boolean;
  /** What the totals leave out, each naming its platform; a platform's name alone means all of it. */
  leftOut: string[];
  platforms: {
    id: string;
    /** The platform gave a value (complete or partial). */
    ok: boolean;
    coverage: Coverage;
    /** What a partial figure leaves out, in the platform's words; empty otherwise. */
    leftOut: string[];
    usd: number | null;
    native: { currency: string; amount: number } | null;
    asOf: string | null;
    assets: { asset: string; usd: number }[];
    error: string | null;
    /** Present when the platform converted holdings to USD with its own rate (an IBKR account in CNH): which rate. */
    rates?: { label: string; currency: string; amount: number; usdPerUnit: number; source: string; date: string }[];
  }[];
  cryptoUsd: number | null;
  totalUsd: number | null;
  totalRub: number | null;
  usdRub: { rate: number; source: string; date: string } | null;
  /**
   * The 1D change, the report's line 2: `changes["1d"]` without its RUB figure. Kept for scripts written before
   * `changes` existed; null when that period is.
   */
  change: { usd: number; pct: number | null; since: string } | null;
  /**
   * The change over each period (snapshot/changes.ts): USD and RUB in cents, % to 2 decimals; `vsImported` when the
   * day compared with was imported (compared by total). Null when the period has no day to compare with, when today's
   * total leaves money out, or when the platforms differ (then `platformsChanged` says how).
   */
  changes: Record<Period, { since: string; usd: number; rub: number | null; pct: number | null; vsImported: boolean } | null>;
  /** The periods not compared because a platform was added or removed since their day: which, by registry id. */
  platformsChanged: Partial<Record<Period, { since: string; added: string[]; removed: string[] }>>;
}

/**
 * The --json object, with the history's `changes` (null: no history to compare with). Numbers are rounded only here:
 * cents for amounts, 4 decimals for the rate.
 */
export function snapshotJson(snapshot: Snapshot, changes: Changes | null): SnapshotJson {
  const change = dayChange(changes);
  return {
    takenAt: snapshot.takenAt.toISOString(),
    timezone: snapshot.timeZone,
    complete: snapshot.complete,
    leftOut: snapshot.leftOut.map(describeGap),
    platforms: snapshot.rows.map((row) => ({
      id: row.id,
      ok: row.ok,
      coverage: row.coverage,
      leftOut: [...row.leftOut],
      usd: cents(row.usd),
      native: row.native ? { currency: row.native.currency, amount: toNumber(row.native.amount, 2) } : null,
      asOf: row.asOf,
      assets: row.assets.map((a) => ({ asset: a.asset, usd: toNumber(a.usd, 2) })),
      error: row.error,
      ...ownRates(row.holdings),
    })),
    cryptoUsd: cents(snapshot.cryptoUsd),
    totalUsd: cents(snapshot.totalUsd),
    totalRub: cents(snapshot.totalRub),
    usdRub: snapshot.usdRub
      ? { rate: toNumber(snapshot.usdRub.rate, 4), source: snapshot.usdRub.source, date: snapshot.usdRub.date }
      : null,
    change:
      change?.kind === "change"
        ? { usd: toNumber(change.usd, 2), pct: change.pct ? toNumber(change.pct, 2) : null, since: change.since }
        : null,
    ...changesJson(changes ?? NO_CHANGES),
  };
}

function changesJson(changes: Changes): Pick<SnapshotJson, "changes" | "platformsChanged"> {
  const periods = PERIODS.map((period) => [period, changes.periods[period]] as const);
  return {
    changes: Object.fromEntries(
      periods.map(([period, change]) => [
        period,
        change?.total
          ? {
              since: change.since,
              usd: toNumber(change.total.usd, 2),
              rub: cents(change.total.rub),
              pct: change.total.pct === null ? null : toNumber(change.total.pct, 2),
              vsImported: change.vsImported,
            }
          : null,
      ]),
    ) as SnapshotJson["changes"],
    platformsChanged: Object.fromEntries(
      periods.flatMap(([period, change]) =>
        change && change.total === null ? [[period, { since: change.since, added: [...change.added], removed: [...change.removed] }]] : [],
      ),
    ),
  };
}

/** The platform's own rates behind its USD figure, only when there are any (the --json shape is otherwise unchanged). */
function ownRates(holdings: readonly Holding[]): Pick<SnapshotJson["platforms"][number], "rates"> {
  const rates = holdings.flatMap(({ label, rate }) => (rate ? [{ label, ...rateJson(rate) }] : []));
  return rates.length > 0 ? { rates } : {};
}

function rateJson(rate: HoldingRate) {
  const { original, usdPerUnit, source, date } = rate;
  return { currency: original.currency, amount: toNumber(original.amount, 2), usdPerUnit: toNumber(usdPerUnit, 8), source, date };
}

function cents(value: Decimal | null): number | null {
  return value === null ? null : toNumber(value, 2);
}
