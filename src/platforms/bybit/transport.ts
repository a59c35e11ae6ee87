// Bybit V5 transport: request signing, the retCode envelope, clock-offset correction and the mapping of
// Bybit's error codes and HTTP statuses to PlatformErrors that tell the user what to fix.
// [Bybit V5 docs: guide.mdx "Authentication", error.mdx, rate-limit.mdx; see reference/exchanges.md §1.3, §1.7]
import { isRecord } from "../../lib/guards.ts";
import { clip, makeRedactor, type Redact } from "../../lib/redact.ts";
import { createClockSync } from "../clock-sync.ts";
import {
  backoffMs,
  DEFAULT_ATTEMPTS,
  type HttpResponse,
  httpRequest,
  looksLikeJson,
  PUBLIC_MAX_REDIRECTS,
  parseJson,
  retryAfterMs,
} from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind, unexpectedResponse } from "../types.ts";

export interface BybitCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly recvWindowMs: number;
}

/** Bybit's default recv_window; the server accepts `server − recvWindow ≤ timestamp < server + 1000 ms`. */
export const DEFAULT_RECV_WINDOW_MS = 5_000;

export interface BybitSignInput {
  readonly timestamp: number | string;
  readonly apiKey: string;
  readonly recvWindow: number | string;
  /** The query string exactly as sent (no "?") for GET, the raw JSON body for POST, "" when neither. */
  readonly payload: string;
  readonly secret: string;
}

/** The string Bybit signs: timestamp + apiKey + recvWindow + payload [guide.mdx "Authentication"]. */
export function bybitPrehash(input: Omit<BybitSignInput, "secret">): string {
  return `${input.timestamp}${input.apiKey}${input.recvWindow}${input.payload}`;
}

/** X-BAPI-SIGN for HMAC keys: lowercase hex HMAC-SHA256(secret, prehash). */
export function signBybit(input: BybitSignInput): string {
  return new Bun.CryptoHasher("sha256", input.secret).update(bybitPrehash(input)).digest("hex");
}

