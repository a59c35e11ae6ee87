// A fake Bybit V5 server for tests. It checks what Bybit checks (API key, timestamp window against its own clock,
// the HMAC signature recomputed from the raw query string, bound IPs, key areas, parameters) and answers with
// Bybit's wire format: the retCode envelope, amounts as strings, "" for absent values, real error bodies.
// State is plain data that tests change between calls (balances, prices, key, clock); faults go through `faults`.
import { add, type Decimal, dec, mul, sum, toFixed } from "../../src/lib/money.ts";
import { createFaultList, delayOrHold, type ExchangeFake, exchangeFake, type Fault, frontAnswer } from "./faults.ts";
import { fillEchoes, jsonEscape, type RecordedRequest, startFake } from "./server.ts";

interface FakeUnifiedCoin {
  readonly coin: string;
  readonly equity: string;
  readonly usdValue: string;
  readonly walletBalance?: string;
}

interface FakeFundingCoin {
  readonly coin: string;
  readonly walletBalance: string;
}

interface FakeTicker {
  readonly symbol: string;
  readonly lastPrice: string;
  readonly usdIndexPrice: string;
}

interface FakeBybitKey {
  apiKey: string;
  apiSecret: string;
  readOnly: 0 | 1;
  /** Areas ticked on the key, as query-api lists them. */
  permissions: Record<string, string[]>;
  /** ["*"] = no IP bound. */
  ips: string[];
  /** Whole days left, as query-api says them; -2 with an IP bound (Bybit's sentinel). */
  deadlineDay: number;
  /** As query-api sends it; null: `deadlineDay` days after the fake's now, as Bybit dates a key it will expire. */
  expiredAt: string | null;
}

/**
 * Bybit's faults (faults.ts): `code`/`message` are a retCode and retMsg answered after authentication (the
 * gateway's `status`/`body` come before it). `body` and `message` may quote the request's credentials, as
 * Bybit's apiKey[…] and origin_string[…] echoes do: {{apiKey}} is the X-BAPI-API-KEY received, {{apiSecret}}
 * the key's secret.
 */
export type BybitFault = Fault;

export interface BybitFakeState {
  key: FakeBybitKey;
  /** The fake's clock, as the test's injected one: now() + clockOffsetMs. */
  now: () => number;
  /** Shifts the fake's clock away from the client's. */
  clockOffsetMs: number;
  /** /v5/market/time reports its clock + this: a server time that does not match the one it checks against. */
  marketTimeErrorMs: number;
  unified: { coins: FakeUnifiedCoin[]; totalEquity?: string };
  funding: FakeFundingCoin[];
  /** asset-overview buckets other than unified and funding (Earn, TradingBot, …), as Bybit lists them. */
  otherBuckets: Record<string, unknown>[];
  /** Overrides asset-overview result.totalEquity (default: Σ bucket totals). */
  overviewTotalEquity?: string;
  /**
   * asset-overview answers retCode 0 with `{"totalEquity":"","list":[]}`, as seen live for an account it does not
   * serve (Bybit documents that it does not serve regional accounts, not what they get back).
   */
  emptyOverview?: boolean;
  tickers: FakeTicker[];
}

export type BybitFake = ExchangeFake<BybitFakeState, BybitFault>;

export const FAKE_BYBIT_KEY = "FAKEbybitKEY123456";
export const FAKE_BYBIT_SECRET = "FAKEbybitSECRETfakeBYBITsecretFAKE12";

export function emptyBybitAccount(): BybitFakeState {
  return {
    key: {
      apiKey: FAKE_BYBIT_KEY,
      apiSecret: FAKE_BYBIT_SECRET,
      readOnly: 1,
      permissions: {
        ContractTrade: [],
        Spot: [],
        Wallet: ["AccountTransfer"],
        Options: [],
        Derivatives: [],
        Exchange: [],
        Earn: ["Earn"],
        NFT: [],
      },
      ips: ["*"],
      deadlineDay: 83,
      expiredAt: null,
    },
    now: () => Date.now(),
    clockOffsetMs: 0,
    marketTimeErrorMs: 0,
    unified: { coins: [] },
    funding: [],
    otherBuckets: [],
    tickers: [],
  };
}

