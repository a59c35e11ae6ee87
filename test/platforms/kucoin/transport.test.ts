import { describe, expect, test } from "bun:test";
import { kucoinPrehash, resolveKucoinHosts, signKucoin, signKucoinPassphrase } from "../../../src/platforms/kucoin/client.ts";
import type { PlatformError } from "../../../src/platforms/types.ts";
import {
  FAKE_KUCOIN_KEY,
  FAKE_KUCOIN_PASSPHRASE,
  FAKE_KUCOIN_SECRET,
  kucoinRateLimitFault,
  REALISTIC_KUCOIN_TOTAL_USD,
  realisticKucoinAccount,
} from "../../fakes/kucoin.ts";
import { total } from "../../support/balance.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { ACCOUNTS, API_KEY, CROSS, EARN, setup, TIMESTAMP } from "./setup.ts";

describe("signing", () => {
  test("the documented vector [old docs §Signing a Message]", () => {
    const input = { timestamp: 1547015186532, method: "POST", endpoint: "/api/v1/deposit-addresses", body: '{"currency":"BTC"}' } as const;
    expect(kucoinPrehash(input)).toBe('1547015186532POST/api/v1/deposit-addresses{"currency":"BTC"}');
    expect(signKucoin(FAKE_KUCOIN_SECRET, input)).toBe("7QP/oM0ykidMdrfNEUmng8eZjg/ZvPafjIqmxiVfYu4=");
  });

  test("the passphrase is HMAC-signed with the secret (the docs' own example sends base64 of the plain text, which v2 keys reject)", () => {
    expect(signKucoinPassphrase(FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE)).toBe("F2p2bNS1bBehHvC/Z4YkB7l1Wd0Pq2iV/oLHM/DyE+I=");
    expect(signKucoinPassphrase(FAKE_KUCOIN_SECRET, "my-passphrase")).toBe("sVNmif2caUE5SCRJCgYlwsc6lQaT8d/P6TZ8yPqSYoU=");
    expect(signKucoinPassphrase(FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE)).not.toBe("QWIxMjM0NTY3OCkoKiZeJSQjQA==");
  });

  // docs/platforms/kucoin.md §3: the same secret, ts 1764000000000, GET with an empty body.
  test.each([
    ["/api/v1/accounts", "vTzhzGhe3M6dZNSDLcPyg0abpSNunybv2N8qfatQXdc="],
    ["/api/v1/accounts?type=main", "uqD5cSjWdxqr7ginTEGpvW4+mGURz9+iHWvoYexC8KI="],
    ["/api/v3/margin/accounts?quoteCurrency=USDT&queryType=ALL", "RTHyoqiRhmbFzGkxIuszHllqCgI9qsgxGU5jg8NRjzc="],
    ["/api/v1/account-overview?currency=USDT", "4YnnWBsjNaeTBlBWPtR8HF+sJ3GO5ZsuaIirjHASbzE="],
    ["/api/v1/user/api-key", "mcgG4N61o7pUQrU9giGRESLA5Ms2YZlOajfePm1KZJ0="],
    ["/api/v1/earn/hold-assets?currentPage=1&pageSize=500", "hdERlPX8X2vNZyl39eAQ+dc/i1KuYN6fXDXneTBNczo="],
  ])("GET %s", (endpoint, signature) => {
    expect(signKucoin(FAKE_KUCOIN_SECRET, { timestamp: 1764000000000, method: "GET", endpoint, body: "" })).toBe(signature);
  });

  test("what is signed is what is sent: five headers, version 2, the signed passphrase, no body; nothing secret on the wire", async () => {
    const { fake, client, signal } = await setup();
    await client.fetchBalance(signal);
    const [request] = fake.requestsTo(CROSS);
    const headers = request?.headers;
    const timestamp = headers?.get("kc-api-timestamp") ?? "";
    expect(headers?.get("kc-api-sign")).toBe(
      signKucoin(FAKE_KUCOIN_SECRET, { timestamp, method: "GET", endpoint: `${CROSS}?${request?.rawQuery}`, body: "" }),
    );
    expect(headers?.get("kc-api-passphrase")).toBe(signKucoinPassphrase(FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE));
    expect(headers?.get("kc-api-key-version")).toBe("2");
    expect(headers?.get("kc-api-key")).toBe(FAKE_KUCOIN_KEY);
    for (const r of fake.requests) {
      expect(r.body).toBe("");
      const wire = `${r.url} ${[...r.headers.values()].join(" ")}`;
      expect(wire).not.toContain(FAKE_KUCOIN_SECRET);
      expect(wire).not.toContain(FAKE_KUCOIN_PASSPHRASE);
    }
  });
});

