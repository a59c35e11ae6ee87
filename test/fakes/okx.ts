// A fake OKX V5 REST API on 127.0.0.1 for tests. It checks what OKX checks (headers present, key, a timestamp within
// 30 s of its own shiftable clock, passphrase, and the signature recomputed from the raw request) and answers in
// OKX's wire format: string codes, numbers as strings, "" for absent values, OKX's error bodies and HTTP statuses.
// [OKX V5 docs: overview "REST authentication", error-code; reference/exchanges.md §2]
import { createHmac } from "node:crypto";
import { add, type Decimal, dec, div, mul, parseDecimal, round, sum, toFixed, toPlainString } from "../../src/lib/money.ts";
import { createFaultList, delayOrHold, type ExchangeFake, exchangeFake, type Fault, frontAnswer } from "./faults.ts";
import { type FakeServer, fillEchoes, jsonEscape, type RecordedRequest, startFake } from "./server.ts";

interface OkxFakeTradingCoin {
  readonly ccy: string;
  readonly eq: string;
  /** Default: eq × usdPrices[ccy], as OKX values with its index price. "" to send an empty field. */
  readonly eqUsd?: string;
}

interface OkxFakeFundingCoin {
  readonly ccy: string;
  /** availBal + frozenBal; "" to send an empty field. */
  readonly bal: string;
}

/**
 * OKX's faults (faults.ts), on the signed endpoints: `code`/`message` are OKX's error body `{"msg","code"}` with
 * `status` (default 400), answered before authentication as OKX's gateway does. `body` and `message` may quote
 * the request's credentials, as an error naming the key or passphrase would: {{apiKey}} and {{passphrase}} are
 * the OK-ACCESS-KEY and OK-ACCESS-PASSPHRASE received, {{apiSecret}} the key's secret (JSON-escaped in JSON).
 */
export type OkxFault = Fault;

export interface OkxFakeState {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  /** OKX's clock; requests whose OK-ACCESS-TIMESTAMP is more than 30 s away get 50102. */
  serverTimeMs: number;
  /** What /api/v5/public/time reports, when it should disagree with serverTimeMs (to prove the client retries once). */
  publicTimeMs: number | null;
  /** USD index price per coin: values eqUsd, the funding account and the valuation. */
  usdPrices: Record<string, string>;
  trading: OkxFakeTradingCoin[];
  /** account/balance totalEq; null: Σ eqUsd. */
  tradingTotalEq: string | null;
  funding: OkxFakeFundingCoin[];
  earnUsd: string;
  classicUsd: string;
  /** asset-valuation totalBal in USD; null: trading + funding + earn + classic, computed like OKX. */
  valuationTotal: string | null;
  /** Spot last prices by instId; null: "COIN-USDT" for every priced coin, derived from usdPrices. */
  spotTickers: Record<string, string> | null;
  perm: string;
  ip: string;
  label: string;
  uid: string;
  mainUid: string;
  /**
   * Whether asset-valuation's 1 request per second per user ID is enforced (50011, HTTP 429). Off only where several
   * processes share the fake at once and the test is about something else.
   */
  enforceRateLimit: boolean;
}

export type OkxFake = ExchangeFake<OkxFakeState, OkxFault>;

export const OKX_FAKE_NOW = Date.parse("2026-11-24T10:00:00.000Z");

export function okxFakeState(overrides: Partial<OkxFakeState> = {}): OkxFakeState {
  return {
    apiKey: "4f1c2a7e-okx-test-key",
    apiSecret: "7D3E1F0A9B8C6D5E4F3A2B1C0D9E8F7A",
    passphrase: "Correct-Horse-7",
    serverTimeMs: OKX_FAKE_NOW,
    publicTimeMs: null,
    usdPrices: { USDT: "1" },
    trading: [],
    tradingTotalEq: null,
    funding: [],
    earnUsd: "0",
    classicUsd: "0",
    valuationTotal: null,
    spotTickers: null,
    perm: "read_only",
    ip: "",
    label: "pfbot",
    uid: "512340987612345678",
    mainUid: "512340987612345678",
    enforceRateLimit: true,
    ...overrides,
  };
}

