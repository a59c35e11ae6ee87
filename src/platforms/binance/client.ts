// Binance.com client: the account's whole USD value, every wallet counted once. The total is Binance's own valuation
// (wallet/balance in USDT: Spot, Funding, Earn, margin, futures, Options, bots, copy trading); the per-coin breakdown
// comes from the spot and funding wallets and is never added on top. Only when that valuation fails with a non-auth
// error are the wallets read one by one and priced, and that total is always partial: Options, Trading Bots and Copy
// Trading cannot be read that way. [docs/platforms/binance.md §0, §9 "Recommended algorithm"]
import { abs, cmp, type Decimal, dec, isZero } from "../../lib/money.ts";
import { describe, type Outcome, settle } from "../outcome.ts";
import {
  type AssetValue,
  type ClientDeps,
  type Holding,
  type PlatformBalance,
  type PlatformClient,
  PlatformError,
  UNREADABLE_AMOUNT,
} from "../types.ts";
import { parseKeyAudit } from "./audit.ts";
import { resolveBinanceHosts } from "./hosts.ts";
import {
  type CoinAmount,
  FUNDING_PATH,
  PRICES_PATH,
  type PriceBook,
  parseFundingAssets,
  parsePriceBook,
  parseSpotBalances,
  parseWalletBalance,
  RESTRICTIONS_PATH,
  SPOT_PATH,
  WALLET_BALANCE_PATH,
  type WalletValue,
} from "./parse.ts";
import { readParts } from "./parts.ts";
import { BANNED_CODE, type BinanceTransport, createBinanceTransport, DEFAULT_RECV_WINDOW_MS, MAX_RECV_WINDOW_MS } from "./transport.ts";
import { ldTreatment, valuePart } from "./value.ts";

export { BINANCE_DEFAULT_BASE_URL, type BinanceHosts, resolveBinanceHosts } from "./hosts.ts";
export { binanceQuery, DEFAULT_RECV_WINDOW_MS, signBinance } from "./transport.ts";

export interface BinanceClientOptions extends ClientDeps {
  readonly apiKey: string;
  readonly apiSecret: string;
  /** recvWindow in ms (default 5000, at most 60000). */
  readonly recvWindowMs?: number;
}

export interface BinanceClient extends PlatformClient {
  readonly id: "binance";
  /** Binance's clock minus ours (ms), learnt from /api/v3/time after a -1021; 0 until then. For --check. */
  clockOffsetMs(): number;
}

export const BINANCE_SOURCE_WALLETS = "wallet-balance";
export const BINANCE_SOURCE_PARTS = "wallet parts";

export function createBinanceClient(options: BinanceClientOptions): BinanceClient {
  const hosts = resolveBinanceHosts(options.baseUrl);
  const problem = hosts.ok ? setupProblem(options) : hosts.message;
  const recvWindowMs = options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS;
  const http =
    hosts.ok && problem === null
      ? createBinanceTransport(options, hosts.hosts, { apiKey: options.apiKey, apiSecret: options.apiSecret, recvWindowMs })
      : null;
  const ready = (): BinanceTransport => {
    if (http === null) throw new PlatformError("binance", "config", problem ?? "Binance is not configured", "config");
    return http;
  };
  return {
    id: "binance",
    fetchBalance: async (signal) => fetchBalance(ready(), signal),
    auditKey: async (signal) => parseKeyAudit(await ready().signed("GET", "spot", RESTRICTIONS_PATH, [], signal)),
    clockOffsetMs: () => http?.clockOffsetMs() ?? 0,
  };
}

/** Coins worth less than this are folded out of the breakdown (they stay in the total). */
const DUST_USD = dec("1");

async function fetchBalance(http: BinanceTransport, signal: AbortSignal): Promise<PlatformBalance> {
  // Binance's valuation and the breakdown's reads go out at once: one round trip when all is well. The quote asset
  // defaults to BTC, so USDT is always sent [§4.1]. Every parameter sits in the signed query string, POST included.
  const [wallets, spot, funding, prices] = await Promise.all([
    settle(async () => parseWalletBalance(await http.signed("GET", "spot", WALLET_BALANCE_PATH, [["quoteAsset", "USDT"]], signal))),
    settle(async () => parseSpotBalances(await http.signed("GET", "spot", SPOT_PATH, [["omitZeroBalances", "true"]], signal))),
    settle(async () => parseFundingAssets(await http.signed("POST", "spot", FUNDING_PATH, [], signal))),
    settle(async () => parsePriceBook(await http.publicGet("spot", PRICES_PATH, [], signal))),
  ]);
  if (wallets.ok) return walletsBalance(wallets.value, spot, funding, prices, signal);
  if (!spot.ok || !canFallBack(wallets.error, signal)) throw wallets.error;
  return partsBalance(http, signal, wallets.error, spot.value, funding, prices);
}

