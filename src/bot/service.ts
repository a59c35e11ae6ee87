// What the bot does, free of Telegram: scheduled runs (snapshot → message → history), /status
// (one snapshot at a time: a second request waits for the running one), /frequency, /pause and
// /resume persisted in the settings store, and the health summary. bot.ts maps commands onto it.
// createBotService builds the service and its scheduler together.
// The report is delivered before the day is recorded, and a history that cannot be written (read-only
// DATA_DIR, full disk, damaged database) never stops a report: it is logged, said in every message and
// in health(), and the bot keeps answering.

import { type Allocation, LATEST_ALLOCATION, saveLatestAllocation } from "../history/allocation.ts";
import { describeHistoryError, historyViewHtml } from "../history/io.ts";
import type { SettingSource, SettingsStore } from "../history/settings.ts";
import { type HistoryStore, localDay, logRecordResult } from "../history/store.ts";
import { errorMessage, PfbotError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { allocationChart } from "../render/chart/allocation-chart.ts";
import { renderChartPng } from "../render/chart/client.ts";
import { type ChartView, historyChart } from "../render/chart/history-chart.ts";
import { escapeHtml } from "../render/html.ts";
import { formatSnapshotHtml } from "../render/message.ts";
import { allocationOf } from "../snapshot/allocation.ts";
import { changeSince, snapshotRecord } from "../snapshot/report.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { ChartRequest } from "./charts.ts";
import {
  MAX_FREQUENCY_MINUTES,
  MIN_FREQUENCY_MINUTES,
  parseFrequency,
  type RunOutcome,
  Scheduler,
  type SchedulerOptions,
  type ScheduleSettings,
} from "./schedule.ts";
import { BOT_SETTINGS, ENV_BACKED, type StoredSchedule, storedSchedule } from "./settings.ts";

export interface BotServiceDeps {
  /** Takes a snapshot; `signal` aborts it when pfbot stops. */
  readonly takeSnapshot: (signal?: AbortSignal) => Promise<Snapshot>;
  readonly history: HistoryStore;
  /** Where /frequency and /pause are kept: the same database as `history`. */
  readonly settings: SettingsStore;
  /** DATA_DIR, for saying what to do when the history cannot be written. */
  readonly dataDir: string;
  /**
   * Why DATA_DIR's history could not be opened; `history` is then a stand-in in memory, and this
   * stays reported until a restart finds the history usable again.
   */
  readonly historyProblem?: string | null;
  /** Sends HTML to the owner; `silent` for routine reports. */
  readonly send: (html: string, options: { silent: boolean }) => Promise<void>;
  readonly timeZone: string;
  /** The configured report window and frequency (one set with /frequency wins over it until POLL_INTERVAL_MINUTES changes). */
  readonly schedule: Omit<ScheduleSettings, "timeZone">;
  /** The scheduler's periodic tick, replaced by tests that drive it by hand. */
  readonly timers?: Pick<SchedulerOptions, "setInterval" | "clearInterval">;
  readonly includeBreakdown: boolean;
  readonly log: Logger;
  readonly version: string;
  readonly now?: () => number;
  /** The longest a scheduled run may take (snapshot deadlines plus delivery); health() reports one that runs longer. */
  readonly runBudgetMs?: number;
  /** Aborted when pfbot stops: the snapshot in progress ends, and its report is abandoned. */
  readonly shutdown?: AbortSignal;
  /**
   * Whether charts and their captions hide every amount (% only); read at each chart. Default: off.
   * The one place privacy enters the bot (the PRIVACY setting of issue #16 plugs in here).
   */
  readonly privacy?: () => boolean;
  /** SVG → PNG off the main thread, ended when `signal` aborts (default: a renderer process per chart, render/chart/client.ts). */
  readonly renderChart?: (svg: string, signal?: AbortSignal) => Promise<Uint8Array>;
}

/** What /chart and /allocation answer: a photo, drawn by `render()`, or a short text instead. */
export type ChartAnswer =
  | { readonly kind: "photo"; readonly caption: string; render(): Promise<Uint8Array> }
  | { readonly kind: "text"; readonly text: string };

/** GET /healthz: liveness, schedule and problems; no balances, no secrets. */
export interface Health {
  /** False when the last scheduled run failed to deliver, a run overruns, or the history cannot be written. */
  readonly ok: boolean;
  /** One line per problem, saying what to do; empty when ok. */
  readonly problems: readonly string[];
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly lastRun: { readonly slot: string; readonly at: string; readonly outcome: RunOutcome; readonly delivered: boolean } | null;
  readonly running: { readonly slot: string; readonly since: string; readonly overrun: boolean } | null;
  readonly nextRun: string | null;
  readonly paused: boolean;
  readonly historyWritable: boolean;
}

/** Without a budget from the configuration: more than any run with the default deadlines takes. */
const DEFAULT_RUN_BUDGET_MS = 10 * 60_000;

/** The last line of every /status reply while scheduled reports are paused. */
export const PAUSED_NOTE = "⏸ Scheduled reports are paused: /resume starts them again.";

export const FREQUENCY_USAGE = `Usage: /frequency <minutes>, a whole number from ${MIN_FREQUENCY_MINUTES} to ${MAX_FREQUENCY_MINUTES} (e.g. /frequency 120).`;

/**
 * Builds the service and its scheduler together: the schedule as last set from Telegram (the
 * configured one for what was never set), and a scheduler whose runs are the service's scheduledRun.
 * The scheduler does not tick until `service.scheduler.start()`.
 */
export function createBotService(deps: BotServiceDeps): BotService {
  const stored = storedSchedule(deps.settings, deps.schedule.frequencyMinutes);
  const { superseded } = stored.frequency;
  if (superseded !== null) {
    const when = superseded.at === null ? "" : ` on ${formatZoned(new Date(superseded.at), deps.timeZone, "d MMM")}`;
    deps.log.info(
      `${ENV_BACKED.frequencyMinutes.variable} changed since /frequency set ${minutes(superseded.chatValue)}${when} (it was ${superseded.configuredThen}, it is ${deps.schedule.frequencyMinutes}): reports every ${minutes(stored.frequency.value)}, from ${ENV_BACKED.frequencyMinutes.variable}`,
    );
  }
  if (stored.paused) deps.log.warn("scheduled reports are paused (/pause): none is sent until /resume; /status still works");
  return new BotService(deps, stored);
}

export class BotService {
  /** Runs scheduledRun at each slot; started and stopped by the bot mode. */
  readonly scheduler: Scheduler;
  private inflight: Promise<Snapshot> | null = null;
  private readonly startedAt: number;
  private readonly now: () => number;
  /** Why the history cannot be written now; null when the last write worked. */
  private historyProblem: string | null;
  /** Where the frequency in use comes from, for /frequency. */
  private frequencySource: SettingSource;
  /** The latest complete snapshot's allocation; undefined until first read from the settings. */
  private allocation: Allocation | null | undefined;
  /** Charts render one at a time: each renderer process holds resvg's wasm memory (~60 MB) while it runs. */
  private chartQueue: Promise<unknown> = Promise.resolve();

  /** Use createBotService, which reads `stored` from the settings. */
  constructor(
    private readonly deps: BotServiceDeps,
    stored: StoredSchedule,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.historyProblem = deps.historyProblem ?? null;
    this.frequencySource = stored.frequency.source;
    this.scheduler = new Scheduler({
      settings: { ...deps.schedule, timeZone: deps.timeZone, frequencyMinutes: stored.frequency.value },
      paused: stored.paused,
      run: () => this.scheduledRun(),
      log: deps.log,
      now: () => new Date(this.now()),
      ...deps.timers,
    });
  }

  /** /status: a snapshot now, as the message (not recorded in the history); while paused, a line says so. */
  async statusHtml(): Promise<string> {
    const html = this.render(await this.snapshot());
    return this.scheduler.isPaused() ? `${html}\n\n${PAUSED_NOTE}` : html;
  }

  /**
   * One scheduled run: snapshot, send (silently only when complete: a failed or partial platform, or no rate, rings),
   * then record the
   * day, delivered or not. Throws when the report was not delivered (the scheduler logs it as failed);
   * a day that could not be recorded is logged and reported by health(), the run still counts.
   */
  async scheduledRun(): Promise<RunOutcome> {
    const started = this.now();
    const snapshot = await this.snapshot();
    if (this.deps.shutdown?.aborted) throw new PfbotError("pfbot is stopping: the report in progress was abandoned");
    let undelivered: string | null = null;
    try {
      await this.deps.send(this.render(snapshot), { silent: snapshot.complete });
    } catch (error) {
      undelivered = errorMessage(error);
    }
    const recorded = this.record(snapshot);
    const outcomes = Object.fromEntries(
      snapshot.rows.map((row) => [row.id, row.ok ? (row.usd === null ? "no-usd" : row.coverage) : (row.errorKind ?? "failed")]),
    );
    this.deps.log.info("scheduled run done", {
      ms: this.now() - started,
      complete: snapshot.complete,
      delivered: undelivered === null,
      history: recorded,
      ...outcomes,
    });
    if (undelivered !== null) throw new PfbotError(`the report could not be delivered to Telegram: ${undelivered}`);
    return snapshot.complete ? "ok" : snapshot.rows.some((row) => row.ok) ? "partial" : "failed";
  }

  historyHtml(): string {
    try {
      return historyViewHtml(this.deps.history) + this.historyNote();
    } catch (error) {
      this.historyFailed(error, "history not readable");
      return `The history cannot be read: ${escapeHtml(this.historyProblem ?? "")}`;
    }
  }

  /**
   * /chart and /allocation: the chart's caption and a render() that draws it off the main thread, or
   * the text to answer instead (too few days, no complete snapshot yet, the history unreadable). The
   * value chart reads the history; the donut, the latest complete snapshot's allocation.
   */
  chart(request: ChartRequest): ChartAnswer {
    const privacy = this.deps.privacy?.() ?? false;
    let view: ChartView;
    try {
      if (request.kind === "history") {
        const history = this.deps.history;
        // At most one record a day: days + 1 covers a window that ends with a day imported for tomorrow.
        const records = request.days === "all" ? history.all() : history.recent(request.days + 1);
        view = historyChart(records, request, { today: history.today(), privacy });
      } else {
        view = allocationChart(this.latestAllocation(), request, { timeZone: this.deps.timeZone, privacy });
      }
    } catch (error) {
      this.historyFailed(error, "history not readable");
      return { kind: "text", text: `The history cannot be read: ${this.historyProblem ?? ""}` };
    }
    if (view.kind === "text") return view;
    const render = this.deps.renderChart ?? ((svg: string, signal?: AbortSignal) => renderChartPng(svg, signal ? { signal } : {}));
    const svg = view.svg;
    return {
      kind: "photo",
      caption: view.caption,
      render: () => {
        const job = this.chartQueue.then(() => render(svg, this.deps.shutdown));
        this.chartQueue = job.catch(() => undefined);
        return job;
      },
    };
  }

  /** /frequency [minutes]: shows (and where the value comes from) or changes (and persists) the schedule. */
  frequency(argument: string): string {
    const text = argument.trim();
    if (text === "")
      return `Reports every ${minutes(this.scheduler.frequencyMinutes())} (${this.frequencySourceText()}). ${this.nextRunText()}`;
    const value = parseFrequency(text);
    if (value === null) return FREQUENCY_USAGE;
    const at = this.now();
    const kept = this.persist(() =>
      this.deps.settings.setFromChat(ENV_BACKED.frequencyMinutes, value, this.deps.schedule.frequencyMinutes, at),
    );
    this.frequencySource = { kind: "chat", at };
    this.scheduler.setFrequency(value);
    return `Frequency set to ${minutes(value)}. ${this.nextRunText()}${kept}`;
  }

  pause(): string {
    if (this.scheduler.isPaused()) return "Scheduled reports were already paused. /status still works; /resume starts them again.";
    const kept = this.persist(() => this.deps.settings.set(BOT_SETTINGS.paused, true));
    this.scheduler.pause();
    return `Scheduled reports paused. /status still works; /resume starts them again.${kept}`;
  }

  resume(): string {
    if (!this.scheduler.isPaused()) return `Scheduled reports were not paused. ${this.nextRunText()}`;
    const kept = this.persist(() => this.deps.settings.set(BOT_SETTINGS.paused, false));
    this.scheduler.resume();
    return `Scheduled reports resumed. ${this.nextRunText()}${kept}`;
  }

  health(): Health {
    const now = this.now();
    const last = this.scheduler.lastRun();
    const current = this.scheduler.currentRun();
    const budgetMs = this.deps.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
    const overrun = current !== null && now - current.startedAt.getTime() > budgetMs;
    const problems: string[] = [];
    if (last?.error !== undefined) problems.push(`the scheduled run of ${last.slot.toISOString()} failed: ${last.error}`);
    if (current && overrun) {
      const minutes = Math.floor((now - current.startedAt.getTime()) / 60_000);
      problems.push(
        `the scheduled run of ${current.slot.toISOString()} has been running for ${minutes} min, longer than the ${Math.ceil(budgetMs / 60_000)} min it may take`,
      );
    }
    if (this.historyProblem !== null) problems.push(`history not recorded: ${this.historyProblem}`);
    return {
      ok: problems.length === 0,
      problems: problems.map((text) => this.deps.log.redact(text)),
      version: this.deps.version,
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      lastRun: last
        ? { slot: last.slot.toISOString(), at: last.at.toISOString(), outcome: last.outcome, delivered: last.error === undefined }
        : null,
      running: current ? { slot: current.slot.toISOString(), since: current.startedAt.toISOString(), overrun } : null,
      nextRun: this.scheduler.nextRun()?.toISOString() ?? null,
      paused: this.scheduler.isPaused(),
      historyWritable: this.historyProblem === null,
    };
  }

  /** A running snapshot is shared: /status during a scheduled run (or another /status) waits for it. */
  private snapshot(): Promise<Snapshot> {
    this.inflight ??= this.deps
      .takeSnapshot(this.deps.shutdown)
      .then((snapshot) => {
        this.keepAllocation(snapshot);
        return snapshot;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** The allocation /allocation draws, from memory or else from the settings. */
  private latestAllocation(): Allocation | null {
    this.allocation ??= this.deps.settings.get(LATEST_ALLOCATION);
    return this.allocation;
  }

  /** Keeps a complete snapshot's allocation (in memory, and in the settings when they can be written). */
  private keepAllocation(snapshot: Snapshot): void {
    const allocation = allocationOf(snapshot);
    if (allocation === null) return;
    const current = this.allocation ?? null;
    if (current === null || current.takenAt.getTime() <= allocation.takenAt.getTime()) this.allocation = allocation;
    try {
      saveLatestAllocation(this.deps.settings, allocation);
    } catch (error) {
      // /allocation still has it in memory; the history's own problems are reported by record().
      this.deps.log.warn(`the allocation was not saved: ${describeHistoryError(error, this.deps.dataDir)}`);
    }
  }

  private render(snapshot: Snapshot): string {
    const history = this.deps.history;
    let change = null;
    try {
      change = changeSince(snapshot, history.previousComparableDay(localDay(snapshot.takenAt, this.deps.timeZone)), history.count() === 0);
    } catch (error) {
      // The change line is a nicety: a history that cannot be read must not cost the report.
      this.historyFailed(error, "history not readable");
    }
    return formatSnapshotHtml(snapshot, { includeBreakdown: this.deps.includeBreakdown, change }) + this.historyNote();
  }

  /** Records the day; never throws (a failure is logged and kept for health() and the next messages). */
  private record(snapshot: Snapshot): string {
    const record = snapshotRecord(snapshot);
    if (!record) return "nothing to record";
    try {
      const result = this.deps.history.recordSnapshot(record);
      logRecordResult(this.deps.log, result);
      if (this.deps.historyProblem) return `${result.outcome} in memory only`;
      this.historyProblem = null;
      return result.outcome;
    } catch (error) {
      this.historyFailed(error, "history not recorded");
      return "not recorded";
    }
  }

  /** Saves a setting (`write`); returns "" or a sentence saying that it will not outlive a restart. */
  private persist(write: () => void): string {
    if (!this.deps.historyProblem) {
      try {
        write();
        this.historyProblem = null;
        return "";
      } catch (error) {
        this.historyFailed(error, "setting not saved");
      }
    }
    return ` (Not remembered after a restart: ${this.historyProblem}.)`;
  }

  private historyFailed(error: unknown, what: string): void {
    this.historyProblem = describeHistoryError(error, this.deps.dataDir);
    this.deps.log.error(`${what}: ${this.historyProblem}`);
  }

  /** Said under every message while the history cannot be written, so the owner does not miss it. */
  private historyNote(): string {
    return this.historyProblem === null ? "" : `\n\n⚠️ The history is not being saved: ${escapeHtml(this.historyProblem)}`;
  }

  /** "from POLL_INTERVAL_MINUTES" or "set with /frequency on 26 Nov". */
  private frequencySourceText(): string {
    const source = this.frequencySource;
    if (source.kind === "env") return `from ${ENV_BACKED.frequencyMinutes.variable}`;
    return source.at === null
      ? "set with /frequency"
      : `set with /frequency on ${formatZoned(new Date(source.at), this.deps.timeZone, "d MMM")}`;
  }

  private nextRunText(): string {
    if (this.scheduler.isPaused()) return "The schedule is paused: /resume to start it again.";
    const next = this.scheduler.nextRun();
    return next
      ? `Next report: ${formatZoned(next, this.deps.timeZone, "EEE d MMM, HH:mm")} (${this.deps.timeZone}).`
      : "No report is scheduled.";
  }
}

/** "1 minute", "45 minutes". */
function minutes(n: number): string {
  return `${n} minute${n === 1 ? "" : "s"}`;
}
