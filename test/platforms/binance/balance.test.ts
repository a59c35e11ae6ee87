import { describe, expect, test } from "bun:test";
import { sub, sum, toFixed } from "../../../src/lib/money.ts";
import { BINANCE_SOURCE_PARTS, BINANCE_SOURCE_WALLETS } from "../../../src/platforms/binance/client.ts";
import { UNREADABLE_AMOUNT } from "../../../src/platforms/types.ts";
import { emptyBinanceAccount, REALISTIC_BINANCE_TOTAL_USD, realisticBinanceAccount } from "../../fakes/binance.ts";
import { breakdown, labels, total } from "../../support/balance.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { COINM, CROSS, FLEXIBLE, FUNDING, ISOLATED, LOCKED, PRICES, SPOT, setup, USDM, WALLET_BALANCE } from "./setup.ts";

// realisticBinanceAccount(), by hand (USDT = 1 USD; BTC 95000, ETH 3300, BNB 640, SOL 180, LDO 1.25, SHIB 0.0000222):
//   Spot     0.06 BTC 5700 + USDT 1200.5 + 2.3 BNB 1472 + 150 LDO 187.5 + SHIB 0.274059 + ETH 0.001386 = 8560.275445
//            (LDBTC and LDUSDT mirror the flexible Earn positions; XYZ has no price anywhere)
//   Funding  USDT 300 + FDUSD 50 + 0.001 BTC frozen 95                                                  =  445
//   Earn     flexible 0.02 BTC 1900 + USDT 500.12345678; locked 1.5 ETH 4950 + 10 SOL 1800           = 9150.12345678
//   Cross    0.01 BTC 950 − USDT (800 borrowed + 0.5 interest)                                          =  149.5
//   Isolated 0.002 BTC 190 − USDT (150 + 0.25 − 100)                                                    =  139.75
//   USDⓈ-M   USDT 1000 + 0.25 PnL + USDC 200                                                            = 1200.25
//   COIN-M   (0.003 − 0.0001) BTC                                                                       =  275.5
//   Trading Bots 75.5 (only Binance's own valuation sees it)
//   Total 19995.89890178; the fallback misses the bots: 19920.39890178.
const MAIN_EXACT = "19995.89890178";
const FALLBACK_EXACT = "19920.39890178";

