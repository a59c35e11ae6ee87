// The tests' clock (lib/clock.ts): its time stands still until a sleep advances it, at once, by what the
// sleep asked for, so a 5 s poll or a 1.1 s pacing wait costs no real time and every wait is on record.
import type { Clock } from "../../src/lib/clock.ts";

/** A Tuesday morning in Paris, inside the default report window: 2026-11-24 10:00 CET. */
const TEST_START = Date.parse("2026-11-24T09:00:00Z");

export interface FakeClock extends Clock {
  /** Every sleep asked for, in ms, in order (those cut short by an aborted signal included). */
  readonly sleeps: number[];
  /** Moves the time forward (or, to test a clock set back, backwards). */
  advance(ms: number): void;
  set(instant: number | string): void;
}

export function fakeClock(start: number | string = TEST_START): FakeClock {
  let t = typeof start === "string" ? Date.parse(start) : start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    async sleep(ms, signal) {
      sleeps.push(ms);
      if (!signal?.aborted) t += Math.max(0, ms);
      // Yield to the event loop as a real wait would, so that a loop of sleeps never starves I/O and timers.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    advance: (ms) => {
      t += ms;
    },
    set: (instant) => {
      t = typeof instant === "string" ? Date.parse(instant) : instant;
    },
  };
}
