// KuCoin transport: signing (the prehash and, for version-2/3 keys, the passphrase HMAC-signed with the secret), the
// {code, data} envelope, one clock resync after 400002, one key-version retry after 400009, the 429 wait, and the
// mapping of KuCoin's codes to PlatformErrors that name what to fix. [docs/platforms/kucoin.md §2, §3, §6]

import { isRecord } from "../../lib/guards.ts";
import { clip, makeRedactor, type Redact } from "../../lib/redact.ts";
import { clockUnreadable, createClockSync } from "../clock-sync.ts";
import { type HttpResponse, httpRequest, looksLikeJson, PUBLIC_MAX_REDIRECTS, parseJson, retryAfterMs } from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind, unexpectedResponse } from "../types.ts";
import type { KucoinHosts } from "./hosts.ts";

export interface KucoinCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export interface KucoinSignInput {
  /** Ms since the epoch, the same string as KC-API-TIMESTAMP. */
  readonly timestamp: number | string;
  readonly method: "GET" | "POST";
  /** Path plus "?query" exactly as sent, not URL-encoded again. */
  readonly endpoint: string;
  /** Raw body; "" for GET. */
  readonly body: string;
}

/** The string KuCoin signs: timestamp + METHOD + endpoint (with the query) + body [§3]. */
export function kucoinPrehash(input: KucoinSignInput): string {
  return `${input.timestamp}${input.method}${input.endpoint}${input.body}`;
}

/** KC-API-SIGN: base64 HMAC-SHA256(secret, prehash). */
export function signKucoin(secret: string, input: KucoinSignInput): string {
  return new Bun.CryptoHasher("sha256", secret).update(kucoinPrehash(input)).digest("base64");
}

/** KC-API-PASSPHRASE for version-2 and -3 keys: base64 HMAC-SHA256(secret, passphrase); plain text is v1, dead since 2021. */
export function signKucoinPassphrase(secret: string, passphrase: string): string {
  return new Bun.CryptoHasher("sha256", secret).update(passphrase).digest("base64");
}

type KucoinHost = "spot" | "futures";

export interface KucoinTransport {
  /** Signed GET (no body ever: CloudFront answers a GET with a body with 403); returns `data` of a 200000 envelope. */
  signedGet(host: KucoinHost, path: string, query: string, signal: AbortSignal): Promise<unknown>;
  /** Public GET for market data. */
  publicGet(host: KucoinHost, path: string, query: string, signal: AbortSignal): Promise<unknown>;
  /** KuCoin's clock minus ours (ms), learnt from /api/v1/timestamp after a 400002; 0 until then. */
  clockOffsetMs(): number;
}

const TIMESTAMP_PATH = "/api/v1/timestamp";
const CLOCK_SKEW_CODE = "400002";
export const PERMISSION_CODE = "400007";
export const NOT_FOUND_CODE = "404000";
const VERSION_CODE = "400009";

