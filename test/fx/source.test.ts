import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FxError } from "../../src/fx/errors.ts";
import {
  createFxSource,
  type FxProvider,
  type FxRates,
  type FxSourceOptions,
  parseCbrMirrorJson,
  parseCbrXml,
  toRub,
  toUsd,
  usdRub,
} from "../../src/fx/source.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { type Decimal, dec, toPlainString } from "../../src/lib/money.ts";
import type { Fault } from "../fakes/faults.ts";
import {
  CBR_PATH,
  cbrDailyXml,
  DDOS_GUARD_PAGE,
  encodeWindows1251,
  type FxFake,
  type FxFakeState,
  MIRROR_PATH,
  mirrorDailyJson,
  presetFxState,
  startFxFake,
} from "../fakes/fx.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.UTC(2025, 5, 11, 9, 0, 0);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fake(state: FxFakeState = presetFxState(), faults: Fault[] = []): Promise<FxFake> {
  const server = await startFxFake(state);
  server.faults.add(...faults);
  cleanups.push(server.stop);
  return server;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pfbot-fx-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function clock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

function source(server: FxFake, now: () => number, extra: Partial<FxSourceOptions> = {}) {
  return createFxSource({
    provider: "CBR" satisfies FxProvider,
    cbrBaseUrl: server.cbrUrl,
    mirrorBaseUrl: server.mirrorUrl,
    fetch,
    now,
    timeoutMs: 2_000,
    ttlMinutes: 60,
    ...extra,
  });
}

const plain = (d: Decimal | null | undefined): string | null => (d ? toPlainString(d) : null);
const signal = () => new AbortController().signal;

