// What a snapshot becomes besides the message: the day record for the history and the change vs the
// previous comparable day (the --json object is render/json.ts). Pure functions.

import type { DayRecord, SnapshotRecord } from "../history/store.ts";
import { dec, div, isZero, mul, sub } from "../lib/money.ts";
import type { Change } from "../render/message.ts";
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
