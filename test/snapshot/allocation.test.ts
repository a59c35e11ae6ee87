import { expect, test } from "bun:test";
import type { FxResult } from "../../src/fx/source.ts";
import { type Allocation, LATEST_ALLOCATION, saveLatestAllocation } from "../../src/history/allocation.ts";
import { openDatabase } from "../../src/history/db.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { add, dec, sum } from "../../src/lib/money.ts";
import type { PlatformBalance, PlatformId } from "../../src/platforms/types.ts";
import { allocationChart } from "../../src/render/chart/allocation-chart.ts";
import { allocationOf } from "../../src/snapshot/allocation.ts";
import { combine, rowOf, type Snapshot } from "../../src/snapshot/snapshot.ts";

const TAKEN = new Date("2026-11-24T09:00:00Z");
const RATE = dec("80");

function fx(withRate: boolean): FxResult {
  if (!withRate) return { ok: false, reason: "USD/RUB rate unavailable: test" };
  const rubPerUnit = new Map([
    ["USD", RATE],
    ["EUR", dec("90")],
  ]);
  return { ok: true, stale: false, warnings: [], rates: { source: "CBR", date: "2026-11-24", fetchedAt: TAKEN.getTime(), rubPerUnit } };
}

/** Each holding as [label, currency, amount], or with the name the report shows it by (Holding.display) too. */
function snapshot(balances: [PlatformId, ([string, string, string] | [string, string, string, string])[]][], withRate = true): Snapshot {
  const rates = fx(withRate);
  const rows = balances.map(([platform, holdings]) => {
    const balance: PlatformBalance = {
      platform,
      holdings: holdings.map(([label, currency, amount, display]) => ({
        label,
        money: { currency, amount: dec(amount) },
        asOf: null,
        ...(display !== undefined ? { display } : {}),
      })),
      assets: [],
      asOf: null,
      source: "test",
      warnings: [],
      leftOut: [],
    };
    return rowOf(balance, rates.ok ? rates.rates : null, 1);
  });
  return combine(rows, rates, TAKEN, "Europe/Paris");
}

test("a broker's accounts in one currency each get a slice worth their share; a crypto platform is one slice", () => {
  const allocation = allocationOf(
    snapshot([
      ["bybit", [["account", "USD", "1000.50"]]],
      [
        "tbank",
        [
          ["Брокерский счёт 1", "RUB", "160000"],
          ["ИИС 2", "RUB", "40000"],
        ],
      ],
      [
        "ibkr",
        [
          ["U1", "USD", "300"],
          ["U2", "USD", "700.25"],
        ],
      ],
    ]),
  );
  expect(allocation?.takenAt).toEqual(TAKEN);
  expect(allocation?.slices).toEqual([
    { platform: "bybit", name: "Bybit", account: null, assetClass: "crypto", usd: dec("1000.50"), rub: dec("80040") },
    { platform: "tbank", name: "T-Bank", account: "Брокерский счёт 1", assetClass: "rub", usd: dec("2000"), rub: dec("160000") },
    { platform: "tbank", name: "T-Bank", account: "ИИС 2", assetClass: "rub", usd: dec("500"), rub: dec("40000") },
    { platform: "ibkr", name: "IBKR", account: "U1", assetClass: "stocks-and-cash", usd: dec("300"), rub: dec("24000") },
    { platform: "ibkr", name: "IBKR", account: "U2", assetClass: "stocks-and-cash", usd: dec("700.25"), rub: dec("56020") },
  ]);
});

