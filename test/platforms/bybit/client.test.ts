import { afterEach, describe, expect, test } from "bun:test";
import { toFixed } from "../../../src/lib/money.ts";
import {
  BYBIT_LEFT_OUT_OTHER,
  BYBIT_SOURCE_FALLBACK,
  BYBIT_SOURCE_OVERVIEW,
  type BybitClientOptions,
  bybitPrehash,
  createBybitClient,
  signBybit,
} from "../../../src/platforms/bybit/client.ts";
import { type PlatformBalance, type PlatformError, UNREADABLE_AMOUNT } from "../../../src/platforms/types.ts";
import {
  type BybitFake,
  type BybitFakeState,
  type BybitFault,
  emptyBybitAccount,
  FAKE_BYBIT_KEY,
  FAKE_BYBIT_SECRET,
  realisticBybitAccount,
  startBybitFake,
} from "../../fakes/bybit.ts";
import { expectPlatformError } from "../../support/platform-error.ts";

const OVERVIEW = "/v5/asset/asset-overview";
const WALLET = "/v5/account/wallet-balance";
const FUNDING = "/v5/asset/transfer/query-account-coins-balance";
const TICKERS = "/v5/market/tickers";
const TIME = "/v5/market/time";
const QUERY_API = "/v5/user/query-api";

const fakes: BybitFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function setup(
  state: BybitFakeState = realisticBybitAccount(),
  overrides: Partial<BybitClientOptions> = {},
  faults: BybitFault[] = [],
) {
  const fake = await startBybitFake(state);
  fakes.push(fake);
  fake.faults.add(...faults);
  const sleeps: number[] = [];
  const client = createBybitClient({
    baseUrl: `${fake.url}/`,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: async (ms) => void sleeps.push(ms),
    timeoutMs: 2_000,
    apiKey: FAKE_BYBIT_KEY,
    apiSecret: FAKE_BYBIT_SECRET,
    ...overrides,
  });
  return { fake, client, sleeps, signal: new AbortController().signal };
}

const total = (balance: PlatformBalance): string => {
  expect(balance.holdings).toHaveLength(1);
  const [holding] = balance.holdings;
  expect(holding?.label).toBe("account");
  expect(holding?.money.currency).toBe("USD");
  expect(holding?.asOf).toBeNull();
  return holding ? toFixed(holding.money.amount, 2) : "missing";
};
const breakdown = (balance: PlatformBalance): [string, string][] => balance.assets.map((a) => [a.asset, toFixed(a.usd, 2)]);

