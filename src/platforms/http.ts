// Shared HTTP helper for the platform clients: a timeout per request, bounded retries with backoff
// for 5xx and network errors (never for 4xx: a rejected key does not get better by asking again),
// Retry-After honoured, no redirect followed with credentials, a cap on the decoded body, and typed
// errors whose text never contains a query string (IBKR's token travels in the URL).
import { type BoundedOutcome, boundedFetch, describeBytes } from "../lib/bounded-fetch.ts";
import { errorMessage } from "../lib/errors.ts";
import { clip } from "../lib/redact.ts";
import { DEFAULT_MAX_BODY_BYTES, descriptorOf, platformName } from "./registry.ts";
import { type ClientDeps, PlatformError, type PlatformId } from "./types.ts";

export { PUBLIC_MAX_REDIRECTS } from "../lib/bounded-fetch.ts";

export interface HttpRequestOptions {
  readonly method?: "GET" | "POST";
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal: AbortSignal;
  /** Attempts for 5xx and network errors, first one included. */
  readonly maxAttempts?: number;
  /** Extra CA certificates (PEM) trusted for this request, on top of the default roots. */
  readonly ca?: readonly string[];
  /**
   * Redirects to follow, each within the origin of `url`: only for a request that carries no credential
   * (PUBLIC_MAX_REDIRECTS for market data). The default, 0, makes any redirect a "config" error naming the
   * platform's base-URL variable, so a 3xx never takes a key, a signature or a token anywhere.
   */
  readonly maxRedirects?: number;
  /** Largest decoded body accepted (default: the platform's maxBodyBytes in the registry); a larger one is a "bad-response" error. */
  readonly maxBodyBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly bytes: Uint8Array;
}

const DEFAULT_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 4_000;
/** A Retry-After longer than this is not waited for: the platform is reported as rate-limited instead. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Sends one request; returns any response below 500 (the caller maps 4xx bodies), retries 5xx and network errors.
 * When the last attempt failed on the network, the "unavailable" error carries that error as `cause`
 * (networkErrorText tells what it said, without a URL's query).
 */
export async function httpRequest(deps: ClientDeps, platform: PlatformId, url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const name = platformName(platform);
  const where = describeUrl(url);
  const attempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  let lastProblem = "";
  let lastNetworkError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    throwIfAborted(options.signal, platform, deps.timeoutMs);
    const timeout = AbortSignal.timeout(deps.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    try {
      const init: RequestInit & { tls?: { ca: string[] } } = {
        method: options.method ?? "GET",
        headers: options.headers,
        body: options.body,
        signal,
      };
      if (options.ca && options.ca.length > 0) init.tls = { ca: [...options.ca] };
      const limits = {
        maxRedirects: options.maxRedirects ?? 0,
        maxBodyBytes: options.maxBodyBytes ?? descriptorOf(platform).maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      };
      const outcome = await boundedFetch(deps.fetch, url, init, limits);
      if (outcome.kind !== "response") throw refusal(platform, outcome, limits);
      const { status, headers, bytes } = outcome;
      if (status < 500) return { status, headers, bytes, text: new TextDecoder().decode(bytes) };
      lastProblem = `HTTP ${status}`;
      lastNetworkError = undefined;
      const wait = retryAfterMs(headers, deps.now());
      if (attempt === attempts || (wait !== null && wait > MAX_RETRY_AFTER_MS)) break;
      await pause(deps, options.signal, platform, wait ?? backoffMs(attempt));
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      if (timeout.aborted || options.signal.aborted) {
        throw new PlatformError(
          platform,
          "timeout",
          `${name} did not answer within ${seconds(deps.timeoutMs)} (${where}); try again later`,
        );
      }
      lastProblem = `network error: ${networkErrorText(error)}`;
      lastNetworkError = error;
      if (attempt === attempts) break;
      await pause(deps, options.signal, platform, backoffMs(attempt));
    }
  }
  throw new PlatformError(
    platform,
    "unavailable",
    `${name} is unavailable (${lastProblem} from ${where} after ${attempts} attempt${attempts === 1 ? "" : "s"}); try again later`,
    undefined,
    undefined,
    lastNetworkError === undefined ? undefined : { cause: lastNetworkError },
  );
}

