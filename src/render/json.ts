// Snapshot → the --json object (pure). Platforms appear as the snapshot lists them, in report order, each
// under its registry id. Numbers are rounded only here.
import { type Decimal, toNumber } from "../lib/money.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { Change } from "./message.ts";

export interface SnapshotJson {
  takenAt: string;
  timezone: string;
  complete: boolean;
  platforms: {
    id: string;
    ok: boolean;
    usd: number | null;
    native: { currency: string; amount: number } | null;
    asOf: string | null;
    assets: { asset: string; usd: number }[];
    error: string | null;
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
    platforms: snapshot.rows.map((row) => ({
      id: row.id,
      ok: row.ok,
      usd: cents(row.usd),
      native: row.native ? { currency: row.native.currency, amount: toNumber(row.native.amount, 2) } : null,
      asOf: row.asOf,
      assets: row.assets.map((a) => ({ asset: a.asset, usd: toNumber(a.usd, 2) })),
      error: row.error,
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

function cents(value: Decimal | null): number | null {
  return value === null ? null : toNumber(value, 2);
}
