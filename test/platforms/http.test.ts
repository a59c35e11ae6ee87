import { afterEach, expect, test } from "bun:test";
import { brotliCompressSync, deflateSync as zlibDeflate } from "node:zlib";
import { httpRequest, looksLikeJson, networkErrorText, retryAfterMs } from "../../src/platforms/http.ts";
import type { ClientDeps } from "../../src/platforms/types.ts";
import { hugeBody, MiB } from "../fakes/hostile.ts";
import { type FakeServer, startFake } from "../fakes/server.ts";
import { expectPlatformError } from "../support/platform-error.ts";

let fake: FakeServer | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

function deps(baseUrl: string, timeoutMs = 2_000, sleeps: number[] = []): ClientDeps {
  return { baseUrl, fetch, now: () => Date.parse("2026-11-24T10:00:00Z"), timeoutMs, sleep: async (ms) => void sleeps.push(ms) };
}
const signal = () => new AbortController().signal;

test("5xx is retried with backoff and then succeeds", async () => {
  let calls = 0;
  fake = await startFake({ "/x": () => (++calls < 3 ? new Response("busy", { status: 502 }) : Response.json({ ok: 1 })) });
  const sleeps: number[] = [];
  const res = await httpRequest(deps(fake.url, 2_000, sleeps), "bybit", `${fake.url}/x`, { signal: signal() });
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toEqual({ ok: 1 });
  expect(calls).toBe(3);
  expect(sleeps).toEqual([500, 1000]);
});

test("5xx every time is reported as unavailable after the attempts, without the query string", async () => {
  fake = await startFake({ "/x": () => new Response("down", { status: 503 }) });
  const error = await expectPlatformError(
    httpRequest(deps(fake.url), "ibkr", `${fake.url}/x?t=SECRETTOKEN123&v=3`, { signal: signal(), maxAttempts: 2 }),
  );
  expect(error.kind).toBe("unavailable");
  expect(error.message).toBe(`IBKR is unavailable (HTTP 503 from ${fake.url}/x after 2 attempts); try again later`);
  expect(error.message).not.toContain("SECRETTOKEN123");
  expect(fake.requests).toHaveLength(2);
});

test("4xx is returned to the caller at once, never retried", async () => {
  fake = await startFake({ "/x": () => Response.json({ code: "50111" }, { status: 401 }) });
  const res = await httpRequest(deps(fake.url), "okx", `${fake.url}/x`, { signal: signal() });
  expect(res.status).toBe(401);
  expect(fake.requests).toHaveLength(1);
});

test("Retry-After on a 503 is honoured", async () => {
  let calls = 0;
  fake = await startFake({
    "/x": () => (++calls === 1 ? new Response("", { status: 503, headers: { "Retry-After": "3" } }) : new Response("ok")),
  });
  const sleeps: number[] = [];
  await httpRequest(deps(fake.url, 2_000, sleeps), "tbank", `${fake.url}/x`, { signal: signal() });
  expect(sleeps).toEqual([3000]);
});

test("a slow answer is a timeout within the limit, not retried", async () => {
  fake = await startFake({
    "/slow": async () => {
      await Bun.sleep(1_500);
      return new Response("late");
    },
  });
  const started = performance.now();
  const error = await expectPlatformError(httpRequest(deps(fake.url, 100), "okx", `${fake.url}/slow`, { signal: signal() }));
  expect(error.kind).toBe("timeout");
  expect(error.message).toContain("OKX did not answer within 0.1 s");
  expect(performance.now() - started).toBeLessThan(1_000);
  expect(fake.requests).toHaveLength(1);
});

test("a refused connection is retried and reported as unavailable", async () => {
  const sleeps: number[] = [];
  const error = await expectPlatformError(
    httpRequest(deps("http://127.0.0.1:1", 1_000, sleeps), "bybit", "http://127.0.0.1:1/v5/x?api_key=abc", { signal: signal() }),
  );
  expect(error.kind).toBe("unavailable");
  expect(error.message).toStartWith("Bybit is unavailable (network error");
  expect(error.message).not.toContain("api_key");
  expect(sleeps).toHaveLength(2);
});

test("a network failure is kept as the error's cause, so callers need not read the message", async () => {
  const error = await expectPlatformError(
    httpRequest(deps("http://127.0.0.1:1"), "tbank", "http://127.0.0.1:1/rest", { signal: signal(), maxAttempts: 1 }),
  );
  expect(error.kind).toBe("unavailable");
  expect(error.cause).toBeInstanceOf(Error);
  expect(error.message).toContain(`network error: ${networkErrorText(error.cause)} from`);
});

test("a 5xx after a network failure leaves no network cause behind", async () => {
  let calls = 0;
  const flaky: typeof fetch = Object.assign(
    async (input: string | URL | Request, init?: RequestInit) => {
      if (++calls === 1) throw new TypeError("socket hang up");
      return fetch(input, init);
    },
    { preconnect: fetch.preconnect },
  );
  fake = await startFake({ "/x": () => new Response("down", { status: 503 }) });
  const error = await expectPlatformError(
    httpRequest({ ...deps(fake.url), fetch: flaky }, "okx", `${fake.url}/x`, { signal: signal(), maxAttempts: 2 }),
  );
  expect(error.message).toContain("HTTP 503");
  expect(error.cause).toBeUndefined();
});

