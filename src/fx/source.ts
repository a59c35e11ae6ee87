// USD/RUB and cross rates from the Bank of Russia (brokers.md §3.4): the official XML first, the cbr-xml-daily.ru
// mirror when cbr.ru fails or answers with a DDoS-Guard page, a TTL cache in memory and on disk, and a cached rate
// up to 4 days old (long holidays) when both fail. Never a guessed or built-in rate: no answer means unavailable.

import { writeFileAtomic } from "../lib/atomic-file.ts";
import { boundedFetch, describeBytes, PUBLIC_MAX_REDIRECTS } from "../lib/bounded-fetch.ts";
import { errorMessage } from "../lib/errors.ts";
import { type Logger, silentLogger } from "../lib/log.ts";
import { type Decimal, div, type Money, mul } from "../lib/money.ts";
import type { FetchFn } from "../platforms/types.ts";
import { FxError } from "./errors.ts";
import { type ParseOutcome, parseCbrMirrorJson, parseCbrXml, parseRatesCache, serializeRatesCache } from "./parse.ts";

export { parseCbrMirrorJson, parseCbrXml } from "./parse.ts";

export type FxProvider = "CBR" | "CBR_MIRROR";
type FxSourceName = "CBR" | "CBR mirror";

export interface FxRates {
  readonly source: FxSourceName;
  /** YYYY-MM-DD from which the CBR set is in force (can be tomorrow after the evening publication). */
  readonly date: string;
  /** RUB per one unit of each listed currency; RUB itself is not listed (it is 1). */
  readonly rubPerUnit: ReadonlyMap<string, Decimal>;
  /** Milliseconds since the epoch when the rates were downloaded. */
  readonly fetchedAt: number;
}