export function createKucoinTransport(deps: ClientDeps, hosts: KucoinHosts, credentials: KucoinCredentials): KucoinTransport {
  // Computed once: it depends on the secret and passphrase only. It never changes, so it is as secret as the passphrase.
  const signedPassphrase = signKucoinPassphrase(credentials.apiSecret, credentials.passphrase);
  // An error quoting what was sent loses the credentials, in any escaping, before anything quotes or cuts it.
  const scrub = makeRedactor([credentials.apiKey, credentials.apiSecret, credentials.passphrase, signedPassphrase]);
  // "2" is what most clients send with the signed passphrase; a key KuCoin wants as "3" gets one retry [§3].
  let keyVersion = "2";
  const clock = createClockSync({
    now: () => deps.now(),
    readServerTime: async (signal) => {
      const answer = await once("spot", TIMESTAMP_PATH, "", signal, false);
      if (!answer.ok) throw failureError(answer.failure, TIMESTAMP_PATH);
      return parseServerTime(answer.data);
    },
    onFailure: clockUnreadable("kucoin", CLOCK_SKEW_CODE),
  });

  const once = async (host: KucoinHost, path: string, query: string, signal: AbortSignal, signed: boolean): Promise<Answer> => {
    const base = host === "spot" ? hosts.spot : hosts.futures;
    if (base === null) throw new PlatformError("kucoin", "config", `KuCoin offers no futures at ${hosts.spot}`, "no-futures");
    // One string for the URL and the signature: what is signed is exactly what is sent (pfbot's queries are ASCII).
    const endpoint = query === "" ? path : `${path}?${query}`;
    const headers: Record<string, string> = {};
    if (signed) {
      const timestamp = String(clock.timestamp());
      Object.assign(headers, {
        "KC-API-KEY": credentials.apiKey,
        "KC-API-SIGN": signKucoin(credentials.apiSecret, { timestamp, method: "GET", endpoint, body: "" }),
        "KC-API-TIMESTAMP": timestamp,
        "KC-API-PASSPHRASE": signedPassphrase,
        "KC-API-KEY-VERSION": keyVersion,
        "Content-Type": "application/json",
      });
    }
    const response = await httpRequest(deps, "kucoin", base + endpoint, {
      method: "GET",
      headers,
      signal,
      maxRedirects: signed ? 0 : PUBLIC_MAX_REDIRECTS,
    });
    return readAnswer(response, path, deps.now(), scrub);
  };

  const send = async (host: KucoinHost, path: string, query: string, signal: AbortSignal, signed: boolean): Promise<unknown> => {
    let resynced = false;
    let versionTried = false;
    let waited = false;
    for (;;) {
      const resyncsBefore = clock.resyncs();
      const versionBefore = keyVersion;
      const answer = await once(host, path, query, signal, signed);
      if (answer.ok) return answer.data;
      const { failure } = answer;
      if (signed && failure.code === CLOCK_SKEW_CODE && !resynced) {
        // 400002: more than 5 s from KuCoin's clock. Learn the offset once (clock-sync.ts) and retry once; a second
        // 400002 is reported, so a broken clock never loops.
        resynced = true;
        await clock.resyncOnce(resyncsBefore, signal);
        continue;
      }
      if (signed && failure.code === VERSION_CODE && !versionTried) {
        versionTried = true;
        if (keyVersion === versionBefore) keyVersion = keyVersion === "2" ? "3" : "2";
        continue;
      }
      if (isRateLimit(failure) && !waited && failure.waitMs !== null && failure.waitMs <= MAX_WAIT_MS) {
        // Rate limit 2.0: the pool refills after gw-ratelimit-reset ms; wait that long, once, when it fits a snapshot.
        waited = true;
        await deps.sleep(failure.waitMs);
        if (signal.aborted)
          throw new PlatformError("kucoin", "timeout", "KuCoin did not answer in time (waiting for its rate limit); try again later");
        continue;
      }
      throw failureError(failure, path);
    }
  };

  return {
    signedGet: (host, path, query, signal) => send(host, path, query, signal, true),
    publicGet: (host, path, query, signal) => send(host, path, query, signal, false),
    clockOffsetMs: clock.offsetMs,
  };
}

/** `{"code":"200000","data":1729173207043}` from /api/v1/timestamp. */
function parseServerTime(data: unknown): number {
  if (typeof data !== "number" || !Number.isSafeInteger(data) || data <= 0) throw kucoinBadResponse(TIMESTAMP_PATH, "no server time");
  return data;
}

export function kucoinBadResponse(path: string, what: string): PlatformError {
  return unexpectedResponse("kucoin", path, what);
}

/** A longer wait is not slept inside a snapshot: KuCoin is reported rate-limited with the wait instead. */
const MAX_WAIT_MS = 10_000;

interface Failure {
  readonly status: number;
  /** KuCoin's code ("400005"), when the body carries one. */
  readonly code: string | null;
  readonly msg: string;
  /** gw-ratelimit-reset (ms), else Retry-After. */
  readonly waitMs: number | null;
}

type Answer = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly failure: Failure };

/** Success is HTTP 200 and code "200000"; anything else is an error, whatever the status says [§2]. */
function readAnswer(response: HttpResponse, path: string, nowMs: number, scrub: Redact): Answer {
  const body = looksLikeJson(response.text) ? parseJson("kucoin", response, path) : null;
  const rawCode = isRecord(body) ? body.code : undefined;
  // code is a JSON string; accept a number too rather than fail on a formatting change.
  const code = typeof rawCode === "string" ? rawCode : typeof rawCode === "number" ? String(rawCode) : null;
  if (code === "200000" && response.status === 200) {
    if (!isRecord(body) || !("data" in body)) throw kucoinBadResponse(path, "no data");
    return { ok: true, data: body.data };
  }
  if (response.status === 200 && code === null) {
    throw kucoinBadResponse(path, body === null ? `not JSON, starts ${JSON.stringify(clip(response.text.trim(), 40))}` : "no code");
  }
  const msg = isRecord(body) && typeof body.msg === "string" ? scrub(body.msg) : "";
  return { ok: false, failure: { status: response.status, code, msg, waitMs: waitMs(response.headers, nowMs) } };
}

function isRateLimit(failure: Failure): boolean {
  return failure.status === 429 || failure.code === "429000" || failure.code === "1015" || failure.code === "200002";
}

type Rule = readonly [PlatformErrorKind, string];
const RATE_RULE: Rule = [
  "rate-limit",
  "KuCoin's request quota is used up ({code}): wait and try again (other programs using this key count too)",
];
const PERMISSION_RULE: Rule = [
  "permission",
  "KuCoin says the key lacks a permission for {path} ({code}): edit the key behind KUCOIN_API_KEY and tick General",
];

