// The alerts' thin edge: runs the pure rules (alerts/) over their state in pfbot.sqlite, renders what they raise
// (render/alerts.ts, render/digest.ts) and queues it in the same write transaction (history/alert-outbox.ts), then
// delivers the queue through a `send` it is given. A restart therefore never repeats an alert (the state moved on
// with the queueing) and never loses one (the queue outlives it until Telegram takes each message). Used by
// --once (after its report, a run of a cron user's schedule) and by the bot: after each scheduled run, after
// the daily key audits (expiry warnings), at the digest's slot, and for /status (the platforms out).
import type { Database } from "bun:sqlite";
import { type DigestSchedule, digestSlotToSend, digestWeek, weeklyDigest } from "../alerts/digest.ts";
import { type ExpiryReading, expiryRule, NO_EXPIRY_WARNINGS } from "../alerts/expiry.ts";
import { currentOutages, failureRule, NO_OUTAGES } from "../alerts/failures.ts";
import { type MoveThresholds, moveRule, NO_MOVES, reportPoint } from "../alerts/move.ts";
import { DIGEST_LAST_SLOT, FAILURE_ALERT_STATE, KEY_EXPIRY_STATE, MOVE_ALERT_STATE } from "../alerts/state.ts";
import { TIMEZONE } from "../config/history-config.ts";
import { AlertOutbox, type QueuedAlert } from "../history/alert-outbox.ts";
import { SettingsStore } from "../history/settings.ts";
import type { DayRecord } from "../history/store.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { PlatformId } from "../platforms/types.ts";
import { type AlertRenderOptions, renderExpiryWarning, renderFailureAlert, renderMoveAlert, renderOutages } from "../render/alerts.ts";
import type { ChartView } from "../render/chart/history-chart.ts";
import { renderDigest } from "../render/digest.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { EnvBackedValues } from "./settings.ts";

/** What the alert variables configure (config.ts `alerts`). */
export interface AlertConfig {
  readonly thresholds: MoveThresholds;
  /** ALERT_FAILURES; 0: the runs in a row are counted (for /status) but never alerted. */
  readonly failures: number;
  /** DIGEST; null: off. */
  readonly digest: DigestSchedule | null;
}

/** The alert settings as the owner chose them (bot/settings.ts: 0 and "off" are off). */
export function alertConfigOf(values: Pick<EnvBackedValues, "movePercent" | "movePercentDay" | "failures" | "digest">): AlertConfig {
  return {
    thresholds: {
      report: values.movePercent === 0 ? null : values.movePercent,
      day: values.movePercentDay === 0 ? null : values.movePercentDay,
    },
    failures: values.failures,
    digest: values.digest === "off" ? null : values.digest,
  };
}

export interface AlertKeeperDeps {
  /** pfbot.sqlite, migrated (db.ts); its owner closes it. */
  readonly db: Database;
  /** Read at each report, audit and tick: the owner may change it from /settings. */
  readonly config: () => AlertConfig;
  readonly timeZone: string;
  /** PRIVACY, read when an alert is rendered: percentages only. */
  readonly privacy: () => boolean;
  readonly log: Logger;
}

/** Sends one HTML message to the owner; `silent` without a notification sound. */
export type AlertSend = (html: string, options: { readonly silent: boolean }) => Promise<void>;

export interface DeliveryResult {
  readonly delivered: number;
  /** Why the queue stopped (the rest stays queued for the next delivery); null when it was emptied. */
  readonly failed: string | null;
}

/** How late a digest slot may still be sent: the scheduler's grace (bot/schedule.ts). */
export const DIGEST_GRACE_MS = 10 * 60_000;