/** realisticOkxAccount()'s asset-valuation total, to the cent (checked by hand in test/okx.test.ts). */
export const REALISTIC_OKX_TOTAL_USD = "16444.83";

/**
 * A realistic account: USDT slightly under $1, ETH in both the trading and funding accounts, SOL and USDC only in
 * funding (priced by spot ticker and as a stablecoin), a PEPE dust position, and Simple Earn that only the
 * valuation sees.
 */
export function realisticOkxAccount(): OkxFakeState {
  return okxFakeState({
    usdPrices: { USDT: "0.99962", USDC: "1.00005", BTC: "91234.56", ETH: "3012.4", SOL: "142.35", PEPE: "0.0000071" },
    trading: [
      { ccy: "USDT", eq: "2503.12345678" },
      { ccy: "BTC", eq: "0.04215" },
      { ccy: "ETH", eq: "1.5" },
      { ccy: "PEPE", eq: "12000" },
    ],
    funding: [
      { ccy: "USDT", bal: "1200.5" },
      { ccy: "ETH", bal: "0.25" },
      { ccy: "SOL", bal: "10.123" },
      { ccy: "USDC", bal: "350" },
    ],
    earnUsd: "1834.27",
  });
}

export async function startOkxFake(state: OkxFakeState = okxFakeState()): Promise<OkxFake> {
  const faults = createFaultList<OkxFault>();
  const valuationLimit = perUserLimit(VALUATION_INTERVAL_MS);
  const signed = (answer: (state: OkxFakeState, request: RecordedRequest) => Response) => async (request: RecordedRequest) => {
    const fault = faults.take(request.path);
    const held = await delayOrHold(faults, fault);
    if (held) return held;
    const echoes = {
      apiKey: request.headers.get("OK-ACCESS-KEY") ?? "",
      passphrase: request.headers.get("OK-ACCESS-PASSPHRASE") ?? "",
      apiSecret: state.apiSecret,
    };
    const fill = (text: string) => fillEchoes(text, echoes, text.startsWith("{") ? jsonEscape : undefined);
    const front = frontAnswer(fault, fill);
    if (front) return front;
    if (fault?.code !== undefined) {
      const body =
        fault.body !== undefined
          ? fill(fault.body)
          : JSON.stringify({ msg: fillEchoes(fault.message ?? "forced error", echoes), code: String(fault.code) });
      return new Response(body, { status: fault.status ?? 400, headers: { "content-type": "application/json", ...fault.headers } });
    }
    return authError(state, request) ?? answer(state, request);
  };
  const server: FakeServer = await startFake({
    "GET /api/v5/asset/asset-valuation": signed((s, request) => valuationLimit(s) ?? valuation(s, request)),
    "GET /api/v5/account/balance": signed(tradingAccount),
    "GET /api/v5/asset/balances": signed((s) =>
      ok(s.funding.map((c) => ({ availBal: c.bal, bal: c.bal, ccy: c.ccy, frozenBal: c.bal === "" ? "" : "0" }))),
    ),
    "GET /api/v5/account/config": signed(accountConfig),
    // A fault answers the public time from in front of OKX (a gateway, a proxy): OKX itself never refuses it.
    "GET /api/v5/public/time": async (request) => {
      const fault = faults.take(request.path);
      return (await delayOrHold(faults, fault)) ?? frontAnswer(fault) ?? ok([{ ts: String(state.publicTimeMs ?? state.serverTimeMs) }]);
    },
    "GET /api/v5/market/tickers": (request) => tickers(state, request),
  });
  return exchangeFake(server, state, faults);
}

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** OKX's checks in the order its errors suggest; every auth failure is HTTP 401 [error-code]. */
function authError(state: OkxFakeState, request: RecordedRequest): Response | null {
  const header = (name: string): string | null => request.headers.get(name);
  const key = header("OK-ACCESS-KEY");
  const sign = header("OK-ACCESS-SIGN");
  const timestamp = header("OK-ACCESS-TIMESTAMP");
  const passphrase = header("OK-ACCESS-PASSPHRASE");
  if (!key) return fail("50103", "Request header OK-ACCESS-KEY can not be empty.");
  if (!sign) return fail("50106", "Request header OK-ACCESS-SIGN can not be empty.");
  if (!timestamp) return fail("50107", "Request header OK-ACCESS-TIMESTAMP can not be empty.");
  if (!passphrase) return fail("50104", "Request header OK-ACCESS-PASSPHRASE can not be empty.");
  if (!TIMESTAMP_RE.test(timestamp)) return fail("50112", "Invalid OK-ACCESS-TIMESTAMP");
  if (key !== state.apiKey) return fail("50111", "Invalid OK-ACCESS-KEY");
  // A live key with the demo header is rejected [exchanges.md §2.1].
  if (request.headers.get("x-simulated-trading") === "1") return fail("50101", "APIKey does not match current environment.");
  if (Math.abs(Date.parse(timestamp) - state.serverTimeMs) > 30_000) {
    return Response.json({ code: "50102", data: [], msg: "Timestamp request expired" }, { status: 401 });
  }
  if (passphrase !== state.passphrase) return fail("50105", "Request header OK-ACCESS-PASSPHRASE incorrect.");
  // requestPath is the path plus "?query" as received; a GET body must be empty, and the body is signed anyway.
  const requestPath = request.rawQuery === "" ? request.path : `${request.path}?${request.rawQuery}`;
  // Recomputed with node:crypto, not the client's signOkx, so a wrong client signature cannot agree with itself.
  const expected = createHmac("sha256", state.apiSecret)
    .update(timestamp + request.method + requestPath + request.body)
    .digest("base64");
  if (sign !== expected) return fail("50113", "Invalid Sign");
  return null;
}

