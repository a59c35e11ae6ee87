// A fake KuCoin REST API on 127.0.0.1 for tests: the spot host and the futures host on one origin (the paths pfbot
// uses do not collide). It checks what KuCoin checks: the five KC-API headers, the key, the key version, the passphrase
// HMAC-signed with the secret (before the signature, so a wrong secret shows as 400004 as on the real service), the
// timestamp within 5 s of its own clock, the signature recomputed from the raw request, the IP whitelist and the
// key's permissions; and the documented parameters (queryType, the futures currency defaulting to XBT, Earn paging).
// It answers in KuCoin's wire format: {code: "200000", data}, decimal strings (JSON numbers on futures), error bodies
// with their HTTP statuses, and the gw-ratelimit-* headers on every answer. [docs/platforms/kucoin.md §3–§7, §10]
import { createHmac } from "node:crypto";
import { add, type Decimal, dec, mul, parseDecimal, sub, toPlainString } from "../../src/lib/money.ts";
import { createFaultList, delayOrHold, type ExchangeFake, exchangeFake, type Fault, frontAnswer } from "./faults.ts";
import { fillEchoes, jsonEscape, type RecordedRequest, startFake } from "./server.ts";

interface KucoinFakeKey {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  /** As /api/v1/user/api-key lists them: General, Spot, Margin, Futures, InnerTransfer, Transfer, Earn. */
  permissions: string[];
  /** null: no IP restriction; else the IPs the key accepts (the tests' client is 127.0.0.1). */
  allowedIps: string[] | null;
  apiVersion: 2 | 3;
  isMaster: boolean;
  subName?: string;
  remark: string;
  createdAt: number;
}

interface FakeKucoinAccount {
  readonly currency: string;
  /** main, trade, trade_hf, option, or the deprecated margin/isolated rows a client must ignore. */
  readonly type: string;
  readonly balance: string;
  readonly holds?: string;
}

interface FakeKucoinMarginAsset {
  readonly currency: string;
  readonly total: string;
  readonly liability?: string;
}

interface FakeKucoinIsolatedPair {
  readonly symbol: string;
  readonly base: FakeKucoinMarginAsset;
  readonly quote: FakeKucoinMarginAsset;
}

interface FakeKucoinFutures {
  /** JSON numbers on the wire, as KuCoin's futures API sends them. */
  readonly accountEquity: number;
  readonly unrealisedPNL?: number;
}

interface FakeKucoinEarn {
  readonly currency: string;
  readonly holdAmount: string;
  readonly redeemingAmount?: string;
  readonly productCategory?: string;
  readonly status?: string;
}

/**
 * KuCoin's faults (faults.ts): `status`/`body` alone answer before any check (a gateway page, a 5XX); `code`/`message`
 * are KuCoin's `{code, msg}` given after authentication, on a signed endpoint, with `status` (default 200, as KuCoin
 * sends most business errors). {{apiKey}} and {{passphrase}} in `body`/`message` are the KC-API-KEY and
 * KC-API-PASSPHRASE headers received (the passphrase as signed), {{apiSecret}} the key's secret.
 */
export type KucoinFault = Fault;

export interface KucoinFakeState {
  key: KucoinFakeKey;
  /** The fake's clock (ms): the test's injected one, or the real one. */
  now: () => number;
  /** /api/v1/timestamp reports its clock plus this. */
  timestampErrorMs: number;
  accounts: FakeKucoinAccount[];
  /** queryType MARGIN (the default) answers the low-frequency part only, MARGIN_V2 the high-frequency one, ALL both. */
  crossMargin: { lowFrequency: FakeKucoinMarginAsset[]; highFrequency: FakeKucoinMarginAsset[] };
  isolatedMargin: { lowFrequency: FakeKucoinIsolatedPair[]; highFrequency: FakeKucoinIsolatedPair[] };
  /** Futures account per settlement currency ("USDT", "XBT"); a currency without one answers zeros. */
  futures: Record<string, FakeKucoinFutures>;
  /** The settlement currencies contracts/active lists. */
  settleCurrencies: string[];
  /** True: account-overview needs the Futures permission (the 2025 spec) and a General-only key gets 400007. */
  futuresNeedsPermission: boolean;
  earn: FakeKucoinEarn[];
  /** allTickers `last` by symbol ("BTC-USDT"); null: a pair with no trade yet. */
  tickers: Record<string, string | null>;
  /** /api/ua/v1/account/mode: CLASSIC, UNIFIED, or null for a 404 (the UTA API not offered). */
  accountMode: "CLASSIC" | "UNIFIED" | null;
}

