// Pricing KuCoin holdings in USD from the public tickers: stablecoins at 1, XBT (futures' name for bitcoin) as BTC,
// else C-USDT, C-USDC, or C-BTC × BTC-USDT; a coin none of those price is unpriced, never 0. Not /api/v1/prices,
// whose USDT is 0.9995: one dollar must not be valued two ways. [docs/platforms/kucoin.md §5]
import type { Decimal } from "../../lib/money.ts";
import { usdPriceOf, type ValuedPart, valueAmounts } from "../pricing.ts";
import type { CoinAmount, PriceBook } from "./parse.ts";

/** The coin's spot name: futures call bitcoin XBT. */
function spotName(currency: string): string {
  return currency === "XBT" ? "BTC" : currency;
}

/** USD per unit: 1 for a USD stablecoin (stablecoins.ts: USDT = 1 USD, as for Bybit and OKX), else a ticker, else null. */
function usdPrice(book: PriceBook, currency: string): Decimal | null {
  return usdPriceOf(spotName(currency), ["USDT", "USDC"], (base, quote) => book.get(`${base}-${quote}`));
}

/** Values one account's amounts, crediting each coin's USD to `perCoin` (XBT as BTC); zero amounts need no price. */
export function valuePart(label: string, rows: readonly CoinAmount[], book: PriceBook, perCoin: Map<string, Decimal>): ValuedPart {
  const amounts = rows.map(({ currency, amount }) => ({ name: currency, amount }));
  return valueAmounts(label, amounts, (currency) => usdPrice(book, currency), perCoin, spotName);
}