/** asset-valuation: 1 request per second per user ID, whichever key or app asks [funding-account; exchanges.md §2.8]. */
const VALUATION_INTERVAL_MS = 1_000;

/**
 * OKX's per-user rate limit on one endpoint, on the fake's clock (serverTimeMs): a request less than `intervalMs`
 * after the last one let through gets 50011 with HTTP 429, as OKX answers it [error-code]; a refused one does not
 * move the window.
 */
function perUserLimit(intervalMs: number): (state: OkxFakeState) => Response | null {
  const lastAllowed = new Map<string, number>();
  return (state) => {
    if (!state.enforceRateLimit) return null;
    const now = state.serverTimeMs;
    const last = lastAllowed.get(state.uid);
    if (last !== undefined && now >= last && now - last < intervalMs) {
      return Response.json({ msg: "Too Many Requests", code: "50011" }, { status: 429 });
    }
    lastAllowed.set(state.uid, now);
    return null;
  };
}

function valuation(state: OkxFakeState, request: RecordedRequest): Response {
  const ccy = request.query.get("ccy") ?? "BTC";
  const trading = tradingTotal(state);
  const funding = sum(state.funding.map((coin) => mul(amount(coin.bal), usd(state, coin.ccy))));
  const earn = amount(state.earnUsd);
  const classic = amount(state.classicUsd);
  const total = state.valuationTotal !== null ? amount(state.valuationTotal) : add(add(trading, funding), add(earn, classic));
  // Without ccy OKX values in BTC: a client that forgets ccy=USD gets a wrong figure, as it would live.
  const unit = ccy === "USD" ? dec("1") : ccy === "BTC" ? usd(state, "BTC") : null;
  if (unit === null || unit.coef === 0n) return Response.json({ code: "51000", data: [], msg: "Parameter ccy error" }, { status: 400 });
  const inUnit = (value: Decimal): string => toFixed(div(value, unit), 8);
  return ok([
    {
      details: { classic: inUnit(classic), earn: inUnit(earn), funding: inUnit(funding), trading: inUnit(trading) },
      totalBal: state.valuationTotal !== null && ccy === "USD" ? state.valuationTotal : inUnit(total),
      ts: String(state.serverTimeMs),
    },
  ]);
}

