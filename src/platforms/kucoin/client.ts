// KuCoin client: the account's whole USD value, every account counted once. KuCoin has no whole-account figure, so
// each account is read (main and trade, cross and isolated margin net of liabilities, futures on their own host, Earn)
// and valued with public prices. The row is partial when an account could not be read, futures are refused, a coin has
// no price, or the account is a Unified Trading Account the classic endpoints do not show.
// [docs/platforms/kucoin.md §0, §9 "Recommended algorithm"]
import { abs, cmp, type Decimal, dec, toPlainString } from "../../lib/money.ts";
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
import { type KucoinHosts, resolveKucoinHosts } from "./hosts.ts";
import {
  ACCOUNT_MODE_PATH,
  ACCOUNTS_PATH,
  type AccountRow,
  API_KEY_PATH,
  CONTRACTS_PATH,
  type CoinAmount,
  CROSS_MARGIN_PATH,
  EARN_PATH,
  FUTURES_OVERVIEW_PATH,
  ISOLATED_MARGIN_PATH,
  parseAccountMode,
  parseAccounts,
  parseCrossMargin,
  parseEarnPage,
  parseFuturesOverview,
  parseIsolatedMargin,
  parsePriceBook,
  parseSettleCurrencies,
  TICKERS_PATH,
} from "./parse.ts";
import { createKucoinTransport, type KucoinTransport, kucoinBadResponse, NOT_FOUND_CODE, PERMISSION_CODE } from "./transport.ts";
import { valuePart } from "./value.ts";

export { KUCOIN_DEFAULT_BASE_URL, type KucoinHosts, resolveKucoinHosts } from "./hosts.ts";
export { type KucoinSignInput, kucoinPrehash, signKucoin, signKucoinPassphrase } from "./transport.ts";