/**
 * Unified BTC/ETH/USDT, funding USDT/BTC/SOL/PEPE (BTC sits in both; PEPE is dust), Earn and a grid bot.
 * asset-overview: unified 21461.94 + funding 4252.63 + Earn 2520.40 + bots 310.25 = 28545.22 USD.
 */
export function realisticBybitAccount(): BybitFakeState {
  const state = emptyBybitAccount();
  state.unified.coins = [
    { coin: "BTC", equity: "0.15", usdValue: "14250.075" },
    { coin: "ETH", equity: "1.2", usdValue: "4011.36" },
    { coin: "USDT", equity: "3200.5", usdValue: "3200.5" },
  ];
  state.funding = [
    { coin: "USDT", walletBalance: "1500" },
    { coin: "BTC", walletBalance: "0.01" },
    { coin: "SOL", walletBalance: "10" },
    { coin: "PEPE", walletBalance: "10000" },
    { coin: "USDC", walletBalance: "0" },
  ];
  state.otherBuckets = [
    {
      totalEquity: "2520.40",
      valuationCurrency: "USD",
      accountType: "Earn",
      snapshotTime: "1764000000000",
      categories: [
        {
          category: "Easy Earn",
          equity: "2520.4",
          coinDetail: [
            { coin: "USDT", equity: "2000" },
            { coin: "ETH", equity: "0.1556" },
          ],
        },
      ],
    },
    {
      totalEquity: "310.25",
      valuationCurrency: "USD",
      accountType: "TradingBot",
      snapshotTime: "1764000000000",
      categories: [{ category: "Futures Grid Bot", equity: "310.25", coinDetail: [{ coin: "USDT", equity: "310.2511" }] }],
    },
  ];
  state.tickers = [
    { symbol: "BTCUSDT", lastPrice: "95010", usdIndexPrice: "95000.5" },
    { symbol: "ETHUSDT", lastPrice: "3343.1", usdIndexPrice: "3342.8" },
    { symbol: "SOLUSDT", lastPrice: "180.25", usdIndexPrice: "" },
    { symbol: "PEPEUSDT", lastPrice: "0.0000121", usdIndexPrice: "" },
    { symbol: "ETHBTC", lastPrice: "0.0352", usdIndexPrice: "" },
  ];
  return state;
}

export async function startBybitFake(state: BybitFakeState = realisticBybitAccount()): Promise<BybitFake> {
  const faults = createFaultList<BybitFault>();
  const now = (): number => state.now() + state.clockOffsetMs;
  const envelope = (retCode: number, retMsg: string, result: unknown = {}, headers?: Record<string, string>): Response =>
    Response.json({ retCode, retMsg, result, retExtInfo: {}, time: now() }, { headers });
  const privateRoutes: Record<string, (query: URLSearchParams) => Response> = {
    "/v5/asset/asset-overview": (query) => {
      if ((query.get("valuationCurrency") ?? "USD") !== "USD") return envelope(10001, "valuationCurrency only supports USD in this fake");
      return envelope(0, "Success", state.emptyOverview ? { totalEquity: "", list: [] } : overview(state));
    },
    "/v5/account/wallet-balance": (query) =>
      query.get("accountType") !== "UNIFIED"
        ? envelope(10001, "accountType only support UNIFIED.")
        : envelope(0, "OK", walletBalance(state)),
    "/v5/asset/transfer/query-account-coins-balance": (query) => {
      if (!query.get("accountType")) return envelope(10001, "params error: accountType is required");
      if (query.get("accountType") !== "FUND") return envelope(131203, "coin is required for this account type");
      const balance = state.funding.map((c) => ({
        coin: c.coin,
        transferBalance: c.walletBalance,
        walletBalance: c.walletBalance,
        bonus: "",
      }));
      return envelope(0, "success", { memberId: "58124730", accountType: "FUND", balance });
    },
    "/v5/user/query-api": () => envelope(0, "", queryApi(state.key, now())),
  };
  const server = await startFake({
    "/v5/*": async (request) => {
      const fault = faults.take(request.path);
      const held = await delayOrHold(faults, fault);
      if (held) return held;
      const echoes = { apiKey: request.headers.get("x-bapi-api-key") ?? "", apiSecret: state.key.apiSecret };
      const front = frontAnswer(fault, (text) => fillEchoes(text, echoes, text.startsWith("{") ? jsonEscape : undefined));
      if (front) return front;
      // Bybit's gateway refuses a GET carrying a body with HTTP 403 [guide.mdx].
      if (request.method !== "GET" || request.body !== "") return new Response("<html>403 Forbidden</html>", { status: 403 });
      if (request.path === "/v5/market/time") {
        const serverMs = now() + state.marketTimeErrorMs;
        return envelope(0, "OK", { timeSecond: String(Math.floor(serverMs / 1000)), timeNano: `${serverMs}000000` });
      }
      if (request.path === "/v5/market/tickers") {
        if (request.query.get("category") !== "spot") return envelope(10001, "params error: category only support spot in this fake");
        return envelope(0, "OK", { category: "spot", list: state.tickers.map(tickerShape) });
      }
      const route = privateRoutes[request.path];
      if (!route) return new Response("404 page not found", { status: 404 });
      const rejection = authenticate(state, request, now());
      if (rejection) return envelope(rejection.retCode, rejection.retMsg);
      if (fault?.code !== undefined)
        return envelope(Number(fault.code), fillEchoes(fault.message ?? "forced error", echoes), {}, fault.headers);
      // Every /v5/asset/* call, asset-overview included, needs the key's Wallet area [JKorf/Bybit.Net#173].
      if (request.path.startsWith("/v5/asset/") && (state.key.permissions.Wallet ?? []).length === 0) {
        return envelope(10005, "Permission denied, please check your API key permissions.");
      }
      return route(request.query);
    },
  });
  return exchangeFake(server, state, faults);
}

