// A fake IBKR Flex Web Service v3 (brokers.md §2) on 127.0.0.1: SendRequest and GetStatement with the real
// XML shapes (status answers always HTTP 200, <Url> wrapped in newlines), the checks IBKR makes (token,
// query id, reference code, v=3, User-Agent) and its rate limit (1 request/s and 10/min per token, then a
// 10-minute penalty box answering 1018), measured on the test's injected clock.

import { createFaultList, delayOrHold, type Fault, type FaultList, frontAnswer, requestsTo } from "./faults.ts";
import { realisticIbkrStatement } from "./ibkr-statements.ts";
import { type FakeServer, fillEchoes, type RecordedRequest, startFake } from "./server.ts";

const FLEX_PATH = "/AccountManagement/FlexWebService";
/** Where the fake's <Url> points when `statementUrl` is "alternate-path" (IBKR answers with another host). */
export const ALTERNATE_STATEMENT_PATH = "/gdcdyn/AccountManagement/FlexWebService/GetStatement";

/** IBKR's own messages (ibflex client.py), so errors look like the real ones. */
const FLEX_MESSAGES: Readonly<Record<number, string>> = {
  1001: "Statement could not be generated at this time. Please try again shortly.",
  1003: "Statement is not available.",
  1009: "The server is under heavy load. Statement could not be generated at this time. Please try again shortly.",
  1010: "Legacy Flex Queries are no longer supported. Please convert over to Activity Flex.",
  1011: "Service account is inactive.",
  1012: "Token has expired.",
  1013: "IP restriction.",
  1014: "Query is invalid.",
  1015: "Token is invalid.",
  1016: "Account is invalid.",
  1017: "Reference code is invalid.",
  1018: "Too many requests have been made from this token. Please try again shortly. Limited to one request per second, 10 requests per minute (per token).",
  1019: "Statement generation in progress. Please try again shortly.",
  1020: "Invalid request or unable to validate request.",
  1021: "Statement could not be retrieved at this time. Please try again shortly.",
};

export interface IbkrFakeState {
  token: string;
  queryId: string;
  /** The test's injected clock: stamps requests and measures the rate limit. */
  now: () => number;
  /** User-Agent the client must send (proves it is set explicitly, not Bun's default); null accepts any non-empty one. */
  userAgent: string | null;
  /** What GetStatement serves once ready (Flex XML, or CSV/HTML to test wrong formats). */
  statement: string;
  statementContentType: string;
  /** GetStatement answers 1019 this many times per reference code before the statement. */
  inProgressPolls: number;
  /** Where <Url> points: this fake's GetStatement, another path of this fake, nowhere (omitted), or a foreign host. */
  statementUrl: "same" | "alternate-path" | "omit" | "foreign";
  enforceRateLimit: boolean;
}

/**
 * IBKR's faults (faults.ts), matched by step ("SendRequest", "GetStatement"): `code` is a Flex ErrorCode in
 * IBKR's status XML (HTTP 200), answered after the checks IBKR makes (rate limit, v=3, User-Agent, token; on
 * GetStatement after the reference code check and the in-progress polls, which do not use it up), with
 * `message` as its ErrorMessage instead of IBKR's own text. `status` alone is a load balancer's HTML error
 * page. {{token}} and {{query}} quote the token and the raw query string the request carried (XML-escaped,
 * as IBKR would).
 */
type IbkrFault = Fault;

interface FlexCall {
  readonly step: "SendRequest" | "GetStatement";
  readonly path: string;
  /** Injected-clock time of the request. */
  readonly at: number;
  readonly query: URLSearchParams;
  readonly userAgent: string | null;
  /** What the fake answered: a Flex code (or a front answer's HTTP status), "ticket" or "statement". */
  readonly answer: number | "ticket" | "statement";
}

