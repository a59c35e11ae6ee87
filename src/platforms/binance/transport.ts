// Binance transport: HMAC request signing, the bare-JSON/`{code, msg}` answers, clock-offset correction after -1021,
// the request-weight budget and 429/418 handling, and the mapping of Binance's codes and HTTP statuses to
// PlatformErrors that name what to fix. [docs/platforms/binance.md §2, §3, §6, §7]

import { isRecord } from "../../lib/guards.ts";
import { clip, makeRedactor, type Redact } from "../../lib/redact.ts";
import { clockUnreadable, createClockSync } from "../clock-sync.ts";
import { type HttpResponse, httpRequest, looksLikeJson, PUBLIC_MAX_REDIRECTS, parseJson, retryAfterMs } from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind, unexpectedResponse } from "../types.ts";
import type { BinanceHosts } from "./hosts.ts";

export interface BinanceCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly recvWindowMs: number;
}

/** Binance's default recvWindow; the server accepts `serverTime − recvWindow ≤ timestamp < serverTime + 1000` [§3]. */
export const DEFAULT_RECV_WINDOW_MS = 5_000;
/** The largest recvWindow Binance accepts [§3]. */
export const MAX_RECV_WINDOW_MS = 60_000;

/** signature = lowercase hex HMAC-SHA256(secret, query string + body) [rest-api.md §SIGNED Endpoint Examples]. */
export function signBinance(secret: string, payload: string): string {
  return new Bun.CryptoHasher("sha256", secret).update(payload).digest("hex");
}

/** The query string pfbot signs and sends: the parameters in the given order, then recvWindow and timestamp. */
export function binanceQuery(params: Params, recvWindowMs: number, timestampMs: number): string {
  return [...params, ["recvWindow", String(recvWindowMs)] as const, ["timestamp", String(timestampMs)] as const].map(pair).join("&");
}

export type Params = readonly (readonly [string, string])[];
type BinanceHost = keyof BinanceHosts;

export interface BinanceTransport {
  /** A USER_DATA request: every parameter in the signed query string, no body (GET and POST alike). */
  signed(method: "GET" | "POST", host: BinanceHost, path: string, params: Params, signal: AbortSignal): Promise<unknown>;
  /** Market data: no key, no signature. */
  publicGet(host: BinanceHost, path: string, params: Params, signal: AbortSignal): Promise<unknown>;
  /** Binance's clock minus ours (ms), learnt from /api/v3/time after a -1021; 0 until then. */
  clockOffsetMs(): number;
}

const TIME_PATH = "/api/v3/time";
const CLOCK_SKEW_CODE = -1021;
export const KEY_REFUSED_CODE = -2015;
/** PlatformError.code of an IP ban (HTTP 418), also on every call refused without sending while it lasts. */
export const BANNED_CODE = "HTTP 418";
/** PlatformError.code of a call refused without sending while a 429's long Retry-After lasts on its budget. */
const PAUSED_CODE = "paused";

