// A fake Binance.com REST API on 127.0.0.1 for tests: /api, /sapi, /fapi and /dapi on one origin (their prefixes never
// collide). It checks what Binance checks: the X-MBX-APIKEY header and its format, the HMAC signature recomputed from
// the raw query string and body (signature last), timestamp and recvWindow against its own clock, the key's IP
// restriction and permissions (apiRestrictions), the request-weight budget per minute, and the documented parameters
// (quoteAsset defaulting to BTC, Simple Earn paging). It answers in Binance's wire format: bare JSON on success,
// `{code, msg}` with a 4XX on error, amounts as decimal strings, weight headers on every answer.
// [docs/platforms/binance.md §3, §4, §5, §6, §7, §10]
import { createHmac } from "node:crypto";
import { add, type Decimal, dec, div, isZero, mul, parseDecimal, sub, sum, toFixed, toPlainString } from "../../src/lib/money.ts";
import { createFaultList, delayOrHold, type ExchangeFake, exchangeFake, type Fault, frontAnswer } from "./faults.ts";
import { fillEchoes, jsonEscape, type RecordedRequest, startFake } from "./server.ts";

interface BinanceFakeRestrictions {
  ipRestrict: boolean;
  createTime: number;
  enableReading: boolean;
  enableWithdrawals: boolean;
  enableInternalTransfer: boolean;
  enableMargin: boolean;
  enableFutures: boolean;
  permitsUniversalTransfer: boolean;
  enableVanillaOptions: boolean;
  enableFixApiTrade: boolean;
  enableFixReadOnly: boolean;
  enableSpotAndMarginTrading: boolean;
  enablePortfolioMarginTrading: boolean;
  /** Only in the 2024 swagger; sent when set. */
  tradingAuthorityExpirationTime?: number;
}

interface BinanceFakeKey {
  apiKey: string;
  apiSecret: string;
  restrictions: BinanceFakeRestrictions;
  /** IPs the key accepts when restrictions.ipRestrict is on; the tests' client is 127.0.0.1. */
  ips: string[];
  /** False: a key created before the futures account was opened, refused on /fapi and /dapi (-2015). */
  futures: boolean;
  /** True: wallet/balance refuses a key without Permits Universal Transfer (the note the docs dropped in 2025-09). */
  walletBalanceNeedsUniversalTransfer: boolean;
}

interface FakeSpotBalance {
  readonly asset: string;
  readonly free: string;
  readonly locked?: string;
}
interface FakeFundingAsset {
  readonly asset: string;
  readonly free: string;
  readonly locked?: string;
  readonly freeze?: string;
  readonly withdrawing?: string;
}
interface FakeMarginAsset {
  readonly asset: string;
  readonly free: string;
  readonly locked?: string;
  readonly borrowed?: string;
  readonly interest?: string;
}
interface FakeIsolatedPair {
  readonly symbol: string;
  readonly base: FakeMarginAsset;
  readonly quote: FakeMarginAsset;
}
interface FakeFuturesAsset {
  readonly asset: string;
  readonly walletBalance: string;
  readonly unrealizedProfit?: string;
}
interface FakeOtherWallet {
  /** Options, Trading Bots, Copy Trading: wallets only Binance's own valuation sees. */
  readonly walletName: string;
  /** In USDT. */
  readonly balance: string;
  readonly activate: boolean;
}

/**
 * Binance's faults (faults.ts): `status`/`body` alone answer before any check (a gateway, a WAF page, a 5XX);
 * `code`/`message` are Binance's `{code, msg}` given after authentication, on a signed endpoint, with `status`
 * (default 400). `body` and `message` may quote the request's credentials as an upstream error could: {{apiKey}} is
 * the X-MBX-APIKEY received, {{apiSecret}} the key's secret.
 */
export type BinanceFault = Fault;

