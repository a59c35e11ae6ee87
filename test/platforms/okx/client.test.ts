import { afterEach, expect, test } from "bun:test";
import { sub, sum, toFixed } from "../../../src/lib/money.ts";
import {
  createOkxClient,
  OKX_LEFT_OUT_OTHER,
  OKX_SOURCE_FALLBACK,
  OKX_SOURCE_VALUATION,
  type OkxClient,
  okxPrehash,
  signOkx,
} from "../../../src/platforms/okx/client.ts";
import { type PlatformBalance, UNREADABLE_AMOUNT } from "../../../src/platforms/types.ts";
import {
  OKX_FAKE_NOW,
  type OkxFake,
  type OkxFakeState,
  type OkxFault,
  okxFakeState,
  REALISTIC_OKX_TOTAL_USD,
  realisticOkxAccount,
  startOkxFake,
} from "../../fakes/okx.ts";
import { fakeClock } from "../../support/clock.ts";
import { expectPlatformError } from "../../support/platform-error.ts";

const VALUATION = "/api/v5/asset/asset-valuation";
const TRADING = "/api/v5/account/balance";
const FUNDING = "/api/v5/asset/balances";
const CONFIG = "/api/v5/account/config";
const TIME = "/api/v5/public/time";
const TICKERS = "/api/v5/market/tickers";

let fake: OkxFake | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

interface Setup {
  readonly fake: OkxFake;
  readonly client: OkxClient;
  readonly sleeps: number[];
}

async function setup(
  state: OkxFakeState,
  credentials: Partial<{ apiKey: string; apiSecret: string; passphrase: string }> = {},
  timeoutMs = 2_000,
  faults: OkxFault[] = [],
): Promise<Setup> {
  fake = await startOkxFake(state);
  fake.faults.add(...faults);
  const sleeps: number[] = [];
  const client = createOkxClient({
    baseUrl: `${fake.url}/`,
    fetch,
    now: () => OKX_FAKE_NOW,
    sleep: async (ms) => void sleeps.push(ms),
    timeoutMs,
    apiKey: credentials.apiKey ?? state.apiKey,
    apiSecret: credentials.apiSecret ?? state.apiSecret,
    passphrase: credentials.passphrase ?? state.passphrase,
  });
  return { fake, client, sleeps };
}

const signal = () => new AbortController().signal;

/** The breakdown as "asset=usd" to the cent, in order. */
function breakdown(balance: PlatformBalance): string[] {
  return balance.assets.map((a) => `${a.asset}=${toFixed(a.usd, 2)}`);
}

/** What the total holds beyond the listed coins: the report's "other" (the client lists coins only). */
function unlisted(balance: PlatformBalance): string {
  return toFixed(sub(sum(balance.holdings.map((h) => h.money.amount)), sum(balance.assets.map((a) => a.usd))), 2);
}

function totalUsd(balance: PlatformBalance): string {
  expect(balance.holdings).toHaveLength(1);
  expect(balance.holdings[0]?.money.currency).toBe("USD");
  expect(balance.holdings[0]?.label).toBe("account");
  expect(balance.holdings[0]?.asOf).toBeNull();
  return toFixed(balance.holdings[0]!.money.amount, 2);
}

test("signing reproduces the reference test vectors byte for byte", () => {
  const secret = "9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D";
  const timestamp = "2025-11-24T16:00:00.000Z";
  expect(okxPrehash({ timestamp, method: "GET", requestPath: "/api/v5/asset/asset-valuation?ccy=USD", body: "" })).toBe(
    "2025-11-24T16:00:00.000ZGET/api/v5/asset/asset-valuation?ccy=USD",
  );
  const vectors: Array<[string, string]> = [
    ["/api/v5/asset/asset-valuation?ccy=USD", "uK5mY5+ozWtK4/KGyh/I1qScaEAgqp5OChRX3WCujmo="],
    ["/api/v5/account/balance", "EA0s3UbgTOk2e0ka5cG1Hh7DndOPwpCQNwkiRbzJlSc="],
    ["/api/v5/asset/balances", "jzpW9nc7gEseAXQraCMh7xnzsmcax/WIrqElCjAHO7c="],
    ["/api/v5/account/config", "y9n2m4kHq9mH2qFEXq8Xtyd1OuakOquLGdyhCi7Cano="],
  ];
  for (const [requestPath, expected] of vectors) {
    expect(signOkx({ timestamp, method: "GET", requestPath, body: "", secret })).toBe(expected);
  }
});

