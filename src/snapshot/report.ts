// What a snapshot becomes besides the message: the day record for the history, and the 1D change as one
// figure (the --json object is render/json.ts). Pure functions.

import type { SnapshotRecord } from "../history/store.ts";
import type { Decimal } from "../lib/money.ts";
import type { Changes } from "./changes.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * The change over 1D, or why there is none: no comparable day ("none"), or a total that leaves money out
 * ("partial": never compared). Absent when there is no history at all.
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
 * The 1D period (snapshot/changes.ts) as one change: what --json's "change" carries and what the report's line 2
 * says. Null without any history (`changes` null: nothing to say); "partial" when today's total leaves money out (a
 * failed, partial or unconverted platform: the gap would show as a loss), so it is never compared; "none" when no
 * day 1 to 3 days back can be compared with, or the platforms changed since that day (a platform's whole balance is
 * no gain).
 */
export function dayChange(changes: Changes | null): Change | null {
  if (changes === null) return null;
  if (changes.notCompared === "partial") return { kind: "partial" };
  const day = changes.periods["1d"];
  if (!day?.total) return { kind: "none" };
  return { kind: "change", usd: day.total.usd, pct: day.total.pct, since: day.since };
}