test("an account's slice is named as the report names it: T-Bank's by its name, IBKR's id masked, in the data and the caption", () => {
  const allocation = allocationOf(
    snapshot([
      [
        "tbank",
        [
          ["Брокерский счёт 2000000101", "RUB", "160000", "Брокерский счёт"],
          ["ИИС 2000000102", "RUB", "40000", "ИИС"],
        ],
      ],
      [
        "ibkr",
        [
          ["U1234567", "USD", "300", "U•••4567"],
          ["U7654321", "USD", "700", "U•••4321"],
        ],
      ],
    ]),
  );
  expect(allocation?.slices.map((slice) => slice.account)).toEqual(["Брокерский счёт", "ИИС", "U•••4567", "U•••4321"]);
  const chart = allocationChart(allocation, { view: "platform", currency: "USD" }, { timeZone: "Europe/Paris", privacy: false });
  if (chart.kind !== "chart") throw new Error(chart.text);
  expect(chart.caption).toContain("IBKR · U•••4567: $300.00 · ");
  expect(chart.caption).toContain("T-Bank · Брокерский счёт: $2,000 · ");
  for (const id of ["1234567", "7654321", "2000000101", "2000000102"]) {
    expect(chart.caption).not.toContain(id);
    expect(chart.svg).not.toContain(id);
  }
});

test("the account shares add up to the platform's USD value; a platform with accounts in two currencies stays one slice", () => {
  const thirds = allocationOf(
    snapshot([
      [
        "tbank",
        [
          ["A", "RUB", "100"],
          ["B", "RUB", "100"],
          ["C", "RUB", "100.01"],
        ],
      ],
    ]),
  );
  const total = sum((thirds?.slices ?? []).map((s) => s.usd));
  expect(Math.abs(Number(total.coef) / 10 ** total.scale - 300.01 / 80)).toBeLessThan(1e-9);
  const mixed = allocationOf(
    snapshot([
      [
        "ibkr",
        [
          ["U1", "USD", "100"],
          ["U2", "EUR", "100"],
        ],
      ],
    ]),
  );
  expect(mixed?.slices).toEqual([
    { platform: "ibkr", name: "IBKR", account: null, assetClass: "stocks-and-cash", usd: add(dec("100"), dec("112.5")), rub: dec("17000") },
  ]);
});

test("only a complete snapshot has an allocation: a failed platform, or no USD/RUB rate, leaves none", () => {
  const failed = combine(
    [rowOf({ platform: "bybit", holdings: [], assets: [], asOf: null, source: "t", warnings: [], leftOut: [] }, null, 1)].map((row) => ({
      ...row,
      ok: false,
      usd: null,
    })),
    fx(true),
    TAKEN,
    "Europe/Paris",
  );
  expect(allocationOf(failed)).toBeNull();
  // T-Bank in RUB cannot be valued in USD without the rate, and no snapshot without the rate is complete
  // (a RUB view of it would have to guess): neither keeps an allocation.
  expect(allocationOf(snapshot([["tbank", [["A", "RUB", "1"]]]], false))).toBeNull();
  expect(allocationOf(snapshot([["okx", [["account", "USD", "5"]]]], false))).toBeNull();
  expect(allocationOf(snapshot([["okx", [["account", "USD", "5"]]]], true))).not.toBeNull();
});

test("the allocation round-trips through the settings table; an older one never replaces a newer one; a damaged value reads as none", () => {
  const settings = new SettingsStore(openDatabase(":memory:"));
  const newer = allocationOf(snapshot([["bybit", [["account", "USD", "10"]]]])) as Allocation;
  expect(saveLatestAllocation(settings, newer)).toBe(true);
  expect(settings.get(LATEST_ALLOCATION)).toEqual(newer);
  const older = { ...newer, takenAt: new Date(TAKEN.getTime() - 60_000), slices: [{ ...newer.slices[0]!, usd: dec("1") }] };
  expect(saveLatestAllocation(settings, older)).toBe(false);
  expect(settings.get(LATEST_ALLOCATION)?.slices[0]?.usd).toEqual(dec("10"));
  const text = LATEST_ALLOCATION.format(newer);
  for (const damaged of [
    "",
    "{",
    "[]",
    text.replace('"usd":"10"', '"usd":"ten"'),
    text.replace('"crypto"', '"bonds"'),
    text.replace('"version":1', '"version":2'),
  ])
    expect(LATEST_ALLOCATION.parse(damaged)).toBeNull();
});
