// Shared setup for the IBKR client tests: a fake Flex service on the test's injected clock, a fresh state
// directory, a logger that records lines, and after each test the checks every IBKR test must pass
// (no token in any error or log line, no protocol breach seen by the fake).
import { afterEach, beforeEach, expect } from "bun:test";
import { rmSync } from "node:fs";
import { createLogger } from "../../src/lib/log.ts";
import { toPlainString } from "../../src/lib/money.ts";
import { createIbkrClient } from "../../src/platforms/ibkr/client.ts";
import { createFlexPacer, type FlexPacer } from "../../src/platforms/ibkr/pacer.ts";
import { type FetchFn, type PlatformBalance, type PlatformClient, PlatformError } from "../../src/platforms/types.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";
import { type IbkrFake, startIbkrFake } from "./ibkr.ts";

// Flex tokens are long digit strings; this one must never show up in an error or a log line.
export const TOKEN = "493817265509182736450918";
export const QUERY_ID = "1048576";
export const USER_AGENT = "pfbot-test/0.1 Bun/1.4.5";
export const START = Date.UTC(2026, 2, 14, 6, 0, 0);

export interface IbkrHarness {
  /** The test's clock, shared by the clients, the test's pacer and the fake (which measures IBKR's rate limit on it). */
  clock: FakeClock;
  /** One pacer per test, as the wiring makes one per process: every client of the test shares it. */
  pacer: FlexPacer;
  fake: IbkrFake;
  stateDir: string;
  logLines: string[];
  errors: unknown[];
  readonly now: () => number;
  /** Advances the injected clock instead of waiting. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  client(overrides?: {
    cacheMinutes?: number;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    timeZone?: string;
    fetch?: FetchFn;
  }): PlatformClient;
  /** Awaits a call that must fail with a PlatformError, and records the error for the token check. */
  failure(promise: Promise<unknown>): Promise<PlatformError>;
  /** "label currency amount asOf" per holding. */
  summary(balance: PlatformBalance): string[];
  /** "step:answer" per request the fake saw. */
  steps(): string[];
}

/** Registers beforeEach/afterEach for the calling test file and returns the live harness. */
export function useIbkrHarness(): IbkrHarness {
  const h: IbkrHarness = {
    clock: fakeClock(START),
    pacer: undefined as unknown as FlexPacer, // set in beforeEach
    fake: undefined as unknown as IbkrFake, // set in beforeEach
    stateDir: "",
    logLines: [],
    errors: [],
    now: () => h.clock.now(),
    sleep: (ms, signal) => h.clock.sleep(ms, signal),
    client: (overrides = {}) =>
      createIbkrClient({
        baseUrl: h.fake.baseUrl,
        fetch: overrides.fetch ?? ((input, init) => fetch(input, init)),
        now: h.now,
        sleep: overrides.sleep ?? h.sleep,
        timeoutMs: 5_000,
        token: TOKEN,
        queryId: QUERY_ID,
        stateDir: h.stateDir,
        cacheMinutes: overrides.cacheMinutes ?? 240,
        userAgent: USER_AGENT,
        pacer: h.pacer,
        ...(overrides.timeZone !== undefined ? { timeZone: overrides.timeZone } : {}),
        // No secrets configured: the logger must not be what keeps the token out of the lines.
        log: createLogger({ level: "debug", secrets: [], colour: false, write: (line) => h.logLines.push(line) }),
      }),
    async failure(promise) {
      try {
        await promise;
      } catch (error) {
        h.errors.push(error);
        if (error instanceof PlatformError) return error;
        throw error;
      }
      throw new Error("expected the call to fail");
    },
    summary: (balance) => balance.holdings.map((x) => `${x.label} ${x.money.currency} ${toPlainString(x.money.amount)} ${x.asOf}`),
    steps: () => h.fake.calls.map((c) => `${c.step}:${c.answer}`),
  };

  beforeEach(async () => {
    h.clock = fakeClock(START);
    h.pacer = createFlexPacer(h.clock);
    h.stateDir = tempDir("ibkr");
    h.logLines = [];
    h.errors = [];
    h.fake = await startIbkrFake({ token: TOKEN, queryId: QUERY_ID, now: h.now, userAgent: USER_AGENT });
  });

  afterEach(async () => {
    await h.fake.stop();
    rmSync(h.stateDir, { recursive: true, force: true });
    for (const error of h.errors) expect(error instanceof Error ? error.message : String(error)).not.toContain(TOKEN);
    for (const line of h.logLines) expect(line).not.toContain(TOKEN);
    expect(h.fake.violations).toEqual([]);
  });

  return h;
}

export const freshSignal = (): AbortSignal => new AbortController().signal;
