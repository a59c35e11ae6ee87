/**
 * @module The weekly digest (DIGEST=sun 19:00): when it is due, and what it says, as pure functions of the clock
 * and the day history.
 *
 * When. One slot a week, the given weekday and wall time in TIMEZONE, so it stays at 19:00 across a daylight-saving
 * change (that week is an hour shorter or longer). The slot is sent under the scheduler's missed-slot rule
 * (bot/schedule.ts slotToRun): the latest slot at or before now, if it is later than the last one sent and at most
 * the grace old. A slot missed by longer (pfbot was down) is skipped, never replayed, and a restart after sending
 * never sends it again (the last slot sent is stored).
 *
 * What. The 7 local days ending on the slot's day. The week's change runs from the last complete day before the
 * week (within the 7 days before it; else the week's first complete day) to the week's last complete day: a partial
 * day leaves money out, so it is never an end of a change, nor the high or the low. Per platform, the same two days'
 * values; the best and the worst platform by USD change. Partial days and days without a report are named.
 */
import type { DayRecord } from "../history/store.ts";
import { cmp, type Decimal, dec, div, isNegative, isZero, mul, sub } from "../lib/money.ts";
import { addDays, zonedDay, zonedWallTime } from "../lib/zoned-time.ts";
import { PLATFORMS, type PlatformId } from "../platforms/registry.ts";

/** DIGEST's value: a weekday (0 = Sunday … 6 = Saturday) and a wall time in TIMEZONE. */
export interface DigestSchedule {
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

export const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/**
 * "sun 19:00", "Sunday 7:05" → the schedule; "off" → "off"; anything else → null. A weekday by its first three
 * letters or its full English name, any case; the time as H:MM or HH:MM, 24-hour.
 */
export function parseDigestSchedule(text: string): DigestSchedule | "off" | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "off") return "off";
  const match = /^([a-z]+)\s+(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!match) return null;
  const [, word = "", hourText = "", minuteText = ""] = match;
  const weekday = WEEKDAY_NAMES.findIndex((name, i) => word === name || word === FULL_NAMES[i]);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (weekday < 0 || hour > 23 || minute > 59) return null;
  return { weekday, hour, minute };
}

const FULL_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/** The latest digest slot at or before `atOrBefore`. */
export function previousDigestSlot(atOrBefore: Date, schedule: DigestSchedule, timeZone: string): Date {
  const today = zonedDay(atOrBefore, timeZone);
  // Today's slot may still be ahead: a week back then holds the latest.
  for (let back = 0; back <= 7; back++) {
    const day = addDays(today, -back);
    if (weekdayOf(day) !== schedule.weekday) continue;
    const slot = zonedWallTime(day, schedule.hour, schedule.minute, timeZone);
    if (slot.getTime() <= atOrBefore.getTime()) return slot;
  }
  throw new Error(`no digest slot in the week before ${atOrBefore.toISOString()}`);
}

/** The first digest slot strictly after `after`. */
export function nextDigestSlot(after: Date, schedule: DigestSchedule, timeZone: string): Date {
  const today = zonedDay(after, timeZone);
  for (let ahead = 0; ahead <= 7; ahead++) {
    const day = addDays(today, ahead);
    if (weekdayOf(day) !== schedule.weekday) continue;
    const slot = zonedWallTime(day, schedule.hour, schedule.minute, timeZone);
    if (slot.getTime() > after.getTime()) return slot;
  }
  throw new Error(`no digest slot in the week after ${after.toISOString()}`);
}

/**
 * The slot to send now, if any: the latest slot at or before `now`, when it is later than `lastSent` and at most
 * `graceMs` old (the scheduler's rule: a slot missed by longer is skipped, not replayed).
 */
export function digestSlotToSend(
  now: Date,
  lastSent: Date | null,
  schedule: DigestSchedule,
  timeZone: string,
  graceMs: number,
): Date | null {
  const latest = previousDigestSlot(now, schedule, timeZone);
  if (lastSent !== null && latest.getTime() <= lastSent.getTime()) return null;
  if (now.getTime() - latest.getTime() > graceMs) return null;
  return latest;
}

