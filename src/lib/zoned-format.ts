// Instants shown as the wall clock of an IANA time zone shows them ("24 Nov 2026, 10:00"), whatever the
// process's own TZ. date-fns-tz's formatInTimeZone shifts the instant into a process-local Date, which
// cannot hold a wall time the process's zone skips (Paris 02:30 on 8 March 2026 prints as 03:30 under
// TZ=America/New_York). Here date-fns-tz's `format` is handed a Date whose local fields are the wall time
// read through Intl (zoned-time.ts), so the process's zone never enters. A module of its own: the history
// and the schedule need zoned-time.ts without loading date-fns.
import { format } from "date-fns-tz";
import { offsetMs } from "./zoned-time.ts";

/**
 * `instant` as the wall clock in `timeZone` shows it, in a date-fns pattern (English names): "d MMM yyyy, HH:mm",
 * "EEE d MMM", "yyyy-MM-dd". Zone tokens (XXX, zzz) name `timeZone`.
 */
export function formatZoned(instant: Date, timeZone: string, pattern: string): string {
  const wall = new WallFieldsDate(instant.getTime() + offsetMs(instant.getTime(), timeZone));
  return format(wall, pattern, { timeZone, originalDate: instant });
}

/**
 * A Date read and written through its UTC fields: date-fns uses the local getters and setters, and gets the
 * UTC fields, which hold the wall time. (date-fns copies a Date through its constructor, so the copy is one too.)
 */
class WallFieldsDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
  override setFullYear(year: number, month?: number, date?: number): number {
    return this.setUTCFullYear(year, month ?? this.getUTCMonth(), date ?? this.getUTCDate());
  }
  override setMonth(month: number, date?: number): number {
    return this.setUTCMonth(month, date ?? this.getUTCDate());
  }
  override setDate(date: number): number {
    return this.setUTCDate(date);
  }
  override setHours(hours: number, minutes?: number, seconds?: number, ms?: number): number {
    return this.setUTCHours(hours, minutes ?? this.getUTCMinutes(), seconds ?? this.getUTCSeconds(), ms ?? this.getUTCMilliseconds());
  }
  override setMinutes(minutes: number, seconds?: number, ms?: number): number {
    return this.setUTCMinutes(minutes, seconds ?? this.getUTCSeconds(), ms ?? this.getUTCMilliseconds());
  }
  override setSeconds(seconds: number, ms?: number): number {
    return this.setUTCSeconds(seconds, ms ?? this.getUTCMilliseconds());
  }
  override setMilliseconds(ms: number): number {
    return this.setUTCMilliseconds(ms);
  }
}
