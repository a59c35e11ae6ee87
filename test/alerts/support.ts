// Snapshots and history days for the alert tests, built from plain figures: a platform's value as a string, or
// null for a platform that failed; `partial` names platforms whose figure leaves money out.
import type { FxResult } from "../../src/fx/source.ts";
import type { DayRecord } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { PlatformError, type PlatformId } from "../../src/platforms/types.ts";
import { combine, failedRow, type PlatformRow, rowOf, type Snapshot } from "../../src/snapshot/snapshot.ts";

export const TZ = "Europe/Paris";

const FX: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
};

/** A snapshot taken at `at` with each platform's USD value (null: it failed with `error`). */
export function snapshotAt(
  at: string,
  values: Partial<Record<PlatformId, string | null>>,
  options: { readonly partial?: readonly PlatformId[]; readonly error?: string } = {},
): Snapshot {
  const rows = Object.entries(values).map(([id, usd]): PlatformRow => {
    const platform = id as PlatformId;
    if (usd === null || usd === undefined)
      return failedRow(platform, new PlatformError(platform, "auth", options.error ?? `${id} rejected the key: check it`), 1);
    return rowOf(
      {
        platform,
        holdings: [{ label: "account", money: { currency: "USD", amount: dec(usd) }, asOf: null }],
        assets: [],
        asOf: null,
        source: "test",
        warnings: [],
        leftOut: options.partial?.includes(platform) ? ["Earn not valued"] : [],
      },
      FX.ok ? FX.rates : null,
      1,
    );
  });
  return combine(rows, FX, new Date(at), TZ);
}

/** A history day; `platforms` gives per-platform USD values. */
export function dayRecord(day: string, usd: string, options: { complete?: boolean; platforms?: Record<string, string> } = {}): DayRecord {
  return {
    day,
    usd: dec(usd),
    rub: null,
    usdRub: null,
    complete: options.complete ?? true,
    platforms: new Map(Object.entries(options.platforms ?? {}).map(([id, value]) => [id, { usd: dec(value), native: null }])),
    takenAt: null,
    origin: "bot",
  };
}
