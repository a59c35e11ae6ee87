// Redirects from a platform or a rate feed: a request with credentials follows none, so a 3xx can never carry a
// key, a signature or a token to another host; a public GET follows at most 3, all within its host.
// Two servers on 127.0.0.1: the one pfbot is pointed at, and "elsewhere", on another port, which records what
// reached it (nothing, for a request with credentials).
import { describe, expect, test } from "bun:test";
import { createFxSource } from "../../src/fx/source.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { createBinanceClient } from "../../src/platforms/binance/client.ts";
import { createBybitClient } from "../../src/platforms/bybit/client.ts";
import { createBybitTransport } from "../../src/platforms/bybit/transport.ts";
import { createIbkrClient } from "../../src/platforms/ibkr/client.ts";
import { createFlexPacer } from "../../src/platforms/ibkr/pacer.ts";
import { createKucoinClient } from "../../src/platforms/kucoin/client.ts";
import { createOkxClient } from "../../src/platforms/okx/client.ts";
import { createOkxTransport } from "../../src/platforms/okx/transport.ts";
import { createTbankClient } from "../../src/platforms/tbank/client.ts";
import type { ClientDeps, PlatformClient } from "../../src/platforms/types.ts";
import { cbrDailyXml, encodeWindows1251, presetFxState, startFxFake } from "../fakes/fx.ts";
import { redirectTo } from "../fakes/hostile.ts";
import type { FakeServer } from "../fakes/server.ts";
import { fakeClock } from "../support/clock.ts";
import { expectPlatformError } from "../support/platform-error.ts";
import { servePerTest } from "../support/serve.ts";
import { tempDir } from "../support/temp-dir.ts";

const serve = servePerTest();

const NOW = Date.parse("2026-11-24T10:00:00Z");
/** The injected clock: sleeps advance it (IBKR's pacer waits 1.1 s between requests). */
function deps(baseUrl: string, clock: Clock = fakeClock(NOW)): ClientDeps {
  return { baseUrl, fetch, now: clock.now, sleep: clock.sleep, timeoutMs: 3_000 };
}
const signal = () => new AbortController().signal;

const SECRETS = {
  bybitKey: "BYBITKEYredirect0001",
  bybitSecret: "BYBITSECRETredirect000000000001",
  okxKey: "okx-key-redirect-0001",
  okxSecret: "OKXSECRETredirect00000000000001",
  okxPassphrase: "okx-Passphrase-redirect-1",
  tbankToken: "t.TBANKTOKENredirect0000000000001",
  ibkrToken: "739182736450918273645091",
  binanceKey: "BINANCEKEYredirect000000000000000000000000000000000000000000001",
  binanceSecret: "BINANCESECRETredirect000000000001",
  kucoinKey: "kucoinkeyredirect00000001",
  kucoinSecret: "KUCOINSECRETredirect000000001",
  kucoinPassphrase: "kucoin-Passphrase-redirect-1",
};
const CREDENTIAL_HEADERS = [
  "x-bapi-api-key",
  "x-bapi-sign",
  "ok-access-key",
  "ok-access-sign",
  "ok-access-passphrase",
  "authorization",
  "x-mbx-apikey",
  "kc-api-key",
  "kc-api-sign",
  "kc-api-passphrase",
];

/** Every credential-looking header and query value that reached a server. */
function credentialsSeen(server: FakeServer): string[] {
  return server.requests.flatMap((r) => [
    ...CREDENTIAL_HEADERS.filter((name) => r.headers.has(name)),
    ...Object.values(SECRETS).filter((secret) => r.url.href.includes(secret)),
  ]);
}

/** "elsewhere" on another port, and the platform's address answering every path with a redirect there. */
async function redirectingPlatform(status: number): Promise<{ front: FakeServer; elsewhere: FakeServer }> {
  const elsewhere = await serve({ "/*": () => Response.json({ retCode: 0, code: "0", result: {}, data: [] }) });
  const front = await serve({ "/*": (r) => redirectTo(`${elsewhere.url}${r.path}?${r.rawQuery}`, status) });
  return { front, elsewhere };
}