describe("signing", () => {
  // exchanges.md §1.4: made-up credentials, cross-checked with Python hmac and openssl.
  const base = { timestamp: 1764000000000, apiKey: "A1b2C3d4E5f6G7h8I9", recvWindow: 5000, secret: "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3tS3CR3T" };
  test.each([
    ["accountType=UNIFIED", "73f60929736e61e94c0a259c132050c9c9efee9000707c53de394e641867a67d"],
    ["", "2da42492dd951b97a61d1e857b9ffc137a303dda5cfff087477ab9d6c2d35eed"],
    ["valuationCurrency=USD", "66e3792286a2848cbee98f256827cca92c39eac18d9dab33460f3cd7056ea434"],
    ["accountType=FUND", "92ca57f428c352ac82922ead31a8f8482ee607dcebf2cd1d279d81d07a75ac44"],
    ["accountType=UNIFIED&coin=BTC", "d3eebb6a695e591d18516887118e9eb646eaa206931254923e4741ec2989763c"],
    ['{"category":"spot"}', "ffcf2b1193d0171ec885adffd1b605e9a08cb18db7366e45818ab8924c3f9d21"],
  ])("reference vector for payload %p", (payload, expected) => {
    expect(signBybit({ ...base, payload })).toBe(expected);
  });

  test("reference vectors with the X/Y credentials", () => {
    const xy = { timestamp: 1732450000000, apiKey: "X".repeat(18), recvWindow: 5000, secret: "Y".repeat(36) };
    expect(signBybit({ ...xy, payload: "accountType=UNIFIED" })).toBe("b055a59ba13227ca1951d5aaa1b4450e02790b281261009389f05eab290fbf44");
    expect(signBybit({ ...xy, payload: "valuationCurrency=USD" })).toBe("0b81d8e54b291135bfc199e758ee001aa3c7af8cfb49d4fd0b053715bfeb6776");
  });

  test("prehash is timestamp + key + recvWindow + query, no '?'", () => {
    expect(bybitPrehash({ timestamp: 1764000000000, apiKey: "A1b2C3d4E5f6G7h8I9", recvWindow: 5000, payload: "accountType=UNIFIED" })).toBe(
      "1764000000000A1b2C3d4E5f6G7h8I95000accountType=UNIFIED",
    );
  });

  test("the query string signed is the one sent, and the headers carry no secret", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    const [request] = fake.requestsTo(OVERVIEW);
    expect(request?.rawQuery).toBe("valuationCurrency=USD");
    const headers = request?.headers;
    const expected = signBybit({
      timestamp: headers?.get("x-bapi-timestamp") ?? "",
      apiKey: FAKE_BYBIT_KEY,
      recvWindow: headers?.get("x-bapi-recv-window") ?? "",
      payload: request?.rawQuery ?? "",
      secret: FAKE_BYBIT_SECRET,
    });
    expect(headers?.get("x-bapi-sign")).toBe(expected);
    expect(headers?.get("x-bapi-recv-window")).toBe("5000");
    for (const r of fake.requests) expect([...r.headers.values()].join(" ")).not.toContain(FAKE_BYBIT_SECRET);
    // Public market data is not signed.
    for (const r of fake.requestsTo(TICKERS)) expect(r.headers.get("x-bapi-api-key")).toBeNull();
  });
});

