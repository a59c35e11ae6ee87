// The IBKR Flex Web Service v3 protocol (brokers.md §2.1–2.3): SendRequest, then GetStatement at the
// returned <Url> until the statement is ready, paced to IBKR's limits (1 request/s, 10/min per token).
// The token travels in the query string, so no URL logged or quoted here ever carries its query.
import type { Logger } from "../../lib/log.ts";
import { clip, makeRedactor } from "../../lib/redact.ts";
import { describeUrl, type HttpResponse, httpRequest } from "../http.ts";
import { type ClientDeps, PlatformError, type PlatformErrorKind } from "../types.ts";
import { flexCodeAction, THROTTLE_COOLDOWN_MS, throttledError } from "./codes.ts";
import type { FlexPacer } from "./pacer.ts";
import { type FlexBody, readFlexBody, type XmlNode } from "./xml.ts";

export interface FlexSessionOptions extends ClientDeps {
  readonly token: string;
  readonly queryId: string;
  readonly userAgent: string;
  readonly log: Logger;
  /** The process's one pacer for IBKR's rate limit. */
  readonly pacer: FlexPacer;
  /** Identifies the rate-limit budget: clients with the same key (service URL + token) share one request log. */
  readonly paceKey: string;
}

export interface FlexSession {
  /** SendRequest, then GetStatement polled on "try again shortly" codes within a bounded schedule. */
  fetchStatement(signal: AbortSignal): Promise<XmlNode>;
  /** SendRequest only: proves the token and query are accepted (for --check). */
  sendRequest(signal: AbortSignal): Promise<void>;
}

/** brokers.md §2.3: wait 3–5 s after SendRequest, then poll every 5–10 s, and give up after about 90 s. */
export const POLL_DELAYS_MS: readonly number[] = [5_000, 5_000, 10_000];
const GIVE_UP_AFTER_MS = 90_000;
/** The legacy GetStatement (brokers.md §2.1), which SendRequest may still name in its <Url>. */
const RETIRED_STATEMENT_PATH = /\/Universal\/servlet\/FlexStatementService\.GetStatement$/i;
/** 5xx, network errors and non-XML pages are retried this many times per fetch, within the same schedule. */
const MAX_TRANSPORT_RETRIES = 2;

/** A Flex answer that is a status or a statement (everything else has been turned into an error). */
type FlexAnswer = Extract<FlexBody, { kind: "status" | "statement" }>;

/** A failure worth asking again for shortly: a "try again" code, a 5xx, a proxy page. */
class FlexRetryableError extends PlatformError {
  constructor(
    kind: PlatformErrorKind,
    message: string,
    readonly detail: string,
    code?: string | number,
  ) {
    super("ibkr", kind, message, code);
  }
}