const clients: Record<string, { variable: string; make: (base: string) => PlatformClient }> = {
  Bybit: {
    variable: "BYBIT_BASE_URL",
    make: (base) => createBybitClient({ ...deps(base), apiKey: SECRETS.bybitKey, apiSecret: SECRETS.bybitSecret }),
  },
  OKX: {
    variable: "OKX_BASE_URL",
    make: (base) =>
      createOkxClient({ ...deps(base), apiKey: SECRETS.okxKey, apiSecret: SECRETS.okxSecret, passphrase: SECRETS.okxPassphrase }),
  },
  "T-Bank": { variable: "TBANK_BASE_URL", make: (base) => createTbankClient({ ...deps(`${base}/rest`), token: SECRETS.tbankToken }) },
  IBKR: {
    variable: "IBKR_FLEX_BASE_URL",
    make: (base) => {
      const clock = fakeClock(NOW);
      return createIbkrClient({
        ...deps(`${base}/AccountManagement/FlexWebService`, clock),
        pacer: createFlexPacer(clock),
        token: SECRETS.ibkrToken,
        queryId: "1048576",
        stateDir: tempDir("redirect"),
        cacheMinutes: 0,
        userAgent: "pfbot-test/0.1",
      });
    },
  },
  Binance: {
    variable: "BINANCE_BASE_URL",
    make: (base) => createBinanceClient({ ...deps(base), apiKey: SECRETS.binanceKey, apiSecret: SECRETS.binanceSecret }),
  },
  KuCoin: {
    variable: "KUCOIN_BASE_URL",
    make: (base) =>
      createKucoinClient({
        ...deps(base),
        apiKey: SECRETS.kucoinKey,
        apiSecret: SECRETS.kucoinSecret,
        passphrase: SECRETS.kucoinPassphrase,
      }),
  },
};

describe("a request with credentials follows no redirect", () => {
  for (const [name, { variable, make }] of Object.entries(clients)) {
    for (const status of [307, 302]) {
      test(`${name}: a ${status} to another port reaches nothing there, and the error names ${variable}`, async () => {
        const { front, elsewhere } = await redirectingPlatform(status);
        const client = make(front.url);
        // One call at a time: a second call started at once could reject before it is awaited (unhandled).
        for (const call of [() => client.fetchBalance(signal()), () => client.auditKey(signal())]) {
          const error = await expectPlatformError(call());
          expect(error.kind).toBe("config");
          expect(error.message).toContain(`${name} answered`);
          expect(error.message).toContain(`with a redirect (HTTP ${status} to ${elsewhere.url})`);
          expect(error.message).toContain(variable);
          for (const secret of Object.values(SECRETS)) expect(error.message).not.toContain(secret);
        }
        expect(credentialsSeen(elsewhere)).toEqual([]);
        expect(elsewhere.requests).toHaveLength(0);
      });
    }
  }

  test("a redirect loop costs one request per call, not hundreds", async () => {
    const front = await serve({ "/*": (r) => redirectTo(r.path) });
    const error = await expectPlatformError(clients.OKX!.make(front.url).auditKey(signal()));
    expect(error.message).toContain("OKX_BASE_URL");
    expect(front.requests).toHaveLength(1);
  });
});

