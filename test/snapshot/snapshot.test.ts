import { describe, expect, test } from "bun:test";
import type { FxResult, FxSource } from "../../src/fx/source.ts";
import { dec, toPlainString } from "../../src/lib/money.ts";
import { type PlatformBalance, type PlatformClient, PlatformError, type PlatformId } from "../../src/platforms/types.ts";
import { takeSnapshot, withDeadline } from "../../src/snapshot/snapshot.ts";

const FX_OK: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: {
    source: "CBR",
    date: "2026-11-24",
    fetchedAt: 0,
    rubPerUnit: new Map([
      ["USD", dec("80")],
      ["EUR", dec("92")],
      ["CHF", dec("100")],
    ]),
  },
};
const fxOf = (result: FxResult, delayMs = 0): FxSource => ({
  getRates: async () => {
    await Bun.sleep(delayMs);
    return result;
  },
});

function client(id: PlatformId, holdings: [string, string][], delayMs = 0, fail?: PlatformError): PlatformClient {
  return {
    id,
    async fetchBalance(signal) {
      await Bun.sleep(delayMs);
      if (signal.aborted) throw new PlatformError(id, "timeout", "aborted");
      if (fail) throw fail;
      const balance: PlatformBalance = {
        platform: id,
        holdings: holdings.map(([currency, amount], i) => ({ label: `acc${i}`, money: { currency, amount: dec(amount) }, asOf: null })),
        assets: [],
        asOf: null,
        source: "memory",
        warnings: [],
        leftOut: [],
      };
      return balance;
    },
    auditKey: async () => ({ readOnly: true, permissions: [], notes: [], expiresAt: null, expiryNote: null }),
  };
}

const deps = (clients: PlatformClient[], fx: FxSource = fxOf(FX_OK), timeoutMs = 5_000) => ({
  clients,
  fx,
  now: () => Date.now(),
  timeoutMs: () => timeoutMs,
  fxTimeoutMs: timeoutMs,
  timeZone: "Europe/Paris",
});
const plain = (d: { coef: bigint; scale: number } | null) => (d === null ? null : toPlainString(d));

describe("totals", () => {
  test("known balances give totals to the cent, with crypto = Bybit + OKX and rows in fixed order", async () => {
    const snapshot = await takeSnapshot(
      deps([
        client("ibkr", [
          ["EUR", "1000"],
          ["CHF", "200.50"],
        ]),
        client("tbank", [
          ["RUB", "80000.40"],
          ["RUB", "-0.40"],
        ]),
        client("okx", [["USD", "0.10"]]),
        client("bybit", [["USD", "0.20"]]),
      ]),
    );
    expect(snapshot.rows.map((r) => r.id)).toEqual(["bybit", "okx", "tbank", "ibkr"]);
    expect(plain(snapshot.cryptoUsd)).toBe("0.3");
    expect(plain(snapshot.rows[2]!.usd)).toBe("1000");
    expect(plain(snapshot.rows[2]!.native!.amount)).toBe("80000");
    // 1000 EUR × 92 / 80 + 200.50 CHF × 100 / 80
    expect(plain(snapshot.rows[3]!.usd)).toBe("1400.625");
    expect(snapshot.rows[3]!.native).toBeNull();
    expect(plain(snapshot.totalUsd)).toBe("2400.925");
    expect(plain(snapshot.totalRub)).toBe("192074");
    expect(snapshot.complete).toBe(true);
    expect(snapshot.usdRub).toMatchObject({ source: "CBR", date: "2026-11-24" });
  });

  test("a failed platform is a row with its reason; the total covers the rest and is partial", async () => {
    const error = new PlatformError("okx", "auth", "OKX rejected the API key (code 50111): check OKX_API_KEY", 50111);
    const snapshot = await takeSnapshot(deps([client("bybit", [["USD", "10"]]), client("okx", [], 0, error)]));
    expect(snapshot.complete).toBe(false);
    expect(snapshot.rows[1]).toMatchObject({ id: "okx", ok: false, usd: null, error: error.message, errorKind: "auth" });
    expect(plain(snapshot.totalUsd)).toBe("10");
    expect(plain(snapshot.cryptoUsd)).toBe("10");
  });

  test("an unexpected exception is contained in its row", async () => {
    const broken: PlatformClient = {
      ...client("bybit", []),
      fetchBalance: async () => {
        throw new TypeError("x is undefined");
      },
    };
    const snapshot = await takeSnapshot(deps([broken, client("okx", [["USD", "5"]])]));
    expect(snapshot.rows[0]!.error).toBe("Bybit failed unexpectedly: x is undefined");
    expect(plain(snapshot.totalUsd)).toBe("5");
  });

  test("no FX rate: no RUB total and no USD for RUB/EUR holdings, never a guessed number", async () => {
    const snapshot = await takeSnapshot(
      deps([client("bybit", [["USD", "10"]]), client("tbank", [["RUB", "1000"]])], fxOf({ ok: false, reason: "both sources down" })),
    );
    expect(snapshot.totalRub).toBeNull();
    expect(snapshot.usdRub).toBeNull();
    expect(snapshot.fxProblem).toBe("both sources down");
    expect(snapshot.rows[1]).toMatchObject({ ok: true, usd: null, errorKind: "fx" });
    expect(plain(snapshot.rows[1]!.native!.amount)).toBe("1000");
    expect(plain(snapshot.totalUsd)).toBe("10");
    expect(snapshot.complete).toBe(false);
  });

  test("every platform failing: no totals", async () => {
    const fail = (id: PlatformId) => client(id, [], 0, new PlatformError(id, "unavailable", `${id} down`));
    const snapshot = await takeSnapshot(deps([fail("bybit"), fail("okx"), fail("tbank"), fail("ibkr")]));
    expect(snapshot.totalUsd).toBeNull();
    expect(snapshot.totalRub).toBeNull();
    expect(snapshot.cryptoUsd).toBeNull();
    expect(snapshot.rows.every((r) => !r.ok)).toBe(true);
  });
});