describe("Binance's own valuation (wallet/balance)", () => {
  test("the total is Σ wallet balances in USDT, to the cent, over every wallet", async () => {
    const { fake, client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    expect(total(balance, 8)).toBe(MAIN_EXACT);
    expect(balance.source).toBe(BINANCE_SOURCE_WALLETS);
    expect(balance.leftOut).toEqual([]);
    expect(balance.platform).toBe("binance");
    expect(balance.asOf).toBeNull();
    // The row names the wallets Binance valued: every opened one (Options is not opened here).
    expect(labels(balance)).toEqual([
      "Spot",
      "Funding",
      "Cross Margin",
      "Isolated Margin",
      "USDⓈ-M Futures",
      "COIN-M Futures",
      "Earn",
      "Trading Bots",
      "Copy Trading",
    ]);
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(1);
    // The fallback's wallets are not read when Binance's valuation works.
    for (const path of [FLEXIBLE, LOCKED, CROSS, ISOLATED, USDM, COINM]) expect(fake.requestsTo(path)).toHaveLength(0);
  });

  test("quoteAsset=USDT is always sent: Binance's default is BTC, which would make the figure BTC", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    const [request] = fake.requestsTo(WALLET_BALANCE);
    expect(request?.query.get("quoteAsset")).toBe("USDT");
    expect(request?.rawQuery.startsWith("quoteAsset=USDT&recvWindow=5000&timestamp=")).toBe(true);
  });

  test("breakdown: spot + funding per coin, LD<X> shown under X, dust folded away, the rest left unlisted, never added", async () => {
    const { client, signal } = await setup();
    const balance = await client.fetchBalance(signal);
    // BTC 5700 spot + 1900 LDBTC + 95 funding; USDT 1200.5 + 500.12345678 LDUSDT + 300; 19995.90 − 11405.40 listed = 8590.50.
    expect(breakdown(balance)).toEqual([
      ["BTC", "7695.00"],
      ["USDT", "2000.62"],
      ["BNB", "1472.00"],
      ["LDO", "187.50"],
      ["FDUSD", "50.00"],
    ]);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    // The rest (Earn, margin, futures and the dust) is what the report shows as "other"; the client invents no label.
    expect(toFixed(sub(sum(balance.holdings.map((h) => h.money.amount)), sum(balance.assets.map((a) => a.usd))), 2)).toBe("8590.78"); // with the dust
    // XYZ is inside Binance's figure (Binance valued its wallet), so the row is complete; the breakdown says it cannot list it.
    expect(balance.warnings).toEqual(["Binance coins without a USD price, in the total but not listed: XYZ 100 (Spot)"]);
  });

  test("an unknown wallet name is still money: counted and shown under its own name", async () => {
    const state = realisticBinanceAccount();
    state.otherWallets.push({ walletName: "Alpha", balance: "12.34", activate: true });
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance, 8)).toBe("20008.23890178");
    expect(labels(balance)).toContain("Alpha");
  });

  test("negative margin equity stays negative and lowers the total", async () => {
    const state = emptyBinanceAccount();
    state.spot = [{ asset: "USDT", free: "100" }];
    // 0.01 BTC borrowed and sold: net −950 USD in cross margin; a losing COIN-M position: −0.0005 BTC margin balance.
    state.crossMargin = [
      { asset: "BTC", free: "0", borrowed: "0.01" },
      { asset: "USDT", free: "0" },
    ];
    state.coinM = [{ asset: "BTC", walletBalance: "0.001", unrealizedProfit: "-0.0015" }];
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    // 100 − 950 − 47.5
    expect(total(balance)).toBe("-897.50");
    expect(balance.holdings.find((h) => h.label === "Cross Margin")?.money.amount).toEqual({ coef: -950n, scale: 0 });
    expect(balance.leftOut).toEqual([]);
  });

  test("dust is counted exactly, never rounded away, and left out of the breakdown only", async () => {
    const state = emptyBinanceAccount();
    state.prices = { SHIBUSDT: "0.0000222", ETHUSDT: "3300", BTCUSDT: "95000" };
    state.spot = [
      { asset: "SHIB", free: "12345" },
      { asset: "ETH", free: "0.00000042" },
    ];
    state.funding = [{ asset: "BTC", free: "0.00000001" }];
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    // 0.274059 + 0.001386 + 0.00095
    expect(total(balance, 8)).toBe("0.27639500");
    expect(breakdown(balance)).toEqual([]);
  });

  test("an empty account is zero, complete, and not an error", async () => {
    const { client, signal } = await setup(emptyBinanceAccount());
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe("0.00");
    expect(balance.leftOut).toEqual([]);
    expect(balance.assets).toEqual([]);
  });

  test.each(["NaN", "Infinity", "1e", "abc"])("a wallet balance of %p fails Binance as unreadable, with no fallback", async (garbage) => {
    const state = realisticBinanceAccount();
    const { fake, client, signal } = await setup(state, {
      faults: [
        {
          path: WALLET_BALANCE,
          status: 200,
          body: JSON.stringify([
            { activate: true, balance: "10", walletName: "Spot" },
            { activate: true, balance: garbage, walletName: "Earn" },
          ]),
        },
      ],
    });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
    expect(error.message).toContain(`balance = ${JSON.stringify(garbage)}`);
    expect(fake.requestsTo(CROSS)).toHaveLength(0);
  });

  test("an unreadable amount in the breakdown's spot wallet fails Binance too: the same account's figure is not trusted", async () => {
    const state = realisticBinanceAccount();
    state.spot.push({ asset: "ADA", free: "NaN", locked: "1" });
    const { client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
  });

  test("a failed breakdown read is a note: the total stays Binance's and complete", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, {
      faults: [{ path: FUNDING, code: -1001, message: "Internal error; unable to process your request. Please try again." }],
    });
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    expect(balance.leftOut).toEqual([]);
    expect(balance.warnings.join("\n")).toContain(
      "Binance breakdown lacks the funding wallet (code -1001, unavailable); the total is complete",
    );
  });
});

