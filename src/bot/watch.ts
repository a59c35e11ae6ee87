// The bot keeping watch on the owner's behalf (README, "Alerts"): it wires the alert keeper (bot/alerts.ts) and the
// live pinned status (pinned-status.ts) into the bot's life.
// - After each scheduled run (BotService.scheduledRun, once the report is sent and the day recorded): the move and
//   failure rules, then the queue's delivery.
// - After every snapshot (scheduled, /status, Refresh): the pinned status, when PIN_STATUS is on.
// - At every scheduler tick (Scheduler's `chores`, paused or not): the weekly digest when its slot is due (text,
//   then the week's chart as a photo, both silent), and once a day, from the report window's start, the key audits
//   of the platforms that report a key's expiry.
// - /status: the platforms out, and since when.
// The settings are read as they are now (the owner changes them in /settings). Nothing here throws: a database or
// Telegram that fails is logged, and what was raised stays queued for the next delivery.
import { KEY_AUDIT_DAY } from "../alerts/state.ts";
import { TIMEZONE } from "../config/history-config.ts";
import { describeHistoryError } from "../history/io.ts";
import type { SettingsStore } from "../history/settings.ts";
import type { HistoryStore } from "../history/store.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { addDays, zonedDay, zonedWallTime } from "../lib/zoned-time.ts";
import { renderPinnedStatus } from "../render/pinned.ts";
import type { Change } from "../snapshot/report.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import { AlertKeeper, type AlertSend, alertConfigOf } from "./alerts.ts";
import type { KeyAudits } from "./key-audits.ts";
import type { OwnerChat } from "./owner-chat.ts";
import { PinnedStatus } from "./pinned-status.ts";
import type { Preferences } from "./preferences.ts";

export interface WatchDeps {
  /** The history (the digest reads it); the alerts' state and queue live in its database. */
  readonly history: HistoryStore;
  readonly settings: SettingsStore;
  /** The owner's settings as they are now: the thresholds, the digest, the pinned status, privacy, the window. */
  readonly preferences: Preferences;
  /** Sends an alert as the reports are sent. */
  readonly send: AlertSend;
  /** The owner's chat, for the pinned status and the digest's chart; null: neither (the digest goes as text alone). */
  readonly chat: OwnerChat | null;
  /** Today's key audits; null when no enabled platform reports a key's expiry. */
  readonly keyAudits: KeyAudits | null;
  /** SVG → PNG, in the chart renderer (chart-answers.ts, one chart at a time). */
  readonly drawChart: (svg: string) => Promise<Uint8Array>;
  readonly dataDir: string;
  readonly timeZone: string;
  readonly log: Logger;
  /** Aborted when pfbot stops: a key audit in progress ends. */
  readonly shutdown?: AbortSignal;
}

/** The days of history the digest reads before its slot: the week, and the week before for the change's start. */
const DIGEST_DAYS_BACK = 14;

export class Watch {
  private readonly keeper: AlertKeeper;
  private readonly pinned: PinnedStatus | null;
  /** The tick's work in progress (the digest, the key audits): a tick during it joins it. */
  private chores: Promise<void> | null = null;
  /** The day of the last key audit, also when the settings could not keep it. */
  private auditedDay: string | null = null;

  constructor(
    private readonly deps: WatchDeps,
    now: () => number,
  ) {
    const { preferences } = deps;
    this.keeper = new AlertKeeper({
      db: deps.history.db,
      config: () =>
        alertConfigOf({
          movePercent: preferences.value("movePercent"),
          movePercentDay: preferences.value("movePercentDay"),
          failures: preferences.value("failures"),
          digest: preferences.value("digest"),
        }),
      timeZone: deps.timeZone,
      privacy: () => preferences.value("privacy"),
      log: deps.log,
    });
    this.pinned =
      deps.chat === null
        ? null
        : new PinnedStatus({
            chat: deps.chat,
            settings: deps.settings,
            dataDir: deps.dataDir,
            log: deps.log,
            now,
          });
  }

  /**
   * After a scheduled run's report (sent or not) and its record: the move and failure alerts, delivered when `deliver`
   * (the report was: else they wait in the queue for the next delivery).
   */
  async afterScheduledRun(snapshot: Snapshot, options: { readonly deliver: boolean }): Promise<void> {
    try {
      this.keeper.afterReport(snapshot);
    } catch (error) {
      this.deps.log.warn(`alerts not checked after the scheduled run: ${describeHistoryError(error, this.deps.dataDir)}`);
    }
    if (options.deliver) await this.deliver();
  }