describe("auth errors say what to fix", () => {
  const noSecrets = (error: PlatformError, ...more: string[]): void => {
    for (const secret of [FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE, ...more]) expect(error.message).not.toContain(secret);
  };

  test("an unknown key (400003) names KUCOIN_API_KEY and the host", async () => {
    const { client, signal } = await setup(realisticKucoinAccount(), { apiKey: "6a0000000000000000000001" });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", "400003"]);
    expect(error.message).toContain("KUCOIN_API_KEY");
    expect(error.message).toContain("KUCOIN_BASE_URL");
  });

  test("a wrong passphrase (400004) names the passphrase and the secret", async () => {
    const { client, signal } = await setup(realisticKucoinAccount(), { passphrase: "not-the-passphrase" });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["auth", "400004"]);
    expect(error.message).toContain("KUCOIN_API_PASSPHRASE");
    expect(error.message).toContain("KUCOIN_API_SECRET");
    noSecrets(error, "not-the-passphrase");
  });

  test("a wrong secret shows up as 400004 first, as on KuCoin, and the message still names the secret", async () => {
    const wrong = "00000000-0000-0000-0000-000000000000";
    const { client, signal } = await setup(realisticKucoinAccount(), { apiSecret: wrong });
    const error = await expectPlatformError(client.auditKey(signal));
    expect(error.code).toBe("400004");
    expect(error.message).toContain("KUCOIN_API_SECRET");
    noSecrets(error, wrong);
  });

  test("a bad signature alone (400005) names KUCOIN_API_SECRET", async () => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, {
      faults: [{ path: API_KEY, code: "400005", message: "Invalid KC-API-SIGN", status: 401 }],
    });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code]).toEqual(["auth", "400005"]);
    expect(error.message).toContain("KUCOIN_API_SECRET");
  });

  test("an IP outside the key's whitelist (400006): the platform fails, with the IP KuCoin saw", async () => {
    const state = realisticKucoinAccount();
    state.key.allowedIps = ["203.0.113.9"];
    const { client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["permission", "400006"]);
    expect(error.message).toContain("the current client IP is: 127.0.0.1");
    expect(error.message).toContain("IP whitelist");
  });

  test("a key without General (400007) fails the platform: no partial number from a key that cannot read", async () => {
    const state = realisticKucoinAccount();
    state.key.permissions = ["Spot"];
    const { client, signal } = await setup(state);
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["permission", "400007"]);
    expect(error.message).toContain("tick General");
  });

  test("400009 (key version): retried once with version 3, which is kept", async () => {
    const state = realisticKucoinAccount();
    const { fake, client, signal } = await setup(state, {
      faults: [{ path: API_KEY, times: 1, code: "400009", message: "Invalid KC-API-KEY-VERSION", status: 401 }],
    });
    expect((await client.auditKey(signal)).readOnly).toBe(true);
    expect(fake.requestsTo(API_KEY).map((r) => r.headers.get("kc-api-key-version"))).toEqual(["2", "3"]);
    await client.fetchBalance(signal);
    expect(fake.requestsTo(ACCOUNTS)[0]?.headers.get("kc-api-key-version")).toBe("3");
  });

  test.each([
    ["frozen account", { code: "411100", message: "User are frozen", status: 200 }, "auth", "411100", "support"],
    ["regulation", { code: "400302", message: "Operation restricted", status: 200 }, "unavailable", "400302", "region"],
    [
      "CloudFront 403",
      { status: 403, body: "<HTML><BODY>The request could not be satisfied.</BODY></HTML>" },
      "rate-limit",
      "HTTP 403",
      "403",
    ],
    ["plain 404 from a wrong host", { status: 404, body: "" }, "unavailable", "HTTP 404", "KUCOIN_BASE_URL"],
    ["HTML with HTTP 200", { status: 200, body: "<html>maintenance</html>" }, "bad-response", undefined, API_KEY],
    [
      "unknown code quoting the passphrase header",
      { code: "499999", message: "odd {{passphrase}} {{apiKey}}", status: 200 },
      "unavailable",
      "499999",
      "499999",
    ],
  ] as const)("%s is mapped", async (_name, fault, kind, code, mentions) => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, { faults: [{ path: API_KEY, ...fault }] });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.platform, error.kind, error.code]).toEqual(["kucoin", kind, code]);
    expect(error.message).toContain(mentions);
    noSecrets(error, FAKE_KUCOIN_KEY, signKucoinPassphrase(FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE));
  });
});

