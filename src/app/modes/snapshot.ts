// The one-shot snapshot modes: --once (send to Telegram, record the day, then the move alerts), --dry-run
// (print the message) and --json (print the snapshot as JSON). Exit 0 when at least one platform answered
// and (with --once) the message and any alert were delivered and the day recorded; 1 otherwise, with a
// line saying which. The report is delivered before the history is touched for writing: a read-only
// DATA_DIR, a full disk or a damaged database costs the record, never the message. The report and the
// alerts hide amounts as PRIVACY, or the owner's choice in /settings, says. With PIN_STATUS, --once edits
// the bot's pinned status as a scheduled report would.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AlertKeeper, type AlertSend, alertConfigOf } from "../../bot/alerts.ts";
import { ownerChat } from "../../bot/owner-chat.ts";
import { PinnedStatus } from "../../bot/pinned-status.ts";
import { type AlertValues, configuredAlerts, ENV_BACKED } from "../../bot/settings.ts";
import { CHAT_REFUSED_HINT, createTelegramApi, isChatRefusal, sendHtml } from "../../bot/telegram.ts";
import type { Config } from "../../config/config.ts";
import { TIMEZONE } from "../../config/history-config.ts";
import { telegramOf } from "../../config/telegram.ts";
import { saveLatestAllocation } from "../../history/allocation.ts";
import { DATABASE_FILE } from "../../history/db.ts";
import { describeHistoryError, type HistoryOpening, tryOpenHistory } from "../../history/io.ts";
import { SettingsStore } from "../../history/settings.ts";
import { HistoryStore, logRecordResult } from "../../history/store.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import { htmlToText } from "../../render/html.ts";
import { snapshotJson } from "../../render/json.ts";
import { renderPinnedStatus } from "../../render/pinned.ts";
import { renderStatus } from "../../render/status.ts";
import { allocationOf } from "../../snapshot/allocation.ts";
import { type Changes, snapshotChanges } from "../../snapshot/changes.ts";
import { dayChange, snapshotRecord } from "../../snapshot/report.ts";
import type { Snapshot } from "../../snapshot/snapshot.ts";
import type { AppContext } from "../run.ts";
import { createSnapshotTaker } from "../wiring.ts";

export async function runSnapshotMode(context: AppContext, options: { send: boolean; json: boolean }): Promise<number> {
  const { config, log, clock } = context;
  const snapshot = await (await createSnapshotTaker(config, log, context.version, clock)).take();
  // Printing modes only read the history, and only if it exists: a dry run creates nothing.
  const now = () => clock.now();
  const opened = options.send
    ? tryOpenHistory(config.dataDir, config.timeZone, log, now)
    : openForReading(config.dataDir, config.timeZone, now);
  const history = opened.store;
  try {
    // Null without any day in the history: the report then has no change lines at all.
    let changes: Changes | null = null;
    try {
      changes = history && history.count() > 0 ? snapshotChanges(snapshot, history) : null;
    } catch (error) {
      log.warn(`no change line: the history could not be read: ${describeHistoryError(error, config.dataDir)}`);
    }
    if (opened.problem !== null && !options.send) log.warn(`no change line: ${opened.problem}`);
    if (options.json) {
      context.out(JSON.stringify(snapshotJson(snapshot, changes)));
      return answered(snapshot) ? 0 : 1;
    }
    const display = displayChoices(history, config, log);
    const view = renderStatus(snapshot, { ...display, changes, defaultTimeZone: TIMEZONE.fallback });
    const html = view.html;
    if (!options.send) {
      // A terminal has room for the notes in full, which the bot shows under "ℹ️ Details".
      context.out(htmlToText(view.details !== null ? `${html}\n\n${view.details}` : html));
      return answered(snapshot) ? 0 : 1;
    }
    const telegram = telegramOf(config);
    const api = createTelegramApi(telegram, { totalMs: config.telegramTimeoutSeconds * 1000, clock }, log.redact);
    const send: AlertSend = (text, { silent }) => sendHtml(api, telegram.chatId, text, { silent });
    let delivered = false;
    try {
      await send(html, { silent: false });
      log.info("report sent", { complete: snapshot.complete, ms: snapshot.durationMs });
      delivered = true;
    } catch (error) {
      const hint = isChatRefusal(error) ? `: ${CHAT_REFUSED_HINT}` : "";
      log.error(`the report could not be delivered to Telegram: ${errorMessage(error)}${hint}`);
    }
    // Recorded even when not delivered: the figures are real either way.
    const unrecorded = record(snapshot, opened, context);
    const alerts = alertChoices(history, config, log);
    const alertProblem = await reportAlerts(snapshot, opened, context, { alerts, privacy: display.privacy }, delivered ? send : null);
    if (!delivered) return 1;
    if (alerts.pinStatus && opened.store !== null) {
      // --once keeps the bot's pinned status too: the same message, its id in the history's settings.
      const pinned = new PinnedStatus({
        chat: ownerChat(api, telegram.chatId),
        settings: new SettingsStore(opened.store.db),
        dataDir: config.dataDir,
        log,
        now: clock.now,
      });
      await pinned.show(
        renderPinnedStatus(snapshot, { privacy: display.privacy, change: dayChange(changes), defaultTimeZone: TIMEZONE.fallback }),
      );
    }
    if (unrecorded !== null) {
      log.error(`the report was delivered, but today's totals were not recorded in the history: ${unrecorded}`);
      return 1;
    }
    if (alertProblem !== null) {
      log.error(`the report was delivered, but an alert was not: ${alertProblem}; it stays queued and goes with the next report`);
      return 1;
    }
    return answered(snapshot) ? 0 : 1;
  } finally {
    history?.close();
  }
}