describe("parsers", () => {
  test("CBR XML: windows-1251 bytes, comma decimals, Value per Nominal units, dd.mm.yyyy date", () => {
    const bytes = encodeWindows1251(cbrDailyXml(presetFxState()));
    // Д of "Доллар" is one byte 0xC4 in windows-1251: not UTF-8, so a UTF-8 decoder would garble it.
    expect(bytes.includes(0xc4)).toBe(true);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const parsed = parseCbrXml(bytes);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.rates.date).toBe("2025-06-11");
    expect(plain(parsed.rates.rubPerUnit.get("USD"))).toBe("80.4512");
    expect(plain(parsed.rates.rubPerUnit.get("JPY"))).toBe("0.556041"); // 55,6041 per 100
    expect(plain(parsed.rates.rubPerUnit.get("THB"))).toBe("2.46128"); // 24,6128 per 10
    expect(plain(parsed.rates.rubPerUnit.get("VND"))).toBe("0.00308815"); // 30,8815 per 10000
    expect(parsed.rates.rubPerUnit.has("RUB")).toBe(false);
  });

  test("CBR XML without VunitRate (the pre-2023 format) gives the same rates", () => {
    const state = presetFxState();
    const withUnit = parseCbrXml(encodeWindows1251(cbrDailyXml(state)));
    const without = parseCbrXml(encodeWindows1251(cbrDailyXml({ ...state, vunitRate: false })));
    expect(cbrDailyXml({ ...state, vunitRate: false })).not.toContain("VunitRate");
    if (!withUnit.ok || !without.ok) throw new Error("parse failed");
    expect([...without.rates.rubPerUnit].map(([k, v]) => [k, plain(v)])).toEqual(
      [...withUnit.rates.rubPerUnit].map(([k, v]) => [k, plain(v)]),
    );
  });

  test("an unreadable row is left out and named, never NaN; a set without USD is refused", () => {
    const xml = (rows: string) =>
      encodeWindows1251(
        `<?xml version="1.0" encoding="windows-1251"?><ValCurs Date="02.01.2025" name="Foreign Currency Market">${rows}</ValCurs>`,
      );
    const usd = '<Valute ID="R01235"><CharCode>USD</CharCode><Nominal>1</Nominal><Value>99,5</Value></Valute>';
    const broken = '<Valute ID="R01239"><CharCode>EUR</CharCode><Nominal>1</Nominal><Value></Value></Valute>';
    const parsed = parseCbrXml(xml(usd + broken));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.rates.skipped).toEqual(["EUR"]);
    expect(parsed.rates.rubPerUnit.has("EUR")).toBe(false);
    const noUsd = parseCbrXml(xml(broken));
    expect(noUsd.ok).toBe(false);
  });

  test("a rate of 10^15 RUB or more is a corrupt row, left out like an unreadable one", () => {
    const json = (usd: string) =>
      `{"Date":"2025-06-11T11:30:00+03:00","Valute":{"USD":{"CharCode":"USD","Nominal":1,"Value":${usd}},"EUR":{"CharCode":"EUR","Nominal":1,"Value":1e15}}}`;
    const parsed = parseCbrMirrorJson(json("80.45"));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.rates.skipped).toEqual(["EUR"]);
    expect(parseCbrMirrorJson(json("1e20")).ok).toBe(false);
  });

  test("an HTML challenge page or a bad date is a problem, not a crash", () => {
    const html = parseCbrXml(new TextEncoder().encode("<!DOCTYPE html><html><body>DDoS-Guard</body></html>"));
    expect(html).toEqual({ ok: false, problem: expect.stringContaining("HTML page") });
    const badDate = parseCbrXml(
      encodeWindows1251(
        '<ValCurs Date="31.02.2025"><Valute><CharCode>USD</CharCode><Nominal>1</Nominal><Value>90,1</Value></Valute></ValCurs>',
      ),
    );
    expect(badDate).toEqual({ ok: false, problem: expect.stringContaining("dd.mm.yyyy") });
  });

  test("mirror JSON: numbers become exact decimals, Date's day is the in-force date", () => {
    const parsed = parseCbrMirrorJson(mirrorDailyJson(presetFxState()));
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.rates.date).toBe("2025-06-11");
    expect(plain(parsed.rates.rubPerUnit.get("EUR"))).toBe("92.1875");
    expect(plain(parsed.rates.rubPerUnit.get("KZT"))).toBe("0.15731");
    expect(parseCbrMirrorJson("<html>blocked</html>").ok).toBe(false);
    expect(parseCbrMirrorJson('{"Date":"2025-06-11T11:30:00+03:00"}').ok).toBe(false);
  });
});

describe("conversion", () => {
  const rates: FxRates = {
    source: "CBR",
    date: "2025-06-11",
    fetchedAt: T0,
    rubPerUnit: new Map([
      ["USD", dec("90.5")],
      ["EUR", dec("99.55")],
      ["JPY", dec("0.6335")],
    ]),
  };

  test("EUR→USD is the exact cross rate (RUB per EUR ÷ RUB per USD)", () => {
    // 99.55 / 90.5 = 1.1 exactly, so 1234.56 EUR = 1358.016 USD with no float drift.
    expect(plain(toUsd({ currency: "EUR", amount: dec("1234.56") }, rates))).toBe("1358.016");
    expect(plain(toUsd({ currency: "JPY", amount: dec("100000") }, rates))).toBe("700");
  });

  test("RUB (any case) divides by USD/RUB, USD stays as is, an unlisted currency is null", () => {
    expect(plain(toUsd({ currency: "rub", amount: dec("-9050") }, rates))).toBe("-100");
    expect(plain(toUsd({ currency: "USD", amount: dec("12.34") }, rates))).toBe("12.34");
    expect(toUsd({ currency: "XAU", amount: dec("1") }, rates)).toBeNull();
    expect(plain(toRub({ currency: "EUR", amount: dec("2") }, rates))).toBe("199.1");
    expect(plain(usdRub(rates))).toBe("90.5");
  });

  test("rates without USD are an FxError naming the set, never a rate made up", () => {
    const noUsd: FxRates = { ...rates, rubPerUnit: new Map([["EUR", dec("99.55")]]) };
    expect(() => usdRub(noUsd)).toThrow(FxError);
    expect(() => toUsd({ currency: "EUR", amount: dec("1") }, noUsd)).toThrow("the CBR rates of 2025-06-11 have no USD rate");
  });
});

