// OKX V5 transport: request signing, the {code, msg, data} envelope, clock-offset correction and the mapping of
// OKX's error codes and HTTP statuses to PlatformErrors that name the variable to fix.
// [OKX V5 docs: overview "REST authentication", error-code; reference/exchanges.md §2.1–§2.3, §2.7]
import { isRecord } from "../../lib/guards.ts";
import { clip, makeRedactor, type Redact } from "../../lib/redact.ts";
import { clockUnreadable, createClockSync } from "../clock-sync.ts";
import { type HttpResponse, httpRequest, looksLikeJson, PUBLIC_MAX_REDIRECTS, parseJson, retryAfterMs } from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind, unexpectedResponse } from "../types.ts";

export interface OkxCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export interface OkxSignInput {
  /** ISO-8601 UTC with milliseconds and "Z", the same string as the OK-ACCESS-TIMESTAMP header. */
  readonly timestamp: string;
  readonly method: "GET" | "POST";
  /** Path plus "?query" exactly as sent: GET parameters belong to requestPath, not to the body. */
  readonly requestPath: string;
  /** Raw JSON body for POST; "" for GET. */
  readonly body: string;
  readonly secret: string;
}

/** The string OKX signs: timestamp + METHOD + requestPath + body [overview "REST authentication"]. */
export function okxPrehash(input: Omit<OkxSignInput, "secret">): string {
  return `${input.timestamp}${input.method}${input.requestPath}${input.body}`;
}

/** OK-ACCESS-SIGN: base64 of HMAC-SHA256(secret, prehash). */
export function signOkx(input: OkxSignInput): string {
  return new Bun.CryptoHasher("sha256", input.secret).update(okxPrehash(input)).digest("base64");
}

/** OK-ACCESS-TIMESTAMP for a moment in ms, e.g. "2020-12-08T09:08:57.715Z" (epoch seconds are for WebSocket only). */
export function okxTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export interface OkxTransport {
  /** Signed GET; returns `data` of a code-"0" envelope, or throws a mapped PlatformError. */
  signedGet(path: string, query: string, signal: AbortSignal): Promise<readonly unknown[]>;
  /** Unsigned GET for public market data. */
  publicGet(path: string, query: string, signal: AbortSignal): Promise<readonly unknown[]>;
  /** OKX's clock minus ours (ms), learnt from /api/v5/public/time after a 50102; 0 until then. */
  clockOffsetMs(): number;
}

const OKX_TIME_PATH = "/api/v5/public/time";
const CLOCK_SKEW_CODE = "50102";

export function createOkxTransport(deps: ClientDeps, credentials: OkxCredentials): OkxTransport {
  const base = deps.baseUrl.replace(/\/+$/, "");
  // An error naming the key or passphrase loses them, in any escaping, before anything quotes or cuts it.
  const scrub = makeRedactor([credentials.apiKey, credentials.apiSecret, credentials.passphrase]);
  const clock = createClockSync({
    now: () => deps.now(),
    readServerTime: async (signal) => parseServerTimeMs(await get(OKX_TIME_PATH, "", signal, null)),
    onFailure: clockUnreadable("okx", CLOCK_SKEW_CODE),
  });

  /** `headers` null: a public request, which may follow a few same-host redirects; signed ones follow none. */
  const get = async (
    path: string,
    query: string,
    signal: AbortSignal,
    headers: Record<string, string> | null,
  ): Promise<readonly unknown[]> => {
    // One string for the URL and the signature, so what is signed is exactly what is sent [exchanges.md §3.8].
    const requestPath = query === "" ? path : `${path}?${query}`;
    const maxRedirects = headers === null ? PUBLIC_MAX_REDIRECTS : 0;
    const response = await httpRequest(deps, "okx", base + requestPath, { method: "GET", headers: headers ?? {}, signal, maxRedirects });
    return dataOf(response, path, deps.now(), scrub);
  };

  const signedOnce = (path: string, query: string, signal: AbortSignal): Promise<readonly unknown[]> => {
    const timestamp = okxTimestamp(clock.timestamp());
    const requestPath = query === "" ? path : `${path}?${query}`;
    return get(path, query, signal, {
      "OK-ACCESS-KEY": credentials.apiKey,
      "OK-ACCESS-SIGN": signOkx({ timestamp, method: "GET", requestPath, body: "", secret: credentials.apiSecret }),
      "OK-ACCESS-TIMESTAMP": timestamp,
      "OK-ACCESS-PASSPHRASE": credentials.passphrase,
      "Content-Type": "application/json",
    });
  };

  return {
    async signedGet(path, query, signal) {
      const resyncsBefore = clock.resyncs();
      try {
        return await signedOnce(path, query, signal);
      } catch (error) {
        if (!(error instanceof PlatformError) || error.code !== CLOCK_SKEW_CODE) throw error;
      }
      // 50102: our timestamp is more than 30 s from OKX's [overview]. Learn the offset once (clock-sync.ts) and retry
      // once: a second 50102 is reported, never retried again, so a broken clock cannot loop.
      await clock.resyncOnce(resyncsBefore, signal);
      return signedOnce(path, query, signal);
    },
    publicGet: (path, query, signal) => get(path, query, signal, null),
    clockOffsetMs: clock.offsetMs,
  };
}