export type KucoinFake = ExchangeFake<KucoinFakeState, KucoinFault>;

/** The key and secret of KuCoin's documented signing example [old docs §Signing a Message]. */
export const FAKE_KUCOIN_KEY = "5c2db93503aa674c74a31734";
export const FAKE_KUCOIN_SECRET = "f03a5284-5c39-4aaa-9b20-dea10bdcf8e3";
export const FAKE_KUCOIN_PASSPHRASE = "Ab12345678)(*&^%$#@";
export const KUCOIN_FAKE_NOW = Date.parse("2026-11-24T10:00:00.000Z");
/** The pool quota and window the fake reports (Rate limit 2.0: Spot pool 4000 per 30 s at VIP0). */
const POOL_LIMIT = 4_000;

export function emptyKucoinAccount(): KucoinFakeState {
  return {
    key: {
      apiKey: FAKE_KUCOIN_KEY,
      apiSecret: FAKE_KUCOIN_SECRET,
      passphrase: FAKE_KUCOIN_PASSPHRASE,
      permissions: ["General"],
      allowedIps: null,
      apiVersion: 3,
      isMaster: true,
      remark: "pfbot",
      createdAt: Date.parse("2026-02-10T12:00:00Z"),
    },
    now: () => Date.now(),
    timestampErrorMs: 0,
    accounts: [],
    crossMargin: { lowFrequency: [], highFrequency: [] },
    isolatedMargin: { lowFrequency: [], highFrequency: [] },
    futures: {},
    settleCurrencies: ["USDT", "USDC", "XBT"],
    futuresNeedsPermission: false,
    earn: [],
    tickers: { "BTC-USDT": "95000", "ETH-USDT": "3300" },
    accountMode: "CLASSIC",
  };
}

/** realisticKucoinAccount()'s total, to the cent (worked out by hand in the tests). */
export const REALISTIC_KUCOIN_TOTAL_USD = "16656.86";

/**
 * Main and trade (BTC in both, a trade_hf SOL row, dust, a coin priced only through BTC), deprecated margin rows that
 * must be ignored; cross margin with a high-frequency BTC debt (negative net) that only queryType=ALL shows; an isolated
 * ETH-USDT pair with a borrowed quote; futures in USDT and XBT (and an empty USDC one); Earn with a REDEEMING position.
 */
export function realisticKucoinAccount(): KucoinFakeState {
  const state = emptyKucoinAccount();
  state.tickers = {
    "BTC-USDT": "95000",
    "ETH-USDT": "3300",
    "KCS-USDT": "11.2",
    "SOL-USDT": "180",
    "XRP-USDT": "2.2",
    "PEPE-USDT": "0.0000121",
    "ETH-BTC": "0.03473684",
    "AKT-BTC": "0.00002",
    "USDC-USDT": "0.9998",
    "DEAD-USDT": null,
  };
  state.accounts = [
    { currency: "USDT", type: "main", balance: "1500.5" },
    { currency: "BTC", type: "main", balance: "0.01" },
    { currency: "XRP", type: "main", balance: "0.00000042" },
    { currency: "BTC", type: "trade", balance: "0.04", holds: "0.01" },
    { currency: "ETH", type: "trade", balance: "1.2" },
    { currency: "PEPE", type: "trade", balance: "50000" },
    { currency: "AKT", type: "trade", balance: "40" },
    { currency: "SOL", type: "trade_hf", balance: "5" },
    { currency: "USDT", type: "margin", balance: "999" },
  ];
  state.crossMargin = {
    lowFrequency: [{ currency: "USDT", total: "300", liability: "0" }],
    highFrequency: [{ currency: "BTC", total: "0.001", liability: "0.003" }],
  };
  state.isolatedMargin = {
    lowFrequency: [
      {
        symbol: "ETH-USDT",
        base: { currency: "ETH", total: "0.5", liability: "0" },
        quote: { currency: "USDT", total: "100", liability: "250.5" },
      },
    ],
    highFrequency: [],
  };
  state.futures = {
    USDT: { accountEquity: 512.75, unrealisedPNL: 12.5 },
    XBT: { accountEquity: 0.0025, unrealisedPNL: 0 },
    USDC: { accountEquity: 0, unrealisedPNL: 0 },
  };
  state.earn = [
    { currency: "KCS", holdAmount: "100", redeemingAmount: "100", productCategory: "KCS_STAKING", status: "REDEEMING" },
    { currency: "USDT", holdAmount: "1000", productCategory: "DEMAND", status: "LOCKED" },
    { currency: "ETH", holdAmount: "0.3", productCategory: "STAKING", status: "LOCKED" },
  ];
  return state;
}