test("requests carry the four OK-ACCESS headers, an ISO millisecond timestamp and ccy=USD", async () => {
  const { client, fake } = await setup(realisticOkxAccount());
  await client.fetchBalance(signal());
  const [request] = fake.requestsTo(VALUATION);
  expect(request?.rawQuery).toBe("ccy=USD");
  expect(request?.headers.get("OK-ACCESS-TIMESTAMP")).toBe("2026-11-24T10:00:00.000Z");
  expect(request?.headers.get("OK-ACCESS-PASSPHRASE")).toBe(fake.state.passphrase);
  expect(request?.headers.get("OK-ACCESS-KEY")).toBe(fake.state.apiKey);
  expect(request?.headers.get("OK-ACCESS-SIGN")).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(request?.headers.get("x-simulated-trading")).toBeNull();
  expect(request?.body).toBe("");
});

test("the fake rejects a signature over another request path with OKX's own 401 body", async () => {
  const state = okxFakeState();
  fake = await startOkxFake(state);
  const timestamp = "2026-11-24T10:00:00.000Z";
  const response = await fetch(`${fake.url}${VALUATION}?ccy=USD`, {
    headers: {
      "OK-ACCESS-KEY": state.apiKey,
      "OK-ACCESS-PASSPHRASE": state.passphrase,
      "OK-ACCESS-TIMESTAMP": timestamp,
      // Signed without the query string: the classic mistake.
      "OK-ACCESS-SIGN": signOkx({ timestamp, method: "GET", requestPath: VALUATION, body: "", secret: state.apiSecret }),
    },
  });
  expect(response.status).toBe(401);
  expect(await response.text()).toBe('{"msg":"Invalid Sign","code":"50113"}');
});

test("a realistic account with trading, funding and Earn totals to the cent, each coin once, Earn left unlisted", async () => {
  const { client, fake } = await setup(realisticOkxAccount());
  const balance = await client.fetchBalance(signal());
  expect(balance.platform).toBe("okx");
  expect(balance.source).toBe(OKX_SOURCE_VALUATION);
  expect(totalUsd(balance)).toBe(REALISTIC_OKX_TOTAL_USD);
  // ETH and USDT sit in both accounts and appear once each; SOL is priced from the spot ticker, USDC as a
  // stablecoin, PEPE ($0.09) is dust; Earn ($1834.27) is what the two accounts do not explain: no invented coin for it.
  expect(breakdown(balance)).toEqual(["ETH=5271.70", "BTC=3845.54", "USDT=3702.22", "SOL=1441.01", "USDC=350.00"]);
  expect(unlisted(balance)).toBe("1834.37"); // Earn and the dust
  expect(balance.warnings).toEqual([]);
  expect(balance.asOf).toBeNull();
  expect(fake.requestsTo(TICKERS)).toHaveLength(1);
  expect(fake.requestsTo(TICKERS)[0]?.rawQuery).toBe("instType=SPOT");
});

test("a coin in both accounts is summed once and the total is never valuation plus parts", async () => {
  const { client } = await setup(
    okxFakeState({
      usdPrices: { USDT: "1", ETH: "3000" },
      trading: [{ ccy: "ETH", eq: "2" }],
      funding: [{ ccy: "ETH", bal: "1" }],
    }),
  );
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("9000.00");
  expect(breakdown(balance)).toEqual(["ETH=9000.00"]);
});

