// A history written by the release at commit 40e5fa5 (schema 1: one column per platform) opens with the
// current code, and migration 2 keeps every day, every per-platform value and every setting exactly.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DATABASE_FILE, MIGRATIONS, openDatabase, schemaVersion } from "../../src/history/db.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { tempDir } from "../support/temp-dir.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/history-v1-40e5fa5.sql");
/** Schema 1's per-platform columns and the platform each held. */
const V1_COLUMNS = { bybit_usd: "bybit", okx_usd: "okx", tbank_usd: "tbank", ibkr_usd: "ibkr" } as const;

type V1Day = Record<"day" | "usd" | "origin", string> &
  Record<"rub" | "usd_rub" | "taken_at" | keyof typeof V1_COLUMNS, string | null> & { complete: number };

/** A DATA_DIR holding the release's database, as that release left it. */
function releaseDataDir(): string {
  const dir = tempDir("v1");
  const db = new Database(join(dir, DATABASE_FILE), { create: true, strict: true });
  db.exec(readFileSync(FIXTURE, "utf8"));
  // `sqlite3 .dump` does not carry the header's user_version; the release's file had 1.
  db.run("PRAGMA user_version = 1");
  db.close();
  return dir;
}

/** Everything the release stored, read with plain SQL before pfbot opens the file. */
function readRelease(dir: string): { days: V1Day[]; settings: unknown[] } {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true, strict: true });
  try {
    expect(schemaVersion(db)).toBe(1);
    return {
      days: db.query<V1Day, []>("SELECT * FROM days ORDER BY day").all(),
      settings: db.query("SELECT * FROM settings ORDER BY key").all(),
    };
  } finally {
    db.close();
  }
}

describe("a history written by the release at 40e5fa5", () => {
  test("the fixture holds what the migration must keep: imported days, a partial day, 12 decimals, a negative total", () => {
    const { days, settings } = readRelease(releaseDataDir());
    expect(days.filter((d) => d.origin === "import").length).toBe(3);
    expect(days.some((d) => d.complete === 0 && d.bybit_usd !== null && d.tbank_usd === null)).toBe(true);
    expect(days.some((d) => d.tbank_usd?.split(".")[1]?.length === 12)).toBe(true);
    expect(days.some((d) => d.usd.startsWith("-"))).toBe(true);
    expect(days.some((d) => d.rub === null)).toBe(true);
    expect(settings.length).toBe(3);
  });

  test("opens after the migration with every day, per-platform value and setting unchanged, to the character", () => {
    const dir = releaseDataDir();
    const release = readRelease(dir);
    const store = HistoryStore.open(dir, "Europe/Paris", () => Date.parse("2026-11-26T12:00:00Z"));
    try {
      expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
      // The stored text, column by column: nothing rewritten, nothing lost, nothing added.
      const days = store.db.query("SELECT * FROM days ORDER BY day").all();
      expect(days).toEqual(
        release.days.map(({ day, usd, rub, usd_rub, complete, taken_at, origin }) => ({
          day,
          usd,
          rub,
          usd_rub,
          complete,
          taken_at,
          origin,
          // Schema 4's column: the release did not keep the rate's date.
          usd_rub_date: null,
        })),
      );
      const platformRows = store.db
        .query("SELECT day, platform, usd, native_amount, native_currency FROM day_platforms ORDER BY day, platform")
        .all();
      const expected = release.days.flatMap((d) =>
        Object.entries(V1_COLUMNS)
          .filter(([column]) => d[column as keyof typeof V1_COLUMNS] !== null)
          .map(([column, platform]) => ({
            day: d.day,
            platform,
            usd: d[column as keyof typeof V1_COLUMNS],
            native_amount: null,
            native_currency: null,
          })),
      );
      expect(platformRows).toEqual(expected.sort((a, b) => (a.day + a.platform < b.day + b.platform ? -1 : 1)));
      expect(store.db.query("SELECT * FROM settings ORDER BY key").all()).toEqual(release.settings);

      // And through the store, as every reader sees them.
      const records = store.all();
      expect(records.map((r) => r.day)).toEqual(release.days.map((d) => d.day).reverse());
      for (const v1 of release.days) {
        const record = store.get(v1.day)!;
        expect(toPlainString(record.usd)).toBe(toPlainString(dec(v1.usd)));
        expect(record.rub === null ? null : toPlainString(record.rub)).toBe(v1.rub === null ? null : toPlainString(dec(v1.rub)));
        expect(record.usdRub === null ? null : toPlainString(record.usdRub)).toBe(
          v1.usd_rub === null ? null : toPlainString(dec(v1.usd_rub)),
        );
        expect(record.complete).toBe(v1.complete === 1);
        expect(record.takenAt).toBe(v1.taken_at);
        expect(record.origin).toBe(v1.origin as "bot" | "import");
        for (const [column, platform] of Object.entries(V1_COLUMNS)) {
          const text = v1[column as keyof typeof V1_COLUMNS];
          const value = record.platforms.get(platform);
          // A schema-1 NULL (failed or not configured: it could not tell) is no entry; a value keeps every digit.
          if (text === null) expect(value).toBeUndefined();
          else expect({ usd: toPlainString(value!.usd!), native: value!.native }).toEqual({ usd: text, native: null });
        }
      }
      expect(toPlainString(store.get("2026-11-23")!.platforms.get("tbank")!.usd!)).toBe("24045.710123456789");
      expect(toPlainString(store.get("2026-11-26")!.usd)).toBe("-12.5");
    } finally {
      store.close();
    }
  });

  test("the migrated schema is the one a new database gets", () => {
    const dir = releaseDataDir();
    const schema = (db: Database) => db.query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name").all();
    const migrated = openDatabase(join(dir, DATABASE_FILE));
    const fresh = openDatabase(":memory:");
    try {
      expect(schema(migrated)).toEqual(schema(fresh));
    } finally {
      migrated.close();
      fresh.close();
    }
  });

  test("a migrated history records the next day with its platforms, and the comparison finds the migrated day", () => {
    const dir = releaseDataDir();
    const store = HistoryStore.open(dir, "Europe/Paris", () => Date.parse("2026-11-27T12:00:00Z"));
    try {
      const result = store.recordSnapshot({
        takenAt: new Date("2026-11-27T09:00:00Z"),
        usd: dec("100"),
        rub: dec("8045.12"),
        usdRub: dec("80.4512"),
        complete: true,
        platforms: new Map([["bybit", { usd: dec("100"), native: null }]]),
        rateDate: "2026-11-27",
      });
      expect(result.outcome).toBe("added");
      expect(toPlainString(store.get("2026-11-27")!.platforms.get("bybit")!.usd!)).toBe("100");
      expect(store.previousComparableDay("2026-11-27")!.day).toBe("2026-11-26");
      expect(store.count()).toBe(7);
    } finally {
      store.close();
    }
  });

  test("a migration that fails leaves the release's file as it was", () => {
    const dir = releaseDataDir();
    const release = readRelease(dir);
    // A table in the way makes migration 2's first statement fail.
    const db = new Database(join(dir, DATABASE_FILE), { strict: true });
    db.run("CREATE TABLE day_platforms (x TEXT)");
    db.close();
    expect(() => openDatabase(join(dir, DATABASE_FILE))).toThrow();
    const after = new Database(join(dir, DATABASE_FILE), { readonly: true, strict: true });
    try {
      expect(schemaVersion(after)).toBe(1);
      expect(after.query("SELECT * FROM days ORDER BY day").all()).toEqual(release.days);
    } finally {
      after.close();
    }
  });
});
