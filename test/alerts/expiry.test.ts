// The key expiry rule as a pure function: today's audits and the clock in, warnings out.
import { describe, expect, test } from "bun:test";
import { daysLeft, type ExpiryState, expiryRule, NO_EXPIRY_WARNINGS, warningDay } from "../../src/alerts/expiry.ts";

const DAY = 86_400_000;
const EXPIRES = new Date("2026-12-20T07:20:25Z");
/** The daily audit `days` days before the expiry (to the millisecond). */
const daysBefore = (days: number) => EXPIRES.getTime() - days * DAY;

/** One audit a day at each of `days` (days left); returns the days left of each warning and the final state. */
function daily(days: readonly number[], start: ExpiryState = NO_EXPIRY_WARNINGS) {
  let state = start;
  const warned: number[][] = [];
  for (const left of days) {
    const outcome = expiryRule(state, [{ platform: "bybit", expiresAt: EXPIRES }], daysBefore(left));
    state = outcome.state;
    warned.push(outcome.warnings.map((w) => w.daysLeft));
  }
  return { warned, state };
}

describe("warn 14, 3 and 1 days before, once each", () => {
  test("15, 14, 3, 1 and 0 days before: nothing, the 14-day, the 3-day, the 1-day warning, then nothing", () => {
    expect(daily([15, 14, 3, 1, 0]).warned).toEqual([[], [14], [3], [1], []]);
  });

  test("a daily audit every day from 20 days before warns exactly three times", () => {
    const days = Array.from({ length: 21 }, (_, i) => 20 - i);
    const { warned } = daily(days);
    expect(warned.flat()).toEqual([14, 3, 1]);
  });

  test("a part day counts down: 14 days and 23 hours is 14 days left", () => {
    expect(daysLeft(EXPIRES, daysBefore(14) - 23 * 3_600_000)).toBe(14);
    expect(daysLeft(EXPIRES, daysBefore(15))).toBe(15);
    expect([15, 14, 13, 4, 3, 2, 1, 0, -1].map(warningDay)).toEqual([null, 14, 14, 14, 3, 3, 1, 1, null]);
  });

  test("first seen 2 days before (pfbot was down): only the 3-day warning; first seen on the last day: one warning", () => {
    expect(daily([2, 1, 0]).warned).toEqual([[2], [1], []]);
    expect(daily([0]).warned).toEqual([[0]]);
  });

  test("an expired key gets no warning: its platform fails, and the failure alert says what to do", () => {
    expect(daily([-1]).warned).toEqual([[]]);
  });

  test("a new key with another date starts over; a key that stops reporting an expiry is forgotten", () => {
    const { state } = daily([14, 3]);
    const renewed = new Date(EXPIRES.getTime() + 90 * DAY);
    const next = expiryRule(state, [{ platform: "bybit", expiresAt: renewed }], renewed.getTime() - 14 * DAY);
    expect(next.warnings.map((w) => w.daysLeft)).toEqual([14]);
    expect(expiryRule(next.state, [{ platform: "bybit", expiresAt: null }], 0).state.keys.size).toBe(0);
  });

  test("a platform whose audit failed today (absent) keeps what was sent", () => {
    const { state } = daily([14]);
    const outcome = expiryRule(state, [], daysBefore(3));
    expect(outcome.warnings).toEqual([]);
    expect(expiryRule(outcome.state, [{ platform: "bybit", expiresAt: EXPIRES }], daysBefore(13)).warnings).toEqual([]);
  });
});
