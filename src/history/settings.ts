// Small typed settings kept in pfbot.sqlite next to the history, so that what the owner changes from
// Telegram (schedule frequency, paused) and one-time markers (the legacy JSON import) survive a
// restart. The store shares the history's database but not its code: whoever opens the database
// (history/io.ts) builds both stores over it.
//
// A setting is one entry: its key, how its stored text is read (null: not a valid value, read as
// unset), and how a value is written. The store writes only what the entry reads back, so a value it
// refuses never reaches the table. The bot's own settings are listed in bot/settings.ts.
import type { Database } from "bun:sqlite";

/** One typed value in the settings table. */
export interface Setting<T> {
  /** The row's key; each key belongs to exactly one Setting, declared once. */
  readonly key: string;
  /** The stored text as a value; null when it is not a valid one (edited by hand, or by another pfbot). */
  readonly parse: (text: string) => T | null;
  /** The value as stored text; parse(format(value)) must give the value back. */
  readonly format: (value: T) => string;
}

/** A yes/no setting, stored as "1" or "0". */
export function flagSetting(key: string): Setting<boolean> {
  return { key, parse: (text) => (text === "1" ? true : text === "0" ? false : null), format: (on) => (on ? "1" : "0") };
}

/** A free-text setting (any stored text is valid). */
export function textSetting(key: string): Setting<string> {
  return { key, parse: (text) => text, format: (text) => text };
}

/** UTC ISO time of the first-start import of DATA_DIR/portfolio_history.json (done once, ever; history/io.ts). */
export const LEGACY_JSON_IMPORTED = textSetting("history.legacy_json_imported_at");

/** The settings table of one open database (migrated by db.ts). Its owner closes the database. */
export class SettingsStore {
  constructor(private readonly db: Database) {}

  /** The stored value; null when never set, deleted, or not a valid value of the setting. */
  get<T>(setting: Setting<T>): T | null {
    const row = this.db.query<{ value: string }, [string]>("SELECT value FROM settings WHERE key = ?1").get(setting.key);
    return row ? setting.parse(row.value) : null;
  }

  /**
   * Stores (inserting or replacing) one value: a single statement, so atomic on its own. Throws a
   * RangeError, writing nothing, when the value is not one the setting would read back.
   */
  set<T>(setting: Setting<T>, value: T): void {
    const text = setting.format(value);
    if (setting.parse(text) === null) throw new RangeError(`${setting.key}: ${JSON.stringify(text)} is not a valid value`);
    this.db
      .query("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(setting.key, text);
  }

  /** Forgets the value: get() returns null until it is set again. */
  delete<T>(setting: Setting<T>): void {
    this.db.query("DELETE FROM settings WHERE key = ?1").run(setting.key);
  }
}