/** Bybit's checks in Bybit's order: headers, key, timestamp window, signature, bound IP [guide.mdx, error.mdx]. */
function authenticate(state: BybitFakeState, request: RecordedRequest, serverMs: number): { retCode: number; retMsg: string } | null {
  const apiKey = request.headers.get("x-bapi-api-key") ?? "";
  const timestamp = request.headers.get("x-bapi-timestamp") ?? "";
  const sign = request.headers.get("x-bapi-sign") ?? "";
  const recvWindowHeader = request.headers.get("x-bapi-recv-window");
  if (apiKey === "" || timestamp === "" || sign === "") {
    return { retCode: 10001, retMsg: `empty value: apiTimestamp[${timestamp}] apiKey[${apiKey}] apiSignature[${sign}]` };
  }
  if (apiKey !== state.key.apiKey) return { retCode: 10003, retMsg: "API key is invalid." };
  const recvWindow = Number(recvWindowHeader ?? "5000");
  const ts = Number(timestamp);
  // server − recvWindow ≤ timestamp < server + 1000 [guide.mdx]
  if (!Number.isInteger(ts) || ts < serverMs - recvWindow || ts >= serverMs + 1000) {
    return {
      retCode: 10002,
      retMsg: `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${serverMs}],recv_window[${recvWindow}]`,
    };
  }
  const origin = `${timestamp}${apiKey}${recvWindowHeader ?? ""}${request.rawQuery}`;
  const expected = new Bun.CryptoHasher("sha256", state.key.apiSecret).update(origin).digest("hex");
  if (sign !== expected) {
    return { retCode: 10004, retMsg: `error sign! origin_string[${origin}]` };
  }
  if (!state.key.ips.includes("*") && !state.key.ips.includes("127.0.0.1")) {
    return { retCode: 10010, retMsg: "Unmatched IP, please check your API key's bound IP addresses." };
  }
  return null;
}

function unifiedTotal(state: BybitFakeState): string {
  return state.unified.totalEquity ?? toFixed(sum(state.unified.coins.map((c) => dec(c.usdValue || "0"))), 8);
}