export class AlertKeeper {
  private readonly settings: SettingsStore;
  private readonly outbox: AlertOutbox;
  /** Deliveries run one at a time, so that two callers never send the same queued alert. */
  private delivery: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AlertKeeperDeps) {
    this.settings = new SettingsStore(deps.db);
    this.outbox = new AlertOutbox(deps.db);
  }

  /**
   * A scheduled run's report (the bot's, or --once's: on-demand /status runs are not counted): the move rules and the
   * failure rule. Returns how many alerts it queued. Throws when the database cannot be written.
   */
  afterReport(snapshot: Snapshot): number {
    const render = this.renderOptions();
    return this.raise(snapshot.takenAt, () => {
      const raised: Raised[] = [];
      const move = moveRule(
        this.settings.get(MOVE_ALERT_STATE) ?? NO_MOVES,
        reportPoint(snapshot),
        this.deps.config().thresholds,
        this.deps.timeZone,
      );
      this.settings.set(MOVE_ALERT_STATE, move.state);
      for (const alert of move.alerts) raised.push({ kind: "move", html: renderMoveAlert(alert, render), silent: false });
      // The last error is kept in the database, a sink like any other: redacted before it is stored.
      const rows = snapshot.rows.map((row) => ({
        id: row.id,
        ok: row.ok,
        error: row.error === null ? null : this.deps.log.redact(row.error),
      }));
      const failures = failureRule(
        this.settings.get(FAILURE_ALERT_STATE) ?? NO_OUTAGES,
        rows,
        snapshot.takenAt,
        this.deps.config().failures,
      );
      this.settings.set(FAILURE_ALERT_STATE, failures.state);
      for (const alert of failures.alerts) raised.push({ kind: alert.kind, html: renderFailureAlert(alert, render), silent: false });
      return raised;
    });
  }

  /** Today's key audits (successful ones only: a failed audit keeps what was known): the expiry warnings due now. */
  afterKeyAudits(readings: readonly ExpiryReading[], now: number): number {
    const render = this.renderOptions();
    return this.raise(new Date(now), () => {
      const outcome = expiryRule(this.settings.get(KEY_EXPIRY_STATE) ?? NO_EXPIRY_WARNINGS, readings, now);
      this.settings.set(KEY_EXPIRY_STATE, outcome.state);
      return outcome.warnings.map((warning) => ({ kind: "expiry", html: renderExpiryWarning(warning, render), silent: false }));
    });
  }

  /** The digest slot to send now, if DIGEST is set and one is due (never one missed by more than the grace, nor one sent). */
  digestDue(now: Date): Date | null {
    const schedule = this.deps.config().digest;
    if (schedule === null) return null;
    return digestSlotToSend(now, this.settings.get(DIGEST_LAST_SLOT), schedule, this.deps.timeZone, DIGEST_GRACE_MS);
  }

  /**
   * Queues the digest of the week ending at `slot` (silent) and marks the slot sent, in one transaction. `records`:
   * the history's last 14 days or more. Returns the week's chart for the caller to send as a photo after delivery.
   */
  queueDigest(slot: Date, records: readonly DayRecord[]): ChartView {
    const view = renderDigest(weeklyDigest(records, digestWeek(slot, this.deps.timeZone)), records, { privacy: this.deps.privacy() });
    this.raise(slot, () => {
      this.settings.set(DIGEST_LAST_SLOT, slot);
      return [{ kind: "digest", html: view.html, silent: true }];
    });
    return view.chart;
  }

  /**
   * The /status lines of the platforms whose last scheduled run failed, and since when; empty when none. `only`:
   * just these platforms (those the report shown failed too).
   */
  outageLines(only?: ReadonlySet<PlatformId>): string[] {
    const outages = currentOutages(this.settings.get(FAILURE_ALERT_STATE) ?? NO_OUTAGES);
    return renderOutages(only === undefined ? outages : outages.filter(({ platform }) => only.has(platform)), this.renderOptions());
  }

  /** Alerts raised and not yet delivered, oldest first. */
  pending(): QueuedAlert[] {
    return this.outbox.pending();
  }

  /** Sends the queue, oldest first, each once: stops at the first that Telegram does not take (it stays queued). */
  deliver(send: AlertSend): Promise<DeliveryResult> {
    const run = this.delivery.then(() => this.deliverQueue(send));
    this.delivery = run.catch(() => undefined);
    return run;
  }

  private async deliverQueue(send: AlertSend): Promise<DeliveryResult> {
    let delivered = 0;
    for (const alert of this.outbox.pending()) {
      try {
        await send(alert.html, { silent: alert.silent });
      } catch (error) {
        const failed = errorMessage(error);
        this.deps.log.warn("alert not delivered; it stays queued for the next delivery", { kind: alert.kind, error: failed });
        return { delivered, failed };
      }
      this.outbox.remove(alert.id);
      delivered += 1;
      this.deps.log.info("alert delivered", { kind: alert.kind, raisedAt: alert.raisedAt.toISOString() });
    }
    return { delivered, failed: null };
  }

  /** Runs `compute` (which stores the rules' new state) and queues what it raised, in one write transaction. */
  private raise(raisedAt: Date, compute: () => Raised[]): number {
    const { raised, dropped } = this.deps.db
      .transaction(() => {
        const raised = compute();
        let dropped = 0;
        for (const alert of raised) dropped += this.outbox.add({ ...alert, raisedAt });
        return { raised, dropped };
      })
      .immediate();
    for (const alert of raised) this.deps.log.info("alert raised", { kind: alert.kind });
    if (dropped > 0) this.deps.log.warn(`dropped the ${dropped} oldest undelivered alerts: more than the queue keeps`);
    return raised.length;
  }

  private renderOptions(): AlertRenderOptions {
    return { privacy: this.deps.privacy(), timeZone: this.deps.timeZone, defaultTimeZone: TIMEZONE.fallback };
  }
}

interface Raised {
  readonly kind: string;
  readonly html: string;
  readonly silent: boolean;
}