export function createFlexSession(options: FlexSessionOptions): FlexSession {
  const { token, queryId, log } = options;
  const base = options.baseUrl.replace(/\/+$/, "");
  // Anything IBKR echoes back is quoted only after removing the token (raw or URL-encoded, should it ever appear there).
  const scrub = makeRedactor([token]);

  async function ask(step: "SendRequest" | "GetStatement", endpoint: string, q: string, signal: AbortSignal): Promise<FlexAnswer> {
    const ended = await options.pacer.turn(options.paceKey, signal);
    try {
      abortCheck(signal);
      return await askPaced(step, endpoint, q, signal);
    } finally {
      // IBKR has answered (or will not): its own time of the request lies before this moment.
      ended();
    }
  }

  async function askPaced(step: "SendRequest" | "GetStatement", endpoint: string, q: string, signal: AbortSignal): Promise<FlexAnswer> {
    const url = new URL(endpoint);
    url.search = new URLSearchParams({ t: token, q, v: "3" }).toString();
    const where = describeUrl(endpoint);
    log.debug("IBKR Flex request", { step, url: where });
    let response: HttpResponse;
    try {
      // One attempt: the helper's own quick retries would break the 1 request/s limit; retries go through the pacer.
      response = await httpRequest(options, "ibkr", url.toString(), {
        signal,
        maxAttempts: 1,
        headers: { "User-Agent": options.userAgent, Accept: "application/xml, text/xml" },
      });
    } catch (error) {
      if (error instanceof PlatformError && (error.kind === "unavailable" || error.kind === "timeout") && !signal.aborted) {
        throw new FlexRetryableError(
          error.kind,
          scrub(error.message),
          error.kind === "timeout" ? "no answer in time" : "unreachable",
          error.code,
        );
      }
      throw error;
    }
    if (response.status === 429) throw throttledError(options.now() + THROTTLE_COOLDOWN_MS, options.now());
    if (response.status === 404) {
      throw new PlatformError(
        "ibkr",
        "config",
        `IBKR Flex answered HTTP 404 at ${where}: check IBKR_FLEX_BASE_URL (normally https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService)`,
        404,
      );
    }
    if (response.status !== 200)
      throw new PlatformError(
        "ibkr",
        "unavailable",
        `IBKR Flex answered HTTP ${response.status} at ${where}; try again later`,
        response.status,
      );
    const body = readFlexBody(response.text);
    if (body.kind === "not-xml") {
      if (body.format === "csv") {
        throw new PlatformError(
          "ibkr",
          "config",
          "IBKR sent the Flex statement as CSV: set Format to XML in the Flex query's Delivery Configuration (IBKR_QUERY_ID)",
        );
      }
      const what =
        body.format === "html"
          ? "an HTML page (a proxy, login or maintenance page)"
          : body.format === "empty"
            ? "an empty body"
            : "unreadable text";
      throw new FlexRetryableError(
        "unavailable",
        `IBKR Flex answered with ${what} instead of XML at ${where}; try again later, and if it persists check IBKR_FLEX_BASE_URL and that the Flex query's Format is XML`,
        `${body.format} page`,
      );
    }
    if (body.kind === "unexpected-root") {
      throw new PlatformError(
        "ibkr",
        "bad-response",
        `IBKR Flex answered with an unexpected <${clip(scrub(body.root), 40)}> document at ${where}: check IBKR_FLEX_BASE_URL`,
      );
    }
    if (body.kind === "status" && body.code !== null) log.info("IBKR Flex status", { step, code: body.code, message: scrub(body.message) });
    return body;
  }

  /** Throws the error a status code calls for; returns only for "restart" (1017). */
  function onCode(code: number, message: string): "restart" {
    const decision = flexCodeAction(code, scrub(message));
    if (decision.action === "fail") throw decision.error;
    if (decision.action === "throttled") throw throttledError(options.now() + THROTTLE_COOLDOWN_MS, options.now());
    if (decision.action === "retry") {
      const detail = `${code}: ${scrub(message) || "try again shortly"}`;
      throw new FlexRetryableError("unavailable", `IBKR Flex is busy (${detail}); try again later`, detail, code);
    }
    return decision.action;
  }

  async function requestTicket(signal: AbortSignal): Promise<{ referenceCode: string; statementUrl: string }> {
    const body = await ask("SendRequest", `${base}/SendRequest`, queryId, signal);
    if (body.kind === "statement")
      throw new PlatformError(
        "ibkr",
        "bad-response",
        "IBKR Flex answered SendRequest with a statement instead of a reference code: check IBKR_FLEX_BASE_URL",
      );
    if (body.code !== null && onCode(body.code, body.message) === "restart") {
      throw new PlatformError(
        "ibkr",
        "unavailable",
        `IBKR Flex answered SendRequest with 1017 (reference code invalid); try again later`,
        1017,
      );
    }
    if (body.referenceCode === null)
      throw new PlatformError(
        "ibkr",
        "bad-response",
        "IBKR Flex answered SendRequest without an ErrorCode or a ReferenceCode; try again later",
      );
    return { referenceCode: body.referenceCode, statementUrl: statementUrl(body.url) };
  }

  /** The <Url> SendRequest returned, if it points at IBKR (or at the configured host); the token goes there. */
  function statementUrl(returned: string | null): string {
    const fallback = `${base}/GetStatement`;
    if (returned === null) return fallback;
    try {
      const url = new URL(returned);
      // §2.1: the retired servlet answers 1001 to everything, so polling it would only run out the deadline.
      if (RETIRED_STATEMENT_PATH.test(url.pathname)) {
        log.info("IBKR Flex returned the retired statement Url; using the current GetStatement endpoint", {
          returned: describeUrl(returned),
          using: describeUrl(fallback),
        });
        return fallback;
      }
      const ibkrHost = url.protocol === "https:" && /(^|\.)(interactivebrokers\.com|ibkr\.com)$/i.test(url.hostname);
      if (ibkrHost || url.origin === new URL(base).origin) return url.origin + url.pathname;
    } catch {
      // Not a URL: fall through to the documented endpoint.
    }
    log.warn("IBKR Flex returned an unexpected statement Url; using the default GetStatement endpoint", { url: describeUrl(returned) });
    return fallback;
  }

  async function fetchStatement(signal: AbortSignal): Promise<XmlNode> {
    const giveUpAt = options.now() + GIVE_UP_AFTER_MS;
    let transportRetries = 0;
    let restarted = false;
    const pause = async (delayMs: number, problem: string, code?: number): Promise<void> => {
      if (options.now() + delayMs > giveUpAt) {
        throw new PlatformError(
          "ibkr",
          "unavailable",
          `IBKR Flex had no statement ready after ${GIVE_UP_AFTER_MS / 1000} s (last answer ${problem}); try again later`,
          code,
        );
      }
      await options.sleep(delayMs, signal);
      abortCheck(signal);
    };
    const retryLater = async (error: unknown, delayMs: number): Promise<void> => {
      if (!(error instanceof FlexRetryableError)) throw error;
      const isFlexCode = typeof error.code === "number" && error.code >= 1000;
      if (!isFlexCode && ++transportRetries > MAX_TRANSPORT_RETRIES) throw error;
      await pause(delayMs, error.detail, typeof error.code === "number" ? error.code : undefined);
    };
    for (;;) {
      let ticket: { referenceCode: string; statementUrl: string };
      try {
        ticket = await requestTicket(signal);
      } catch (error) {
        await retryLater(error, POLL_DELAYS_MS.at(-1) ?? 10_000);
        continue;
      }
      await pause(POLL_DELAYS_MS[0] ?? 5_000, "a reference code");
      for (let poll = 1; ; poll++) {
        try {
          const body = await ask("GetStatement", ticket.statementUrl, ticket.referenceCode, signal);
          if (body.kind === "statement") return body.response;
          if (body.code === null)
            throw new PlatformError(
              "ibkr",
              "bad-response",
              "IBKR Flex answered GetStatement with a status that has no ErrorCode; try again later",
            );
          onCode(body.code, body.message); // returns only for 1017: start again from SendRequest, once
          if (restarted)
            throw new PlatformError("ibkr", "unavailable", "IBKR Flex rejected its own reference code twice (1017); try again later", 1017);
          restarted = true;
          break;
        } catch (error) {
          await retryLater(error, POLL_DELAYS_MS[Math.min(poll, POLL_DELAYS_MS.length - 1)] ?? 10_000);
        }
      }
    }
  }

  return {
    fetchStatement,
    async sendRequest(signal) {
      await requestTicket(signal);
    },
  };
}

function abortCheck(signal: AbortSignal): void {
  if (signal.aborted) throw new PlatformError("ibkr", "timeout", "IBKR Flex did not deliver the statement in time; try again later");
}