describe("createFxSource", () => {
  test("CBR answers: its rates, its date, no warning", async () => {
    const server = await fake();
    const result = await source(server, clock().now).getRates(signal());
    if (!result.ok) throw new Error(result.reason);
    expect(result.rates.source).toBe("CBR");
    expect(result.rates.date).toBe("2025-06-11");
    expect(plain(usdRub(result.rates))).toBe("80.4512");
    expect(result.stale).toBe(false);
    expect(server.mirrorRequests.length).toBe(0);
  });

  const outages: [string, Fault][] = [
    ["down", { path: CBR_PATH, status: 500 }],
    ["behind a captcha page", { path: CBR_PATH, body: DDOS_GUARD_PAGE }],
    ["forbidden", { path: CBR_PATH, status: 403, body: DDOS_GUARD_PAGE }],
  ];
  for (const [mode, outage] of outages) {
    test(`CBR ${mode} → the mirror is used and the source says so`, async () => {
      const server = await fake(presetFxState(), [outage]);
      const result = await source(server, clock().now).getRates(signal());
      if (!result.ok) throw new Error(result.reason);
      expect(result.rates.source).toBe("CBR mirror");
      expect(plain(result.rates.rubPerUnit.get("CHF"))).toBe("98.3406");
      expect(server.cbrRequests.length).toBe(1);
      expect(server.mirrorRequests.length).toBe(1);
    });
  }

  test("CBR slower than the timeout → the mirror is used", async () => {
    const server = await fake(presetFxState(), [{ path: CBR_PATH, hang: true }]);
    const started = Date.now();
    const result = await source(server, clock().now, { timeoutMs: 50 }).getRates(signal());
    expect(Date.now() - started).toBeLessThan(800);
    if (!result.ok) throw new Error(result.reason);
    expect(result.rates.source).toBe("CBR mirror");
  });

  test("both sources too slow → unavailable, saying neither answered in time", async () => {
    const server = await fake(presetFxState(), [
      { path: CBR_PATH, hang: true },
      { path: MIRROR_PATH, hang: true },
    ]);
    const result = await source(server, clock().now, { timeoutMs: 50 }).getRates(signal());
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("no answer within 0.05 s") });
  });

  test("both sources down and no cache → unavailable, with no number", async () => {
    const server = await fake(presetFxState(), [
      { path: CBR_PATH, status: 403, body: DDOS_GUARD_PAGE },
      { path: MIRROR_PATH, status: 500 },
    ]);
    const result = await source(server, clock().now).getRates(signal());
    expect(result.ok).toBe(false);
    expect("rates" in result).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain("CBR: HTTP 403");
    expect(result.reason).toContain("CBR mirror: HTTP 500");
    expect(result.reason).not.toContain("80.45");
  });

  test("within the TTL no request is made; after it the rates are fetched again", async () => {
    const server = await fake();
    const time = clock();
    const fx = source(server, time.now, { ttlMinutes: 60 });
    await fx.getRates(signal());
    time.advance(59 * MINUTE);
    const again = await fx.getRates(signal());
    expect(again.ok && again.rates.fetchedAt).toBe(T0);
    expect(server.cbrRequests.length).toBe(1);
    time.advance(2 * MINUTE);
    await fx.getRates(signal());
    expect(server.cbrRequests.length).toBe(2);
  });

  test("sources down with a 2-day-old rate → that rate, stale, with a warning naming its date", async () => {
    const server = await fake();
    const time = clock();
    const fx = source(server, time.now);
    expect((await fx.getRates(signal())).ok).toBe(true);
    server.faults.add({ path: CBR_PATH, status: 500 }, { path: MIRROR_PATH, body: DDOS_GUARD_PAGE });
    time.advance(2 * DAY);
    const result = await fx.getRates(signal());
    if (!result.ok) throw new Error(result.reason);
    expect(result.stale).toBe(true);
    expect(plain(usdRub(result.rates))).toBe("80.4512");
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain("in force on 2025-06-11");
    expect(result.warnings[0]).toContain("48 h ago");
  });

  test("sources down with a 5-day-old rate → unavailable", async () => {
    const server = await fake();
    const time = clock();
    const fx = source(server, time.now);
    expect((await fx.getRates(signal())).ok).toBe(true);
    server.faults.add({ path: CBR_PATH, status: 500 }, { path: MIRROR_PATH, status: 500 });
    time.advance(5 * DAY);
    const result = await fx.getRates(signal());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("no saved rate younger than 4 days");
  });

  test("the cache file is written atomically with string decimals and reused by a new instance", async () => {
    const server = await fake();
    const dir = await tempDir();
    const cacheFile = join(dir, "data", "fx-cache.json");
    const time = clock();
    await source(server, time.now, { cacheFile }).getRates(signal());
    const saved = JSON.parse(await readFile(cacheFile, "utf8"));
    expect(saved.rubPerUnit.USD).toBe("80.4512");
    expect(saved.rubPerUnit.JPY).toBe("0.556041");
    expect(saved.date).toBe("2025-06-11");
    expect(await readdir(join(dir, "data"))).toEqual(["fx-cache.json"]); // no temp file left behind

    time.advance(30 * MINUTE);
    const restarted = await source(server, time.now, { cacheFile }).getRates(signal());
    expect(restarted.ok && plain(restarted.rates.rubPerUnit.get("GBP"))).toBe("108.7093");
    expect(server.cbrRequests.length + server.mirrorRequests.length).toBe(1);

    server.faults.add({ path: CBR_PATH, status: 500 }, { path: MIRROR_PATH, status: 500 });
    time.advance(2 * DAY);
    const oneShot = await source(server, time.now, { cacheFile }).getRates(signal());
    expect(oneShot.ok && oneShot.stale).toBe(true);
  });

  test("an unreadable cache file is ignored and the rates are fetched", async () => {
    const server = await fake();
    const cacheFile = join(await tempDir(), "fx.json");
    await writeFile(cacheFile, '{"format":1,"rubPerUnit":{"USD":"NaN"}}');
    const result = await source(server, clock().now, { cacheFile }).getRates(signal());
    expect(result.ok && result.rates.source).toBe("CBR");
    expect(server.cbrRequests.length).toBe(1);
  });

  test("a cache saved at a time later than now (the clock moved back) is dropped with a warning, never used as fresh or stale", async () => {
    const server = await fake();
    const cacheFile = join(await tempDir(), "fx.json");
    const ahead = clock(T0 + 365 * DAY);
    await source(server, ahead.now, { cacheFile }).getRates(signal());
    server.faults.add({ path: CBR_PATH, status: 500 }, { path: MIRROR_PATH, status: 500 });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const back = clock(T0);
    const fx = source(server, back.now, { cacheFile, log });
    expect((await fx.getRates(signal())).ok).toBe(false);
    expect(warnings).toContain("FX cache dropped: it was saved at a time later than now (the clock moved back?)");
    // Once the clock has caught up, the dropped set does not come back as a fresh one.
    back.advance(365 * DAY + MINUTE);
    expect((await fx.getRates(signal())).ok).toBe(false);
  });

  test("CBR_MIRROR never calls cbr.ru", async () => {
    const server = await fake();
    const result = await source(server, clock().now, { provider: "CBR_MIRROR" }).getRates(signal());
    expect(result.ok && result.rates.source).toBe("CBR mirror");
    expect(server.cbrRequests.length).toBe(0);
    expect(server.mirrorRequests.length).toBe(1);
  });
});
