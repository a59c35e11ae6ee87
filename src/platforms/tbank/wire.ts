// T-Invest REST transport and wire format (reference/brokers.md §1.1, §1.2, §1.7): one POST per
// unary method, errors mapped to what the user should do, MoneyValue read exactly as BigInt nanos.

import { isRecord } from "../../lib/guards.ts";
import type { Logger } from "../../lib/log.ts";
import { clip, makeRedactor } from "../../lib/redact.ts";
import { describeUrl, httpRequest, networkErrorText, parseJson, retryAfterMs } from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind } from "../types.ts";
import { isCertificateProblem } from "./tls.ts";

/** Production REST root (§1.1: the gateway serves `<host>/rest/<package>.<Service>/<Method>`). */
export const TBANK_DEFAULT_BASE_URL = "https://invest-public-api.tbank.ru/rest";

export interface TbankTransport {
  readonly deps: ClientDeps;
  readonly token: string;
  /** The CA list for fetch `tls.ca` (tbankCaBundle), computed once per client. */
  readonly ca: () => readonly string[];
  readonly log?: Logger;
}

/** POSTs `body` to `<Service>/<Method>` and returns the parsed JSON of a successful answer. */
export async function callTbank(
  transport: TbankTransport,
  service: string,
  method: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<unknown> {
  const { deps } = transport;
  const url = `${deps.baseUrl.replace(/\/+$/, "")}/${CONTRACT_PACKAGE}.${service}/${method}`;
  const what = `${service}/${method}`;
  for (let attempt = 1; ; attempt++) {
    const response = await send(transport, url, body, signal);
    const trackingId = response.headers.get("x-tracking-id") ?? "";
    transport.log?.debug("T-Bank answered", { method: what, status: response.status, trackingId });
    // An error may come from a proxy as HTML: only a success must be JSON.
    const ok = response.status >= 200 && response.status < 300;
    const parsed = ok ? parseJson("tbank", response, describeUrl(url)) : parseJsonOrNull(response.text);
    const failure = readFailure(response.status, parsed);
    if (!failure) return parsed;
    // 700xx is T-Invest's "internal, try later" (§1.7) even when it arrives with a 4xx or 200 status,
    // which the HTTP helper does not retry: retry it here, a bounded number of times.
    if (failure.code?.startsWith("700") && attempt < INTERNAL_ERROR_ATTEMPTS) {
      await deps.sleep(BACKOFF_MS * 2 ** (attempt - 1), signal);
      if (signal.aborted) throw new PlatformError("tbank", "timeout", `T-Bank did not answer ${what} in time; try again later`);
      continue;
    }
    throw toPlatformError(failure, response.headers, deps.now(), what, trackingId, transport.token);
  }
}

/** A MoneyValue/Quotation as an exact count of billionths, with its upper-cased currency ("" when none). */
export interface Nanos {
  readonly currency: string;
  readonly nanos: bigint;
}

/**
 * Reads `{currency, units: "int64", nano: int32}` (§1.2). Both parts carry the sign; a missing part is
 * the proto3 default 0; mixed signs, fractional or out-of-range parts are a bad response.
 */
export function parseMoneyValue(value: unknown, field: string): Nanos {
  if (!isRecord(value)) throw badResponse(`${field} is missing or not an object`);
  const currency = value.currency === undefined ? "" : value.currency;
  if (typeof currency !== "string") throw badResponse(`${field}.currency is not a string`);
  const units = readUnits(value.units, field);
  const nano = value.nano ?? 0;
  if (typeof nano !== "number" || !Number.isInteger(nano) || Math.abs(nano) >= 1e9) {
    throw badResponse(`${field}.nano is not an integer below 1e9 in magnitude`);
  }
  if ((units > 0n && nano < 0) || (units < 0n && nano > 0)) throw badResponse(`${field} has units and nano of opposite signs`);
  return { currency: currency.toUpperCase(), nanos: units * NANOS_PER_UNIT + BigInt(nano) };
}

/** One account from UsersService/GetAccounts (§1.3); enums kept as T-Invest names them. */
export interface TbankAccount {
  readonly id: string;
  readonly name: string;
  /** e.g. ACCOUNT_TYPE_TINKOFF, ACCOUNT_TYPE_TINKOFF_IIS, ACCOUNT_TYPE_INVEST_BOX. */
  readonly type: string;
  /** e.g. ACCOUNT_STATUS_OPEN, ACCOUNT_STATUS_CLOSED. */
  readonly status: string;
  /** e.g. ACCOUNT_ACCESS_LEVEL_READ_ONLY, ACCOUNT_ACCESS_LEVEL_FULL_ACCESS. */
  readonly accessLevel: string;
}

export function parseAccounts(body: unknown): TbankAccount[] {
  if (!isRecord(body) || !Array.isArray(body.accounts)) throw badResponse("GetAccounts has no accounts list");
  return body.accounts.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.id !== "string" || entry.id.trim() === "")
      throw badResponse(`GetAccounts account #${index + 1} has no id`);
    return {
      id: entry.id,
      name: typeof entry.name === "string" ? entry.name.trim() : "",
      // proto3 may leave a zero-valued enum out: absent means UNSPECIFIED.
      type: enumName(entry.type, "ACCOUNT_TYPE_UNSPECIFIED"),
      status: enumName(entry.status, "ACCOUNT_STATUS_UNSPECIFIED"),
      accessLevel: enumName(entry.accessLevel, "ACCOUNT_ACCESS_LEVEL_UNSPECIFIED"),
    };
  });
}

