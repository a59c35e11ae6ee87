// The day history: one row per local day (in TIMEZONE) in pfbot.sqlite, with the rules kept from
// the original bot: the last run of a day overwrites the earlier one, except that a partial snapshot
// never overwrites a complete one. Every write is one transaction.
import type { Database } from "bun:sqlite";
import { type Decimal, parseDecimal, toPlainString } from "./money.ts";
import { openDataDirDatabase } from "./db.ts";
import { addDays, zonedDay } from "./zoned-time.ts";

export const PLATFORMS = ["bybit", "okx", "tbank", "ibkr"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Per-platform USD value; null when the platform failed or is not configured. */
export type PlatformValues = Readonly<Record<Platform, Decimal | null>>;

export interface DayRecord {
  /** Local day in TIMEZONE, YYYY-MM-DD. */
  readonly day: string;
  readonly usd: Decimal;
  /** Null when there was no USD/RUB rate (and for nothing else). */
  readonly rub: Decimal | null;
  /** RUB per USD used for `rub`; null for imported days and when no rate was available. */
  readonly usdRub: Decimal | null;
  /** False when a configured platform did not answer. Imported days count as complete. */
  readonly complete: boolean;
  readonly platforms: PlatformValues;
  /** UTC ISO instant of the snapshot; null for imported days (the old file did not say). */
  readonly takenAt: string | null;
  readonly origin: "bot" | "import";
}

/** What a scheduled run (or --once) hands to the store. */
export interface SnapshotRecord {
  readonly takenAt: Date;
  readonly usd: Decimal;
  readonly rub: Decimal | null;
  readonly usdRub: Decimal | null;
  readonly complete: boolean;
  readonly platforms: PlatformValues;
}

/** One day from an imported file (the original bot's format has totals only). */
export interface ImportEntry {
  readonly day: string;
  readonly usd: Decimal;
  readonly rub: Decimal | null;
}

export type RecordOutcome = "added" | "replaced" | "kept";

export interface ImportCounts {
  readonly added: number;
  readonly kept: number;
  readonly replaced: number;
}

/** The local calendar day (YYYY-MM-DD) of a UTC instant in an IANA time zone (through Intl: the process TZ does not matter). */
export const localDay = zonedDay;

export { addDays };

export class HistoryStore {
  /** Opens DATA_DIR/pfbot.sqlite (created on first use). */
  static open(dataDir: string, timeZone: string): HistoryStore {
    return new HistoryStore(openDataDirDatabase(dataDir), timeZone);
  }

  /** `db` must already be migrated (db.ts); the store closes it in close(). */
  constructor(
    readonly db: Database,
    readonly timeZone: string,
  ) {}

  /**
   * Records a snapshot under its local day. Returns "kept" when the day already holds a complete
   * snapshot and this one is partial (a partial run never erases a good day).
   */
  recordSnapshot(snapshot: SnapshotRecord): RecordOutcome {
    const row: DayRow = {
      day: localDay(snapshot.takenAt, this.timeZone),
      usd: toPlainString(snapshot.usd),
      rub: text(snapshot.rub),
      usd_rub: text(snapshot.usdRub),
      complete: snapshot.complete ? 1 : 0,
      bybit_usd: text(snapshot.platforms.bybit),
      okx_usd: text(snapshot.platforms.okx),
      tbank_usd: text(snapshot.platforms.tbank),
      ibkr_usd: text(snapshot.platforms.ibkr),
      taken_at: snapshot.takenAt.toISOString(),
      origin: "bot",
    };
    return this.db.transaction((): RecordOutcome => {
      const existing = this.selectDay.get({ day: row.day });
      if (existing && existing.complete === 1 && row.complete === 0) return "kept";
      this.upsert.run(row);
      return existing ? "replaced" : "added";
    }).immediate();
  }

  /**
   * Imports days in one transaction (all or nothing). A day already in the history, whether the
   * bot recorded it or an earlier import did, is kept unless `overwrite`; then it is replaced.
   */
  importDays(entries: readonly ImportEntry[], options: { readonly overwrite: boolean }): ImportCounts {
    return this.db.transaction((): ImportCounts => {
      let added = 0;
      let kept = 0;
      let replaced = 0;
      for (const entry of entries) {
        const existing = this.selectDay.get({ day: entry.day });
        if (existing && !options.overwrite) {
          kept += 1;
          continue;
        }
        this.upsert.run({
          day: entry.day,
          usd: toPlainString(entry.usd),
          rub: text(entry.rub),
          usd_rub: null,
          complete: 1,
          bybit_usd: null,
          okx_usd: null,
          tbank_usd: null,
          ibkr_usd: null,
          taken_at: null,
          origin: "import",
        });
        if (existing) replaced += 1;
        else added += 1;
      }
      return { added, kept, replaced };
    }).immediate();
  }

  /** Up to `limit` days, newest first. */
  recent(limit: number): DayRecord[] {
    return this.db.query<DayRow, { limit: number }>(`SELECT * FROM days ORDER BY day DESC LIMIT $limit`).all({ limit }).map(toRecord);
  }

  /** Every day, newest first. */
  all(): DayRecord[] {
    return this.db.query<DayRow, []>(`SELECT * FROM days ORDER BY day DESC`).all().map(toRecord);
  }

  get(day: string): DayRecord | null {
    const row = this.selectDay.get({ day });
    return row ? toRecord(row) : null;
  }

  count(): number {
    return this.db.query<{ n: number }, []>("SELECT count(*) AS n FROM days").get()?.n ?? 0;
  }

  /**
   * The latest complete day strictly before `beforeDay` and at most `maxAgeDays` older, else null:
   * the only baseline a change line may use (a partial day or a stale one would show a fake move).
   */
  previousComparableDay(beforeDay: string, maxAgeDays = 7): DayRecord | null {
    const row = this.db
      .query<DayRow, { before: string; oldest: string }>(
        `SELECT * FROM days WHERE complete = 1 AND day < $before AND day >= $oldest ORDER BY day DESC LIMIT 1`,
      )
      .get({ before: beforeDay, oldest: addDays(beforeDay, -maxAgeDays) });
    return row ? toRecord(row) : null;
  }

  close(): void {
    this.db.close();
  }

  private get selectDay() {
    return this.db.query<DayRow, { day: string }>("SELECT * FROM days WHERE day = $day");
  }

  private get upsert() {
    return this.db.query<void, DayRow>(
      `INSERT INTO days (day, usd, rub, usd_rub, complete, bybit_usd, okx_usd, tbank_usd, ibkr_usd, taken_at, origin)
       VALUES ($day, $usd, $rub, $usd_rub, $complete, $bybit_usd, $okx_usd, $tbank_usd, $ibkr_usd, $taken_at, $origin)
       ON CONFLICT(day) DO UPDATE SET usd = excluded.usd, rub = excluded.rub, usd_rub = excluded.usd_rub,
         complete = excluded.complete, bybit_usd = excluded.bybit_usd, okx_usd = excluded.okx_usd,
         tbank_usd = excluded.tbank_usd, ibkr_usd = excluded.ibkr_usd, taken_at = excluded.taken_at,
         origin = excluded.origin`,
    );
  }
}

// A type alias, not an interface: bun:sqlite's binding type needs an implicit index signature.
type DayRow = {
  day: string;
  usd: string;
  rub: string | null;
  usd_rub: string | null;
  complete: number;
  bybit_usd: string | null;
  okx_usd: string | null;
  tbank_usd: string | null;
  ibkr_usd: string | null;
  taken_at: string | null;
  origin: "bot" | "import";
};

function text(value: Decimal | null): string | null {
  return value === null ? null : toPlainString(value);
}

function amount(value: string | null, column: string, day: string): Decimal | null {
  if (value === null) return null;
  const parsed = parseDecimal(value);
  // Only this module writes the table, so a bad value means the file was edited by hand.
  if (!parsed) throw new Error(`pfbot.sqlite: day ${day} has a non-numeric ${column} (${JSON.stringify(value)})`);
  return parsed;
}

function toRecord(row: DayRow): DayRecord {
  return {
    day: row.day,
    usd: amount(row.usd, "usd", row.day)!,
    rub: amount(row.rub, "rub", row.day),
    usdRub: amount(row.usd_rub, "usd_rub", row.day),
    complete: row.complete === 1,
    platforms: {
      bybit: amount(row.bybit_usd, "bybit_usd", row.day),
      okx: amount(row.okx_usd, "okx_usd", row.day),
      tbank: amount(row.tbank_usd, "tbank_usd", row.day),
      ibkr: amount(row.ibkr_usd, "ibkr_usd", row.day),
    },
    takenAt: row.taken_at,
    origin: row.origin,
  };
}
