// The day history: one row per local day (in TIMEZONE) in pfbot.sqlite, and under it one row per platform
// the day's snapshot covered (day_platforms, keyed by registry id), with the rules kept from
// the original bot: the last run of a day overwrites the earlier one, except that a partial snapshot
// never overwrites a complete one. A run whose clock disagrees with the Bank of Russia's rate date, or
// with the days already stored, is not recorded (see recordSnapshot). Every write is one transaction.
import type { Database } from "bun:sqlite";
import type { Logger } from "../lib/log.ts";
import { type Decimal, isPlausibleAmount, type Money, parseDecimal, toPlainString } from "../lib/money.ts";
import { addDays, zonedDay } from "../lib/zoned-time.ts";
import { openDataDirDatabase } from "./db.ts";
import { HistoryError } from "./errors.ts";
import { historyAmountProblem, historyDayProblem } from "./json.ts";
import { isSampleDay } from "./samples.ts";

/** One platform's figures on a day. */
interface DayPlatform {
  /** USD value; null when the platform was in the snapshot but gave no USD value (it failed, or had no rate). */
  readonly usd: Decimal | null;
  /** The value in the platform's own currency when that is not USD (T-Bank in RUB); null when USD or unknown. */
  readonly native: Money | null;
}

/**
 * Platform id (registry.ts) → its figures, for the platforms a snapshot covered. A platform absent was not
 * enabled that day, or is not known: imported days carry totals only, and schema 1 kept no trace of a platform
 * without a value. Look a platform up by id; iterate the registry for display order.
 */
export type PlatformValues = ReadonlyMap<string, DayPlatform>;

export interface DayRecord {
  /** Local day in TIMEZONE, YYYY-MM-DD. */
  readonly day: string;
  readonly usd: Decimal;
  /** Null when there was no USD/RUB rate (and for nothing else). */
  readonly rub: Decimal | null;
  /** RUB per USD used for `rub`; null for imported days and when no rate was available. */
  readonly usdRub: Decimal | null;
  /**
   * The Bank of Russia rate's in-force date (YYYY-MM-DD) behind `usdRub`; null (or absent) when unknown: no rate,
   * an imported day, or a day recorded before pfbot stored it (schema 4).
   */
  readonly usdRubDate?: string | null;
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
  /** The Bank of Russia rate's in-force date (YYYY-MM-DD), the outside check on the clock; null without a rate. */
  readonly rateDate: string | null;
}

/** One day from an imported file (the original bot's format has totals only). */
export interface ImportEntry {
  readonly day: string;
  readonly usd: Decimal;
  readonly rub: Decimal | null;
  /** What a day of pfbot's own CSV (csv.ts) carries besides the totals; absent for the original's JSON. */
  readonly details?: ImportDetails;
}

/** A day as pfbot's CSV export wrote it: everything the history holds for it. */
interface ImportDetails {
  readonly usdRub: Decimal | null;
  readonly usdRubDate: string | null;
  readonly complete: boolean;
  readonly platforms: PlatformValues;
  /**
   * When pfbot took the day's snapshot (UTC ISO): the day comes back as a day pfbot recorded (origin "bot"), so that
   * an export imported back leaves the history as it was. Null for a day imported or typed in (origin "import").
   */
  readonly takenAt: string | null;
}

/** "kept": the day stays as it was, by the recording rules; "refused": the run itself cannot be recorded. */
type RecordOutcome = "added" | "replaced" | "kept" | "refused";

export interface RecordResult {
  readonly outcome: RecordOutcome;
  /** The local day the snapshot belongs to. */
  readonly day: string;
  /** Why the day was kept or the run refused, for the log; null when written. */
  readonly reason: string | null;
  /** How many sample days (samples.ts) this first real day removed; absent when none. */
  readonly samplesRemoved?: number;
}

/**
 * How far the recorded day may run ahead of the Bank of Russia rate date. The CBR dates a set the calendar day after
 * it is set and keeps it in force over weekends (Saturday's set through Monday: 2 days) [brokers.md §3.1].
 */