/** [§9 step 2] Σ wallet balances in USDT; the breakdown is spot + funding priced, and "other" for the rest. */
function walletsBalance(
  wallets: readonly WalletValue[],
  spot: Outcome<CoinAmount[]>,
  funding: Outcome<CoinAmount[]>,
  prices: Outcome<PriceBook>,
  signal: AbortSignal,
): PlatformBalance {
  const warnings: string[] = [];
  const part = <T>(outcome: Outcome<T>, name: string): T | null => {
    if (outcome.ok) return outcome.value;
    // The total is known; the breakdown only explains it, so a failed read is a note. A "NaN" amount is corrupt,
    // and then the valuation of the same account is not trusted either.
    const error = outcome.error;
    if (!(error instanceof PlatformError) || signal.aborted || error.code === UNREADABLE_AMOUNT) throw error;
    warnings.push(`Binance breakdown lacks the ${name} (${describe(error)}); the total is complete`);
    return null;
  };
  const book = part(prices, "prices");
  const spotRows = part(spot, "spot wallet");
  const fundingRows = part(funding, "funding wallet");
  const perCoin = new Map<string, Decimal>();
  // Breakdown only: an LD<X> row Binance prices nowhere is the flexible Earn of X, shown under X.
  const spotCoins = (spotRows ?? []).map((row) =>
    ldTreatment(row.asset, null, book) === "skip" ? { ...row, asset: row.asset.slice(2) } : row,
  );
  const unpriced = [
    ...valuePart("Spot", spotCoins, book, perCoin).unpriced,
    ...valuePart("Funding", fundingRows ?? [], book, perCoin).unpriced,
  ];
  if (unpriced.length > 0) warnings.push(`Binance coins without a USD price, in the total but not listed: ${unpriced.join(", ")}`);
  // What the spot and funding wallets do not explain (Earn, margin, futures) stays in the total, unlisted: the report
  // shows it as "other" (render/status.ts).
  // Every opened wallet is listed, so the row says which wallets Binance valued; unopened ones only when they hold money.
  const listed = wallets.filter((wallet) => wallet.activate || !isZero(wallet.balance));
  const holdings = (listed.length > 0 ? listed : wallets).map((wallet) => usdHolding(wallet.name, wallet.balance));
  return balance(holdings, perCoin, BINANCE_SOURCE_WALLETS, warnings, []);
}

/**
 * [§9 steps 5–6] The wallets stand in only when the key works (the caller checks spot was read). Auth errors, a clock
 * Binance still refuses, an IP ban and a corrupt amount are reported as they are. -2015 on wallet/balance alone is
 * the endpoint refusing this key (the old Universal Transfer rule), and a 429 there is that endpoint's own budget
 * (/sapi budgets are per endpoint), so both fall back.
 */
function canFallBack(error: unknown, signal: AbortSignal): error is PlatformError {
  if (!(error instanceof PlatformError) || signal.aborted) return false;
  if (error.code === UNREADABLE_AMOUNT || error.code === BANNED_CODE) return false;
  if (error.code === -2015 || error.code === -1002) return true;
  return error.kind === "unavailable" || error.kind === "bad-response" || error.kind === "timeout" || error.kind === "rate-limit";
}

async function partsBalance(
  http: BinanceTransport,
  signal: AbortSignal,
  walletError: PlatformError,
  spot: readonly CoinAmount[],
  funding: Outcome<CoinAmount[]>,
  prices: Outcome<PriceBook>,
): Promise<PlatformBalance> {
  // Without prices nothing but stablecoins could be valued: that is no figure, so the price error is reported.
  if (!prices.ok) throw prices.error;
  const book = prices.value;
  const parts = await readParts(http, signal, spot, funding, book);
  const why = describe(walletError);
  const refused = walletError.code === -2015 || walletError.code === -1002;
  const leftOut = ["Binance Options, Trading Bots and Copy Trading not read"];
  const warnings = [
    `Binance's own wallet valuation failed (${why}), so the total is the wallets pfbot reads one by one: Options, Trading Bots and Copy Trading are not included` +
      (refused
        ? "; ticking Permits Universal Transfer on the key restores Binance's full valuation (it only moves funds between your own wallets, and pfbot never transfers)"
        : ""),
  ];
  for (const missing of parts.missing) {
    leftOut.push(missing.leftOut);
    warnings.push(missing.warning);
  }
  const perCoin = new Map<string, Decimal>();
  const holdings: Holding[] = [];
  for (const part of parts.read) {
    const valued = valuePart(part.label, part.rows, book, perCoin);
    holdings.push(usdHolding(part.label, valued.usd));
    for (const coin of valued.unpriced) {
      leftOut.push(`unpriced: ${coin}`);
      warnings.push(`Binance has no USD price for ${coin}: it is not counted in the total`);
    }
  }
  return balance(holdings, perCoin, BINANCE_SOURCE_PARTS, warnings, leftOut);
}

function balance(
  holdings: readonly Holding[],
  perCoin: ReadonlyMap<string, Decimal>,
  source: string,
  warnings: readonly string[],
  leftOut: readonly string[],
): PlatformBalance {
  const listed: AssetValue[] = [...perCoin].filter(([, usd]) => cmp(abs(usd), DUST_USD) >= 0).map(([asset, usd]) => ({ asset, usd }));
  const assets = listed.sort((a, b) => cmp(b.usd, a.usd) || a.asset.localeCompare(b.asset));
  return { platform: "binance", holdings, assets, asOf: null, source, warnings, leftOut };
}

function usdHolding(label: string, amount: Decimal): Holding {
  return { label, money: { currency: "USD", amount }, asOf: null };
}

/** Credentials and settings Binance would refuse anyway, found before anything is sent. */
function setupProblem(options: BinanceClientOptions): string | null {
  if (/-----BEGIN/.test(options.apiSecret)) {
    return "BINANCE_API_SECRET holds a PEM private key: pfbot supports HMAC keys only; create a system-generated (HMAC) read-only key";
  }
  const recvWindow = options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS;
  if (!Number.isInteger(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW_MS)
    return `Binance's recvWindow must be 1–${MAX_RECV_WINDOW_MS} ms (got ${recvWindow})`;
  return null;
}
