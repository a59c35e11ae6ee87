// Validation of the KuCoin `data` objects pfbot reads, at the edge. Spot, margin and Earn amounts are decimal strings;
// futures amounts are JSON numbers [§2]. Each goes through readAmount, so one that is present but not a number fails
// the platform (UNREADABLE_AMOUNT) and is never 0; a missing list or name is a bad-response error naming the endpoint.
// [docs/platforms/kucoin.md §4, §5]

import { isRecord } from "../../lib/guards.ts";
import { type Decimal, sub } from "../../lib/money.ts";
import { fieldReaders } from "../fields.ts";
import { tickerPrices } from "../pricing.ts";
import { kucoinBadResponse } from "./transport.ts";

export const ACCOUNTS_PATH = "/api/v1/accounts";
export const CROSS_MARGIN_PATH = "/api/v3/margin/accounts";
export const ISOLATED_MARGIN_PATH = "/api/v3/isolated/accounts";
export const FUTURES_OVERVIEW_PATH = "/api/v1/account-overview";
export const CONTRACTS_PATH = "/api/v1/contracts/active";
export const EARN_PATH = "/api/v1/earn/hold-assets";
export const ACCOUNT_MODE_PATH = "/api/ua/v1/account/mode";
export const TICKERS_PATH = "/api/v1/market/allTickers";
export const API_KEY_PATH = "/api/v1/user/api-key";

/** An amount of one currency; negative for a net margin debt. */
export interface CoinAmount {
  readonly currency: string;
  readonly amount: Decimal;
}

/** A row of /api/v1/accounts: `balance` = available + holds, in one account type. */
export interface AccountRow extends CoinAmount {
  /** main, trade, trade_hf, option, or the deprecated margin/isolated rows. */
  readonly type: string;
}

export interface EarnPage {
  readonly rows: readonly CoinAmount[];
  readonly totalPage: number;
}

/** Last prices by symbol ("BTC-USDT"). */
export type PriceBook = ReadonlyMap<string, Decimal>;

export function parseAccounts(data: unknown): AccountRow[] {
  const where = ACCOUNTS_PATH;
  return array(data, where, "not a list of accounts").map((entry) => {
    const row = record(entry, where, "an account that is not an object");
    const type = row.type;
    if (typeof type !== "string" || type.trim() === "") throw kucoinBadResponse(where, "an account without type");
    return { currency: currencyOf(row, where), type: type.trim(), amount: required(row, "balance", where) };
  });
}

/** Cross margin (queryType=ALL) `accounts[]`: net = total − liability (liability = principal + interest) [§4.2]. */
export function parseCrossMargin(data: unknown): CoinAmount[] {
  const where = CROSS_MARGIN_PATH;
  const account = record(data, where, "no data object");
  return array(account.accounts, where, "no accounts list").map((entry) =>
    netOf(record(entry, where, "an account that is not an object"), where),
  );
}

/** Isolated margin (queryType=ALL) `assets[]`: both sides of every pair, each net of its liability [§4.3]. */
export function parseIsolatedMargin(data: unknown): CoinAmount[] {
  const where = ISOLATED_MARGIN_PATH;
  const account = record(data, where, "no data object");
  return array(account.assets, where, "no assets list").flatMap((entry) => {
    const pair = record(entry, where, "a pair that is not an object");
    return (["baseAsset", "quoteAsset"] as const).map((side) => netOf(record(pair[side], where, `a pair without ${side}`), where));
  });
}

/** account-overview: `accountEquity` (margin balance + unrealised PnL) as a JSON number, in the settlement currency [§4.4]. */
export function parseFuturesOverview(data: unknown, requested: string): CoinAmount {
  const where = FUTURES_OVERVIEW_PATH;
  const overview = record(data, where, "no data object");
  const currency =
    typeof overview.currency === "string" && overview.currency.trim() !== "" ? overview.currency.trim().toUpperCase() : requested;
  if (currency !== requested) throw kucoinBadResponse(where, `asked for ${requested}, got ${currency}`);
  return { currency, amount: required(overview, "accountEquity", where) };
}

/** The settlement currencies of the active contracts (USDT, USDC, XBT, …), one account-overview each. */
export function parseSettleCurrencies(data: unknown): string[] {
  const currencies = new Set<string>();
  for (const entry of array(data, CONTRACTS_PATH, "not a list of contracts")) {
    if (isRecord(entry) && typeof entry.settleCurrency === "string" && entry.settleCurrency.trim() !== "")
      currencies.add(entry.settleCurrency.trim().toUpperCase());
  }
  if (currencies.size === 0) throw kucoinBadResponse(CONTRACTS_PATH, "no settlement currency");
  return [...currencies].sort();
}

/** One page of Earn holdings: `holdAmount` (redeemingAmount is part of it, never added) [§4.5]. */
export function parseEarnPage(data: unknown): EarnPage {
  const where = EARN_PATH;
  const page = record(data, where, "no data object");
  const totalPage = page.totalPage;
  if (typeof totalPage !== "number" || !Number.isSafeInteger(totalPage) || totalPage < 0) throw kucoinBadResponse(where, "no totalPage");
  const rows = array(page.items, where, "no items list").map((entry) => {
    const item = record(entry, where, "an item that is not an object");
    return { currency: currencyOf(item, where), amount: required(item, "holdAmount", where) };
  });
  return { rows, totalPage };
}

/** "CLASSIC" or "UNIFIED" from the UTA account-mode endpoint; anything else is null (treated as classic). */
export function parseAccountMode(data: unknown): string | null {
  const mode = isRecord(data) ? data.selfAccountMode : undefined;
  return typeof mode === "string" ? mode.toUpperCase() : null;
}

/**
 * allTickers `last` by symbol. A pair with no trades may have `last` null; that, or an unreadable or non-positive
 * price, counts as no price, so its coin is reported unpriced (never 0): one odd pair must not fail the account.
 */
export function parsePriceBook(data: unknown): PriceBook {
  const snapshot = record(data, TICKERS_PATH, "no data object");
  return tickerPrices(array(snapshot.ticker, TICKERS_PATH, "no ticker list"), "last");
}

/** total − liability; both must be there: a margin row without its liability would overstate the account. */
function netOf(row: Record<string, unknown>, where: string): CoinAmount {
  return { currency: currencyOf(row, where), amount: sub(required(row, "total", where), required(row, "liability", where)) };
}

const { record, array, required } = fieldReaders("kucoin");

function currencyOf(row: Record<string, unknown>, where: string): string {
  const currency = row.currency;
  if (typeof currency !== "string" || currency.trim() === "") throw kucoinBadResponse(where, "an entry without currency");
  return currency.trim().toUpperCase();
}
