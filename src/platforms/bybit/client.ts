// Bybit V5 client: the account's whole USD value, counted once. The total comes from asset-overview (every bucket:
// unified, funding, Earn, bots, …); the per-coin breakdown from the unified and funding wallets. Only when
// asset-overview fails with a non-auth error is the total rebuilt from those two wallets, marked partial.
// [exchanges.md §0, §1.5 "Recommended Bybit algorithm"]
import { abs, add, cmp, type Decimal, dec, isZero, sum, toPlainString } from "../../lib/money.ts";
import { USD_STABLECOINS } from "../stablecoins.ts";
import { type AssetValue, type ClientDeps, type PlatformBalance, type PlatformClient, PlatformError, UNREADABLE_AMOUNT } from "../types.ts";
import {
  type FundingCoin,
  type PriceBook,
  parseFundingCoins,
  parseKeyAudit,
  parseOverviewTotal,
  parsePriceBook,
  parseUnifiedWallet,
  type UnifiedWallet,
  usdPrice,
  usdValueOf,
} from "./parse.ts";
import { type BybitTransport, createBybitTransport, DEFAULT_RECV_WINDOW_MS } from "./transport.ts";

export { type BybitSignInput, bybitPrehash, DEFAULT_RECV_WINDOW_MS, signBybit } from "./transport.ts";

export interface BybitClientOptions extends ClientDeps {
  readonly apiKey: string;
  readonly apiSecret: string;
  /** X-BAPI-RECV-WINDOW in ms; Bybit's default 5000. */
  readonly recvWindowMs?: number;
}

export interface BybitClient extends PlatformClient {
  readonly id: "bybit";
  /** Bybit's clock minus ours (ms), learnt from /v5/market/time after a 10002; 0 until then. For --check. */
  clockOffsetMs(): number;
}

export const BYBIT_SOURCE_OVERVIEW = "asset-overview";
export const BYBIT_SOURCE_FALLBACK = "wallet-balance + funding";

export function createBybitClient(options: BybitClientOptions): BybitClient {
  const http = createBybitTransport(options, {
    apiKey: options.apiKey,
    apiSecret: options.apiSecret,
    recvWindowMs: options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
  });
  return {
    id: "bybit",
    fetchBalance: (signal) => fetchBalance(http, signal),
    auditKey: async (signal) => parseKeyAudit(await http.signedGet("/v5/user/query-api", "", signal)),
    clockOffsetMs: () => http.clockOffsetMs(),
  };
}

const OVERVIEW_PATH = "/v5/asset/asset-overview";
const WALLET_PATH = "/v5/account/wallet-balance";
const FUNDING_PATH = "/v5/asset/transfer/query-account-coins-balance";
const TICKERS_PATH = "/v5/market/tickers";
/** Coins worth less than this are folded out of the breakdown (they stay in the total). */
const DUST_USD = dec("1");

interface Wallets {
  readonly unified: UnifiedWallet | null;
  readonly funding: readonly FundingCoin[] | null;
  readonly prices: PriceBook | null;
}

/** Called when reading one wallet fails: rethrow (the figure depends on it) or note it and go on. */
type OnWalletError = (part: string, error: unknown) => void;

async function fetchBalance(http: BybitTransport, signal: AbortSignal): Promise<PlatformBalance> {
  let total: Decimal;
  try {
    // valuationCurrency defaults to USD; sent explicitly so a changed default cannot change the unit [asset-overview.mdx].
    total = parseOverviewTotal(await http.signedGet(OVERVIEW_PATH, "valuationCurrency=USD", signal));
  } catch (error) {
    if (!canFallBack(error)) throw error;
    return fallbackBalance(http, signal, error);
  }
  // The total is known; the wallets only feed the breakdown, so a failure there is a note, not a failed platform.
  const warnings: string[] = [];
  const wallets = await readWallets(http, signal, (part, error) => {
    // A wallet that sends "NaN" for an amount is corrupt: the overview's figure from the same account is not trusted either.
    if (!(error instanceof PlatformError) || error.code === UNREADABLE_AMOUNT) throw error;
    warnings.push(`Bybit breakdown lacks the ${part} (${errorCode(error)}, ${error.kind}); the total is complete`);
  });
  return balance(total, valueWallets(wallets).perCoin, BYBIT_SOURCE_OVERVIEW, warnings);
}

/**
 * asset-overview does not serve regional accounts (EU, KZ, GE, …) and what they get back is undocumented, so any
 * business error or unreadable answer falls back. Auth, permission, IP, clock and rate-limit errors would fail the
 * fallback too, and a 5xx/timeout means Bybit itself is down: those are reported as they are.
 */
function canFallBack(error: unknown): error is PlatformError {
  // An unreadable amount is a corrupt answer, not an unsupported account: the wallets would hide it behind a smaller figure.
  if (!(error instanceof PlatformError) || error.code === UNREADABLE_AMOUNT) return false;
  if (error.kind === "bad-response") return true;
  return error.kind === "unavailable" && (typeof error.code === "number" || error.code === "HTTP 404");
}