function walletBalance(state: BybitFakeState): unknown {
  const total = unifiedTotal(state);
  const coin = state.unified.coins.map((c) => ({
    availableToBorrow: "",
    bonus: "0",
    accruedInterest: "0",
    availableToWithdraw: "",
    totalOrderIM: "0",
    equity: c.equity,
    totalPositionMM: "0",
    usdValue: c.usdValue,
    spotHedgingQty: "0",
    unrealisedPnl: "0",
    collateralSwitch: true,
    borrowAmount: "0",
    totalPositionIM: "0",
    walletBalance: c.walletBalance ?? c.equity,
    cumRealisedPnl: "0",
    locked: "0",
    marginCollateral: true,
    coin: c.coin,
    spotBorrow: "0",
  }));
  const account = {
    totalEquity: total,
    accountIMRate: "0",
    totalMarginBalance: total,
    totalInitialMargin: "0",
    accountType: "UNIFIED",
    totalAvailableBalance: total,
    accountMMRate: "0",
    totalPerpUPL: "0",
    totalWalletBalance: total,
    accountLTV: "0",
    totalMaintenanceMargin: "0",
    coin,
  };
  return { list: [account] };
}

/** Bybit values each bucket itself; the fake uses its own tickers (stablecoins at 1, unknown coins at 0). */
function overview(state: BybitFakeState): unknown {
  const price = (coin: string): Decimal => {
    if (["USDT", "USDC", "USDE", "DAI", "FDUSD"].includes(coin)) return dec("1");
    const ticker = state.tickers.find((t) => t.symbol === `${coin}USDT`);
    return dec(ticker?.usdIndexPrice || ticker?.lastPrice || "0");
  };
  const snapshotTime = String(state.now() + state.clockOffsetMs - 60_000);
  const buckets: Record<string, unknown>[] = [];
  if (state.unified.coins.length > 0) {
    const coinDetail = state.unified.coins.map((c) => ({ coin: c.coin, equity: c.equity }));
    buckets.push({
      totalEquity: toFixed(dec(unifiedTotal(state) || "0"), 2),
      valuationCurrency: "USD",
      accountType: "UnifiedTradingAccount",
      coinDetail,
      snapshotTime,
    });
  }
  const held = state.funding.filter((c) => dec(c.walletBalance).coef !== 0n);
  if (held.length > 0) {
    const value = held.reduce((acc, c) => add(acc, mul(dec(c.walletBalance), price(c.coin))), dec("0"));
    const coinDetail = held.map((c) => ({ coin: c.coin, equity: c.walletBalance }));
    buckets.push({ totalEquity: toFixed(value, 2), valuationCurrency: "USD", accountType: "FundingAccount", coinDetail, snapshotTime });
  }
  buckets.push(...state.otherBuckets);
  const total = sum(buckets.map((b) => dec(typeof b.totalEquity === "string" ? b.totalEquity : "0")));
  return { totalEquity: state.overviewTotalEquity ?? toFixed(total, 2), list: buckets };
}

function tickerShape(t: FakeTicker): Record<string, string> {
  return {
    symbol: t.symbol,
    bid1Price: t.lastPrice,
    bid1Size: "1.5",
    ask1Price: t.lastPrice,
    ask1Size: "2.1",
    lastPrice: t.lastPrice,
    prevPrice24h: t.lastPrice,
    price24hPcnt: "0.0012",
    highPrice24h: t.lastPrice,
    lowPrice24h: t.lastPrice,
    turnover24h: "1234567.89",
    volume24h: "4321.5",
    usdIndexPrice: t.usdIndexPrice,
  };
}

function queryApi(key: FakeBybitKey, now: number): unknown {
  // Bybit states the expiry to the second (2023-12-22T07:20:25Z in its doc example).
  const expiredAt =
    key.expiredAt ?? new Date(Math.floor(now / 1000) * 1000 + key.deadlineDay * 86_400_000).toISOString().replace(".000Z", "Z");
  return {
    id: "3318207",
    note: "pfbot",
    apiKey: key.apiKey,
    readOnly: key.readOnly,
    secret: "",
    permissions: key.permissions,
    ips: key.ips,
    type: 1,
    deadlineDay: key.deadlineDay,
    expiredAt,
    createdAt: "2025-12-01T09:00:00Z",
    unified: 0,
    uta: 1,
    userID: 58124730,
    inviterID: 0,
    vipLevel: "No VIP",
    mktMakerLevel: "0",
    affiliateID: 0,
    rsaPublicKey: "",
    isMaster: true,
    parentUid: "0",
    kycLevel: "LEVEL_1",
    kycRegion: "ARE",
  };
}