const MAX_DAYS_AFTER_RATE_DATE = 2;
/** How far the rate date may run ahead of the recorded day: next day's set + a zone far west of Moscow + 1 spare. */
const MAX_DAYS_BEFORE_RATE_DATE = 3;

/**
 * The latest day a run may record with a rate of `rateDate`: the rate date + 2 days, except over the New Year break,
 * when one set stays in force for up to two weeks (set on 30 December 2025 for 31 December – 12 January 2026), so a
 * set dated 25 December – 10 January covers days up to 14 January (+ the same 2 days). Otherwise every January would
 * lose its first ten days.
 */
export function latestDayForRate(rateDate: string): string {
  const ordinary = addDays(rateDate, MAX_DAYS_AFTER_RATE_DATE);
  const [year, month, day] = rateDate.split("-").map(Number) as [number, number, number];
  if (!((month === 12 && day >= 25) || (month === 1 && day <= 10))) return ordinary;
  const breakEnd = `${String(month === 12 ? year + 1 : year).padStart(4, "0")}-01-14`;
  return breakEnd > ordinary ? breakEnd : ordinary;
}

export interface ImportCounts {
  readonly added: number;
  readonly kept: number;
  readonly replaced: number;
  /** Entries that are the shipped sample days (samples.ts), kept apart as samples: never as the owner's days. */
  readonly samples: number;
  /** Sample days not kept, since the history holds real days (or the file does). */
  readonly samplesLeftOut: number;
  /** Sample days the first real days of this import removed. */
  readonly samplesRemoved: number;
}

/** The local calendar day (YYYY-MM-DD) of a UTC instant in an IANA time zone (through Intl: the process TZ does not matter). */
export const localDay = zonedDay;

export { addDays };

export class HistoryStore {
  /** Opens DATA_DIR/pfbot.sqlite (created on first use). `now` is the clock for "today" (default: the system's). */
  static open(dataDir: string, timeZone: string, now: () => number = Date.now): HistoryStore {
    return new HistoryStore(openDataDirDatabase(dataDir), timeZone, now);
  }