export function createBinanceTransport(deps: ClientDeps, hosts: BinanceHosts, credentials: BinanceCredentials): BinanceTransport {
  // msg may quote what was sent; the key and secret go, in any escaping, before anything quotes or cuts it.
  const scrub = makeRedactor([credentials.apiKey, credentials.apiSecret]);
  const weights = new Map<string, UsedWeight>();
  const clock = createClockSync({
    now: () => deps.now(),
    readServerTime: async (signal) => {
      const answer = await once("GET", "spot", TIME_PATH, [], signal, false);
      if (!answer.ok) throw failureError(answer.failure, TIME_PATH);
      return parseServerTime(answer.body);
    },
    onFailure: clockUnreadable("binance", CLOCK_SKEW_CODE),
  });
  /** After a 418, nothing is sent to Binance before this moment. */
  let bannedUntil = 0;
  /** After a 429 asking for longer than pfbot waits: nothing is sent on that budget (/api, one /sapi path) before then. */
  const pausedUntil = new Map<string, number>();

  const once = async (
    method: "GET" | "POST",
    host: BinanceHost,
    path: string,
    params: Params,
    signal: AbortSignal,
    signed: boolean,
  ): Promise<Answer> => {
    const now = deps.now();
    if (now < bannedUntil) throw paused(bannedUntil - now, "an IP ban", BANNED_CODE);
    const until = pausedUntil.get(budgetOf(path) ?? path) ?? 0;
    if (now < until) throw paused(until - now, `its rate limit for ${path}`, PAUSED_CODE);
    checkBudget(weights, path, now + clock.offsetMs());
    let query = params.map(pair).join("&");
    const headers: Record<string, string> = {};
    if (signed) {
      query = binanceQuery(params, credentials.recvWindowMs, now + clock.offsetMs());
      // The body is empty, so the signed payload is the query string alone, byte for byte as sent.
      query += `&signature=${signBinance(credentials.apiSecret, query)}`;
      headers["X-MBX-APIKEY"] = credentials.apiKey;
    }
    const url = `${hosts[host]}${path}${query === "" ? "" : `?${query}`}`;
    const response = await httpRequest(deps, "binance", url, { method, headers, signal, maxRedirects: signed ? 0 : PUBLIC_MAX_REDIRECTS });
    recordWeight(weights, path, response.headers, clock.timestamp());
    return readAnswer(response, path, deps.now(), scrub);
  };

  const send = async (
    method: "GET" | "POST",
    host: BinanceHost,
    path: string,
    params: Params,
    signal: AbortSignal,
    signed: boolean,
  ): Promise<unknown> => {
    let resynced = false;
    let waited = false;
    for (;;) {
      const resyncsBefore = clock.resyncs();
      const answer = await once(method, host, path, params, signal, signed);
      if (answer.ok) return answer.body;
      const { failure } = answer;
      if (signed && failure.code === CLOCK_SKEW_CODE && !resynced) {
        // -1021: learn the offset once (clock-sync.ts) and retry once. A second -1021 is reported, so a broken clock
        // never loops.
        resynced = true;
        await clock.resyncOnce(resyncsBefore, signal);
        continue;
      }
      if (failure.status === 418) {
        // An IP ban "from 2 minutes to 3 days" for ignoring 429s: stop every Binance call until it ends [§6].
        bannedUntil = Math.max(bannedUntil, deps.now() + (failure.retryAfterMs ?? DEFAULT_BAN_MS));
      } else if (failure.status === 429) {
        const wait = failure.retryAfterMs;
        // Honour Retry-After exactly, once, when it fits in a snapshot; a longer wait pauses Binance instead.
        if (!waited && wait !== null && wait <= MAX_WAIT_MS) {
          waited = true;
          await deps.sleep(wait);
          if (signal.aborted)
            throw new PlatformError("binance", "timeout", "Binance did not answer in time (waiting for its rate limit); try again later");
          continue;
        }
        if (wait !== null) pausedUntil.set(budgetOf(path) ?? path, deps.now() + wait);
      }
      throw failureError(failure, path);
    }
  };

  return {
    signed: (method, host, path, params, signal) => send(method, host, path, params, signal, true),
    publicGet: (host, path, params, signal) => send("GET", host, path, params, signal, false),
    clockOffsetMs: clock.offsetMs,
  };
}

/** `{"serverTime": 1499827319559}` from /api/v3/time. */
function parseServerTime(body: unknown): number {
  const serverTime = isRecord(body) ? body.serverTime : undefined;
  if (typeof serverTime !== "number" || !Number.isSafeInteger(serverTime) || serverTime <= 0)
    throw binanceBadResponse(TIME_PATH, "no serverTime");
  return serverTime;
}

export function binanceBadResponse(path: string, what: string): PlatformError {
  return unexpectedResponse("binance", path, what);
}

/** A longer Retry-After is not waited for inside a snapshot: Binance is reported rate-limited and paused instead. */
const MAX_WAIT_MS = 10_000;
/** Without Retry-After, a 418 ban lasts at least 2 minutes [rest-api.md §LIMITS]. */
const DEFAULT_BAN_MS = 2 * 60_000;

interface Failure {
  readonly status: number;
  /** Binance's code (-2015), when the body is `{code, msg}`. */
  readonly code: number | null;
  readonly msg: string;
  readonly retryAfterMs: number | null;
}

type Answer = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly failure: Failure };

/** A success is the endpoint's bare JSON; an error is `{"code": -1121, "msg": "…"}`, normally with a 4XX [rest-api.md §Error Codes]. */
function readAnswer(response: HttpResponse, path: string, nowMs: number, scrub: Redact): Answer {
  const json = looksLikeJson(response.text);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && !json) throw binanceBadResponse(path, `not JSON, starts ${JSON.stringify(clip(response.text.trim(), 40))}`);
  const body = json ? parseJson("binance", response, path) : null;
  const error = errorBody(body);
  if (ok && error === null) return { ok: true, body };
  return {
    ok: false,
    failure: {
      status: response.status,
      code: error?.code ?? null,
      msg: scrub(error?.msg ?? ""),
      retryAfterMs: retryAfterMs(response.headers, nowMs),
    },
  };
}