/** The codes pfbot can explain [docs/platforms/kucoin.md §6]. "{code}" becomes "code 400005". */
const RULES: Readonly<Record<string, Rule>> = {
  "400001": ["bad-response", "KuCoin says a signing header is missing ({code}); this is a pfbot bug: please report it"],
  [CLOCK_SKEW_CODE]: [
    "clock-skew",
    "KuCoin rejected the request time even after syncing with its clock ({code}): enable NTP on this server (timedatectl set-ntp true)",
  ],
  "400003": [
    "auth",
    "KuCoin says the API key does not exist ({code}): check KUCOIN_API_KEY (sandbox and regional keys only work on their own host: check KUCOIN_BASE_URL)",
  ],
  "400004": [
    "auth",
    "KuCoin rejected the passphrase ({code}): check KUCOIN_API_PASSPHRASE (the passphrase chosen when the key was created) and KUCOIN_API_SECRET (the passphrase is signed with the secret, so a wrong secret shows up here too)",
  ],
  "400005": ["auth", "KuCoin rejected the request signature ({code}): check KUCOIN_API_SECRET"],
  // KuCoin's text names the IP it saw ("the current client IP is: …"): worth showing.
  "400006": [
    "permission",
    "KuCoin refused this server's IP ({code}{msg}): add this server's IP to the IP whitelist of the key in KUCOIN_API_KEY",
  ],
  [PERMISSION_CODE]: PERMISSION_RULE,
  "400010": PERMISSION_RULE,
  "400008": [
    "auth",
    "KuCoin no longer accepts this key's version for {path} ({code}): create a new API key and set KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE",
  ],
  [VERSION_CODE]: [
    "auth",
    "KuCoin refused the key version ({code}): create a new API key and set KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE",
  ],
  "411100": ["auth", "KuCoin says the account is frozen ({code}): contact KuCoin support"],
  [NOT_FOUND_CODE]: ["unavailable", "KuCoin has no {path} at this host ({code}): check KUCOIN_BASE_URL"],
  "400100": ["bad-response", "KuCoin refused a parameter pfbot sent ({code}); this is a pfbot bug: please report it"],
  "429000": RATE_RULE,
  "1015": RATE_RULE,
  "200002": RATE_RULE,
  "500000": ["unavailable", "KuCoin had an internal error ({code}); try again later"],
};

function failureError(failure: Failure, path: string): PlatformError {
  const { status, code } = failure;
  const label = code === null ? `HTTP ${status}` : `code ${code}`;
  const make = (kind: PlatformErrorKind, message: string): PlatformError =>
    new PlatformError(
      "kucoin",
      kind,
      message.replace("{code}", label).replace("{path}", path).replace("{msg}", shortMsg(failure.msg, ": ")),
      code ?? `HTTP ${status}`,
      kind === "rate-limit" ? (failure.waitMs ?? undefined) : undefined,
    );
  const rule = code === null ? undefined : RULES[code];
  if (rule) return make(...rule);
  // 4003xx: "Operation restricted due to local laws, regulations, or policies" [§6].
  if (code !== null && /^4003\d\d$/.test(code))
    return make(
      "unavailable",
      "KuCoin refuses this request for regulatory reasons ({code}): check the account's region and KYC on kucoin.com",
    );
  if (isRateLimit(failure)) return make(...RATE_RULE);
  if (status === 401)
    return make("auth", "KuCoin refused the credentials ({code}): check KUCOIN_API_KEY, KUCOIN_API_SECRET and KUCOIN_API_PASSPHRASE");
  if (status === 403) {
    return make(
      "rate-limit",
      "KuCoin refused the request (HTTP 403: too many requests, or a blocked address or region); wait and try again later",
    );
  }
  if (status === 404) return make("unavailable", `KuCoin has no ${path} at this host ({code}): check KUCOIN_BASE_URL`);
  return make("unavailable", `KuCoin answered ${path} with an error ({code}${shortMsg(failure.msg, ": ")}); try again later`);
}

/** KuCoin's msg (credentials already taken out), on one line and clipped, after `prefix`; "" when there is none. */
function shortMsg(msg: string, prefix: string): string {
  const text = msg.replace(/\s+/g, " ").trim();
  return text === "" ? "" : prefix + clip(text, 100);
}

/** gw-ratelimit-reset is the ms until the pool refills [universal SDK process_limit]; Retry-After as a fallback. */
function waitMs(headers: Headers, nowMs: number): number | null {
  const reset = headers.get("gw-ratelimit-reset")?.trim() ?? "";
  if (/^\d+$/.test(reset)) return Number(reset);
  return retryAfterMs(headers, nowMs);
}