export interface BybitTransport {
  /** Signed GET; returns `result` of a retCode-0 envelope, or throws a mapped PlatformError. */
  signedGet(path: string, query: string, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Unsigned GET for market data. */
  publicGet(path: string, query: string, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Server time minus local time, learnt from /v5/market/time after a 10002. */
  clockOffsetMs(): number;
}

export function createBybitTransport(deps: ClientDeps, credentials: BybitCredentials): BybitTransport {
  const base = deps.baseUrl.replace(/\/+$/, "");
  // retMsg can echo the key (apiKey[…], origin_string[…]); it is taken out, in any escaping, before anything quotes or cuts it.
  const scrub = makeRedactor([credentials.apiKey, credentials.apiSecret]);
  const clock = createClockSync({
    now: () => deps.now(),
    readServerTime: async (signal) => {
      const envelope = await get("/v5/market/time", "", signal, null);
      return serverTimeMs(resultOf(envelope, "/v5/market/time", deps.now()), envelope.time);
    },
    // The time endpoint's own error is reported as it is.
    onFailure: (error) => error,
  });

  /** `headers` null: a public request, which may follow a few same-host redirects; signed ones follow none. */
  const get = async (path: string, query: string, signal: AbortSignal, headers: Record<string, string> | null): Promise<Envelope> => {
    const url = `${base}${path}${query === "" ? "" : `?${query}`}`;
    // Never a body on GET: Bybit answers HTTP 403 to "GET request with an empty json body" [guide.mdx].
    const response = await httpRequest(deps, "bybit", url, {
      method: "GET",
      headers: headers ?? {},
      signal,
      maxRedirects: headers === null ? PUBLIC_MAX_REDIRECTS : 0,
    });
    return readEnvelope(response, path, deps.now(), scrub);
  };

  const signedOnce = (path: string, query: string, signal: AbortSignal): Promise<Envelope> => {
    const timestamp = clock.timestamp();
    const sign = signBybit({
      timestamp,
      apiKey: credentials.apiKey,
      recvWindow: credentials.recvWindowMs,
      payload: query,
      secret: credentials.apiSecret,
    });
    return get(path, query, signal, {
      "X-BAPI-API-KEY": credentials.apiKey,
      "X-BAPI-TIMESTAMP": String(timestamp),
      "X-BAPI-RECV-WINDOW": String(credentials.recvWindowMs),
      "X-BAPI-SIGN": sign,
      // 2 = HMAC-SHA256; sent by the official SDKs (pybit, bybit-api) though the guide lists it as optional.
      "X-BAPI-SIGN-TYPE": "2",
    });
  };

  /**
   * Sends until the answer is not one of Bybit's server errors (10000, 10016), with the attempts and backoff of a 5xx
   * (http.ts): they mean the same, Bybit itself is down, and end the same way once the attempts are spent.
   */
  const untilServed = async (send: () => Promise<Envelope>, signal: AbortSignal): Promise<Envelope> => {
    for (let attempt = 1; ; attempt++) {
      const envelope = await send();
      if (!SERVER_ERROR_CODES.has(envelope.retCode) || attempt >= DEFAULT_ATTEMPTS || signal.aborted) return envelope;
      await deps.sleep(backoffMs(attempt), signal);
    }
  };

  const publicGet = async (path: string, query: string, signal: AbortSignal): Promise<Record<string, unknown>> =>
    resultOf(await untilServed(() => get(path, query, signal, null), signal), path, deps.now());

  /** A signed request; a 10002 (our timestamp outside the window) learns the offset and is sent once more. */
  const signedWithClockFix = async (path: string, query: string, signal: AbortSignal): Promise<Envelope> => {
    const resyncsBefore = clock.resyncs();
    const first = await signedOnce(path, query, signal);
    if (first.retCode !== CLOCK_SKEW_CODE) return first;
    // Learn the offset once (clock-sync.ts), retry once; a second 10002 is reported, not retried again, so a broken
    // clock never loops.
    await clock.resyncOnce(resyncsBefore, signal);
    return signedOnce(path, query, signal);
  };

  return {
    async signedGet(path, query, signal) {
      return resultOf(await untilServed(() => signedWithClockFix(path, query, signal), signal), path, deps.now());
    },
    publicGet,
    clockOffsetMs: clock.offsetMs,
  };
}

/** Ms since the epoch from /v5/market/time: timeNano, else timeSecond, else the envelope's `time`. */
function serverTimeMs(result: Record<string, unknown>, envelopeTime: number | null): number {
  const nano = result.timeNano;
  if (typeof nano === "string" && /^\d{13,}$/.test(nano)) return Number(BigInt(nano) / 1_000_000n);
  const second = result.timeSecond;
  if (typeof second === "string" && /^\d{9,}$/.test(second)) return Number(second) * 1000;
  if (envelopeTime !== null) return envelopeTime;
  throw badResponse("/v5/market/time", "no server time");
}

export function badResponse(path: string, what: string): PlatformError {
  return unexpectedResponse("bybit", path, what);
}

const CLOCK_SKEW_CODE = 10002;
/** Bybit's own server errors, "server timeout" and "server error" [error.mdx]: retried like an HTTP 5xx. */
const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([10000, 10016]);

/** A server error (10000, 10016) still there after every attempt: Bybit is down, like a 5xx; no fallback stands in. */
export function isServerError(error: unknown): boolean {
  return error instanceof PlatformError && typeof error.code === "number" && SERVER_ERROR_CODES.has(error.code);
}
/** IP ban after too many requests: Bybit asks to stop for at least 10 minutes [rate-limit.mdx]. */
const IP_BAN_MS = 10 * 60_000;

interface Envelope {
  readonly retCode: number;
  readonly retMsg: string;
  readonly result: unknown;
  readonly time: number | null;
  readonly headers: Headers;
}

/** Parses Bybit's `{retCode, retMsg, result, retExtInfo, time}`; non-JSON or non-envelope answers are mapped by HTTP status. */
function readEnvelope(response: HttpResponse, path: string, nowMs: number, scrub: Redact): Envelope {
  const body = looksLikeJson(response.text) ? parseJson("bybit", response, path) : null;
  const record = isRecord(body) ? body : {};
  const retCode = record.retCode;
  // retCode is a JSON number; ccxt dumps show it as a string, so accept both [exchanges.md §1.2].
  const code = typeof retCode === "number" ? retCode : typeof retCode === "string" && /^\d+$/.test(retCode) ? Number(retCode) : null;
  if (code === null) throw httpStatusError(response, path, nowMs);
  const time = record.time;
  const retMsg = record.retMsg;
  return {
    retCode: code,
    retMsg: typeof retMsg === "string" ? scrub(retMsg) : "",
    result: record.result,
    time: typeof time === "number" && Number.isFinite(time) ? time : null,
    headers: response.headers,
  };
}

function resultOf(envelope: Envelope, path: string, nowMs: number): Record<string, unknown> {
  if (envelope.retCode !== 0) throw retCodeError(envelope, path, nowMs);
  const result = envelope.result;
  if (!isRecord(result)) throw badResponse(path, "no result object");
  return result;
}

/** Bybit business errors arrive with HTTP 200 and a non-zero retCode [error.mdx]. */
function retCodeError(envelope: Envelope, path: string, nowMs: number): PlatformError {
  const { retCode: code } = envelope;
  const error = (kind: PlatformErrorKind, message: string, retryAfter?: number): PlatformError =>
    new PlatformError("bybit", kind, message.replace("{code}", `code ${code}`), code, retryAfter);
  switch (code) {
    case 10003:
      return error(
        "auth",
        "Bybit rejected the API key ({code}): check BYBIT_API_KEY (mainnet, testnet and demo keys only work on their own host)",
      );
    case 33004:
      return error(
        "auth",
        "Bybit says the API key has expired ({code}): create a new read-only key and set BYBIT_API_KEY and BYBIT_API_SECRET",
      );
    case 10004:
    case 10007:
      // retMsg echoes origin_string[…] (key, timestamp, query): never quoted.
      return error(
        "auth",
        "Bybit rejected the request signature ({code}): check BYBIT_API_SECRET (only system-generated HMAC keys are supported)",
      );
    case 10005:
      return error(
        "permission",
        `Bybit denied the API key access to ${path} ({code}): edit the key behind BYBIT_API_KEY and tick the ${areaFor(path)} area (read-only is enough)`,
      );
    case 10010:
      return error(
        "permission",
        "Bybit refused this server's IP ({code}): add this server's IP to the IP list of the key in BYBIT_API_KEY",
      );
    case 10006:
    case 10018:
      return error("rate-limit", "Bybit rate limit reached ({code}): wait and try again later", resetAfterMs(envelope.headers, nowMs));
    case CLOCK_SKEW_CODE:
      return error(
        "clock-skew",
        "Bybit rejected the request time even after syncing with its clock ({code}): enable NTP on this server (timedatectl set-ntp true)",
      );
    case 10009:
    case 10024:
      return error(
        "unavailable",
        "Bybit refuses this request for regulatory reasons ({code}): check the account's region and KYC status on bybit.com",
      );
    case 10000:
    case 10016:
      return error("unavailable", "Bybit had an internal error ({code}); try again later");
    default:
      return error("unavailable", `Bybit answered ${path} with an error ({code}: ${safeRetMsg(envelope.retMsg)}); try again later`);
  }
}

function httpStatusError(response: HttpResponse, path: string, nowMs: number): PlatformError {
  const status = response.status;
  if (status === 401) {
    return new PlatformError(
      "bybit",
      "auth",
      "Bybit rejected the API key (HTTP 401): check BYBIT_API_KEY (mainnet, testnet and demo keys only work on their own host)",
      `HTTP ${status}`,
    );
  }
  if (status === 403) {
    // US and mainland-China IPs get a CloudFront HTML page; otherwise a 403 is Bybit's IP rate-limit ban [exchanges.md §1.1, §1.7].
    if (/cloudfront|country|region/i.test(response.text)) {
      return new PlatformError(
        "bybit",
        "unavailable",
        "Bybit is unavailable from this server's region (HTTP 403; US and mainland-China IPs are blocked): run pfbot from another region",
        `HTTP ${status}`,
      );
    }
    return new PlatformError(
      "bybit",
      "rate-limit",
      "Bybit banned this IP for too many requests (HTTP 403): pause Bybit requests for at least 10 minutes",
      `HTTP ${status}`,
      IP_BAN_MS,
    );
  }
  if (status === 429) {
    return new PlatformError(
      "bybit",
      "rate-limit",
      "Bybit rate limit reached (HTTP 429): wait and try again later",
      `HTTP ${status}`,
      retryAfterMs(response.headers, nowMs) ?? undefined,
    );
  }
  if (status !== 200) {
    return new PlatformError(
      "bybit",
      "unavailable",
      `Bybit answered HTTP ${status} for ${path}; check the Bybit host and try again later`,
      `HTTP ${status}`,
    );
  }
  return badResponse(path, "no retCode");
}

/** The key area Bybit wants ticked for an endpoint: asset-balance calls need Wallet [JKorf/Bybit.Net#173]. */
function areaFor(path: string): string {
  if (path.startsWith("/v5/asset/")) return "Wallet";
  if (path.startsWith("/v5/earn/")) return "Earn";
  return "needed";
}

/** 10006 carries X-Bapi-Limit-Reset-Timestamp (ms) [rate-limit.mdx]. */
function resetAfterMs(headers: Headers, nowMs: number): number | undefined {
  const reset = Number(headers.get("x-bapi-limit-reset-timestamp") ?? "");
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - nowMs) : undefined;
}

/**
 * retMsg (the key already taken out) without bracketed echoes (origin_string[…], req_timestamp[…]), on one line,
 * clipped. The key goes first because a bracket inside it would leave a piece here that nothing could recognise.
 */
function safeRetMsg(retMsg: string): string {
  const text = retMsg
    .replace(/\w*\[[^\]]*\]/g, "[…]")
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? "no message" : clip(text, 100);
}