describe("rate limits", () => {
  test("429000 with gw-ratelimit-reset: waited out exactly, once, then the call succeeds", async () => {
    const state = realisticKucoinAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [kucoinRateLimitFault(ACCOUNTS, 1_500, { times: 1 })] });
    const balance = await client.fetchBalance(signal);
    expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
    expect(sleeps).toEqual([1_500]);
    expect(fake.requestsTo(ACCOUNTS)).toHaveLength(2);
  });

  test("a 429 with only Retry-After (a proxy's) is honoured too", async () => {
    const state = realisticKucoinAccount();
    const { client, sleeps, signal } = await setup(state, {
      faults: [{ path: API_KEY, times: 1, status: 429, body: "<html>Too Many Requests</html>", headers: { "Retry-After": "2" } }],
    });
    expect((await client.auditKey(signal)).readOnly).toBe(true);
    expect(sleeps).toEqual([2_000]);
  });

  test("a wait too long for a snapshot is not slept: rate-limit error carrying it; an account's 429 leaves only that account out", async () => {
    const state = realisticKucoinAccount();
    const { fake, client, sleeps, signal } = await setup(state, {
      faults: [kucoinRateLimitFault(ACCOUNTS, 25_000, { times: 1 }), kucoinRateLimitFault(EARN, 25_000, { times: 1 })],
    });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code, error.retryAfterMs]).toEqual(["rate-limit", "429000", 25_000]);
    expect(sleeps).toEqual([]);
    fake.faults.add(kucoinRateLimitFault(EARN, 25_000, { times: 1 }));
    const balance = await client.fetchBalance(signal);
    expect(balance.leftOut).toEqual(["KuCoin Earn not read"]);
  });

  test("a second 429 is not waited for again", async () => {
    const state = realisticKucoinAccount();
    const { fake, client, sleeps, signal } = await setup(state, { faults: [kucoinRateLimitFault(API_KEY, 1_000)] });
    const error = await expectPlatformError(client.auditKey(signal));
    expect(error.kind).toBe("rate-limit");
    expect(sleeps).toEqual([1_000]);
    expect(fake.requestsTo(API_KEY)).toHaveLength(2);
  });
});

describe("clock skew", () => {
  test.each([8_000, -8_000])(
    "a clock %p ms off (KuCoin allows 5 s): one timestamp read shared by every call, one retry each, success",
    async (skewMs) => {
      const { fake, client, signal } = await setup(realisticKucoinAccount(), { skewMs });
      const balance = await client.fetchBalance(signal);
      expect(total(balance)).toBe(REALISTIC_KUCOIN_TOTAL_USD);
      expect(fake.requestsTo(TIMESTAMP)).toHaveLength(1);
      expect(fake.requestsTo(ACCOUNTS)).toHaveLength(2);
      expect(client.clockOffsetMs()).toBe(-skewMs);
      await client.auditKey(signal);
      expect(fake.requestsTo(API_KEY)).toHaveLength(1);
    },
  );

  test("a clock that cannot be fixed: clock-skew after exactly one resync and one retry, no loop", async () => {
    const state = realisticKucoinAccount();
    state.timestampErrorMs = 20_000;
    const { fake, client, signal } = await setup(state, { skewMs: 20_000 });
    const error = await expectPlatformError(client.fetchBalance(signal));
    expect([error.kind, error.code]).toEqual(["clock-skew", "400002"]);
    expect(error.message).toContain("NTP");
    expect(fake.requestsTo(TIMESTAMP)).toHaveLength(1);
    expect(fake.requestsTo(ACCOUNTS)).toHaveLength(2);
  });

  test("a clock off while the timestamp cannot be read: clock-skew quoting why, after one read and no retry", async () => {
    const { fake, client, signal } = await setup(realisticKucoinAccount(), {
      skewMs: 8_000,
      faults: [{ path: TIMESTAMP, status: 404, body: "" }],
    });
    const error = await expectPlatformError(client.auditKey(signal));
    expect([error.kind, error.code]).toEqual(["clock-skew", "400002"]);
    expect(error.message).toContain("its clock could not be read (KuCoin has no /api/v1/timestamp at this host (HTTP 404)");
    expect(error.message).toContain("enable NTP");
    expect(fake.requestsTo(TIMESTAMP)).toHaveLength(1);
    expect(fake.requestsTo(API_KEY)).toHaveLength(1);
  });
});

describe("KUCOIN_BASE_URL", () => {
  test.each([
    ["https://api.kucoin.com", { spot: "https://api.kucoin.com", futures: "https://api-futures.kucoin.com", regional: false }],
    ["https://api.kucoin.com/", { spot: "https://api.kucoin.com", futures: "https://api-futures.kucoin.com", regional: false }],
    ["http://127.0.0.1:7000", { spot: "http://127.0.0.1:7000", futures: "http://127.0.0.1:7000", regional: false }],
    ["https://api.kucoin.tr", { spot: "https://api.kucoin.tr", futures: null, regional: true }],
  ])("%s → %p", (base, hosts) => {
    expect(resolveKucoinHosts(base)).toEqual({ ok: true, hosts });
  });

  test.each([
    ["https://api-futures.kucoin.com", "pfbot derives it"],
    ["http://api.kucoin.com", "must use https"],
    ["kucoin", "not a URL"],
  ])("%s is refused naming KUCOIN_BASE_URL", (base, words) => {
    const result = resolveKucoinHosts(base);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(words);
      expect(result.message).toContain("KUCOIN_BASE_URL");
    }
  });
});
