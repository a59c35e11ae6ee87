// What the bot does, free of Telegram: scheduled runs (snapshot → history → message), /status
// (one snapshot at a time: a second request waits for the running one), /frequency, /pause and
// /resume persisted in the settings table, and the health summary. bot.ts maps commands onto it.
import type { Database } from "bun:sqlite";
import { formatInTimeZone } from "date-fns-tz";
import { formatSnapshotHtml } from "./format.ts";
import { historyViewHtml } from "./history-io.ts";
import { type HistoryStore, localDay, logRecordResult } from "./history.ts";
import type { Logger } from "./log.ts";
import { changeSince, snapshotRecord } from "./report.ts";
import { MAX_FREQUENCY_MINUTES, MIN_FREQUENCY_MINUTES, type RunOutcome, type Scheduler } from "./schedule.ts";
import { getSetting, setSetting, SETTING_KEYS } from "./settings.ts";
import type { Snapshot } from "./snapshot.ts";

export interface BotServiceDeps {
  readonly takeSnapshot: () => Promise<Snapshot>;
  readonly history: HistoryStore;
  /** Sends HTML to the owner; `silent` for routine reports. */
  readonly send: (html: string, options: { silent: boolean }) => Promise<void>;
  readonly timeZone: string;
  readonly includeBreakdown: boolean;
  readonly log: Logger;
  readonly version: string;
  readonly now?: () => number;
}

export const FREQUENCY_USAGE = `Usage: /frequency <minutes>, a whole number from ${MIN_FREQUENCY_MINUTES} to ${MAX_FREQUENCY_MINUTES} (e.g. /frequency 120).`;

export class BotService {
  private scheduler: Scheduler | null = null;
  private inflight: Promise<Snapshot> | null = null;
  private readonly startedAt: number;
  private readonly now: () => number;

  constructor(private readonly deps: BotServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** The scheduler is built after the service (its run calls back into it). */
  attach(scheduler: Scheduler): void {
    this.scheduler = scheduler;
  }

  /** The persisted frequency and paused flag, or the configured default. */
  static storedSchedule(db: Database, defaultMinutes: number): { frequencyMinutes: number; paused: boolean } {
    const stored = Number(getSetting(db, SETTING_KEYS.frequencyMinutes));
    const valid = Number.isInteger(stored) && stored >= MIN_FREQUENCY_MINUTES && stored <= MAX_FREQUENCY_MINUTES;
    return { frequencyMinutes: valid ? stored : defaultMinutes, paused: getSetting(db, SETTING_KEYS.paused) === "1" };
  }

  /** /status: a snapshot now, as the message (not recorded in the history). */
  async statusHtml(): Promise<string> {
    return this.render(await this.snapshot());
  }

  /** One scheduled run: snapshot, record the day, send (silently when complete, with sound when not). */
  async scheduledRun(): Promise<RunOutcome> {
    const started = this.now();
    const snapshot = await this.snapshot();
    const record = snapshotRecord(snapshot);
    const recorded = record ? this.deps.history.recordSnapshot(record) : null;
    if (recorded) logRecordResult(this.deps.log, recorded);
    const html = this.render(snapshot);
    await this.deps.send(html, { silent: snapshot.complete });
    const outcomes = Object.fromEntries(snapshot.rows.map((row) => [row.id, row.ok ? (row.usd !== null ? "ok" : "no-usd") : (row.errorKind ?? "failed")]));
    this.deps.log.info("scheduled run done", { ms: this.now() - started, complete: snapshot.complete, history: recorded?.outcome ?? "nothing to record", ...outcomes });
    return snapshot.complete ? "ok" : snapshot.rows.some((row) => row.ok) ? "partial" : "failed";
  }

  historyHtml(): string {
    return historyViewHtml(this.deps.history);
  }

  /** /frequency [minutes]: shows or changes (and persists) the schedule. */
  frequency(argument: string): string {
    const scheduler = this.requireScheduler();
    const text = argument.trim();
    if (text === "") return `Reports every ${scheduler.frequencyMinutes()} minutes. ${this.nextRunText()}`;
    if (!/^\d+$/.test(text)) return FREQUENCY_USAGE;
    const minutes = Number(text);
    if (minutes < MIN_FREQUENCY_MINUTES || minutes > MAX_FREQUENCY_MINUTES) return FREQUENCY_USAGE;
    setSetting(this.deps.history.db, SETTING_KEYS.frequencyMinutes, String(minutes));
    scheduler.setFrequency(minutes);
    return `Frequency set to ${minutes} minutes. ${this.nextRunText()}`;
  }

  pause(): string {
    setSetting(this.deps.history.db, SETTING_KEYS.paused, "1");
    this.requireScheduler().pause();
    return "Scheduled reports paused. /status still works; /resume starts them again.";
  }

  resume(): string {
    setSetting(this.deps.history.db, SETTING_KEYS.paused, "0");
    this.requireScheduler().resume();
    return `Scheduled reports resumed. ${this.nextRunText()}`;
  }

  /** GET /healthz: liveness and schedule, no balances, no secrets. */
  health(): Record<string, unknown> {
    const last = this.scheduler?.lastRun() ?? null;
    return {
      ok: true,
      version: this.deps.version,
      uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000),
      lastRun: last ? { at: last.at.toISOString(), outcome: last.outcome } : null,
      nextRun: this.scheduler?.nextRun()?.toISOString() ?? null,
      paused: this.scheduler?.isPaused() ?? false,
    };
  }

  /** A running snapshot is shared: /status during a scheduled run (or another /status) waits for it. */
  private snapshot(): Promise<Snapshot> {
    this.inflight ??= this.deps.takeSnapshot().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private render(snapshot: Snapshot): string {
    const history = this.deps.history;
    const change = changeSince(snapshot, history.previousComparableDay(localDay(snapshot.takenAt, this.deps.timeZone)), history.count() === 0);
    return formatSnapshotHtml(snapshot, { includeBreakdown: this.deps.includeBreakdown, change });
  }

  private nextRunText(): string {
    const scheduler = this.requireScheduler();
    if (scheduler.isPaused()) return "The schedule is paused: /resume to start it again.";
    const next = scheduler.nextRun();
    return next ? `Next report: ${formatInTimeZone(next, this.deps.timeZone, "EEE d MMM, HH:mm")} (${this.deps.timeZone}).` : "No report is scheduled.";
  }

  private requireScheduler(): Scheduler {
    if (!this.scheduler) throw new Error("the scheduler is not attached");
    return this.scheduler;
  }
}
