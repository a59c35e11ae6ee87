/**
 * @module How a calendar day ("YYYY-MM-DD") is shown. Pure date arithmetic on the day itself: no instant, no time
 * zone, so the output never depends on the process's TZ. Anything that is not a real YYYY-MM-DD day is shown as is.
 */

/** "2026-11-24" → "24 Nov 2026": the report's dates (as of, FX rate, change since). */
export function dayWithMonthName(day: string): string {
  const parts = partsOf(day);
  return parts ? `${parts.day} ${MONTHS[parts.month - 1]} ${parts.year}` : day;
}

/** "2026-11-23" → "Mon 23.11.2026": the history list, where the weekday makes weekend gaps obvious. */
export function dayWithWeekday(day: string): string {
  const parts = partsOf(day);
  if (!parts) return day;
  const weekday = WEEKDAYS[new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay()];
  return `${weekday} ${pad(parts.day)}.${pad(parts.month)}.${parts.year}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

function partsOf(day: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.UTC rolls 2026-02-30 over to 2 March: a day that does not round-trip does not exist.
  const probe = new Date(Date.UTC(year, month - 1, date));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== date) return null;
  return { year, month, day: date };
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
