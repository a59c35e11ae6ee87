// When scheduled snapshots run: the day's slots in TIMEZONE (pure arithmetic), and a Scheduler that a
// periodic tick drives. It knows nothing of Telegram or history: the bot passes `run` (take a snapshot,
// send it, record it).
//
// Slots. A day's window runs from WINDOW_START_HOUR:00 to WINDOW_END_HOUR:00 wall time, both taken as
// real instants (hour 24 is the next day's 00:00). The slots are start + k × frequency of *elapsed* time
// for every k with the slot strictly before the end. On a DST day a window spanning the change is an
// hour shorter or longer: Paris 0–24 hourly has 23 slots on 29 March 2026 (no 02:00) and 25 on
// 25 October 2026 (02:00 twice), and after the change the wall times shift with it (0–24 every 120 min
// on 29 March: 00:00, 03:00, 05:00, …). A wall time skipped by the change maps to the first instant
// after it, a repeated one to its first occurrence (see zoned-time.ts).

import { errorMessage } from "../lib/errors.ts";
import { type Logger, silentLogger } from "../lib/log.ts";
import { addDays, zonedDay, zonedWallTime } from "../lib/zoned-time.ts";

export interface ScheduleSettings {
  readonly timeZone: string;
  /** 0..23 */
  readonly windowStartHour: number;
  /** 1..24, after windowStartHour */
  readonly windowEndHour: number;
  /** 1..1440 */
  readonly frequencyMinutes: number;
}

export const MIN_FREQUENCY_MINUTES = 1;
export const MAX_FREQUENCY_MINUTES = 1440;

/** Throws a RangeError naming the bad field; the pure functions below call it. */
function assertScheduleSettings(s: ScheduleSettings): void {
  const { windowStartHour: start, windowEndHour: end, frequencyMinutes: frequency } = s;
  if (!Number.isInteger(start) || start < 0 || start > 23) throw new RangeError(`window start hour must be 0..23 (was ${start})`);
  if (!isWindow(start, end)) throw new RangeError(`window end hour must be ${start + 1}..24 (was ${end})`);
  if (!isFrequency(frequency)) throw new RangeError(`frequency must be a whole number of minutes, 1..1440 (was ${frequency})`);
}

/** A report window: whole hours, the start 0..23, the end after it and at most 24. */
export function isWindow(startHour: number, endHour: number): boolean {
  return (
    Number.isInteger(startHour) && Number.isInteger(endHour) && startHour >= 0 && startHour <= 23 && endHour > startHour && endHour <= 24
  );
}

function isFrequency(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= MIN_FREQUENCY_MINUTES && minutes <= MAX_FREQUENCY_MINUTES;
}

/** A frequency written as text (/frequency's argument, the stored setting): whole minutes, 1..1440, else null. */
export function parseFrequency(text: string): number | null {
  const minutes = /^\d+$/.test(text) ? Number(text) : NaN;
  return isFrequency(minutes) ? minutes : null;
}

/** Every run slot of `day` ("YYYY-MM-DD" in s.timeZone), in order. */
export function daySlots(day: string, s: ScheduleSettings): Date[] {
  const { start, end } = dayWindow(day, s);
  const step = s.frequencyMinutes * 60_000;
  const slots: Date[] = [];
  for (let t = start; t < end; t += step) slots.push(new Date(t));
  return slots;
}

/** The first slot strictly after `after` (searching the following days). */
export function nextSlot(after: Date, s: ScheduleSettings): Date {
  const t = after.getTime();
  const step = s.frequencyMinutes * 60_000;
  // A window never reaches past the next day's first instant, so earlier days hold nothing after `t`.
  const today = zonedDay(after, s.timeZone);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const { start, end } = dayWindow(addDays(today, i), s);
    if (start >= end || t >= end) continue;
    if (t < start) return new Date(start);
    const slot = start + (Math.floor((t - start) / step) + 1) * step;
    if (slot < end) return new Date(slot);
  }
  throw new Error(`no schedule slot within ${SEARCH_DAYS} days after ${after.toISOString()}`);
}

/** The latest slot at or before `atOrBefore`, or null if none in the preceding days. */
export function previousSlot(atOrBefore: Date, s: ScheduleSettings): Date | null {
  const t = atOrBefore.getTime();
  const step = s.frequencyMinutes * 60_000;
  const today = zonedDay(atOrBefore, s.timeZone);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const { start, end } = dayWindow(addDays(today, -i), s);
    if (start > t || start >= end) continue;
    const lastInWindow = Math.ceil((end - start) / step) - 1;
    return new Date(start + Math.min(Math.floor((t - start) / step), lastInWindow) * step);
  }
  return null;
}