export interface BinanceFakeState {
  key: BinanceFakeKey;
  /** The fake's clock (ms): the test's injected one, or the real one. */
  now: () => number;
  /** /api/v3/time reports its clock plus this: a server time that disagrees with the one it checks against. */
  timeEndpointErrorMs: number;
  /** Last price by symbol ("BTCUSDT"). */
  prices: Record<string, string>;
  spot: FakeSpotBalance[];
  funding: FakeFundingAsset[];
  flexible: { asset: string; totalAmount: string }[];
  locked: { asset: string; amount: string }[];
  /** null: no cross-margin account (-3003). */
  crossMargin: FakeMarginAsset[] | null;
  /** null: no isolated-margin account (-11001). */
  isolatedMargin: FakeIsolatedPair[] | null;
  usdM: FakeFuturesAsset[];
  coinM: FakeFuturesAsset[];
  otherWallets: FakeOtherWallet[];
  /** Request weight already used this minute by others on the IP: /api, and per /sapi path. */
  usedWeight: { api: number; sapi: Record<string, number> };
}

export type BinanceFake = ExchangeFake<BinanceFakeState, BinanceFault>;

/** The example key and secret of Binance's own signing docs [rest-api.md §SIGNED Endpoint Examples]. */
export const FAKE_BINANCE_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
export const FAKE_BINANCE_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
export const BINANCE_FAKE_NOW = Date.parse("2026-11-24T10:00:00.000Z");

const BINANCE_WEIGHTS: Readonly<Record<string, number>> = {
  "/api/v3/time": 1,
  "/api/v3/ticker/price": 4,
  "/api/v3/account": 20,
  "/sapi/v1/asset/wallet/balance": 60,
  "/sapi/v1/asset/get-funding-asset": 1,
  "/sapi/v1/simple-earn/flexible/position": 150,
  "/sapi/v1/simple-earn/locked/position": 150,
  "/sapi/v1/margin/account": 10,
  "/sapi/v1/margin/isolated/account": 10,
  "/sapi/v1/account/apiRestrictions": 1,
  "/fapi/v3/account": 5,
  "/dapi/v1/account": 5,
};

function readOnlyRestrictions(): BinanceFakeRestrictions {
  return {
    ipRestrict: false,
    createTime: Date.parse("2026-03-02T08:15:00Z"),
    enableReading: true,
    enableWithdrawals: false,
    enableInternalTransfer: false,
    enableMargin: false,
    enableFutures: false,
    permitsUniversalTransfer: false,
    enableVanillaOptions: false,
    enableFixApiTrade: false,
    enableFixReadOnly: false,
    enableSpotAndMarginTrading: false,
    enablePortfolioMarginTrading: false,
  };
}

export function emptyBinanceAccount(): BinanceFakeState {
  return {
    key: {
      apiKey: FAKE_BINANCE_KEY,
      apiSecret: FAKE_BINANCE_SECRET,
      restrictions: readOnlyRestrictions(),
      ips: [],
      futures: true,
      walletBalanceNeedsUniversalTransfer: false,
    },
    now: () => Date.now(),
    timeEndpointErrorMs: 0,
    prices: { BTCUSDT: "95000.00000000", ETHUSDT: "3300.00000000" },
    spot: [],
    funding: [],
    flexible: [],
    locked: [],
    crossMargin: null,
    isolatedMargin: null,
    usdM: [],
    coinM: [],
    otherWallets: [
      { walletName: "Options", balance: "0", activate: false },
      { walletName: "Trading Bots", balance: "0", activate: true },
      { walletName: "Copy Trading", balance: "0", activate: true },
    ],
    usedWeight: { api: 0, sapi: {} },
  };
}

/** realisticBinanceAccount()'s wallet/balance total in USDT, to the cent (worked out by hand in the tests). */
export const REALISTIC_BINANCE_TOTAL_USD = "19995.90";

/**
 * Spot with LD rows mirroring flexible Earn (LDBTC, LDUSDT), an LDO holding, dust (SHIB, 0.00000042 ETH) and a delisted
 * coin without a price (XYZ); funding in USDT, FDUSD and BTC; Earn flexible and locked; cross margin with a USDT loan
 * (negative net), an isolated BTCUSDT pair with a borrowed quote; USDⓈ-M with a USDC margin asset; COIN-M in BTC; a
 * grid bot only Binance's own valuation sees.
 */
