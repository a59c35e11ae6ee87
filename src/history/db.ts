// The one SQLite database of pfbot: DATA_DIR/pfbot.sqlite, created on first use. Holds the day history
// (store.ts: days and day_platforms), the small settings table (settings.ts) and the alerts not yet delivered
// (alert-outbox.ts). The schema version lives in PRAGMA user_version; MIGRATIONS only ever grows at the end,
// the pending steps run once, together in one transaction.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HistoryError } from "./errors.ts";

export const DATABASE_FILE = "pfbot.sqlite";

/**
 * Schema 1's per-platform columns, each named `<platform id>_usd`, which migration 2 moves into day_platforms.
 * Part of schema 1, so frozen with it: a platform added later never appears here.
 */
const SCHEMA_1_PLATFORM_COLUMNS = ["bybit_usd", "okx_usd", "tbank_usd", "ibkr_usd"] as const;

/**
 * Forward migrations: MIGRATIONS[i] takes the schema from version i to i + 1. Never edit a step
 * that has shipped (users' databases already ran it); add a new one instead.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: one row per local day. Amounts are exact decimal strings (money.ts), never REAL: a float
  // turns 42500.10 into 42500.099999…; STRICT makes SQLite refuse a number in a TEXT column.
  `CREATE TABLE days (
     day       TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
     usd       TEXT NOT NULL,
     rub       TEXT,
     usd_rub   TEXT,
     complete  INTEGER NOT NULL CHECK (complete IN (0, 1)),
     bybit_usd TEXT,
     okx_usd   TEXT,
     tbank_usd TEXT,
     ibkr_usd  TEXT,
     taken_at  TEXT,
     origin    TEXT NOT NULL CHECK (origin IN ('bot', 'import'))
   ) STRICT, WITHOUT ROWID;
   CREATE TABLE settings (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) STRICT, WITHOUT ROWID;`,
  // 2: per-platform values move from one column per platform into day_platforms, one row per platform a
  // snapshot covered, so that a new platform needs no schema change. A row may hold no USD value (the
  // platform failed, or had no rate); schema 1 could not tell that from "not configured", so its NULLs
  // become no row. Every value keeps its exact text. The old columns carry no constraint, so DROP COLUMN
  // removes them and leaves the rest of `days` (STRICT, WITHOUT ROWID, its CHECKs) as it was.
  `CREATE TABLE day_platforms (
     day             TEXT NOT NULL REFERENCES days (day) ON DELETE CASCADE,
     platform        TEXT NOT NULL CHECK (platform <> '' AND platform NOT GLOB '*[^a-z0-9]*'),
     usd             TEXT,
     native_amount   TEXT,
     native_currency TEXT,
     CHECK ((native_amount IS NULL) = (native_currency IS NULL)),
     PRIMARY KEY (day, platform)
   ) STRICT, WITHOUT ROWID;
   ${SCHEMA_1_PLATFORM_COLUMNS.map(
     (
       column,
     ) => `INSERT INTO day_platforms (day, platform, usd) SELECT day, '${column.slice(0, -"_usd".length)}', ${column} FROM days WHERE ${column} IS NOT NULL;
   ALTER TABLE days DROP COLUMN ${column};`,
   ).join("\n   ")}`,
  // 3: the sample days shipped in data/portfolio_history.json (history/samples.ts) get a table of their own, so
  // that no change line, alert or recording rule ever takes them for the owner's history; the first real day
  // recorded empties it. An earlier first start imported them into `days`: they move here, recognised by each
  // day's exact totals as the import stored them. Every other day stays where it is.
  `CREATE TABLE sample_days (
     day TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
     usd TEXT NOT NULL,
     rub TEXT NOT NULL
   ) STRICT, WITHOUT ROWID;
   INSERT INTO sample_days (day, usd, rub)
     SELECT day, usd, rub FROM days
     WHERE origin = 'import' AND (day, usd, rub) IN (VALUES
       ('2026-11-19', '41876.3', '3400355.56'),
       ('2026-11-20', '42012.47', '3409311.94'),
       ('2026-11-21', '42588.02', '3446222.58'),
       ('2026-11-22', '42410.55', '3431861.71'),
       ('2026-11-23', '42731.18', '3463362.14'));
   DELETE FROM days WHERE day IN (SELECT day FROM sample_days);`,
  // 4: alert messages (move, failure, key expiry, digest) raised by a run and not yet delivered. A run stores the
  // rules' new state and queues its alerts in one transaction, and a message leaves the queue once Telegram took
  // it: a restart neither repeats an alert nor loses one (alert-outbox.ts).
  `CREATE TABLE alert_outbox (
     id        INTEGER PRIMARY KEY,
     raised_at TEXT NOT NULL,
     kind      TEXT NOT NULL CHECK (kind <> ''),
     html      TEXT NOT NULL,
     silent    INTEGER NOT NULL CHECK (silent IN (0, 1))
   ) STRICT;`,
  // 5: the in-force date of the Bank of Russia rate behind usd_rub (the CSV export's "USD/RUB date"). Days
  // recorded before, and imported days, do not know it: NULL.
  `ALTER TABLE days ADD COLUMN usd_rub_date TEXT
     CHECK (usd_rub_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');`,
];

/** Opens (creating it and DATA_DIR when missing) DATA_DIR/pfbot.sqlite and brings its schema up to date. */
export function openDataDirDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  return openDatabase(join(dataDir, DATABASE_FILE));
}

/** Opens a database file (or ":memory:") and applies the pending migrations. */
export function openDatabase(path: string): Database {
  const db = new Database(path, { create: true, strict: true });
  try {
    // Another pfbot process (a `--export` while the bot runs) may hold the write lock for a moment:
    // wait for it rather than fail with SQLITE_BUSY.
    db.run("PRAGMA busy_timeout = 5000");
    // WAL: readers never block the writer, and a killed process leaves committed rows in the -wal file,
    // replayed on the next open. synchronous=FULL also keeps them through a power cut; we write a few
    // rows a day, so the extra fsync costs nothing that matters.
    db.query("PRAGMA journal_mode = WAL").get();
    db.run("PRAGMA synchronous = FULL");
    db.run("PRAGMA foreign_keys = ON");
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The schema version of an open database. */
export function schemaVersion(db: Database): number {
  const row = db.query<{ user_version: number }, []>("PRAGMA user_version").get();
  return row?.user_version ?? 0;
}

function migrate(db: Database): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new HistoryError(
      `${db.filename} has schema version ${current}, newer than this pfbot knows (${MIGRATIONS.length}): upgrade pfbot, or point DATA_DIR elsewhere`,
    );
  }
  if (current === MIGRATIONS.length) return;
  // Every pending step, and user_version (written in the database header), in one transaction: a crash or a
  // failing step leaves the schema and version the database had, never a mix, and a new database costs one
  // commit (one fsync) instead of one per step.
  db.transaction(() => {
    for (const step of MIGRATIONS.slice(current)) db.exec(step);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  })();
}