describe("plausibility", () => {
  test.each([
    ["bybit", "USD", "1000000000000000"],
    ["okx", "USD", "-1e15"],
    ["tbank", "RUB", "80000000000000000"],
    // 10^15 EUR: the native amount alone is beyond any portfolio.
    ["ibkr", "EUR", "1e15"],
  ] as const)("%s holding %s %s is a bad response, never part of a total", async (id, currency, amount) => {
    const snapshot = await takeSnapshot(
      deps([client(id, [[currency, amount]]), client(id === "bybit" ? "okx" : "bybit", [["USD", "100"]])]),
    );
    const row = snapshot.rows.find((r) => r.id === id)!;
    expect(row).toMatchObject({ ok: false, usd: null, errorKind: "bad-response" });
    expect(row.error).toContain("implausible amount");
    expect(snapshot.complete).toBe(false);
    expect(plain(snapshot.totalUsd)).toBe("100");
  });

  test("an amount just below 10^15 USD is kept, and one whose USD value reaches it is not", async () => {
    const below = await takeSnapshot(deps([client("bybit", [["USD", "999999999999999.99"]])]));
    expect(below.rows[0]).toMatchObject({ ok: true, errorKind: null });
    // 9 × 10^14 EUR is below the bound, but × 92 / 80 it is 1.035 × 10^15 USD.
    const converted = await takeSnapshot(deps([client("ibkr", [["EUR", "900000000000000"]])]));
    expect(converted.rows[0]).toMatchObject({ ok: false, errorKind: "bad-response" });
    expect(converted.rows[0]!.error).toContain("in USD");
  });
});

describe("concurrency and deadlines", () => {
  test("the four platforms and the FX rate are asked at once, not one after another", async () => {
    // Each answers only once all five have been asked: one after another, the first would wait out its deadline.
    let asked = 0;
    let allAsked: () => void = () => {};
    const everyoneAsked = new Promise<void>((resolve) => (allAsked = resolve));
    const arrive = async () => {
      if (++asked === 5) allAsked();
      await everyoneAsked;
    };
    const gated = (c: PlatformClient): PlatformClient => ({
      ...c,
      fetchBalance: async (signal) => {
        await arrive();
        return c.fetchBalance(signal);
      },
    });
    const fx: FxSource = {
      getRates: async () => {
        await arrive();
        return FX_OK;
      },
    };
    const clients = [
      client("bybit", [["USD", "1"]]),
      client("okx", [["USD", "1"]]),
      client("tbank", [["RUB", "80"]]),
      client("ibkr", [["USD", "1"]]),
    ].map(gated);
    const snapshot = await takeSnapshot(deps(clients, fx, 1_000));
    expect(snapshot.complete).toBe(true);
    expect(asked).toBe(5);
  });

  test("a platform that ignores its signal is cut at its deadline, the others are kept", async () => {
    const stuck: PlatformClient = { ...client("ibkr", []), fetchBalance: () => new Promise(() => {}) };
    const started = performance.now();
    const snapshot = await takeSnapshot(deps([client("bybit", [["USD", "7"]]), stuck], fxOf(FX_OK), 100));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(snapshot.rows[1]).toMatchObject({
      id: "ibkr",
      ok: false,
      errorKind: "timeout",
      error: "IBKR did not answer within 0.1 s; try again later",
    });
    expect(plain(snapshot.totalUsd)).toBe("7");
  });

  test("withDeadline aborts the signal it handed out", async () => {
    let seen: AbortSignal | null = null;
    const result = withDeadline(
      50,
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      "okx",
    );
    await expect(result).rejects.toThrow("OKX did not answer");
    expect((seen as AbortSignal | null)?.aborted).toBe(true);
  });
});