export function realisticBinanceAccount(): BinanceFakeState {
  const state = emptyBinanceAccount();
  state.prices = {
    BTCUSDT: "95000.00000000",
    ETHUSDT: "3300.00000000",
    BNBUSDT: "640.00000000",
    SOLUSDT: "180.00000000",
    LDOUSDT: "1.25000000",
    SHIBUSDT: "0.00002220",
    ETHBTC: "0.03473684",
    BNBBTC: "0.00673684",
    USDCUSDT: "1.00010000",
    FDUSDUSDT: "0.99980000",
  };
  state.spot = [
    { asset: "BTC", free: "0.05000000", locked: "0.01000000" },
    { asset: "USDT", free: "1200.50000000", locked: "0.00000000" },
    { asset: "BNB", free: "2.30000000", locked: "0.00000000" },
    { asset: "LDO", free: "150.00000000", locked: "0.00000000" },
    { asset: "LDBTC", free: "0.02000000", locked: "0.00000000" },
    { asset: "LDUSDT", free: "500.12345678", locked: "0.00000000" },
    { asset: "SHIB", free: "12345.00", locked: "0.00" },
    { asset: "ETH", free: "0.00000042", locked: "0.00000000" },
    { asset: "XYZ", free: "100.00000000", locked: "0.00000000" },
    { asset: "DOGE", free: "0.00000000", locked: "0.00000000" },
  ];
  state.funding = [
    { asset: "USDT", free: "300", locked: "0", freeze: "0", withdrawing: "0" },
    { asset: "FDUSD", free: "50", locked: "0", freeze: "0", withdrawing: "0" },
    { asset: "BTC", free: "0", locked: "0", freeze: "0.001", withdrawing: "0" },
  ];
  state.flexible = [
    { asset: "BTC", totalAmount: "0.02000000" },
    { asset: "USDT", totalAmount: "500.12345678" },
  ];
  state.locked = [
    { asset: "ETH", amount: "1.50000000" },
    { asset: "SOL", amount: "10.00000000" },
  ];
  state.crossMargin = [
    { asset: "BTC", free: "0.01000000" },
    { asset: "USDT", free: "0.00000000", borrowed: "800.00000000", interest: "0.50000000" },
  ];
  state.isolatedMargin = [
    {
      symbol: "BTCUSDT",
      base: { asset: "BTC", free: "0.00200000" },
      quote: { asset: "USDT", free: "100.00000000", borrowed: "150.00000000", interest: "0.25000000" },
    },
  ];
  state.usdM = [
    { asset: "USDT", walletBalance: "1000.00000000", unrealizedProfit: "0.25000000" },
    { asset: "USDC", walletBalance: "200.00000000", unrealizedProfit: "0.00000000" },
  ];
  state.coinM = [{ asset: "BTC", walletBalance: "0.00300000", unrealizedProfit: "-0.00010000" }];
  state.otherWallets = [
    { walletName: "Options", balance: "0", activate: false },
    { walletName: "Trading Bots", balance: "75.5", activate: true },
    { walletName: "Copy Trading", balance: "0", activate: true },
  ];
  return state;
}

/** A 429 (or, with `ban`, a 418) with Binance's -1003 body and a Retry-After in seconds. */
export function binanceRateLimitFault(
  path: string,
  retryAfterSeconds: number,
  options: { times?: number; ban?: boolean } = {},
): BinanceFault {
  const msg = options.ban
    ? "Way too much request weight used; IP banned until 1764000000000. Please use WebSocket Streams for live updates to avoid bans."
    : "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.";
  return {
    path,
    times: options.times,
    status: options.ban ? 418 : 429,
    body: JSON.stringify({ code: -1003, msg }),
    headers: { "Retry-After": String(retryAfterSeconds) },
  };
}

