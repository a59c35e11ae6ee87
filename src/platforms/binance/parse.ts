// Validation of the Binance answers pfbot reads, at the edge. Amounts are decimal strings [§2]; each goes through
// readAmount, so one that is present but not a number ("NaN") fails the platform (UNREADABLE_AMOUNT) and is never 0.
// A missing structural field (a list, an asset name, a required amount) is a bad-response error naming the endpoint.
// [docs/platforms/binance.md §4, §5]

import { add, type Decimal, dec } from "../../lib/money.ts";
import { fieldReaders } from "../fields.ts";
import { tickerPrices } from "../pricing.ts";
import { binanceBadResponse } from "./transport.ts";

export const WALLET_BALANCE_PATH = "/sapi/v1/asset/wallet/balance";
export const SPOT_PATH = "/api/v3/account";
export const FUNDING_PATH = "/sapi/v1/asset/get-funding-asset";
export const FLEXIBLE_PATH = "/sapi/v1/simple-earn/flexible/position";
export const LOCKED_PATH = "/sapi/v1/simple-earn/locked/position";
export const CROSS_MARGIN_PATH = "/sapi/v1/margin/account";
export const ISOLATED_MARGIN_PATH = "/sapi/v1/margin/isolated/account";
export const USDM_PATH = "/fapi/v3/account";
export const COINM_PATH = "/dapi/v1/account";
export const PRICES_PATH = "/api/v3/ticker/price";
export const RESTRICTIONS_PATH = "/sapi/v1/account/apiRestrictions";

/** One wallet of wallet/balance: its value in the quote asset (USDT), as Binance computed it. */
export interface WalletValue {
  /** Display text, exactly as sent ("USDⓈ-M Futures"); the list is open. */
  readonly name: string;
  readonly balance: Decimal;
  readonly activate: boolean;
}

/** An amount of one asset in one wallet; negative for a net margin debt. */
export interface CoinAmount {
  readonly asset: string;
  readonly amount: Decimal;
}

export interface EarnPage {
  readonly rows: readonly CoinAmount[];
  readonly total: number;
}

/** Last prices by symbol ("BTCUSDT"). */
export type PriceBook = ReadonlyMap<string, Decimal>;

/** `[{activate, balance, walletName}]`: an empty list, or a wallet without a figure, is no valuation at all. */
export function parseWalletBalance(body: unknown): WalletValue[] {
  const where = WALLET_BALANCE_PATH;
  const list = array(body, where, "not a list of wallets");
  if (list.length === 0) throw binanceBadResponse(where, "no wallet in the list");
  return list.map((entry) => {
    const wallet = record(entry, where, "a wallet that is not an object");
    const name = wallet.walletName;
    if (typeof name !== "string" || name.trim() === "") throw binanceBadResponse(where, "a wallet without walletName");
    const balance = amount(wallet, "balance", where);
    if (balance === null) throw binanceBadResponse(where, `no balance for ${name}`);
    return { name: name.trim(), balance, activate: wallet.activate !== false };
  });
}

/** /api/v3/account `balances[]`: holding = free + locked (locked is in open orders, still the user's). */
export function parseSpotBalances(body: unknown): CoinAmount[] {
  const where = SPOT_PATH;
  const account = record(body, where, "not an object");
  return array(account.balances, where, "no balances list").map((entry) => {
    const row = record(entry, where, "a balance that is not an object");
    return { asset: assetName(row, "asset", where), amount: add(required(row, "free", where), optional(row, "locked", where)) };
  });
}

/** get-funding-asset rows: free + locked + freeze + withdrawing (the four parts ccxt also sums) [§4.3 b]. */
export function parseFundingAssets(body: unknown): CoinAmount[] {
  const where = FUNDING_PATH;
  return array(body, where, "not a list").map((entry) => {
    const row = record(entry, where, "a row that is not an object");
    const parts = [
      required(row, "free", where),
      optional(row, "locked", where),
      optional(row, "freeze", where),
      optional(row, "withdrawing", where),
    ];
    return { asset: assetName(row, "asset", where), amount: parts.reduce(add) };
  });
}

/** One page of Simple Earn positions: flexible `totalAmount`, locked `amount` [§4.3 d]. */
export function parseEarnPage(body: unknown, kind: "flexible" | "locked"): EarnPage {
  const where = kind === "flexible" ? FLEXIBLE_PATH : LOCKED_PATH;
  const page = record(body, where, "not an object");
  const total = page.total;
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0) throw binanceBadResponse(where, "no total");
  const rows = array(page.rows, where, "no rows list").map((entry) => {
    const row = record(entry, where, "a position that is not an object");
    return { asset: assetName(row, "asset", where), amount: required(row, kind === "flexible" ? "totalAmount" : "amount", where) };
  });
  return { rows, total };
}

/** Cross margin `userAssets[].netAsset`: free + locked − borrowed − interest, negative for a sold loan [§4.3 e]. */
export function parseCrossMargin(body: unknown): CoinAmount[] {
  const where = CROSS_MARGIN_PATH;
  const account = record(body, where, "not an object");
  return array(account.userAssets, where, "no userAssets list").map((entry) => {
    const row = record(entry, where, "an asset that is not an object");
    return { asset: assetName(row, "asset", where), amount: required(row, "netAsset", where) };
  });
}

/** Isolated margin: both sides of every pair, each by its `netAsset` [§4.3 f]. */
export function parseIsolatedMargin(body: unknown): CoinAmount[] {
  const where = ISOLATED_MARGIN_PATH;
  const account = record(body, where, "not an object");
  return array(account.assets, where, "no assets list").flatMap((entry) => {
    const pairOf = record(entry, where, "a pair that is not an object");
    return (["baseAsset", "quoteAsset"] as const).map((side) => {
      const row = record(pairOf[side], where, `a pair without ${side}`);
      return { asset: assetName(row, "asset", where), amount: required(row, "netAsset", where) };
    });
  });
}

/**
 * USDⓈ-M (/fapi/v3/account) and COIN-M (/dapi/v1/account) `assets[].marginBalance` (wallet balance + unrealised PnL),
 * in the asset itself. The account-level total* fields count USDT only in single-asset mode, so they are never used.
 */
export function parseFuturesAssets(body: unknown, where: string): CoinAmount[] {
  const account = record(body, where, "not an object");
  return array(account.assets, where, "no assets list").map((entry) => {
    const row = record(entry, where, "an asset that is not an object");
    return { asset: assetName(row, "asset", where), amount: required(row, "marginBalance", where) };
  });
}

/**
 * Every symbol's last price. A price that is unreadable or not positive counts as no price, so its coin is reported
 * unpriced (never 0): one odd symbol among thousands must not fail the account.
 */
export function parsePriceBook(body: unknown): PriceBook {
  return tickerPrices(array(body, PRICES_PATH, "not a list"), "price");
}

const { record, array, amount, required } = fieldReaders("binance");

function assetName(row: Record<string, unknown>, field: string, where: string): string {
  const asset = row[field];
  if (typeof asset !== "string" || asset.trim() === "") throw binanceBadResponse(where, `an entry without ${field}`);
  return asset.trim().toUpperCase();
}

/** A component some answers leave out (locked, freeze, withdrawing): absent adds nothing; unreadable still fails. */
function optional(row: Record<string, unknown>, field: string, where: string): Decimal {
  return amount(row, field, where) ?? ZERO;
}

const ZERO = dec("0");
