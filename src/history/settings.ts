// Small key/value settings kept in pfbot.sqlite next to the history, so that what the owner changes
// from Telegram (schedule frequency, paused) and one-time markers (the legacy JSON import) survive a
// restart. Values are strings; callers parse their own.
import type { Database } from "bun:sqlite";

/** Well-known keys, so that two modules never spell one differently. */
export const SETTING_KEYS = {
  /** UTC ISO time of the first-start import of DATA_DIR/portfolio_history.json (done once, ever). */
  legacyJsonImported: "history.legacy_json_imported_at",
  /** Minutes between scheduled reports, set with /frequency; overrides POLL_INTERVAL_MINUTES. */
  frequencyMinutes: "schedule.frequency_minutes",
  /** "1" while scheduled reports are paused with /pause. */
  paused: "schedule.paused",
} as const;

/** The stored value, or null when the key was never set (or was deleted). */
export function getSetting(db: Database, key: string): string | null {
  const row = db.query<{ value: string }, [string]>("SELECT value FROM settings WHERE key = ?1").get(key);
  return row?.value ?? null;
}

/** Sets (inserting or replacing) one value; a single statement, so atomic on its own. */
export function setSetting(db: Database, key: string, value: string): void {
  db.query("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}

export function deleteSetting(db: Database, key: string): void {
  db.query("DELETE FROM settings WHERE key = ?1").run(key);
}