/** `{code, msg}` and nothing else; a 200 carrying it is an error too (some SAPI routes answer that way). */
function errorBody(body: unknown): { code: number; msg: string } | null {
  if (!isRecord(body)) return null;
  const { code, msg } = body;
  if (typeof code !== "number" || typeof msg !== "string") return null;
  const onlyThose = Object.keys(body).every((key) => key === "code" || key === "msg");
  return onlyThose && code !== 200 ? { code, msg } : null;
}

type Rule = readonly [PlatformErrorKind, string];
const PARAMETER_RULE: Rule = ["bad-response", "Binance refused a parameter pfbot sent ({code}); this is a pfbot bug: please report it"];
const BUSY_RULE: Rule = ["unavailable", "Binance is busy or had an internal error ({code}); try again later"];
const KEY_RULE: Rule = [
  "auth",
  "Binance refused the API key ({code}: invalid key, IP, or permissions): check that BINANCE_API_KEY is a Binance.com key (Binance.US and TR keys do not work here), that this server's IP is in the key's IP access list if it has one, and that Enable Reading is ticked",
];

/** The codes pfbot can explain [errors.md; docs/platforms/binance.md §6]. "{code}" becomes "code -2015". */
const RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  [
    CLOCK_SKEW_CODE,
    [
      "clock-skew",
      "Binance rejected the request time even after syncing with its clock ({code}): enable NTP on this server (timedatectl set-ntp true)",
    ],
  ],
  [
    -1022,
    [
      "auth",
      "Binance rejected the request signature ({code}): check BINANCE_API_SECRET (pfbot supports HMAC keys only, not RSA or Ed25519)",
    ],
  ],
  [-2014, ["auth", "Binance says the API key is malformed ({code}): check BINANCE_API_KEY was pasted whole, without spaces"]],
  [KEY_REFUSED_CODE, KEY_RULE],
  [-1002, KEY_RULE],
  [
    -1003,
    [
      "rate-limit",
      "Binance's request-weight limit for this IP is used up ({code}): wait a minute and try again (other programs on this IP count too)",
    ],
  ],
  [-1000, BUSY_RULE],
  [-1001, BUSY_RULE],
  [-1006, BUSY_RULE],
  [-1007, BUSY_RULE],
  [-1008, BUSY_RULE],
  [-1100, PARAMETER_RULE],
  [-1101, PARAMETER_RULE],
  [-1102, PARAMETER_RULE],
  [-1104, PARAMETER_RULE],
  [-1105, PARAMETER_RULE],
  [-1106, PARAMETER_RULE],
  [-1121, PARAMETER_RULE],
  // A margin wallet that was never opened: the client counts it as zero [§6].
  [-3003, ["unavailable", "Binance says there is no cross-margin account ({code})"]],
  [-11001, ["unavailable", "Binance says there is no isolated-margin account ({code})"]],
]);

function failureError(failure: Failure, path: string): PlatformError {
  const { status, code } = failure;
  const label = code === null || code === 0 ? `HTTP ${status}` : `code ${code}`;
  // A ban is its own code: nothing else may be tried while it lasts, and callers must not mistake it for a 429.
  // 451 bodies carry code 0, which is no Binance code.
  const errorCode = status === 418 ? BANNED_CODE : code === null || code === 0 ? `HTTP ${status}` : code;
  const make = (kind: PlatformErrorKind, message: string, retryAfter?: number): PlatformError =>
    new PlatformError("binance", kind, message.replace("{code}", label), errorCode, retryAfter);
  // Statuses first: 451 and 418 bodies carry code 0 or -1003, and the status says more.
  if (status === 451) {
    return make(
      "unavailable",
      "Binance refuses requests from this server's location ({code}: Binance.com is not offered in some countries, the US among them, nor from some cloud regions): run pfbot from an eligible location",
    );
  }
  if (status === 418) {
    const wait = failure.retryAfterMs ?? DEFAULT_BAN_MS;
    return make(
      "rate-limit",
      `Binance banned this IP for ignoring its rate limits (${label}, HTTP 418) for ${duration(wait)}: pfbot sends nothing to Binance until then`,
      wait,
    );
  }
  if (status === 429) {
    return make(
      "rate-limit",
      "Binance rate limit reached ({code}, HTTP 429): wait and try again later (other programs on this IP count too)",
      failure.retryAfterMs ?? undefined,
    );
  }
  const rule = code === null ? undefined : RULES.get(code);
  if (rule) return make(rule[0], rule[1]);
  if (status === 401) return make(...KEY_RULE);
  if (status === 403) {
    return make(
      "rate-limit",
      "Binance's web application firewall refused the request ({code}): too many requests or a blocked address; wait and try again later",
    );
  }
  if (status === 404) return make("unavailable", `Binance has no ${path} at this host ({code}): check BINANCE_BASE_URL`);
  const detail = failure.msg.replace(/\s+/g, " ").trim();
  return make(
    "unavailable",
    `Binance answered ${path} with an error ({code}${detail === "" ? "" : `: ${clip(detail, 100)}`}); try again later`,
  );
}

