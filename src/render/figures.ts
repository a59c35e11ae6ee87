/**
 * @module Amounts, changes and times as the alerts and the digest show them. Pure; the output
 * never depends on the process's time zone. Every string here is plain text that needs no HTML escaping
 * (digits, currency signs, month names); `zoneNote` is escaped.
 */
import { abs, type Decimal, formatGrouped, isNegative } from "../lib/money.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { zonedDay } from "../lib/zoned-time.ts";
import { escapeHtml } from "./html.ts";

/** A real minus sign, as the report's change line uses. */
const MINUS = "−";

/** "$12,346": whole dollars, as the report shows them. */
export function usd(amount: Decimal): string {
  return `${signOf(amount, 0) === MINUS ? MINUS : ""}$${formatGrouped(abs(amount), 0)}`;
}

/** "+$1,235", "−$1,235", "$0": whole dollars. */
export function signedUsd(amount: Decimal): string {
  return `${signOf(amount, 0)}$${formatGrouped(abs(amount), 0)}`;
}

/** "+6.25%", "−6.25%", "0.00%". */
export function signedPct(pct: Decimal): string {
  return `${signOf(pct, 2)}${formatGrouped(abs(pct), 2)}%`;
}

/** "24 Nov, 10:00" in `timeZone`. */
export function dayAndTime(instant: Date, timeZone: string): string {
  return formatZoned(instant, timeZone, "d MMM, HH:mm");
}

/** " (Asia/Tokyo)": the time zone named after a time, only when it is not the default one (the report's rule). */
export function zoneNote(timeZone: string, defaultTimeZone: string): string {
  return timeZone === defaultTimeZone ? "" : ` (${escapeHtml(timeZone)})`;
}

/** "24 Nov, 10:00 → 12:00" on one local day, else "23 Nov, 18:00 → 24 Nov, 10:00". */
export function timeSpan(from: Date, to: Date, timeZone: string): string {
  const sameDay = zonedDay(from, timeZone) === zonedDay(to, timeZone);
  return `${dayAndTime(from, timeZone)} → ${sameDay ? formatZoned(to, timeZone, "HH:mm") : dayAndTime(to, timeZone)}`;
}

/** "45 min", "6 h 10 min", "2 d 3 h": how long something lasted, to the minute (under a day) or the hour. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** The sign a value shows once rounded to `places`: nothing for a value that rounds to 0. */
function signOf(value: Decimal, places: number): string {
  if (/^[0.,]*$/.test(formatGrouped(abs(value), places))) return "";
  return isNegative(value) ? MINUS : "+";
}
