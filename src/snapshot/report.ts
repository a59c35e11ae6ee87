// What a snapshot becomes besides the message: the day record for the history and the change vs the
// previous comparable day (the --json object is render/json.ts). Pure functions.

import type { DayRecord, SnapshotRecord } from "../history/store.ts";
import { type Decimal, dec, div, isZero, mul, sub } from "../lib/money.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * The change vs the previous comparable day, or why there is none: no comparable day ("none"), or a total that
 * leaves money out ("partial": never compared). Absent when there is no history at all.
 */
export type Change =
  | { readonly kind: "change"; readonly usd: Decimal; readonly pct: Decimal | null; readonly since: string }
  | { readonly kind: "none" }
  | { readonly kind: "partial" };

/**
 * The history row of a snapshot, or null when no platform has a USD value (nothing to record). Every enabled
 * platform gets its figures, a failed one with no USD value. `complete` is the snapshot's: a partial platform, a
 * failed one or a missing rate make the day partial, and a partial day never replaces a complete one.
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
 * The USD change vs `previous` (the latest complete day within 7 days, from the history). Null when the history is
 * empty (nothing to say); "partial" when this snapshot's total leaves money out (a failed, partial or unconverted
 * platform: the gap would show as a loss), so it is never compared; "none" when there is no comparable day. A
 * missing USD/RUB rate alone leaves the USD total whole, so it is still compared.
 */
export function changeSince(snapshot: Snapshot, previous: DayRecord | null, historyIsEmpty: boolean): Change | null {
  if (historyIsEmpty || snapshot.totalUsd === null) return null;
  if (snapshot.leftOut.length > 0) return { kind: "partial" };
  // The history hands over complete days only; a partial one here would still not be a baseline.
  if (!previous?.complete) return { kind: "none" };
  const usd = sub(snapshot.totalUsd, previous.usd);
  const pct = isZero(previous.usd) ? null : div(mul(usd, HUNDRED), previous.usd, 6);
  return { kind: "change", usd, pct, since: previous.day };
}

const HUNDRED = dec("100");