export async function startBinanceFake(state: BinanceFakeState = realisticBinanceAccount()): Promise<BinanceFake> {
  const now = (): number => state.now();
  const faults = createFaultList<BinanceFault>();
  const weight = { minute: Math.floor(now() / 60_000), api: state.usedWeight.api, sapi: { ...state.usedWeight.sapi } };
  const signedRoutes: Record<string, (request: RecordedRequest) => Response> = {
    "GET /sapi/v1/asset/wallet/balance": (request) => walletBalance(state, request.query),
    "GET /api/v3/account": (request) => json(spotAccount(state, request.query.get("omitZeroBalances") === "true")),
    "POST /sapi/v1/asset/get-funding-asset": () =>
      json(
        state.funding.map((row) => ({
          asset: row.asset,
          free: row.free,
          locked: row.locked ?? "0",
          freeze: row.freeze ?? "0",
          withdrawing: row.withdrawing ?? "0",
          btcValuation: "0",
        })),
      ),
    "GET /sapi/v1/simple-earn/flexible/position": (request) => earnPage(request.query, state.flexible.map(flexibleRow)),
    "GET /sapi/v1/simple-earn/locked/position": (request) => earnPage(request.query, state.locked.map(lockedRow)),
    "GET /sapi/v1/margin/account": () =>
      state.crossMargin === null ? error(400, -3003, "Not a margin account.") : json(crossMargin(state, state.crossMargin)),
    "GET /sapi/v1/margin/isolated/account": () =>
      state.isolatedMargin === null
        ? error(400, -11001, "Isolated margin account does not exist.")
        : json(isolatedMargin(state, state.isolatedMargin)),
    "GET /fapi/v3/account": () => json(futuresAccount(state.usdM, "usdM")),
    "GET /dapi/v1/account": () => json(futuresAccount(state.coinM, "coinM")),
    "GET /sapi/v1/account/apiRestrictions": () => json(state.key.restrictions),
  };
  const publicRoutes: Record<string, (request: RecordedRequest) => Response> = {
    "GET /api/v3/time": () => json({ serverTime: now() + state.timeEndpointErrorMs }),
    "GET /fapi/v1/time": () => json({ serverTime: now() + state.timeEndpointErrorMs }),
    "GET /dapi/v1/time": () => json({ serverTime: now() + state.timeEndpointErrorMs }),
    "GET /api/v3/ticker/price": (request) => tickerPrice(state, request.query),
  };
  const server = await startFake({
    "/*": async (request) => {
      const route = `${request.method} ${request.path}`;
      const fault = faults.take(request.path);
      const held = await delayOrHold(faults, fault);
      if (held) return held;
      const echoes = { apiKey: request.headers.get("x-mbx-apikey") ?? "", apiSecret: state.key.apiSecret };
      const front = frontAnswer(fault, (text) => fillEchoes(text, echoes, text.trimStart().startsWith("{") ? jsonEscape : undefined));
      if (front) return front;
      const handler = signedRoutes[route] ?? publicRoutes[route];
      if (!handler) return error(404, -1000, `No route for ${request.method} ${request.path}`);
      const limited = spend(weight, now(), request.path);
      if (limited) return limited;
      const headers = weightHeaders(weight, request.path);
      if (signedRoutes[route]) {
        const rejection = authenticate(state, request, now());
        if (rejection) return withHeaders(rejection, headers);
        if (fault?.code !== undefined)
          return withHeaders(error(fault.status ?? 400, Number(fault.code), fillEchoes(fault.message ?? "forced error", echoes)), {
            ...headers,
            ...fault.headers,
          });
      }
      return withHeaders(handler(request), headers);
    },
  });
  return exchangeFake(server, state, faults);
}

const KEY_FORMAT = /^[A-Za-z0-9]{64}$/;

