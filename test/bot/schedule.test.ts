import { describe, expect, test } from "bun:test";
import { daySlots, type LastRun, nextSlot, previousSlot, Scheduler, type ScheduleSettings, slotToRun } from "../../src/bot/schedule.ts";
import type { Logger } from "../../src/lib/log.ts";
import { zonedWallTime } from "../../src/lib/zoned-time.ts";
import { PROCESS_ZONES, repoModule, runUnderProcessZones } from "../support/time-zones.ts";

const PARIS = "Europe/Paris";
const settings = (frequencyMinutes: number, windowStartHour: number, windowEndHour: number, timeZone = PARIS): ScheduleSettings => ({
  timeZone,
  windowStartHour,
  windowEndHour,
  frequencyMinutes,
});
/** Instants written with their offset, so each expectation says which side of a DST change it is on. */
const instants = (...texts: string[]) => texts.map((text) => new Date(text).toISOString());
const iso = (dates: readonly Date[]) => dates.map((date) => date.toISOString());
/** "HH:mm" on the Paris wall clock, computed independently of the code under test. */
const parisClock = (date: Date) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: PARIS, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("daySlots", () => {
  test("every 120 minutes from 8 to 20 gives 08:00 … 18:00 (20:00 is the end, not a slot)", () => {
    expect(iso(daySlots("2026-06-15", settings(120, 8, 20)))).toEqual(
      instants(
        "2026-06-15T08:00+02:00",
        "2026-06-15T10:00+02:00",
        "2026-06-15T12:00+02:00",
        "2026-06-15T14:00+02:00",
        "2026-06-15T16:00+02:00",
        "2026-06-15T18:00+02:00",
      ),
    );
  });

  test("every 45 minutes from 9 to 17 stops at the last slot before 17:00", () => {
    const slots = daySlots("2026-01-12", settings(45, 9, 17)).map(parisClock);
    expect(slots).toEqual(["09:00", "09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15", "15:00", "15:45", "16:30"]);
  });

  test("every minute from 8 to 20 gives 720 slots, 08:00 to 19:59", () => {
    const slots = daySlots("2026-01-12", settings(1, 8, 20));
    expect(slots).toHaveLength(720);
    expect(parisClock(slots[0]!)).toBe("08:00");
    expect(parisClock(slots.at(-1)!)).toBe("19:59");
  });

  test("1440 minutes runs once a day at the window start", () => {
    expect(iso(daySlots("2026-06-15", settings(1440, 8, 20)))).toEqual(instants("2026-06-15T08:00+02:00"));
  });

  test("a frequency longer than the window runs once a day at the start", () => {
    expect(iso(daySlots("2026-01-12", settings(300, 8, 10)))).toEqual(instants("2026-01-12T08:00+01:00"));
    expect(iso(daySlots("2026-01-12", settings(61, 8, 9)))).toEqual(instants("2026-01-12T08:00+01:00"));
  });

  test("a window ending at 24 ends at the next day's midnight", () => {
    expect(daySlots("2026-01-12", settings(120, 20, 24)).map(parisClock)).toEqual(["20:00", "22:00"]);
    const lastHour = daySlots("2026-01-12", settings(1, 23, 24));
    expect(lastHour).toHaveLength(60);
    expect(lastHour.at(-1)!.toISOString()).toBe(new Date("2026-01-12T23:59+01:00").toISOString());
    expect(daySlots("2026-01-12", settings(360, 0, 24)).map(parisClock)).toEqual(["00:00", "06:00", "12:00", "18:00"]);
  });

  test("29 March 2026 in Paris (23 hours): 0–24 hourly has 23 slots and no 02:00", () => {
    const slots = daySlots("2026-03-29", settings(60, 0, 24));
    expect(slots).toHaveLength(23);
    expect(slots[0]!.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(slots.at(-1)!.toISOString()).toBe("2026-03-29T21:00:00.000Z");
    const hours = slots.map(parisClock);
    expect(hours.slice(0, 4)).toEqual(["00:00", "01:00", "03:00", "04:00"]);
    expect(new Set(hours).size).toBe(23);
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.getTime() - slots[i - 1]!.getTime()).toBe(HOUR);
  });

  test("25 October 2026 in Paris (25 hours): 0–24 hourly has 25 slots, 02:00 twice", () => {
    const slots = daySlots("2026-10-25", settings(60, 0, 24));
    expect(slots).toHaveLength(25);
    expect(slots[0]!.toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(slots.at(-1)!.toISOString()).toBe("2026-10-25T22:00:00.000Z");
    expect(slots.map(parisClock).slice(0, 5)).toEqual(["00:00", "01:00", "02:00", "02:00", "03:00"]);
  });

  test("a 1–4 window every 30 minutes spans the change: 4 slots in March, 8 in October", () => {
    expect(iso(daySlots("2026-03-29", settings(30, 1, 4)))).toEqual(
      instants("2026-03-29T01:00+01:00", "2026-03-29T01:30+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:30+02:00"),
    );
    expect(iso(daySlots("2026-10-25", settings(30, 1, 4)))).toEqual(
      instants(
        "2026-10-25T01:00+02:00",
        "2026-10-25T01:30+02:00",
        "2026-10-25T02:00+02:00",
        "2026-10-25T02:30+02:00",
        "2026-10-25T02:00+01:00",
        "2026-10-25T02:30+01:00",
        "2026-10-25T03:00+01:00",
        "2026-10-25T03:30+01:00",
      ),
    );
  });

  test("slots count elapsed time across the change, so later wall times shift by the hour", () => {
    const slots = daySlots("2026-03-29", settings(120, 0, 24));
    expect(slots.map(parisClock)).toEqual([
      "00:00",
      "03:00",
      "05:00",
      "07:00",
      "09:00",
      "11:00",
      "13:00",
      "15:00",
      "17:00",
      "19:00",
      "21:00",
      "23:00",
    ]);
  });

  test("a window starting in the skipped hour starts at the first instant after it; in the repeated hour, at its first occurrence", () => {
    expect(iso(daySlots("2026-03-29", settings(60, 2, 4)))).toEqual(instants("2026-03-29T03:00+02:00"));
    expect(iso(daySlots("2026-03-29", settings(60, 2, 3)))).toEqual([]);
    expect(iso(daySlots("2026-10-25", settings(60, 2, 4)))).toEqual(
      instants("2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00", "2026-10-25T03:00+01:00"),
    );
  });

  test("gaps that are not a whole hour or fall at midnight map to the first instant after them", () => {
    // Lord Howe Island moves 30 minutes (02:00 → 02:30); Santiago skips its midnight (00:00 → 01:00).
    expect(zonedWallTime("2026-10-04", 2, 0, "Australia/Lord_Howe").toISOString()).toBe(new Date("2026-10-04T02:30+11:00").toISOString());
    expect(daySlots("2026-09-06", settings(720, 0, 24, "America/Santiago"))[0]!.toISOString()).toBe(
      new Date("2026-09-06T01:00-03:00").toISOString(),
    );
  });

  test("settings outside the documented ranges are refused", () => {
    expect(() => daySlots("2026-01-12", settings(0, 8, 20))).toThrow(RangeError);
    expect(() => daySlots("2026-01-12", settings(1.5, 8, 20))).toThrow(RangeError);
    expect(() => daySlots("2026-01-12", settings(1441, 8, 20))).toThrow(RangeError);
    expect(() => daySlots("2026-01-12", settings(60, 20, 8))).toThrow(RangeError);
    expect(() => daySlots("2026-01-12", settings(60, 0, 25))).toThrow(RangeError);
  });
});

describe("the process's own TZ does not matter", () => {
  test("slots on both DST days and on New York's DST day are the same under UTC, New York, Tokyo and Chatham", () => {
    const cases: [string, ScheduleSettings][] = [
      ["2026-03-29", settings(30, 0, 24)],
      ["2026-10-25", settings(30, 0, 24)],
      ["2026-03-08", settings(30, 1, 4)], // 02:30 does not exist in New York that night
      ["2026-11-01", settings(30, 0, 3)], // 01:30 happens twice in New York that night
    ];
    const reference = cases.map(([day, s]) => iso(daySlots(day, s)));
    const runs = runUnderProcessZones<string[][]>(`
      const { daySlots } = await import(${repoModule("src/bot/schedule.ts")});
      return ${JSON.stringify(cases)}.map(([day, s]) => daySlots(day, s).map((date) => date.toISOString()));
    `);
    expect(new Set(runs.map((run) => run.offsetMinutes)).size).toBe(PROCESS_ZONES.length);
    for (const run of runs) expect(run.value).toEqual(reference);
    expect(reference[2]).toContain(new Date("2026-03-08T02:30+01:00").toISOString());
  });
});

describe("nextSlot, previousSlot and slotToRun", () => {
  const s = settings(120, 8, 20);

  test("nextSlot is strictly after, and rolls over to the next day's window start", () => {
    expect(nextSlot(new Date("2026-06-15T05:00+02:00"), s).toISOString()).toBe(new Date("2026-06-15T08:00+02:00").toISOString());
    expect(nextSlot(new Date("2026-06-15T10:00+02:00"), s).toISOString()).toBe(new Date("2026-06-15T12:00+02:00").toISOString());
    expect(nextSlot(new Date("2026-06-15T18:00:01+02:00"), s).toISOString()).toBe(new Date("2026-06-16T08:00+02:00").toISOString());
    // Across the March change the next morning's 08:00 is in summer time.
    expect(nextSlot(new Date("2026-03-28T19:00+01:00"), s).toISOString()).toBe(new Date("2026-03-29T08:00+02:00").toISOString());
  });

  test("previousSlot is the latest slot at or before, looking back past the window and the night", () => {
    expect(previousSlot(new Date("2026-06-15T10:00+02:00"), s)!.toISOString()).toBe(new Date("2026-06-15T10:00+02:00").toISOString());
    expect(previousSlot(new Date("2026-06-15T23:00+02:00"), s)!.toISOString()).toBe(new Date("2026-06-15T18:00+02:00").toISOString());
    expect(previousSlot(new Date("2026-06-16T07:59+02:00"), s)!.toISOString()).toBe(new Date("2026-06-15T18:00+02:00").toISOString());
  });

  test("slotToRun returns a due slot once, and only within the grace", () => {
    const grace = 10 * MINUTE;
    const ten = new Date("2026-06-15T10:00+02:00");
    expect(slotToRun(new Date("2026-06-15T10:00:30+02:00"), new Date("2026-06-15T08:00+02:00"), s, grace)).toEqual(ten);
    expect(slotToRun(new Date("2026-06-15T10:00:30+02:00"), null, s, grace)).toEqual(ten);
    expect(slotToRun(new Date("2026-06-15T10:05+02:00"), ten, s, grace)).toBeNull();
    expect(slotToRun(new Date("2026-06-15T10:20+02:00"), new Date("2026-06-15T08:00+02:00"), s, grace)).toBeNull();
  });

  test("after a long sleep the missed slots are not replayed: nothing, then the next slot on time", () => {
    const grace = 10 * MINUTE;
    const lastRun = new Date("2026-06-15T08:00+02:00");
    // Asleep from 08:30 to 15:03: 10:00, 12:00 and 14:00 were missed.
    expect(slotToRun(new Date("2026-06-15T15:03+02:00"), lastRun, s, grace)).toBeNull();
    expect(slotToRun(new Date("2026-06-15T16:00:15+02:00"), lastRun, s, grace)).toEqual(new Date("2026-06-15T16:00+02:00"));
  });
});

describe("Scheduler", () => {
  function harness(options: { frequencyMinutes?: number; graceMs?: number; start?: string; runMs?: number; paused?: boolean } = {}) {
    let now = new Date(options.start ?? "2026-06-15T00:00+02:00").getTime();
    const runs: string[] = [];
    const intervals: { tick: () => void; ms: number; cleared: boolean }[] = [];
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (message) => void warnings.push(message), error() {}, redact: (text) => text };
    let release: (() => void) | null = null;
    const scheduler = new Scheduler({
      settings: settings(options.frequencyMinutes ?? 120, 8, 20),
      now: () => new Date(now),
      log,
      graceMs: options.graceMs ?? 10 * MINUTE,
      paused: options.paused,
      setInterval: (tick, ms) => {
        const interval = { tick, ms, cleared: false };
        intervals.push(interval);
        return interval;
      },
      clearInterval: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
      run: async (slot) => {
        runs.push(parisClock(slot));
        if (options.runMs === undefined) return;
        // A slow run: it ends when the test releases it, after moving the clock.
        await new Promise<void>((resolve) => (release = resolve));
      },
    });
    return {
      scheduler,
      runs,
      intervals,
      warnings,
      setTime: (text: string) => {
        now = new Date(text).getTime();
      },
      advance: (ms: number) => {
        now += ms;
      },
      release: () => release?.(),
      /** Ticks every `stepMs` until `untilText`, awaiting each tick like the interval would not. */
      async tickUntil(untilText: string, stepMs = MINUTE) {
        const until = new Date(untilText).getTime();
        while (now < until) {
          now += stepMs;
          await scheduler.tick();
        }
      },
    };
  }

  test("ticking through a day runs each slot once, on time", async () => {
    const h = harness();
    h.scheduler.start();
    expect(h.intervals).toHaveLength(1);
    await h.tickUntil("2026-06-16T00:00+02:00", 15_000);
    expect(h.runs).toEqual(["08:00", "10:00", "12:00", "14:00", "16:00", "18:00"]);
    expect(h.warnings).toEqual([]); // yesterday's 18:00, long past at start, is not a "missed" run
    expect(h.scheduler.lastRun()).toMatchObject({ slot: new Date("2026-06-15T18:00+02:00"), outcome: "ok" } satisfies Partial<LastRun>);
    expect(h.scheduler.nextRun()).toEqual(new Date("2026-06-16T08:00+02:00"));
  });

  test("the interval callback drives the same tick", async () => {
    const h = harness({ start: "2026-06-15T08:00:10+02:00" });
    h.scheduler.start();
    h.intervals[0]!.tick();
    await h.scheduler.stop();
    expect(h.runs).toEqual(["08:00"]);
    expect(h.intervals[0]!.cleared).toBe(true);
  });

  test("a slot missed during a long sleep is skipped and logged, never replayed", async () => {
    const h = harness();
    h.scheduler.start();
    await h.tickUntil("2026-06-15T08:30+02:00");
    h.setTime("2026-06-15T15:03+02:00"); // woke up after missing 10:00, 12:00 and 14:00
    await h.scheduler.tick();
    await h.tickUntil("2026-06-15T17:00+02:00");
    expect(h.runs).toEqual(["08:00", "16:00"]);
    expect(h.warnings).toHaveLength(1);
  });

  test("a run still in progress blocks new runs, and a slow run causes no burst afterwards", async () => {
    const h = harness({ frequencyMinutes: 60, runMs: 1 });
    h.scheduler.start();
    h.setTime("2026-06-15T08:00:05+02:00");
    const first = h.scheduler.tick();
    await h.tickUntil("2026-06-15T11:30+02:00"); // the 08:00 run takes three and a half hours
    expect(h.runs).toEqual(["08:00"]);
    h.release();
    await first;
    await h.tickUntil("2026-06-15T11:45+02:00");
    expect(h.runs).toEqual(["08:00"]);
    h.setTime("2026-06-15T12:00:05+02:00");
    const next = h.scheduler.tick();
    h.release();
    await next;
    expect(h.runs).toEqual(["08:00", "12:00"]);
  });

  test("stop waits for the run in progress and stops ticking", async () => {
    const h = harness({ runMs: 1, start: "2026-06-15T08:00:05+02:00" });
    h.scheduler.start();
    void h.scheduler.tick();
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    h.release();
    await stopping;
    expect(stopped).toBe(true);
    h.setTime("2026-06-15T10:00:05+02:00");
    await h.scheduler.tick();
    expect(h.runs).toEqual(["08:00"]);
    expect(h.scheduler.nextRun()).toBeNull();
  });

  test("a frequency change takes effect at once, from the next new slot", async () => {
    const h = harness();
    h.scheduler.start();
    await h.tickUntil("2026-06-15T10:50+02:00");
    expect(h.scheduler.nextRun()).toEqual(new Date("2026-06-15T12:00+02:00"));
    // Every 15 minutes the 10:45 slot is 5 minutes old: it is not run late, the next is 11:00.
    expect(h.scheduler.setFrequency(15)).toEqual(new Date("2026-06-15T11:00+02:00"));
    await h.tickUntil("2026-06-15T11:40+02:00");
    expect(h.runs).toEqual(["08:00", "10:00", "11:00", "11:15", "11:30"]);
    expect(h.scheduler.frequencyMinutes()).toBe(15);
    expect(() => h.scheduler.setFrequency(0)).toThrow(RangeError);
    expect(h.scheduler.frequencyMinutes()).toBe(15);
  });

  test("a window change takes effect at once: slots of the new window from now on, none replayed", async () => {
    const h = harness();
    h.scheduler.start();
    await h.tickUntil("2026-06-15T10:50+02:00");
    // 9–20 every 2 h: 09:00 passed already; the next is 11:00, today.
    expect(h.scheduler.setWindow(9, 20)).toEqual(new Date("2026-06-15T11:00+02:00"));
    await h.tickUntil("2026-06-15T13:30+02:00");
    expect(h.runs).toEqual(["08:00", "10:00", "11:00", "13:00"]);
    // Ending at 14:00: nothing more today, tomorrow from 09:00.
    expect(h.scheduler.setWindow(9, 14)).toEqual(new Date("2026-06-16T09:00+02:00"));
    expect(() => h.scheduler.setWindow(14, 14)).toThrow(RangeError);
    expect(() => h.scheduler.setWindow(9, 25)).toThrow(RangeError);
    expect(h.scheduler.nextRun()).toEqual(new Date("2026-06-16T09:00+02:00"));
  });

  test("pause stops scheduled runs and hides the next run; resume continues from now on", async () => {
    const h = harness();
    h.scheduler.start();
    await h.tickUntil("2026-06-15T09:00+02:00");
    h.scheduler.pause();
    expect(h.scheduler.nextRun()).toBeNull();
    await h.tickUntil("2026-06-15T12:05+02:00");
    expect(h.runs).toEqual(["08:00"]);
    // 12:00 passed five minutes ago, within the grace, but resuming does not run it late.
    expect(h.scheduler.resume()).toEqual(new Date("2026-06-15T14:00+02:00"));
    await h.tickUntil("2026-06-15T14:30+02:00");
    expect(h.runs).toEqual(["08:00", "14:00"]);
  });

  test("starting paused runs nothing until resumed", async () => {
    const h = harness({ paused: true });
    h.scheduler.start();
    await h.tickUntil("2026-06-15T09:00+02:00");
    expect(h.runs).toEqual([]);
    expect(h.scheduler.isPaused()).toBe(true);
  });

  test("a failing run is recorded as failed and the next slot still runs", async () => {
    let calls = 0;
    let now = new Date("2026-06-15T08:00:05+02:00").getTime();
    const scheduler = new Scheduler({
      settings: settings(120, 8, 20),
      now: () => new Date(now),
      setInterval: () => 0,
      clearInterval: () => {},
      run: async () => {
        calls++;
        if (calls === 1) throw new Error("Bybit timed out");
        return "partial";
      },
    });
    scheduler.start();
    await scheduler.tick();
    expect(scheduler.lastRun()).toMatchObject({ outcome: "failed", error: "Bybit timed out" });
    now = new Date("2026-06-15T10:00:05+02:00").getTime();
    await scheduler.tick();
    expect(scheduler.lastRun()).toMatchObject({ outcome: "partial", slot: new Date("2026-06-15T10:00+02:00") });
    await scheduler.stop();
  });

  test("the chores run at every tick while started, paused or during a run, and a failing one is logged", async () => {
    let now = new Date("2026-06-15T07:59:00+02:00").getTime();
    const chores: string[] = [];
    const errors: string[] = [];
    let release: () => void = () => {};
    const scheduler = new Scheduler({
      settings: settings(120, 8, 20),
      now: () => new Date(now),
      setInterval: () => 0,
      clearInterval: () => {},
      log: { debug() {}, info() {}, warn() {}, error: (message) => void errors.push(message), redact: (text) => text },
      run: () => new Promise<"ok">((resolve) => (release = () => resolve("ok"))),
      chores: async (at) => {
        chores.push(parisClock(at));
        if (chores.length === 3) throw new Error("the digest failed");
      },
    });
    await scheduler.tick();
    expect(chores).toEqual([]);
    scheduler.start();
    await scheduler.tick();
    // The 08:00 run is held: a tick during it still does the chores.
    now = new Date("2026-06-15T08:00:05+02:00").getTime();
    const running = scheduler.tick();
    now += 15_000;
    await scheduler.tick();
    release();
    await running;
    scheduler.pause();
    now += 15_000;
    await scheduler.tick();
    expect(chores).toEqual(["07:59", "08:00", "08:00", "08:00"]);
    expect(errors).toEqual(["the scheduler's chores failed"]);
    await scheduler.stop();
    await scheduler.tick();
    expect(chores).toHaveLength(4);
  });
});
