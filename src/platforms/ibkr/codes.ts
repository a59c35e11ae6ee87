// IBKR Flex Web Service error codes (brokers.md §2.3, from ibflex client.py and IBKR's messages) and what
// the client does with each: wait and ask again, stop because of the rate limit, restart from SendRequest,
// or fail with a message telling the user what to fix.
import { clip } from "../../lib/redact.ts";
import { PlatformError, type PlatformErrorKind } from "../types.ts";

export type FlexCodeAction =
  | { readonly action: "retry" }
  | { readonly action: "throttled" }
  | { readonly action: "restart" }
  | { readonly action: "fail"; readonly error: PlatformError };

/**
 * How long to stay away after a 1018: IBKR's penalty box is 10 minutes; the margin covers clock differences.
 * It is also the longest wait IBKR can ask for, so no stored throttle lasts longer.
 */
export const THROTTLE_COOLDOWN_MS = 15 * 60_000;

const TOKEN_PLACE = "Performance & Reports → Flex Queries → Flex Web Service Configuration";

// "Please try again shortly": 1019 is the normal answer while the statement is generated; the others
// are transient server states (1001 Statement could not be generated, 1004–1008 data not ready,
// 1009 heavy load, 1021 could not be retrieved).
const RETRY_CODES = new Set([1001, 1004, 1005, 1006, 1007, 1008, 1009, 1019, 1021]);

const TERMINAL: Readonly<Record<number, readonly [PlatformErrorKind, string]>> = {
  1003: [
    "unavailable",
    "IBKR says the statement is not available (1003): try again later; if it persists, check that the Flex query IBKR_QUERY_ID covers a period with data",
  ],
  1010: [
    "config",
    "IBKR_QUERY_ID is a legacy Flex query, no longer supported (1010): create an Activity Flex query and set IBKR_QUERY_ID to its Query ID",
  ],
  1011: [
    "permission",
    `The IBKR Flex Web Service is not active for this account (1011): enable it under ${TOKEN_PLACE} and set IBKR_FLEX_TOKEN`,
  ],
  1012: ["auth", `The IBKR Flex token has expired (1012): generate a new one under ${TOKEN_PLACE} and set IBKR_FLEX_TOKEN`],
  1013: [
    "permission",
    `The IBKR Flex token is bound to another IP address (1013): generate a token for this host's IP (or without IP restriction) under ${TOKEN_PLACE} and set IBKR_FLEX_TOKEN`,
  ],
  1014: [
    "config",
    "IBKR rejected the Flex query id (1014, query is invalid): check IBKR_QUERY_ID (the Query ID shown next to the query under Performance & Reports → Flex Queries)",
  ],
  1015: [
    "auth",
    `IBKR rejected the Flex token (1015, token is invalid): check IBKR_FLEX_TOKEN; generating a new token under ${TOKEN_PLACE} invalidates the old one`,
  ],
  1016: [
    "config",
    "IBKR says the account is invalid (1016): check that the Flex query IBKR_QUERY_ID belongs to an open account of this IBKR_FLEX_TOKEN",
  ],
  1020: [
    "config",
    "IBKR could not validate the Flex request (1020): check IBKR_FLEX_TOKEN and IBKR_QUERY_ID; a query created in the last minutes may need some time before it works",
  ],
};

/** Maps a Flex `<ErrorCode>` to what to do. `message` is IBKR's `<ErrorMessage>`, already free of the token. */
export function flexCodeAction(code: number, message: string): FlexCodeAction {
  if (RETRY_CODES.has(code)) return { action: "retry" };
  // 1018: "Limited to one request per second, 10 requests per minute per token"; asking again extends the penalty.
  if (code === 1018) return { action: "throttled" };
  // 1017: the reference code expired or is unknown; a new SendRequest gives a new one.
  if (code === 1017) return { action: "restart" };
  const known = TERMINAL[code];
  if (known) return { action: "fail", error: new PlatformError("ibkr", known[0], known[1], code) };
  const said = message === "" ? "" : `: ${JSON.stringify(clip(message, 160))}`;
  return {
    action: "fail",
    error: new PlatformError(
      "ibkr",
      "unavailable",
      `IBKR Flex answered error ${code}${said}; try again later, and check IBKR_FLEX_TOKEN and IBKR_QUERY_ID if it persists`,
      code,
    ),
  };
}

/** The error for a 1018 (or an HTTP 429), with how long IBKR must be left alone. */
export function throttledError(untilMs: number, nowMs: number): PlatformError {
  const at = new Date(untilMs).toISOString().slice(0, 16).replace("T", " ");
  return new PlatformError(
    "ibkr",
    "rate-limit",
    `IBKR Flex is rate-limited for this token (1018, at most 1 request per second and 10 per minute): no request before ${at} UTC; repeated violations can block IBKR_FLEX_TOKEN`,
    1018,
    Math.max(0, untilMs - nowMs),
  );
}