test("a funding stablecoin on the shared list is $1 without a ticker; another dollar coin is priced from the market", async () => {
  const { client } = await setup(
    okxFakeState({
      usdPrices: { USDT: "1", DAI: "0.998", RLUSD: "1" },
      funding: [
        { ccy: "DAI", bal: "1000" },
        { ccy: "RLUSD", bal: "500" },
      ],
      // OKX lists no RLUSD pair here: only the shared list can price it.
      spotTickers: { "DAI-USDT": "0.998" },
    }),
  );
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("1498.00");
  expect(breakdown(balance)).toEqual(["DAI=998.00", "RLUSD=500.00"]);
  expect(balance.warnings).toEqual([]);
});

test("a small gap between the total and the parts is not shown as other", async () => {
  // $3 on a $9003 total is 0.03 %: price drift between calls, not a missing wallet.
  const { client } = await setup(okxFakeState({ usdPrices: { USDT: "1", ETH: "3000" }, trading: [{ ccy: "ETH", eq: "3" }], earnUsd: "3" }));
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("9003.00");
  expect(breakdown(balance)).toEqual(["ETH=9000.00"]);
});

test("a valuation below what the accounts hold never wins: the accounts' figure, partial, never a negative other", async () => {
  const { client } = await setup(
    okxFakeState({ usdPrices: { USDT: "1", ETH: "3000" }, trading: [{ ccy: "ETH", eq: "3" }], valuationTotal: "8500" }),
  );
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("9000.00");
  expect(balance.source).toBe(OKX_SOURCE_FALLBACK);
  expect(breakdown(balance)).toEqual(["ETH=9000.00"]);
  expect(balance.leftOut).toEqual([OKX_LEFT_OUT_OTHER]);
  expect(balance.warnings).toEqual([
    "OKX asset-valuation's total (8500.00 USD) is less than the trading and funding accounts hold (9000.00 USD), so the total is the accounts'",
  ]);
});

test("a $0 valuation with a funding account unreadable: the trading account's figure, naming both gaps", async () => {
  const state = realisticOkxAccount();
  state.valuationTotal = "0";
  const { client } = await setup(state, {}, 2_000, [
    { path: FUNDING, code: "50120", message: "API key permission insufficient", status: 200 },
  ]);
  const balance = await client.fetchBalance(signal());
  // totalEq of the trading account alone.
  expect(totalUsd(balance)).toBe("10866.39");
  expect(balance.leftOut).toEqual([OKX_LEFT_OUT_OTHER, "funding account not valued (code 50120, permission)"]);
});

test("a valuation a hair below the accounts (under 0.5 %) stays the total, complete", async () => {
  const { client } = await setup(
    okxFakeState({ usdPrices: { USDT: "1", ETH: "3000" }, trading: [{ ccy: "ETH", eq: "3" }], valuationTotal: "8960" }),
  );
  const balance = await client.fetchBalance(signal());
  expect([totalUsd(balance), balance.source, balance.leftOut, balance.warnings]).toEqual(["8960.00", OKX_SOURCE_VALUATION, [], []]);
});

test("an empty account is zero, not an error, and needs no prices", async () => {
  const { client, fake } = await setup(okxFakeState());
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("0.00");
  expect(balance.assets).toEqual([]);
  expect(balance.warnings).toEqual([]);
  expect(fake.requestsTo(TICKERS)).toHaveLength(0);
});