/**
 * Records the day, and a complete snapshot's allocation for `--allocation` and /allocation; returns why the
 * day could not be recorded, or null (recorded, or nothing to record).
 */
function record(snapshot: Snapshot, opened: HistoryOpening, context: AppContext): string | null {
  const allocation = allocationOf(snapshot);
  if (allocation !== null && opened.store !== null) {
    try {
      saveLatestAllocation(new SettingsStore(opened.store.db), allocation);
    } catch (error) {
      context.log.warn(`the allocation was not saved: ${describeHistoryError(error, context.config.dataDir)}`);
    }
  }
  const entry = snapshotRecord(snapshot);
  if (!entry) return null;
  if (opened.store === null) return opened.problem;
  try {
    logRecordResult(context.log, opened.store.recordSnapshot(entry));
    return null;
  } catch (error) {
    return describeHistoryError(error, context.config.dataDir);
  }
}

/**
 * --once is a scheduled run for the alerts, as the bot's are: a cron job or a systemd timer is how a user without the
 * bot schedules pfbot. So its report counts for the move alerts (ALERT_MOVE_PERCENT, ALERT_MOVE_PERCENT_DAY) and, as a
 * run, for the failure alerts (ALERT_FAILURES): the rules run over it and queue what they raise (bot/alerts.ts), then
 * the queue is delivered, alerts a run before could not deliver first. `send` is null when the report itself was not
 * delivered: the alerts then wait in the queue. Returns why an alert was not delivered, or null.
 */
async function reportAlerts(
  snapshot: Snapshot,
  opened: HistoryOpening,
  context: AppContext,
  choices: { readonly alerts: AlertValues; readonly privacy: boolean },
  send: AlertSend | null,
): Promise<string | null> {
  const { config, log } = context;
  const alerts = alertConfigOf(choices.alerts);
  const { privacy } = choices;
  // Off (no move threshold, ALERT_FAILURES=0), --once neither writes the rules' state nor touches the queue.
  if (alerts.thresholds.report === null && alerts.thresholds.day === null && alerts.failures === 0) return null;
  if (opened.store === null) {
    log.warn("alerts not checked: the last report and the failed runs in a row are kept in the history, which is unavailable");
    return null;
  }
  const keeper = new AlertKeeper({
    db: opened.store.db,
    config: () => alerts,
    timeZone: config.timeZone,
    privacy: () => privacy,
    log,
  });
  try {
    keeper.afterReport(snapshot);
  } catch (error) {
    log.warn(`alerts not checked: ${describeHistoryError(error, config.dataDir)}`);
  }
  if (send === null) return null;
  try {
    return (await keeper.deliver(send)).failed;
  } catch (error) {
    return describeHistoryError(error, config.dataDir);
  }
}

/**
 * PRIVACY and INCLUDE_CRYPTO_BREAKDOWN as the report uses them: the owner's choice in /settings, kept in the history's
 * database, wins until the variable changes (the bot's rule), read without changing the bot's settings; as configured
 * when there is no database, or it cannot be read.
 */
function displayChoices(history: HistoryStore | null, config: Config, log: Logger): { privacy: boolean; includeBreakdown: boolean } {
  const configured = { privacy: config.privacy, includeBreakdown: config.includeCryptoBreakdown };
  if (history === null) return configured;
  try {
    const settings = new SettingsStore(history.db);
    return {
      privacy: settings.peek(ENV_BACKED.privacy, configured.privacy).value,
      includeBreakdown: settings.peek(ENV_BACKED.breakdown, configured.includeBreakdown).value,
    };
  } catch (error) {
    log.warn(
      `the settings chosen in the chat could not be read, PRIVACY and INCLUDE_CRYPTO_BREAKDOWN apply: ${describeHistoryError(error, config.dataDir)}`,
    );
    return configured;
  }
}

/**
 * The move alert thresholds and the pinned status as the bot uses them: the owner's choice in /settings wins until
 * its variable changes (displayChoices' rule), read without writing; as configured without a database.
 */
function alertChoices(history: HistoryStore | null, config: Config, log: Logger): AlertValues {
  const configured = configuredAlerts(config.alerts);
  if (history === null) return configured;
  try {
    const settings = new SettingsStore(history.db);
    return {
      ...configured,
      movePercent: settings.peek(ENV_BACKED.movePercent, configured.movePercent).value,
      movePercentDay: settings.peek(ENV_BACKED.movePercentDay, configured.movePercentDay).value,
      failures: settings.peek(ENV_BACKED.failures, configured.failures).value,
      pinStatus: settings.peek(ENV_BACKED.pinStatus, configured.pinStatus).value,
    };
  } catch (error) {
    log.warn(
      `the alert settings chosen in the chat could not be read, ALERT_MOVE_PERCENT, ALERT_MOVE_PERCENT_DAY, ALERT_FAILURES and PIN_STATUS apply: ${describeHistoryError(error, config.dataDir)}`,
    );
    return configured;
  }
}

function openForReading(dataDir: string, timeZone: string, now: () => number): HistoryOpening {
  if (!existsSync(join(dataDir, DATABASE_FILE))) return { store: null, problem: null };
  try {
    return { store: HistoryStore.open(dataDir, timeZone, now), problem: null };
  } catch (error) {
    return { store: null, problem: describeHistoryError(error, dataDir) };
  }
}

function answered(snapshot: Snapshot): boolean {
  return snapshot.rows.some((row) => row.ok);
}
