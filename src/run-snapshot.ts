// The one-shot snapshot modes: --once (send to Telegram and record the day), --dry-run (print the
// message) and --json (print the snapshot as JSON). Exit 0 when at least one platform answered,
// 1 when none did or the message was not delivered.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AppContext } from "./app.ts";
import { DATABASE_FILE } from "./db.ts";
import { formatSnapshotHtml, htmlToText } from "./format.ts";
import { openHistory } from "./history-io.ts";
import { HistoryStore, localDay } from "./history.ts";
import { changeSince, snapshotJson, snapshotRecord } from "./report.ts";
import type { Snapshot } from "./snapshot.ts";
import { createTelegramApi, sendHtml } from "./telegram.ts";
import { createSnapshotTaker } from "./wiring.ts";

export async function runSnapshotMode(context: AppContext, options: { send: boolean; json: boolean }): Promise<number> {
  const { config, log } = context;
  const snapshot = await createSnapshotTaker(config, log, context.version).take();
  // Printing modes only read the history, and only if it exists: a dry run creates nothing.
  const history = options.send
    ? openHistory(config.dataDir, config.timeZone, log)
    : existsSync(join(config.dataDir, DATABASE_FILE))
      ? HistoryStore.open(config.dataDir, config.timeZone)
      : null;
  try {
    const today = localDay(snapshot.takenAt, config.timeZone);
    const change = history ? changeSince(snapshot, history.previousComparableDay(today), history.count() === 0) : null;
    if (options.json) {
      context.out(JSON.stringify(snapshotJson(snapshot, change)));
      return answered(snapshot) ? 0 : 1;
    }
    const html = formatSnapshotHtml(snapshot, { includeBreakdown: config.includeCryptoBreakdown, change });
    if (!options.send) {
      context.out(htmlToText(html));
      return answered(snapshot) ? 0 : 1;
    }
    const record = snapshotRecord(snapshot);
    if (record && history) log.info("history recorded", { day: today, outcome: history.recordSnapshot(record) });
    const telegram = config.telegram!;
    try {
      await sendHtml(createTelegramApi(telegram, log.redact), telegram.chatId, html, { silent: false });
      log.info("report sent", { complete: snapshot.complete, ms: snapshot.durationMs });
    } catch (error) {
      log.error(`the report could not be delivered to Telegram: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    return answered(snapshot) ? 0 : 1;
  } finally {
    history?.close();
  }
}

function answered(snapshot: Snapshot): boolean {
  return snapshot.rows.some((row) => row.ok);
}