  /** `db` must already be migrated (db.ts); the store closes it in close(). */
  constructor(
    readonly db: Database,
    readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Today's local day (YYYY-MM-DD) in TIMEZONE by the store's clock. */
  today(): string {
    return localDay(new Date(this.now()), this.timeZone);
  }

  /**
   * Records a snapshot under its local day, unless a rule says otherwise (the result says which, and why):
   * - refused: a total the import would refuse (negative, 10^15 or more; every stored day must export and import
   *   back); no Bank of Russia rate date to check the clock against; a day more than 2 days after that rate date
   *   or more than 3 before it (the clock is off); a day earlier than the newest day already stored.
   * - kept: the day was imported and is not today (a run never rewrites imported history); or the day holds a
   *   complete snapshot and this one is partial (a partial run never erases a good day).
   */
  recordSnapshot(snapshot: SnapshotRecord): RecordResult {
    const day = localDay(snapshot.takenAt, this.timeZone);
    const refused = this.refusal(snapshot, day);
    if (refused !== null) return { outcome: "refused", day, reason: refused };
    const row: DayRow = {
      day,
      usd: toPlainString(snapshot.usd),
      rub: text(snapshot.rub),
      usd_rub: text(snapshot.usdRub),
      usd_rub_date: snapshot.usdRub !== null ? snapshot.rateDate : null,
      complete: snapshot.complete ? 1 : 0,
      taken_at: snapshot.takenAt.toISOString(),
      origin: "bot",
    };
    const today = this.today();
    return this.db
      .transaction((): RecordResult => {
        const newest = this.db.query<{ day: string | null }, []>("SELECT max(day) AS day FROM days").get()?.day ?? null;
        if (newest !== null && day < newest) {
          return {
            outcome: "refused",
            day,
            reason: `day ${day} is earlier than the newest day already stored (${newest}): the clock looks behind; check the system clock`,
          };
        }
        const existing = this.selectDay.get({ day });
        if (existing?.origin === "import" && day !== today) {
          return {
            outcome: "kept",
            day,
            reason: `day ${day} was imported and is not today (${today}): a run never rewrites imported history`,
          };
        }
        if (existing && existing.complete === 1 && row.complete === 0) {
          return { outcome: "kept", day, reason: `day ${day} already holds a complete snapshot; a partial one never replaces it` };
        }
        this.writeDay(row, snapshot.platforms);
        const samplesRemoved = this.removeSamples();
        return { outcome: existing ? "replaced" : "added", day, reason: null, ...(samplesRemoved > 0 ? { samplesRemoved } : {}) };
      })
      .immediate();
  }

  /**
   * Imports days in one transaction (all or nothing). A day already in the history, whether the
   * bot recorded it or an earlier import did, is kept unless `overwrite`; then it is replaced.
   * The shipped sample days (samples.ts) go to the samples, and only into a history with no real day;
   * a real day removes the samples.
   */
  importDays(entries: readonly ImportEntry[], options: { readonly overwrite: boolean }): ImportCounts {
    return this.db
      .transaction((): ImportCounts => {
        let added = 0;
        let kept = 0;
        let replaced = 0;
        const samples = entries.filter((entry) => isSampleDay(entry.day, entry.usd, entry.rub));
        const real = entries.filter((entry) => !samples.includes(entry));
        const samplesRemoved = real.length > 0 ? this.removeSamples() : 0;
        const keepSamples = real.length === 0 && this.count() === 0;
        if (keepSamples) {
          const insert = this.db.query<void, { day: string; usd: string; rub: string | null }>(
            "INSERT OR REPLACE INTO sample_days (day, usd, rub) VALUES ($day, $usd, $rub)",
          );
          for (const entry of samples) insert.run({ day: entry.day, usd: toPlainString(entry.usd), rub: text(entry.rub) });
        }
        for (const entry of real) {
          const existing = this.selectDay.get({ day: entry.day });
          if (existing && !options.overwrite) {
            kept += 1;
            continue;
          }
          const details = entry.details;
          this.writeDay(
            {
              day: entry.day,
              usd: toPlainString(entry.usd),
              rub: text(entry.rub),
              usd_rub: text(details?.usdRub ?? null),
              usd_rub_date: details?.usdRubDate ?? null,
              complete: details?.complete === false ? 0 : 1,
              taken_at: details?.takenAt ?? null,
              origin: details?.takenAt ? "bot" : "import",
            },
            details?.platforms ?? NO_PLATFORMS,
          );
          if (existing) replaced += 1;
          else added += 1;
        }
        return {
          added,
          kept,
          replaced,
          samples: keepSamples ? samples.length : 0,
          samplesLeftOut: keepSamples ? 0 : samples.length,
          samplesRemoved,
        };
      })
      .immediate();
  }

  /** The sample days (samples.ts), newest first, while the history has them: shown by /history as samples only. */
  samples(): DayRecord[] {
    return this.db
      .query<{ day: string; usd: string; rub: string }, []>("SELECT day, usd, rub FROM sample_days ORDER BY day DESC")
      .all()
      .map((row) => ({
        day: row.day,
        usd: requiredAmount(row.usd, "usd", row.day),
        rub: requiredAmount(row.rub, "rub", row.day),
        usdRub: null,
        usdRubDate: null,
        complete: true,
        platforms: NO_PLATFORMS,
        takenAt: null,
        origin: "import" as const,
      }));
  }

  /** Deletes every sample day (the caller holds the transaction); returns how many there were. */
  private removeSamples(): number {
    return this.db.query("DELETE FROM sample_days").run().changes;
  }

  /** Why this snapshot cannot be recorded at all, or null. The rules that need no database. */
  private refusal(snapshot: SnapshotRecord, day: string): string | null {
    const dayProblem = historyDayProblem(day, this.today());
    if (dayProblem !== null) return `day ${day} ${dayProblem}: the history could not export and import it back`;
    for (const [what, amount] of [
      ["USD total", snapshot.usd],
      ["RUB total", snapshot.rub],
    ] as const) {
      const problem = amount === null ? null : historyAmountProblem(amount);
      if (problem !== null) return `the ${what} ${problem}: the history could not export and import it back`;
    }
    const others = [snapshot.usdRub, ...[...snapshot.platforms.values()].flatMap((p) => [p.usd, p.native?.amount ?? null])];
    if (others.some((amount) => amount !== null && !isPlausibleAmount(amount)))
      return "a platform value or the rate is 10^15 or more: not a real figure";
    const rateDate = snapshot.rateDate;
    // Without the rate's date there is nothing outside this machine to check its clock against, and one day
    // recorded years ahead would block every real day after it (see the newest-day rule). Such a run has no RUB
    // total either; the report is still sent.
    if (rateDate === null) return `no Bank of Russia rate, so day ${day} cannot be checked against the clock`;
    if (day > latestDayForRate(rateDate)) {
      return `day ${day} is more than ${MAX_DAYS_AFTER_RATE_DATE} days after the Bank of Russia rate date ${rateDate}: the clock looks ahead; check the system clock`;
    }
    if (day < addDays(rateDate, -MAX_DAYS_BEFORE_RATE_DATE)) {
      return `day ${day} is more than ${MAX_DAYS_BEFORE_RATE_DATE} days before the Bank of Russia rate date ${rateDate}: the clock looks behind; check the system clock`;
    }
    return null;
  }

  /** Up to `limit` days, newest first. */
  recent(limit: number): DayRecord[] {
    return this.records(this.db.query<DayRow, { limit: number }>(`SELECT * FROM days ORDER BY day DESC LIMIT $limit`).all({ limit }));
  }

  /** The days on or after `oldest` (YYYY-MM-DD), newest first: what the change periods (snapshot/changes.ts) look at. */
  since(oldest: string): DayRecord[] {
    return this.records(
      this.db.query<DayRow, { oldest: string }>(`SELECT * FROM days WHERE day >= $oldest ORDER BY day DESC`).all({ oldest }),
    );
  }

  /** Every day, newest first. */
  all(): DayRecord[] {
    return this.records(this.db.query<DayRow, []>(`SELECT * FROM days ORDER BY day DESC`).all());
  }

  get(day: string): DayRecord | null {
    const row = this.selectDay.get({ day });
    return row ? this.record(row) : null;
  }

  /** How many days the owner's history holds (the sample days are not among them). */
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
    return row ? this.record(row) : null;
  }