  /** Every snapshot: the pinned status shows it, when on. `change` gives the report's change line. */
  snapshotTaken(snapshot: Snapshot, change: () => Change | null): void {
    if (this.pinned === null || !this.deps.preferences.value("pinStatus")) return;
    const privacy = this.deps.preferences.value("privacy");
    void this.pinned.show(renderPinnedStatus(snapshot, { privacy, change: change(), defaultTimeZone: TIMEZONE.fallback }));
  }

  /** The pinned status turned on (shown from `latest`, when pfbot has a snapshot) or off (unpinned). */
  pinStatusChanged(on: boolean, latest: { readonly snapshot: Snapshot; readonly change: () => Change | null } | null): void {
    if (this.pinned === null) return;
    if (!on) void this.pinned.remove();
    else if (latest !== null) this.snapshotTaken(latest.snapshot, latest.change);
  }

  /** One scheduler tick: the digest when due, then the day's key audits when due. Never throws. */
  tick(now: Date): Promise<void> {
    this.chores ??= this.runChores(now).finally(() => {
      this.chores = null;
    });
    return this.chores;
  }

  /** The report's lines for its platforms that failed and are out since an earlier scheduled run. */
  outageLines(snapshot: Snapshot): string[] {
    const failed = new Set(snapshot.rows.filter((row) => !row.ok).map((row) => row.id));
    if (failed.size === 0) return [];
    try {
      return this.keeper.outageLines(failed);
    } catch {
      // A nicety of the report: the history's problem is said by the report's own note.
      return [];
    }
  }

  /** Resolves when the pinned status and the tick's work in progress are done (before the database closes). */
  async idle(): Promise<void> {
    await Promise.all([this.pinned?.idle(), this.chores]);
  }

  private async runChores(now: Date): Promise<void> {
    try {
      await this.digestIfDue(now);
      await this.auditIfDue(now);
    } catch (error) {
      this.deps.log.warn(`the watch's tick failed: ${errorMessage(error)}`);
    }
  }

  /** The weekly digest at its slot (never one missed by more than the grace, never twice): the text, then the chart. */
  private async digestIfDue(now: Date): Promise<void> {
    const { history, timeZone, log, chat } = this.deps;
    let chart: ReturnType<AlertKeeper["queueDigest"]>;
    try {
      const slot = this.keeper.digestDue(now);
      if (slot === null) return;
      chart = this.keeper.queueDigest(slot, history.since(addDays(zonedDay(slot, timeZone), -DIGEST_DAYS_BACK)));
    } catch (error) {
      log.warn(`the weekly digest was not made: ${describeHistoryError(error, this.deps.dataDir)}`);
      return;
    }
    // The chart follows its text, and only once the text is delivered.
    if (!(await this.deliver()) || chart.kind !== "chart" || chat === null) return;
    try {
      await chat.sendPhoto(await this.deps.drawChart(chart.svg), chart.caption, { silent: true });
    } catch (error) {
      log.warn(`the weekly digest's chart was not sent: ${errorMessage(error)}`);
    }
  }

  /** Once a day, from the report window's start (the owner's waking hours): the key audits and their warnings. */
  private async auditIfDue(now: Date): Promise<void> {
    const { keyAudits, settings, preferences, timeZone, log } = this.deps;
    if (keyAudits === null) return;
    const day = zonedDay(now, timeZone);
    if (this.auditedDay === day || now < zonedWallTime(day, preferences.value("window").startHour, 0, timeZone)) return;
    this.auditedDay = day;
    try {
      if (settings.get(KEY_AUDIT_DAY) === day) return;
      settings.set(KEY_AUDIT_DAY, day);
    } catch (error) {
      log.warn(`the day of the key audit was not saved: ${describeHistoryError(error, this.deps.dataDir)}`);
    }
    const readings = await keyAudits(this.deps.shutdown);
    if (readings.length === 0) return;
    try {
      this.keeper.afterKeyAudits(readings, now.getTime());
    } catch (error) {
      log.warn(`key expiry not checked: ${describeHistoryError(error, this.deps.dataDir)}`);
      return;
    }
    await this.deliver();
  }

  /** Delivers the queue; true when it was emptied. */
  private async deliver(): Promise<boolean> {
    try {
      return (await this.keeper.deliver(this.deps.send)).failed === null;
    } catch (error) {
      this.deps.log.warn(`alerts not delivered: ${describeHistoryError(error, this.deps.dataDir)}`);
      return false;
    }
  }
}