async function fallbackBalance(http: BybitTransport, signal: AbortSignal, overviewError: PlatformError): Promise<PlatformBalance> {
  const warnings = [
    `Bybit asset-overview failed (${errorCode(overviewError)}), so the total is the unified and funding wallets only: Earn, bots and other buckets are not included`,
  ];
  const wallets = await readWallets(http, signal, (part, error) => {
    // A key without the Wallet area cannot read the funding wallet (10005): count the rest and say so.
    if (part === "funding wallet" && error instanceof PlatformError && error.kind === "permission") {
      warnings.push(`Bybit funding wallet not counted: ${error.message}`);
      return;
    }
    throw error;
  });
  const valued = valueWallets(wallets);
  const unifiedTotal = wallets.unified?.totalEquity ?? valued.unifiedSum;
  const unvalued = wallets.unified?.totalEquity != null ? valued.unvaluedFunding : [...valued.unvaluedUnified, ...valued.unvaluedFunding];
  if (unvalued.length > 0) warnings.push(`Bybit coins without a USD price, not counted in the total: ${unvalued.join(", ")}`);
  return balance(add(unifiedTotal, valued.fundingSum), valued.perCoin, BYBIT_SOURCE_FALLBACK, warnings);
}

async function readWallets(http: BybitTransport, signal: AbortSignal, onError: OnWalletError): Promise<Wallets> {
  const [unified, funding] = await Promise.all([
    attempt("unified wallet", onError, async () => parseUnifiedWallet(await http.signedGet(WALLET_PATH, "accountType=UNIFIED", signal))),
    // FUND is the only account type where `coin` may be omitted [all-balance.mdx]; amounts only, no USD.
    attempt("funding wallet", onError, async () => parseFundingCoins(await http.signedGet(FUNDING_PATH, "accountType=FUND", signal))),
  ]);
  const needsPrice = (coin: string, amount: Decimal | null): boolean => amount !== null && !isZero(amount) && !USD_STABLECOINS.has(coin);
  const needsPrices =
    (funding ?? []).some((entry) => needsPrice(entry.coin, entry.amount)) ||
    (unified?.coins ?? []).some((entry) => entry.usdValue === null && needsPrice(entry.coin, entry.equity));
  // One public call for every spot ticker: cheaper than one per coin, and no key needed [tickers.mdx].
  const prices = needsPrices
    ? await attempt("spot prices", onError, async () => parsePriceBook(await http.publicGet(TICKERS_PATH, "category=spot", signal)))
    : null;
  return { unified, funding, prices };
}

interface ValuedWallets {
  /** USD per coin across both wallets: a coin held in both is one entry with the summed value. */
  readonly perCoin: ReadonlyMap<string, Decimal>;
  readonly unifiedSum: Decimal;
  readonly fundingSum: Decimal;
  readonly unvaluedUnified: readonly string[];
  readonly unvaluedFunding: readonly string[];
}

function valueWallets(wallets: Wallets): ValuedWallets {
  const perCoin = new Map<string, Decimal>();
  const credit = (coin: string, usd: Decimal): void => void perCoin.set(coin, add(perCoin.get(coin) ?? dec("0"), usd));
  const unifiedValues: Decimal[] = [];
  const fundingValues: Decimal[] = [];
  const unvaluedUnified: string[] = [];
  const unvaluedFunding: string[] = [];
  for (const entry of wallets.unified?.coins ?? []) {
    const usd = entry.usdValue ?? usdValueOf(entry.equity, usdPrice(wallets.prices, entry.coin));
    if (usd === null) {
      if (entry.equity === null) unvaluedUnified.push(`${entry.coin} (unified, amount missing)`);
      else if (!isZero(entry.equity)) unvaluedUnified.push(`${entry.coin} ${toPlainString(entry.equity)} (unified)`);
      continue;
    }
    unifiedValues.push(usd);
    credit(entry.coin, usd);
  }
  for (const entry of wallets.funding ?? []) {
    if (entry.amount === null) {
      unvaluedFunding.push(`${entry.coin} (funding, amount missing)`);
      continue;
    }
    if (isZero(entry.amount)) continue;
    const usd = usdValueOf(entry.amount, usdPrice(wallets.prices, entry.coin));
    if (usd === null) {
      unvaluedFunding.push(`${entry.coin} ${toPlainString(entry.amount)} (funding)`);
      continue;
    }
    fundingValues.push(usd);
    credit(entry.coin, usd);
  }
  return { perCoin, unifiedSum: sum(unifiedValues), fundingSum: sum(fundingValues), unvaluedUnified, unvaluedFunding };
}

function balance(totalUsd: Decimal, perCoin: ReadonlyMap<string, Decimal>, source: string, warnings: readonly string[]): PlatformBalance {
  const assets: AssetValue[] = [...perCoin]
    .filter(([, usd]) => cmp(abs(usd), DUST_USD) >= 0)
    .map(([asset, usd]) => ({ asset, usd }))
    .sort((a, b) => cmp(b.usd, a.usd) || a.asset.localeCompare(b.asset));
  return {
    platform: "bybit",
    holdings: [{ label: "account", money: { currency: "USD", amount: totalUsd }, asOf: null }],
    assets,
    asOf: null,
    source,
    warnings,
    leftOut: [],
  };
}

async function attempt<T>(part: string, onError: OnWalletError, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    onError(part, error);
    return null;
  }
}

function errorCode(error: PlatformError): string {
  return error.code === undefined ? "unreadable answer" : `code ${error.code}`;
}
