// OKX V5 client: the account's whole USD value, counted once. The total is asset-valuation's totalBal (trading +
// funding + Earn + classic); the per-coin breakdown comes from the trading and funding accounts only: what they do
// not explain (Earn, …) stays in the total, and the report shows it as "other" (render/status.ts), never added on top. When asset-valuation is rate-limited, busy or
// unreadable it is asked once more after the pause it asks for; only when that fails too is the total rebuilt
// from the two accounts, and that figure is partial: it leaves out Earn and the other accounts.
// [exchanges.md §0, §2.5 "Recommended OKX algorithm"]
import { abs, add, cmp, type Decimal, dec, div, isZero, mul, round, sub, sum, toFixed, toPlainString } from "../../lib/money.ts";
import { describe, type Outcome, settle, valueOrThrow } from "../outcome.ts";
import { USD_STABLECOINS } from "../stablecoins.ts";
import { type AssetValue, type ClientDeps, type PlatformBalance, type PlatformClient, PlatformError, UNREADABLE_AMOUNT } from "../types.ts";
import {
  CONFIG_PATH,
  FUNDING_PATH,
  type FundingCoin,
  parseFundingCoins,
  parseKeyAudit,
  parseSpotPrices,
  parseTradingAccount,
  parseValuation,
  type SpotPrices,
  TICKERS_PATH,
  TRADING_PATH,
  type TradingAccount,
  VALUATION_PATH,
} from "./parse.ts";
import { createOkxTransport, type OkxTransport } from "./transport.ts";

export { type OkxSignInput, okxPrehash, okxTimestamp, signOkx } from "./transport.ts";

