/**
 * @module The coins the crypto clients value at exactly 1 USD without asking the market: USD itself and the
 * fiat-backed stablecoins whose issuer redeems them 1:1 for dollars (reference/exchanges.md §1.5f: "USD
 * stablecoins at 1"; exchanges-more.md §2.5: "pfbot: USDT = USD").
 *
 * Every other coin is priced from a spot ticker, or reported as unpriced: synthetic, algorithmic or
 * crypto-collateralised dollars (USDe, USDD, DAI) and discontinued or impaired ones (BUSD, TUSD) are left out on
 * purpose, since each has traded well off $1, and calling them $1 would be a guessed number.
 */
export const USD_STABLECOINS: ReadonlySet<string> = new Set(["USD", "USDT", "USDC", "USDG", "PYUSD", "FDUSD", "RLUSD", "USD1", "USDP"]);