/**
 * The slot to run now, if any: the latest slot ≤ now, provided it is later than `lastRunSlot` and at
 * most `graceMs` old. A slot missed by longer (the machine slept) is skipped, never replayed, and after
 * several missed slots only the latest can run, so there is never a burst.
 */
export function slotToRun(now: Date, lastRunSlot: Date | null, s: ScheduleSettings, graceMs: number): Date | null {
  const latest = previousSlot(now, s);
  if (!latest) return null;
  if (lastRunSlot && latest.getTime() <= lastRunSlot.getTime()) return null;
  if (now.getTime() - latest.getTime() > graceMs) return null;
  return latest;
}

/** "partial": the run finished but something in it failed (e.g. a platform); a thrown error is "failed". */
export type RunOutcome = "ok" | "partial" | "failed";

export interface LastRun {
  readonly slot: Date;
  readonly startedAt: Date;
  /** When the run finished. */
  readonly at: Date;
  readonly outcome: RunOutcome;
  readonly error?: string;
}

export interface CurrentRun {
  readonly slot: Date;
  readonly startedAt: Date;
}

export interface SchedulerOptions {
  readonly settings: ScheduleSettings;
  readonly run: (slot: Date) => Promise<RunOutcome | undefined>;
  readonly log?: Logger;
  readonly now?: () => Date;
  readonly setInterval?: (tick: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
  /** How often the clock is checked; default 15 s. */
  readonly tickMs?: number;
  /** How late a slot may still run (a slow tick, a short suspend); default 10 minutes. */
  readonly graceMs?: number;
  /** Start paused (the persisted /pause). */
  readonly paused?: boolean;
  /**
   * Work of its own checked at every tick while started, paused or not, alongside the runs (the weekly digest, the
   * daily key audits: bot/watch.ts). It keeps its own slots; a rejection is logged.
   */
  readonly chores?: (now: Date) => Promise<void>;
}

/**
 * Runs `run` once per slot from a periodic tick: never two runs at once (a tick during a run does
 * nothing), a slot missed by more than the grace is skipped and logged, frequency changes and resume
 * apply from the moment they are made (slots already past are not run).
 */
export class Scheduler {
  private settings: ScheduleSettings;
  private paused: boolean;
  private started = false;
  private handle: unknown = null;
  private running: Promise<void> | null = null;
  /** Slots at or before this instant are done (run, skipped, or before a change of plan). */
  private doneThrough: Date | null = null;
  private last: LastRun | null = null;
  private current: CurrentRun | null = null;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly options: SchedulerOptions) {
    assertScheduleSettings(options.settings);
    this.settings = options.settings;
    this.paused = options.paused ?? false;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    // Slots older than the grace at start are history, not missed runs; one within it still runs, so a
    // restart just after a slot does not lose it.
    if (this.doneThrough === null) this.doneThrough = new Date(this.now().getTime() - this.graceMs() - 1);
    const every = this.options.setInterval ?? ((tick: () => void, ms: number) => setInterval(tick, ms));
    this.handle = every(() => void this.tick(), this.options.tickMs ?? 15_000);
    this.log.info("scheduler started", {
      paused: this.paused,
      frequencyMinutes: this.settings.frequencyMinutes,
      nextRun: iso(this.nextRun()),
    });
  }