/** Binance's checks: key header and format, signature (last, recomputed), timestamp/recvWindow, IP, permissions. */
function authenticate(state: BinanceFakeState, request: RecordedRequest, serverMs: number): Response | null {
  const apiKey = request.headers.get("x-mbx-apikey");
  if (apiKey === null || apiKey === "") return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
  if (!KEY_FORMAT.test(apiKey)) return error(401, -2014, "API-key format invalid.");
  if (apiKey !== state.key.apiKey) return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
  const raw = request.rawQuery;
  const at = raw.lastIndexOf("signature=");
  // The signature must be the last parameter, and must sign everything before it plus the body [§3].
  if (at === -1 || (at > 0 && raw[at - 1] !== "&"))
    return error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const signature = raw.slice(at + "signature=".length);
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return error(400, -1022, "Signature for this request is not valid.");
  const payload = raw.slice(0, Math.max(0, at - 1)) + request.body;
  // Recomputed with node:crypto, not the client's signBinance, so a wrong client signature cannot agree with itself.
  const expected = createHmac("sha256", state.key.apiSecret).update(payload).digest("hex");
  if (signature.toLowerCase() !== expected) return error(400, -1022, "Signature for this request is not valid.");
  const params = new URLSearchParams(payload);
  const timestamp = params.get("timestamp");
  if (timestamp === null || !/^\d{13,16}$/.test(timestamp))
    return error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  const recvWindow = Number(params.get("recvWindow") ?? "5000");
  if (!Number.isFinite(recvWindow) || recvWindow <= 0)
    return error(400, -1102, "Mandatory parameter 'recvWindow' was not sent, was empty/null, or malformed.");
  if (recvWindow > 60_000) return error(400, -1102, "'recvWindow' contains unexpected value. Cannot be greater than 60000.");
  // µs timestamps are accepted too [§3].
  const ts = timestamp.length > 13 ? Math.floor(Number(timestamp) / 1000) : Number(timestamp);
  if (ts >= serverMs + 1000) return error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (serverMs - ts > recvWindow) return error(400, -1021, "Timestamp for this request is outside of the recvWindow.");
  const refused = error(401, -2015, "Invalid API-key, IP, or permissions for action., request ip: 127.0.0.1");
  const key = state.key;
  if (key.restrictions.ipRestrict && !key.ips.includes("127.0.0.1")) return refused;
  if (!key.restrictions.enableReading) return refused;
  if ((request.path.startsWith("/fapi/") || request.path.startsWith("/dapi/")) && !key.futures) return refused;
  if (
    request.path === "/sapi/v1/asset/wallet/balance" &&
    key.walletBalanceNeedsUniversalTransfer &&
    !key.restrictions.permitsUniversalTransfer
  )
    return refused;
  return null;
}

/** Binance values every wallet itself; the fake prices through C/USDT (stablecoins at 1, C/BTC × BTC/USDT, else 0). */
function walletBalance(state: BinanceFakeState, query: URLSearchParams): Response {
  const quote = query.get("quoteAsset") ?? "BTC";
  const unit = quote === "USDT" ? dec("1") : price(state, quote);
  if (isZero(unit)) return error(400, -1102, "Param 'quoteAsset' is invalid.");
  const flexibleAssets = new Set(state.flexible.map((row) => row.asset));
  const usd = (asset: string, amount: Decimal): Decimal => mul(amount, price(state, asset));
  const spot = sum(
    state.spot
      .filter((row) => !(row.asset.startsWith("LD") && flexibleAssets.has(row.asset.slice(2))))
      .map((row) => usd(row.asset, add(num(row.free), num(row.locked)))),
  );
  const funding = sum(state.funding.map((row) => usd(row.asset, sum([row.free, row.locked, row.freeze, row.withdrawing].map(num)))));
  const cross = sum((state.crossMargin ?? []).map((row) => usd(row.asset, net(row))));
  const isolated = sum(
    (state.isolatedMargin ?? []).flatMap((pair) => [usd(pair.base.asset, net(pair.base)), usd(pair.quote.asset, net(pair.quote))]),
  );
  const futures = (assets: FakeFuturesAsset[]): Decimal =>
    sum(assets.map((row) => usd(row.asset, add(num(row.walletBalance), num(row.unrealizedProfit)))));
  const earn = sum([
    ...state.flexible.map((row) => usd(row.asset, num(row.totalAmount))),
    ...state.locked.map((row) => usd(row.asset, num(row.amount))),
  ]);
  const inQuote = (value: Decimal): string => toFixed(quote === "USDT" ? value : div(value, unit, 12), 8);
  const wallets = [
    { activate: true, balance: inQuote(spot), walletName: "Spot" },
    { activate: true, balance: inQuote(funding), walletName: "Funding" },
    { activate: state.crossMargin !== null, balance: inQuote(cross), walletName: "Cross Margin" },
    { activate: state.isolatedMargin !== null, balance: inQuote(isolated), walletName: "Isolated Margin" },
    { activate: state.usdM.length > 0, balance: inQuote(futures(state.usdM)), walletName: "USDⓈ-M Futures" },
    { activate: state.coinM.length > 0, balance: inQuote(futures(state.coinM)), walletName: "COIN-M Futures" },
    { activate: true, balance: inQuote(earn), walletName: "Earn" },
    ...state.otherWallets.map((wallet) => ({
      activate: wallet.activate,
      balance: inQuote(num(wallet.balance)),
      walletName: wallet.walletName,
    })),
  ];
  return json(wallets);
}

