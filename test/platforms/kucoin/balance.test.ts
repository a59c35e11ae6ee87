import { describe, expect, test } from "bun:test";
import { createKucoinClient, KUCOIN_SOURCE } from "../../../src/platforms/kucoin/client.ts";
import { UNREADABLE_AMOUNT } from "../../../src/platforms/types.ts";
import {
  emptyKucoinAccount,
  FAKE_KUCOIN_KEY,
  FAKE_KUCOIN_PASSPHRASE,
  FAKE_KUCOIN_SECRET,
  KUCOIN_FAKE_NOW,
  REALISTIC_KUCOIN_TOTAL_USD,
  realisticKucoinAccount,
  startKucoinFake,
} from "../../fakes/kucoin.ts";
import { breakdown, holding, labels, total } from "../../support/balance.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { ACCOUNTS, CONTRACTS, CROSS, EARN, ISOLATED, MODE, OVERVIEW, setup, TICKERS } from "./setup.ts";

// realisticKucoinAccount(), by hand (USDT = 1; BTC 95000, ETH 3300, KCS 11.2, SOL 180, XRP 2.2, PEPE 0.0000121,
// AKT 0.00002 BTC):
//   Main      USDT 1500.5 + 0.01 BTC 950 + 0.00000042 XRP 0.000000924                        =  2450.500000924
//   Trade     0.04 BTC 3800 + 1.2 ETH 3960 + PEPE 0.605 + 40 AKT 76 + trade_hf 5 SOL 900         =  8736.605
//             (the deprecated "margin" row of 999 USDT is not counted: the v3 margin endpoints hold it, with liabilities)
//   Cross     USDT 300 (low frequency) + BTC (0.001 − 0.003) −190 (high frequency, only with queryType=ALL) = 110
//   Isolated  ETH-USDT: 0.5 ETH 1650 + USDT (100 − 250.5)                                          =  1499.5
//   Futures   USDT 512.75 + XBT 0.0025 (237.5) + USDC 0                                             =   750.25
//   Earn      100 KCS 1120 (REDEEMING: redeemingAmount is inside holdAmount) + USDT 1000 + 0.3 ETH 990 = 3110
//   Total 16656.855000924
const EXACT = "16656.855000924";

