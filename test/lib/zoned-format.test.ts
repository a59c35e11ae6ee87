import { describe, expect, test } from "bun:test";
import { formatZoned } from "../../src/lib/zoned-format.ts";
import { PROCESS_ZONES, repoModule, runUnderProcessZones } from "../support/time-zones.ts";

/** [instant, zone, pattern, expected]: DST gaps and repeats, odd offsets, a year's edge. */
const CASES: [string, string, string, string][] = [
  // Paris 02:30 on New York's DST night: a process in New York cannot hold 02:30 local that night.
  ["2026-03-08T01:30:00Z", "Europe/Paris", "d MMM yyyy, HH:mm", "8 Mar 2026, 02:30"],
  // Paris's own change: 01:59 winter time, then 03:00 summer time.
  ["2026-03-29T00:59:00Z", "Europe/Paris", "d MMM yyyy, HH:mm", "29 Mar 2026, 01:59"],
  ["2026-03-29T01:00:00Z", "Europe/Paris", "d MMM yyyy, HH:mm XXX", "29 Mar 2026, 03:00 +02:00"],
  // 02:30 happens twice in Paris on 25 October: first at +02:00, then at +01:00.
  ["2026-10-25T00:30:00Z", "Europe/Paris", "HH:mm XXX", "02:30 +02:00"],
  ["2026-10-25T01:30:00Z", "Europe/Paris", "HH:mm XXX", "02:30 +01:00"],
  ["2026-11-24T09:00:00Z", "Europe/Paris", "EEE d MMM, HH:mm", "Tue 24 Nov, 10:00"],
  ["2026-12-31T23:30:00Z", "Asia/Kathmandu", "yyyy-MM-dd HH:mm", "2027-01-01 05:15"],
  ["2026-10-04T02:00:00Z", "Australia/Lord_Howe", "d MMM HH:mm", "4 Oct 13:00"],
  ["2026-01-01T00:00:00Z", "America/New_York", "EEE d MMM yyyy, HH:mm", "Wed 31 Dec 2025, 19:00"],
  ["2026-06-15T12:00:00Z", "UTC", "d MMM yyyy", "15 Jun 2026"],
];

describe("formatZoned", () => {
  test.each(CASES)("%s in %s as %p is %p", (instant, zone, pattern, expected) => {
    expect(formatZoned(new Date(instant), zone, pattern)).toBe(expected);
  });

  test("gives the same text under every process time zone", () => {
    const runs = runUnderProcessZones<string[]>(`
      const { formatZoned } = await import(${repoModule("src/lib/zoned-format.ts")});
      return ${JSON.stringify(CASES)}.map(([instant, zone, pattern]) => formatZoned(new Date(instant), zone, pattern));
    `);
    expect(runs.map((run) => run.zone)).toEqual([...PROCESS_ZONES]);
    expect(new Set(runs.map((run) => run.offsetMinutes)).size).toBe(PROCESS_ZONES.length);
    for (const run of runs) expect(run.value).toEqual(CASES.map((c) => c[3]));
  });
});