/** Ms since the epoch from /api/v5/public/time: `data[0].ts`, a millisecond string. */
function parseServerTimeMs(data: readonly unknown[]): number {
  const first = data[0];
  const ts = isRecord(first) ? first.ts : undefined;
  if (typeof ts !== "string" || !/^\d{12,}$/.test(ts)) throw okxBadResponse(OKX_TIME_PATH, "no server time");
  return Number(ts);
}

export function okxBadResponse(path: string, what: string): PlatformError {
  return unexpectedResponse("okx", path, what);
}

type Rule = readonly [PlatformErrorKind, string];
const IP_RULE: Rule = [
  "permission",
  "OKX refuses this key from this server's IP ({code}): add this server's IP to the key's IP list on OKX, or use a read-only key without IP binding",
];
const PERMISSION_RULE: Rule = [
  "permission",
  "the OKX API key lacks a permission for this request ({code}): give the key in OKX_API_KEY the Read permission",
];
const FROZEN_RULE: Rule = [
  "auth",
  "OKX says the API key or account is frozen or unknown ({code}): check the key on OKX or contact OKX support",
];
const BUSY_RULE: Rule = ["unavailable", "OKX is temporarily unavailable ({code}); try again later"];
const TIMESTAMP_RULE: Rule = [
  "clock-skew",
  "OKX rejected the request timestamp ({code}): check this server's clock and time zone (enable NTP)",
];

/** The OKX codes pfbot can explain [error-code; exchanges.md §2.7]. "{code}" becomes "code 50111". */
const RULES: Readonly<Record<string, Rule>> = {
  "50111": ["auth", "OKX rejected the API key ({code}): check OKX_API_KEY"],
  "50103": ["auth", "OKX got no API key ({code}): set OKX_API_KEY"],
  // The most reported OKX error: a key from an EEA or US account used on the global host [exchanges.md §2.1].
  "50119": [
    "auth",
    "OKX says this API key does not exist ({code}): check OKX_API_KEY; if your account is on OKX EEA (my.okx.com) or OKX US (app.okx.com), set OKX_BASE_URL to https://eea.okx.com or https://us.okx.com",
  ],
  // A passphrase pasted as the secret also lands here [sieblyio/okx-api#22].
  "50113": ["auth", "OKX rejected the request signature ({code}): check OKX_API_SECRET (the secret key, not the passphrase)"],
  "50105": ["auth", "OKX rejected the passphrase ({code}): check OKX_API_PASSPHRASE (the passphrase chosen when the key was created)"],
  "50104": ["auth", "OKX got no passphrase ({code}): set OKX_API_PASSPHRASE"],
  "50101": [
    "auth",
    "the OKX API key belongs to another environment ({code}): demo-trading keys do not work here; use a live key in OKX_API_KEY",
  ],
  "50110": IP_RULE,
  "50121": IP_RULE,
  "50035": ["permission", "OKX requires this API key to be bound to an IP ({code}): bind this server's IP to the key on OKX"],
  "50120": PERMISSION_RULE,
  "50114": PERMISSION_RULE,
  "50030": PERMISSION_RULE,
  "50100": FROZEN_RULE,
  "50007": FROZEN_RULE,
  "50008": FROZEN_RULE,
  "50011": ["rate-limit", "OKX rate limit reached ({code}): wait a minute and try again"],
  "50013": BUSY_RULE,
  "50001": BUSY_RULE,
  "50026": BUSY_RULE,
  "50004": BUSY_RULE,
  // Only surfaced after the one resync-and-retry in signedGet.
  [CLOCK_SKEW_CODE]: [
    "clock-skew",
    "OKX rejected the request time even after syncing with its clock ({code}): enable NTP on this server (timedatectl set-ntp true)",
  ],
  "50112": TIMESTAMP_RULE,
  "50107": TIMESTAMP_RULE,
  "50051": ["unavailable", "OKX refuses this request for regulatory reasons ({code}): check the account's region, KYC and OKX_BASE_URL"],
};