export type FxResult =
  | { readonly ok: true; readonly rates: FxRates; readonly stale: boolean; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export interface FxSourceOptions {
  readonly provider: FxProvider;
  /** e.g. https://www.cbr.ru (no trailing slash needed). */
  readonly cbrBaseUrl: string;
  /** e.g. https://www.cbr-xml-daily.ru */
  readonly mirrorBaseUrl: string;
  readonly fetch: FetchFn;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Bound for one HTTP request. */
  readonly timeoutMs: number;
  /** Rates younger than this are reused without asking again. */
  readonly ttlMinutes: number;
  /** JSON file keeping the last good rates across restarts and one-shot runs. */
  readonly cacheFile?: string;
  readonly log?: Logger;
}

export interface FxSource {
  getRates(signal: AbortSignal): Promise<FxResult>;
}

/** A cached set older than this (by download time) is never used: after 4 days it may predate a real move. */
const MAX_STALE_MS = 4 * 24 * 60 * 60 * 1000;

export function createFxSource(options: FxSourceOptions): FxSource {
  const log = options.log ?? silentLogger;
  let cached: FxRates | null = null;
  let cacheFileRead = false;

  return {
    async getRates(signal) {
      if (!cacheFileRead) {
        cacheFileRead = true;
        cached = (await readCacheFile(options.cacheFile, log)) ?? cached;
      }
      const now = options.now();
      if (cached && cached.fetchedAt > now) {
        // Downloaded "in the future": the clock has moved back since. Its age is unknown, so it is neither fresh nor
        // a stale fallback; drop it rather than let it look fresh once the clock catches up.
        log.warn("FX cache dropped: it was saved at a time later than now (the clock moved back?)", {
          fetchedAt: new Date(cached.fetchedAt).toISOString(),
        });
        cached = null;
      }
      const age = cached ? now - cached.fetchedAt : -1;
      if (cached && age >= 0 && age < options.ttlMinutes * 60_000) return { ok: true, rates: cached, stale: false, warnings: [] };

      const problems: string[] = [];
      for (const feed of feedsFor(options)) {
        const outcome = await fetchFeed(options, feed, signal);
        if (!outcome.ok) {
          problems.push(`${feed.name}: ${outcome.problem}`);
          log.warn("FX source failed", { source: feed.name, problem: outcome.problem });
          continue;
        }
        if (outcome.rates.skipped.length > 0) log.warn("FX rows left out", { source: feed.name, rows: outcome.rates.skipped.join(",") });
        const rates: FxRates = { source: feed.name, date: outcome.rates.date, rubPerUnit: outcome.rates.rubPerUnit, fetchedAt: now };
        cached = rates;
        writeCacheFile(options.cacheFile, rates, log);
        return { ok: true, rates, stale: false, warnings: [] };
      }

      const failed = problems.join("; ");
      if (cached && age >= 0 && age < MAX_STALE_MS) {
        const hours = Math.floor(age / 3_600_000);
        const warning = `USD/RUB rate sources did not answer (${failed}); using the ${cached.source} rate in force on ${cached.date}, downloaded ${hours} h ago`;
        log.warn("using a stale FX rate", { date: cached.date, ageHours: hours });
        return { ok: true, rates: cached, stale: true, warnings: [warning] };
      }
      return { ok: false, reason: `no USD/RUB rate: ${failed}; no saved rate younger than 4 days, so RUB figures are unavailable` };
    },
  };
}

/** RUB per one unit of `currency` (any case: T-Bank sends "rub"), 1 for RUB, null when the CBR does not list it. */
function rubPerUnit(currency: string, rates: FxRates): Decimal | null {
  const code = currency.toUpperCase();
  return code === "RUB" ? ONE : (rates.rubPerUnit.get(code) ?? null);
}

/** RUB per USD: the rate shown in the report ("USD/RUB 93.2801 (CBR, 2023-11-02)"). */
export function usdRub(rates: FxRates): Decimal {
  const rate = rates.rubPerUnit.get("USD");
  // Both parsers and the cache reader refuse a set without USD, so this only fires on a hand-built FxRates.
  if (!rate) throw new FxError(`the ${rates.source} rates of ${rates.date} have no USD rate: this is a pfbot bug, please report it`);
  return rate;
}

/** X→USD = amount × (RUB per X) ÷ (RUB per USD), one division; USD is returned as is; null for an unlisted currency. */
export function toUsd(money: Money, rates: FxRates): Decimal | null {
  if (money.currency.toUpperCase() === "USD") return money.amount;
  const rate = rubPerUnit(money.currency, rates);
  return rate === null ? null : div(mul(money.amount, rate), usdRub(rates));
}

/** X→RUB = amount × (RUB per X); null for an unlisted currency. */
export function toRub(money: Money, rates: FxRates): Decimal | null {
  const rate = rubPerUnit(money.currency, rates);
  return rate === null ? null : mul(money.amount, rate);
}

const ONE: Decimal = Object.freeze({ coef: 1n, scale: 0 });
const USER_AGENT = "pfbot (self-hosted portfolio bot)";
/** Both feeds answer under 10 KB (the DDoS-Guard page too); anything past this is not a rate list. */
const FEED_MAX_BYTES = 1024 * 1024;

interface Feed {
  readonly name: FxSourceName;
  /** The variable holding the feed's address, named when its answer points elsewhere. */
  readonly variable: "CBR_BASE_URL" | "CBR_MIRROR_BASE_URL";
  readonly url: string;
  readonly accept: string;
  readonly parse: (bytes: Uint8Array) => ParseOutcome;
}

function feedsFor(options: FxSourceOptions): Feed[] {
  const mirror: Feed = {
    name: "CBR mirror",
    variable: "CBR_MIRROR_BASE_URL",
    url: `${trimSlash(options.mirrorBaseUrl)}/daily_json.js`,
    accept: "application/json",
    parse: (bytes) => parseCbrMirrorJson(new TextDecoder().decode(bytes)),
  };
  if (options.provider === "CBR_MIRROR") return [mirror];
  const cbr: Feed = {
    name: "CBR",
    variable: "CBR_BASE_URL",
    url: `${trimSlash(options.cbrBaseUrl)}/scripts/XML_daily.asp`,
    accept: "application/xml",
    parse: parseCbrXml,
  };
  return [cbr, mirror];
}

/**
 * One GET, no retry: the other feed (or the cache) is the fallback, and a report should not wait on retries.
 * A public request, so it follows a few redirects within the feed's host, never to another one.
 */
async function fetchFeed(options: FxSourceOptions, feed: Feed, signal: AbortSignal): Promise<ParseOutcome> {
  if (signal.aborted) return { ok: false, problem: "cancelled" };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const init = { method: "GET", headers: { Accept: feed.accept, "User-Agent": USER_AGENT }, signal: AbortSignal.any([signal, timeout]) };
    const response = await boundedFetch(options.fetch, feed.url, init, {
      maxRedirects: PUBLIC_MAX_REDIRECTS,
      maxBodyBytes: FEED_MAX_BYTES,
    });
    if (response.kind === "too-large")
      return { ok: false, problem: `a response larger than ${describeBytes(FEED_MAX_BYTES)} from ${feed.url}, not read` };
    if (response.kind === "unknown-encoding")
      return { ok: false, problem: `a response in an encoding not asked for (${response.encoding}) from ${feed.url}` };
    if (response.kind === "redirect") {
      const what =
        response.reason === "too-many"
          ? `more than ${PUBLIC_MAX_REDIRECTS} redirects`
          : `a redirect to another host (${response.target ?? "not a URL"}), not followed`;
      return { ok: false, problem: `${what} from ${feed.url}: check ${feed.variable}` };
    }
    // cbr.ru behind DDoS-Guard answers 403, or 200 with an HTML challenge that the parsers recognise by its body
    // (brokers.md §3.1); the body decides rather than Content-Type, which proxies rewrite.
    if (response.status !== 200) return { ok: false, problem: `HTTP ${response.status} from ${feed.url}` };
    const outcome = feed.parse(response.bytes);
    return outcome.ok ? outcome : { ok: false, problem: `${outcome.problem} from ${feed.url}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, problem: `no answer within ${options.timeoutMs / 1000} s from ${feed.url}` };
    if (signal.aborted) return { ok: false, problem: "cancelled" };
    return { ok: false, problem: `network error from ${feed.url}: ${errorMessage(error)}` };
  }
}

async function readCacheFile(path: string | undefined, log: Logger): Promise<FxRates | null> {
  if (!path) return null;
  const file = Bun.file(path);
  let text: string;
  try {
    if (!(await file.exists())) return null;
    text = await file.text();
  } catch (error) {
    log.warn("could not read the FX cache; ignoring it", { path, error });
    return null;
  }
  const parsed = parseRatesCache(text);
  if (!parsed || (parsed.source !== "CBR" && parsed.source !== "CBR mirror")) {
    log.warn("FX cache file unreadable; ignoring it", { path });
    return null;
  }
  return { ...parsed, source: parsed.source };
}

/** Atomic, so a crash mid-write leaves the previous cache intact rather than half a JSON file. */
function writeCacheFile(path: string | undefined, rates: FxRates, log: Logger): void {
  if (!path) return;
  try {
    writeFileAtomic(path, serializeRatesCache(rates), { createDirectory: true });
  } catch (error) {
    log.warn("could not save the FX cache", { path, error });
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