/** HTTP 429 {"code":"429000"} with the pool exhausted and gw-ratelimit-reset in ms, as Rate limit 2.0 answers. */
export function kucoinRateLimitFault(
  path: string,
  resetMs: number,
  options: { times?: number; headers?: Record<string, string> } = {},
): KucoinFault {
  return {
    path,
    times: options.times,
    status: 429,
    body: JSON.stringify({ code: "429000", msg: "Too Many Requests" }),
    headers: {
      "gw-ratelimit-limit": String(POOL_LIMIT),
      "gw-ratelimit-remaining": "0",
      "gw-ratelimit-reset": String(resetMs),
      ...options.headers,
    },
  };
}

export async function startKucoinFake(state: KucoinFakeState = realisticKucoinAccount()): Promise<KucoinFake> {
  const now = (): number => state.now();
  const faults = createFaultList<KucoinFault>();
  let used = 0;
  const signedRoutes: Record<string, (request: RecordedRequest) => Response> = {
    "/api/v1/accounts": (request) => ok(accounts(state, request.query)),
    "/api/v3/margin/accounts": (request) => crossMargin(state, request.query),
    "/api/v3/isolated/accounts": (request) => isolatedMargin(state, request.query),
    "/api/v1/account-overview": (request) => ok(futuresOverview(state, request.query.get("currency") ?? "XBT")),
    "/api/v1/earn/hold-assets": (request) => earn(state, request.query),
    "/api/ua/v1/account/mode": () =>
      state.accountMode === null
        ? Response.json({ code: "404000", msg: "Url Not Found" }, { status: 404 })
        : ok({ selfAccountMode: state.accountMode, unifiedSubAccount: [], classicSubAccount: [] }),
    "/api/v1/user/api-key": () => ok(apiKeyInfo(state.key)),
  };
  const publicRoutes: Record<string, (request: RecordedRequest) => Response> = {
    "/api/v1/timestamp": () => ok(now() + state.timestampErrorMs),
    "/api/v1/market/allTickers": () => ok(allTickers(state, now())),
    "/api/v1/contracts/active": () => ok(contracts(state)),
  };
  const server = await startFake({
    "/*": async (request) => {
      const fault = faults.take(request.path);
      const held = await delayOrHold(faults, fault);
      if (held) return held;
      const echoes = {
        apiKey: request.headers.get("kc-api-key") ?? "",
        passphrase: request.headers.get("kc-api-passphrase") ?? "",
        apiSecret: state.key.apiSecret,
      };
      const front = frontAnswer(fault, (text) => fillEchoes(text, echoes, text.trimStart().startsWith("{") ? jsonEscape : undefined));
      if (front) return front;
      // CloudFront refuses a GET that carries a body with an HTML 403 [old docs §403 Error].
      if (request.method !== "GET" || request.body !== "")
        return new Response("<HTML><BODY><H1>403 ERROR</H1>The request could not be satisfied.</BODY></HTML>", { status: 403 });
      used += 1;
      const limits = {
        "gw-ratelimit-limit": String(POOL_LIMIT),
        "gw-ratelimit-remaining": String(Math.max(0, POOL_LIMIT - used)),
        "gw-ratelimit-reset": "29000",
      };
      const publicRoute = publicRoutes[request.path];
      if (publicRoute) return withHeaders(publicRoute(request), limits);
      const route = signedRoutes[request.path];
      if (!route) return Response.json({ code: "404000", msg: "Url Not Found" }, { status: 404 });
      const rejection = authenticate(state, request, now());
      if (rejection) return withHeaders(rejection, limits);
      if (fault?.code !== undefined) {
        const body = { code: String(fault.code), msg: fillEchoes(fault.message ?? "forced error", echoes) };
        return withHeaders(Response.json(body, { status: fault.status ?? 200 }), { ...limits, ...fault.headers });
      }
      return withHeaders(route(request), limits);
    },
  });
  return exchangeFake(server, state, faults);
}

