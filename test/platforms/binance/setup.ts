// The Binance tests' harness: a fake on 127.0.0.1, a client pointed at it, one injected clock shared by both (so a
// Retry-After wait moves both, as real time would) whose sleeps are recorded and cost no real time.
import { afterEach } from "bun:test";
import { type BinanceClientOptions, createBinanceClient } from "../../../src/platforms/binance/client.ts";
import {
  BINANCE_FAKE_NOW,
  type BinanceFake,
  type BinanceFakeState,
  FAKE_BINANCE_KEY,
  FAKE_BINANCE_SECRET,
  realisticBinanceAccount,
  startBinanceFake,
} from "../../fakes/binance.ts";
import type { Fault } from "../../fakes/faults.ts";
import { fakeClock } from "../../support/clock.ts";

export const WALLET_BALANCE = "/sapi/v1/asset/wallet/balance";
export const SPOT = "/api/v3/account";
export const FUNDING = "/sapi/v1/asset/get-funding-asset";
export const FLEXIBLE = "/sapi/v1/simple-earn/flexible/position";
export const LOCKED = "/sapi/v1/simple-earn/locked/position";
export const CROSS = "/sapi/v1/margin/account";
export const ISOLATED = "/sapi/v1/margin/isolated/account";
export const USDM = "/fapi/v3/account";
export const COINM = "/dapi/v1/account";
export const PRICES = "/api/v3/ticker/price";
export const TIME = "/api/v3/time";
export const RESTRICTIONS = "/sapi/v1/account/apiRestrictions";

const fakes: BinanceFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

export interface SetupOptions extends Partial<BinanceClientOptions> {
  /** Our clock minus the fake's (ms): positive = this server runs fast. */
  readonly skewMs?: number;
  /** Faults the fake starts with. */
  readonly faults?: readonly Fault[];
}

export async function setup(state: BinanceFakeState = realisticBinanceAccount(), options: SetupOptions = {}) {
  const clock = fakeClock(BINANCE_FAKE_NOW);
  state.now = clock.now;
  const fake = await startBinanceFake(state);
  fakes.push(fake);
  const { skewMs = 0, faults = [], ...overrides } = options;
  fake.faults.add(...faults);
  const client = createBinanceClient({
    baseUrl: fake.url,
    fetch: (input, init) => fetch(input, init),
    now: () => clock.now() + skewMs,
    sleep: clock.sleep,
    timeoutMs: 2_000,
    apiKey: FAKE_BINANCE_KEY,
    apiSecret: FAKE_BINANCE_SECRET,
    ...overrides,
  });
  return { fake, client, clock, sleeps: clock.sleeps, signal: new AbortController().signal };
}
