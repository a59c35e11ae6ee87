// The weekly digest as pure functions: its slot (DIGEST in TIMEZONE, under the scheduler's missed-slot rule) and
// its content from the day history, across a daylight-saving week and after downtime.
import { describe, expect, test } from "bun:test";
import {
  digestSlotToSend,
  digestWeek,
  nextDigestSlot,
  parseDigestSchedule,
  previousDigestSlot,
  WEEKDAY_NAMES,
  weeklyDigest,
} from "../../src/alerts/digest.ts";
import { toPlainString } from "../../src/lib/money.ts";
import { dayRecord, TZ } from "./support.ts";

const SUNDAY_19 = { weekday: 0, hour: 19, minute: 0 };
const GRACE = 10 * 60_000;
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe("DIGEST", () => {
  test("a weekday (three letters or the full name, any case) and a 24-hour time; off; anything else is refused", () => {
    expect(parseDigestSchedule("sun 19:00")).toEqual(SUNDAY_19);
    expect(parseDigestSchedule("  Sunday   7:05 ")).toEqual({ weekday: 0, hour: 7, minute: 5 });
    expect(parseDigestSchedule("FRI 00:00")).toEqual({ weekday: 5, hour: 0, minute: 0 });
    expect(parseDigestSchedule("OFF")).toBe("off");
    for (const bad of ["sun 24:00", "sun 19:60", "sun 19", "19:00", "sonntag 19:00", "sun 7pm", "su 19:00", ""])
      expect(parseDigestSchedule(bad)).toBeNull();
    expect(WEEKDAY_NAMES.map((name) => parseDigestSchedule(`${name} 12:00`))).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, hour: 12, minute: 0 })),
    );
  });
});

describe("the digest's slot", () => {
  test("stays at 19:00 local across the October change: the week before is an hour longer", () => {
    // Paris leaves summer time on Sunday 25 October 2026 at 03:00.
    const after = previousDigestSlot(new Date("2026-10-25T20:00:00Z"), SUNDAY_19, TZ);
    const before = previousDigestSlot(new Date("2026-10-25T17:30:00Z"), SUNDAY_19, TZ);
    expect(iso(after)).toBe("2026-10-25T18:00:00.000Z");
    expect(iso(before)).toBe("2026-10-18T17:00:00.000Z");
    expect(iso(nextDigestSlot(before, SUNDAY_19, TZ))).toBe("2026-10-25T18:00:00.000Z");
    expect(digestWeek(after, TZ)).toEqual({ first: "2026-10-19", last: "2026-10-25" });
  });

  test("a wall time the March change skips is sent at the first instant after it", () => {
    const slot = previousDigestSlot(new Date("2026-03-29T12:00:00Z"), { weekday: 0, hour: 2, minute: 30 }, TZ);
    expect(iso(slot)).toBe("2026-03-29T01:00:00.000Z");
  });

  test("is sent once, on time or within the grace; a restart after sending does not send it again", () => {
    const slot = new Date("2026-11-29T18:00:00Z");
    // A second before, the latest slot is a week old.
    expect(digestSlotToSend(new Date("2026-11-29T17:59:59Z"), null, SUNDAY_19, TZ, GRACE)).toBeNull();
    expect(iso(digestSlotToSend(slot, null, SUNDAY_19, TZ, GRACE))).toBe(iso(slot));
    expect(iso(digestSlotToSend(new Date(slot.getTime() + GRACE), null, SUNDAY_19, TZ, GRACE))).toBe(iso(slot));
    expect(digestSlotToSend(new Date(slot.getTime() + 60_000), slot, SUNDAY_19, TZ, GRACE)).toBeNull();
  });

  test("after downtime across the slot it is skipped, never replayed; the next week's is sent", () => {
    const missed = new Date("2026-11-29T18:00:00Z");
    // Down from Sunday 18:30 to Monday 09:00 (Paris): the slot is 14 hours old at restart.
    for (const restart of ["2026-11-29T18:10:01Z", "2026-11-30T08:00:00Z", "2026-12-06T17:59:00Z"])
      expect(digestSlotToSend(new Date(restart), null, SUNDAY_19, TZ, GRACE)).toBeNull();
    const lastSent = new Date(missed.getTime() - 7 * 86_400_000);
    expect(digestSlotToSend(new Date("2026-11-30T08:00:00Z"), lastSent, SUNDAY_19, TZ, GRACE)).toBeNull();
    expect(iso(digestSlotToSend(new Date("2026-12-06T18:00:30Z"), lastSent, SUNDAY_19, TZ, GRACE))).toBe("2026-12-06T18:00:00.000Z");
  });
});

