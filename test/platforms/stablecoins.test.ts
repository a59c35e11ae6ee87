import { expect, test } from "bun:test";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { type PriceBook, usdPrice } from "../../src/platforms/bybit/parse.ts";
import { USD_STABLECOINS } from "../../src/platforms/stablecoins.ts";

test("USD itself and the coins the tickers are quoted in are worth exactly $1", () => {
  for (const coin of ["USD", "USDT", "USDC"]) expect(USD_STABLECOINS.has(coin)).toBe(true);
});

test("dollars that are synthetic, algorithmic, crypto-backed, discontinued or impaired are not taken as $1", () => {
  for (const coin of ["USDE", "USDD", "DAI", "BUSD", "TUSD"]) expect(USD_STABLECOINS.has(coin)).toBe(false);
});

test("Bybit prices a listed stablecoin at 1 without a ticker, and any other dollar coin from the market", () => {
  const book: PriceBook = new Map([["DAIUSDT", { usdIndexPrice: null, lastPrice: dec("0.9981") }]]);
  const price = (coin: string) => {
    const found = usdPrice(book, coin);
    return found === null ? null : toPlainString(found);
  };
  expect(price("usdg")).toBe("1");
  expect(price("RLUSD")).toBe("1");
  expect(price("DAI")).toBe("0.9981");
  // No ticker and not a listed stablecoin: unpriced (reported), never a guessed $1.
  expect(price("USDE")).toBeNull();
});
