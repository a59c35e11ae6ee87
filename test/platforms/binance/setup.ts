// The Binance tests' harness: a fake on 127.0.0.1, a client pointed at it, one injected clock shared by both (so a
// Retry-After wait moves both, as real time would), and recorded sleeps instead of real ones.
import { afterEach, expect } from "bun:test";
import { sum, toFixed } from "../../../src/lib/money.ts";
import { createBinanceClient, type BinanceClientOptions } from "../../../src/platforms/binance/client.ts";
import type { PlatformBalance } from "../../../src/platforms/types.ts";
import { BINANCE_FAKE_NOW, FAKE_BINANCE_KEY, FAKE_BINANCE_SECRET, realisticBinanceAccount, startBinanceFake, type BinanceFake, type BinanceFakeState } from "../../fakes/binance.ts";

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
}

export async function setup(state: BinanceFakeState = realisticBinanceAccount(), options: SetupOptions = {}) {
  state.serverTimeMs ??= BINANCE_FAKE_NOW;
  const fake = await startBinanceFake(state);
  fakes.push(fake);
  const sleeps: number[] = [];
  const { skewMs = 0, ...overrides } = options;
  const client = createBinanceClient({
    baseUrl: fake.url,
    fetch: (input, init) => fetch(input, init),
    now: () => (state.serverTimeMs ?? 0) + skewMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      state.serverTimeMs = (state.serverTimeMs ?? 0) + ms;
    },
    timeoutMs: 2_000,
    apiKey: FAKE_BINANCE_KEY,
    apiSecret: FAKE_BINANCE_SECRET,
    ...overrides,
  });
  return { fake, client, sleeps, signal: new AbortController().signal };
}

/** Σ holdings in USD to the cent; every holding is USD and live. */
export function total(balance: PlatformBalance, places = 2): string {
  for (const holding of balance.holdings) {
    expect(holding.money.currency).toBe("USD");
    expect(holding.asOf).toBeNull();
  }
  return toFixed(sum(balance.holdings.map((h) => h.money.amount)), places);
}

export const labels = (balance: PlatformBalance): string[] => balance.holdings.map((h) => h.label);
export const breakdown = (balance: PlatformBalance): [string, string][] => balance.assets.map((a) => [a.asset, toFixed(a.usd, 2)]);