  close(): void {
    this.db.close();
  }

  private get selectDay() {
    return this.db.query<DayRow, { day: string }>("SELECT * FROM days WHERE day = $day");
  }

  /** Writes a day and replaces its platform rows; the caller holds the transaction. */
  private writeDay(row: DayRow, platforms: PlatformValues): void {
    this.db
      .query<void, DayRow>(
        `INSERT INTO days (day, usd, rub, usd_rub, usd_rub_date, complete, taken_at, origin)
         VALUES ($day, $usd, $rub, $usd_rub, $usd_rub_date, $complete, $taken_at, $origin)
         ON CONFLICT(day) DO UPDATE SET usd = excluded.usd, rub = excluded.rub, usd_rub = excluded.usd_rub,
           usd_rub_date = excluded.usd_rub_date, complete = excluded.complete, taken_at = excluded.taken_at,
           origin = excluded.origin`,
      )
      .run(row);
    this.db.query<void, { day: string }>("DELETE FROM day_platforms WHERE day = $day").run({ day: row.day });
    const insert = this.db.query<void, DayPlatformRow>(
      `INSERT INTO day_platforms (day, platform, usd, native_amount, native_currency)
       VALUES ($day, $platform, $usd, $native_amount, $native_currency)`,
    );
    for (const [platform, value] of platforms) {
      insert.run({
        day: row.day,
        platform,
        usd: text(value.usd),
        native_amount: value.native ? toPlainString(value.native.amount) : null,
        native_currency: value.native?.currency ?? null,
      });
    }
  }

