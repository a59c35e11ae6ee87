/**
 * @module How old a statement's report date is on a given day, in calendar days and in business days (weekdays: the
 * Flex data changes once a day at the close, brokers.md §2.3, and not at weekends). Days are "YYYY-MM-DD".
 */

/** A statement this many business days old or less is a normal "Last Business Day" one (long holidays included). */
export const MAX_STATEMENT_BUSINESS_DAYS = 4;

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS);
}

/** Weekdays after `from`, up to and including `to`: Friday's close is 1 business day old on Monday, 0 on Saturday. */
export function businessDaysBetween(from: string, to: string): number {
  let count = 0;
  for (let t = dayMs(from) + DAY_MS; t <= dayMs(to); t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

const DAY_MS = 86_400_000;

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}
