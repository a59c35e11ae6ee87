import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IBKR_CACHE_FILE, IBKR_LAST_ANSWER_FILE, IBKR_THROTTLE_FILE } from "../../../src/platforms/ibkr/state.ts";
import { freshSignal, QUERY_ID, START, TOKEN, USER_AGENT, useIbkrHarness } from "../../fakes/ibkr-harness.ts";

// The client's defences against IBKR's strict limits: spacing, the persisted 1018 penalty, the statement cache.
const h = useIbkrHarness();

describe("rate limits, throttling and the cache", () => {
  test("1018 stops at once and persists a throttle of at least 10 minutes that a restarted client obeys", async () => {
    h.fake.faults.add({ path: "SendRequest", code: 1018 });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error).toMatchObject({ kind: "rate-limit", code: 1018 });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(h.steps()).toEqual(["SendRequest:1018"]);
    const saved = JSON.parse(readFileSync(join(h.stateDir, IBKR_THROTTLE_FILE), "utf8")) as { throttledUntil: string };
    expect(Date.parse(saved.throttledUntil) - START).toBeGreaterThanOrEqual(10 * 60_000);

    h.fake.faults.clear();
    h.clock.advance(5 * 60_000);
    const restarted = h.client();
    const again = await h.failure(restarted.fetchBalance(freshSignal()));
    expect(again.kind).toBe("rate-limit");
    expect(again.retryAfterMs).toBeGreaterThan(0);
    // Nothing but the 1018 was ever heard: --check cannot vouch for the token, and says so.
    const unverified = await h.failure(restarted.auditKey(freshSignal()));
    expect(unverified.message).toStartWith("not checked: IBKR asked us to wait until 2026-03-14 06:15 UTC");
    expect(unverified.message).toContain("no earlier answer is remembered");
    expect(h.fake.calls).toHaveLength(1);

    h.clock.set(Date.parse(saved.throttledUntil) + 1_000);
    expect((await h.client().fetchBalance(freshSignal())).holdings).toHaveLength(2);
    expect(h.fake.calls).toHaveLength(3);
  });

  test("a 1018 received with the clock a year ahead does not keep IBKR away once the clock is back", async () => {
    // The fake shares the test's clock, so it would see the jump back as requests a year apart in the wrong order;
    // IBKR's own clock does not move with ours.
    h.fake.state.enforceRateLimit = false;
    h.clock.set(START + 365 * 24 * 60 * 60_000);
    h.fake.faults.add({ path: "SendRequest", code: 1018 });
    const ibkr = h.client();
    expect((await h.failure(ibkr.fetchBalance(freshSignal()))).kind).toBe("rate-limit");
    h.fake.faults.clear();
    h.clock.set(START);
    // Neither this process's memory nor a restarted one's file keeps the year-long wait.
    expect(h.summary(await ibkr.fetchBalance(freshSignal()))).toHaveLength(2);
    expect(h.summary(await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal()))).toHaveLength(2);
    expect(h.logLines.join("\n")).toContain(
      `${IBKR_THROTTLE_FILE} was recorded at 2027-03-14T06:00:00.000Z, later than now (the clock moved back?); ignoring it`,
    );
  });

  test("a stored throttle never lasts longer than IBKR can ask for (15 minutes)", async () => {
    const yearLater = new Date(START + 365 * 24 * 60 * 60_000).toISOString();
    writeFileSync(
      join(h.stateDir, IBKR_THROTTLE_FILE),
      JSON.stringify({ throttledUntil: yearLater, recordedAt: new Date(START).toISOString(), code: 1018 }),
    );
    const first = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(first.retryAfterMs).toBe(15 * 60_000);
    expect(h.fake.calls).toHaveLength(0);
    h.clock.set(START + 15 * 60_000 + 1);
    expect(h.summary(await h.client().fetchBalance(freshSignal()))).toHaveLength(2);

    // Without recordedAt (an older file), the wait still ends 15 minutes after it is first read.
    writeFileSync(join(h.stateDir, IBKR_THROTTLE_FILE), JSON.stringify({ throttledUntil: yearLater }));
    expect((await h.failure(h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal()))).retryAfterMs).toBe(15 * 60_000);
  });

  test("1018 while polling is persisted too", async () => {
    h.fake.faults.add({ path: "GetStatement", code: 1018 });
    expect((await h.failure(h.client().fetchBalance(freshSignal()))).kind).toBe("rate-limit");
    expect(existsSync(join(h.stateDir, IBKR_THROTTLE_FILE))).toBe(true);
  });

  test("while throttled, a cached statement is shown with a warning instead of asking IBKR", async () => {
    await h.client({ cacheMinutes: 1 }).fetchBalance(freshSignal());
    h.clock.advance(30 * 60_000);
    h.fake.faults.add({ path: "SendRequest", code: 1018 });
    const first = await h.client({ cacheMinutes: 1 }).fetchBalance(freshSignal());
    expect(first.warnings.join(" ")).toContain("rate-limited");
    expect(h.summary(first)).toHaveLength(2);
    const callsAfterThrottle = h.fake.calls.length;
    const second = await h.client({ cacheMinutes: 1 }).fetchBalance(freshSignal());
    expect(second.asOf).toBe("2026-03-13");
    expect(h.fake.calls).toHaveLength(callsAfterThrottle);
  });

  test("the cache is honoured across a restart and expires after cacheMinutes", async () => {
    const fresh = await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    expect(h.fake.calls).toHaveLength(2);
    expect(existsSync(join(h.stateDir, IBKR_CACHE_FILE))).toBe(true);

    h.clock.advance(59 * 60_000);
    const cached = await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    expect(h.fake.calls).toHaveLength(2);
    expect(h.summary(cached)).toEqual(h.summary(fresh));
    expect(cached.asOf).toBe("2026-03-13");
    expect(cached.source).toContain("cache");

    h.clock.advance(2 * 60_000);
    await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    expect(h.fake.calls).toHaveLength(4);
  });

  test("cacheMinutes 0 disables the cache", async () => {
    const ibkr = h.client({ cacheMinutes: 0 });
    await ibkr.fetchBalance(freshSignal());
    await ibkr.fetchBalance(freshSignal());
    expect(h.fake.calls).toHaveLength(4);
    expect(existsSync(join(h.stateDir, IBKR_CACHE_FILE))).toBe(false);
  });

  test("requests are at least 1 s apart and at most 10 a minute, across calls of one client", async () => {
    const ibkr = h.client({ cacheMinutes: 0 });
    for (let i = 0; i < 6; i++) await ibkr.fetchBalance(freshSignal());
    const times = h.fake.calls.map((c) => c.at);
    expect(times).toHaveLength(12);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1_000);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(10);
  });

  test("a client created per run shares the spacing of the earlier ones (IBKR counts per token)", async () => {
    await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal());
    await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal());
    const times = h.fake.calls.map((c) => c.at);
    expect(times).toHaveLength(4);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  test("when IBKR keeps answering 1019, an older cached statement is shown with a warning", async () => {
    await h.client({ cacheMinutes: 10 }).fetchBalance(freshSignal());
    h.clock.advance(3 * 60 * 60_000);
    h.fake.state.inProgressPolls = 1_000;
    const balance = await h.client({ cacheMinutes: 10 }).fetchBalance(freshSignal());
    expect(balance.asOf).toBe("2026-03-13");
    expect(balance.warnings.join(" ")).toContain("no statement ready after 90 s");
    expect(balance.source).toContain("cache");
  });

  test("a terminal error is not hidden behind an old cached statement", async () => {
    await h.client({ cacheMinutes: 10 }).fetchBalance(freshSignal());
    h.clock.advance(60 * 60_000);
    h.fake.faults.add({ path: "SendRequest", code: 1012 });
    expect((await h.failure(h.client({ cacheMinutes: 10 }).fetchBalance(freshSignal()))).kind).toBe("auth");
  });

  test("state files are written atomically and unreadable ones are ignored with a log line", async () => {
    await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    expect(readdirSync(h.stateDir).sort()).toEqual([IBKR_CACHE_FILE, IBKR_LAST_ANSWER_FILE]);
    const saved = JSON.parse(readFileSync(join(h.stateDir, IBKR_CACHE_FILE), "utf8")) as {
      queryId: string;
      accounts: { amount: string }[];
    };
    expect(saved.queryId).toBe(QUERY_ID);
    expect(saved.accounts.map((a) => a.amount)).toEqual(["251002.480000912", "61940.066"]);

    writeFileSync(join(h.stateDir, IBKR_CACHE_FILE), '{"version":1,"accounts":[');
    writeFileSync(join(h.stateDir, IBKR_THROTTLE_FILE), '{"throttledUntil":"soon"}');
    expect((await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal())).holdings).toHaveLength(2);
    expect(h.fake.calls).toHaveLength(4);
    expect(h.logLines.filter((line) => line.includes("IBKR state:"))).toHaveLength(2);
  });

  test("a cache written for another query id is not reused", async () => {
    await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    const path = join(h.stateDir, IBKR_CACHE_FILE);
    writeFileSync(path, readFileSync(path, "utf8").replace(`"queryId": "${QUERY_ID}"`, '"queryId": "999"'));
    await h.client({ cacheMinutes: 60 }).fetchBalance(freshSignal());
    expect(h.fake.calls).toHaveLength(4);
  });

  test("concurrent callers share one fetch instead of doubling the requests", async () => {
    const ibkr = h.client();
    const [a, b] = await Promise.all([ibkr.fetchBalance(freshSignal()), ibkr.fetchBalance(freshSignal())]);
    expect(h.summary(a)).toEqual(h.summary(b));
    expect(h.fake.calls).toHaveLength(2);
  });

  test("the fake answers 1018 when hammered, and keeps its penalty box", async () => {
    const ask = () =>
      fetch(`${h.fake.baseUrl}/SendRequest?t=${TOKEN}&q=${QUERY_ID}&v=3`, { headers: { "User-Agent": USER_AGENT } }).then((r) => r.text());
    expect(await ask()).toContain("<ReferenceCode>");
    expect(await ask()).toContain("<ErrorCode>1018</ErrorCode>");
    h.clock.advance(5 * 60_000);
    expect(await ask()).toContain("<ErrorCode>1018</ErrorCode>");
    expect(h.fake.violations.length).toBeGreaterThan(0);
    h.fake.violations.length = 0;
  });
});