function spotAccount(state: BinanceFakeState, omitZero: boolean): unknown {
  const balances = state.spot
    .map((row) => ({ asset: row.asset, free: row.free, locked: row.locked ?? "0.00000000" }))
    .filter((row) => !omitZero || !isZero(add(num(row.free), num(row.locked))));
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: "0.00100000", taker: "0.00100000", buyer: "0.00000000", seller: "0.00000000" },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: state.now() - 3_600_000,
    accountType: "SPOT",
    balances,
    permissions: ["SPOT"],
    uid: 354937868,
  };
}

function flexibleRow(row: { asset: string; totalAmount: string }): Record<string, unknown> {
  return {
    totalAmount: row.totalAmount,
    tierAnnualPercentageRate: { "0-5BTC": 0.05, "5-10BTC": 0.03 },
    latestAnnualPercentageRate: "0.02599895",
    yesterdayAirdropPercentageRate: "0.02599895",
    asset: row.asset,
    airDropAsset: "BETH",
    canRedeem: true,
    collateralAmount: "0",
    productId: `${row.asset}001`,
    yesterdayRealTimeRewards: "0.10293829",
    cumulativeBonusRewards: "0.22759183",
    cumulativeRealTimeRewards: "0.22759183",
    cumulativeTotalRewards: "0.45459183",
    autoSubscribe: true,
  };
}

function lockedRow(row: { asset: string; amount: string }, index: number): Record<string, unknown> {
  return {
    positionId: 123123 + index,
    parentPositionId: 123122,
    projectId: `${row.asset}*90`,
    asset: row.asset,
    amount: row.amount,
    purchaseTime: 1646182276000,
    duration: "90",
    accrualDays: "4",
    rewardAsset: row.asset,
    APY: "0.2032",
    rewardAmt: "5.17181528",
    extraRewardAsset: "BNB",
    extraRewardAPR: "0.0203",
    estExtraRewardAmt: "5.17181528",
    nextPay: "1.29295383",
    nextPayDate: "1646697600000",
    payPeriod: "1",
    redeemAmountEarly: "2802.24068892",
    rewardsEndDate: "1651449600000",
    deliverDate: "1651536000000",
    redeemPeriod: "1",
    redeemingAmt: "0",
    redeemTo: "FLEXIBLE",
    partialAmtDeliverDate: "1651536000000",
    canRedeemEarly: true,
    canFastRedemption: true,
    autoSubscribe: true,
    type: "AUTO",
    status: "HOLDING",
    canReStake: true,
  };
}

/** `current` from 1, `size` default 10, max 100, and `total` [swagger parameters.size]. */
function earnPage(query: URLSearchParams, rows: Record<string, unknown>[]): Response {
  const current = Number(query.get("current") ?? "1");
  const size = Number(query.get("size") ?? "10");
  if (!Number.isInteger(current) || current < 1) return error(400, -1102, "Param 'current' is invalid.");
  if (!Number.isInteger(size) || size < 1 || size > 100) return error(400, -1102, "Param 'size' is invalid.");
  return json({ rows: rows.slice((current - 1) * size, current * size), total: rows.length });
}