describe("fetchBalance", () => {
  test("realistic account: the total is asset-overview's, to the cent, with unified + funding + Earn + bots", async () => {
    const { fake, client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    // 21461.94 unified + 4252.63 funding + 2520.40 Earn + 310.25 bots
    expect(total(balance)).toBe("28545.22");
    expect(balance.source).toBe(BYBIT_SOURCE_OVERVIEW);
    expect(balance.platform).toBe("bybit");
    expect(balance.asOf).toBeNull();
    expect(balance.warnings).toEqual([]);
    expect(balance.leftOut).toEqual([]);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(1);
  });

  test("a coin in both wallets appears once in the breakdown, summed, and the total is not added to", async () => {
    const { client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    // BTC: 14250.075 unified + 0.01 × 95000.5 funding; USDT 3200.5 + 1500; SOL by lastPrice (no index); PEPE $0.12 is dust.
    expect(breakdown(balance)).toEqual([
      ["BTC", "15200.08"],
      ["USDT", "4700.50"],
      ["ETH", "4011.36"],
      ["SOL", "1802.50"],
    ]);
    expect(total(balance)).toBe("28545.22");
  });

  test("fallback: asset-overview fails with a non-auth code → unified totalEquity + funding × spot prices, marked partial", async () => {
    const state = realisticBybitAccount();
    const { fake, client, signal } = await setup(state, {}, [
      { path: OVERVIEW, code: 10001, message: "This endpoint does not support regional accounts" },
    ]);
    const balance = await client.fetchBalance(signal);
    // 21461.935 + (1500 + 950.005 + 1802.5 + 0.121): BTC in both wallets is two holdings, both counted.
    expect(total(balance)).toBe("25714.56");
    expect(toFixed(balance.holdings[0]?.money.amount ?? { coef: 0n, scale: 0 }, 3)).toBe("25714.561");
    expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
    expect(balance.warnings).toEqual(["Bybit asset-overview failed (code 10001), so the total is the unified and funding wallets only"]);
    expect(balance.leftOut).toEqual([BYBIT_LEFT_OUT_OTHER]);
    expect(breakdown(balance)[0]).toEqual(["BTC", "15200.08"]);
    expect(fake.requestsTo(TICKERS)[0]?.rawQuery).toBe("category=spot");
  });

  test('fallback sums coin usdValue when totalEquity is "" and reports an unpriceable coin instead of counting 0', async () => {
    const state = realisticBybitAccount();
    state.unified.totalEquity = "";
    state.funding.push({ coin: "NEWCOIN", walletBalance: "42" });
    const { client, signal } = await setup(state, {}, [{ path: OVERVIEW, body: '{"retCode":10001,"retMsg":"params error","result":{}}' }]);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("25714.56");
    expect(balance.leftOut).toEqual([BYBIT_LEFT_OUT_OTHER, "coins without a USD price: NEWCOIN 42 (funding)"]);
  });

  test("a key without the Wallet area: every /v5/asset/* call is refused (10005), the unified wallet is valued, partial", async () => {
    const state = realisticBybitAccount();
    state.key.permissions.Wallet = [];
    const { fake, client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("21461.94");
    expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
    expect(balance.leftOut).toEqual(["funding and Earn not valued: give the key the Wallet read permission"]);
    // The left-out line says it all: no note repeating it.
    expect(balance.warnings).toEqual([]);
    expect(breakdown(balance)[0]).toEqual(["BTC", "14250.08"]);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(1);
    expect(fake.requestsTo(FUNDING)).toHaveLength(1);
  });

  test("a key without the Wallet area whose unified wallet is refused too fails, naming the area to tick", async () => {
    const state = realisticBybitAccount();
    state.key.permissions.Wallet = [];
    const { client, signal } = await setup(state, {}, [{ path: WALLET, code: 10005, message: "Permission denied" }]);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["permission", 10005]);
    expect(error.message).toContain("/v5/account/wallet-balance");
  });

  test.each([10003, 10004, 10010, 10006, 10002])("asset-overview code %p is reported, never a fallback", async (retCode) => {
    const state = realisticBybitAccount();
    const { fake, client, signal } = await setup(state, {}, [{ path: OVERVIEW, code: retCode }]);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.code).toBe(retCode);
    expect(fake.requestsTo(WALLET)).toHaveLength(0);
  });

  test("empty account is zero, not an error", async () => {
    const { fake, client, signal } = await setup(emptyBybitAccount());
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("0.00");
    expect(balance.assets).toEqual([]);
    expect(balance.warnings).toEqual([]);
    expect(fake.requestsTo(TICKERS)).toHaveLength(0);
  });

  test("empty account through the fallback is zero too", async () => {
    const state = emptyBybitAccount();
    const { client, signal } = await setup(state, {}, [{ path: OVERVIEW, code: 10001 }]);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("0.00");
    expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
  });

  test('"" and missing numeric fields never become NaN, and an overview bucket without a figure is never counted as 0', async () => {
    const state = realisticBybitAccount();
    const { client, signal } = await setup(state, {}, [
      {
        path: OVERVIEW,
        body: JSON.stringify({
          retCode: 0,
          retMsg: "",
          result: {
            totalEquity: "",
            list: [
              { accountType: "Earn", totalEquity: "10.5" },
              { accountType: "FundingAccount", totalEquity: "" },
              { accountType: "TradFi" },
            ],
          },
          retExtInfo: {},
          time: 1,
        }),
      },
      {
        path: WALLET,
        body: JSON.stringify({
          retCode: 0,
          retMsg: "OK",
          result: {
            list: [
              {
                totalEquity: "",
                coin: [{ coin: "BTC", equity: "", usdValue: "" }, { coin: "ETH" }, { coin: "XRP", equity: "100", usdValue: "" }],
              },
            ],
          },
          retExtInfo: {},
          time: 1,
        }),
      },
      {
        path: FUNDING,
        body: JSON.stringify({
          retCode: 0,
          retMsg: "success",
          result: {
            memberId: "1",
            accountType: "FUND",
            balance: [{ coin: "SOL", walletBalance: "", transferBalance: "", bonus: "" }, { coin: "USDT" }],
          },
        }),
      },
    ]);
    const balance = await client.fetchBalance(signal);
    // The overview's 10.5 leaves FundingAccount and TradFi out, so the wallets stand in, and say what they miss.
    expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
    expect(balance.warnings[0]).toContain("asset-overview failed (unreadable answer)");
    expect(total(balance)).toBe("0.00");
    const leftOut = balance.leftOut.join("\n");
    for (const coin of [
      "BTC (unified, amount missing)",
      "ETH (unified, amount missing)",
      "XRP 100 (unified)",
      "SOL (funding, amount missing)",
      "USDT (funding, amount missing)",
    ]) {
      expect(leftOut).toContain(coin);
    }
    expect(JSON.stringify(balance, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain("NaN");
  });

  test.each(["NaN", "Infinity", "-Infinity", "1e", "12,5", "abc"])(
    "asset-overview totalEquity %p fails Bybit as a bad response, with no fallback",
    async (garbage) => {
      const state = realisticBybitAccount();
      const { fake, client, signal } = await setup(state, {}, [
        {
          path: OVERVIEW,
          body: JSON.stringify({ retCode: 0, retMsg: "", result: { totalEquity: garbage, list: [] }, retExtInfo: {}, time: 1 }),
        },
      ]);
      const error = await expectPlatformError(client.fetchBalance(signal));
      expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
      expect(error.message).toContain(`totalEquity = ${JSON.stringify(garbage)}`);
      expect(fake.requestsTo(WALLET)).toHaveLength(0);
    },
  );

  test('asset-overview with totalEquity "" and an empty list is no figure: the wallets stand in, partial, never $0', async () => {
    const state = realisticBybitAccount();
    state.emptyOverview = true;
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
    expect(balance.warnings).toEqual([
      "Bybit asset-overview gave no total and no account (it does not serve regional accounts such as Bybit EU, KZ or GE), so the total is the unified and funding wallets only",
    ]);
    expect(balance.leftOut).toEqual([BYBIT_LEFT_OUT_OTHER]);
    expect(total(balance)).toBe("25714.56");
  });

  test.each([
    ["$0", "0", "0.00"],
    ["smaller", "20000", "20000.00"],
  ])(
    "an overview total of %s below what the wallets hold never wins: the wallets' figure, partial, saying why",
    async (_what, overview, shown) => {
      const state = realisticBybitAccount();
      state.overviewTotalEquity = overview;
      const { client, signal } = await setup(state);
      const balance = await client.fetchBalance(signal);
      expect(total(balance)).toBe("25714.56");
      expect(balance.source).toBe(BYBIT_SOURCE_FALLBACK);
      expect(balance.leftOut).toEqual([BYBIT_LEFT_OUT_OTHER]);
      expect(balance.warnings).toEqual([
        `Bybit asset-overview's total (${shown} USD) is less than the unified and funding wallets hold (25714.56 USD), so the total is the wallets'`,
      ]);
    },
  );

  test("an overview a little below the wallets (prices moved since its snapshot) stays the total, complete", async () => {
    const state = realisticBybitAccount();
    // 0.9 % below the wallets' 25714.56: within the 1 % a lagging snapshot may differ by.
    state.overviewTotalEquity = "25483.13";
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect([total(balance), balance.source, balance.leftOut]).toEqual(["25483.13", BYBIT_SOURCE_OVERVIEW, []]);
  });

  test("a short overview with the funding wallet unreadable: the unified wallet alone, naming the funding wallet too", async () => {
    const state = realisticBybitAccount();
    state.overviewTotalEquity = "0";
    const { client, signal } = await setup(state, {}, [{ path: FUNDING, code: 10006, message: "Too many visits!" }]);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("21461.94");
    expect(balance.leftOut).toEqual([BYBIT_LEFT_OUT_OTHER, "funding wallet not valued (code 10006, rate-limit)"]);
    expect(balance.warnings[1]).toBe(
      "Bybit funding wallet could not be read: Bybit rate limit reached (code 10006): wait and try again later",
    );
  });

  test("one readable bucket plus one unreadable bucket fails Bybit instead of counting the readable one alone", async () => {
    const state = realisticBybitAccount();
    const list = [
      { accountType: "FundingAccount", totalEquity: "100" },
      { accountType: "Earn", totalEquity: "NaN" },
    ];
    const { client, signal } = await setup(state, {}, [
      { path: OVERVIEW, body: JSON.stringify({ retCode: 0, retMsg: "", result: { totalEquity: "", list }, retExtInfo: {}, time: 1 }) },
    ]);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
  });

  test.each([
    ["wallet totalEquity", { totalEquity: "Infinity", coin: [] }],
    ["coin usdValue", { totalEquity: "10", coin: [{ coin: "BTC", equity: "1", usdValue: "NaN" }] }],
    ["coin equity", { totalEquity: "10", coin: [{ coin: "BTC", equity: true, usdValue: "10" }] }],
  ])("an unreadable %s fails Bybit even under a good overview, and in the fallback", async (_what, account) => {
    const body = JSON.stringify({ retCode: 0, retMsg: "OK", result: { list: [account] }, retExtInfo: {}, time: 1 });
    for (const overviewFails of [false, true]) {
      const state = realisticBybitAccount();
      const faults: BybitFault[] = [{ path: WALLET, body }, ...(overviewFails ? [{ path: OVERVIEW, code: 10001 }] : [])];
      const { client, signal } = await setup(state, {}, faults);
      const error = await expectPlatformError(client.fetchBalance(signal));
      expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
    }
  });

  test("a renamed list is a bad-response in the fallback, and only a breakdown note under a good overview", async () => {
    const renamed = JSON.stringify({ retCode: 0, retMsg: "OK", result: { accounts: [] }, retExtInfo: {}, time: 1 });
    const primary = realisticBybitAccount();
    const first = await setup(primary, {}, [{ path: WALLET, body: renamed }]);
    const balance = await first.client.fetchBalance(first.signal);
    expect(total(balance)).toBe("28545.22");
    expect(balance.warnings.join("\n")).toContain("unified wallet (unreadable answer, bad-response)");

    const fallback = realisticBybitAccount();
    const second = await setup(fallback, {}, [
      { path: OVERVIEW, code: 10001 },
      { path: WALLET, body: renamed },
    ]);
    const error = await expectPlatformError(second.client.fetchBalance(second.signal));
    expect(error.kind).toBe("bad-response");
    expect(error.message).toContain("/v5/account/wallet-balance");
  });
});

describe("errors", () => {
  const secretsAbsent = (error: PlatformError): void => {
    expect(error.message).not.toContain(FAKE_BYBIT_KEY);
    expect(error.message).not.toContain(FAKE_BYBIT_SECRET);
    expect(error.message).not.toContain("origin_string");
  };

  test("wrong key → auth naming BYBIT_API_KEY (10003)", async () => {
    const { client, signal } = await setup(realisticBybitAccount(), { apiKey: "SOMEOTHERKEY123456" });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", 10003]);
    expect(error.message).toContain("BYBIT_API_KEY");
    expect(error.message).not.toContain("SOMEOTHERKEY123456");
  });

  test("wrong secret → bad signature naming BYBIT_API_SECRET, retMsg's origin_string never quoted (10004)", async () => {
    const { client, signal } = await setup(realisticBybitAccount(), { apiSecret: "WRONGsecretWRONGsecretWRONGsecret123" });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", 10004]);
    expect(error.message).toContain("BYBIT_API_SECRET");
    secretsAbsent(error);
  });

  test("IP not bound → permission naming the IP list (10010)", async () => {
    const state = realisticBybitAccount();
    state.key.ips = ["203.0.113.7"];
    const { client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["permission", 10010]);
    expect(error.message).toContain("IP");
    expect(error.message).toContain("BYBIT_API_KEY");
  });

  const cases: [string, BybitFault, string, string | number, string][] = [
    [
      "permission denied",
      { code: 10005, message: "Permission denied, please check your API key permissions." },
      "permission",
      10005,
      "BYBIT_API_KEY",
    ],
    ["expired key", { code: 33004, message: "api key has expired" }, "auth", 33004, "BYBIT_API_SECRET"],
    ["UID rate limit", { code: 10006, message: "Too many visits!" }, "rate-limit", 10006, "try again later"],
    ["regulatory block", { code: 10024, message: "Compliance rules triggered" }, "unavailable", 10024, "region"],
    ["unknown code", { code: 170999, message: "something origin_string[secret-ish] happened" }, "unavailable", 170999, "170999"],
    ["HTTP 401", { status: 401, body: "" }, "auth", "HTTP 401", "BYBIT_API_KEY"],
    [
      "CloudFront region block",
      {
        status: 403,
        body: "<HTML><BODY><H1>403 ERROR</H1>The Amazon CloudFront distribution is configured to block access from your country.</BODY></HTML>",
      },
      "unavailable",
      "HTTP 403",
      "region",
    ],
    ["IP rate-limit ban", { status: 403, body: "<html>403 Forbidden</html>" }, "rate-limit", "HTTP 403", "10 minutes"],
    [
      "HTTP 429",
      { status: 429, body: "<html>Too Many Requests</html>", headers: { "retry-after": "7" } },
      "rate-limit",
      "HTTP 429",
      "wait",
    ],
    ["HTML with HTTP 200", { status: 200, body: "<html>maintenance</html>" }, "bad-response", "", "/v5/user/query-api"],
  ];
  test.each(cases)("%s is mapped", async (_name, fault, kind, code, mentions) => {
    const state = realisticBybitAccount();
    const { client, signal } = await setup(state, {}, [{ path: QUERY_API, ...fault }]);
    const error = await expectPlatformError(client.auditKey(signal));
    expect(error.platform).toBe("bybit");
    expect(error.kind).toBe(kind as PlatformError["kind"]);
    if (code !== "") expect(error.code).toBe(code);
    expect(error.message).toContain(mentions);
    expect(error.message).not.toContain("secret-ish");
    secretsAbsent(error);
  });

  test("10006 carries the wait until X-Bapi-Limit-Reset-Timestamp; a 403 ban asks for 10 minutes", async () => {
    const state = realisticBybitAccount();
    const { client, signal } = await setup(state, {}, [
      {
        path: QUERY_API,
        times: 1,
        code: 10006,
        message: "Too many visits!",
        headers: { "X-Bapi-Limit-Reset-Timestamp": String(Date.now() + 5_000) },
      },
      { path: QUERY_API, times: 1, status: 403, body: "<html>403 Forbidden</html>" },
    ]);
    const limited = await expectPlatformError(client.auditKey(signal));
    expect(limited.retryAfterMs).toBeGreaterThan(3_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(5_000);
    expect((await expectPlatformError(client.auditKey(signal))).retryAfterMs).toBe(600_000);
  });

  test("clock 30 s behind Bybit: one server-time read, one retry, success, offset kept for later calls", async () => {
    const state = realisticBybitAccount();
    state.clockOffsetMs = 30_000;
    const { fake, client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("28545.22");
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(2);
    expect(fake.requestsTo(WALLET)).toHaveLength(1);
    expect(Math.abs(client.clockOffsetMs() - 30_000)).toBeLessThan(1_000);
  });

  test("clock 3 s ahead (past Bybit's +1 s bound even within recvWindow) is corrected too", async () => {
    const state = realisticBybitAccount();
    state.clockOffsetMs = -3_000;
    const { fake, client, signal } = await setup(state);
    expect((await client.auditKey(signal)).readOnly).toBe(true);
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(QUERY_API)).toHaveLength(2);
  });

  test("a clock that cannot be fixed: clock-skew error after exactly one retry, no fallback, no loop", async () => {
    const state = realisticBybitAccount();
    state.clockOffsetMs = 30_000;
    state.marketTimeErrorMs = -30_000; // the time endpoint disagrees with the clock the server checks against
    const { fake, client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["clock-skew", 10002]);
    expect(error.message).toContain("NTP");
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(2);
    expect(fake.requestsTo(WALLET)).toHaveLength(0);
  });

  test("a 5xx is retried with backoff and then reported as unavailable", async () => {
    const state = realisticBybitAccount();
    const { fake, client, sleeps, signal } = await setup(state, {}, [{ path: OVERVIEW, status: 502 }]);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("HTTP 502");
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
    expect(fake.requestsTo(WALLET)).toHaveLength(0);
  });

  test.each([10016, 10000])("server error %p is retried like a 5xx and, when it persists, fails Bybit: no fallback", async (code) => {
    const state = realisticBybitAccount();
    const { fake, client, sleeps, signal } = await setup(state, {}, [{ path: OVERVIEW, code, message: "server error" }]);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["unavailable", code]);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
    expect(fake.requestsTo(WALLET)).toHaveLength(0);
  });

  test("a passing 10016 is retried and the figure is the overview's, complete", async () => {
    const state = realisticBybitAccount();
    const { fake, client, sleeps, signal } = await setup(state, {}, [{ path: OVERVIEW, code: 10016, message: "server error", times: 2 }]);
    const balance = await client.fetchBalance(signal);
    expect([total(balance), balance.source, balance.leftOut]).toEqual(["28545.22", BYBIT_SOURCE_OVERVIEW, []]);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
  });

  test("a single 5xx is retried and the call succeeds", async () => {
    const state = realisticBybitAccount();
    const { fake, client, signal } = await setup(state, {}, [{ path: OVERVIEW, status: 503, times: 1 }]);
    expect(total(await client.fetchBalance(signal))).toBe("28545.22");
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(2);
  });

  test("a slow Bybit is reported as a timeout within the platform timeout", async () => {
    const state = realisticBybitAccount();
    const { client, signal } = await setup(state, { timeoutMs: 100 }, [{ path: OVERVIEW, hang: true }]);
    const started = performance.now();
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("0.1 s");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("auditKey", () => {
  test("read-only key with areas ticked, no IP bound: read-only, flattened permissions, and its expiry date", async () => {
    const state = realisticBybitAccount();
    state.key.expiredAt = "2027-02-15T07:20:25Z";
    const { client, signal } = await setup(state);
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(true);
    expect(audit.permissions).toEqual(["Wallet:AccountTransfer", "Earn:Earn"]);
    expect(audit.notes.join("\n")).toContain("no IP bound (Bybit expires such keys after 90 days)");
    expect(audit.expiresAt).toBe("2027-02-15T07:20:25.000Z");
    expect(audit.expiryNote).toBe("query-api expiredAt");
  });

  test("a deadlineDay below 0, or an expiredAt that is no date, is no expiry date", async () => {
    for (const [deadlineDay, expiredAt] of [
      [-2, "2027-02-15T07:20:25Z"],
      [40, "soon"],
      [40, "1970-01-01T00:00:00Z"],
    ] as const) {
      const state = realisticBybitAccount();
      Object.assign(state.key, { deadlineDay, expiredAt });
      const { client, signal } = await setup(state);
      const audit = await client.auditKey(signal);
      expect([audit.expiresAt, audit.expiryNote]).toEqual([null, null]);
    }
  });

  test("read-write key with withdrawal and a bound IP is flagged; the -2 deadline sentinel is not an expiry", async () => {
    const state = realisticBybitAccount();
    state.key.readOnly = 0;
    state.key.permissions = { Spot: ["SpotTrade"], Wallet: ["AccountTransfer", "Withdraw"], NFT: [] };
    state.key.ips = ["127.0.0.1", "198.51.100.4"];
    state.key.deadlineDay = -2;
    state.key.expiredAt = "1970-01-01T00:00:00Z";
    const { client, signal } = await setup(state);
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(false);
    expect(audit.permissions).toEqual(["Spot:SpotTrade", "Wallet:AccountTransfer", "Wallet:Withdraw"]);
    const notes = audit.notes.join("\n");
    expect(notes).toContain("read-write");
    expect(notes).toContain("withdraw");
    expect(notes).toContain("bound to IP 127.0.0.1, 198.51.100.4");
    expect(notes).not.toContain("expire");
    expect(audit.expiresAt).toBeNull();
    expect(audit.expiryNote).toBe("keys bound to an IP do not expire");
  });
});