function tradingAccount(state: OkxFakeState): Response {
  const details = state.trading.map((coin) => ({
    availBal: coin.eq,
    availEq: coin.eq,
    cashBal: coin.eq,
    ccy: coin.ccy,
    crossLiab: "0",
    disEq: eqUsd(state, coin),
    eq: coin.eq,
    eqUsd: eqUsd(state, coin),
    frozenBal: "0",
    imr: "",
    isoEq: "0",
    liab: "0",
    mgnRatio: "",
    openAvgPx: "",
    ordFrozen: "0",
    spotBal: "",
    stgyEq: "0",
    uTime: String(state.serverTimeMs - 60_000),
    upl: "0",
  }));
  return ok([
    {
      adjEq: "",
      availEq: "",
      borrowFroz: "",
      details,
      imr: "",
      isoEq: "0",
      mgnRatio: "",
      mmr: "",
      notionalUsd: "",
      ordFroz: "",
      totalEq: state.tradingTotalEq ?? toFixed(tradingTotal(state), 8),
      uTime: String(state.serverTimeMs),
      upl: "",
    },
  ]);
}

function accountConfig(state: OkxFakeState): Response {
  return ok([
    {
      acctLv: "2",
      autoLoan: false,
      ip: state.ip,
      kycLv: "2",
      label: state.label,
      level: "Lv1",
      mainUid: state.mainUid,
      perm: state.perm,
      posMode: "net_mode",
      roleType: "0",
      type: state.uid === state.mainUid ? "0" : "1",
      uid: state.uid,
    },
  ]);
}

function tickers(state: OkxFakeState, request: RecordedRequest): Response {
  if (request.query.get("instType") !== "SPOT")
    return Response.json({ code: "51000", data: [], msg: "Parameter instType error" }, { status: 400 });
  const table = state.spotTickers ?? derivedTickers(state);
  const ts = String(state.serverTimeMs);
  return ok(
    Object.entries(table).map(([instId, last]) => ({
      instType: "SPOT",
      instId,
      last,
      lastSz: "0.1",
      askPx: last,
      askSz: "1",
      bidPx: last,
      bidSz: "1",
      open24h: last,
      high24h: last,
      low24h: last,
      volCcy24h: "1000",
      vol24h: "10",
      sodUtc0: last,
      sodUtc8: last,
      ts,
    })),
  );
}

function derivedTickers(state: OkxFakeState): Record<string, string> {
  const usdt = usd(state, "USDT");
  const table: Record<string, string> = {};
  for (const [ccy, price] of Object.entries(state.usdPrices)) {
    if (ccy !== "USDT" && usdt.coef !== 0n) table[`${ccy}-USDT`] = toFixed(div(amount(price), usdt), 8);
  }
  return table;
}

function tradingTotal(state: OkxFakeState): Decimal {
  if (state.tradingTotalEq !== null) return amount(state.tradingTotalEq);
  return sum(state.trading.map((coin) => amount(eqUsd(state, coin))));
}

function eqUsd(state: OkxFakeState, coin: OkxFakeTradingCoin): string {
  return coin.eqUsd ?? toPlainString(round(mul(amount(coin.eq), usd(state, coin.ccy)), 12));
}

function usd(state: OkxFakeState, ccy: string): Decimal {
  return amount(state.usdPrices[ccy] ?? "0");
}

/** The fake's own arithmetic treats "" as 0; the client must not. */
function amount(text: string): Decimal {
  return parseDecimal(text) ?? dec("0");
}

function ok(data: unknown[]): Response {
  return Response.json({ code: "0", data, msg: "" });
}

function fail(code: string, msg: string): Response {
  return Response.json({ msg, code }, { status: 401 });
}