function paused(ms: number, why: string, code: string): PlatformError {
  return new PlatformError(
    "binance",
    "rate-limit",
    `Binance asked pfbot to pause (${why}) for ${duration(ms)} more; nothing was sent: try again then`,
    code,
    ms,
  );
}

interface UsedWeight {
  /** The server minute the count belongs to (ms / 60000, floored). */
  readonly minute: number;
  readonly used: number;
  readonly limit: number;
}

/** Request weight per path [§4, §5, §7]; an unknown path counts 1. */
const WEIGHTS: Readonly<Record<string, number>> = {
  "/api/v3/time": 1,
  "/api/v3/ticker/price": 4,
  "/api/v3/account": 20,
  "/sapi/v1/asset/wallet/balance": 60,
  "/sapi/v1/asset/get-funding-asset": 1,
  "/sapi/v1/simple-earn/flexible/position": 150,
  "/sapi/v1/simple-earn/locked/position": 150,
  "/sapi/v1/margin/account": 10,
  "/sapi/v1/margin/isolated/account": 10,
  "/sapi/v1/account/apiRestrictions": 1,
};
/** /api weight per IP and minute [developers.binance.com rate limits]. */
const API_LIMIT = 6_000;
/** /sapi budgets are per endpoint: 12,000 per IP, 180,000 per UID and minute [§7]. */
const SAPI_IP_LIMIT = 12_000;
const SAPI_UID_LIMIT = 180_000;

/** The budget a path draws on: /api shares one per IP; each /sapi endpoint has its own. Futures weights are not tracked. */
function budgetOf(path: string): string | null {
  if (path.startsWith("/api/")) return "api";
  if (path.startsWith("/sapi/")) return path;
  return null;
}

/** Refuses, without sending, a request that the last reported weight says would exceed this minute's budget. */
function checkBudget(weights: ReadonlyMap<string, UsedWeight>, path: string, serverNowMs: number): void {
  const budget = budgetOf(path);
  const known = budget === null ? undefined : weights.get(budget);
  const minute = Math.floor(serverNowMs / 60_000);
  if (!known || known.minute !== minute) return;
  if (known.used + (WEIGHTS[path] ?? 1) <= known.limit) return;
  const waitMs = (minute + 1) * 60_000 - serverNowMs;
  throw new PlatformError(
    "binance",
    "rate-limit",
    `Binance's request-weight budget for this minute is nearly used up (${known.used} of ${known.limit}, per IP: other programs on this IP count too); pfbot did not send ${path}: try again in a minute`,
    "weight",
    waitMs,
  );
}

/** X-MBX-USED-WEIGHT-1M (/api) and X-SAPI-USED-IP/UID-WEIGHT-1M (/sapi) on every answer [§7]. */
function recordWeight(weights: Map<string, UsedWeight>, path: string, headers: Headers, serverNowMs: number): void {
  const budget = budgetOf(path);
  if (budget === null) return;
  const minute = Math.floor(serverNowMs / 60_000);
  const read = (name: string): number | null => {
    const value = headers.get(name)?.trim() ?? "";
    return /^\d+$/.test(value) ? Number(value) : null;
  };
  if (budget === "api") {
    const used = read("x-mbx-used-weight-1m");
    if (used !== null) weights.set(budget, { minute, used, limit: API_LIMIT });
    return;
  }
  const ip = read("x-sapi-used-ip-weight-1m");
  const uid = read("x-sapi-used-uid-weight-1m");
  if (ip !== null) weights.set(budget, { minute, used: ip, limit: SAPI_IP_LIMIT });
  else if (uid !== null) weights.set(budget, { minute, used: uid, limit: SAPI_UID_LIMIT });
}

function pair([key, value]: readonly [string, string]): string {
  return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
}

function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
