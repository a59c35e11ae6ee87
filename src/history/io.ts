// What `pfbot --import/--export/--history` and the first start do with history files. These need
// only DATA_DIR and TIMEZONE: no platform, no Telegram, no network.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../lib/atomic-file.ts";
import { errorCode, errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { HISTORY_VIEW_DAYS, type HistoryView, type HistoryViewOptions, renderHistory } from "../render/history-view.ts";
import { renderPlatformView } from "../render/platform-view.ts";
import { changes } from "../snapshot/changes.ts";
import { type CsvDialect, formatHistoryCsv, looksLikeCsv } from "./csv.ts";
import { parseHistoryCsv } from "./csv-import.ts";
import { DATABASE_FILE, openDatabase, openDataDirDatabase } from "./db.ts";
import { formatHistoryJson, parseHistoryJson } from "./json.ts";
import { LEGACY_JSON_IMPORTED, SettingsStore } from "./settings.ts";
import { addDays, HistoryStore, type ImportCounts } from "./store.ts";

/** The original bot's file name, looked for in DATA_DIR on first start. */
export const LEGACY_HISTORY_FILE = "portfolio_history.json";

export type ImportResult =
  | { readonly ok: true; readonly counts: ImportCounts; readonly summary: string }
  | { readonly ok: false; readonly error: string };

/**
 * Validates the whole file, then imports it in one transaction. On any problem nothing is written
 * and `error` lists the problems (the CLI exits 2). The file is the original bot's JSON (named .json, or
 * starting with "{"), or else pfbot's own CSV in either dialect (csv.ts).
 */
export function runImport(store: HistoryStore, filePath: string, options: { readonly overwrite: boolean }): ImportResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(filePath);
  } catch (error) {
    return { ok: false, error: `${filePath}: cannot read it (${errorCode(error) === "ENOENT" ? "no such file" : errorMessage(error)})` };
  }
  const text = bytes.toString("utf8");
  const csv = looksLikeCsv(filePath, text);
  if (csv && !isUtf8(bytes)) {
    return {
      ok: false,
      error: `${filePath}: nothing imported, the file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8" (Excel) or with the UTF-8 encoding`,
    };
  }
  const parsed = csv ? parseHistoryCsv(text, store.today()) : parseHistoryJson(text, store.today());
  if (!parsed.ok) {
    const shown = parsed.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  - ${p}`);
    const more = parsed.problems.length > MAX_PROBLEMS_SHOWN ? [`  … and ${parsed.problems.length - MAX_PROBLEMS_SHOWN} more`] : [];
    return { ok: false, error: [`${filePath}: nothing imported, the file has problems:`, ...shown, ...more].join("\n") };
  }
  const counts = store.importDays(parsed.entries, options);
  return { ok: true, counts, summary: `${filePath}: ${describeCounts(counts, options.overwrite)}` };
}

/** What --export writes: the original bot's JSON, or pfbot's CSV in one of its dialects (csv.ts). */
export type ExportFormat = "json" | CsvDialect;

/**
 * Exports the whole history in `format`. With a path, writes it atomically (lib/atomic-file.ts: a reader sees
 * the old file or the new one, never half) and returns a one-line summary; without, returns the text itself
 * for stdout.
 */
export function runExport(store: HistoryStore, filePath: string | null, format: ExportFormat = "json"): string {
  const days = store.all();
  const text = format === "json" ? formatHistoryJson(days) : formatHistoryCsv(days, format);
  if (filePath === null) return text;
  writeFileAtomic(filePath, text);
  return `exported ${plural(days.length, "day")} to ${filePath}`;
}

/** The /history view as plain text for a terminal (`pfbot --history`). */
export function historyViewText(store: HistoryStore): string {
  return historyView(store, VIEW_DEFAULTS).text;
}

/** The /history view as Telegram HTML. */
export function historyViewHtml(store: HistoryStore, view: HistoryViewChoice = VIEW_DEFAULTS): string {
  return historyView(store, view).html;
}

/** Which /history view: the currency, whether amounts are hidden (PRIVACY), and for `/history N` the days and the page. */
type HistoryViewChoice = Pick<HistoryViewOptions, "currency" | "privacy" | "days" | "page">;

const VIEW_DEFAULTS: HistoryViewChoice = { currency: "USD", privacy: false };

/** The owner's days up to today; with none yet, the sample days (samples.ts), shown as samples. */
export function historyView(store: HistoryStore, view: HistoryViewChoice): HistoryView {
  // A few days more than the view shows, so that its oldest row still has the day it is compared with.
  const days = store.recent((view.days ?? HISTORY_VIEW_DAYS) + HISTORY_VIEW_EXTRA);
  return renderHistory(days, { ...view, samples: days.length > 0 ? [] : store.samples(), today: store.today() });
}

/**
 * /history's per-platform view: the latest complete day the bot recorded (with its platforms) among the last
 * HISTORY_VIEW_DAYS, each platform's value and its change over 7D.
 */
export function platformView(store: HistoryStore, privacy: boolean): { readonly html: string; readonly text: string } {
  const recent = store.recent(HISTORY_VIEW_DAYS);
  const day = recent.find((record) => record.complete && record.platforms.size > 0) ?? null;
  const newest = recent[0] ?? null;
  // The 7D period looks 7 to 10 days back: those days are all changes() needs for it.
  const change = day === null ? null : changes(day, store.since(addDays(day.day, -10))).periods["7d"];
  return renderPlatformView({ day, change, newer: newest !== null && newest !== day ? newest : null, privacy, today: store.today() });
}

/**
 * Opens the history in DATA_DIR and, on the very first start, takes in the original bot's file
 * (importLegacyFileOnce). Every mode that touches the history opens it this way. `now` is the store's clock.
 */
export function openHistory(dataDir: string, timeZone: string, log: Logger, now: () => number = Date.now): HistoryStore {
  return openStores(dataDir, timeZone, log, now).history;
}

/** The history and the settings: two stores over one database. `history.close()` closes it for both. */
export interface Stores {
  readonly history: HistoryStore;
  readonly settings: SettingsStore;
}

/** openHistory, with the settings store over the same database. */
function openStores(dataDir: string, timeZone: string, log: Logger, now: () => number = Date.now): Stores {
  const db = openDataDirDatabase(dataDir);
  const stores = { history: new HistoryStore(db, timeZone, now), settings: new SettingsStore(db) };
  try {
    importLegacyFileOnce(stores.history, stores.settings, dataDir, log);
    return stores;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The bot's stores: DATA_DIR's, or when they cannot be opened, stand-ins in memory (kept until pfbot
 * restarts) and why, in `problem`, which says what to do.
 */
export function openStoresOrMemory(
  dataDir: string,
  timeZone: string,
  log: Logger,
  now: () => number = Date.now,
): Stores & { readonly problem: string | null } {
  try {
    return { ...openStores(dataDir, timeZone, log, now), problem: null };
  } catch (error) {
    const memory = openDatabase(":memory:");
    return {
      history: new HistoryStore(memory, timeZone, now),
      settings: new SettingsStore(memory),
      problem: describeHistoryError(error, dataDir),
    };
  }
}

/** The history, or why it could not be opened (`problem` says what to do; the report still goes out). */
export interface HistoryOpening {
  readonly store: HistoryStore | null;
  readonly problem: string | null;
}

/**
 * openHistory for the modes that must deliver a report whatever the disk does (--once, the bot): a
 * read-only or full DATA_DIR, or a damaged database, gives `problem` instead of an exception.
 */
export function tryOpenHistory(dataDir: string, timeZone: string, log: Logger, now: () => number = Date.now): HistoryOpening {
  try {
    return { store: openHistory(dataDir, timeZone, log, now), problem: null };
  } catch (error) {
    return { store: null, problem: describeHistoryError(error, dataDir) };
  }
}

/** What a history failure (opening, or writing a day or a setting) means, and what the owner should do. */
export function describeHistoryError(error: unknown, dataDir: string): string {
  const code = errorCode(error) ?? "";
  const detail = errorMessage(error);
  const database = join(dataDir, DATABASE_FILE);
  if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code) || ["EROFS", "EACCES", "EPERM"].includes(code)) {
    return `DATA_DIR ${dataDir} is read-only or not writable by pfbot's user (${detail}): make it writable, or set DATA_DIR to a writable directory`;
  }
  // SQLite cannot grow its shared-memory file (WAL mode) on a full disk: SQLITE_IOERR_SHMSIZE.
  if (code.startsWith("SQLITE_FULL") || code === "SQLITE_IOERR_SHMSIZE" || code === "ENOSPC" || code === "EDQUOT") {
    return `the disk holding DATA_DIR ${dataDir} is full (${detail}): free some space there`;
  }
  if (code.startsWith("SQLITE_IOERR") || code === "EIO") {
    return `the disk holding DATA_DIR ${dataDir} failed a read or write (${detail}): check that it is neither full nor failing (dmesg)`;
  }
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return `${database} is damaged (${detail}): stop pfbot, move the file aside, then restore a backup or --import your last --export`;
  }
  if (code === "ENOTDIR" || code === "EEXIST") {
    return `DATA_DIR ${dataDir} is not a directory (${detail}): point DATA_DIR at a directory`;
  }
  return `the history in DATA_DIR ${dataDir} could not be used (${detail})`;
}