export interface OkxClientOptions extends ClientDeps {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export interface OkxClient extends PlatformClient {
  readonly id: "okx";
  /** OKX's clock minus ours (ms), learnt from /api/v5/public/time after a 50102; 0 until then. For --check. */
  clockOffsetMs(): number;
}

export const OKX_SOURCE_VALUATION = "asset-valuation";
export const OKX_SOURCE_FALLBACK = "account/balance + funding";
/** What the trading + funding figure leaves out (PlatformBalance.leftOut). */
export const OKX_LEFT_OUT_OTHER = "Earn and other OKX accounts not valued";

export function createOkxClient(options: OkxClientOptions): OkxClient {
  const http = createOkxTransport(options, { apiKey: options.apiKey, apiSecret: options.apiSecret, passphrase: options.passphrase });
  return {
    id: "okx",
    fetchBalance: (signal) => fetchBalance(options, http, signal),
    auditKey: async (signal) => parseKeyAudit(await http.signedGet(CONFIG_PATH, "", signal)),
    clockOffsetMs: () => http.clockOffsetMs(),
  };
}

/** Coins worth less than this are left out of the breakdown (they stay in the total). */
const DUST_USD = dec("1");
/** A gap between the total and the accounts under $1 or 0.5 % of the total is price drift, not money left out. */
const MATERIAL_USD = dec("1");
const MATERIAL_SHARE = dec("0.005");

/**
 * asset-valuation allows 1 request per second per user ID [funding-account "Get account asset valuation"], shared with
 * every other app using the account: the pause before asking again when OKX names none.
 */
const VALUATION_INTERVAL_MS = 1_000;
/** A longer pause than this is not waited for: the fallback figure is given instead. */
const MAX_VALUATION_PAUSE_MS = 5_000;
/** The second asking gets at least this long, or is not made. */
const MIN_RETRY_MS = 1_000;
/** The share of the platform's deadline kept for the fallback (pricing the accounts) once the second asking failed. */
const FALLBACK_RESERVE_SHARE = 0.25;
/** OKX's busy codes: 50001 service unavailable, 50004 endpoint timeout, 50013 system busy, 50026 system error [error-code]. */
const BUSY_CODES: ReadonlySet<string> = new Set(["50001", "50004", "50013", "50026"]);

async function fetchBalance(deps: ClientDeps, http: OkxTransport, signal: AbortSignal): Promise<PlatformBalance> {
  const started = deps.now();
  // The default valuation unit is BTC, so ccy=USD is always sent [funding-account "Get account asset valuation"].
  const readValuation = (bound: AbortSignal) => settle(async () => parseValuation(await http.signedGet(VALUATION_PATH, "ccy=USD", bound)));
  // The three reads are independent; asking at once keeps a snapshot to one round trip.
  const [first, trading, funding] = await Promise.all([
    readValuation(signal),
    settle(async () => parseTradingAccount(await http.signedGet(TRADING_PATH, "", signal))),
    settle(async () => parseFundingCoins(await http.signedGet(FUNDING_PATH, "", signal))),
  ]);
  const valuation = first.ok ? first : await askAgain(deps, signal, started, first.error, readValuation);
  if (!valuation.ok) {
    if (!canFallBack(valuation.error)) throw valuation.error;
    return fallbackBalance(http, signal, valuation.error, valueOrThrow(trading), valueOrThrow(funding));
  }
  const notes: string[] = [];
  const missing: { readonly name: string; readonly error: PlatformError }[] = [];
  const part = <T>(outcome: Outcome<T>, name: string): T | null => {
    if (outcome.ok) return outcome.value;
    // The total is known; a wallet only feeds the breakdown, so its failure is a note, not a failed platform.
    // An account that sends "NaN" for an amount is corrupt: the valuation's figure from the same account is not trusted either.
    if (!(outcome.error instanceof PlatformError) || signal.aborted || outcome.error.code === UNREADABLE_AMOUNT) throw outcome.error;
    missing.push({ name, error: outcome.error });
    return null;
  };
  const tradingAccount = part(trading, "trading");
  const wallets = await priceWallets(http, signal, tradingAccount, part(funding, "funding"), notes);
  const valued = valueWallets(wallets);
  const total = valuation.value.totalUsd;
  const parts = add(valued.tradingSum, valued.fundingSum);
  const gap = sub(total, parts);
  if (isMaterial(gap, total) && gap.coef < 0n) {
    // asset-valuation's total includes both accounts, so below what they hold it has left money out (prices cannot
    // explain a material gap: both are read at once): it never wins, the accounts' figure does, and it is partial.
    const warnings = [
      `OKX asset-valuation's total (${toFixed(total, 2)} USD) is less than the trading and funding accounts hold (${toFixed(parts, 2)} USD), so the total is the accounts'`,
      ...notes,
    ];
    const leftOut = [OKX_LEFT_OUT_OTHER, ...missing.map(({ name, error }) => `${name} account not valued (${describe(error)})`)];
    if (valued.unpriced.length > 0) leftOut.push(`coins without a USD price: ${valued.unpriced.join(", ")}`);
    const accounts = add(tradingAccount?.totalEq ?? valued.tradingSum, valued.fundingSum);
    return balance(accounts, valued.perCoin, OKX_SOURCE_FALLBACK, warnings, leftOut);
  }
  const warnings = [
    ...missing.map(({ name, error }) => `OKX breakdown lacks the ${name} account (${describe(error)}); the total is complete`),
    ...notes,
  ];
  if (valued.unpriced.length > 0)
    warnings.push(`OKX coins without a USD price, in the total but not listed: ${valued.unpriced.join(", ")}`);
  return balance(total, valued.perCoin, OKX_SOURCE_VALUATION, warnings);
}

/**
 * asset-valuation once more, after the pause a rate limit, a busy code or an unreadable answer asks for (a Retry-After,
 * else its 1 s interval), when the platform's deadline leaves room for it and for the fallback after it. OKX names no
 * deadline of its own in the registry, so its deadline is PLATFORM_TIMEOUT_SECONDS, the bound `deps.timeoutMs`
 * carries. An outage the HTTP helper has already retried (a 5xx, a network error) is not asked again. When the second
 * asking runs out of its time, the first failure stands.
 */
async function askAgain<T>(
  deps: ClientDeps,
  signal: AbortSignal,
  started: number,
  error: unknown,
  read: (bound: AbortSignal) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  const failed: Outcome<T> = { ok: false, error };
  if (!(error instanceof PlatformError) || !canFallBack(error)) return failed;
  // An unreadable answer (no code) may be a passing glitch; one too large or in an unasked encoding will not change.
  const unreadable = error.kind === "bad-response" && error.code === undefined;
  if (!(error.kind === "rate-limit" || unreadable || BUSY_CODES.has(String(error.code)))) return failed;
  const pause = error.retryAfterMs ?? VALUATION_INTERVAL_MS;
  const room = started + deps.timeoutMs * (1 - FALLBACK_RESERVE_SHARE) - deps.now() - pause;
  if (pause > MAX_VALUATION_PAUSE_MS || room < MIN_RETRY_MS) return failed;
  await deps.sleep(pause, signal);
  if (signal.aborted) return failed;
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(room)]);
  const second = await read(bounded);
  return !second.ok && bounded.aborted && !signal.aborted ? failed : second;
}