export interface KucoinClientOptions extends ClientDeps {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export interface KucoinClient extends PlatformClient {
  readonly id: "kucoin";
  /** KuCoin's clock minus ours (ms), learnt from /api/v1/timestamp after a 400002; 0 until then. For --check. */
  clockOffsetMs(): number;
}

export const KUCOIN_SOURCE = "accounts + public prices";

export function createKucoinClient(options: KucoinClientOptions): KucoinClient {
  const resolved = resolveKucoinHosts(options.baseUrl);
  const context: Context | null = resolved.ok
    ? {
        http: createKucoinTransport(options, resolved.hosts, {
          apiKey: options.apiKey,
          apiSecret: options.apiSecret,
          passphrase: options.passphrase,
        }),
        hosts: resolved.hosts,
        now: options.now,
        settles: null,
      }
    : null;
  const ready = (): Context => {
    if (context === null)
      throw new PlatformError("kucoin", "config", resolved.ok ? "KuCoin is not configured" : resolved.message, "config");
    return context;
  };
  return {
    id: "kucoin",
    fetchBalance: async (signal) => fetchBalance(ready(), signal),
    auditKey: async (signal) => parseKeyAudit(await ready().http.signedGet("spot", API_KEY_PATH, "", signal)),
    clockOffsetMs: () => context?.http.clockOffsetMs() ?? 0,
  };
}

interface Context {
  readonly http: KucoinTransport;
  readonly hosts: KucoinHosts;
  readonly now: () => number;
  /** The futures settlement currencies, cached for a day: contracts change rarely. */
  settles: { readonly currencies: readonly string[]; readonly at: number } | null;
}

/** Coins worth less than this are folded out of the breakdown (they stay in the total). */
const DUST_USD = dec("1");
const SETTLES_TTL_MS = 24 * 60 * 60_000;
/** Earn pages of the largest size KuCoin allows; 20 of them is far beyond a real account [§4.5]. */
const EARN_PAGE_SIZE = 500;
const EARN_MAX_PAGES = 20;
/** Account types of /api/v1/accounts and the holding each is counted in; margin/isolated rows are deprecated there and
 * read with their liabilities from the v3 margin endpoints, so counting them here would count them twice [§4.1]. */
const ACCOUNT_LABELS: Readonly<Record<string, string | null>> = {
  main: "Main",
  trade: "Trade",
  trade_hf: "Trade",
  option: "Options",
  margin: null,
  isolated: null,
};
const ACCOUNT_ORDER = ["Main", "Trade", "Options"];

interface FuturesRead {
  /** The contracts list could not be read: futures are unknown. */
  readonly contracts: unknown;
  readonly overviews: readonly { readonly currency: string; readonly outcome: Outcome<CoinAmount> }[];
}

async function fetchBalance(context: Context, signal: AbortSignal): Promise<PlatformBalance> {
  const { http } = context;
  // Everything at once: one round trip for the spot host, two for futures (contracts, then one overview per currency).
  // queryType=ALL: the default reads only the low-frequency margin account, which KuCoin's 2025 migration emptied [§4.2].
  const [accounts, cross, isolated, earn, mode, tickers, futures] = await Promise.all([
    settle(async () => parseAccounts(await http.signedGet("spot", ACCOUNTS_PATH, "", signal))),
    settle(async () => parseCrossMargin(await http.signedGet("spot", CROSS_MARGIN_PATH, "quoteCurrency=USDT&queryType=ALL", signal))),
    settle(async () => parseIsolatedMargin(await http.signedGet("spot", ISOLATED_MARGIN_PATH, "quoteCurrency=USDT&queryType=ALL", signal))),
    settle(() => readEarn(http, signal)),
    settle(async () => parseAccountMode(await http.signedGet("spot", ACCOUNT_MODE_PATH, "", signal))),
    settle(async () => parsePriceBook(await http.publicGet("spot", TICKERS_PATH, "", signal))),
    context.hosts.futures === null ? Promise.resolve(null) : readFutures(context, signal),
  ]);
  // [§9 step 7] The first General endpoint decides whether the key works: no partial number from a key that does not.
  if (!accounts.ok) throw accounts.error;
  // A corrupt amount anywhere fails KuCoin: the account's other answers are not trusted then.
  const outcomes: Outcome<unknown>[] = [cross, isolated, earn, ...(futures?.overviews.map((o) => o.outcome) ?? [])];
  for (const outcome of outcomes)
    if (!outcome.ok && outcome.error instanceof PlatformError && outcome.error.code === UNREADABLE_AMOUNT) throw outcome.error;
  // Without prices nothing but stablecoins could be valued: that is no figure.
  if (!tickers.ok) throw tickers.error;
  const book = tickers.value;

  const holdings: Holding[] = [];
  const leftOut: string[] = [];
  const warnings: string[] = [];
  const perCoin = new Map<string, Decimal>();
  const count = (label: string, rows: readonly CoinAmount[]): void => {
    const valued = valuePart(label, rows, book, perCoin);
    holdings.push({ label, money: { currency: "USD", amount: valued.usd }, asOf: null });
    for (const coin of valued.unpriced) {
      leftOut.push(`unpriced: ${coin}`);
      warnings.push(`KuCoin has no USD price for ${coin}: it is not counted in the total`);
    }
  };
  const failed = (label: string, error: unknown): void => {
    if (!(error instanceof PlatformError) || signal.aborted || !isPartFailure(error)) throw error;
    // A regional KuCoin that does not offer margin or Earn answers 404000: not offered, so nothing is left out [§9 step 8].
    if (context.hosts.regional && error.code === NOT_FOUND_CODE) return;
    leftOut.push(`KuCoin ${label} not read`);
    warnings.push(`KuCoin ${label} not counted (${describe(error)}): ${error.message}`);
  };

  const { byLabel, unknown } = splitAccounts(accounts.value);
  for (const label of ACCOUNT_ORDER) {
    const rows = byLabel.get(label);
    if (rows || label !== "Options") count(label, rows ?? []);
  }
  for (const [type, rows] of unknown) {
    leftOut.push(`KuCoin ${type} account not valued`);
    warnings.push(`KuCoin lists a "${type}" account pfbot does not know (${rows.join(", ")}): it is not counted`);
  }
  if (cross.ok) count("Cross Margin", cross.value);
  else failed("Cross Margin", cross.error);
  if (isolated.ok) count("Isolated Margin", isolated.value);
  else failed("Isolated Margin", isolated.error);
  if (futures !== null) countFutures(futures, count, failed, leftOut, warnings);
  if (earn.ok) count("Earn", earn.value);
  else failed("Earn", earn.error);
  // [§4.7] A Unified Trading Account keeps its money outside the classic endpoints. An error here means classic.
  if (mode.ok && mode.value === "UNIFIED") {
    leftOut.push("KuCoin Unified Trading Account not read");
    warnings.push(
      "KuCoin says this is a Unified Trading Account, whose funds the classic endpoints pfbot reads do not show: they are not counted",
    );
  }
  const assets: AssetValue[] = [...perCoin]
    .filter(([, usd]) => cmp(abs(usd), DUST_USD) >= 0)
    .map(([asset, usd]) => ({ asset, usd }))
    .sort((a, b) => cmp(b.usd, a.usd) || a.asset.localeCompare(b.asset));
  return { platform: "kucoin", holdings, assets, asOf: null, source: KUCOIN_SOURCE, warnings, leftOut };
}

function countFutures(
  futures: FuturesRead,
  count: (label: string, rows: readonly CoinAmount[]) => void,
  failed: (label: string, error: unknown) => void,
  leftOut: string[],
  warnings: string[],
): void {
  if (futures.contracts !== null) {
    failed("Futures", futures.contracts);
    return;
  }
  const rows: CoinAmount[] = [];
  let refused = false;
  let missing = false;
  for (const { currency, outcome } of futures.overviews) {
    if (outcome.ok) {
      rows.push(outcome.value);
    } else if (outcome.error instanceof PlatformError && outcome.error.code === PERMISSION_CODE) {
      // The 2025 spec puts account-overview under the Futures permission, which a General-only key lacks [§4.4].
      refused = true;
    } else {
      failed(`Futures (${currency})`, outcome.error);
      missing = true;
    }
  }
  if (refused) {
    leftOut.push("KuCoin futures not read: give the key the Futures permission");
    warnings.push(
      "KuCoin reads futures balances only for a key with the Futures permission (code 400007), which also allows futures trading: tick it if you accept that, or futures stay out of the total",
    );
  }
  // A Futures holding only for what was read: a row of 0 beside "not read" would look like an empty account.
  if (rows.length > 0 || (!refused && !missing)) count("Futures", rows);
}

/** main/trade/option rows by holding; types pfbot does not know, with what they hold, when they hold something. */
function splitAccounts(rows: readonly AccountRow[]): { byLabel: Map<string, CoinAmount[]>; unknown: Map<string, string[]> } {
  const byLabel = new Map<string, CoinAmount[]>();
  const unknown = new Map<string, string[]>();
  for (const row of rows) {
    const label = ACCOUNT_LABELS[row.type];
    if (label === null) continue;
    if (label === undefined) {
      if (row.amount.coef !== 0n) unknown.set(row.type, [...(unknown.get(row.type) ?? []), `${row.currency} ${toPlainString(row.amount)}`]);
      continue;
    }
    byLabel.set(label, [...(byLabel.get(label) ?? []), row]);
  }
  return { byLabel, unknown };
}

/** Every Earn page, until currentPage ≥ totalPage. */
async function readEarn(http: KucoinTransport, signal: AbortSignal): Promise<CoinAmount[]> {
  const rows: CoinAmount[] = [];
  for (let page = 1; page <= EARN_MAX_PAGES; page++) {
    const answer = parseEarnPage(await http.signedGet("spot", EARN_PATH, `currentPage=${page}&pageSize=${EARN_PAGE_SIZE}`, signal));
    rows.push(...answer.rows);
    if (page >= answer.totalPage || answer.rows.length === 0) return rows;
  }
  throw kucoinBadResponse(EARN_PATH, `more than ${EARN_MAX_PAGES} pages of holdings`);
}

/** The settlement currencies (cached a day), then one account-overview per currency; default XBT would miss USDT [§4.4]. */
async function readFutures(context: Context, signal: AbortSignal): Promise<FuturesRead> {
  const { http } = context;
  let currencies: readonly string[];
  try {
    const cached = context.settles;
    if (cached && context.now() - cached.at < SETTLES_TTL_MS) {
      currencies = cached.currencies;
    } else {
      currencies = parseSettleCurrencies(await http.publicGet("futures", CONTRACTS_PATH, "", signal));
      context.settles = { currencies, at: context.now() };
    }
  } catch (error) {
    return { contracts: error, overviews: [] };
  }
  const overviews = await Promise.all(
    currencies.map(async (currency) => ({
      currency,
      outcome: await settle(async () =>
        parseFuturesOverview(
          await http.signedGet("futures", FUTURES_OVERVIEW_PATH, `currency=${encodeURIComponent(currency)}`, signal),
          currency,
        ),
      ),
    })),
  );
  return { contracts: null, overviews };
}

/**
 * A failure that leaves one account out rather than failing KuCoin: not a corrupt amount, not the clock or the setup.
 * The key works (the accounts were read), so an auth-looking refusal here is about that endpoint (e.g. 400008).
 */
function isPartFailure(error: PlatformError): boolean {
  return error.code !== UNREADABLE_AMOUNT && error.kind !== "clock-skew" && error.kind !== "config";
}