test("empty-string and missing amounts and unknown coins never crash and never become NaN", async () => {
  const { client } = await setup(
    okxFakeState({
      usdPrices: { USDT: "1", ETH: "3000", ARB: "0.5" },
      trading: [
        { ccy: "ARB", eq: "100", eqUsd: "" },
        { ccy: "XYZ", eq: "", eqUsd: "" },
      ],
      funding: [
        { ccy: "ETH", bal: "" },
        { ccy: "NEWCOIN", bal: "42" },
      ],
      valuationTotal: "77.5",
    }),
  );
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("77.50");
  // ARB is valued from its spot ticker; the $27.50 left stays in the total, unlisted.
  expect(breakdown(balance)).toEqual(["ARB=50.00"]);
  expect(unlisted(balance)).toBe("27.50");
  expect(balance.warnings).toEqual([
    "OKX coins without a USD price, in the total but not listed: XYZ (trading, no amount), ETH (funding, no amount), NEWCOIN 42 (funding)",
  ]);
  expect(JSON.stringify(balance, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain("NaN");
});

test("a missing totalBal is a bad response that falls back to trading + funding, marked partial", async () => {
  const state = realisticOkxAccount();
  const { client } = await setup(state, {}, 20_000, [
    { path: VALUATION, status: 200, body: JSON.stringify({ code: "0", msg: "", data: [{ ts: "1", details: {} }] }) },
  ]);
  const balance = await client.fetchBalance(signal());
  expect(balance.source).toBe(OKX_SOURCE_FALLBACK);
  expect(balance.warnings[0]).toBe("OKX asset-valuation failed (bad-response), so the total is the trading and funding accounts only");
  expect(balance.leftOut).toEqual([OKX_LEFT_OUT_OTHER]);
  // An unreadable answer is asked for once more, after asset-valuation's 1 s interval.
  expect(fake!.requestsTo(VALUATION)).toHaveLength(2);
});

test.each(["NaN", "Infinity", "1e", "abc"])(
  "an unreadable totalBal %p fails OKX as a bad response, never a fallback or 0",
  async (garbage) => {
    const state = realisticOkxAccount();
    state.valuationTotal = garbage;
    const { client } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
    expect(error.message).toContain(`totalBal = ${JSON.stringify(garbage)}`);
  },
);

test("an unreadable eqUsd, eq, totalEq or bal fails OKX under a good valuation and in the fallback alike", async () => {
  const corrupt: ((state: OkxFakeState) => void)[] = [
    (state) => {
      state.trading = [{ ccy: "BTC", eq: "1", eqUsd: "NaN" }];
    },
    (state) => {
      state.trading = [{ ccy: "USDT", eq: "Infinity", eqUsd: "" }];
    },
    (state) => {
      state.tradingTotalEq = "NaN";
    },
    (state) => {
      state.funding = [{ ccy: "USDT", bal: "-Infinity" }];
    },
  ];
  for (const spoil of corrupt) {
    for (const valuationFails of [false, true]) {
      const state = realisticOkxAccount();
      spoil(state);
      const { client } = await setup(
        state,
        {},
        2_000,
        valuationFails ? [{ path: VALUATION, code: "50011", message: "Too Many Requests", status: 429 }] : [],
      );
      const error = await expectPlatformError(client.fetchBalance(signal()));
      expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
      await fake?.stop();
      fake = null;
    }
  }
});

test("a valuation still rate-limited when asked again falls back to totalEq + funding, partial, without double counting", async () => {
  const state = realisticOkxAccount();
  const { client, fake, sleeps } = await setup(state, {}, 20_000, [
    { path: VALUATION, code: "50011", message: "Too Many Requests", status: 429 },
  ]);
  const balance = await client.fetchBalance(signal());
  expect(balance.source).toBe(OKX_SOURCE_FALLBACK);
  // totalEq 10866.39 + funding 3744.15; Earn is missing and said so.
  expect(totalUsd(balance)).toBe("14610.55");
  expect(breakdown(balance)).toEqual(["ETH=5271.70", "BTC=3845.54", "USDT=3702.22", "SOL=1441.01", "USDC=350.00"]);
  expect(balance.leftOut).toEqual(["Earn and other OKX accounts not valued"]);
  expect(balance.warnings).toEqual([
    "OKX asset-valuation failed (code 50011, rate-limit; its limit of 1 request per second is shared by every app using the account), so the total is the trading and funding accounts only",
  ]);
  expect(fake.requestsTo(VALUATION)).toHaveLength(2);
  expect(sleeps).toEqual([1_000]);
});

/** A client and the fake on one test clock: its sleeps advance the time OKX's rate limit is counted on. */
async function setupOnClock(state: OkxFakeState, faults: OkxFault[] = [], timeoutMs = 20_000) {
  const clock = fakeClock(OKX_FAKE_NOW);
  Object.defineProperty(state, "serverTimeMs", { get: clock.now, enumerable: true });
  fake = await startOkxFake(state);
  fake.faults.add(...faults);
  const app = (): OkxClient =>
    createOkxClient({
      baseUrl: fake!.url,
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      timeoutMs,
      apiKey: state.apiKey,
      apiSecret: state.apiSecret,
      passphrase: state.passphrase,
    });
  return { fake, clock, client: app(), otherApp: app() };
}

test("the fake limits asset-valuation to 1 request per second per user ID, as OKX does: 50011 with HTTP 429", async () => {
  const { fake, clock, otherApp } = await setupOnClock(realisticOkxAccount());
  await otherApp.fetchBalance(signal());
  const url = `${fake.url}${VALUATION}?ccy=USD`;
  const ask = async () => {
    const timestamp = new Date(clock.now()).toISOString();
    const state = fake.state;
    const sign = signOkx({ timestamp, method: "GET", requestPath: `${VALUATION}?ccy=USD`, body: "", secret: state.apiSecret });
    const headers = {
      "OK-ACCESS-KEY": state.apiKey,
      "OK-ACCESS-SIGN": sign,
      "OK-ACCESS-TIMESTAMP": timestamp,
      "OK-ACCESS-PASSPHRASE": state.passphrase,
    };
    const response = await fetch(url, { headers });
    return [response.status, ((await response.json()) as { code: string }).code];
  };
  clock.advance(999);
  expect(await ask()).toEqual([429, "50011"]);
  clock.advance(1);
  expect(await ask()).toEqual([200, "0"]);
});

test("asset-valuation taken by another app on the account is asked once more after its 1 s interval: complete", async () => {
  const { fake, clock, client, otherApp } = await setupOnClock(realisticOkxAccount());
  await otherApp.fetchBalance(signal());
  const balance = await client.fetchBalance(signal());
  expect(balance.source).toBe(OKX_SOURCE_VALUATION);
  expect(totalUsd(balance)).toBe(REALISTIC_OKX_TOTAL_USD);
  expect(balance.leftOut).toEqual([]);
  expect(balance.warnings).toEqual([]);
  expect(clock.sleeps).toEqual([1_000]);
  // The other app's request, then ours twice.
  expect(fake.requestsTo(VALUATION)).toHaveLength(3);
});

test.each([
  ["system busy 50013 (HTTP 429)", { code: "50013", message: "System is busy, please try again later", status: 429 }],
  ["endpoint timeout 50004 (HTTP 400)", { code: "50004", message: "Endpoint request timeout", status: 400 }],
  ["an unreadable answer", { status: 200, body: '{"code":"0","data":[{"details":{}}]' }],
])("asset-valuation failing once with %s is asked again and the figure is complete", async (_what, fault) => {
  const { fake, client, clock } = await setupOnClock(realisticOkxAccount(), [{ path: VALUATION, times: 1, ...fault }]);
  const balance = await client.fetchBalance(signal());
  expect([balance.source, totalUsd(balance), balance.leftOut]).toEqual([OKX_SOURCE_VALUATION, REALISTIC_OKX_TOTAL_USD, []]);
  expect(clock.sleeps).toEqual([1_000]);
  expect(fake.requestsTo(VALUATION)).toHaveLength(2);
});

test("a Retry-After longer than 5 s, or a deadline with no room for the pause, gives the partial figure at once", async () => {
  const rateLimited = { path: VALUATION, code: "50011", message: "Too Many Requests", status: 429 };
  const long = await setupOnClock(realisticOkxAccount(), [{ ...rateLimited, headers: { "retry-after": "30" } }]);
  const waited = await long.client.fetchBalance(signal());
  expect([waited.source, waited.leftOut, long.clock.sleeps]).toEqual([OKX_SOURCE_FALLBACK, [OKX_LEFT_OUT_OTHER], []]);
  expect(long.fake.requestsTo(VALUATION)).toHaveLength(1);
  await long.fake.stop();
  // PLATFORM_TIMEOUT_SECONDS=1: a 1 s pause would leave no time for the second asking.
  const short = await setupOnClock(realisticOkxAccount(), [rateLimited], 1_000);
  const quick = await short.client.fetchBalance(signal());
  expect([quick.source, quick.leftOut, short.clock.sleeps]).toEqual([OKX_SOURCE_FALLBACK, [OKX_LEFT_OUT_OTHER], []]);
});

test("a 503 the HTTP helper already retried is not asked a fourth time: the partial figure", async () => {
  const { fake, client, clock } = await setupOnClock(realisticOkxAccount(), [
    { path: VALUATION, status: 503, body: JSON.stringify({ code: "50001", msg: "Service temporarily unavailable", data: [] }) },
  ]);
  const balance = await client.fetchBalance(signal());
  expect([balance.source, balance.leftOut]).toEqual([OKX_SOURCE_FALLBACK, [OKX_LEFT_OUT_OTHER]]);
  expect(fake.requestsTo(VALUATION)).toHaveLength(3);
  expect(clock.sleeps).toEqual([500, 1_000]);
});

test("a coin the fallback cannot price is named among what the figure leaves out, never counted as 0", async () => {
  const state = realisticOkxAccount();
  state.funding.push({ ccy: "NEWCOIN", bal: "42" });
  const { client } = await setupOnClock(state, [{ path: VALUATION, code: "50011", message: "Too Many Requests", status: 429 }]);
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe("14610.55");
  expect(balance.leftOut).toEqual([OKX_LEFT_OUT_OTHER, "coins without a USD price: NEWCOIN 42 (funding)"]);
});

test("a failed funding read leaves the total whole, the funding coins unlisted, and says so", async () => {
  const state = realisticOkxAccount();
  const { client } = await setup(state, {}, 2_000, [
    { path: FUNDING, code: "50120", message: "API key permission insufficient", status: 200 },
  ]);
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe(REALISTIC_OKX_TOTAL_USD);
  expect(breakdown(balance)).toEqual(["ETH=4518.60", "BTC=3845.54", "USDT=2502.17"]);
  expect(unlisted(balance)).toBe("5578.53"); // funding and Earn, and the dust
  expect(balance.warnings).toEqual(["OKX breakdown lacks the funding account (code 50120, permission); the total is complete"]);
});

test("each OKX error code is mapped to a typed error naming what to fix, without secrets", async () => {
  const cases: Array<[string, string, number, string, string]> = [
    ["50111", "Invalid OK-ACCESS-KEY", 401, "auth", "OKX_API_KEY"],
    ["50119", "API key doesn't exist", 401, "auth", "OKX_BASE_URL to https://eea.okx.com or https://us.okx.com"],
    ["50113", "Invalid Sign", 401, "auth", "OKX_API_SECRET"],
    ["50105", "Request header OK-ACCESS-PASSPHRASE incorrect.", 401, "auth", "OKX_API_PASSPHRASE"],
    ["50110", "Your IP is not in linking trusted IP addresses.", 401, "permission", "IP"],
    ["50120", "API key permission insufficient", 200, "permission", "Read permission"],
    ["50101", "APIKey does not match current environment.", 401, "auth", "demo-trading"],
    ["50011", "Too Many Requests", 429, "rate-limit", "wait"],
    ["50011", "Requests too frequent.", 200, "rate-limit", "wait"],
    ["50001", "Service temporarily unavailable, please try again later.", 200, "unavailable", "try again later"],
    ["59999", "Something new", 200, "unavailable", "code 59999: Something new"],
    ["59998", "Unknown auth problem", 401, "auth", "OKX_API_PASSPHRASE"],
  ];
  for (const [code, msg, status, kind, hint] of cases) {
    const state = okxFakeState();
    const { client, fake: server } = await setup(state, {}, 2_000, [{ code, message: msg, status }]);
    const error = await expectPlatformError(client.auditKey(signal()));
    expect([code, error.kind]).toEqual([code, kind]);
    expect(error.code).toBe(code);
    expect(error.message).toContain(hint);
    for (const secret of [state.apiKey, state.apiSecret, state.passphrase]) expect(error.message).not.toContain(secret);
    expect(server.requestsTo(CONFIG)).toHaveLength(1);
    await server.stop();
    fake = null;
  }
});

test("wrong credentials are caught by the fake's own checks and named", async () => {
  const expectations: Array<[Partial<{ apiKey: string; apiSecret: string; passphrase: string }>, string, string]> = [
    [{ apiKey: "someone-elses-key" }, "50111", "OKX_API_KEY"],
    [{ apiSecret: "0000000000000000000000000000000A" }, "50113", "OKX_API_SECRET"],
    // The passphrase pasted as the secret, a known mix-up.
    [{ apiSecret: "Correct-Horse-7" }, "50113", "OKX_API_SECRET"],
    [{ passphrase: "wrong-passphrase" }, "50105", "OKX_API_PASSPHRASE"],
  ];
  for (const [credentials, code, variable] of expectations) {
    const { client, fake: server } = await setup(realisticOkxAccount(), credentials);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect([error.kind, error.code]).toEqual(["auth", code]);
    expect(error.message).toContain(variable);
    for (const secret of Object.values(credentials)) expect(error.message).not.toContain(secret);
    await server.stop();
    fake = null;
  }
});

test("a non-JSON 403 page is a permission error that points at the host", async () => {
  const state = okxFakeState();
  const { client } = await setup(state, {}, 2_000, [{ status: 403, body: "<html><body>Access denied</body></html>" }]);
  const error = await expectPlatformError(client.auditKey(signal()));
  expect([error.kind, error.code]).toEqual(["permission", "HTTP 403"]);
  expect(error.message).toContain("OKX_BASE_URL");
});

test("clock skew (50102) is corrected once from public/time and the requests retried once", async () => {
  const state = realisticOkxAccount();
  state.serverTimeMs = OKX_FAKE_NOW + 45_000;
  const { client, fake } = await setup(state);
  const balance = await client.fetchBalance(signal());
  expect(totalUsd(balance)).toBe(REALISTIC_OKX_TOTAL_USD);
  expect(client.clockOffsetMs()).toBe(45_000);
  // Three concurrent calls failed; one shared resync served them all.
  expect(fake.requestsTo(TIME)).toHaveLength(1);
  expect(fake.requestsTo(VALUATION)).toHaveLength(2);
  expect(fake.requestsTo(TRADING)).toHaveLength(2);
  expect(fake.requestsTo(FUNDING)).toHaveLength(2);
  expect(fake.requestsTo(VALUATION)[1]?.headers.get("OK-ACCESS-TIMESTAMP")).toBe("2026-11-24T10:00:45.000Z");
});

test("clock skew that the resync cannot fix is reported after one retry, never looped", async () => {
  const state = realisticOkxAccount();
  state.serverTimeMs = OKX_FAKE_NOW + 45_000;
  state.publicTimeMs = OKX_FAKE_NOW - 60_000;
  const { client, fake } = await setup(state);
  const error = await expectPlatformError(client.fetchBalance(signal()));
  expect([error.kind, error.code]).toEqual(["clock-skew", "50102"]);
  expect(error.message).toContain("NTP");
  expect(fake.requestsTo(TIME)).toHaveLength(1);
  expect(fake.requestsTo(VALUATION)).toHaveLength(2);
  const again = await expectPlatformError(client.auditKey(signal()));
  expect(again.kind).toBe("clock-skew");
  expect(fake.requestsTo(CONFIG)).toHaveLength(2);
  expect(fake.requestsTo(TIME)).toHaveLength(2);
});

test("clock skew with public/time unreadable is a clock-skew error quoting why, after one read and no retry", async () => {
  const state = realisticOkxAccount();
  state.serverTimeMs = OKX_FAKE_NOW + 45_000;
  const { client, fake } = await setup(state, {}, 2_000, [{ path: TIME, status: 404, body: "<html>Not Found</html>" }]);
  const error = await expectPlatformError(client.auditKey(signal()));
  expect([error.kind, error.code]).toEqual(["clock-skew", "50102"]);
  expect(error.message).toContain("its clock could not be read (OKX has no /api/v5/public/time at this host (HTTP 404)");
  expect(error.message).toContain("enable NTP");
  expect(fake.requestsTo(TIME)).toHaveLength(1);
  expect(fake.requestsTo(CONFIG)).toHaveLength(1);
});

test("a 5xx is retried with backoff and then succeeds", async () => {
  const state = realisticOkxAccount();
  const { client, fake, sleeps } = await setup(state, {}, 2_000, [
    { path: VALUATION, times: 2, status: 503, body: JSON.stringify({ code: "50001", msg: "Service temporarily unavailable", data: [] }) },
  ]);
  const balance = await client.fetchBalance(signal());
  expect(balance.source).toBe(OKX_SOURCE_VALUATION);
  expect(totalUsd(balance)).toBe(REALISTIC_OKX_TOTAL_USD);
  expect(fake.requestsTo(VALUATION)).toHaveLength(3);
  expect(sleeps).toEqual([500, 1000]);
});

test("a 5xx that persists is retried a bounded number of times and reported as unavailable", async () => {
  const state = realisticOkxAccount();
  const { client, fake } = await setup(state, {}, 2_000, [
    { status: 503, body: JSON.stringify({ code: "50001", msg: "Service temporarily unavailable", data: [] }) },
  ]);
  const error = await expectPlatformError(client.fetchBalance(signal()));
  expect(error.kind).toBe("unavailable");
  expect(error.message).toContain("HTTP 503");
  expect(error.message).toContain("after 3 attempts");
  expect(fake.requestsTo(VALUATION)).toHaveLength(3);
  expect(fake.requestsTo(TRADING)).toHaveLength(3);
});

test("a slow answer is reported as a timeout within the platform timeout", async () => {
  const state = realisticOkxAccount();
  const { client } = await setup(state, {}, 100, [{ path: VALUATION, hang: true }]);
  const started = performance.now();
  const error = await expectPlatformError(client.fetchBalance(signal()));
  expect(error.kind).toBe("timeout");
  expect(error.message).toContain("did not answer within 0.1 s");
  expect(performance.now() - started).toBeLessThan(1_000);
});

test("auditKey: read_only alone is read-only, read_only plus trade is not", async () => {
  const readOnly = await setup(okxFakeState({ perm: "read_only", ip: "203.0.113.7", label: "pfbot" }));
  expect(await readOnly.client.auditKey(signal())).toEqual({
    readOnly: true,
    permissions: ["read_only"],
    notes: ["key label: pfbot", "bound to IP: 203.0.113.7"],
    expiresAt: null,
    expiryNote: null,
  });
  await readOnly.fake.stop();
  fake = null;
  const trading = await setup(okxFakeState({ perm: "trade, read_only", ip: "", label: "" }));
  expect(await trading.client.auditKey(signal())).toEqual({
    readOnly: false,
    permissions: ["trade", "read_only"],
    notes: ["not bound to an IP", "OKX deletes trade/withdraw keys without a bound IP after 14 days unused"],
    expiresAt: null,
    expiryNote: null,
  });
});

test("auditKey: a config without perm is a bad response, not a guess", async () => {
  const state = okxFakeState();
  const { client } = await setup(state, {}, 2_000, [
    { path: CONFIG, status: 200, body: JSON.stringify({ code: "0", msg: "", data: [{ uid: "1", label: "x", ip: "" }] }) },
  ]);
  const error = await expectPlatformError(client.auditKey(signal()));
  expect(error.kind).toBe("bad-response");
  expect(error.message).toContain("no perm");
});
