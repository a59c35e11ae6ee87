// Valuing coin amounts in USD from an exchange's public tickers, for the clients that price holdings themselves:
// a USD stablecoin at exactly 1 (stablecoins.ts), else the coin's pair in the first quote listed that has one, else
// its BTC pair × BTC's own price; a coin none of those price is unpriced (reported), never 0.

import { isRecord } from "../lib/guards.ts";
import { add, type Decimal, dec, isZero, mul, parseDecimal, toPlainString } from "../lib/money.ts";
import { USD_STABLECOINS } from "./stablecoins.ts";

/**
 * Last prices by upper-case symbol from ticker entries `{symbol, <priceField>}` whose price is a decimal string. An
 * entry without one, or with a price that is unreadable or not positive, counts as no price, so its coin is reported
 * unpriced (never 0): one odd pair among thousands must not fail the account.
 */
export function tickerPrices(entries: readonly unknown[], priceField: string): Map<string, Decimal> {
  const book = new Map<string, Decimal>();
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const { symbol, [priceField]: text } = entry;
    if (typeof symbol !== "string" || typeof text !== "string") continue;
    const price = parseDecimal(text);
    if (price !== null && price.coef > 0n) book.set(symbol.toUpperCase(), price);
  }
  return book;
}

/** The last price of `base` in `quote` on the exchange's list, undefined when it lists no such pair. */
export type PairPrice = (base: string, quote: string) => Decimal | undefined;

/** USD per unit of `coin`: 1 for a USD stablecoin; else its pair in the first of `quotes` listed; else its BTC pair × BTC's price; else null. */
export function usdPriceOf(coin: string, quotes: readonly string[], pair: PairPrice): Decimal | null {
  if (USD_STABLECOINS.has(coin)) return ONE;
  for (const quote of quotes) {
    const price = pair(coin, quote);
    if (price) return price;
  }
  const inBtc = pair(coin, "BTC");
  const btc = coin === "BTC" ? null : usdPriceOf("BTC", quotes, pair);
  return inBtc && btc ? mul(inBtc, btc) : null;
}

export interface ValuedPart {
  readonly usd: Decimal;
  /** "FOO 12.3 (Spot)" for every non-zero amount without a price. */
  readonly unpriced: readonly string[];
}

/**
 * Values one wallet's amounts (each named as the exchange names the coin) at `price`, crediting each coin's USD to
 * `perCoin` under `coinOf(name)`; zero amounts need no price.
 */
export function valueAmounts(
  label: string,
  amounts: readonly { readonly name: string; readonly amount: Decimal }[],
  price: (name: string) => Decimal | null,
  perCoin: Map<string, Decimal>,
  coinOf: (name: string) => string = (name) => name,
): ValuedPart {
  let usd = ZERO;
  const unpriced: string[] = [];
  for (const { name, amount } of amounts) {
    if (isZero(amount)) continue;
    const unit = price(name);
    if (unit === null) {
      unpriced.push(`${name} ${toPlainString(amount)} (${label})`);
      continue;
    }
    const value = mul(amount, unit);
    usd = add(usd, value);
    const coin = coinOf(name);
    perCoin.set(coin, add(perCoin.get(coin) ?? ZERO, value));
  }
  return { usd, unpriced };
}

const ONE = dec("1");
const ZERO = dec("0");
