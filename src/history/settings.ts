// Small typed settings kept in pfbot.sqlite next to the history, so that what the owner changes from
// Telegram (schedule frequency, paused) and one-time markers (the legacy JSON import) survive a
// restart. The store shares the history's database but not its code: whoever opens the database
// (history/io.ts) builds both stores over it.
//
// A setting is one entry: its key, how its stored text is read (null: not a valid value, read as
// unset), and how a value is written. The store writes only what the entry reads back, so a value it
// refuses never reaches the table. A setting an environment variable also sets is an EnvBackedSetting:
// the chat's value wins until the variable's value changes. The bot's own settings are listed in
// bot/settings.ts.
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

/**
 * A setting that an environment variable also sets (/frequency and POLL_INTERVAL_MINUTES): the value set from
 * the chat wins over the configured one until the configured one changes. The store keeps, next to the value,
 * the configured value it overrode and when it was set; at start, resolve() compares that with the configured
 * value now, so an edited env file wins after a restart (as docs/deploy.md tells users to do), and an
 * unchanged one keeps the chat's choice.
 */
export interface EnvBackedSetting<T> {
  readonly setting: Setting<T>;
  /** The variable that configures it, for the messages: "from POLL_INTERVAL_MINUTES". */
  readonly variable: string;
}

/** Where a setting's current value comes from. */
export type SettingSource =
  /** Set from the chat; `at` is when (ms since the epoch), null for a value set before pfbot kept the time. */
  | { readonly kind: "chat"; readonly at: number | null }
  /** The configured value (the variable, or its default). */
  | { readonly kind: "env" };

export interface ResolvedSetting<T> {
  readonly value: T;
  readonly source: SettingSource;
  /** The chat's value the configured one replaced, because the variable changed since it was set; else null. */
  readonly superseded: { readonly chatValue: T; readonly configuredThen: T; readonly at: number | null } | null;
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

  /**
   * Stores a value set from the chat, with the configured value it overrides and the time, in one
   * transaction. Throws a RangeError, writing nothing, when either value is not one the setting reads back.
   */
  setFromChat<T>(backed: EnvBackedSetting<T>, value: T, configured: T, at: number): void {
    const { configuredThen, setAt } = companions(backed);
    this.db.transaction(() => {
      this.set(backed.setting, value);
      this.set(configuredThen, configured);
      this.set(setAt, new Date(at).toISOString());
    })();
  }

  /**
   * The value to use now: the chat's, unless the configured value changed since the chat's was set; then the
   * configured one, and the chat's is forgotten (`superseded` says which, for the log). A chat value stored
   * before pfbot kept the configured value beside it is kept, and today's configured value becomes its
   * reference. The writes are best effort: a history that cannot be written gives the same answer.
   */
  resolve<T>(backed: EnvBackedSetting<T>, configured: T): ResolvedSetting<T> {
    const resolved = this.peek(backed, configured);
    const { configuredThen, setAt } = companions(backed);
    bestEffort(() => {
      if (resolved.superseded !== null)
        this.db.transaction(() => {
          this.delete(backed.setting);
          this.delete(configuredThen);
          this.delete(setAt);
        })();
      else if (resolved.source.kind === "chat" && this.get(configuredThen) === null) this.set(configuredThen, configured);
    });
    return resolved;
  }

  /**
   * What resolve() answers, writing nothing: for a process that reads the owner's choice but must leave the
   * bot's settings as they are (--chart and --allocation, which may run with another env file than the bot).
   */
  peek<T>(backed: EnvBackedSetting<T>, configured: T): ResolvedSetting<T> {
    const { setting } = backed;
    const { configuredThen, setAt } = companions(backed);
    const chatValue = this.get(setting);
    if (chatValue === null) return { value: configured, source: { kind: "env" }, superseded: null };
    const stamp = this.get(setAt);
    const parsed = stamp === null ? Number.NaN : Date.parse(stamp);
    const at = Number.isNaN(parsed) ? null : parsed;
    const then = this.get(configuredThen);
    if (then !== null && setting.format(then) !== setting.format(configured))
      return { value: configured, source: { kind: "env" }, superseded: { chatValue, configuredThen: then, at } };
    return { value: chatValue, source: { kind: "chat", at }, superseded: null };
  }
}

/** The rows kept beside an env-backed setting's value: the configured value it overrode, and when it was set. */
function companions<T>(backed: EnvBackedSetting<T>): { configuredThen: Setting<T>; setAt: Setting<string> } {
  return {
    configuredThen: { ...backed.setting, key: `${backed.setting.key}.configured_then` },
    setAt: textSetting(`${backed.setting.key}.set_at`),
  };
}

function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // Read-only or full: the decision is the same at the next start.
  }
}
