import { expect, test } from "bun:test";
import type { FxResult } from "../../src/fx/source.ts";
import type { DayRecord } from "../../src/history/store.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { snapshotChanges } from "../../src/snapshot/changes.ts";
import { dayChange, snapshotRecord } from "../../src/snapshot/report.ts";
import { combine, describeGap, failedRow, type PlatformRow, rowOf, type Snapshot } from "../../src/snapshot/snapshot.ts";

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
const failed: PlatformRow = failedRow("tbank", new PlatformError("tbank", "auth", "T-Bank rejected the token"), 1);
/** The 1D change of `snapshot` against a history of `days` (none: an empty history). */
const changeVs = (snapshot: Snapshot, ...days: DayRecord[]) =>
  dayChange(days.length === 0 ? null : snapshotChanges(snapshot, { since: () => days }));
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

test("the 1D change vs the previous complete day in USD and percent; --json's change says the same", () => {
  const snapshot = combine([row("bybit", "USD", "1100")], FX, TAKEN, "UTC");
  const change = changeVs(snapshot, day("2026-11-23", "1000"));
  expect(change).toMatchObject({ kind: "change", since: "2026-11-23" });
  if (change?.kind !== "change") throw new Error("expected a change");
  expect(toPlainString(change.usd)).toBe("100");
  expect(toPlainString(change.pct!)).toBe("10");
  const changes = snapshotChanges(snapshot, { since: () => [day("2026-11-23", "1000")] });
  expect(snapshotJson(snapshot, changes).change).toEqual({ usd: 100, pct: 10, since: "2026-11-23" });
  expect(snapshotJson(snapshot, changes).changes["1d"]).toEqual({ since: "2026-11-23", usd: 100, rub: null, pct: 10, vsImported: false });
});

test("no comparable day, or a partial snapshot, says so instead of a misleading change", () => {
  const complete = combine([row("bybit", "USD", "1100")], FX, TAKEN, "UTC");
  const partial = combine([row("bybit", "USD", "1100"), failed], FX, TAKEN, "UTC");
  // A day 4 days back is no 1D baseline (up to 3: a Monday compares with Friday).
  expect(changeVs(complete, day("2026-11-20", "1000"))).toEqual({ kind: "none" });
  expect(changeVs(partial, day("2026-11-23", "1000"))).toEqual({ kind: "partial" });
  expect(changeVs(complete)).toBeNull();
  expect(snapshotJson(partial, snapshotChanges(partial, { since: () => [day("2026-11-23", "1000")] })).change).toBeNull();
});

test("a platform added since the day compared with is no gain: no 1D change, in the report's line or --json's change", () => {
  const snapshot = combine([row("bybit", "USD", "1100"), row("tbank", "RUB", "8000")], FX, TAKEN, "UTC");
  const before: DayRecord = { ...day("2026-11-23", "1000"), platforms: new Map([["bybit", { usd: dec("1000"), native: null }]]) };
  expect(changeVs(snapshot, before)).toEqual({ kind: "none" });
  expect(snapshotJson(snapshot, snapshotChanges(snapshot, { since: () => [before] })).change).toBeNull();
});

test("the JSON form follows the documented shape", () => {
  const json = snapshotJson(combine([row("bybit", "USD", "1.005"), failed], FX, TAKEN, "Europe/Paris"), null);
  expect(json).toEqual({
    takenAt: "2026-11-24T09:00:00.000Z",
    timezone: "Europe/Paris",
    complete: false,
    leftOut: ["T-Bank"],
    platforms: [
      {
        id: "bybit",
        ok: true,
        coverage: "complete",
        leftOut: [],
        usd: 1.01,
        native: null,
        asOf: null,
        assets: [{ asset: "BTC", usd: 12.35 }],
        error: null,
      },
      {
        id: "tbank",
        ok: false,
        coverage: "failed",
        leftOut: [],
        usd: null,
        native: null,
        asOf: null,
        assets: [],
        error: "T-Bank rejected the token",
      },
    ],
    cryptoUsd: 1.01,
    totalUsd: 1.01,
    totalRub: 80.4,
    usdRub: { rate: 80, source: "CBR", date: "2026-11-24" },
    change: null,
    changes: { "1d": null, "7d": null, "30d": null, ytd: null },
    platformsChanged: {},
  });
});