/** OKX answers `{code, msg, data}` with code "0" for success, whatever the HTTP status [exchanges.md §2.2]. */
function dataOf(response: HttpResponse, path: string, nowMs: number, scrub: Redact): readonly unknown[] {
  const body = looksLikeJson(response.text) ? parseJson("okx", response, path) : null;
  const record = isRecord(body) ? body : null;
  const rawCode = record?.code;
  // code is a JSON string; accept a number too rather than fail on a formatting change.
  const code = typeof rawCode === "string" ? rawCode : typeof rawCode === "number" ? String(rawCode) : null;
  if (record === null || code === null) throw httpStatusError(response, path);
  if (code !== "0") throw codeError(code, typeof record.msg === "string" ? scrub(record.msg) : undefined, response, path, nowMs);
  const data = record.data;
  if (!Array.isArray(data)) throw okxBadResponse(path, "no data list");
  return data;
}

function codeError(code: string, msg: unknown, response: HttpResponse, path: string, nowMs: number): PlatformError {
  const rule = RULES[code];
  const retryAfter = retryAfterMs(response.headers, nowMs) ?? undefined;
  if (rule)
    return new PlatformError(
      "okx",
      rule[0],
      rule[1].replace("{code}", `code ${code}`),
      code,
      rule[0] === "rate-limit" ? retryAfter : undefined,
    );
  const what = `code ${code}: ${safeMessage(msg)}`;
  if (response.status === 401)
    return new PlatformError(
      "okx",
      "auth",
      `OKX refused the credentials (${what}): check OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE`,
      code,
    );
  if (response.status === 429)
    return new PlatformError("okx", "rate-limit", `OKX rate limit reached (${what}): wait a minute and try again`, code, retryAfter);
  return new PlatformError("okx", "unavailable", `OKX answered ${path} with an error (${what}); try again later`, code);
}

function httpStatusError(response: HttpResponse, path: string): PlatformError {
  const status = response.status;
  const code = `HTTP ${status}`;
  if (status === 401)
    return new PlatformError(
      "okx",
      "auth",
      "OKX refused the credentials (HTTP 401): check OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE",
      code,
    );
  if (status === 429) return new PlatformError("okx", "rate-limit", "OKX rate limit reached (HTTP 429): wait a minute and try again", code);
  if (status === 403)
    return new PlatformError(
      "okx",
      "permission",
      "OKX refused access from this server (HTTP 403): the region or IP may be blocked; check OKX_BASE_URL",
      code,
    );
  if (status === 404)
    return new PlatformError("okx", "unavailable", `OKX has no ${path} at this host (HTTP 404): check OKX_BASE_URL`, code);
  if (status !== 200) return new PlatformError("okx", "unavailable", `OKX answered HTTP ${status} for ${path}; try again later`, code);
  return okxBadResponse(path, "no code field");
}

/** OKX's msg (credentials already taken out), single-line and clipped: it never echoes them, but a proxy might. */
function safeMessage(msg: unknown): string {
  const text = typeof msg === "string" ? msg.replace(/\s+/g, " ").trim() : "";
  return text === "" ? "no message" : clip(text, 100);
}
