/**
 * @module Key expiry warnings: a pure function of the stored warnings and the expiry dates the platforms report
 * (KeyAudit.expiresAt, read once a day). A key is warned about 14, 3 and 1 days before it expires, once each:
 * a key first seen 2 days before gets the 3-day warning only, and a key replaced by one with another date starts
 * over. An expired key gets no warning: it fails its platform, and the failure alert says what to do.
 */
import type { PlatformId } from "../platforms/types.ts";

/** Days before expiry at which the owner is warned, largest first. */
export const EXPIRY_WARNING_DAYS = [14, 3, 1] as const;

type WarningDay = (typeof EXPIRY_WARNING_DAYS)[number];

/** A key's expiry date as last read, and the smallest warning day already sent for it (null: none yet). */
export interface ExpiringKey {
  readonly expiresAt: Date;
  readonly warned: WarningDay | null;
}

export interface ExpiryState {
  readonly keys: ReadonlyMap<PlatformId, ExpiringKey>;
}

export const NO_EXPIRY_WARNINGS: ExpiryState = { keys: new Map() };

/** What one platform's audit said: its key's expiry, or null when it reports none. */
export interface ExpiryReading {
  readonly platform: PlatformId;
  readonly expiresAt: Date | null;
}

export interface ExpiryWarning {
  readonly platform: PlatformId;
  readonly expiresAt: Date;
  /** Whole days left (0: it expires within a day). */
  readonly daysLeft: number;
}

export interface ExpiryOutcome {
  readonly state: ExpiryState;
  readonly warnings: readonly ExpiryWarning[];
}

const DAY_MS = 86_400_000;

/** Whole days from `now` until `expiresAt`, rounded down (negative once it has passed). */
export function daysLeft(expiresAt: Date, now: number): number {
  return Math.floor((expiresAt.getTime() - now) / DAY_MS);
}

/** The warning due at `days` left: the smallest warning day at or above it; null beyond 14 days, or once expired. */
export function warningDay(days: number): WarningDay | null {
  if (days < 0) return null;
  return EXPIRY_WARNING_DAYS.toReversed().find((day) => days <= day) ?? null;
}

/**
 * What to warn about now. `readings` are today's successful audits: a platform absent from them (its audit failed)
 * keeps what was stored; one that now reports no expiry is forgotten.
 */
export function expiryRule(state: ExpiryState, readings: readonly ExpiryReading[], now: number): ExpiryOutcome {
  const keys = new Map(state.keys);
  const warnings: ExpiryWarning[] = [];
  for (const { platform, expiresAt } of readings) {
    if (expiresAt === null) {
      keys.delete(platform);
      continue;
    }
    const stored = keys.get(platform);
    const warned = stored !== undefined && stored.expiresAt.getTime() === expiresAt.getTime() ? stored.warned : null;
    const left = daysLeft(expiresAt, now);
    const due = warningDay(left);
    if (due !== null && (warned === null || due < warned)) {
      warnings.push({ platform, expiresAt, daysLeft: left });
      keys.set(platform, { expiresAt, warned: due });
    } else {
      keys.set(platform, { expiresAt, warned });
    }
  }
  return { state: { keys }, warnings };
}