const partialRow = (id: "bybit" | "okx", usd: string, leftOut: string[]): PlatformRow =>
  rowOf(
    {
      platform: id,
      holdings: [{ label: "account", money: { currency: "USD", amount: dec(usd) }, asOf: null }],
      assets: [],
      asOf: null,
      source: "t",
      warnings: [],
      leftOut,
    },
    FX.ok ? FX.rates : null,
    1,
  );

test("a platform that leaves something out is partial, and so is the snapshot, whose totals name it", () => {
  const snapshot = combine(
    [
      partialRow("bybit", "100", ["funding and Earn not valued: give the key the Wallet read permission"]),
      partialRow("okx", "50", ["Earn and other OKX accounts not valued"]),
    ],
    FX,
    TAKEN,
    "UTC",
  );
  expect(snapshot.rows.map((r) => [r.id, r.ok, r.coverage])).toEqual([
    ["bybit", true, "partial"],
    ["okx", true, "partial"],
  ]);
  // The value still counts: partial is a figure, not a failure.
  expect(toPlainString(snapshot.totalUsd!)).toBe("150");
  expect(snapshot.complete).toBe(false);
  expect(snapshot.leftOut.map(describeGap)).toEqual([
    "Bybit funding and Earn not valued: give the key the Wallet read permission",
    "Earn and other OKX accounts not valued",
  ]);
  const json = snapshotJson(snapshot, snapshotChanges(snapshot, { since: () => [day("2026-11-23", "1000")] }));
  expect(json.complete).toBe(false);
  expect(json.leftOut).toEqual(snapshot.leftOut.map(describeGap));
  expect(json.platforms.map((p) => [p.coverage, p.ok, p.usd, p.leftOut])).toEqual([
    ["partial", true, 100, ["funding and Earn not valued: give the key the Wallet read permission"]],
    ["partial", true, 50, ["Earn and other OKX accounts not valued"]],
  ]);
  expect(json.change).toBeNull();
});

test("a partial snapshot is recorded as a partial day and never compared: the gap would show as a loss", () => {
  const partial = combine([partialRow("okx", "4991.54", ["Earn and other OKX accounts not valued"])], FX, TAKEN, "UTC");
  expect(snapshotRecord(partial)!.complete).toBe(false);
  expect(changeVs(partial, day("2026-11-23", "54991.54"))).toEqual({ kind: "partial" });
  // A partial day in the history is no baseline either.
  const complete = combine([row("bybit", "USD", "1100")], FX, TAKEN, "UTC");
  expect(changeVs(complete, day("2026-11-23", "1000", false))).toEqual({ kind: "none" });
});

test("a row without a USD value keeps its coverage, but the totals leave it out whole and the snapshot is not complete", () => {
  const noFx: FxResult = { ok: false, reason: "no USD/RUB rate" };
  const tbank = rowOf(
    {
      platform: "tbank",
      holdings: [{ label: "a", money: { currency: "RUB", amount: dec("8000") }, asOf: null }],
      assets: [],
      asOf: null,
      source: "t",
      warnings: [],
      leftOut: [],
    },
    null,
    1,
  );
  expect([tbank.ok, tbank.coverage, tbank.usd]).toEqual([true, "complete", null]);
  const snapshot = combine([row("bybit", "USD", "1100"), tbank], noFx, TAKEN, "UTC");
  expect(snapshot.complete).toBe(false);
  expect(snapshot.leftOut).toEqual([{ platform: "tbank", part: null }]);
  expect(snapshotJson(snapshot, null).leftOut).toEqual(["T-Bank"]);
  expect(changeVs(snapshot, day("2026-11-23", "1000"))).toEqual({ kind: "partial" });
});

test("without a rate the snapshot is not complete even when every row is, yet its whole USD total is still compared", () => {
  const snapshot = combine([row("bybit", "USD", "1100")], { ok: false, reason: "down" }, TAKEN, "UTC");
  expect(snapshot.rows[0]!.coverage).toBe("complete");
  expect(snapshot.leftOut).toEqual([]);
  expect(snapshot.complete).toBe(false);
  expect(snapshotRecord(snapshot)!.complete).toBe(false);
  expect(changeVs(snapshot, day("2026-11-23", "1000"))).toMatchObject({ kind: "change", since: "2026-11-23" });
});

test("a failed platform's row is failed, with no value and nothing listed as left out of it", () => {
  expect([failed.ok, failed.coverage, failed.usd, failed.leftOut]).toEqual([false, "failed", null, []]);
  const snapshot = combine([row("bybit", "USD", "1"), failed], FX, TAKEN, "UTC");
  expect(snapshot.leftOut).toEqual([{ platform: "tbank", part: null }]);
});
