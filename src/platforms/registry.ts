// Builds the client of every enabled platform from the configuration. The only place that knows
// which options each platform takes; the snapshot and the bot see PlatformClient only.
import { readFileSync } from "node:fs";
import type { Config } from "../config/config.ts";
import type { Logger } from "../lib/log.ts";
import { createBybitClient } from "./bybit/client.ts";
import { createIbkrClient } from "./ibkr/client.ts";
import type { FlexPacer } from "./ibkr/pacer.ts";
import { createOkxClient } from "./okx/client.ts";
import { createTbankClient } from "./tbank/client.ts";
import type { FetchFn, PlatformClient, PlatformId } from "./types.ts";

export interface ClientEnvironment {
  readonly fetch: FetchFn;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The process's one IBKR request pacer. */
  readonly flexPacer: FlexPacer;
  readonly log: Logger;
  readonly version: string;
}

export function createClients(config: Config, env: ClientEnvironment): PlatformClient[] {
  const deps = (baseUrl: string, timeoutMs = config.platformTimeoutSeconds * 1000) => ({
    baseUrl,
    fetch: env.fetch,
    now: env.now,
    sleep: env.sleep,
    timeoutMs,
  });
  const clients: PlatformClient[] = [];
  if (config.bybit) clients.push(createBybitClient({ ...deps(config.bybit.baseUrl), apiKey: config.bybit.apiKey, apiSecret: config.bybit.apiSecret }));
  if (config.okx) {
    clients.push(
      createOkxClient({ ...deps(config.okx.baseUrl), apiKey: config.okx.apiKey, apiSecret: config.okx.apiSecret, passphrase: config.okx.passphrase }),
    );
  }
  if (config.tbank) {
    const extraCaPem = config.tbank.caFile ? [readFileSync(config.tbank.caFile, "utf8")] : [];
    clients.push(createTbankClient({ ...deps(config.tbank.baseUrl), token: config.tbank.token, extraCaPem, log: env.log }));
  }
  if (config.ibkr) {
    clients.push(
      createIbkrClient({
        ...deps(config.ibkr.baseUrl),
        token: config.ibkr.token,
        queryId: config.ibkr.queryId,
        stateDir: config.dataDir,
        cacheMinutes: config.ibkr.cacheMinutes,
        userAgent: `pfbot/${env.version}`,
        log: env.log,
        pacer: env.flexPacer,
      }),
    );
  }
  return clients;
}

/** The snapshot deadline of a platform: IBKR polls its statement generation for up to ~90 s. */
export function platformDeadlineMs(config: Config, id: PlatformId): number {
  return id === "ibkr" && config.ibkr ? config.ibkr.timeoutSeconds * 1000 : config.platformTimeoutSeconds * 1000;
}
