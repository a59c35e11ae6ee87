// Reading a platform's balance in a test: its total, its holdings' labels, one holding, its breakdown, in USD
// to the cent. The same for every exchange that values its holdings in USD itself (Binance, KuCoin).
import { expect } from "bun:test";
import { sum, toFixed } from "../../src/lib/money.ts";
import type { PlatformBalance } from "../../src/platforms/types.ts";

/** Σ holdings in USD to the cent; every holding is USD and live. */
export function total(balance: PlatformBalance, places = 2): string {
  for (const holding of balance.holdings) {
    expect(holding.money.currency).toBe("USD");
    expect(holding.asOf).toBeNull();
  }
  return toFixed(sum(balance.holdings.map((h) => h.money.amount)), places);
}

export const labels = (balance: PlatformBalance): string[] => balance.holdings.map((h) => h.label);

export const holding = (balance: PlatformBalance, label: string): string | undefined => {
  const found = balance.holdings.find((h) => h.label === label);
  return found ? toFixed(found.money.amount, 2) : undefined;
};

export const breakdown = (balance: PlatformBalance): [string, string][] => balance.assets.map((a) => [a.asset, toFixed(a.usd, 2)]);
