// Pricing Binance holdings in USD from the public price list, and the LD<coin> rule: Simple Earn flexible positions
// show up in the spot balances as LD<coin> (LDBTC, LDUSDT), while LDO (Lido) is a real coin. [binance.md §4.2, §4.3 a]
import type { Decimal } from "../../lib/money.ts";
import { usdPriceOf, type ValuedPart, valueAmounts } from "../pricing.ts";
import type { CoinAmount, PriceBook } from "./parse.ts";

/** USD per unit: 1 for a USD stablecoin (stablecoins.ts: USDT = 1 USD, as for Bybit and OKX); else C/USDT, C/USDC, C/FDUSD; else C/BTC × BTC/USDT; else null (unpriced, never 0). */
function usdPrice(book: PriceBook | null, coin: string): Decimal | null {
  return usdPriceOf(coin, ["USDT", "USDC", "FDUSD"], (base, quote) => book?.get(base + quote));
}

/** What the spot LD rule does with one asset. */
export type LdTreatment = "coin" | "skip";

/**
 * [§4.3 a] Skip LD<X> when X is a flexible Simple Earn position already counted (the rule that keeps LDLDO out, not LDO);
 * an LD* with its own price (LDO) is a coin; when the positions could not be read, skip every unpriced LD* (Earn is
 * then named as not read); any other LD* is a coin, and unpriced if nothing prices it.
 */
export function ldTreatment(asset: string, flexibleAssets: ReadonlySet<string> | null, book: PriceBook | null): LdTreatment {
  if (!asset.startsWith("LD") || asset.length <= 2) return "coin";
  if (flexibleAssets?.has(asset.slice(2))) return "skip";
  if (usdPrice(book, asset) !== null) return "coin";
  return flexibleAssets === null ? "skip" : "coin";
}

/** Values one wallet's amounts, crediting each coin's USD to `perCoin`; zero amounts need no price. */
export function valuePart(label: string, rows: readonly CoinAmount[], book: PriceBook | null, perCoin: Map<string, Decimal>): ValuedPart {
  const amounts = rows.map(({ asset, amount }) => ({ name: asset, amount }));
  return valueAmounts(label, amounts, (asset) => usdPrice(book, asset), perCoin);
}
