import { describe, expect, test } from "bun:test";
import { binanceQuery, createBinanceClient, signBinance } from "../../../src/platforms/binance/client.ts";
import type { PlatformError } from "../../../src/platforms/types.ts";
import {
  binanceRateLimitFault,
  FAKE_BINANCE_KEY,
  FAKE_BINANCE_SECRET,
  REALISTIC_BINANCE_TOTAL_USD,
  realisticBinanceAccount,
} from "../../fakes/binance.ts";
import { total } from "../../support/balance.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { FLEXIBLE, FUNDING, PRICES, RESTRICTIONS, SPOT, setup, TIME, WALLET_BALANCE } from "./setup.ts";

describe("signing", () => {
  test("the documented vector [rest-api.md §SIGNED Endpoint Examples]", () => {
    const payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    expect(signBinance(FAKE_BINANCE_SECRET, payload)).toBe("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  });

  // docs/platforms/binance.md §3: the same secret, timestamp 1764000000000, cross-checked with openssl.
  test.each([
    [[], "recvWindow=5000&timestamp=1764000000000", "3731543c1ab2d4eb53ffd0850cb68ad8ad1c010b635cf4e1a9d7da0adfccbcfc"],
    [
      [["quoteAsset", "USDT"]],
      "quoteAsset=USDT&recvWindow=5000&timestamp=1764000000000",
      "e7f8b1fed484a6cc185da4a5d115a816c741a4f66263f76606701e7b58814526",
    ],
    [
      [["omitZeroBalances", "true"]],
      "omitZeroBalances=true&recvWindow=5000&timestamp=1764000000000",
      "b3c813b47f91f7c206332863d78e19e3954bb8686d81cb1634c91c05411b7c53",
    ],
    [
      [
        ["current", "1"],
        ["size", "100"],
      ],
      "current=1&size=100&recvWindow=5000&timestamp=1764000000000",
      "e2082f45d003326c2c90de406d23a8f7cb06e7b24e5a1945629013416a84c2ee",
    ],
  ] as const)("query %p → %s", (params, query, signature) => {
    expect(binanceQuery(params, 5000, 1764000000000)).toBe(query);
    expect(signBinance(FAKE_BINANCE_SECRET, query)).toBe(signature);
  });

  test("what is signed is what is sent: signature last, key in the header, POST with an empty body, public calls unsigned", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    for (const path of [WALLET_BALANCE, SPOT, FUNDING]) {
      const [request] = fake.requestsTo(path);
      const raw = request?.rawQuery ?? "";
      const [signed, signature] = raw.split("&signature=");
      expect(signature).toBe(signBinance(FAKE_BINANCE_SECRET, signed ?? ""));
      expect(request?.headers.get("x-mbx-apikey")).toBe(FAKE_BINANCE_KEY);
      expect(request?.body).toBe("");
    }
    expect(fake.requestsTo(FUNDING)[0]?.method).toBe("POST");
    const [prices] = fake.requestsTo(PRICES);
    expect(prices?.rawQuery).toBe("");
    expect(prices?.headers.get("x-mbx-apikey")).toBeNull();
    for (const request of fake.requests)
      expect(`${request.url} ${[...request.headers.values()].join(" ")}`).not.toContain(FAKE_BINANCE_SECRET);
  });
});

describe("auth errors say what to fix", () => {
  const noSecrets = (error: PlatformError, ...secrets: string[]): void => {
    for (const secret of [FAKE_BINANCE_KEY, FAKE_BINANCE_SECRET, ...secrets]) expect(error.message).not.toContain(secret);
  };

  test("an unknown key (-2015) names BINANCE_API_KEY, the IP list and Enable Reading; no fallback", async () => {
    const other = "A".repeat(64);
    const { fake, client, signal } = await setup(realisticBinanceAccount(), { apiKey: other });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", -2015]);
    for (const words of ["BINANCE_API_KEY", "IP access list", "Enable Reading", "Binance.US"]) expect(error.message).toContain(words);
    expect(fake.requestsTo(FLEXIBLE)).toHaveLength(0);
    noSecrets(error, other);
  });

  test("a malformed key (-2014) says to paste it whole", async () => {
    const { client, signal } = await setup(realisticBinanceAccount(), { apiKey: "short key" });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code]).toEqual(["auth", -2014]);
    expect(error.message).toContain("BINANCE_API_KEY was pasted whole");
  });

  test("a wrong secret (-1022) names BINANCE_API_SECRET; no fallback", async () => {
    const wrong = "B".repeat(64);
    const { fake, client, signal } = await setup(realisticBinanceAccount(), { apiSecret: wrong });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", -1022]);
    expect(error.message).toContain("BINANCE_API_SECRET");
    expect(fake.requestsTo(FLEXIBLE)).toHaveLength(0);
    noSecrets(error, wrong);
  });

  test("an IP-restricted key used from another IP fails everywhere (-2015): the platform fails, never a partial figure", async () => {
    const state = realisticBinanceAccount();
    state.key.restrictions.ipRestrict = true;
    state.key.ips = ["203.0.113.9"];
    const { client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", -2015]);
    expect(error.message).toContain("IP access list");
  });

  test("a key without Enable Reading gets -2015 everywhere", async () => {
    const state = realisticBinanceAccount();
    state.key.restrictions.enableReading = false;
    const { client, signal } = await setup(state);
    expect((await expectPlatformError(client.fetchBalance(signal))).code).toBe(-2015);
  });

  test("an RSA/Ed25519 PEM secret is refused before anything is sent", async () => {
    const sent: string[] = [];
    const client = createBinanceClient({
      baseUrl: "https://api.binance.com",
      fetch: async (input) => {
        sent.push(String(input));
        return new Response("[]");
      },
      now: () => 0,
      sleep: async () => {},
      timeoutMs: 1_000,
      apiKey: FAKE_BINANCE_KEY,
      apiSecret: "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ\n-----END PRIVATE KEY-----",
    });
    const error = await expectPlatformError(client.fetchBalance(new AbortController().signal));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("HMAC keys only");
    expect(sent).toEqual([]);
  });

  test.each([
    [
      "HTTP 451 geo-block",
      {
        status: 451,
        body: JSON.stringify({
          code: 0,
          msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
        }),
      },
      "unavailable",
      "HTTP 451",
      "location",
    ],
    ["HTTP 403 WAF page", { status: 403, body: "<html><body>403 Forbidden</body></html>" }, "rate-limit", "HTTP 403", "firewall"],
    ["HTTP 401 without a body", { status: 401, body: "" }, "auth", "HTTP 401", "BINANCE_API_KEY"],
    ["-1102 parameter", { code: -1102, message: "Mandatory parameter 'x' was not sent" }, "bad-response", -1102, "pfbot bug"],
    ["unknown code, quoting the key", { code: -9999, message: "odd {{apiKey}} thing" }, "unavailable", -9999, "-9999"],
    ["HTML with HTTP 200", { status: 200, body: "<html>maintenance</html>" }, "bad-response", undefined, RESTRICTIONS],
  ] as const)("%s is mapped", async (_name, fault, kind, code, mentions) => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, { faults: [{ path: RESTRICTIONS, ...fault }] });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.platform, error.kind, error.code]).toEqual(["binance", kind, code]);
    expect(error.message).toContain(mentions);
    noSecrets(error);
  });
});