/**
 * Rate limits (asset-valuation allows 1 request/s per UID), outages and unreadable answers of the valuation call
 * fall back to trading + funding. Auth, permission, IP and clock errors would fail the fallback as well, and a
 * timeout means the platform's time is spent: those are reported as they are.
 */
function canFallBack(error: unknown): error is PlatformError {
  // An unreadable amount is a corrupt answer, not an outage: the accounts would hide it behind a smaller figure.
  if (error instanceof PlatformError && error.code === UNREADABLE_AMOUNT) return false;
  return error instanceof PlatformError && (error.kind === "unavailable" || error.kind === "rate-limit" || error.kind === "bad-response");
}

async function fallbackBalance(
  http: OkxTransport,
  signal: AbortSignal,
  valuationError: PlatformError,
  trading: TradingAccount,
  funding: readonly FundingCoin[],
): Promise<PlatformBalance> {
  // Another app on the same account shares asset-valuation's limit: worth saying, the user may know which.
  const shared = valuationError.kind === "rate-limit" ? "; its limit of 1 request per second is shared by every app using the account" : "";
  const warnings = [
    `OKX asset-valuation failed (${describe(valuationError)}${shared}), so the total is the trading and funding accounts only`,
  ];
  const valued = valueWallets(await priceWallets(http, signal, trading, funding, warnings));
  const leftOut = [OKX_LEFT_OUT_OTHER];
  if (valued.unpriced.length > 0) leftOut.push(`coins without a USD price: ${valued.unpriced.join(", ")}`);
  // totalEq is the trading account's USD equity; adding funding is no double count, adding asset-valuation would be.
  const total = add(trading.totalEq ?? valued.tradingSum, valued.fundingSum);
  return balance(total, valued.perCoin, OKX_SOURCE_FALLBACK, warnings, leftOut);
}

interface PricedWallets {
  readonly trading: TradingAccount | null;
  readonly funding: readonly FundingCoin[] | null;
  /** USD per coin implied by the trading account (eqUsd / eq): the same index price OKX values with. */
  readonly implied: ReadonlyMap<string, Decimal>;
  readonly spot: SpotPrices | null;
}

/** Reads the public spot tickers only when a coin has no price from the trading account and is not a stablecoin. */
async function priceWallets(
  http: OkxTransport,
  signal: AbortSignal,
  trading: TradingAccount | null,
  funding: readonly FundingCoin[] | null,
  warnings: string[],
): Promise<PricedWallets> {
  const implied = new Map<string, Decimal>();
  for (const coin of trading?.coins ?? []) {
    if (coin.usd !== null && coin.equity !== null && !isZero(coin.equity)) implied.set(coin.ccy, div(coin.usd, coin.equity));
  }
  const unknown = (ccy: string): boolean => !implied.has(ccy) && !USD_STABLECOINS.has(ccy);
  const needsSpot =
    (funding ?? []).some((coin) => coin.amount !== null && !isZero(coin.amount) && unknown(coin.ccy)) ||
    (trading?.coins ?? []).some((coin) => coin.usd === null && coin.equity !== null && !isZero(coin.equity) && unknown(coin.ccy));
  let spot: SpotPrices | null = null;
  if (needsSpot) {
    try {
      // One public call for every spot pair instead of one per coin (market data: 20 requests/2 s per IP).
      spot = parseSpotPrices(await http.publicGet(TICKERS_PATH, "instType=SPOT", signal));
    } catch (error) {
      if (!(error instanceof PlatformError) || signal.aborted) throw error;
      warnings.push(`OKX spot prices could not be read (${describe(error)})`);
    }
  }
  return { trading, funding, implied, spot };
}

