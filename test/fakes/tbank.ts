// A fake T-Invest REST gateway (reference/brokers.md §1): POST /rest/tinkoff.public.invest.api.contract.v1.<Service>/<Method>,
// Bearer token checked, JSON bodies validated like the gateway does (unknown fields, missing accountId), answers in
// the production wire format (int64 as strings, signed nano, lowercase currency, enum strings, x-tracking-id and
// x-ratelimit-* headers) and errors as `{code: <gRPC>, message, description: "<T-Invest code>"}` (§1.7).
import { createFaultList, delayOrHold, type Fault, type FaultList, frontAnswer, requestsTo } from "./faults.ts";
import { type FakeServer, fillEchoes, type RecordedRequest, startFake } from "./server.ts";

interface FakeMoneyValue {
  readonly currency: string;
  readonly units: string;
  readonly nano: number;
}

export interface FakeTbankAccount {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly status: string;
  readonly accessLevel: string;
  /** totalAmountPortfolio: a RUB decimal ("-1250.5") turned into units/nano by the fake, or a raw MoneyValue (parts may be left out). */
  readonly total?: string | Partial<FakeMoneyValue>;
  /** GetPortfolio answers this T-Invest error code instead (e.g. "40002" for an account the token cannot read). */
  readonly portfolioError?: string;
}

/**
 * T-Bank's faults (faults.ts), matched by method ("GetPortfolio"): `code` is a T-Invest code, answered after
 * the token check with the status, gRPC code and message of the error table; `status` overrides the table's
 * (a 700xx carried by a 400), `body` replaces the whole body (the code in `message` instead of `description`),
 * `headers` add to the answer. {{token}} in `message` or `body` quotes the token the request carried (a gateway
 * echoing it).
 */
export type TbankFault = Fault;

export interface TbankFakeState {
  token: string;
  accounts: FakeTbankAccount[];
}

export interface TbankFake extends FakeServer {
  /** The client's base URL: the fake's origin + "/rest", like TBANK_BASE_URL. */
  readonly baseUrl: string;
  readonly state: TbankFakeState;
  readonly faults: FaultList<TbankFault>;
  /** The requests of one method, e.g. "GetPortfolio". */
  requestsTo(method: string): RecordedRequest[];
}

export const TBANK_FAKE_TOKEN = "t.fake-readonly-token-0123456789abcdef";

export async function startTbankFake(state: TbankFakeState): Promise<TbankFake> {
  const windows = new Map<string, { start: number; count: number }>();
  const faults = createFaultList<TbankFault>();
  const server = await startFake({
    "/rest/*": async (request) => {
      const fault = faults.take(request.path);
      const held = await delayOrHold(faults, fault);
      if (held) return held;
      const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      return frontAnswer(fault, (text) => fillEchoes(text, { token })) ?? answer(state, windows, request, fault);
    },
  });
  return {
    ...server,
    baseUrl: `${server.url}/rest`,
    state,
    faults,
    requestsTo: (method) => requestsTo(server.requests, method),
    stop: async () => {
      faults.clear();
      await server.stop();
    },
  };
}