export function badResponse(detail: string): PlatformError {
  return new PlatformError(
    "tbank",
    "bad-response",
    `T-Bank sent a response pfbot cannot read (${detail}); the API may have changed, please report it`,
  );
}

const CONTRACT_PACKAGE = "tinkoff.public.invest.api.contract.v1";
const NANOS_PER_UNIT = 1_000_000_000n;
/** §1.7: retry 700xx "at most 2–3 times with backoff". */
const INTERNAL_ERROR_ATTEMPTS = 3;
const BACKOFF_MS = 1_000;
/** §1.7: without a reset header, wait out the per-minute window. */
const DEFAULT_RATE_LIMIT_MS = 60_000;
const TOKEN_HELP = "issue a new token in T-Invest settings (tbank.ru/invest/settings) and put it in TBANK_API_TOKEN";

interface Failure {
  readonly status: number;
  /** The T-Invest code ("40003"), when the body carries one. */
  readonly code: string | undefined;
  readonly text: string;
}

async function send(transport: TbankTransport, url: string, body: Record<string, unknown>, signal: AbortSignal) {
  try {
    return await httpRequest(transport.deps, "tbank", url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${transport.token}`,
        "Content-Type": "application/json",
        Accept: "application/json",
        // §1.1: optional `<nick>.<repo>` for T-Bank's statistics of API clients.
        "x-app-name": "pfbot",
      },
      body: JSON.stringify(body),
      signal,
      ca: transport.ca(),
    });
  } catch (error) {
    // httpRequest keeps the network error it gave up on as `cause`: a failed certificate check is told from that.
    const reason =
      error instanceof PlatformError && error.kind === "unavailable" && error.cause !== undefined ? networkErrorText(error.cause) : "";
    if (isCertificateProblem(reason)) {
      throw new PlatformError(
        "tbank",
        "unavailable",
        `T-Bank's TLS certificate could not be verified (${reason}): if T-Bank changed its certificate chain, save its CA as PEM and set TBANK_CA_FILE`,
        undefined,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The gateway's error body is `{code: grpc, message, description: "<T-Invest code>"}` (§1.7); some clients see the code in `message`. */
function readFailure(status: number, body: unknown): Failure | null {
  const looksLikeError = isRecord(body) && typeof body.code === "number" && body.code !== 0 && ("message" in body || "description" in body);
  if (status >= 200 && status < 300 && !looksLikeError) return null;
  const record = isRecord(body) ? body : {};
  const description = typeof record.description === "string" ? record.description.trim() : "";
  const message = typeof record.message === "string" ? record.message.trim() : "";
  const code = [description, message].find((text) => /^\d{5}$/.test(text));
  const text = [message, description].filter((part) => part !== "" && part !== code).join(": ");
  return { status, code, text };
}

function toPlatformError(
  failure: Failure,
  headers: Headers,
  nowMs: number,
  what: string,
  trackingId: string,
  token: string,
): PlatformError {
  const { status, code } = failure;
  const detail = describeFailure(failure, trackingId, token);
  const error = (kind: PlatformErrorKind, message: string, retryMs?: number) =>
    new PlatformError("tbank", kind, message, code ?? status, retryMs);
  if (code === "40003" || status === 401)
    return error("auth", `T-Bank rejected the token (${detail}); it is invalid, revoked or unused for 3 months: ${TOKEN_HELP}`);
  if (code === "80002" || status === 429) {
    const waitMs = rateLimitResetMs(headers, nowMs);
    return error(
      "rate-limit",
      `T-Bank's per-minute request limit is used up (${detail}); it resets in ${Math.ceil(waitMs / 1000)} s: try again then (the limit is per T-Invest user: other apps using the API count too)`,
      waitMs,
    );
  }
  if (code === "40002" || status === 403)
    return error(
      "permission",
      `T-Bank denied ${what} (${detail}): the token has no access to it; check TBANK_API_TOKEN covers this account`,
    );
  if (code === "50004") return error("permission", `T-Bank does not know the account (${detail})`);
  if (code === "12002") return error("config", `T-Bank retired ${what} (${detail}): update pfbot`);
  if (code?.startsWith("700")) return error("unavailable", `T-Bank had an internal error on ${what} (${detail}); try again later`);
  if (status === 404) {
    return error("config", `T-Bank has no ${what} at this address (${detail}): check TBANK_BASE_URL (default ${TBANK_DEFAULT_BASE_URL})`);
  }
  if (status === 408) return error("timeout", `T-Bank timed out on ${what} (${detail}); try again later`);
  return error("bad-response", `T-Bank rejected ${what} (${detail}); this looks like a pfbot bug or an API change, please report it`);
}

function describeFailure(failure: Failure, trackingId: string, token: string): string {
  // The server's text is untrusted: one line, the token taken out before the clip could cut it, then bounded.
  const text = failure.text.replace(/\s+/g, " ");
  const safe = clip(makeRedactor([token])(text), 120);
  const parts = [`HTTP ${failure.status}`, failure.code ? `code ${failure.code}` : "", safe, trackingId ? `tracking id ${trackingId}` : ""];
  return parts.filter((part) => part !== "").join(", ");
}

/** §1.1: `x-ratelimit-reset` is seconds until the counter resets; REST may prefix it with Grpc-Metadata-. */
function rateLimitResetMs(headers: Headers, nowMs: number): number {
  for (const name of ["x-ratelimit-reset", "grpc-metadata-x-ratelimit-reset"]) {
    const value = headers.get(name)?.trim() ?? "";
    if (/^\d+$/.test(value)) return Math.max(1, Number(value)) * 1000;
  }
  return retryAfterMs(headers, nowMs) ?? DEFAULT_RATE_LIMIT_MS;
}

function readUnits(value: unknown, field: string): bigint {
  if (value === undefined) return 0n;
  // int64 is a JSON string (§1.2); a number is tolerated only when it is an exact integer.
  if (typeof value === "string" && /^[+-]?\d{1,19}$/.test(value.trim())) return BigInt(value.trim());
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw badResponse(`${field}.units is not an integer`);
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function enumName(value: unknown, absent: string): string {
  return typeof value === "string" && value !== "" ? value : absent;
}
