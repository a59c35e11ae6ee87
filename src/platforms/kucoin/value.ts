// Pricing KuCoin holdings in USD from the public tickers: stablecoins at 1, XBT (futures' name for bitcoin) as BTC,
// else C-USDT, C-USDC, or C-BTC × BTC-USDT; a coin none of those price is unpriced, never 0. Not /api/v1/prices,
// whose USDT is 0.9995: one dollar must not be valued two ways. [docs/platforms/kucoin.md §5]
import { add, type Decimal, dec, isZero, mul, toPlainString } from "../../lib/money.ts";
import { USD_STABLECOINS } from "../stablecoins.ts";
import type { CoinAmount, PriceBook } from "./parse.ts";

/** The coin's spot name: futures call bitcoin XBT. */
function spotName(currency: string): string {
  return currency === "XBT" ? "BTC" : currency;
}

/** USD per unit: 1 for a USD stablecoin (stablecoins.ts: USDT = 1 USD, as for Bybit and OKX), else a ticker, else null. */
function usdPrice(book: PriceBook, currency: string): Decimal | null {
  const coin = spotName(currency);
  if (USD_STABLECOINS.has(coin)) return ONE;
  for (const quote of ["USDT", "USDC"]) {
    const price = book.get(`${coin}-${quote}`);
    if (price) return price;
  }
  const inBtc = book.get(`${coin}-BTC`);
  const btc = coin === "BTC" ? null : usdPrice(book, "BTC");
  return inBtc && btc ? mul(inBtc, btc) : null;
}

export interface ValuedPart {
  readonly usd: Decimal;
  /** "FOO 12.3 (Trade)" for every non-zero amount without a price. */
  readonly unpriced: readonly string[];
}

/** Values one account's amounts, crediting each coin's USD to `perCoin` (XBT as BTC); zero amounts need no price. */
export function valuePart(label: string, rows: readonly CoinAmount[], book: PriceBook, perCoin: Map<string, Decimal>): ValuedPart {
  let usd = ZERO;
  const unpriced: string[] = [];
  for (const { currency, amount } of rows) {
    if (isZero(amount)) continue;
    const price = usdPrice(book, currency);
    if (price === null) {
      unpriced.push(`${currency} ${toPlainString(amount)} (${label})`);
      continue;
    }
    const value = mul(amount, price);
    usd = add(usd, value);
    const coin = spotName(currency);
    perCoin.set(coin, add(perCoin.get(coin) ?? ZERO, value));
  }
  return { usd, unpriced };
}

const ONE = dec("1");
const ZERO = dec("0");