/** An HTTPS front on 127.0.0.1 for the TLS tests: terminates TLS with `tls` and forwards to the plain fake at `target`. */
export async function startTlsFront(target: string, tls: { key: string; cert: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls,
    async fetch(request) {
      const url = new URL(request.url);
      const forwarded = await fetch(target + url.pathname + url.search, {
        method: request.method,
        headers: request.headers,
        body: request.method === "GET" ? undefined : await request.arrayBuffer(),
      });
      return new Response(await forwarded.arrayBuffer(), { status: forwarded.status, headers: forwarded.headers });
    },
  });
  return { url: `https://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

/** Accounts of a typical user: brokerage, IIS, a margin account below zero, an Invest Box, a closed account, a debit card. */
export function realisticTbankAccounts(): FakeTbankAccount[] {
  return [
    { id: "2000000101", type: "ACCOUNT_TYPE_TINKOFF", name: "Брокерский счёт", status: OPEN, accessLevel: READ_ONLY, total: "1523456.78" },
    { id: "2000000102", type: "ACCOUNT_TYPE_TINKOFF_IIS", name: "ИИС", status: OPEN, accessLevel: READ_ONLY, total: "412300.05" },
    { id: "2000000103", type: "ACCOUNT_TYPE_TINKOFF", name: "Маржинальный", status: OPEN, accessLevel: READ_ONLY, total: "-1250.5" },
    {
      id: "2000000104",
      type: "ACCOUNT_TYPE_INVEST_BOX",
      name: "Инвесткопилка",
      status: OPEN,
      accessLevel: READ_ONLY,
      portfolioError: "40002",
    },
    {
      id: "2000000105",
      type: "ACCOUNT_TYPE_TINKOFF",
      name: "Старый счёт",
      status: "ACCOUNT_STATUS_CLOSED",
      accessLevel: READ_ONLY,
      total: "777.77",
    },
    { id: "5000000106", type: "ACCOUNT_TYPE_DEBIT", name: "Дебетовая карта", status: OPEN, accessLevel: READ_ONLY, total: "99999.99" },
  ];
}

/** Σ totalAmountPortfolio of the counted accounts of realisticTbankAccounts(): 1523456.78 + 412300.05 − 1250.50. */
export const REALISTIC_TBANK_TOTAL_RUB = "1934506.33";

/** T-Invest code → HTTP status, gRPC code, message (errors.md, http_errors.md). */
const TBANK_ERRORS: Readonly<Record<string, readonly [number, number, string]>> = {
  "30021": [400, 3, "missing parameter: 'account_id'"],
  "40002": [403, 7, "insufficient privileges"],
  "40003": [401, 16, "authentication token is missing or invalid"],
  "50004": [404, 5, "account not found"],
  "70001": [500, 13, "internal error"],
  "70002": [500, 13, "internal network error"],
  "80002": [429, 8, "request limit exceeded"],
};

/** "-1250.5" → {currency: "rub", units: "-1250", nano: -500000000}: both parts carry the sign (§1.2). */
function rubMoneyValue(decimal: string): FakeMoneyValue {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(decimal);
  if (!match) throw new Error(`fake: not a decimal: ${decimal}`);
  const [, minus = "", whole = "0", frac = ""] = match;
  const nano = Number(frac.padEnd(9, "0"));
  return { currency: "rub", units: (minus ? -BigInt(whole) : BigInt(whole)).toString(), nano: minus ? -nano : nano };
}

const OPEN = "ACCOUNT_STATUS_OPEN";
const READ_ONLY = "ACCOUNT_ACCESS_LEVEL_READ_ONLY";
const PREFIX = "/rest/tinkoff.public.invest.api.contract.v1.";
/** limits.md: per user, per service, per minute. */
const LIMITS: Readonly<Record<string, number>> = { UsersService: 100, OperationsService: 200 };
const ALLOWED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "UsersService/GetAccounts": ["status"],
  "OperationsService/GetPortfolio": ["accountId", "currency"],
};

function answer(
  state: TbankFakeState,
  windows: Map<string, { start: number; count: number }>,
  request: RecordedRequest,
  fault: TbankFault | null,
): Response {
  if (!request.path.startsWith(PREFIX)) return json(404, { code: 5, message: "Not Found", details: [] });
  const [service = "", method = ""] = request.path.slice(PREFIX.length).split("/");
  const allowed = ALLOWED_FIELDS[`${service}/${method}`];
  if (!allowed) return json(404, { code: 5, message: "Not Found", details: [] });
  if (request.method !== "POST") return json(405, { code: 12, message: "Method Not Allowed", details: [] });
  const limit = LIMITS[service] ?? 200;
  const window = countRequest(windows, service);
  const rateHeaders = {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - window.count)),
    "x-ratelimit-reset": String(Math.max(1, Math.ceil((window.start + 60_000 - Date.now()) / 1000))),
  };
  if (request.headers.get("authorization") !== `Bearer ${state.token}`) return tinvestError("40003", rateHeaders);
  if (fault?.code !== undefined) {
    const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
    const fill = (text: string) => fillEchoes(text, { token });
    const body = fault.body === undefined ? undefined : (JSON.parse(fill(fault.body)) as unknown);
    return tinvestError(
      String(fault.code),
      { ...rateHeaders, ...fault.headers },
      fault.status,
      body,
      fault.message === undefined ? undefined : fill(fault.message),
    );
  }
  if (window.count > limit) return tinvestError("80002", rateHeaders);
  if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
    return json(415, { code: 3, message: "Content-Type must be application/json", details: [] }, rateHeaders);
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body === "" ? "{}" : request.body);
  } catch {
    return json(400, { code: 3, message: "invalid character in request body", details: [] }, rateHeaders);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return json(400, { code: 3, message: "body is not an object", details: [] }, rateHeaders);
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown) return json(400, { code: 3, message: `proto: (line 1:2): unknown field "${unknown}"`, details: [] }, rateHeaders);
  return method === "GetAccounts" ? getAccounts(state, fields, rateHeaders) : getPortfolio(state, fields, rateHeaders);
}

function getAccounts(state: TbankFakeState, body: Record<string, unknown>, headers: Record<string, string>): Response {
  const filter =
    typeof body.status === "string" && !["ACCOUNT_STATUS_UNSPECIFIED", "ACCOUNT_STATUS_ALL"].includes(body.status) ? body.status : null;
  const accounts = state.accounts
    .filter((account) => filter === null || account.status === filter)
    .map((account) => ({
      id: account.id,
      type: account.type,
      name: account.name,
      status: account.status,
      openedDate: "2021-03-01T00:00:00Z",
      // §1.3: an open account's closedDate is the epoch (or absent); clients must decide on status.
      closedDate: account.status === "ACCOUNT_STATUS_CLOSED" ? "2024-02-15T00:00:00Z" : "1970-01-01T00:00:00Z",
      accessLevel: account.accessLevel,
    }));
  return json(200, { accounts }, headers);
}

function getPortfolio(state: TbankFakeState, body: Record<string, unknown>, headers: Record<string, string>): Response {
  if (typeof body.accountId !== "string" || body.accountId === "") return tinvestError("30021", headers);
  if (body.currency !== undefined && body.currency !== "RUB") {
    return json(400, { code: 3, message: `fake: only RUB totals are modelled, got ${String(body.currency)}`, details: [] }, headers);
  }
  const account = state.accounts.find((candidate) => candidate.id === body.accountId);
  if (!account || (account.total === undefined && account.portfolioError === undefined)) return tinvestError("50004", headers);
  if (account.accessLevel === "ACCOUNT_ACCESS_LEVEL_NO_ACCESS") return tinvestError("40002", headers);
  if (account.portfolioError) return tinvestError(account.portfolioError, headers);
  const total = typeof account.total === "string" ? rubMoneyValue(account.total) : (account.total ?? rubMoneyValue("0"));
  const zero = rubMoneyValue("0");
  return json(
    200,
    {
      totalAmountShares: total,
      totalAmountBonds: zero,
      totalAmountEtf: zero,
      totalAmountCurrencies: zero,
      totalAmountFutures: zero,
      totalAmountOptions: zero,
      totalAmountSp: zero,
      expectedYield: { units: "3", nano: 140000000 },
      positions: [],
      accountId: account.id,
      totalAmountPortfolio: total,
      virtualPositions: [],
      dailyYield: { currency: "rub", units: "-12", nano: -70000000 },
      dailyYieldRelative: { units: "0", nano: -1200000 },
    },
    headers,
  );
}

function tinvestError(code: string, headers: Record<string, string>, status?: number, body?: unknown, message?: string): Response {
  const [tableStatus, grpcCode, tableMessage] = TBANK_ERRORS[code] ?? [400, 3, "fake: unlisted error"];
  return json(status ?? tableStatus, body ?? { code: grpcCode, message: message ?? tableMessage, description: code }, headers);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...headers, "x-tracking-id": crypto.randomUUID() } });
}

function countRequest(windows: Map<string, { start: number; count: number }>, service: string): { start: number; count: number } {
  const now = Date.now();
  const current = windows.get(service);
  const window = current && now - current.start < 60_000 ? current : { start: now, count: 0 };
  window.count += 1;
  windows.set(service, window);
  return window;
}