describe("KuCoin: every account read and priced", () => {
  test("the total, to the cent, over main, trade, margin, futures and Earn, each counted once", async () => {
    const { client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
    expect(total(balance, 9)).toBe(EXACT);
    expect(labels(balance)).toEqual(["Main", "Trade", "Cross Margin", "Isolated Margin", "Futures", "Earn"]);
    expect(holding(balance, "Trade")).toBe("8736.61");
    expect(holding(balance, "Cross Margin")).toBe("110.00");
    expect(holding(balance, "Earn")).toBe("3110.00");
    expect(balance.leftOut).toEqual([]);
    expect(balance.warnings).toEqual([]);
    expect(balance.source).toBe(KUCOIN_SOURCE);
    expect(balance.platform).toBe("kucoin");
  });

  test("breakdown per coin across accounts (XBT as BTC, debts netted), dust folded away", async () => {
    const { client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    expect(breakdown(balance)).toEqual([
      ["ETH", "6600.00"],
      ["BTC", "4797.50"],
      ["USDT", "3162.75"],
      ["KCS", "1120.00"],
      ["SOL", "900.00"],
      ["AKT", "76.00"],
    ]);
  });

  test("the documented parameters are sent: queryType=ALL on margin, one futures overview per settlement currency, Earn pages of 500", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    expect(fake.requestsTo(CROSS)[0]?.rawQuery).toBe("quoteCurrency=USDT&queryType=ALL");
    expect(fake.requestsTo(ISOLATED)[0]?.rawQuery).toBe("quoteCurrency=USDT&queryType=ALL");
    expect(
      fake
        .requestsTo(OVERVIEW)
        .map((r) => r.rawQuery)
        .sort(),
    ).toEqual(["currency=USDC", "currency=USDT", "currency=XBT"]);
    expect(fake.requestsTo(EARN)[0]?.rawQuery).toBe("currentPage=1&pageSize=500");
    // Public data is unsigned.
    for (const path of [TICKERS, CONTRACTS]) expect(fake.requestsTo(path)[0]?.headers.get("kc-api-key")).toBeNull();
  });

  test("the settlement currencies are cached for a day", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    await client.fetchBalance(signal);
    expect(fake.requestsTo(CONTRACTS)).toHaveLength(1);
    expect(fake.requestsTo(OVERVIEW)).toHaveLength(6);
  });

  test("Earn pages are read to the end", async () => {
    const state = emptyKucoinAccount();
    state.earn = Array.from({ length: 501 }, () => ({ currency: "USDT", holdAmount: "2" }));
    const { fake, client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(holding(balance, "Earn")).toBe("1002.00");
    expect(fake.requestsTo(EARN).map((r) => r.query.get("currentPage"))).toEqual(["1", "2"]);
  });

  test("negative margin equity stays negative and lowers the total", async () => {
    const state = emptyKucoinAccount();
    state.accounts = [{ currency: "USDT", type: "trade", balance: "50" }];
    state.crossMargin = {
      lowFrequency: [{ currency: "USDT", total: "10", liability: "0" }],
      highFrequency: [{ currency: "ETH", total: "0", liability: "0.1" }],
    };
    state.futures = { USDT: { accountEquity: -20.5 } };
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    // 50 + (10 − 330) − 20.5
    expect(holding(balance, "Cross Margin")).toBe("-320.00");
    expect(total(balance)).toBe("-290.50");
    expect(balance.leftOut).toEqual([]);
  });

  test("dust is counted exactly and only left out of the breakdown", async () => {
    const state = emptyKucoinAccount();
    state.tickers = { "PEPE-USDT": "0.0000121", "BTC-USDT": "95000" };
    state.accounts = [
      { currency: "PEPE", type: "main", balance: "1000" },
      { currency: "BTC", type: "trade", balance: "0.00000001" },
    ];
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    // 0.0121 + 0.00095
    expect(total(balance, 8)).toBe("0.01305000");
    expect(balance.assets).toEqual([]);
  });

  test("coins without a price are named, each, and the row is partial; a null `last` is no price, never 0", async () => {
    const state = realisticKucoinAccount();
    state.accounts.push({ currency: "NOPE", type: "trade", balance: "77" }, { currency: "DEAD", type: "main", balance: "5" });
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
    expect(balance.leftOut).toEqual(["unpriced: DEAD 5 (Main)", "unpriced: NOPE 77 (Trade)"]);
    expect(balance.warnings).toEqual([
      "KuCoin has no USD price for DEAD 5 (Main): it is not counted in the total",
      "KuCoin has no USD price for NOPE 77 (Trade): it is not counted in the total",
    ]);
  });

  test("a Unified Trading Account is detected and the row says what it leaves out", async () => {
    const state = realisticKucoinAccount();
    state.accountMode = "UNIFIED";
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
    expect(balance.leftOut).toEqual(["KuCoin Unified Trading Account not read"]);
    expect(balance.warnings[0]).toContain("Unified Trading Account");
  });

  test("no UTA API (404) or a version-2 key refused there (400008) means classic: nothing is left out", async () => {
    for (const change of [
      (s: ReturnType<typeof realisticKucoinAccount>) => {
        s.accountMode = null;
      },
      (s: ReturnType<typeof realisticKucoinAccount>) => {
        s.key.apiVersion = 2;
      },
    ]) {
      const state = realisticKucoinAccount();
      change(state);
      const { fake, client, signal } = await setup(state);
      const balance = await client.fetchBalance(signal);
      expect(balance.leftOut).toEqual([]);
      expect(fake.requestsTo(MODE)).toHaveLength(1);
    }
  });

  test("a General-only key refused futures (400007): futures named with what to do, the rest counted", async () => {
    const state = realisticKucoinAccount();
    state.futuresNeedsPermission = true;
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    // 16656.855000924 − 750.25
    expect(total(balance, 9)).toBe("15906.605000924");
    expect(labels(balance)).not.toContain("Futures");
    expect(balance.leftOut).toEqual(["KuCoin futures not read: give the key the Futures permission"]);
    expect(balance.warnings[0]).toContain("also allows futures trading");

    state.key.permissions = ["General", "Futures"];
    expect((await client.fetchBalance(new AbortController().signal)).leftOut).toEqual([]);
  });

  test("an account that fails is named and not counted; the others still are", async () => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, {
      faults: [
        { path: CROSS, code: "500000", message: "Internal Server Error" },
        { path: EARN, status: 503 },
      ],
    });
    const balance = await client.fetchBalance(signal);
    // 16656.855000924 − 110 − 3110
    expect(total(balance, 9)).toBe("13436.855000924");
    expect(balance.leftOut).toEqual(["KuCoin Cross Margin not read", "KuCoin Earn not read"]);
    expect(balance.warnings[0]).toContain("code 500000");
  });

  test("one futures currency failing names that currency; contracts failing names futures", async () => {
    const state = realisticKucoinAccount();
    const first = await setup(state, { faults: [{ path: OVERVIEW, times: 1, code: "500000", message: "busy" }] });
    const partial = await first.client.fetchBalance(first.signal);
    expect(partial.leftOut).toHaveLength(1);
    expect(partial.leftOut[0]).toMatch(/^KuCoin Futures \((USDC|USDT|XBT)\) not read$/);

    const allFail = realisticKucoinAccount();
    const third = await setup(allFail, { faults: [{ path: OVERVIEW, code: "500000", message: "busy" }] });
    const none = await third.client.fetchBalance(third.signal);
    expect(none.leftOut).toEqual(["KuCoin Futures (USDC) not read", "KuCoin Futures (USDT) not read", "KuCoin Futures (XBT) not read"]);
    // No "Futures: 0" beside "not read".
    expect(labels(none)).not.toContain("Futures");

    const noContracts = realisticKucoinAccount();
    const second = await setup(noContracts, { faults: [{ path: CONTRACTS, status: 503 }] });
    const balance = await second.client.fetchBalance(second.signal);
    expect(balance.leftOut).toEqual(["KuCoin Futures not read"]);
    expect(total(balance, 9)).toBe("15906.605000924");
  });

  test("an account type pfbot does not know, holding money, is named rather than guessed", async () => {
    const state = realisticKucoinAccount();
    state.accounts.push({ currency: "USDT", type: "pool", balance: "25" });
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
    expect(balance.leftOut).toEqual(["KuCoin pool account not valued"]);
    expect(balance.warnings[0]).toContain("USDT 25");
  });

  test.each([
    [ACCOUNTS, { code: "200000", data: [{ currency: "BTC", type: "main", balance: "NaN", available: "0", holds: "0" }] }, "balance"],
    [OVERVIEW, { code: "200000", data: { accountEquity: "Infinity", currency: "USDT" } }, "accountEquity"],
    [
      EARN,
      {
        code: "200000",
        data: { totalNum: 1, totalPage: 1, currentPage: 1, pageSize: 500, items: [{ currency: "KCS", holdAmount: "abc" }] },
      },
      "holdAmount",
    ],
  ])("an unreadable amount from %s fails KuCoin, never counted as 0", async (path, body, field) => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, { faults: [{ path, status: 200, body: JSON.stringify(body) }] });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
    expect(error.message).toContain(field);
  });

  test("a margin row without its liability is a bad response, not a debt-free account", async () => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, {
      faults: [
        { path: CROSS, status: 200, body: JSON.stringify({ code: "200000", data: { accounts: [{ currency: "BTC", total: "1" }] } }) },
      ],
    });
    const balance = await client.fetchBalance(signal);
    expect(balance.leftOut).toEqual(["KuCoin Cross Margin not read"]);
    expect(balance.warnings[0]).toContain("without liability");
  });

  test("without prices there is no figure: the ticker error is reported", async () => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, { faults: [{ path: TICKERS, status: 503 }] });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain(TICKERS);
  });

  test("an empty account is zero and complete", async () => {
    const { client, signal } = await setup(emptyKucoinAccount());
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("0.00");
    expect(balance.leftOut).toEqual([]);
    expect(labels(balance)).toEqual(["Main", "Trade", "Cross Margin", "Isolated Margin", "Futures", "Earn"]);
  });
});

