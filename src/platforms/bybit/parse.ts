// Validation of the Bybit V5 `result` objects pfbot reads, at the edge: amounts are decimal strings and ""
// means absent [exchanges.md §1.2], so every number becomes a Decimal or null, never NaN or a silent 0.
// An amount that is present but not a number ("NaN", "Infinity") fails the platform (UNREADABLE_AMOUNT).
// A missing structural field (a list, a coin name) is a bad-response error naming the endpoint.

import { isRecord } from "../../lib/guards.ts";
import { type Decimal, dec, mul, parseDecimal, readAmount, sum } from "../../lib/money.ts";
import { USD_STABLECOINS } from "../stablecoins.ts";
import { type KeyAudit, PlatformError, unreadableAmount } from "../types.ts";
import { badResponse } from "./transport.ts";

interface UnifiedCoin {
  readonly coin: string;
  readonly equity: Decimal | null;
  readonly usdValue: Decimal | null;
}

export interface UnifiedWallet {
  /** USD; "" on classic/isolated accounts, then Σ coin usdValue stands in [wallet-balance.mdx]. */
  readonly totalEquity: Decimal | null;
  readonly coins: readonly UnifiedCoin[];
}

export interface FundingCoin {
  readonly coin: string;
  /** Total amount of the coin (walletBalance); null when Bybit sent "" or nothing. */
  readonly amount: Decimal | null;
}

interface SpotTicker {
  readonly usdIndexPrice: Decimal | null;
  readonly lastPrice: Decimal | null;
}

/** Spot tickers by symbol ("BTCUSDT"). */
export type PriceBook = ReadonlyMap<string, SpotTicker>;

/** PlatformError.code of an asset-overview answering retCode 0 with no total and no account: `{"totalEquity":"","list":[]}`. */
export const EMPTY_OVERVIEW = "empty-overview";

/**
 * asset-overview `result.totalEquity` (USD); Σ list[].totalEquity only when the total is absent [exchanges.md §1.5a],
 * and only when every bucket has a figure: an empty list, or a bucket without one, would show part of the
 * account (or $0) as all of it, so that is a bad response (and the wallets fallback takes over). The empty answer,
 * seen live, has its own code (EMPTY_OVERVIEW): the endpoint does not serve regional accounts, and says nothing else.
 */
export function parseOverviewTotal(result: Record<string, unknown>): Decimal {
  const where = "/v5/asset/asset-overview";
  const total = decimalField(result, "totalEquity", where);
  if (total !== null) return total;
  const list = result.list;
  const accounts = records(result, "list", where);
  if (accounts.length === 0) {
    const empty = badResponse(where, "no totalEquity and no account in the list");
    throw new PlatformError("bybit", empty.kind, empty.message, EMPTY_OVERVIEW);
  }
  if (Array.isArray(list) && list.length !== accounts.length)
    throw badResponse(where, "no totalEquity, and a list entry that is not an account");
  const values = accounts.map((account) => decimalField(account, "totalEquity", where));
  const unvalued = accounts
    .filter((_, i) => values[i] === null)
    .map((account) => (typeof account.accountType === "string" ? account.accountType : "an account"));
  if (unvalued.length > 0) throw badResponse(where, `no totalEquity, and none for ${unvalued.join(", ")} either`);
  return sum(values.filter((value) => value !== null));
}

/** wallet-balance?accountType=UNIFIED → list[0]; an empty list is an empty account. */
export function parseUnifiedWallet(result: Record<string, unknown>): UnifiedWallet {
  const where = "/v5/account/wallet-balance";
  const [account] = records(result, "list", where);
  if (!account) return { totalEquity: null, coins: [] };
  const coins = records(account, "coin", where).map((entry) => ({
    coin: coinName(entry, where),
    equity: decimalField(entry, "equity", where),
    usdValue: decimalField(entry, "usdValue", where),
  }));
  return { totalEquity: decimalField(account, "totalEquity", where), coins };
}

/** query-account-coins-balance?accountType=FUND → result.balance[] (amounts only, no USD) [all-balance.mdx]. */
export function parseFundingCoins(result: Record<string, unknown>): FundingCoin[] {
  const where = "/v5/asset/transfer/query-account-coins-balance";
  return records(result, "balance", where).map((entry) => ({
    coin: coinName(entry, where),
    amount: decimalField(entry, "walletBalance", where),
  }));
}

export function parsePriceBook(result: Record<string, unknown>): PriceBook {
  const book = new Map<string, SpotTicker>();
  for (const ticker of records(result, "list", "/v5/market/tickers")) {
    const symbol = ticker.symbol;
    if (typeof symbol !== "string") continue;
    book.set(symbol.toUpperCase(), { usdIndexPrice: tickerPrice(ticker, "usdIndexPrice"), lastPrice: tickerPrice(ticker, "lastPrice") });
  }
  return book;
}