interface ValuedWallets {
  /** USD per coin across both accounts: a coin held in both is one entry with the summed value. */
  readonly perCoin: ReadonlyMap<string, Decimal>;
  readonly tradingSum: Decimal;
  readonly fundingSum: Decimal;
  readonly unpriced: readonly string[];
}

function valueWallets(wallets: PricedWallets): ValuedWallets {
  const perCoin = new Map<string, Decimal>();
  const tradingValues: Decimal[] = [];
  const fundingValues: Decimal[] = [];
  const unpriced: string[] = [];
  const credit = (ccy: string, usd: Decimal, into: Decimal[]): void => {
    into.push(usd);
    perCoin.set(ccy, add(perCoin.get(ccy) ?? dec("0"), usd));
  };
  for (const coin of wallets.trading?.coins ?? []) {
    const usd = coin.usd ?? usdValueOf(coin.equity, usdPrice(wallets, coin.ccy));
    if (usd !== null) credit(coin.ccy, usd, tradingValues);
    else if (coin.equity === null) unpriced.push(`${coin.ccy} (trading, no amount)`);
    else if (!isZero(coin.equity)) unpriced.push(`${coin.ccy} ${toPlainString(coin.equity)} (trading)`);
  }
  for (const coin of wallets.funding ?? []) {
    const usd = usdValueOf(coin.amount, usdPrice(wallets, coin.ccy));
    if (usd !== null) credit(coin.ccy, usd, fundingValues);
    else if (coin.amount === null) unpriced.push(`${coin.ccy} (funding, no amount)`);
    else if (!isZero(coin.amount)) unpriced.push(`${coin.ccy} ${toPlainString(coin.amount)} (funding)`);
  }
  return { perCoin, tradingSum: sum(tradingValues), fundingSum: sum(fundingValues), unpriced };
}

/** USD per unit: the trading account's implied price, else 1 for a stablecoin, else a spot pair (USDT/USDC quotes converted). */
function usdPrice(wallets: PricedWallets, ccy: string): Decimal | null {
  const implied = wallets.implied.get(ccy);
  if (implied) return implied;
  if (USD_STABLECOINS.has(ccy)) return dec("1");
  const spot = wallets.spot;
  if (!spot) return null;
  const direct = spot.get(`${ccy}-USD`);
  if (direct) return direct;
  for (const quote of ["USDT", "USDC"]) {
    const last = spot.get(`${ccy}-${quote}`);
    if (last) return mul(last, wallets.implied.get(quote) ?? dec("1"));
  }
  return null;
}

function usdValueOf(amount: Decimal | null, price: Decimal | null): Decimal | null {
  if (amount === null || price === null) return null;
  return isZero(amount) ? dec("0") : round(mul(amount, price), 8);
}

function isMaterial(gap: Decimal, total: Decimal): boolean {
  const size = abs(gap);
  return cmp(size, MATERIAL_USD) >= 0 && cmp(size, mul(abs(total), MATERIAL_SHARE)) >= 0;
}

function balance(
  total: Decimal,
  perCoin: ReadonlyMap<string, Decimal>,
  source: string,
  warnings: readonly string[],
  leftOut: readonly string[] = [],
): PlatformBalance {
  const listed: AssetValue[] = [...perCoin].filter(([, usd]) => cmp(abs(usd), DUST_USD) >= 0).map(([asset, usd]) => ({ asset, usd }));
  const assets = listed.sort((a, b) => cmp(b.usd, a.usd) || a.asset.localeCompare(b.asset));
  return {
    platform: "okx",
    holdings: [{ label: "account", money: { currency: "USD", amount: total }, asOf: null }],
    assets,
    asOf: null,
    source,
    warnings,
    leftOut,
  };
}