function crossMargin(state: BinanceFakeState, assets: FakeMarginAsset[]): unknown {
  const btc = price(state, "BTC");
  const inBtc = (value: Decimal): string => (isZero(btc) ? "0.00000000" : toFixed(div(value, btc), 8));
  const total = sum(assets.map((row) => mul(add(num(row.free), num(row.locked)), price(state, row.asset))));
  const liability = sum(assets.map((row) => mul(add(num(row.borrowed), num(row.interest)), price(state, row.asset))));
  return {
    created: true,
    borrowEnabled: true,
    marginLevel: "11.64405625",
    collateralMarginLevel: "3.2",
    totalAssetOfBtc: inBtc(total),
    totalLiabilityOfBtc: inBtc(liability),
    totalNetAssetOfBtc: inBtc(sub(total, liability)),
    TotalCollateralValueInUSDT: toFixed(total, 8),
    totalOpenOrderLossInUSDT: "0.00000000",
    tradeEnabled: true,
    transferInEnabled: true,
    transferOutEnabled: true,
    accountType: "MARGIN_1",
    userAssets: assets.map(marginAsset),
  };
}

function isolatedMargin(state: BinanceFakeState, pairs: FakeIsolatedPair[]): unknown {
  const btc = price(state, "BTC");
  const inBtc = (value: Decimal): string => (isZero(btc) ? "0.00000000" : toFixed(div(value, btc), 8));
  const side = (row: FakeMarginAsset): Record<string, unknown> => ({
    ...marginAsset(row),
    borrowEnabled: true,
    netAssetOfBtc: inBtc(mul(net(row), price(state, row.asset))),
    repayEnabled: true,
    totalAsset: toPlainString(add(num(row.free), num(row.locked))),
  });
  const netUsd = sum(
    pairs.flatMap((pair) => [mul(net(pair.base), price(state, pair.base.asset)), mul(net(pair.quote), price(state, pair.quote.asset))]),
  );
  return {
    assets: pairs.map((pair) => ({
      baseAsset: side(pair.base),
      quoteAsset: side(pair.quote),
      symbol: pair.symbol,
      isolatedCreated: true,
      enabled: true,
      marginLevel: "2.00000000",
      marginLevelStatus: "EXCESSIVE",
      marginRatio: "5.00000000",
      indexPrice: state.prices[pair.symbol] ?? "0",
      liquidatePrice: "1000.00000000",
      liquidateRate: "1.00000000",
      tradeEnabled: true,
    })),
    totalAssetOfBtc: inBtc(netUsd),
    totalLiabilityOfBtc: "0.00000000",
    totalNetAssetOfBtc: inBtc(netUsd),
  };
}

function marginAsset(row: FakeMarginAsset): Record<string, string> {
  return {
    asset: row.asset,
    borrowed: row.borrowed ?? "0.00000000",
    free: row.free,
    interest: row.interest ?? "0.00000000",
    locked: row.locked ?? "0.00000000",
    netAsset: toPlainString(net(row)),
  };
}

/** USDⓈ-M v3 / COIN-M v1 account: per-asset balances; the account-level totals count USDT only (single-asset mode). */
function futuresAccount(assets: FakeFuturesAsset[], kind: "usdM" | "coinM"): unknown {
  const rows = assets.map((row) => {
    const margin = toPlainString(add(num(row.walletBalance), num(row.unrealizedProfit)));
    return {
      asset: row.asset,
      walletBalance: row.walletBalance,
      unrealizedProfit: row.unrealizedProfit ?? "0.00000000",
      marginBalance: margin,
      maintMargin: "0.00000000",
      initialMargin: "0.00000000",
      positionInitialMargin: "0.00000000",
      openOrderInitialMargin: "0.00000000",
      crossWalletBalance: row.walletBalance,
      crossUnPnl: row.unrealizedProfit ?? "0.00000000",
      availableBalance: row.walletBalance,
      maxWithdrawAmount: row.walletBalance,
      updateTime: 1625474304765,
    };
  });
  if (kind === "coinM")
    return { assets: rows, positions: [], canDeposit: true, canTrade: true, canWithdraw: true, feeTier: 2, updateTime: 0 };
  const usdt = rows.find((row) => row.asset === "USDT");
  return {
    totalInitialMargin: "0.00000000",
    totalMaintMargin: "0.00000000",
    totalWalletBalance: usdt?.walletBalance ?? "0.00000000",
    totalUnrealizedProfit: usdt?.unrealizedProfit ?? "0.00000000",
    totalMarginBalance: usdt?.marginBalance ?? "0.00000000",
    totalPositionInitialMargin: "0.00000000",
    totalOpenOrderInitialMargin: "0.00000000",
    totalCrossWalletBalance: usdt?.walletBalance ?? "0.00000000",
    totalCrossUnPnl: "0.00000000",
    availableBalance: usdt?.availableBalance ?? "0.00000000",
    maxWithdrawAmount: usdt?.maxWithdrawAmount ?? "0.00000000",
    assets: rows,
    positions: [],
  };
}