describe("a public request follows at most 3 redirects within its host", () => {
  const tickers = {
    retCode: 0,
    retMsg: "OK",
    result: { category: "spot", list: [{ symbol: "BTCUSDT", lastPrice: "91000.5" }] },
    time: NOW,
  };
  const okxTickers = { code: "0", msg: "", data: [{ instId: "BTC-USDT", last: "91000.5" }] };
  const bybit = (base: string) =>
    createBybitTransport(deps(base), { apiKey: SECRETS.bybitKey, apiSecret: SECRETS.bybitSecret, recvWindowMs: 5_000 });
  const okx = (base: string) =>
    createOkxTransport(deps(base), { apiKey: SECRETS.okxKey, apiSecret: SECRETS.okxSecret, passphrase: SECRETS.okxPassphrase });

  test("Bybit and OKX tickers: three hops on the same host are followed to the answer", async () => {
    const front = await serve({
      "/v5/market/tickers": () => redirectTo("/hop/1?category=spot", 301),
      "/api/v5/market/tickers": () => redirectTo("/hop/1?instType=SPOT", 301),
      "/hop/1": (r) => redirectTo(`/hop/2?${r.rawQuery}`, 302),
      "/hop/2": (r) => redirectTo(`/hop/3?${r.rawQuery}`, 308),
      "/hop/3": (r) => Response.json(r.query.has("category") ? tickers : okxTickers),
    });
    expect(await bybit(front.url).publicGet("/v5/market/tickers", "category=spot", signal())).toEqual(tickers.result);
    expect(await okx(front.url).publicGet("/api/v5/market/tickers", "instType=SPOT", signal())).toEqual(okxTickers.data);
    expect(front.requests.map((r) => r.path)).toEqual([
      "/v5/market/tickers",
      "/hop/1",
      "/hop/2",
      "/hop/3",
      "/api/v5/market/tickers",
      "/hop/1",
      "/hop/2",
      "/hop/3",
    ]);
  });

  test("a fourth hop is refused, and a loop stops after 4 requests", async () => {
    const front = await serve({ "/v5/market/tickers": () => redirectTo("/v5/market/tickers") });
    const error = await expectPlatformError(bybit(front.url).publicGet("/v5/market/tickers", "category=spot", signal()));
    expect(error.kind).toBe("config");
    expect(error.message).toBe(`Bybit redirected ${front.url}/v5/market/tickers more than 3 times: check BYBIT_BASE_URL`);
    expect(front.requests).toHaveLength(4);
  });

  test("a redirect to another host is refused: that host is never asked", async () => {
    const elsewhere = await serve({ "/*": () => Response.json(okxTickers) });
    const front = await serve({ "/*": (r) => redirectTo(`${elsewhere.url}${r.path}`) });
    const error = await expectPlatformError(okx(front.url).publicGet("/api/v5/market/tickers", "instType=SPOT", signal()));
    expect(error.message).toBe(
      `OKX redirected ${front.url}/api/v5/market/tickers to another host (${elsewhere.url}); pfbot follows redirects only within the same host: check OKX_BASE_URL`,
    );
    const bybitError = await expectPlatformError(bybit(front.url).publicGet("/v5/market/time", "", signal()));
    expect(bybitError.message).toContain("check BYBIT_BASE_URL");
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe("the Bank of Russia feeds", () => {
  test("a redirect within cbr.ru's host is followed", async () => {
    const xml = encodeWindows1251(cbrDailyXml(presetFxState()));
    const cbr = await serve({
      "/scripts/XML_daily.asp": () => redirectTo("/scripts/XML_daily_moved.asp", 301),
      "/scripts/XML_daily_moved.asp": () => new Response(xml, { headers: { "Content-Type": "application/xml; charset=windows-1251" } }),
    });
    const result = await createFxSource({
      provider: "CBR",
      cbrBaseUrl: cbr.url,
      mirrorBaseUrl: "http://127.0.0.1:1",
      fetch,
      now: () => NOW,
      timeoutMs: 3_000,
      ttlMinutes: 60,
    }).getRates(signal());
    expect(result.ok && result.rates.source).toBe("CBR");
    expect(cbr.requests.map((r) => r.path)).toEqual(["/scripts/XML_daily.asp", "/scripts/XML_daily_moved.asp"]);
  });

  test("a redirect to another host is not followed: the mirror answers, or the rate is unavailable", async () => {
    const fx = await startFxFake(presetFxState());
    const elsewhere = await serve({ "/*": () => new Response("<ValCurs/>") });
    const front = await serve({ "/*": (r) => redirectTo(`${elsewhere.url}${r.path}`) });
    try {
      const options = {
        provider: "CBR" as const,
        cbrBaseUrl: front.url,
        mirrorBaseUrl: fx.mirrorUrl,
        fetch,
        now: () => NOW,
        timeoutMs: 3_000,
        ttlMinutes: 60,
      };
      const viaMirror = await createFxSource(options).getRates(signal());
      expect(viaMirror.ok && viaMirror.rates.source).toBe("CBR mirror");
      const neither = await createFxSource({ ...options, mirrorBaseUrl: front.url }).getRates(signal());
      expect(neither.ok).toBe(false);
      if (!neither.ok) {
        expect(neither.reason).toContain(
          `CBR: a redirect to another host (${elsewhere.url}), not followed from ${front.url}/scripts/XML_daily.asp: check CBR_BASE_URL`,
        );
        expect(neither.reason).toContain("check CBR_MIRROR_BASE_URL");
      }
      expect(elsewhere.requests).toHaveLength(0);
      expect(fx.cbrRequests).toHaveLength(0);
    } finally {
      await fx.stop();
    }
  });
});