describe("the fallback: the wallets one by one when Binance's valuation fails", () => {
  test("a 5xx on wallet/balance: every readable wallet priced, to the cent, and the row is partial", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    expect(total(balance, 8)).toBe(FALLBACK_EXACT);
    expect(total(balance)).toBe("19920.40");
    expect(balance.source).toBe(BINANCE_SOURCE_PARTS);
    expect(labels(balance)).toEqual([
      "Spot",
      "Funding",
      "Simple Earn Flexible",
      "Simple Earn Locked",
      "Cross Margin",
      "Isolated Margin",
      "USDⓈ-M Futures",
      "COIN-M Futures",
    ]);
    expect(balance.leftOut).toEqual(["Binance Options, Trading Bots and Copy Trading not read", "unpriced: XYZ 100 (Spot)"]);
    expect(balance.warnings).toHaveLength(balance.leftOut.length);
    expect(balance.warnings[0]).toStartWith("Binance's own wallet valuation failed (unavailable)");
    expect(balance.warnings[1]).toBe("Binance has no USD price for XYZ 100 (Spot): it is not counted in the total");
    // 5xx is retried with backoff before falling back.
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
  });

  test("nothing counted twice: LDBTC/LDUSDT are the flexible Earn positions, counted once; LDO is a coin", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    const spot = balance.holdings.find((h) => h.label === "Spot");
    // Spot without the LD mirrors: 8560.275445 (with them it would be 2400.12345678 more).
    expect(spot?.money.amount).toEqual({ coef: 8560275445n, scale: 6 });
    expect(breakdown(balance)).toEqual([
      ["BTC", "9110.50"],
      ["ETH", "4950.00"],
      ["USDT", "2150.12"],
      ["SOL", "1800.00"],
      ["BNB", "1472.00"],
      ["USDC", "200.00"],
      ["LDO", "187.50"],
      ["FDUSD", "50.00"],
    ]);
    // Binance's figure − the fallback's = exactly the bot wallet the fallback cannot see.
    expect(total(balance, 8)).toBe(FALLBACK_EXACT);
  });

  test("an LDO flexible position (spot shows LDLDO) is skipped while the LDO coin is kept", async () => {
    const state = emptyBinanceAccount();
    state.prices = { LDOUSDT: "1.25" };
    state.spot = [
      { asset: "LDO", free: "10" },
      { asset: "LDLDO", free: "4" },
    ];
    state.flexible = [{ asset: "LDO", totalAmount: "4" }];
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 502 }] });
    const balance = await client.fetchBalance(signal);
    // 10 LDO + 4 LDO in Earn = 17.5, not 22.5
    expect(total(balance)).toBe("17.50");
    expect(balance.leftOut).toEqual(["Binance Options, Trading Bots and Copy Trading not read"]);
  });

  test("-2015 on wallet/balance alone (the key lacks Universal Transfer): fallback, and the warning says how to get the full figure", async () => {
    const state = realisticBinanceAccount();
    state.key.walletBalanceNeedsUniversalTransfer = true;
    const { client, signal } = await setup(state);
    const balance = await client.fetchBalance(signal);
    expect(total(balance, 8)).toBe(FALLBACK_EXACT);
    expect(balance.warnings[0]).toContain("code -2015");
    expect(balance.warnings[0]).toContain("ticking Permits Universal Transfer");
    expect(balance.leftOut[0]).toBe("Binance Options, Trading Bots and Copy Trading not read");
  });

  test("Simple Earn pages are read to the end (size 100, current 1, 2, …)", async () => {
    const state = emptyBinanceAccount();
    state.flexible = Array.from({ length: 101 }, () => ({ asset: "USDT", totalAmount: "1.01" }));
    state.locked = Array.from({ length: 11 }, () => ({ asset: "ETH", amount: "0.1" }));
    const { fake, client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 502 }] });
    const balance = await client.fetchBalance(signal);
    // 101 × 1.01 + 11 × 0.1 × 3300
    expect(total(balance)).toBe("3732.01");
    expect(fake.requestsTo(FLEXIBLE).map((r) => [r.query.get("current"), r.query.get("size")])).toEqual([
      ["1", "100"],
      ["2", "100"],
    ]);
    expect(fake.requestsTo(LOCKED)).toHaveLength(1);
  });

  test("margin accounts never opened (-3003, -11001) are zero, not missing", async () => {
    const state = realisticBinanceAccount();
    state.crossMargin = null;
    state.isolatedMargin = null;
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    // 19920.39890178 − 149.5 − 139.75
    expect(total(balance, 8)).toBe("19631.14890178");
    expect(labels(balance)).not.toContain("Cross Margin");
    expect(balance.leftOut).toEqual(["Binance Options, Trading Bots and Copy Trading not read", "unpriced: XYZ 100 (Spot)"]);
  });

  test("a wallet that fails is named and not counted; the others still are", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, {
      faults: [
        { path: WALLET_BALANCE, status: 503 },
        { path: CROSS, code: -1001, message: "Internal error" },
      ],
    });
    const balance = await client.fetchBalance(signal);
    expect(total(balance, 8)).toBe("19770.89890178");
    expect(balance.leftOut).toContain("Binance Cross Margin not read");
    expect(balance.warnings.join("\n")).toContain("Binance Cross Margin not counted (code -1001, unavailable)");
  });

  test("Simple Earn unreadable: Earn named as not read, and its unpriced LD mirrors are skipped, not counted or 'unpriced'", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, {
      faults: [
        { path: WALLET_BALANCE, status: 503 },
        { path: FLEXIBLE, code: -1001, message: "Internal error" },
      ],
    });
    const balance = await client.fetchBalance(signal);
    // Without flexible Earn (2400.12345678): its spot mirrors are not a stand-in.
    expect(total(balance, 8)).toBe("17520.27544500");
    expect(balance.leftOut).toEqual([
      "Binance Options, Trading Bots and Copy Trading not read",
      "Binance Simple Earn Flexible not read",
      "unpriced: XYZ 100 (Spot)",
    ]);
  });

  test("a key that cannot read futures (-2015 on fapi/dapi): futures named once, with what to do", async () => {
    const state = realisticBinanceAccount();
    state.key.futures = false;
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    // 19920.39890178 − 1200.25 − 275.5
    expect(total(balance, 8)).toBe("18444.64890178");
    expect(balance.leftOut).toEqual([
      "Binance Options, Trading Bots and Copy Trading not read",
      "Binance futures not read: create a new read-only key (this one cannot read futures)",
      "unpriced: XYZ 100 (Spot)",
    ]);
  });

  test("unknown coins without a price are named, each, and the row is partial; a BTC-only coin is priced through BTC", async () => {
    const state = emptyBinanceAccount();
    state.prices = { BTCUSDT: "95000", NEBLBTC: "0.00001" };
    state.spot = [
      { asset: "NEBL", free: "100" },
      { asset: "FOO", free: "12.3" },
      { asset: "USDT", free: "5" },
    ];
    state.funding = [{ asset: "BAR", free: "0.5" }];
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    // 100 × 0.00001 × 95000 + 5
    expect(total(balance)).toBe("100.00");
    expect(balance.leftOut).toEqual([
      "Binance Options, Trading Bots and Copy Trading not read",
      "unpriced: FOO 12.3 (Spot)",
      "unpriced: BAR 0.5 (Funding)",
    ]);
  });

  test("without prices the fallback has no figure: the price error is reported", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, {
      faults: [
        { path: WALLET_BALANCE, status: 503 },
        { path: PRICES, status: 503 },
      ],
    });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain(PRICES);
  });

  test("when spot cannot be read either, Binance is down: the valuation's error is reported, no partial figure", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, signal } = await setup(state, {
      faults: [
        { path: WALLET_BALANCE, status: 503 },
        { path: SPOT, status: 503 },
      ],
    });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect(error.message).toContain(WALLET_BALANCE);
    expect(fake.requestsTo(FLEXIBLE)).toHaveLength(0);
  });

  test("negative margin equity in the fallback stays negative", async () => {
    const state = emptyBinanceAccount();
    state.spot = [{ asset: "USDT", free: "100" }];
    state.crossMargin = [{ asset: "BTC", free: "0", borrowed: "0.01" }];
    state.isolatedMargin = [
      { symbol: "ETHUSDT", base: { asset: "ETH", free: "0", borrowed: "0.1" }, quote: { asset: "USDT", free: "200" } },
    ];
    const { client, signal } = await setup(state, { faults: [{ path: WALLET_BALANCE, status: 503 }] });
    const balance = await client.fetchBalance(signal);
    // 100 − 950 + (−330 + 200)
    expect(total(balance)).toBe("-980.00");
    expect(breakdown(balance)).toEqual([
      ["USDT", "300.00"],
      ["ETH", "-330.00"],
      ["BTC", "-950.00"],
    ]);
  });
});
