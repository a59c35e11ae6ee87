// Every platform fake, the FX fake and (optionally) Telegram started together with plausible balances,
// plus the environment that points pfbot at them. Used by the end-to-end tests, `bun run demo` and the
// benchmark. With `latencyMs`, each fake sits behind a loopback proxy that delays every request.
import { type BinanceFake, realisticBinanceAccount, startBinanceFake } from "./binance.ts";
import { type BybitFake, realisticBybitAccount, startBybitFake } from "./bybit.ts";
import { type FxFake, presetFxState, startFxFake } from "./fx.ts";
import { type IbkrFake, startIbkrFake } from "./ibkr.ts";
import { lastBusinessDayBefore, realisticIbkrStatement } from "./ibkr-statements.ts";
import { type KucoinFake, realisticKucoinAccount, startKucoinFake } from "./kucoin.ts";
import { type OkxFake, realisticOkxAccount, startOkxFake } from "./okx.ts";
import { type FakeServer, startFake } from "./server.ts";
import { realisticTbankAccounts, startTbankFake, TBANK_FAKE_TOKEN, type TbankFake } from "./tbank.ts";

const FAKE_IBKR_TOKEN = "481516234248151623424815";
export const FAKE_IBKR_QUERY = "1234567";

export interface AllFakes {
  readonly bybit: BybitFake;
  readonly okx: OkxFake;
  readonly tbank: TbankFake;
  readonly ibkr: IbkrFake;
  readonly binance: BinanceFake;
  readonly kucoin: KucoinFake;
  readonly fx: FxFake;
  /** Variables pointing pfbot at the fakes (credentials and base URLs); no Telegram. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export interface AllFakesOptions {
  /** Delay added to every request by a proxy in front of each fake. */
  readonly latencyMs?: number;
  /** How many times IBKR answers "generation in progress" (1019) before the statement. */
  readonly ibkrInProgressPolls?: number;
  /** The FX rate's in-force date (defaults to the clock's today, UTC). */
  readonly fxDate?: string;
  /** The clock the fakes check timestamps and rate limits against: the test's injected clock (the real one by default). */
  readonly now?: () => number;
}

export async function startAllFakes(options: AllFakesOptions = {}): Promise<AllFakes> {
  const now = options.now ?? (() => Date.now());
  const okxState = realisticOkxAccount();
  // The fake's clock follows pfbot's, so a long-running bot stays inside OKX's 30 s window.
  Object.defineProperty(okxState, "serverTimeMs", { get: now, enumerable: true });
  const bybitState = realisticBybitAccount();
  bybitState.now = now;
  const binanceState = realisticBinanceAccount();
  binanceState.now = now;
  const kucoinState = realisticKucoinAccount();
  kucoinState.now = now;
  const fxState = presetFxState();
  fxState.date = options.fxDate ?? new Date(now()).toISOString().slice(0, 10);
  const [bybit, okx, tbank, ibkr, binance, kucoin, fx] = await Promise.all([
    startBybitFake(bybitState),
    startOkxFake(okxState),
    startTbankFake({ token: TBANK_FAKE_TOKEN, accounts: realisticTbankAccounts() }),
    // "omit": no <Url> in the ticket, so the client uses {base}/GetStatement (through the proxy, when there is one).
    startIbkrFake({
      token: FAKE_IBKR_TOKEN,
      queryId: FAKE_IBKR_QUERY,
      now,
      inProgressPolls: options.ibkrInProgressPolls ?? 0,
      statementUrl: "omit",
      // Yesterday's close, as a query set to "Last Business Day" gives: an older statement would make IBKR partial.
      statement: realisticIbkrStatement(lastBusinessDayBefore(now())).xml,
    }),
    startBinanceFake(binanceState),
    startKucoinFake(kucoinState),
    startFxFake(fxState),
  ]);
  const proxies: FakeServer[] = [];
  const front = async (url: string): Promise<string> => {
    if (!options.latencyMs) return url;
    const proxy = await startLatencyProxy(url, options.latencyMs);
    proxies.push(proxy);
    return proxy.url;
  };
  const ibkrOrigin = new URL(ibkr.baseUrl).origin;
  const env: Record<string, string> = {
    BYBIT_API_KEY: bybit.state.key.apiKey,
    BYBIT_API_SECRET: bybit.state.key.apiSecret,
    BYBIT_BASE_URL: await front(bybit.url),
    OKX_API_KEY: okx.state.apiKey,
    OKX_API_SECRET: okx.state.apiSecret,
    OKX_API_PASSPHRASE: okx.state.passphrase,
    OKX_BASE_URL: await front(okx.url),
    TBANK_API_TOKEN: TBANK_FAKE_TOKEN,
    TBANK_BASE_URL: `${await front(tbank.url)}/rest`,
    IBKR_FLEX_TOKEN: FAKE_IBKR_TOKEN,
    IBKR_QUERY_ID: FAKE_IBKR_QUERY,
    IBKR_FLEX_BASE_URL: (await front(ibkrOrigin)) + ibkr.baseUrl.slice(ibkrOrigin.length),
    BINANCE_API_KEY: binanceState.key.apiKey,
    BINANCE_API_SECRET: binanceState.key.apiSecret,
    BINANCE_BASE_URL: await front(binance.url),
    KUCOIN_API_KEY: kucoinState.key.apiKey,
    KUCOIN_API_SECRET: kucoinState.key.apiSecret,
    KUCOIN_API_PASSPHRASE: kucoinState.key.passphrase,
    KUCOIN_BASE_URL: await front(kucoin.url),
    CBR_BASE_URL: await front(fx.cbrUrl),
    CBR_MIRROR_BASE_URL: await front(fx.mirrorUrl),
  };
  return {
    bybit,
    okx,
    tbank,
    ibkr,
    binance,
    kucoin,
    fx,
    env,
    stop: async () => {
      await Promise.all([
        ...proxies.map((p) => p.stop()),
        bybit.stop(),
        okx.stop(),
        tbank.stop(),
        ibkr.stop(),
        binance.stop(),
        kucoin.stop(),
        fx.stop(),
      ]);
    },
  };
}

/** A loopback proxy that waits `latencyMs` before forwarding each request unchanged (path, query, headers, body). */
async function startLatencyProxy(target: string, latencyMs: number): Promise<FakeServer> {
  return startFake({
    "/*": async (request) => {
      await Bun.sleep(latencyMs);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const upstream = await fetch(`${target}${request.path}${request.rawQuery ? `?${request.rawQuery}` : ""}`, {
        method: request.method,
        headers,
        body: request.method === "GET" || request.method === "HEAD" ? undefined : request.bodyBytes,
      });
      const answer = new Headers(upstream.headers);
      // fetch has already decoded the body; its length and encoding headers no longer apply.
      answer.delete("content-encoding");
      answer.delete("content-length");
      return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: answer });
    },
  });
}