const REQUIRED_HEADERS = ["KC-API-KEY", "KC-API-SIGN", "KC-API-TIMESTAMP", "KC-API-PASSPHRASE", "KC-API-KEY-VERSION"];

/** KuCoin's checks, in the order its errors suggest; auth failures are HTTP 401 [old docs §HTTP error status codes]. */
function authenticate(state: KucoinFakeState, request: RecordedRequest, serverMs: number): Response | null {
  const header = (name: string): string => request.headers.get(name) ?? "";
  if (REQUIRED_HEADERS.some((name) => header(name) === "")) {
    return fail(401, "400001", "Any of KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE is missing in your request header.");
  }
  const key = state.key;
  if (header("KC-API-KEY") !== key.apiKey) return fail(401, "400003", "KC-API-KEY not exists");
  if (!["2", "3"].includes(header("KC-API-KEY-VERSION"))) return fail(401, "400009", "Invalid KC-API-KEY-VERSION");
  // v2/v3: base64 HMAC-SHA256(secret, passphrase); a plain-text passphrase (v1 style) fails here.
  const expectedPassphrase = createHmac("sha256", key.apiSecret).update(key.passphrase).digest("base64");
  if (header("KC-API-PASSPHRASE") !== expectedPassphrase) return fail(401, "400004", "Invalid KC-API-PASSPHRASE");
  const timestamp = header("KC-API-TIMESTAMP");
  // More than 5 s from KuCoin's clock, either side → 400002. Its HTTP status is not documented; the fake uses 400.
  if (!/^\d{13}$/.test(timestamp) || Math.abs(Number(timestamp) - serverMs) > 5_000)
    return fail(400, "400002", "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds");
  // The raw request target, not a re-encoded one: what the client sent is what it must have signed.
  const endpoint = request.rawQuery === "" ? request.path : `${request.path}?${request.rawQuery}`;
  const expectedSign = createHmac("sha256", key.apiSecret)
    .update(timestamp + request.method + endpoint + request.body)
    .digest("base64");
  if (header("KC-API-SIGN") !== expectedSign) return fail(401, "400005", "Invalid KC-API-SIGN");
  if (key.allowedIps !== null && !key.allowedIps.includes("127.0.0.1"))
    return fail(401, "400006", "Invalid request IP, the current client IP is: 127.0.0.1.");
  if (!key.permissions.includes("General")) return fail(401, "400007", "Access denied, requires more permission.");
  if (request.path === "/api/v1/account-overview" && state.futuresNeedsPermission && !key.permissions.includes("Futures"))
    return fail(401, "400007", "Access denied, requires more permission.");
  if (request.path.startsWith("/api/ua/") && key.apiVersion < 3)
    return fail(401, "400008", "V1 & V2 API keys are no longer supported by this API. Please create a V3 API key.");
  return null;
}

function accounts(state: KucoinFakeState, query: URLSearchParams): unknown[] {
  const type = query.get("type");
  const currency = query.get("currency");
  return state.accounts
    .filter((row) => (type === null || row.type === type) && (currency === null || row.currency === currency))
    .map((row, i) => {
      const holds = row.holds ?? "0";
      return {
        id: `6${String(i).padStart(23, "0")}`,
        currency: row.currency,
        type: row.type,
        balance: row.balance,
        available: toPlainString(sub(num(row.balance), num(holds))),
        holds,
      };
    });
}