describe("KUCOIN_BASE_URL and the futures host", () => {
  /** Every KuCoin host reaches the fake (stands in for DNS); the test records which host each path went to. */
  async function routed(baseUrl: string, state = realisticKucoinAccount()) {
    state.now = () => KUCOIN_FAKE_NOW;
    const fake = await startKucoinFake(state);
    const sent: string[] = [];
    const client = createKucoinClient({
      baseUrl,
      fetch: (input, init) => {
        const url = new URL(String(input));
        sent.push(`${url.host} ${url.pathname}`);
        return fetch(`${fake.url}${url.pathname}${url.search}`, init);
      },
      now: () => KUCOIN_FAKE_NOW,
      sleep: async () => {},
      timeoutMs: 2_000,
      apiKey: FAKE_KUCOIN_KEY,
      apiSecret: FAKE_KUCOIN_SECRET,
      passphrase: FAKE_KUCOIN_PASSPHRASE,
    });
    return { fake, client, sent };
  }

  test("the global site: futures on api-futures.kucoin.com, everything else on api.kucoin.com", async () => {
    const { fake, client, sent } = await routed("https://api.kucoin.com");
    try {
      expect(total(await client.fetchBalance(new AbortController().signal))).toBe(REALISTIC_KUCOIN_TOTAL_USD);
      const futures = sent.filter((s) => s.startsWith("api-futures.kucoin.com "));
      expect(futures.map((s) => s.split(" ")[1]).sort()).toEqual([OVERVIEW, OVERVIEW, OVERVIEW, CONTRACTS]);
      expect(sent.filter((s) => !s.startsWith("api-futures.kucoin.com ")).every((s) => s.startsWith("api.kucoin.com "))).toBe(true);
    } finally {
      await fake.stop();
    }
  });

  test("a regional host (KuCoin TR): no futures, and margin/Earn answering 404000 are 'not offered', not partial", async () => {
    const state = realisticKucoinAccount();
    const { fake, client, sent } = await routed("https://api.kucoin.tr", state);
    for (const path of [CROSS, ISOLATED, EARN])
      fake.faults.add({ path, status: 404, body: JSON.stringify({ code: "404000", msg: "Url Not Found" }) });
    try {
      const balance = await client.fetchBalance(new AbortController().signal);
      expect(balance.leftOut).toEqual([]);
      expect(labels(balance)).toEqual(["Main", "Trade"]);
      expect(total(balance, 9)).toBe("11187.105000924");
      expect(sent.every((s) => s.startsWith("api.kucoin.tr "))).toBe(true);
      expect(fake.requestsTo(OVERVIEW)).toHaveLength(0);
    } finally {
      await fake.stop();
    }
  });
});