  /** Stops ticking and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    if (this.started) {
      this.started = false;
      const clear = this.options.clearInterval ?? ((handle: unknown) => clearInterval(handle as ReturnType<typeof setInterval>));
      clear(this.handle);
      this.handle = null;
    }
    await this.running;
  }

  /** One check of the clock; resolves when the run it started (if any), and the chores, have finished. */
  tick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    const chores = this.options.chores?.(this.now()).catch((error: unknown) => {
      this.log.error("the scheduler's chores failed", { error: errorMessage(error) });
    });
    return Promise.all([this.tickRun(), chores]).then(() => undefined);
  }

  private tickRun(): Promise<void> {
    if (this.paused || this.running) return Promise.resolve();
    const now = this.now();
    const slot = slotToRun(now, this.doneThrough, this.settings, this.graceMs());
    if (!slot) {
      const missed = previousSlot(now, this.settings);
      if (missed && !this.isDone(missed)) {
        this.log.warn("skipped a scheduled run missed while the machine was busy or asleep", {
          slot: missed.toISOString(),
          lateMinutes: Math.round((now.getTime() - missed.getTime()) / 60_000),
        });
        this.doneThrough = missed;
      }
      return Promise.resolve();
    }
    this.doneThrough = slot;
    this.running = this.execute(slot).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Changes the frequency at once; the next run is the next new slot after now. Returns it. */
  setFrequency(minutes: number): Date | null {
    const settings = { ...this.settings, frequencyMinutes: minutes };
    assertScheduleSettings(settings);
    this.settings = settings;
    this.markPastDone();
    this.log.info("schedule frequency changed", { frequencyMinutes: minutes, nextRun: iso(this.nextRun()) });
    return this.nextRun();
  }

  /** Changes the report window at once, as setFrequency does the frequency. Returns the next run. */
  setWindow(startHour: number, endHour: number): Date | null {
    const settings = { ...this.settings, windowStartHour: startHour, windowEndHour: endHour };
    assertScheduleSettings(settings);
    this.settings = settings;
    this.markPastDone();
    this.log.info("schedule window changed", { windowStartHour: startHour, windowEndHour: endHour, nextRun: iso(this.nextRun()) });
    return this.nextRun();
  }

  pause(): void {
    this.paused = true;
    this.log.info("scheduled runs paused");
  }

  /** Resumes from now on: slots that passed while paused are not run. Returns the next run. */
  resume(): Date | null {
    this.paused = false;
    this.markPastDone();
    this.log.info("scheduled runs resumed", { nextRun: iso(this.nextRun()) });
    return this.nextRun();
  }

  /** When the next scheduled run will happen; null when paused or stopped. */
  nextRun(): Date | null {
    if (!this.started || this.paused) return null;
    const now = this.now();
    const due = this.running ? null : slotToRun(now, this.doneThrough, this.settings, this.graceMs());
    if (due) return due;
    const from = this.doneThrough && this.doneThrough > now ? this.doneThrough : now;
    return nextSlot(from, this.settings);
  }

  lastRun(): LastRun | null {
    return this.last;
  }

  /** The run in progress, if any (health reports one that overruns). */
  currentRun(): CurrentRun | null {
    return this.current;
  }

  frequencyMinutes(): number {
    return this.settings.frequencyMinutes;
  }

  isPaused(): boolean {
    return this.paused;
  }

  private async execute(slot: Date): Promise<void> {
    const startedAt = this.now();
    this.current = { slot, startedAt };
    this.log.info("scheduled run started", { slot: slot.toISOString() });
    let outcome: RunOutcome;
    let error: string | undefined;
    try {
      outcome = (await this.options.run(slot)) ?? "ok";
    } catch (thrown) {
      outcome = "failed";
      error = errorMessage(thrown);
      this.log.error("scheduled run failed", { slot: slot.toISOString(), error });
    }
    const at = this.now();
    this.current = null;
    this.last = error === undefined ? { slot, startedAt, at, outcome } : { slot, startedAt, at, outcome, error };
    this.log.info("scheduled run finished", {
      slot: slot.toISOString(),
      outcome,
      seconds: Math.round((at.getTime() - startedAt.getTime()) / 1000),
    });
  }

  private markPastDone(): void {
    const now = this.now();
    if (!this.isDone(now)) this.doneThrough = now;
  }

  private isDone(instant: Date): boolean {
    return this.doneThrough !== null && instant.getTime() <= this.doneThrough.getTime();
  }

  private graceMs(): number {
    return this.options.graceMs ?? 10 * 60_000;
  }
}

const SEARCH_DAYS = 8;

/** The day's window as instants (ms); start === end when a DST gap swallows the whole window. */
function dayWindow(day: string, s: ScheduleSettings): { start: number; end: number } {
  assertScheduleSettings(s);
  const key = `${day} ${s.timeZone} ${s.windowStartHour} ${s.windowEndHour}`;
  const cached = windowCache.get(key);
  if (cached) return cached;
  const window = {
    start: zonedWallTime(day, s.windowStartHour, 0, s.timeZone).getTime(),
    end: zonedWallTime(day, s.windowEndHour, 0, s.timeZone).getTime(),
  };
  // Each tick looks at today and yesterday; a small cache spares the Intl calls without growing for ever.
  if (windowCache.size >= 64) windowCache.clear();
  windowCache.set(key, window);
  return window;
}

const windowCache = new Map<string, { start: number; end: number }>();

function iso(instant: Date | null): string | null {
  return instant ? instant.toISOString() : null;
}