/** Margin rows for a queryType: the default reads the low-frequency account only; ALL aggregates per currency. */
function pick<T>(parts: { lowFrequency: T[]; highFrequency: T[] }, queryType: string, low: string, high: string): T[] | null {
  if (queryType === low) return parts.lowFrequency;
  if (queryType === high) return parts.highFrequency;
  if (queryType === "ALL") return [...parts.lowFrequency, ...parts.highFrequency];
  return null;
}

function crossMargin(state: KucoinFakeState, query: URLSearchParams): Response {
  const quote = query.get("quoteCurrency") ?? "USDT";
  const rows = pick(state.crossMargin, query.get("queryType") ?? "MARGIN", "MARGIN", "MARGIN_V2");
  if (rows === null || !["USDT", "KCS", "BTC"].includes(quote)) return fail(400, "400100", "Parameter Error");
  const merged = new Map<string, { total: Decimal; liability: Decimal }>();
  for (const row of rows) {
    const seen = merged.get(row.currency) ?? { total: dec("0"), liability: dec("0") };
    merged.set(row.currency, { total: add(seen.total, num(row.total)), liability: add(seen.liability, num(row.liability)) });
  }
  const usd = (currency: string, amount: Decimal): Decimal => mulPrice(state, currency, amount);
  const totalAsset = [...merged].reduce((acc, [currency, row]) => add(acc, usd(currency, row.total)), dec("0"));
  const totalLiability = [...merged].reduce((acc, [currency, row]) => add(acc, usd(currency, row.liability)), dec("0"));
  return ok({
    totalAssetOfQuoteCurrency: toPlainString(totalAsset),
    totalLiabilityOfQuoteCurrency: toPlainString(totalLiability),
    debtRatio: "0",
    status: "EFFECTIVE",
    accounts: [...merged].map(([currency, row]) => ({
      currency,
      total: toPlainString(row.total),
      available: toPlainString(row.total),
      hold: "0",
      liability: toPlainString(row.liability),
      liabilityPrincipal: toPlainString(row.liability),
      liabilityInterest: "0",
      maxBorrowSize: "163",
      borrowEnabled: true,
      transferInEnabled: true,
    })),
  });
}

function isolatedMargin(state: KucoinFakeState, query: URLSearchParams): Response {
  const pairs = pick(state.isolatedMargin, query.get("queryType") ?? "ISOLATED", "ISOLATED", "ISOLATED_V2");
  if (pairs === null) return fail(400, "400100", "Parameter Error");
  const side = (row: FakeKucoinMarginAsset): Record<string, unknown> => ({
    currency: row.currency,
    borrowEnabled: true,
    transferInEnabled: true,
    liability: row.liability ?? "0",
    liabilityPrincipal: row.liability ?? "0",
    liabilityInterest: "0",
    total: row.total,
    available: row.total,
    hold: "0",
    maxBorrowSize: "0",
  });
  const sides = pairs.flatMap((pair) => [pair.base, pair.quote]);
  return ok({
    totalAssetOfQuoteCurrency: toPlainString(sides.reduce((acc, row) => add(acc, mulPrice(state, row.currency, num(row.total))), dec("0"))),
    totalLiabilityOfQuoteCurrency: toPlainString(
      sides.reduce((acc, row) => add(acc, mulPrice(state, row.currency, num(row.liability))), dec("0")),
    ),
    timestamp: state.now(),
    assets: pairs.map((pair) => ({
      symbol: pair.symbol,
      status: "EFFECTIVE",
      debtRatio: "0",
      baseAsset: side(pair.base),
      quoteAsset: side(pair.quote),
    })),
  });
}

/** Numbers, not strings, as KuCoin's futures API sends them; a currency without an account answers zeros. */
function futuresOverview(state: KucoinFakeState, currency: string): unknown {
  const account = state.futures[currency] ?? { accountEquity: 0, unrealisedPNL: 0 };
  const pnl = account.unrealisedPNL ?? 0;
  return {
    accountEquity: account.accountEquity,
    unrealisedPNL: pnl,
    marginBalance: account.accountEquity - pnl,
    positionMargin: 0,
    orderMargin: 0,
    frozenFunds: 0,
    availableBalance: account.accountEquity - pnl,
    currency,
    riskRatio: 0,
    maxWithdrawAmount: account.accountEquity - pnl,
  };
}

