import { expect, test } from "bun:test";
import type { FxResult } from "../../src/fx/source.ts";
import type { DayRecord } from "../../src/history/store.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { changeSince, snapshotRecord } from "../../src/snapshot/report.ts";
import { combine, type PlatformRow, rowOf } from "../../src/snapshot/snapshot.ts";

const FX: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
};
const TAKEN = new Date("2026-11-24T09:00:00Z");
const row = (id: "bybit" | "tbank", currency: string, amount: string): PlatformRow =>
  rowOf(
    {
      platform: id,
      holdings: [{ label: "a", money: { currency, amount: dec(amount) }, asOf: null }],
      assets: [{ asset: "BTC", usd: dec("12.345") }],
      asOf: null,
      source: "t",
      warnings: [],
      leftOut: [],
    },
    FX.ok ? FX.rates : null,
    1,
  );
const failed: PlatformRow = {
  ...row("tbank", "RUB", "0"),
  ok: false,
  usd: null,
  native: null,
  assets: [],
  holdings: [],
  error: "T-Bank rejected the token",
  errorKind: "auth",
};
const day = (d: string, usd: string, complete = true): DayRecord => ({
  day: d,
  usd: dec(usd),
  rub: null,
  usdRub: null,
  complete,
  platforms: new Map(),
  takenAt: null,
  origin: "bot",
});

test("the history record carries totals, the rate, completeness and per-platform values", () => {
  const record = snapshotRecord(combine([row("bybit", "USD", "100.005"), row("tbank", "RUB", "8000")], FX, TAKEN, "Europe/Paris"))!;
  expect(toPlainString(record.usd)).toBe("200.005");
  expect(toPlainString(record.rub!)).toBe("16000.4");
  expect(toPlainString(record.usdRub!)).toBe("80");
  expect(record.complete).toBe(true);
  expect([...record.platforms.keys()]).toEqual(["bybit", "tbank"]);
  expect(toPlainString(record.platforms.get("tbank")!.usd!)).toBe("100");
  expect(record.platforms.get("tbank")!.native).toEqual({ currency: "RUB", amount: dec("8000") });
  expect(record.platforms.get("bybit")!.native).toBeNull();
  // A platform not in the snapshot (not configured) has no entry.
  expect(record.platforms.has("okx")).toBe(false);
  // The Bank of Russia rate's date goes with it: the history checks the clock against it.
  expect(record.rateDate).toBe("2026-11-24");
  expect(snapshotRecord(combine([row("bybit", "USD", "1")], { ok: false, reason: "down" }, TAKEN, "UTC"))!.rateDate).toBeNull();
});

test("nothing to record when no platform has a value", () => {
  expect(snapshotRecord(combine([failed], FX, TAKEN, "UTC"))).toBeNull();
});

test("change vs the previous complete day in USD and percent", () => {
  const snapshot = combine([row("bybit", "USD", "1100")], FX, TAKEN, "UTC");
  const change = changeSince(snapshot, day("2026-11-23", "1000"), false);
  expect(change).toMatchObject({ kind: "change", since: "2026-11-23" });
  if (change?.kind !== "change") throw new Error("expected a change");
  expect(toPlainString(change.usd)).toBe("100");
  expect(toPlainString(change.pct!)).toBe("10");
  expect(snapshotJson(snapshot, change).change).toEqual({ usd: 100, pct: 10, since: "2026-11-23" });
});

test("no comparable day, or a partial snapshot, says so instead of a misleading change", () => {
  const complete = combine([row("bybit", "USD", "1100")], FX, TAKEN, "UTC");
  const partial = combine([row("bybit", "USD", "1100"), failed], FX, TAKEN, "UTC");
  expect(changeSince(complete, null, false)).toEqual({ kind: "none" });
  expect(changeSince(partial, day("2026-11-23", "1000"), false)).toEqual({ kind: "none" });
  expect(changeSince(complete, null, true)).toBeNull();
  expect(snapshotJson(partial, { kind: "none" }).change).toBeNull();
});

test("the JSON form follows the documented shape", () => {
  const json = snapshotJson(combine([row("bybit", "USD", "1.005"), failed], FX, TAKEN, "Europe/Paris"), null);
  expect(json).toEqual({
    takenAt: "2026-11-24T09:00:00.000Z",
    timezone: "Europe/Paris",
    complete: false,
    platforms: [
      { id: "bybit", ok: true, usd: 1.01, native: null, asOf: null, assets: [{ asset: "BTC", usd: 12.35 }], error: null },
      { id: "tbank", ok: false, usd: null, native: null, asOf: null, assets: [], error: "T-Bank rejected the token" },
    ],
    cryptoUsd: 1.01,
    totalUsd: 1.01,
    totalRub: 80.4,
    usdRub: { rate: 80, source: "CBR", date: "2026-11-24" },
    change: null,
  });
});