/** Parses a JSON body or throws a bad-response error that quotes only the start of the body. */
export function parseJson(platform: PlatformId, response: HttpResponse, where: string): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new PlatformError(
      platform,
      "bad-response",
      `${platformName(platform)} sent a response that is not JSON (HTTP ${response.status} from ${where}, starts ${JSON.stringify(clip(response.text, 40))})`,
    );
  }
}

/** True when a body starts like JSON (an object or an array): an error page from a proxy does not. */
export function looksLikeJson(text: string): boolean {
  const start = text.trimStart()[0];
  return start === "{" || start === "[";
}

/** Milliseconds to wait per Retry-After (seconds or HTTP date), or null when absent or unreadable. */
export function retryAfterMs(headers: Headers, nowMs: number): number | null {
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** Origin and path of a URL, without the query string (which may carry a token). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return "(invalid URL)";
  }
}

/** A redirect not followed, a body over the cap or in an encoding not asked for, as the error that says what to check. */
function refusal(
  platform: PlatformId,
  outcome: Exclude<BoundedOutcome, { kind: "response" }>,
  limits: { maxRedirects: number; maxBodyBytes: number },
): PlatformError {
  const name = platformName(platform);
  // The variable that sets the platform's address: what a user fixes when the address redirects.
  const variable = descriptorOf(platform).variables.baseUrl.env;
  if (outcome.kind === "too-large") {
    const advice = descriptorOf(platform).tooLargeAdvice;
    const query = advice !== undefined ? `, and ${advice}` : "";
    return new PlatformError(
      platform,
      "bad-response",
      `${name} sent a response larger than ${describeBytes(limits.maxBodyBytes)} (HTTP ${outcome.status} from ${outcome.where}); pfbot stopped reading it: check ${variable}${query}`,
      "too-large",
    );
  }
  if (outcome.kind === "unknown-encoding") {
    return new PlatformError(
      platform,
      "bad-response",
      `${name} sent a response in an encoding pfbot did not ask for (${outcome.encoding}, HTTP ${outcome.status} from ${outcome.where}): check ${variable}`,
      "encoding",
    );
  }
  const to = outcome.target ?? "an address that is not a URL";
  const code = `HTTP ${outcome.status}`;
  switch (outcome.reason) {
    case "not-allowed":
      return new PlatformError(
        platform,
        "config",
        `${name} answered ${outcome.where} with a redirect (${code} to ${to}); pfbot never follows a redirect with credentials: set ${variable} to the address the API answers at`,
        code,
      );
    case "other-origin":
      return new PlatformError(
        platform,
        "config",
        `${name} redirected ${outcome.where} to another host (${to}); pfbot follows redirects only within the same host: check ${variable}`,
        code,
      );
    case "too-many":
      return new PlatformError(
        platform,
        "config",
        `${name} redirected ${outcome.where} more than ${limits.maxRedirects} times: check ${variable}`,
        code,
      );
  }
}

function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
}

async function pause(deps: ClientDeps, signal: AbortSignal, platform: PlatformId, ms: number): Promise<void> {
  await deps.sleep(ms, signal);
  throwIfAborted(signal, platform, deps.timeoutMs);
}

function throwIfAborted(signal: AbortSignal, platform: PlatformId, timeoutMs: number): void {
  if (signal.aborted) {
    throw new PlatformError(
      platform,
      "timeout",
      `${platformName(platform)} did not answer in time (limit ${seconds(timeoutMs)}); try again later`,
    );
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** What a network error (a fetch rejection) said, with any URL in it cut to origin and path (a query may hold a token). */
export function networkErrorText(error: unknown): string {
  const text = errorMessage(error);
  // The punctuation closing the sentence around the URL is kept after it.
  return text.replace(/https?:\/\/\S+?([)"'.,]*)(?=\s|$)/g, (u, tail: string) => describeUrl(u.slice(0, u.length - tail.length)) + tail);
}