/** The local days a digest covers: 7, ending on the slot's day. */
export interface DigestWeek {
  readonly first: string;
  readonly last: string;
}

export function digestWeek(slot: Date, timeZone: string): DigestWeek {
  const last = zonedDay(slot, timeZone);
  return { first: addDays(last, -6), last };
}

export interface ValueChange {
  readonly usd: Decimal;
  /** Null when the start value is not above 0. */
  readonly pct: Decimal | null;
}

export interface PlatformChange extends ValueChange {
  readonly platform: PlatformId;
}

export interface DayValue {
  readonly day: string;
  readonly usd: Decimal;
}

export interface WeeklyDigest {
  readonly week: DigestWeek;
  /** Where the change starts: the last complete day before the week (within 7 days), else the week's first complete day. */
  readonly start: DayRecord | null;
  /** The week's last complete day. */
  readonly end: DayRecord | null;
  /** Null without two distinct ends. */
  readonly change: ValueChange | null;
  /** Registry order; platforms with a USD value on both ends. */
  readonly platforms: readonly PlatformChange[];
  /** Over the week's complete days. */
  readonly high: DayValue | null;
  readonly low: DayValue | null;
  /** By USD change, with at least two platforms to compare. */
  readonly best: PlatformChange | null;
  readonly worst: PlatformChange | null;
  /** Days of the week recorded as partial, and days with no record, in order. */
  readonly partialDays: readonly string[];
  readonly missingDays: readonly string[];
}

/** The digest of `week` from the day history (any order; the days before the week give the start value). */
export function weeklyDigest(records: readonly DayRecord[], week: DigestWeek): WeeklyDigest {
  const sorted = [...records].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const inWeek = sorted.filter((record) => record.day >= week.first && record.day <= week.last);
  const complete = inWeek.filter((record) => record.complete);
  const before = sorted.filter((record) => record.complete && record.day < week.first && record.day >= addDays(week.first, -7)).at(-1);
  const start = before ?? complete[0] ?? null;
  const end = complete.at(-1) ?? null;
  const distinct = start !== null && end !== null && start.day !== end.day;
  const platforms = distinct ? platformChanges(start, end) : [];
  const ranked = platforms.toSorted((a, b) => cmp(b.usd, a.usd));
  const days = Array.from({ length: 7 }, (_, i) => addDays(week.first, i));
  const recorded = new Set(inWeek.map((record) => record.day));
  return {
    week,
    start,
    end,
    change: distinct ? changeOf(start.usd, end.usd) : null,
    platforms,
    high: extreme(complete, 1),
    low: extreme(complete, -1),
    best: ranked.length >= 2 ? (ranked[0] ?? null) : null,
    worst: ranked.length >= 2 ? (ranked.at(-1) ?? null) : null,
    partialDays: inWeek.filter((record) => !record.complete).map((record) => record.day),
    missingDays: days.filter((day) => !recorded.has(day)),
  };
}

const HUNDRED = dec("100");

function changeOf(from: Decimal, to: Decimal): ValueChange {
  const usd = sub(to, from);
  return { usd, pct: isZero(from) || isNegative(from) ? null : div(mul(usd, HUNDRED), from, 6) };
}

function platformChanges(start: DayRecord, end: DayRecord): PlatformChange[] {
  return PLATFORMS.flatMap(({ id }): PlatformChange[] => {
    const from = start.platforms.get(id)?.usd ?? null;
    const to = end.platforms.get(id)?.usd ?? null;
    return from === null || to === null ? [] : [{ platform: id, ...changeOf(from, to) }];
  });
}

/** The highest (direction 1) or lowest (-1) value, the earliest day on a tie. */
function extreme(records: readonly DayRecord[], direction: 1 | -1): DayValue | null {
  let found: DayRecord | null = null;
  for (const record of records) if (found === null || cmp(record.usd, found.usd) === direction) found = record;
  return found === null ? null : { day: found.day, usd: found.usd };
}

function weekdayOf(day: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}