/**
 * First start of an upgraded install: when the history is empty and DATA_DIR holds the original
 * bot's portfolio_history.json, import it, once. A settings row remembers it, so deleting every
 * day later does not bring the old file back. A bad file is logged and skipped (the bot still starts;
 * the owner can fix it and run --import).
 */
export function importLegacyFileOnce(store: HistoryStore, settings: SettingsStore, dataDir: string, log: Logger): ImportCounts | null {
  if (settings.get(LEGACY_JSON_IMPORTED) !== null) return null;
  const path = join(dataDir, LEGACY_HISTORY_FILE);
  if (store.count() > 0 || !existsSync(path)) return null;
  const result = runImport(store, path, { overwrite: false });
  if (!result.ok) {
    log.warn(`${result.error.replace(/\n/g, " ")}; fix it and run pfbot --import ${path}`);
    return null;
  }
  settings.set(LEGACY_JSON_IMPORTED, new Date().toISOString());
  const { samples, added, replaced } = result.counts;
  if (samples > 0 && added + replaced === 0) log.info(`imported the sample history: ${result.summary}`);
  else log.info(`imported the original bot's history: ${result.summary}`);
  return result.counts;
}

/**
 * The days the view may need besides its own: its N calendar days hold at most N records, and one more before them
 * gives the oldest its change; a few more let that change reach past a partial day.
 */
const HISTORY_VIEW_EXTRA = 10;
const MAX_PROBLEMS_SHOWN = 20;

function describeCounts(counts: ImportCounts, overwrite: boolean): string {
  const keptWhy = overwrite ? "" : " (already in the history; --overwrite replaces them)";
  const real = counts.added + counts.kept + counts.replaced;
  const parts: string[] = [];
  if (real > 0 || counts.samples === 0)
    parts.push(`${plural(counts.added, "day")} added, ${counts.kept} kept${counts.kept > 0 ? keptWhy : ""}, ${counts.replaced} replaced`);
  if (counts.samples > 0)
    parts.push(
      `${plural(counts.samples, "sample day")} (pfbot's data/portfolio_history.json, not your history) kept apart: /history shows them as samples until the first real day is recorded, and nothing compares with them`,
    );
  if (counts.samplesLeftOut > 0)
    parts.push(
      `${plural(counts.samplesLeftOut, "sample day")} of pfbot's data/portfolio_history.json left out: the history holds real days`,
    );
  if (counts.samplesRemoved > 0) parts.push(`the ${plural(counts.samplesRemoved, "sample day")} removed`);
  return parts.join("; ");
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
