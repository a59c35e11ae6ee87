// Snapshot → the --json object (pure). Platforms appear as the snapshot lists them, in report order, each
// under its registry id. Numbers are rounded only here.
import { type Decimal, toNumber } from "../lib/money.ts";
import type { Coverage, Holding, HoldingRate } from "../platforms/types.ts";
import type { Change } from "../snapshot/report.ts";
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
  change: { usd: number; pct: number | null; since: string } | null;
}

/** The --json object. Numbers are rounded only here: cents for amounts, 4 decimals for the rate. */
export function snapshotJson(snapshot: Snapshot, change: Change | null): SnapshotJson {
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