describe("the digest's content", () => {
  // The DST week of 19–25 October 2026; the Sunday before closes the previous week.
  const records = [
    dayRecord("2026-10-11", "1", { platforms: { bybit: "1" } }),
    dayRecord("2026-10-18", "10000", { platforms: { bybit: "6000", okx: "4000" } }),
    dayRecord("2026-10-19", "10100", { platforms: { bybit: "6100", okx: "4000" } }),
    dayRecord("2026-10-20", "9000", { complete: false, platforms: { bybit: "6000" } }),
    dayRecord("2026-10-21", "9800", { platforms: { bybit: "5900", okx: "3900" } }),
    dayRecord("2026-10-22", "10900", { platforms: { bybit: "6800", okx: "4100" } }),
    dayRecord("2026-10-24", "10500", { platforms: { bybit: "6600", okx: "3900" } }),
    dayRecord("2026-10-25", "10600", { platforms: { bybit: "6800", okx: "3800" } }),
    dayRecord("2026-10-26", "99999", { platforms: { bybit: "99999" } }),
  ];
  const digest = weeklyDigest(records, { first: "2026-10-19", last: "2026-10-25" });

  test("the week's change runs from the last complete day before the week to its last complete day, total and per platform", () => {
    expect([digest.start?.day, digest.end?.day]).toEqual(["2026-10-18", "2026-10-25"]);
    expect([toPlainString(digest.change!.usd), toPlainString(digest.change!.pct!)]).toEqual(["600", "6"]);
    expect(digest.platforms.map((p) => [p.platform, toPlainString(p.usd), toPlainString(p.pct!)])).toEqual([
      ["bybit", "800", "13.333333"],
      ["okx", "-200", "-5"],
    ]);
    expect([digest.best?.platform, digest.worst?.platform]).toEqual(["bybit", "okx"]);
  });

  test("the high and the low are complete days of the week: a partial day's lower total is not the low", () => {
    expect(digest.high).toEqual({ day: "2026-10-22", usd: records[5]!.usd });
    expect(digest.low).toEqual({ day: "2026-10-21", usd: records[4]!.usd });
  });

  test("partial days and days without a report are named", () => {
    expect(digest.partialDays).toEqual(["2026-10-20"]);
    expect(digest.missingDays).toEqual(["2026-10-23"]);
  });

  test("without a complete day before the week, the change starts at the week's first complete day", () => {
    const week = weeklyDigest(records.slice(2), { first: "2026-10-19", last: "2026-10-25" });
    expect(week.start?.day).toBe("2026-10-19");
    expect(toPlainString(week.change!.usd)).toBe("500");
  });

  test("a week with one complete day or none has no change, no best and no worst", () => {
    const one = weeklyDigest(
      [dayRecord("2026-10-25", "100", { platforms: { bybit: "60", okx: "40" } })],
      digestWeek(new Date("2026-10-25T18:00:00Z"), TZ),
    );
    expect([one.change, one.best, one.worst, one.platforms]).toEqual([null, null, null, []]);
    const none = weeklyDigest([], { first: "2026-10-19", last: "2026-10-25" });
    expect([none.start, none.end, none.high, none.missingDays.length]).toEqual([null, null, null, 7]);
  });
});