/** No parameter: every symbol; `symbol`: one, or -1121; `symbols=["A","B"]`: those, -1121 if any is unknown. */
function tickerPrice(state: BinanceFakeState, query: URLSearchParams): Response {
  const symbol = query.get("symbol");
  const symbols = query.get("symbols");
  if (symbol !== null && symbols !== null) return error(400, -1102, "Parameters 'symbol' and 'symbols' cannot be sent together.");
  const known = (name: string): boolean => state.prices[name] !== undefined;
  if (symbol !== null) return known(symbol) ? json({ symbol, price: state.prices[symbol] }) : error(400, -1121, "Invalid symbol.");
  if (symbols !== null) {
    let list: unknown;
    try {
      list = JSON.parse(symbols);
    } catch {
      return error(400, -1100, "Illegal characters found in parameter 'symbols'.");
    }
    if (!Array.isArray(list) || !list.every((name): name is string => typeof name === "string"))
      return error(400, -1100, "Illegal characters found in parameter 'symbols'.");
    if (!list.every(known)) return error(400, -1121, "Invalid symbol.");
    return json(list.map((name) => ({ symbol: name, price: state.prices[name] })));
  }
  return json(Object.entries(state.prices).map(([name, value]) => ({ symbol: name, price: value })));
}

interface WeightCounter {
  minute: number;
  api: number;
  sapi: Record<string, number>;
}

/** Adds the request's weight to this minute's count; over the limit → 429 -1003 with Retry-After to the next minute. */
function spend(counter: WeightCounter, nowMs: number, path: string): Response | null {
  const minute = Math.floor(nowMs / 60_000);
  if (minute !== counter.minute) {
    counter.minute = minute;
    counter.api = 0;
    counter.sapi = {};
  }
  const cost = BINANCE_WEIGHTS[path] ?? 1;
  const retryAfter = { "Retry-After": String(Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000)) };
  if (path.startsWith("/api/")) {
    if (counter.api + cost > 6_000)
      return withHeaders(error(429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."), retryAfter);
    counter.api += cost;
  } else if (path.startsWith("/sapi/")) {
    const used = counter.sapi[path] ?? 0;
    if (used + cost > 12_000)
      return withHeaders(
        error(429, -1003, "Too much request weight used; current limit is 12000 request weight per 1 MINUTE."),
        retryAfter,
      );
    counter.sapi[path] = used + cost;
  }
  return null;
}

function weightHeaders(counter: WeightCounter, path: string): Record<string, string> {
  if (path.startsWith("/sapi/")) return { "X-SAPI-USED-IP-WEIGHT-1M": String(counter.sapi[path] ?? 0) };
  return { "X-MBX-USED-WEIGHT-1M": String(counter.api) };
}

function price(state: BinanceFakeState, asset: string): Decimal {
  if (["USDT", "USDC", "FDUSD"].includes(asset)) return dec("1");
  const direct = state.prices[`${asset}USDT`];
  if (direct !== undefined) return num(direct);
  const inBtc = state.prices[`${asset}BTC`];
  return inBtc !== undefined ? mul(num(inBtc), price(state, "BTC")) : dec("0");
}

function net(row: FakeMarginAsset): Decimal {
  return sub(add(num(row.free), num(row.locked)), add(num(row.borrowed), num(row.interest)));
}

/** The fake's own arithmetic treats a missing amount as 0; the client must not. */
function num(text: string | undefined): Decimal {
  return (text === undefined ? null : parseDecimal(text)) ?? dec("0");
}

function json(body: unknown): Response {
  return Response.json(body);
}

function error(status: number, code: number, msg: string): Response {
  return Response.json({ code, msg }, { status });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