  /** The records of `rows` (days, any order), each with its platforms, read in one query over their range. */
  private records(rows: readonly DayRow[]): DayRecord[] {
    if (rows.length === 0) return [];
    const days = rows.map((row) => row.day);
    const byDay = new Map<string, Map<string, DayPlatform>>(days.map((day) => [day, new Map()]));
    const platformRows = this.db
      .query<DayPlatformRow, { oldest: string; newest: string }>(
        "SELECT * FROM day_platforms WHERE day BETWEEN $oldest AND $newest ORDER BY day, platform",
      )
      .all({ oldest: days.toSorted()[0] ?? "", newest: days.toSorted().at(-1) ?? "" });
    for (const platformRow of platformRows) byDay.get(platformRow.day)?.set(platformRow.platform, toDayPlatform(platformRow));
    return rows.map((row) => toRecord(row, byDay.get(row.day) ?? NO_PLATFORMS));
  }

  /** One day's record with its platforms. */
  private record(row: DayRow): DayRecord {
    const platformRows = this.db
      .query<DayPlatformRow, { day: string }>("SELECT * FROM day_platforms WHERE day = $day ORDER BY platform")
      .all({ day: row.day });
    return toRecord(row, new Map(platformRows.map((platformRow) => [platformRow.platform, toDayPlatform(platformRow)])));
  }
}

const NO_PLATFORMS: PlatformValues = new Map();

/** One log line for a recording: info when written or kept by the rules, a warning with the reason when refused. */
export function logRecordResult(log: Logger, result: RecordResult): void {
  if (result.outcome === "refused") log.warn(`history not recorded: ${result.reason}`, { day: result.day });
  else if (result.outcome === "kept") log.info("history kept", { day: result.day, reason: result.reason });
  else log.info("history recorded", { day: result.day, outcome: result.outcome });
  if (result.samplesRemoved)
    log.info(
      `removed the ${result.samplesRemoved} sample days of data/portfolio_history.json: the first real day is recorded, and /history shows only real days from now on`,
    );
}

// A type alias, not an interface: bun:sqlite's binding type needs an implicit index signature.
type DayRow = {
  day: string;
  usd: string;
  rub: string | null;
  usd_rub: string | null;
  usd_rub_date: string | null;
  complete: number;
  taken_at: string | null;
  origin: "bot" | "import";
};

type DayPlatformRow = {
  day: string;
  platform: string;
  usd: string | null;
  native_amount: string | null;
  native_currency: string | null;
};

function text(value: Decimal | null): string | null {
  return value === null ? null : toPlainString(value);
}

function amount(value: string | null, column: string, day: string): Decimal | null {
  return value === null ? null : requiredAmount(value, column, day);
}

function requiredAmount(value: string, column: string, day: string): Decimal {
  const parsed = parseDecimal(value);
  // Only this module writes the table, so a bad value means the file was edited by hand.
  if (!parsed) {
    throw new HistoryError(
      `pfbot.sqlite: day ${day} has a non-numeric ${column} (${JSON.stringify(value)}), so the history cannot be read: correct or delete that day with sqlite3, or restore a backup`,
    );
  }
  return parsed;
}

function toDayPlatform(row: DayPlatformRow): DayPlatform {
  const where = `${row.platform}'s`;
  const native = amount(row.native_amount, `${where} native_amount`, row.day);
  return {
    usd: amount(row.usd, `${where} usd`, row.day),
    native: native !== null && row.native_currency !== null ? { currency: row.native_currency, amount: native } : null,
  };
}

function toRecord(row: DayRow, platforms: PlatformValues): DayRecord {
  return {
    day: row.day,
    usd: requiredAmount(row.usd, "usd", row.day),
    rub: amount(row.rub, "rub", row.day),
    usdRub: amount(row.usd_rub, "usd_rub", row.day),
    usdRubDate: row.usd_rub_date,
    complete: row.complete === 1,
    platforms,
    takenAt: row.taken_at,
    origin: row.origin,
  };
}