test("networkErrorText cuts any URL in the error to origin and path", () => {
  const error = new TypeError("fetch failed for https://ndcdyn.example/Flex/SendRequest?t=SECRET123&q=1.");
  expect(networkErrorText(error)).toBe("fetch failed for https://ndcdyn.example/Flex/SendRequest.");
  expect(networkErrorText("unable to connect (https://h.example/x?token=SECRET123), giving up")).toBe(
    "unable to connect (https://h.example/x), giving up",
  );
  expect(networkErrorText("ECONNRESET")).toBe("ECONNRESET");
});

test("looksLikeJson tells a JSON body from a proxy's page", () => {
  expect(looksLikeJson('  {"retCode":0}')).toBe(true);
  expect(looksLikeJson("[1]")).toBe(true);
  expect(looksLikeJson("<html>502 Bad Gateway</html>")).toBe(false);
  expect(looksLikeJson("")).toBe(false);
});

test("retryAfterMs reads seconds and HTTP dates", () => {
  const now = Date.parse("2026-11-24T10:00:00Z");
  expect(retryAfterMs(new Headers({ "retry-after": "120" }), now)).toBe(120_000);
  expect(retryAfterMs(new Headers({ "retry-after": "Tue, 24 Nov 2026 10:00:30 GMT" }), now)).toBe(30_000);
  expect(retryAfterMs(new Headers(), now)).toBeNull();
  expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeNull();
});

test("the body cap is per platform and exact: 8 MiB passes for IBKR but not for OKX; the cap itself passes", async () => {
  fake = await startFake({ "/8": () => hugeBody(8 * MiB), "/4": () => hugeBody(4 * MiB) });
  expect((await httpRequest(deps(fake.url), "ibkr", `${fake.url}/8`, { signal: signal() })).bytes.byteLength).toBe(8 * MiB);
  expect((await httpRequest(deps(fake.url), "okx", `${fake.url}/4`, { signal: signal() })).bytes.byteLength).toBe(4 * MiB);
  const error = await expectPlatformError(httpRequest(deps(fake.url), "okx", `${fake.url}/8`, { signal: signal() }));
  expect(error.kind).toBe("bad-response");
  expect(error.message).toBe(
    `OKX sent a response larger than 4 MiB (HTTP 200 from ${fake.url}/8); pfbot stopped reading it: check OKX_BASE_URL`,
  );
  const small = await expectPlatformError(httpRequest(deps(fake.url), "okx", `${fake.url}/4`, { signal: signal(), maxBodyBytes: MiB }));
  expect(small.message).toContain("larger than 1 MiB");
});

test("a redirect is never retried like a 5xx, and never followed without maxRedirects", async () => {
  fake = await startFake({
    "/x": () => new Response(null, { status: 308, headers: { Location: "/y?t=SECRETTOKEN123" } }),
    "/y": () => new Response("ok"),
  });
  const sleeps: number[] = [];
  const error = await expectPlatformError(
    httpRequest(deps(fake.url, 2_000, sleeps), "ibkr", `${fake.url}/x?t=SECRETTOKEN123`, { signal: signal() }),
  );
  expect(error.kind).toBe("config");
  expect(error.message).toBe(
    `IBKR answered ${fake.url}/x with a redirect (HTTP 308 to ${fake.url}); pfbot never follows a redirect with credentials: set IBKR_FLEX_BASE_URL to the address the API answers at`,
  );
  expect(fake.requests.map((r) => r.path)).toEqual(["/x"]);
  expect(sleeps).toEqual([]);
  const followed = await httpRequest(deps(fake.url), "bybit", `${fake.url}/x`, { signal: signal(), maxRedirects: 1 });
  expect(followed.text).toBe("ok");
});

test("gzip and deflate answers are decoded; an encoding not asked for (br) is a bad response", async () => {
  const json = JSON.stringify({ retCode: 0, result: { list: ["BTCUSDT"] } });
  fake = await startFake({
    "/gzip": () => new Response(Bun.gzipSync(json), { headers: { "Content-Encoding": "gzip" } }),
    "/deflate": () => new Response(zlibDeflate(json), { headers: { "Content-Encoding": "deflate" } }),
    "/br": () => new Response(brotliCompressSync(json), { headers: { "Content-Encoding": "br" } }),
  });
  for (const path of ["/gzip", "/deflate"])
    expect((await httpRequest(deps(fake.url), "bybit", `${fake.url}${path}`, { signal: signal() })).text).toBe(json);
  expect(fake.requests[0]!.headers.get("accept-encoding")).toBe("gzip, deflate");
  const error = await expectPlatformError(httpRequest(deps(fake.url), "tbank", `${fake.url}/br`, { signal: signal() }));
  expect(error.kind).toBe("bad-response");
  expect(error.message).toBe(
    `T-Bank sent a response in an encoding pfbot did not ask for (br, HTTP 200 from ${fake.url}/br): check TBANK_BASE_URL`,
  );
});
