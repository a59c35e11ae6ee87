// Answers far larger than any real one: a 100 MiB body and a gzip bomb (zeros that inflate a thousandfold).
// Each platform stops reading at its cap (4 MiB for the JSON APIs, 2 MiB for Binance and KuCoin, which read more answers at
// once, 16 MiB for a Flex statement, 1 MiB for a rate feed) and fails as a bad response; the bytes past the cap are never
// read, decoded or kept.
import { describe, expect, test } from "bun:test";
import { createFxSource } from "../../src/fx/source.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { createBinanceClient } from "../../src/platforms/binance/client.ts";
import { createBybitClient } from "../../src/platforms/bybit/client.ts";
import { createIbkrClient } from "../../src/platforms/ibkr/client.ts";
import { createFlexPacer } from "../../src/platforms/ibkr/pacer.ts";
import { createKucoinClient } from "../../src/platforms/kucoin/client.ts";
import { createOkxClient } from "../../src/platforms/okx/client.ts";
import { createTbankClient } from "../../src/platforms/tbank/client.ts";
import type { ClientDeps, PlatformClient, PlatformId } from "../../src/platforms/types.ts";
import { presetFxState, startFxFake } from "../fakes/fx.ts";
import { gzipBomb, hugeBody, MiB, type SentCounter } from "../fakes/hostile.ts";
import { fakeClock } from "../support/clock.ts";
import { expectPlatformError } from "../support/platform-error.ts";
import { servePerTest } from "../support/serve.ts";
import { tempDir } from "../support/temp-dir.ts";

const serve = servePerTest();

const NOW = Date.parse("2026-11-24T10:00:00Z");
function deps(baseUrl: string, clock: Clock = fakeClock(NOW)): ClientDeps {
  return { baseUrl, fetch, now: clock.now, sleep: clock.sleep, timeoutMs: 10_000 };
}
const signal = () => new AbortController().signal;

const clients: Record<PlatformId, { name: string; capMiB: number; make: (base: string) => PlatformClient }> = {
  bybit: {
    name: "Bybit",
    capMiB: 4,
    make: (base) => createBybitClient({ ...deps(base), apiKey: "BYBITKEYsize0001", apiSecret: "BYBITSECRETsize000000000001" }),
  },
  okx: {
    name: "OKX",
    capMiB: 4,
    make: (base) =>
      createOkxClient({ ...deps(base), apiKey: "okx-key-size", apiSecret: "OKXSECRETsize0000001", passphrase: "okx-pass-size" }),
  },
  tbank: { name: "T-Bank", capMiB: 4, make: (base) => createTbankClient({ ...deps(`${base}/rest`), token: "t.TBANKTOKENsize000000001" }) },
  ibkr: {
    name: "IBKR",
    capMiB: 16,
    make: (base) => {
      const clock = fakeClock(NOW);
      return createIbkrClient({
        ...deps(`${base}/AccountManagement/FlexWebService`, clock),
        pacer: createFlexPacer(clock),
        token: "918273645091827364509182",
        queryId: "1048576",
        stateDir: tempDir("size"),
        cacheMinutes: 0,
        userAgent: "pfbot-test/0.1",
      });
    },
  },
  binance: {
    name: "Binance",
    capMiB: 2,
    make: (base) =>
      createBinanceClient({
        ...deps(base),
        apiKey: "BINANCEKEYsize00000000000000000000000000000000000000000000000001",
        apiSecret: "BINANCESECRETsize0000000001",
      }),
  },
  kucoin: {
    name: "KuCoin",
    capMiB: 2,
    make: (base) =>
      createKucoinClient({
        ...deps(base),
        apiKey: "kucoinkeysize0000000001",
        apiSecret: "KUCOINSECRETsize0000001",
        passphrase: "kucoin-pass-size",
      }),
  },
};

/** Requests one fetchBalance sends at once before any answer is judged. */
const PARALLEL_READS: Partial<Record<PlatformId, number>> = { bybit: 3, okx: 3, binance: 4, kucoin: 7 };

describe("a platform answering more than its cap fails as a bad response", () => {
  for (const [id, { name, capMiB, make }] of Object.entries(clients) as [PlatformId, (typeof clients)[PlatformId]][]) {
    const cap = `${capMiB} MiB`;

    test(`${name}: a 100 MiB body is refused past ${cap}, most of it never sent`, async () => {
      const counters: SentCounter[] = [];
      const front = await serve({
        "/*": () => {
          const counter = { bytes: 0 };
          counters.push(counter);
          return hugeBody(100 * MiB, counter, id === "ibkr" ? "text/xml" : "application/json");
        },
      });
      const error = await expectPlatformError(make(front.url).fetchBalance(signal()));
      expect(error.kind).toBe("bad-response");
      expect(error.message).toContain(`${name} sent a response larger than ${cap} (HTTP 200 from ${front.url}`);
      expect(error.message).toContain("pfbot stopped reading it");
      // Only what the sockets buffered past the cap left the server: reading stopped at the cap.
      expect(counters.length).toBeGreaterThan(0);
      for (const counter of counters) expect(counter.bytes).toBeLessThan((capMiB + 32) * MiB);
    });

    test(`${name}: a gzip bomb (64 MiB of zeros in 64 KB) is refused at ${cap} of decoded bytes`, async () => {
      const front = await serve({ "/*": () => gzipBomb(64 * MiB, id === "ibkr" ? "text/xml" : "application/json") });
      const error = await expectPlatformError(make(front.url).fetchBalance(signal()));
      expect(error.kind).toBe("bad-response");
      expect(error.message).toContain(`larger than ${cap}`);
      // A bad response is not retried: one request per call (Bybit, OKX, Binance and KuCoin also read their wallets, once each).
      expect(front.requests.length).toBeLessThanOrEqual(PARALLEL_READS[id] ?? 1);
    });
  }

  test("IBKR names the Flex query's sections, since a real statement can grow with them", async () => {
    const front = await serve({ "/*": () => gzipBomb(64 * MiB, "text/xml") });
    const error = await expectPlatformError(clients.ibkr.make(front.url).fetchBalance(signal()));
    expect(error.message).toContain("keep the Flex query (IBKR_QUERY_ID) to the sections pfbot reads");
    expect(error.message).not.toContain("918273645091827364509182");
  });
});

describe("a rate feed answering more than 1 MiB is a failed feed", () => {
  test("CBR's bomb sends the report to the mirror; both bombs leave no rate", async () => {
    const fx = await startFxFake(presetFxState());
    const bomb = await serve({ "/*": () => gzipBomb(64 * MiB, "application/xml") });
    const huge = await serve({ "/*": () => hugeBody(100 * MiB) });
    try {
      const options = {
        provider: "CBR" as const,
        cbrBaseUrl: bomb.url,
        mirrorBaseUrl: fx.mirrorUrl,
        fetch,
        now: () => NOW,
        timeoutMs: 10_000,
        ttlMinutes: 60,
      };
      const viaMirror = await createFxSource(options).getRates(signal());
      expect(viaMirror.ok && viaMirror.rates.source).toBe("CBR mirror");
      const neither = await createFxSource({ ...options, mirrorBaseUrl: huge.url }).getRates(signal());
      expect(neither.ok).toBe(false);
      if (!neither.ok) {
        expect(neither.reason).toContain(`CBR: a response larger than 1 MiB from ${bomb.url}/scripts/XML_daily.asp, not read`);
        expect(neither.reason).toContain(`CBR mirror: a response larger than 1 MiB from ${huge.url}/daily_json.js, not read`);
      }
    } finally {
      await fx.stop();
    }
  });
});
