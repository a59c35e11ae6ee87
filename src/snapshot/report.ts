// What a snapshot becomes besides the message: the day record for the history, the change vs the
// previous comparable day, and the --json object. Pure functions.
import type { Change } from "../render/message.ts";
import type { DayRecord, SnapshotRecord } from "../history/store.ts";
import { div, isZero, mul, sub, toNumber, dec, type Decimal } from "../lib/money.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * The history row of a snapshot, or null when no platform has a USD value (nothing to record). Every enabled
 * platform gets its figures, a failed one with no USD value.
 */
export function snapshotRecord(snapshot: Snapshot): SnapshotRecord | null {
  if (snapshot.totalUsd === null) return null;
  return {
    takenAt: snapshot.takenAt,
    usd: snapshot.totalUsd,
    rub: snapshot.totalRub,
    usdRub: snapshot.usdRub?.rate ?? null,
    complete: snapshot.complete,
    platforms: new Map(snapshot.rows.map((row) => [row.id, { usd: row.usd, native: row.native }])),
    rateDate: snapshot.usdRub?.date ?? null,
  };
}

/**
 * The change vs `previous` (the latest complete day within 7 days, from the history). Null when the
 * history is empty (nothing to say); "none" when a comparison would mislead: no comparable day, or
 * this snapshot is itself partial.
 */
export function changeSince(snapshot: Snapshot, previous: DayRecord | null, historyIsEmpty: boolean): Change | null {
  if (historyIsEmpty || snapshot.totalUsd === null) return null;
  if (!previous || !snapshot.complete) return { kind: "none" };
  const usd = sub(snapshot.totalUsd, previous.usd);
  const pct = isZero(previous.usd) ? null : div(mul(usd, HUNDRED), previous.usd, 6);
  return { kind: "change", usd, pct, since: previous.day };
}

const HUNDRED = dec("100");

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
    usdRub: snapshot.usdRub ? { rate: toNumber(snapshot.usdRub.rate, 4), source: snapshot.usdRub.source, date: snapshot.usdRub.date } : null,
    change: change?.kind === "change" ? { usd: toNumber(change.usd, 2), pct: change.pct ? toNumber(change.pct, 2) : null, since: change.since } : null,
  };
}

function cents(value: Decimal | null): number | null {
  return value === null ? null : toNumber(value, 2);
}