/** USD price of one coin: stablecoins 1; else usdIndexPrice, then lastPrice, of COINUSDT / COINUSDC [tickers.mdx]. */
export function usdPrice(book: PriceBook | null, coin: string): Decimal | null {
  const upper = coin.toUpperCase();
  if (USD_STABLECOINS.has(upper)) return ONE;
  if (book === null) return null;
  const pairs = [book.get(`${upper}USDT`), book.get(`${upper}USDC`)];
  for (const pair of pairs) if (pair?.usdIndexPrice) return pair.usdIndexPrice;
  for (const pair of pairs) if (pair?.lastPrice) return pair.lastPrice;
  return null;
}

/** amount × price, or null when either is unknown. */
export function usdValueOf(amount: Decimal | null, price: Decimal | null): Decimal | null {
  return amount === null || price === null ? null : mul(amount, price);
}

/** query-api → audit: readOnly 1 is read-only; permissions flattened "Area:Perm" [apikey-info.mdx, exchanges.md §1.6]. */
export function parseKeyAudit(result: Record<string, unknown>): KeyAudit {
  const readOnly = result.readOnly;
  if (readOnly !== 0 && readOnly !== 1) throw badResponse("/v5/user/query-api", "readOnly is not 0 or 1");
  const permissions: string[] = [];
  const areas = result.permissions;
  if (isRecord(areas)) {
    for (const [area, values] of Object.entries(areas)) {
      if (!Array.isArray(values)) continue;
      for (const value of values) if (typeof value === "string") permissions.push(`${area}:${value}`);
    }
  }
  const notes: string[] = [];
  if (readOnly === 0) notes.push("the key can trade (read-write): create a read-only key for pfbot");
  if (permissions.includes("Wallet:Withdraw")) notes.push("DANGER: the key can withdraw funds");
  const ips = Array.isArray(result.ips) ? result.ips.filter((ip): ip is string => typeof ip === "string") : [];
  const unbound = ips.length === 0 || ips.includes("*");
  notes.push(unbound ? "no IP bound (Bybit expires such keys after 90 days)" : `bound to IP ${ips.join(", ")}`);
  if (result.type === 2) notes.push("the key belongs to a third-party app connection");
  if (result.isMaster === false) notes.push("sub-account key: only that sub-account is counted");
  const expiresAt = keyExpiry(result);
  return {
    readOnly: readOnly === 1,
    permissions,
    notes,
    expiresAt,
    expiryNote: expiresAt !== null ? "query-api expiredAt" : unbound ? null : "keys bound to an IP do not expire",
  };
}

/**
 * query-api's expiredAt, when it is a date: it and deadlineDay (days left) are meaningful only for a key without a
 * bound IP, or after the account's password changed (7 days then) [apikey-info.mdx; exchanges.md §1.6]. Otherwise
 * Bybit sends the sentinels deadlineDay -2 and expiredAt 1970-01-01T00:00:00Z, which are no expiry.
 */
function keyExpiry(result: Record<string, unknown>): string | null {
  const { deadlineDay, expiredAt } = result;
  if (typeof deadlineDay !== "number" || deadlineDay < 0 || typeof expiredAt !== "string") return null;
  const at = Date.parse(expiredAt);
  return Number.isNaN(at) || at <= 0 ? null : new Date(at).toISOString();
}

/** A decimal string field of `where`'s answer; "" and missing are null; anything else that is not a number fails Bybit. */
function decimalField(record: Record<string, unknown>, key: string, where: string): Decimal | null {
  return readAmount(record[key], unreadableAmount("bybit", where, key));
}

const ONE = dec("1");

function records(record: Record<string, unknown>, key: string, where: string): Record<string, unknown>[] {
  const value = record[key];
  if (!Array.isArray(value)) throw badResponse(where, `no ${key} list`);
  return value.filter(isRecord);
}

function coinName(entry: Record<string, unknown>, where: string): string {
  const coin = entry.coin;
  if (typeof coin !== "string" || coin.trim() === "") throw badResponse(where, "an entry without a coin name");
  return coin.trim().toUpperCase();
}

/**
 * A public ticker price, positive or null. An unreadable one counts as no price, so its coin is reported unvalued
 * (never 0): one odd pair among the hundreds of public tickers must not fail the account.
 */
function tickerPrice(ticker: Record<string, unknown>, key: string): Decimal | null {
  const value = ticker[key];
  const price =
    typeof value === "string"
      ? parseDecimal(value)
      : typeof value === "number" && Number.isFinite(value)
        ? parseDecimal(String(value))
        : null;
  return price !== null && price.coef > 0n ? price : null;
}
