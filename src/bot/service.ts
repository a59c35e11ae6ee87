// What the bot does, free of Telegram's wire: the report (one snapshot at a time: /status, Refresh and a
// scheduled run share the one running), the screens the buttons lead to (report, notes, history), the
// scheduled runs (snapshot → message as NOTIFY says → history). bot.ts and navigation.ts map commands and
// buttons onto it; the owner's settings are controls.ts's, the charts chart-answers.ts's, /healthz
// health.ts's. createBotService builds the service, the settings and the scheduler together.
// The alerts, the weekly digest, the key audits and the pinned status are the watch's (watch.ts): after
// each scheduled run, after each snapshot, and at each tick of the scheduler.
// The report is delivered before the day is recorded, and a history that cannot be written (read-only
// DATA_DIR, full disk, damaged database) never stops a report: it is logged, said in every message and
// in health(), and the bot keeps answering.

import type { AlertSettings } from "../config/config.ts";
import { TIMEZONE } from "../config/history-config.ts";
import type { NotifyMode } from "../config/notify.ts";
import { type ExportFormat, historyView, platformView } from "../history/io.ts";
import type { SettingsStore } from "../history/settings.ts";
import { type HistoryStore, logRecordResult } from "../history/store.ts";
import { errorMessage, PfbotError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { escapeHtml } from "../render/html.ts";
import { renderStatus } from "../render/status.ts";
import { type Changes, snapshotChanges } from "../snapshot/changes.ts";
import { dayChange, snapshotRecord } from "../snapshot/report.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import { type ChartAnswer, ChartAnswers } from "./chart-answers.ts";
import type { ChartRequest } from "./charts.ts";
import { Controls } from "./controls.ts";
import { type ExportFile, exportFiles } from "./export.ts";
import { DEFAULT_RUN_BUDGET_MS, type Health, healthOf } from "./health.ts";
import type { HistoryRequest } from "./history-buttons.ts";
import type { KeyAudits } from "./key-audits.ts";
import { detailsKeyboard, historyKeyboard, type Screen, statusKeyboard } from "./keyboards.ts";
import { coverageKey, delivery, LAST_COVERAGE } from "./notify.ts";
import type { OwnerChat } from "./owner-chat.ts";
import { Preferences } from "./preferences.ts";
import { type RunOutcome, Scheduler, type SchedulerOptions, type ScheduleSettings } from "./schedule.ts";
import { configuredAlerts } from "./settings.ts";
import { StorageState } from "./storage.ts";
import { Watch } from "./watch.ts";

export interface BotServiceDeps {
  /** Takes a snapshot; `signal` aborts it when pfbot stops. */
  readonly takeSnapshot: (signal?: AbortSignal) => Promise<Snapshot>;
  readonly history: HistoryStore;
  /** Where the owner's settings are kept: the same database as `history`. */
  readonly settings: SettingsStore;
  /** DATA_DIR, for saying what to do when the history cannot be written. */
  readonly dataDir: string;
  /**
   * Why DATA_DIR's history could not be opened; `history` is then a stand-in in memory, and this
   * stays reported until a restart finds the history usable again.
   */
  readonly historyProblem?: string | null;
  /** Sends a report to the owner, with its buttons (an alert, without); `silent` without sound. */
  readonly send: (html: string, options: { readonly silent: boolean; readonly keyboard?: Screen["keyboard"] }) => Promise<void>;
  readonly timeZone: string;
  /** The configured report window and frequency (one set from the chat wins over it until its variable changes). */
  readonly schedule: Omit<ScheduleSettings, "timeZone">;
  /** The scheduler's periodic tick, replaced by tests that drive it by hand. */
  readonly timers?: Pick<SchedulerOptions, "setInterval" | "clearInterval">;
  /** INCLUDE_CRYPTO_BREAKDOWN, PRIVACY (default off) and NOTIFY (default all) as configured; the chat's choices win until these change. */
  readonly includeBreakdown: boolean;
  readonly privacy?: boolean;
  readonly notify?: NotifyMode;
  readonly log: Logger;
  readonly version: string;
  readonly now?: () => number;
  /** The longest a scheduled run may take (snapshot deadlines plus delivery); health() reports one that runs longer. */
  readonly runBudgetMs?: number;
  /** Aborted when pfbot stops: the snapshot in progress ends, and its report is abandoned. */
  readonly shutdown?: AbortSignal;
  /** SVG → PNG off the main thread, ended when `signal` aborts (default: a renderer process per chart, render/chart/client.ts). */
  readonly renderChart?: (svg: string, signal?: AbortSignal) => Promise<Uint8Array>;
  /** The alert variables as configured (default: every alert off); the chat's choices win until these change. */
  readonly alerts?: AlertSettings;
  /** The owner's chat for the pinned status and the digest's chart (default: neither). */
  readonly chat?: OwnerChat;
  /** The daily key audits for the expiry warnings (key-audits.ts); null or absent: none. */
  readonly keyAudits?: KeyAudits | null;
}

/** The alerts when none is configured. */
const NO_ALERTS: AlertSettings = { movePercent: null, movePercentDay: null, failures: 0, digest: null, pinStatus: false };

const NOTHING_TO_EXPORT =
  "No history to export yet: pfbot records one line per day after each scheduled run (or pfbot --once); the sample days are not yours to export.";

/** The last line of every /status reply while scheduled reports are paused. */
export const PAUSED_NOTE = "⏸ Scheduled reports are paused: /resume starts them again.";

/**
 * Builds the service, the owner's settings (as last set from Telegram, or as configured where a variable
 * changed since or it was never set) and a scheduler whose runs are the service's scheduledRun. The
 * scheduler does not tick until `service.scheduler.start()`.
 */
export function createBotService(deps: BotServiceDeps): BotService {
  const preferences = new Preferences(
    deps.settings,
    {
      frequencyMinutes: deps.schedule.frequencyMinutes,
      window: { startHour: deps.schedule.windowStartHour, endHour: deps.schedule.windowEndHour },
      privacy: deps.privacy ?? false,
      breakdown: deps.includeBreakdown,
      notify: deps.notify ?? "all",
      ...configuredAlerts(deps.alerts ?? NO_ALERTS),
    },
    deps.log,
    deps.timeZone,
  );
  if (preferences.isPaused()) deps.log.warn("scheduled reports are paused (/pause): none is sent until /resume; /status still works");
  return new BotService(deps, preferences);
}

export class BotService {
  /** Runs scheduledRun at each slot; started and stopped by the bot mode. */
  readonly scheduler: Scheduler;
  /** /frequency, /pause, /resume and the settings screen. */
  readonly controls: Controls;
  private inflight: Promise<Snapshot> | null = null;
  /** The latest snapshot taken (/status, Refresh or a scheduled run): what "⬅️ Status" and "ℹ️ Details" show. */
  private latest: Snapshot | null = null;
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly storage: StorageState;
  private readonly charts: ChartAnswers;
  /** The alerts, the digest, the key audits and the pinned status (watch.ts). */
  private readonly watch: Watch;

  /** Use createBotService, which resolves `preferences` from the settings. */
  constructor(
    private readonly deps: BotServiceDeps,
    private readonly preferences: Preferences,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.storage = new StorageState(deps.dataDir, deps.log, deps.historyProblem ?? null);
    const window = preferences.value("window");
    this.scheduler = new Scheduler({
      settings: {
        timeZone: deps.timeZone,
        frequencyMinutes: preferences.value("frequencyMinutes"),
        windowStartHour: window.startHour,
        windowEndHour: window.endHour,
      },
      paused: preferences.isPaused(),
      run: () => this.scheduledRun(),
      chores: (now) => this.watch.tick(now),
      log: deps.log,
      now: () => new Date(this.now()),
      ...deps.timers,
    });
    this.charts = new ChartAnswers({
      history: deps.history,
      settings: deps.settings,
      storage: this.storage,
      dataDir: deps.dataDir,
      timeZone: deps.timeZone,
      log: deps.log,
      ...(deps.renderChart ? { renderChart: deps.renderChart } : {}),
      ...(deps.shutdown ? { shutdown: deps.shutdown } : {}),
    });
    this.watch = new Watch(
      {
        history: deps.history,
        settings: deps.settings,
        preferences,
        send: (html, { silent }) => deps.send(html, { silent }),
        chat: deps.chat ?? null,
        keyAudits: deps.keyAudits ?? null,
        drawChart: (svg) => this.charts.draw(svg),
        dataDir: deps.dataDir,
        timeZone: deps.timeZone,
        log: deps.log,
        ...(deps.shutdown ? { shutdown: deps.shutdown } : {}),
      },
      this.now,
    );
    this.controls = new Controls({
      preferences,
      scheduler: this.scheduler,
      storage: this.storage,
      timeZone: deps.timeZone,
      now: this.now,
      pinStatusChanged: (on) => {
        const latest = this.latest;
        this.watch.pinStatusChanged(on, latest && { snapshot: latest, change: () => dayChange(this.changesOf(latest)) });
      },
    });
  }

  /** /status and Refresh: a snapshot now (joining one already running), as the report with its buttons; not recorded. */
  async statusScreen(): Promise<Screen> {
    return this.statusOf(await this.snapshot());
  }

  /** The latest snapshot's report, as "⬅️ Status" shows it; null when pfbot has taken none since it started. */
  latestStatusScreen(): Screen | null {
    return this.latest === null ? null : this.statusOf(this.latest);
  }

  /** The latest snapshot's notes in full ("ℹ️ Details"); null when pfbot has taken none since it started, or it has none. */
  detailsScreen(): Screen | null {
    if (this.latest === null) return null;
    const { details } = renderStatus(this.latest, this.statusOptions(null));
    return details === null ? null : { html: details, keyboard: detailsKeyboard() };
  }

  /**
   * /history [N] and its buttons: the days in USD or RUB a page at a time, or each platform's value and 7D change
   * (amounts hidden with privacy).
   */
  historyScreen(request: HistoryRequest): Screen {
    const privacy = this.preferences.value("privacy");
    try {
      if (request.view === "platforms") {
        return { html: platformView(this.deps.history, privacy).html + this.storage.note(), keyboard: historyKeyboard(request, 1) };
      }
      // pfbot --history's view (history/io.ts), which reads days enough before it for the oldest row's change.
      const view = historyView(this.deps.history, { ...request, privacy });
      return { html: view.html + this.storage.note(), keyboard: historyKeyboard({ ...request, page: view.page }, view.pages) };
    } catch (error) {
      this.storage.failed(error, "history not readable");
      return { html: `The history cannot be read: ${escapeHtml(this.storage.problem() ?? "")}`, keyboard: historyKeyboard(request, 1) };
    }
  }

  /** /export and its buttons: the whole history as files (export.ts), or the line that says why there are none. */
  exportAnswer(
    formats: readonly ExportFormat[],
  ): { readonly kind: "files"; readonly files: ExportFile[] } | { readonly kind: "text"; readonly text: string } {
    try {
      const days = this.deps.history.all();
      if (days.length === 0) return { kind: "text", text: NOTHING_TO_EXPORT };
      return { kind: "files", files: exportFiles(days, formats, this.deps.history.today()) };
    } catch (error) {
      this.storage.failed(error, "history not readable");
      return { kind: "text", text: `The history cannot be read: ${this.storage.problem() ?? ""}` };
    }
  }

  /**
   * One scheduled run: snapshot, send as NOTIFY says (notify.ts: by default every report, silently only when
   * complete), then record the day, delivered or not. Throws when the report was not delivered (the scheduler
   * logs it as failed); a day that could not be recorded is logged and reported by health(), the run still counts.
   */
  async scheduledRun(): Promise<RunOutcome> {
    const started = this.now();
    const snapshot = await this.snapshot();
    if (this.deps.shutdown?.aborted) throw new PfbotError("pfbot is stopping: the report in progress was abandoned");
    const mode = this.preferences.value("notify");
    const coverage = coverageKey(snapshot);
    const { send, silent } = delivery(mode, snapshot, this.previousCoverage());
    this.keepCoverage(coverage);
    let undelivered: string | null = null;
    if (send) {
      const screen = this.statusOf(snapshot);
      try {
        await this.deps.send(screen.html, { silent, keyboard: screen.keyboard });
      } catch (error) {
        undelivered = errorMessage(error);
      }
    }
    const recorded = this.record(snapshot);
    // Alerts follow a delivered report; while Telegram refuses it they wait in the queue instead of waiting again.
    await this.watch.afterScheduledRun(snapshot, { deliver: undelivered === null });
    const outcomes = Object.fromEntries(
      snapshot.rows.map((row) => [row.id, row.ok ? (row.usd === null ? "no-usd" : row.coverage) : (row.errorKind ?? "failed")]),
    );
    this.deps.log.info("scheduled run done", {
      ms: this.now() - started,
      complete: snapshot.complete,
      sent: send ? (silent ? "silently" : "with sound") : `no (NOTIFY=${mode}: complete, coverage unchanged)`,
      delivered: send && undelivered === null,
      history: recorded,
      ...outcomes,
    });
    if (undelivered !== null) throw new PfbotError(`the report could not be delivered to Telegram: ${undelivered}`);
    return snapshot.complete ? "ok" : snapshot.rows.some((row) => row.ok) ? "partial" : "failed";
  }

  /** /chart, /allocation and their buttons (chart-answers.ts), with privacy as it is now. */
  chart(request: ChartRequest): ChartAnswer {
    return this.charts.answer(request, this.preferences.value("privacy"));
  }

  /** /frequency [minutes] (controls.ts). */
  frequency(argument: string): string {
    return this.controls.frequency(argument);
  }

  pause(): string {
    return this.controls.pause();
  }

  resume(): string {
    return this.controls.resume();
  }

  /** Resolves when the watch's work in progress is done (the pinned status, the digest, the key audits): before the database closes. */
  idle(): Promise<void> {
    return this.watch.idle();
  }

  /** GET /healthz (health.ts). */
  health(): Health {
    return healthOf({
      scheduler: this.scheduler,
      historyProblem: this.storage.problem(),
      now: this.now(),
      startedAt: this.startedAt,
      runBudgetMs: this.deps.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS,
      version: this.deps.version,
      redact: this.deps.log.redact,
    });
  }

  /** A running snapshot is shared: /status during a scheduled run (or another /status, or Refresh) waits for it. */
  private snapshot(): Promise<Snapshot> {
    this.inflight ??= this.deps
      .takeSnapshot(this.deps.shutdown)
      .then((snapshot) => {
        this.latest = snapshot;
        this.charts.keep(snapshot);
        this.watch.snapshotTaken(snapshot, () => dayChange(this.changesOf(snapshot)));
        return snapshot;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** A snapshot as the report with its buttons: the change lines, the settings as they are now, the history's and the pause's notes. */
  private statusOf(snapshot: Snapshot): Screen {
    const view = renderStatus(snapshot, this.statusOptions(this.changesOf(snapshot)));
    const outages = this.watch.outageLines(snapshot);
    const out = outages.length > 0 ? `\n\n${outages.join("\n")}` : "";
    const paused = this.scheduler.isPaused() ? `\n\n${PAUSED_NOTE}` : "";
    return { html: view.html + out + this.storage.note() + paused, keyboard: statusKeyboard({ details: view.details !== null }) };
  }

  private statusOptions(changes: Changes | null) {
    return {
      includeBreakdown: this.preferences.value("breakdown"),
      privacy: this.preferences.value("privacy"),
      changes,
      // The time zone is said in the report only when it is not TIMEZONE's default.
      defaultTimeZone: TIMEZONE.fallback,
    };
  }

  /** The change over 1D, 7D, 30D and YTD (snapshot/changes.ts); null without any day in the history. */
  private changesOf(snapshot: Snapshot): Changes | null {
    const history = this.deps.history;
    try {
      return history.count() === 0 ? null : snapshotChanges(snapshot, history);
    } catch (error) {
      // The change line is a nicety: a history that cannot be read must not cost the report.
      this.storage.failed(error, "history not readable");
      return null;
    }
  }

  /** The coverage of the previous scheduled report, kept across restarts (null: none on record, or unreadable). */
  private previousCoverage(): string | null {
    try {
      return this.deps.settings.get(LAST_COVERAGE);
    } catch {
      return null;
    }
  }

  private keepCoverage(coverage: string): void {
    try {
      if (this.previousCoverage() !== coverage) this.deps.settings.set(LAST_COVERAGE, coverage);
    } catch {
      // NOTIFY=problems then sends the next report too: a history that cannot be written is reported by record().
    }
  }

  /** Records the day; never throws (a failure is logged and kept for health() and the next messages). */
  private record(snapshot: Snapshot): string {
    const record = snapshotRecord(snapshot);
    if (!record) return "nothing to record";
    try {
      const result = this.deps.history.recordSnapshot(record);
      logRecordResult(this.deps.log, result);
      if (this.storage.isInMemory()) return `${result.outcome} in memory only`;
      this.storage.worked();
      return result.outcome;
    } catch (error) {
      this.storage.failed(error, "history not recorded");
      return "not recorded";
    }
  }
}