describe("rate limits", () => {
  test("a 429 with Retry-After is waited out exactly, once, and the call succeeds", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [binanceRateLimitFault(WALLET_BALANCE, 3, { times: 1 })] });
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    expect(balance.leftOut).toEqual([]);
    expect(sleeps).toEqual([3_000]);
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(2);
  });

  test("a second 429 is not waited for again: rate-limit error carrying the wait", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [binanceRateLimitFault(RESTRICTIONS, 2)] });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code, error.retryAfterMs]).toEqual(["rate-limit", -1003, 2_000]);
    expect(sleeps).toEqual([2_000]);
    expect(fake.requestsTo(RESTRICTIONS)).toHaveLength(2);
  });

  test("a Retry-After too long for a snapshot is not slept: that endpoint pauses, and the others are still used", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [binanceRateLimitFault(WALLET_BALANCE, 120)] });
    const balance = await client.fetchBalance(signal);
    // wallet/balance rate-limited → the wallets one by one, partial.
    expect(balance.leftOut[0]).toBe("Binance Options, Trading Bots and Copy Trading not read");
    expect(sleeps).toEqual([]);
    // Within the pause nothing more goes to wallet/balance; other endpoints still answer.
    await client.fetchBalance(signal);
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(1);
    expect((await client.auditKey(signal)).readOnly).toBe(true);
  });

  test("HTTP 418 (IP ban): reported with its length, and nothing is sent to Binance until it ends", async () => {
    const state = realisticBinanceAccount();
    const { fake, client, clock, signal } = await setup(state, {
      faults: [binanceRateLimitFault(RESTRICTIONS, 300, { ban: true, times: 1 })],
    });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code, error.retryAfterMs]).toEqual(["rate-limit", "HTTP 418", 300_000]);
    expect(error.message).toContain("5 min");
    const sent = fake.requests.length;
    const again = await expectPlatformError(client.fetchBalance(signal));
    expect([again.kind, again.code]).toEqual(["rate-limit", "HTTP 418"]);
    expect(again.message).toContain("an IP ban");
    expect(fake.requests.length).toBe(sent);
    // After the ban, Binance is asked again.
    clock.advance(301_000);
    expect(total(await client.fetchBalance(signal))).toBe(REALISTIC_BINANCE_TOTAL_USD);
  });

  test("the weight header is respected: a call that would pass the IP's minute budget is not sent", async () => {
    const state = realisticBinanceAccount();
    // Another program on this IP has used 5970 of /api's 6000 this minute.
    state.usedWeight.api = 5_970;
    const { fake, client, signal } = await setup(state);
    expect((await client.fetchBalance(signal)).warnings.join("\n")).not.toContain("budget");
    const first = fake.requestsTo(SPOT).length;
    const balance = await client.fetchBalance(signal);
    // 5990+ used: spot (20) would pass 6000, so it is not sent; the total (a /sapi call) is unaffected.
    expect(fake.requestsTo(SPOT)).toHaveLength(first);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    expect(balance.warnings.join("\n")).toContain("spot wallet (code weight, rate-limit)");
  });
});

