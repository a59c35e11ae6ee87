// Validation of the OKX V5 answers pfbot reads: every field used is checked here, so a renamed field is a
// "bad-response" PlatformError and an empty-string amount is null ("absent"), never 0 and never NaN. An amount
// that is present but not a number ("NaN", "Infinity") fails the platform (UNREADABLE_AMOUNT).
// [OKX V5 docs: funding-account, trading-account, market-data; reference/exchanges.md §2.5, §2.6]

import { type Decimal, parseDecimal } from "../../lib/money.ts";
import { fieldReaders } from "../fields.ts";
import type { KeyAudit } from "../types.ts";
import { okxBadResponse } from "./transport.ts";

export const VALUATION_PATH = "/api/v5/asset/asset-valuation";
export const TRADING_PATH = "/api/v5/account/balance";
export const FUNDING_PATH = "/api/v5/asset/balances";
export const TICKERS_PATH = "/api/v5/market/tickers";
export const CONFIG_PATH = "/api/v5/account/config";

/** `asset-valuation?ccy=USD`: the whole account (trading + funding + earn + classic) in one USD figure. */
export interface OkxValuation {
  readonly totalUsd: Decimal;
}

/** `account/balance`: the trading account. `totalEq` is null when OKX sent "". */
export interface TradingAccount {
  readonly totalEq: Decimal | null;
  readonly coins: readonly TradingCoin[];
}

interface TradingCoin {
  readonly ccy: string;
  /** `eq`: the coin's equity, strategy/bot equity included [trading-account]. */
  readonly equity: Decimal | null;
  /** `eqUsd`: that equity in USD, as OKX values it. */
  readonly usd: Decimal | null;
}

/** `asset/balances`: funding-account amounts; OKX gives no USD value here. */
export interface FundingCoin {
  readonly ccy: string;
  /** `bal` = availBal + frozenBal; null when "". */
  readonly amount: Decimal | null;
}

/** Spot last prices by instrument id, e.g. "SOL-USDT" → 142.3. */
export type SpotPrices = ReadonlyMap<string, Decimal>;

export function parseValuation(data: readonly unknown[]): OkxValuation {
  const first = record(data[0], VALUATION_PATH, "no data[0]");
  const totalUsd = presentAmount(first, "totalBal", VALUATION_PATH);
  // "" would mean OKX could not value the account: not a zero balance.
  if (totalUsd === null) throw okxBadResponse(VALUATION_PATH, "totalBal is empty");
  return { totalUsd };
}

export function parseTradingAccount(data: readonly unknown[]): TradingAccount {
  const first = record(data[0], TRADING_PATH, "no data[0]");
  const details = first.details;
  if (!Array.isArray(details)) throw okxBadResponse(TRADING_PATH, "no details list");
  return {
    totalEq: presentAmount(first, "totalEq", TRADING_PATH),
    coins: details.map((entry) => {
      const coin = record(entry, TRADING_PATH, "a details entry is not an object");
      return {
        ccy: coinName(coin, TRADING_PATH),
        equity: amount(coin, "eq", TRADING_PATH),
        usd: amount(coin, "eqUsd", TRADING_PATH),
      };
    }),
  };
}

export function parseFundingCoins(data: readonly unknown[]): FundingCoin[] {
  return data.map((entry) => {
    const coin = record(entry, FUNDING_PATH, "an entry is not an object");
    return { ccy: coinName(coin, FUNDING_PATH), amount: amount(coin, "bal", FUNDING_PATH) };
  });
}

/**
 * Spot tickers; instruments without a usable positive `last` are left out (and so count as unpriced, reported, never
 * 0): one odd pair among the hundreds of public tickers must not fail the account.
 */
export function parseSpotPrices(data: readonly unknown[]): SpotPrices {
  const prices = new Map<string, Decimal>();
  for (const entry of data) {
    if (entry === null || typeof entry !== "object") continue;
    const ticker = entry as Record<string, unknown>;
    const instId = ticker.instId;
    const last = parseDecimal(optionalText(ticker, "last"));
    if (typeof instId === "string" && last !== null && last.coef > 0n) prices.set(instId, last);
  }
  return prices;
}

/**
 * `account/config` → `perm`: any of read_only, trade, withdraw, comma-separated in no fixed order. Read-only only
 * when the set is exactly {read_only} [trading-account; exchanges.md §2.6].
 */
export function parseKeyAudit(data: readonly unknown[]): KeyAudit {
  const config = record(data[0], CONFIG_PATH, "no data[0]");
  const permissions = [
    ...new Set(
      text(config, "perm", CONFIG_PATH)
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    ),
  ];
  const readOnly = permissions.length === 1 && permissions[0] === "read_only";
  const notes: string[] = [];
  const label = optionalText(config, "label").trim();
  if (label !== "") notes.push(`key label: ${label}`);
  const ips = optionalText(config, "ip")
    .split(",")
    .map((ip) => ip.trim())
    .filter((ip) => ip !== "");
  notes.push(ips.length > 0 ? `bound to IP: ${ips.join(", ")}` : "not bound to an IP");
  // OKX deletes trade/withdraw keys without an IP after 14 days unused; read-only keys are exempt [overview].
  if (!readOnly && ips.length === 0) notes.push("OKX deletes trade/withdraw keys without a bound IP after 14 days unused");
  const uid = optionalText(config, "uid");
  const mainUid = optionalText(config, "mainUid");
  if (uid !== "" && mainUid !== "" && uid !== mainUid) notes.push("sub-account key: only this sub-account is counted");
  // account/config has no expiry field [doc: trading-account].
  return { readOnly, permissions, notes, expiresAt: null, expiryNote: null };
}

// An amount may be "" or missing depending on the account mode ("" stands for absent [exchanges.md §2.2]); garbage throws.
const { record, amount } = fieldReaders("okx");

/** A required string field. */
function text(source: Record<string, unknown>, field: string, path: string): string {
  const value = source[field];
  if (typeof value !== "string") throw okxBadResponse(path, `no ${field}`);
  return value;
}

/** An amount field that must be there (a renamed field is a bad response); "" is still null. */
function presentAmount(source: Record<string, unknown>, field: string, path: string): Decimal | null {
  if (source[field] === undefined || source[field] === null) throw okxBadResponse(path, `no ${field}`);
  return amount(source, field, path);
}

/** A field that may be "" or missing depending on the account mode: "" stands for absent [exchanges.md §2.2]. */
function optionalText(source: Record<string, unknown>, field: string): string {
  const value = source[field];
  return typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

function coinName(source: Record<string, unknown>, path: string): string {
  const ccy = text(source, "ccy", path).trim();
  if (ccy === "") throw okxBadResponse(path, "a coin without ccy");
  return ccy;
}
