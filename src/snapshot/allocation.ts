// The allocation of a complete snapshot (history/allocation.ts keeps the latest): one slice per
// platform, or per account for a broker with several accounts in one currency. Pure.
import type { Allocation, AllocationSlice, AssetClass } from "../history/allocation.ts";
import { type Decimal, div, isZero, mul, sum } from "../lib/money.ts";
import { descriptorOf } from "../platforms/registry.ts";
import type { PlatformRow, Snapshot } from "./snapshot.ts";

/** Null unless every platform answered with a USD value: a donut of a partial snapshot shows wrong shares. */
export function allocationOf(snapshot: Snapshot): Allocation | null {
  if (!snapshot.complete) return null;
  const rate = snapshot.usdRub?.rate ?? null;
  const slices = snapshot.rows.flatMap((row) => (row.usd === null ? [] : slicesOf(row, row.usd, rate)));
  return slices.length === 0 ? null : { takenAt: snapshot.takenAt, slices };
}

/**
 * A broker's accounts each get a slice when they are several and share one currency: each account's
 * USD value is then its share of the platform's, exactly as one rate converts them all. Accounts in
 * different currencies would need each currency's rate, which the snapshot does not keep: then the
 * platform is one slice.
 */
function slicesOf(row: PlatformRow, usd: Decimal, rate: Decimal | null): AllocationSlice[] {
  const descriptor = descriptorOf(row.id);
  const currencies = new Set(row.holdings.map((holding) => holding.money.currency.toUpperCase()));
  const currency = currencies.size === 1 ? ([...currencies][0] ?? null) : null;
  const assetClass: AssetClass = descriptor.kind === "crypto" ? "crypto" : currency === "RUB" ? "rub" : "stocks-and-cash";
  const base = { platform: row.id, name: descriptor.name, assetClass };
  const total = sum(row.holdings.map((holding) => holding.money.amount));
  if (descriptor.kind !== "broker" || row.holdings.length < 2 || currency === null || isZero(total)) {
    const rub = row.native?.currency.toUpperCase() === "RUB" ? row.native.amount : rate !== null ? mul(usd, rate) : null;
    return [{ ...base, account: null, usd, rub }];
  }
  return row.holdings.map((holding) => {
    const amount = holding.money.amount;
    const share = currency === "USD" ? amount : div(mul(usd, amount), total);
    const rub = currency === "RUB" ? amount : rate !== null ? mul(share, rate) : null;
    // Named as the report names it (T-Bank's account by name, an IBKR id masked): the caption goes to the chat.
    return { ...base, account: holding.display ?? holding.label, usd: share, rub };
  });
}