describe("clock skew", () => {
  test("a clock 3 s fast (past Binance's +1 s bound whatever recvWindow): one time read, one retry each, success", async () => {
    const { fake, client, signal } = await setup(realisticBinanceAccount(), { skewMs: 3_000 });
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_BINANCE_TOTAL_USD);
    // Three signed calls hit -1021 at once; they share one resync.
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(2);
    expect(client.clockOffsetMs()).toBe(-3_000);
    // The offset is kept: the next call is right first time.
    await client.auditKey(signal);
    expect(fake.requestsTo(RESTRICTIONS)).toHaveLength(1);
  });

  test("a clock 10 s slow (outside recvWindow) is corrected the same way", async () => {
    const { fake, client, signal } = await setup(realisticBinanceAccount(), { skewMs: -10_000 });
    expect((await client.auditKey(signal)).readOnly).toBe(true);
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(RESTRICTIONS)).toHaveLength(2);
  });

  test("a clock that cannot be fixed: clock-skew after exactly one resync and one retry, no fallback, no loop", async () => {
    const state = realisticBinanceAccount();
    state.timeEndpointErrorMs = 30_000;
    const { fake, client, signal } = await setup(state, { skewMs: 30_000 });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["clock-skew", -1021]);
    expect(error.message).toContain("NTP");
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(WALLET_BALANCE)).toHaveLength(2);
    expect(fake.requestsTo(FLEXIBLE)).toHaveLength(0);
  });

  test("a clock off while the time cannot be read: clock-skew quoting why, after one read and no retry", async () => {
    const { fake, client, signal } = await setup(realisticBinanceAccount(), {
      skewMs: 3_000,
      faults: [{ path: TIME, status: 404, body: "" }],
    });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code]).toEqual(["clock-skew", -1021]);
    expect(error.message).toContain("its clock could not be read (Binance has no /api/v3/time at this host (HTTP 404)");
    expect(error.message).toContain("enable NTP");
    expect(fake.requestsTo(TIME)).toHaveLength(1);
    expect(fake.requestsTo(RESTRICTIONS)).toHaveLength(1);
  });

  test("a recvWindow over Binance's 60000 ms maximum is refused before anything is sent", async () => {
    const { fake, client, signal } = await setup(realisticBinanceAccount(), { recvWindowMs: 61_000 });
    const error = await expectPlatformError(client.auditKey(signal));
    expect(error.kind).toBe("config");
    expect(fake.requests).toHaveLength(0);
  });
});
