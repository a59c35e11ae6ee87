// Wall-clock time in an IANA time zone ↔ UTC instants, through Intl only, so that no answer depends on
// the process's own TZ. (date-fns-tz's formatInTimeZone goes through a process-local Date: with the
// process in America/New_York it shows Paris 02:30 on 8 March 2026, New York's DST day, as 03:30;
// reference/stack.md §7 lists the other traps.) Days are "YYYY-MM-DD" strings.

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/** Whether `text` names an IANA time zone ("Europe/Paris", "UTC"); abbreviations and offsets ("CET", "+03:00") do not count. */
export function isTimeZone(text: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: text });
    return text.includes("/") || text === "UTC";
  } catch {
    return false;
  }
}

/** The calendar day ("YYYY-MM-DD") that `instant` falls on in `timeZone`. */
export function zonedDay(instant: Date, timeZone: string): string {
  const p = wallParts(instant.getTime(), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
}

/** "YYYY-MM-DD" shifted by `days` calendar days (pure date arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The instant at which the wall clock in `timeZone` shows `day` `hour`:`minute` (hour 24 = the next day's 00:00).
 * A wall time skipped by a DST gap maps to the first instant after the gap (Paris 29 March 2026 02:00 →
 * 03:00 +02:00; Lord Howe's 30-minute gap 02:00 → 02:30 +11:00); a wall time that happens twice maps
 * to its first occurrence (Paris 25 October 2026 02:00 → 02:00 +02:00).
 */
export function zonedWallTime(day: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = parseDay(day);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // Every offset in force around this wall time: the one a day before and a day after cover any single
  // transition near it (zones change offset at most a few times a year).
  const offsets = new Set([offsetMs(wall - DAY_MS, timeZone), offsetMs(wall, timeZone), offsetMs(wall + DAY_MS, timeZone)]);
  const matches = [...offsets].map((offset) => wall - offset).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (matches.length > 0) return new Date(Math.min(...matches));
  // A gap: the clock jumped over this wall time. The jump happened between the instant this wall time
  // would have had under the later offset and the one under the earlier offset; find it by bisection.
  // Transitions fall on whole seconds, so bisect over seconds.
  let before = (wall - Math.max(...offsets)) / SECOND_MS;
  let after = (wall - Math.min(...offsets)) / SECOND_MS;
  const offsetBefore = offsetMs(before * SECOND_MS, timeZone);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (offsetMs(middle * SECOND_MS, timeZone) === offsetBefore) before = middle;
    else after = middle;
  }
  return new Date(after * SECOND_MS);
}

/** The zone's UTC offset at `instant`, in ms (Paris: 3_600_000 in winter, 7_200_000 in summer). */
export function offsetMs(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / SECOND_MS) * SECOND_MS;
  const p = wallParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

interface WallParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallParts(instant: number, timeZone: string): WallParts {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: some engines print midnight as "24" with hour12: false.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

function parseDay(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
