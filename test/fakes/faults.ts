// The one fault vocabulary of every fake: `fake.faults.add({ path, times, delayMs, status, body, code, … })`
// makes the fake misbehave for the requests a fault matches, and `fake.requestsTo(path)` lists what reached
// it. A fault either answers from in front of the service (an HTTP status and body: a gateway, a proxy, a
// load balancer), or makes the service give one of its own errors where it would give it (`code`, in the
// service's own format), or delays or holds the answer.
import type { FakeServer, RecordedRequest } from "./server.ts";

export interface Fault {
  /**
   * Which requests: those to this path, or whose path ends in this segment (T-Bank's "GetPortfolio", IBKR's
   * "SendRequest", Telegram's "sendMessage", matched without case); every request when absent.
   */
  readonly path?: string;
  /** How many matching requests it hits before it is used up; every one while it is listed when absent. */
  times?: number;
  /** Real milliseconds to wait before answering (the normal answer when nothing else is set). */
  readonly delayMs?: number;
  /** Never answers while the fault is listed; once it is removed (or the fake stops) the held requests get a 502. */
  readonly hang?: boolean;
  /**
   * The service's own error, in its format and at the point where it would give it: a Bybit retCode, an OKX
   * code, a T-Invest code, an IBKR Flex ErrorCode, a Telegram error_code.
   */
  readonly code?: number | string;
  /** That error's text instead of the service's usual one. `{{name}}` quotes what the request carried (see each fake). */
  readonly message?: string;
  /** With `code`: the HTTP status carrying the error. Without: answer this status from in front of the service. */
  readonly status?: number;
  /** The whole body instead of the service's (JSON, HTML, or a broken body); `{{name}}` echoes as in `message`. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FaultList<F extends Fault = Fault> {
  add(...faults: F[]): void;
  /** Removes one fault (or all of them), releasing the requests a `hang` holds. */
  remove(fault: F): void;
  clear(): void;
  /** The listed faults not yet used up. */
  active(): readonly F[];
  /** The first listed fault matching `path`, counted as used once; null when none. */
  take(path: string): F | null;
  /** Resolves when `fault` leaves the list (removed, cleared, or the fake stopped). */
  released(fault: F): Promise<void>;
}

export function createFaultList<F extends Fault = Fault>(): FaultList<F> {
  let faults: F[] = [];
  const waiting = new Map<F, (() => void)[]>();
  const release = (fault: F) => {
    for (const resolve of waiting.get(fault) ?? []) resolve();
    waiting.delete(fault);
  };
  return {
    add: (...added) => void faults.push(...added),
    remove(fault) {
      faults = faults.filter((f) => f !== fault);
      release(fault);
    },
    clear() {
      const removed = faults;
      faults = [];
      for (const fault of [...removed, ...waiting.keys()]) release(fault);
    },
    active: () => faults.filter((f) => f.times === undefined || f.times > 0),
    take(path) {
      const fault = faults.find((f) => pathMatches(f.path, path) && (f.times === undefined || f.times > 0));
      if (!fault) return null;
      if (fault.times !== undefined) fault.times -= 1;
      return fault;
    },
    released: (fault) =>
      faults.includes(fault)
        ? new Promise<void>((resolve) => waiting.set(fault, [...(waiting.get(fault) ?? []), resolve]))
        : Promise.resolve(),
  };
}

/** Whether a fault's or a lookup's `path` selects a request to `requestPath` (see Fault.path). */
export function pathMatches(wanted: string | undefined, requestPath: string): boolean {
  if (wanted === undefined || wanted === requestPath) return true;
  if (wanted.startsWith("/")) return false;
  return requestPath.toLowerCase().endsWith(`/${wanted.toLowerCase()}`);
}

/** `requestsTo(path)` of a fake: what reached it at that path (or ending in that segment). */
export function requestsTo(requests: readonly RecordedRequest[], path: string): RecordedRequest[] {
  return requests.filter((request) => pathMatches(path, request.path));
}

/** Waits out the fault's delay and, for a hang, until it is lifted: then the answer is a 502, as from a proxy giving up. */
export async function delayOrHold<F extends Fault>(list: FaultList<F>, fault: F | null): Promise<Response | null> {
  if (!fault) return null;
  if (fault.delayMs) await Bun.sleep(fault.delayMs);
  if (fault.hang) {
    await list.released(fault);
    return new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", { status: 502, headers: { "content-type": "text/html" } });
  }
  return null;
}

/** The answer of a fault with a status or a body and no code (from in front of the service), or null. */
export function frontAnswer(fault: Fault | null, fill: (text: string) => string = (text) => text): Response | null {
  if (!fault || fault.code !== undefined || (fault.status === undefined && fault.body === undefined)) return null;
  const status = fault.status ?? 200;
  const body =
    fault.body === undefined ? `<html><body><h1>${status} ${STATUS_TEXT[status] ?? "Error"}</h1></body></html>` : fill(fault.body);
  return new Response(body, { status, headers: { "content-type": contentTypeOf(body), ...fault.headers } });
}

/** A JSON body is served as JSON, anything else as an HTML page (what proxies and gateways send). */
function contentTypeOf(body: string): string {
  return /^\s*[{[]/.test(body) ? "application/json" : "text/html; charset=utf-8";
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An exchange's fake as a test holds it: its base URL, what reached it, the account it answers from, its faults. */
export interface ExchangeFake<State, F extends Fault> {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly state: State;
  readonly faults: FaultList<F>;
  requestsTo(path: string): RecordedRequest[];
  stop(): Promise<void>;
}

/** The fake an exchange's start function returns around its server. Stopping lifts the faults first: a held request gets its 502. */
export function exchangeFake<State, F extends Fault>(server: FakeServer, state: State, faults: FaultList<F>): ExchangeFake<State, F> {
  return {
    url: server.url,
    requests: server.requests,
    state,
    faults,
    requestsTo: (path) => requestsTo(server.requests, path),
    stop: async () => {
      faults.clear();
      await server.stop();
    },
  };
}
