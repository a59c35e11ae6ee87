// Bybit V5 client: the account's whole USD value, counted once. The total comes from asset-overview (every bucket:
// unified, funding, Earn, bots, …); the per-coin breakdown from the unified and funding wallets, which also check
// the overview: an overview below what those wallets hold has left money out, so the wallets' figure is used. When
// asset-overview fails with a business error, an unreadable answer or the key's missing Wallet area, the total is
// rebuilt from the two wallets. A figure from the wallets is partial: it leaves out Earn, bots and the other buckets.
// [exchanges.md §0, §1.5 "Recommended Bybit algorithm"]
import { abs, add, cmp, type Decimal, dec, isZero, mul, sub, sum, toFixed, toPlainString } from "../../lib/money.ts";
import { USD_STABLECOINS } from "../stablecoins.ts";
import { type AssetValue, type ClientDeps, type PlatformBalance, type PlatformClient, PlatformError, UNREADABLE_AMOUNT } from "../types.ts";
import {
  EMPTY_OVERVIEW,
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
import { type BybitTransport, createBybitTransport, DEFAULT_RECV_WINDOW_MS, isServerError } from "./transport.ts";

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
/** What a figure from the unified and funding wallets leaves out (PlatformBalance.leftOut). */
export const BYBIT_LEFT_OUT_OTHER = "Earn, bots and other Bybit accounts not valued";
/**
 * What a key without the Wallet area leaves out: every /v5/asset/* call answers it 10005 (asset-overview and the
 * funding wallet alike), so only the unified wallet is valued [JKorf/Bybit.Net#173; exchanges.md §1.5c].
 */
export const BYBIT_LEFT_OUT_NO_WALLET = "funding and Earn not valued: give the key the Wallet read permission";

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
/**
 * How far the wallets may exceed the overview before the overview counts as short: at least $1 and 1 % of the wallets.
 * asset-overview is a snapshot (its snapshotTime lags) and the wallets are read after it, so prices may have moved by a
 * little; an overview missing a wallet, or answering $0, is far below.
 */
const SHORT_USD = dec("1");
const SHORT_SHARE = dec("0.01");

interface Wallets {
  readonly unified: UnifiedWallet | null;
  readonly funding: readonly FundingCoin[] | null;
  readonly prices: PriceBook | null;
}

type WalletPart = "unified wallet" | "funding wallet" | "spot prices";

/** A wallet that could not be read, and why. */
interface WalletProblem {
  readonly part: WalletPart;
  readonly error: PlatformError;
}

/** Called when reading one wallet fails: rethrow (the figure depends on it) or note it and go on. */
type OnWalletError = (part: WalletPart, error: unknown) => void;

async function fetchBalance(http: BybitTransport, signal: AbortSignal): Promise<PlatformBalance> {
  let overview: Decimal;
  try {
    // valuationCurrency defaults to USD; sent explicitly so a changed default cannot change the unit [asset-overview.mdx].
    overview = parseOverviewTotal(await http.signedGet(OVERVIEW_PATH, "valuationCurrency=USD", signal));
  } catch (error) {
    if (!canFallBack(error)) throw error;
    return fallbackBalance(http, signal, error);
  }
  // The total is known; the wallets feed the breakdown and check the total, so a failure there is a note.
  const problems: WalletProblem[] = [];
  const wallets = await readWallets(http, signal, (part, error) => {
    // A wallet that sends "NaN" for an amount is corrupt: the overview's figure from the same account is not trusted either.
    if (!(error instanceof PlatformError) || error.code === UNREADABLE_AMOUNT) throw error;
    problems.push({ part, error });
  });
  const figure = walletFigure(wallets);
  // What the wallets read hold is a floor of the account: an overview below it has left money out. It happened live
  // ($0 from the overview, $14,358 in the wallets of the same run), so it never wins silently.
  if (isShortOf(overview, figure.total)) {
    const why = `Bybit asset-overview's total (${toFixed(overview, 2)} USD) is less than the unified and funding wallets hold (${toFixed(figure.total, 2)} USD), so the total is the wallets'`;
    return walletBalance(figure, [why, ...problems.map(problemNote)], leftOutOf(figure, problems));
  }
  const warnings = problems.map(
    ({ part, error }) => `Bybit breakdown lacks the ${part} (${errorCode(error)}, ${error.kind}); the total is complete`,
  );
  return balance(overview, figure.perCoin, BYBIT_SOURCE_OVERVIEW, warnings, []);
}

/**
 * asset-overview does not serve regional accounts (EU, KZ, GE, …) and what they get back is undocumented, so any
 * business error or unreadable answer falls back, and so does a key without the Wallet area (10005: the unified wallet
 * is still readable). Auth, IP, clock and rate-limit errors would fail the fallback too, and a 5xx, a server error
 * (10000, 10016) or a timeout means Bybit itself is down: those are reported as they are.
 */
function canFallBack(error: unknown): error is PlatformError {
  // An unreadable amount is a corrupt answer, not an unsupported account: the wallets would hide it behind a smaller figure.
  if (!(error instanceof PlatformError) || error.code === UNREADABLE_AMOUNT || isServerError(error)) return false;
  if (error.kind === "bad-response" || isNoWallet(error)) return true;
  return error.kind === "unavailable" && (typeof error.code === "number" || error.code === "HTTP 404");
}

async function fallbackBalance(http: BybitTransport, signal: AbortSignal, overviewError: PlatformError): Promise<PlatformBalance> {
  const problems: WalletProblem[] = [];
  const wallets = await readWallets(http, signal, (part, error) => {
    // A key without the Wallet area cannot read the funding wallet (10005) either: value the rest and say what to tick.
    if (part === "funding wallet" && error instanceof PlatformError && isNoWallet(error)) {
      problems.push({ part, error });
      return;
    }
    throw error;
  });
  const figure = walletFigure(wallets);
  // Without the Wallet area, what is left out and what to do is the whole story; otherwise say why the wallets stand in.
  const noWallet = isNoWallet(overviewError) && problems.length > 0;
  const warnings = noWallet
    ? []
    : [`Bybit asset-overview ${overviewFailure(overviewError)}, so the total is the unified and funding wallets only`];
  return walletBalance(figure, warnings, leftOutOf(figure, problems));
}

function isNoWallet(error: unknown): boolean {
  return error instanceof PlatformError && error.kind === "permission" && error.code === 10005;
}

function overviewFailure(error: PlatformError): string {
  return error.code === EMPTY_OVERVIEW
    ? "gave no total and no account (it does not serve regional accounts such as Bybit EU, KZ or GE)"
    : `failed (${errorCode(error)})`;
}

/** The wallets exceed the overview by at least $1 and 1 % of the wallets. */
function isShortOf(overview: Decimal, wallets: Decimal): boolean {
  const gap = sub(wallets, overview);
  return cmp(gap, SHORT_USD) >= 0 && cmp(gap, mul(abs(wallets), SHORT_SHARE)) >= 0;
}

/** The unified and funding wallets as a figure: what they hold in USD, per coin, and the coins with no price. */
interface WalletFigure {
  readonly total: Decimal;
  readonly perCoin: ReadonlyMap<string, Decimal>;
  readonly unvalued: readonly string[];
}

function walletFigure(wallets: Wallets): WalletFigure {
  const valued = valueWallets(wallets);
  // The unified wallet's totalEquity values every coin in it; Σ usdValue stands in when it is "" (classic accounts).
  const unifiedTotal = wallets.unified?.totalEquity ?? valued.unifiedSum;
  const unvalued = wallets.unified?.totalEquity != null ? valued.unvaluedFunding : [...valued.unvaluedUnified, ...valued.unvaluedFunding];
  return { total: add(unifiedTotal, valued.fundingSum), perCoin: valued.perCoin, unvalued };
}

function walletBalance(figure: WalletFigure, warnings: readonly string[], leftOut: readonly string[]): PlatformBalance {
  return balance(figure.total, figure.perCoin, BYBIT_SOURCE_FALLBACK, warnings, leftOut);
}

/** What a figure from the wallets leaves out, in the report's words. */
function leftOutOf(figure: WalletFigure, problems: readonly WalletProblem[]): string[] {
  const leftOut: string[] = [];
  if (problems.some(({ part, error }) => part === "funding wallet" && isNoWallet(error))) leftOut.push(BYBIT_LEFT_OUT_NO_WALLET);
  else leftOut.push(BYBIT_LEFT_OUT_OTHER);
  for (const { part, error } of problems) {
    // Missing prices show as the coins they leave unvalued, below.
    if (part !== "spot prices" && !isNoWallet(error)) leftOut.push(`${part} not valued (${errorCode(error)}, ${error.kind})`);
  }
  if (figure.unvalued.length > 0) leftOut.push(`coins without a USD price: ${figure.unvalued.join(", ")}`);
  return leftOut;
}

function problemNote({ part, error }: WalletProblem): string {
  return `Bybit ${part} could not be read: ${error.message}`;
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

function balance(
  totalUsd: Decimal,
  perCoin: ReadonlyMap<string, Decimal>,
  source: string,
  warnings: readonly string[],
  leftOut: readonly string[],
): PlatformBalance {
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
    leftOut,
  };
}

async function attempt<T>(part: WalletPart, onError: OnWalletError, run: () => Promise<T>): Promise<T | null> {
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