export interface IbkrFake {
  /** The client's baseUrl (…/AccountManagement/FlexWebService). */
  readonly baseUrl: string;
  readonly state: IbkrFakeState;
  readonly faults: FaultList<IbkrFault>;
  /** Every Flex request with the fake's answer, in order. */
  readonly calls: FlexCall[];
  /** Protocol breaches seen (missing v=3, wrong User-Agent, rate limit exceeded): a correct client leaves it empty. */
  readonly violations: string[];
  readonly server: FakeServer;
  requestsTo(step: string): RecordedRequest[];
  stop(): Promise<void>;
}

export async function startIbkrFake(initial: Partial<IbkrFakeState> & Pick<IbkrFakeState, "token" | "queryId" | "now">): Promise<IbkrFake> {
  const state: IbkrFakeState = {
    userAgent: null,
    statement: realisticIbkrStatement().xml,
    statementContentType: "text/xml;charset=UTF-8",
    inProgressPolls: 0,
    statementUrl: "same",
    enforceRateLimit: true,
    ...initial,
  };
  const calls: FlexCall[] = [];
  const faults = createFaultList<IbkrFault>();
  const violations: string[] = [];
  const pollsLeft = new Map<string, number>();
  const recentRequests: number[] = [];
  let penaltyUntil = 0;
  let nextReference = 4_815_162_342;

  const answer = (
    request: RecordedRequest,
    step: FlexCall["step"],
    code: number | "ticket" | "statement",
    body: string,
    type = "text/xml;charset=UTF-8",
  ): Response => {
    calls.push({
      step,
      path: request.path,
      at: state.now(),
      query: request.query,
      userAgent: request.headers.get("user-agent"),
      answer: code,
    });
    return new Response(body, { status: 200, headers: { "content-type": type } });
  };

  /** Checks shared by both steps; returns the Flex code to answer with, or null when the request may proceed. */
  const gate = (request: RecordedRequest): number | null => {
    const now = state.now();
    if (state.enforceRateLimit) {
      while (recentRequests.length > 0 && (recentRequests[0] ?? 0) <= now - 60_000) recentRequests.shift();
      const last = recentRequests.at(-1);
      recentRequests.push(now);
      if (now < penaltyUntil) {
        violations.push(`request during the penalty box at ${now}`);
        return 1018;
      }
      if ((last !== undefined && now - last < 1_000) || recentRequests.length > 10) {
        violations.push(`rate limit exceeded at ${now} (${recentRequests.length} in the last minute)`);
        penaltyUntil = now + 10 * 60_000;
        return 1018;
      }
    }
    if (request.query.get("v") !== "3") {
      violations.push(`v=${request.query.get("v") ?? "(missing)"}`);
      return 1020;
    }
    const userAgent = request.headers.get("user-agent") ?? "";
    if (userAgent === "" || (state.userAgent !== null && userAgent !== state.userAgent)) {
      violations.push(`User-Agent ${JSON.stringify(userAgent)}`);
      return 1020;
    }
    if (request.query.get("t") !== state.token) return 1015;
    return null;
  };

  const server = await startFake({
    [`GET ${FLEX_PATH}/SendRequest`]: (request) => sendRequest(request),
    [`GET ${FLEX_PATH}/GetStatement`]: (request) => getStatement(request),
    [`GET ${ALTERNATE_STATEMENT_PATH}`]: (request) => getStatement(request),
  });

  async function sendRequest(request: RecordedRequest): Promise<Response> {
    const fault = faults.take("SendRequest");
    const held = await delayOrHold(faults, fault);
    if (held) return held;
    const refused = gate(request) ?? (request.query.get("q") === state.queryId ? null : 1014);
    if (refused !== null) return answer(request, "SendRequest", refused, flexStatusXml(refused));
    const front = frontAnswer(fault);
    if (front) return recordFront(request, "SendRequest", front);
    if (fault?.code !== undefined)
      return answer(request, "SendRequest", Number(fault.code), flexStatusXml(Number(fault.code), faultMessage(request, fault)));
    const reference = String(nextReference++);
    pollsLeft.set(reference, state.inProgressPolls);
    const url = {
      same: `${server.url}${FLEX_PATH}/GetStatement`,
      "alternate-path": `${server.url}${ALTERNATE_STATEMENT_PATH}`,
      omit: null,
      foreign: "https://flex.example.net/GetStatement",
    }[state.statementUrl];
    return answer(request, "SendRequest", "ticket", flexTicketXml(reference, url));
  }

  async function getStatement(request: RecordedRequest): Promise<Response> {
    const fault = faults.take("GetStatement");
    const held = await delayOrHold(faults, fault);
    if (held) return held;
    const reference = request.query.get("q") ?? "";
    const refused = gate(request) ?? (pollsLeft.has(reference) ? null : 1017);
    if (refused !== null) return answer(request, "GetStatement", refused, flexStatusXml(refused));
    const front = frontAnswer(fault);
    if (front) return recordFront(request, "GetStatement", front);
    const left = pollsLeft.get(reference) ?? 0;
    if (left > 0) {
      // The in-progress polls come first; a code fault waits for them (it was not used up).
      if (fault?.code !== undefined && fault.times !== undefined) fault.times += 1;
      pollsLeft.set(reference, left - 1);
      return answer(request, "GetStatement", 1019, flexStatusXml(1019));
    }
    if (fault?.code !== undefined)
      return answer(request, "GetStatement", Number(fault.code), flexStatusXml(Number(fault.code), faultMessage(request, fault)));
    return answer(request, "GetStatement", "statement", state.statement, state.statementContentType);
  }

  /** A front answer (a load balancer's page) recorded with its HTTP status. */
  function recordFront(request: RecordedRequest, step: FlexCall["step"], response: Response): Response {
    calls.push({
      step,
      path: request.path,
      at: state.now(),
      query: request.query,
      userAgent: request.headers.get("user-agent"),
      answer: response.status,
    });
    return response;
  }

  /** The ErrorMessage of a fault's code: its `message` with the echoes filled in, or IBKR's own text. */
  function faultMessage(request: RecordedRequest, fault: IbkrFault): string | undefined {
    if (fault.message === undefined) return undefined;
    return fillEchoes(fault.message, { token: request.query.get("t") ?? "", query: request.rawQuery }, xmlEscape);
  }

  return {
    baseUrl: `${server.url}${FLEX_PATH}`,
    state,
    faults,
    calls,
    violations,
    server,
    requestsTo: (step) => requestsTo(server.requests, step),
    stop: async () => {
      faults.clear();
      await server.stop();
    },
  };
}

/** A Flex status answer as IBKR sends it: HTTP 200, Warn or Fail depending on the code (never to be trusted). */
export function flexStatusXml(code: number, message = FLEX_MESSAGES[code] ?? "Unknown error."): string {
  const status = code === 1019 || code === 1001 ? "Warn" : "Fail";
  return `<FlexStatementResponse timestamp='14 March, 2026 06:02 AM EDT'>\n<Status>${status}</Status>\n<ErrorCode>${code}</ErrorCode>\n<ErrorMessage>${message}</ErrorMessage>\n</FlexStatementResponse>\n`;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** SendRequest's success answer; the real one wraps <Url> in newlines. */
export function flexTicketXml(referenceCode: string, url: string | null): string {
  const urlElement = url === null ? "" : `<Url>\n${url}\n</Url>\n`;
  return `<FlexStatementResponse timestamp="14 March, 2026 06:02 AM EDT">\n<Status>Success</Status>\n<ReferenceCode>${referenceCode}</ReferenceCode>\n${urlElement}</FlexStatementResponse>\n`;
}

export {
  buildFlexStatement,
  flexCsvStatement,
  proxyHtmlPage,
  realisticIbkrStatement,
  type StatementOptions,
} from "./ibkr-statements.ts";
