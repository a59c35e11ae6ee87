// What /allocation and `pfbot --allocation` draw: the platform values of the latest complete snapshot,
// kept as one JSON value in the settings table (settings.ts), so that the donut needs no snapshot of
// its own and survives a restart. Only a complete snapshot is kept: a partial one leaves money out,
// and a donut of it would show wrong shares. Each slice carries its platform's name and kind as they
// were, so that an entry outlives a platform removed from the registry.
import { type Decimal, parseDecimal, toPlainString } from "../lib/money.ts";
import type { Setting, SettingsStore } from "./settings.ts";

/**
 * The "by kind" view's classes: a crypto platform's value; a broker's value in RUB (T-Bank's accounts);
 * a broker's value in another currency (stocks and cash together: the statement pfbot reads gives no split).
 */
export type AssetClass = "crypto" | "rub" | "stocks-and-cash";

export interface AllocationSlice {
  /** The platform's registry id. */
  readonly platform: string;
  /** Its display name when the snapshot was taken. */
  readonly name: string;
  /**
   * The account as the report names it (Holding.display: its name, or its id masked; else its label) when the
   * platform's value is split per account; null for the whole platform.
   */
  readonly account: string | null;
  readonly assetClass: AssetClass;
  readonly usd: Decimal;
  /** Null when the snapshot had no USD/RUB rate. */
  readonly rub: Decimal | null;
}

export interface Allocation {
  /** The snapshot's UTC instant. */
  readonly takenAt: Date;
  /** Registry order, accounts in the platform's order. */
  readonly slices: readonly AllocationSlice[];
}

/** The latest complete snapshot's allocation (JSON; a value that does not read back is treated as unset). */
export const LATEST_ALLOCATION: Setting<Allocation> = {
  key: "allocation.latest_complete",
  parse: parseAllocation,
  format: (allocation) =>
    JSON.stringify({
      version: 1,
      takenAt: allocation.takenAt.toISOString(),
      slices: allocation.slices.map((slice) => ({
        platform: slice.platform,
        name: slice.name,
        account: slice.account,
        assetClass: slice.assetClass,
        usd: toPlainString(slice.usd),
        rub: slice.rub === null ? null : toPlainString(slice.rub),
      })),
    }),
};

/**
 * Stores `allocation` unless the one stored is from a later snapshot (a slow /status may finish after a
 * scheduled run that started later). Returns whether it was stored.
 */
export function saveLatestAllocation(settings: SettingsStore, allocation: Allocation): boolean {
  const stored = settings.get(LATEST_ALLOCATION);
  if (stored !== null && stored.takenAt.getTime() > allocation.takenAt.getTime()) return false;
  settings.set(LATEST_ALLOCATION, allocation);
  return true;
}

const ASSET_CLASSES: readonly AssetClass[] = ["crypto", "rub", "stocks-and-cash"];

function parseAllocation(text: string): Allocation | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.version !== 1 || typeof value.takenAt !== "string" || !Array.isArray(value.slices)) return null;
  const takenAt = new Date(value.takenAt);
  if (Number.isNaN(takenAt.getTime()) || value.slices.length === 0) return null;
  const slices: AllocationSlice[] = [];
  for (const item of value.slices) {
    if (!isRecord(item)) return null;
    const { platform, name, account, assetClass } = item;
    const usd = typeof item.usd === "string" ? parseDecimal(item.usd) : null;
    const rub = typeof item.rub === "string" ? parseDecimal(item.rub) : null;
    if (typeof platform !== "string" || typeof name !== "string" || (account !== null && typeof account !== "string")) return null;
    if (!ASSET_CLASSES.includes(assetClass as AssetClass) || usd === null || (item.rub !== null && rub === null)) return null;
    slices.push({ platform, name, account, assetClass: assetClass as AssetClass, usd, rub });
  }
  return { takenAt, slices };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
