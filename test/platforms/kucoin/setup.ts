// The KuCoin tests' harness: a fake on 127.0.0.1, a client pointed at it, one injected clock shared by both (so a
// rate-limit wait moves both, as real time would), and recorded sleeps instead of real ones.
import { afterEach, expect } from "bun:test";
import { sum, toFixed } from "../../../src/lib/money.ts";
import { createKucoinClient, type KucoinClientOptions } from "../../../src/platforms/kucoin/client.ts";
import type { PlatformBalance } from "../../../src/platforms/types.ts";
import { FAKE_KUCOIN_KEY, FAKE_KUCOIN_PASSPHRASE, FAKE_KUCOIN_SECRET, KUCOIN_FAKE_NOW, realisticKucoinAccount, startKucoinFake, type KucoinFake, type KucoinFakeState } from "../../fakes/kucoin.ts";

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
}

export async function setup(state: KucoinFakeState = realisticKucoinAccount(), options: SetupOptions = {}) {
  state.serverTimeMs ??= KUCOIN_FAKE_NOW;
  const fake = await startKucoinFake(state);
  fakes.push(fake);
  const sleeps: number[] = [];
  const { skewMs = 0, ...overrides } = options;
  const client = createKucoinClient({
    baseUrl: fake.url,
    fetch: (input, init) => fetch(input, init),
    now: () => (state.serverTimeMs ?? 0) + skewMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      state.serverTimeMs = (state.serverTimeMs ?? 0) + ms;
    },
    timeoutMs: 2_000,
    apiKey: FAKE_KUCOIN_KEY,
    apiSecret: FAKE_KUCOIN_SECRET,
    passphrase: FAKE_KUCOIN_PASSPHRASE,
    ...overrides,
  });
  return { fake, client, sleeps, signal: new AbortController().signal };
}

/** Σ holdings in USD; every holding is USD and live. */
export function total(balance: PlatformBalance, places = 2): string {
  for (const holding of balance.holdings) {
    expect(holding.money.currency).toBe("USD");
    expect(holding.asOf).toBeNull();
  }
  return toFixed(sum(balance.holdings.map((h) => h.money.amount)), places);
}

export const labels = (balance: PlatformBalance): string[] => balance.holdings.map((h) => h.label);
export const holding = (balance: PlatformBalance, label: string): string | undefined => {
  const found = balance.holdings.find((h) => h.label === label);
  return found ? toFixed(found.money.amount, 2) : undefined;
};
export const breakdown = (balance: PlatformBalance): [string, string][] => balance.assets.map((a) => [a.asset, toFixed(a.usd, 2)]);
