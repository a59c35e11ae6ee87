/**
 * @module Failure alerts (ALERT_FAILURES): a pure function of the stored outages and one scheduled run. A platform
 * that fails N scheduled runs in a row gets one alert, with its last error (which says what to do); further failed
 * runs add nothing. When it answers again, one "back" message says how long it was out, counted from its first
 * failed run. A platform that recovers before the Nth run, or that is no longer configured, is forgotten silently.
 * Only a failed platform counts: a partial figure is an answer. /status lists the platforms out (currentOutages).
 */
import type { PlatformId } from "../platforms/types.ts";

/** A platform failing since `since`: its consecutive failed scheduled runs. */
export interface Outage {
  /** How many scheduled runs in a row it failed. */
  readonly failures: number;
  /** The first failed run of the streak. */
  readonly since: Date;
  /** The last failed run, and its error (one line that says what to do). */
  readonly lastAt: Date;
  readonly lastError: string;
  /** Whether the owner was alerted (then a recovery sends "back"). */
  readonly alerted: boolean;
}

export interface FailureState {
  readonly outages: ReadonlyMap<PlatformId, Outage>;
}

export const NO_OUTAGES: FailureState = { outages: new Map() };

/** One platform's outcome in a scheduled run. */
export interface RunRow {
  readonly id: PlatformId;
  /** False when the platform gave no value. */
  readonly ok: boolean;
  readonly error: string | null;
}

export type FailureAlert =
  | { readonly kind: "down"; readonly platform: PlatformId; readonly outage: Outage; readonly threshold: number }
  | { readonly kind: "back"; readonly platform: PlatformId; readonly outage: Outage; readonly at: Date };

export interface FailureOutcome {
  readonly state: FailureState;
  readonly alerts: readonly FailureAlert[];
}

/**
 * Applies one scheduled run at `at` (its rows: every enabled platform). `threshold` is ALERT_FAILURES; 0 counts the
 * outages (for /status) without alerting.
 */
export function failureRule(state: FailureState, rows: readonly RunRow[], at: Date, threshold: number): FailureOutcome {
  const outages = new Map<PlatformId, Outage>();
  const alerts: FailureAlert[] = [];
  for (const row of rows) {
    const before = state.outages.get(row.id);
    if (row.ok) {
      if (before?.alerted) alerts.push({ kind: "back", platform: row.id, outage: before, at });
      continue;
    }
    const failures = (before?.failures ?? 0) + 1;
    const due = threshold > 0 && failures >= threshold && !(before?.alerted ?? false);
    const outage: Outage = {
      failures,
      since: before?.since ?? at,
      lastAt: at,
      lastError: row.error ?? "no answer",
      alerted: (before?.alerted ?? false) || due,
    };
    outages.set(row.id, outage);
    if (due) alerts.push({ kind: "down", platform: row.id, outage, threshold });
  }
  return { state: { outages }, alerts };
}

/** The platforms whose last scheduled run failed, longest out first. */
export function currentOutages(state: FailureState): { readonly platform: PlatformId; readonly outage: Outage }[] {
  return [...state.outages]
    .map(([platform, outage]) => ({ platform, outage }))
    .sort((a, b) => a.outage.since.getTime() - b.outage.since.getTime());
}