function contracts(state: KucoinFakeState): unknown[] {
  return state.settleCurrencies.map((settle) => ({
    symbol: settle === "XBT" ? "XBTUSDM" : `XBT${settle}M`,
    rootSymbol: settle,
    type: "FFWCSX",
    baseCurrency: "XBT",
    quoteCurrency: settle === "XBT" ? "USD" : settle,
    settleCurrency: settle,
    status: "Open",
  }));
}

/** `pageSize` 10–500 (default 15), `currentPage` (default 1), `totalPage` [§4.5]. */
function earn(state: KucoinFakeState, query: URLSearchParams): Response {
  const pageSize = Number(query.get("pageSize") ?? "15");
  const currentPage = Number(query.get("currentPage") ?? "1");
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 500 || !Number.isInteger(currentPage) || currentPage < 1)
    return fail(400, "400100", "Parameter Error");
  const items = state.earn.slice((currentPage - 1) * pageSize, currentPage * pageSize).map((item, i) => ({
    orderId: String(2767291 + i),
    productId: "2611",
    productCategory: item.productCategory ?? "DEMAND",
    productType: "DEMAND",
    currency: item.currency,
    incomeCurrency: item.currency,
    returnRate: "0.03471727",
    holdAmount: item.holdAmount,
    redeemedAmount: "0",
    redeemingAmount: item.redeemingAmount ?? "0",
    lockStartTime: 1701252000000,
    lockEndTime: null,
    purchaseTime: 1729257513000,
    redeemPeriod: 3,
    status: item.status ?? "LOCKED",
    earlyRedeemSupported: 0,
  }));
  return ok({ totalNum: state.earn.length, totalPage: Math.ceil(state.earn.length / pageSize), currentPage, pageSize, items });
}

function allTickers(state: KucoinFakeState, nowMs: number): unknown {
  const ticker = Object.entries(state.tickers).map(([symbol, last]) => ({
    symbol,
    symbolName: symbol,
    buy: last,
    bestBidSize: "0.5",
    sell: last,
    bestAskSize: "1.2",
    changeRate: "-0.0014",
    changePrice: "-98.5",
    high: last,
    low: last,
    vol: "1836.03034612",
    volValue: "124068431.06726933",
    last,
    averagePrice: last,
    takerFeeRate: "0.001",
    makerFeeRate: "0.001",
    takerCoefficient: "1",
    makerCoefficient: "1",
  }));
  return { time: nowMs, ticker };
}

function apiKeyInfo(key: KucoinFakeKey): unknown {
  return {
    remark: key.remark,
    apiKey: key.apiKey,
    apiVersion: key.apiVersion,
    permission: key.permissions.join(","),
    // KuCoin masks the whitelist it reports [§7].
    ipWhitelist: key.allowedIps === null ? "" : key.allowedIps.map((ip) => ip.replace(/^(\d+)\.\d+\.\d+\.(\d+)$/, "$1.**.$2")).join(","),
    createdAt: key.createdAt,
    uid: 165111215,
    isMaster: key.isMaster,
    ...(key.subName === undefined ? {} : { subName: key.subName }),
  };
}

/** The fake's own valuation for the margin totals: C-USDT last, stablecoins 1, else 0. */
function mulPrice(state: KucoinFakeState, currency: string, amount: Decimal): Decimal {
  if (["USDT", "USDC"].includes(currency)) return amount;
  const last = state.tickers[`${currency}-USDT`];
  return mul(amount, last ? num(last) : dec("0"));
}

/** The fake's own arithmetic treats a missing amount as 0; the client must not. */
function num(text: string | undefined): Decimal {
  return (text === undefined ? null : parseDecimal(text)) ?? dec("0");
}

function ok(data: unknown): Response {
  return Response.json({ code: "200000", data });
}

function fail(status: number, code: string, msg: string): Response {
  return Response.json({ code, msg }, { status });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
