// The KuCoin tests' harness: a fake on 127.0.0.1, a client pointed at it, one injected clock shared by both (so a
// rate-limit wait moves both, as real time would) whose sleeps are recorded and cost no real time.
import { afterEach } from "bun:test";
import { createKucoinClient, type KucoinClientOptions } from "../../../src/platforms/kucoin/client.ts";
import type { Fault } from "../../fakes/faults.ts";
import {
  FAKE_KUCOIN_KEY,
  FAKE_KUCOIN_PASSPHRASE,
  FAKE_KUCOIN_SECRET,
  KUCOIN_FAKE_NOW,
  type KucoinFake,
  type KucoinFakeState,
  realisticKucoinAccount,
  startKucoinFake,
} from "../../fakes/kucoin.ts";
import { fakeClock } from "../../support/clock.ts";

export const ACCOUNTS = "/api/v1/accounts";
export const CROSS = "/api/v3/margin/accounts";
export const ISOLATED = "/api/v3/isolated/accounts";
export const OVERVIEW = "/api/v1/account-overview";
export const CONTRACTS = "/api/v1/contracts/active";
export const EARN = "/api/v1/earn/hold-assets";
export const MODE = "/api/ua/v1/account/mode";
export const TICKERS = "/api/v1/market/allTickers";
export const API_KEY = "/api/v1/user/api-key";
export const TIMESTAMP = "/api/v1/timestamp";

const fakes: KucoinFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

export interface SetupOptions extends Partial<KucoinClientOptions> {
  /** Our clock minus the fake's (ms): positive = this server runs fast. */
  readonly skewMs?: number;
  /** Faults the fake starts with. */
  readonly faults?: readonly Fault[];
}

export async function setup(state: KucoinFakeState = realisticKucoinAccount(), options: SetupOptions = {}) {
  const clock = fakeClock(KUCOIN_FAKE_NOW);
  state.now = clock.now;
  const fake = await startKucoinFake(state);
  fakes.push(fake);
  const { skewMs = 0, faults = [], ...overrides } = options;
  fake.faults.add(...faults);
  const client = createKucoinClient({
    baseUrl: fake.url,
    fetch: (input, init) => fetch(input, init),
    now: () => clock.now() + skewMs,
    sleep: clock.sleep,
    timeoutMs: 2_000,
    apiKey: FAKE_KUCOIN_KEY,
    apiSecret: FAKE_KUCOIN_SECRET,
    passphrase: FAKE_KUCOIN_PASSPHRASE,
    ...overrides,
  });
  return { fake, client, clock, sleeps: clock.sleeps, signal: new AbortController().signal };
}
