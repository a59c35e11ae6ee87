import { afterEach, describe, expect, test } from "bun:test";
import { createLogger } from "../../../src/lib/log.ts";
import { sum, toPlainString } from "../../../src/lib/money.ts";
import { createTbankClient, type TbankClientOptions } from "../../../src/platforms/tbank/client.ts";
import { type FetchFn, PlatformError } from "../../../src/platforms/types.ts";
import {
  type FakeTbankAccount,
  investBoxAccount,
  REALISTIC_TBANK_TOTAL_RUB,
  realisticTbankAccounts,
  startTbankFake,
  TBANK_FAKE_TOKEN,
  type TbankFake,
  type TbankFakeState,
  type TbankFault,
} from "../../fakes/tbank.ts";
import { expectPlatformError } from "../../support/platform-error.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function fake(state: Partial<TbankFakeState> = {}, faults: TbankFault[] = []): Promise<TbankFake> {
  const server = await startTbankFake({ token: TBANK_FAKE_TOKEN, accounts: realisticTbankAccounts(), ...state });
  server.faults.add(...faults);
  cleanups.push(server.stop);
  return server;
}

function clientFor(server: TbankFake, extra: Partial<TbankClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = createTbankClient({
    baseUrl: server.baseUrl,
    fetch: ((input, init) => fetch(input, init)) satisfies FetchFn,
    now: () => Date.now(),
    sleep: async (ms) => void sleeps.push(ms),
    timeoutMs: 5_000,
    token: TBANK_FAKE_TOKEN,
    ...extra,
  });
  return { client, sleeps };
}

const signal = () => new AbortController().signal;

function account(id: string, total: FakeTbankAccount["total"], extra: Partial<FakeTbankAccount> = {}): FakeTbankAccount {
  return {
    id,
    type: "ACCOUNT_TYPE_TINKOFF",
    name: "",
    status: "ACCOUNT_STATUS_OPEN",
    accessLevel: "ACCOUNT_ACCESS_LEVEL_READ_ONLY",
    total,
    ...extra,
  };
}

describe("T-Bank balance", () => {
  test("two accounts with the same name are told apart by the last 4 digits of their ids on the phone", async () => {
    const server = await fake({
      accounts: [
        account("2000000111", "100", { name: "ИИС" }),
        account("2000000222", "200", { name: "ИИС" }),
        account("2000000333", "300"),
      ],
    });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(balance.holdings.map((h) => [h.label, h.display])).toEqual([
      ["ИИС 2000000111", "ИИС ••0111"],
      ["ИИС 2000000222", "ИИС ••0222"],
      ["Brokerage 2000000333", "Brokerage"],
    ]);
  });

  test("sums open brokerage accounts and the IIS exactly; closed and bank accounts are outside the portfolio, so the figure is complete", async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const balance = await client.fetchBalance(signal());

    expect(balance.holdings.map((h) => [h.label, h.money.currency, toPlainString(h.money.amount), h.asOf])).toEqual([
      ["Брокерский счёт 2000000101", "RUB", "1523456.78", null],
      ["ИИС 2000000102", "RUB", "412300.05", null],
      ["Маржинальный 2000000103", "RUB", "-1250.5", null],
    ]);
    // The report lists each account by its name alone (issue #16), not its id.
    expect(balance.holdings.map((h) => h.display)).toEqual(["Брокерский счёт", "ИИС", "Маржинальный"]);
    expect(toPlainString(sum(balance.holdings.map((h) => h.money.amount)))).toBe(REALISTIC_TBANK_TOTAL_RUB);
    expect(balance).toMatchObject({ platform: "tbank", assets: [], asOf: null, source: "GetPortfolio", warnings: [], leftOut: [] });

    // Never asked for the closed account (…105) or the debit card (…106).
    const portfolioCalls = server.requestsTo("GetPortfolio");
    expect(portfolioCalls.map((call) => JSON.parse(call.body)).sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual(
      ["2000000101", "2000000102", "2000000103"].map((accountId) => ({ accountId, currency: "RUB" })),
    );
    const [accountsCall] = server.requestsTo("GetAccounts");
    expect(accountsCall?.method).toBe("POST");
    expect(accountsCall?.path).toBe("/rest/tinkoff.public.invest.api.contract.v1.UsersService/GetAccounts");
    expect(accountsCall?.body).toBe("{}");
    expect(accountsCall?.headers.get("authorization")).toBe(`Bearer ${TBANK_FAKE_TOKEN}`);
    expect(accountsCall?.headers.get("accept")).toBe("application/json");
    expect(accountsCall?.headers.get("x-app-name")).toBe("pfbot");
  });

  test("an Invest Box the API cannot read makes the figure partial, named as the user knows it", async () => {
    const server = await fake({ accounts: [...realisticTbankAccounts(), investBoxAccount()] });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(toPlainString(sum(balance.holdings.map((h) => h.money.amount)))).toBe(REALISTIC_TBANK_TOTAL_RUB);
    expect(balance.leftOut).toEqual(["T-Bank Инвесткопилка"]);
    expect(balance.warnings).toEqual([
      "account Инвесткопилка 2000000104 not counted: T-Bank's API cannot read an Invest Box (it answered 40002)",
    ]);
    // It was tried: should T-Bank start to value Invest Boxes, they are counted.
    expect(server.requestsTo("GetPortfolio").map((call) => JSON.parse(call.body).accountId)).toContain("2000000104");
  });

  test("adds signed units and nano as exact billionths, beyond float precision", async () => {
    const server = await fake({
      accounts: [
        account("1", "0.1"),
        account("2", "0.2"),
        account("3", { currency: "rub", units: "0", nano: -500000000 }),
        account("4", "9007199254740993.000000001"),
        account("5", { currency: "RUB", units: "-2", nano: -2 }),
        account("6", { currency: "rub", units: "10" }), // nano left out: the proto3 default 0
      ],
    });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(balance.holdings.map((h) => toPlainString(h.money.amount))).toEqual([
      "0.1",
      "0.2",
      "-0.5",
      "9007199254740993.000000001",
      "-2.000000002",
      "10",
    ]);
    expect(toPlainString(sum(balance.holdings.map((h) => h.money.amount)))).toBe("9007199254741000.799999999");
  });

  test("an account named by type when it has no name; NO_ACCESS accounts are warned about without a request", async () => {
    const server = await fake({
      accounts: [
        account("7", "5", { type: "ACCOUNT_TYPE_TINKOFF_IIS" }),
        account("8", "6", { accessLevel: "ACCOUNT_ACCESS_LEVEL_NO_ACCESS" }),
      ],
    });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(balance.holdings.map((h) => h.label)).toEqual(["IIS 7"]);
    expect(balance.holdings.map((h) => h.display)).toEqual(["IIS"]);
    expect(balance.warnings).toEqual([expect.stringMatching(/^account Brokerage 8 not counted: the token has no access/)]);
    expect(balance.leftOut).toEqual(["T-Bank Brokerage 8"]);
    expect(server.requestsTo("GetPortfolio").map((call) => JSON.parse(call.body).accountId)).toEqual(["7"]);
  });

  test("a brokerage account refused with 40002 while another is read makes the figure partial and is named", async () => {
    const server = await fake({ accounts: [account("1", "100"), account("2", "50", { portfolioError: "40002", name: "Чужой" })] });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(balance.holdings.map((h) => toPlainString(h.money.amount))).toEqual(["100"]);
    expect(balance.leftOut).toEqual(["T-Bank Чужой"]);
    expect(balance.warnings[0]).toMatch(/^account Чужой 2 not counted: T-Bank denied .*code 40002/);
    // The tracking id belongs in the log, not in a line the report shows.
    expect(balance.warnings[0]).not.toContain("tracking");
  });

  test("a left-out account is named with its id when its name is not unique, or when it has none", async () => {
    const server = await fake({
      accounts: [
        account("1", "100", { name: "Брокерский счёт" }),
        account("2", "50", { name: "Брокерский счёт", portfolioError: "40002" }),
        account("3", "7", { type: "ACCOUNT_TYPE_INVEST_FUND", portfolioError: "50004" }),
      ],
    });
    const balance = await clientFor(server).client.fetchBalance(signal());
    expect(balance.leftOut).toEqual(["T-Bank Брокерский счёт 2", "T-Bank Invest Fund 3"]);
  });

  test("fails rather than report 0 ₽ when no open account can be read", async () => {
    const server = await fake({ accounts: [account("1", "100", { portfolioError: "40002" }), investBoxAccount("2")] });
    const error = await expectPlatformError(clientFor(server).client.fetchBalance(signal()));
    expect(error.kind).toBe("permission");
    expect(error.message).toStartWith("T-Bank: no open account could be read (Brokerage 1: T-Bank denied");
    expect(error.message).toContain("Инвесткопилка 2: T-Bank's API cannot read an Invest Box");
    expect(error.message).toContain("TBANK_API_TOKEN");
  });

  test.each([
    ["every account closed", [account("1", "3", { status: "ACCOUNT_STATUS_CLOSED" }), account("2", "4", { type: "ACCOUNT_TYPE_SAVING" })]],
    ["a token for an account since closed", [account("1", "3", { status: "ACCOUNT_STATUS_CLOSED" })]],
    ["only an account still being opened", [account("1", "0", { status: "ACCOUNT_STATUS_NEW" })]],
    ["no account at all", []],
  ])("no open account visible (%s) fails the platform instead of showing 0 ₽", async (_name, accounts) => {
    const server = await fake({ accounts });
    const error = await expectPlatformError(clientFor(server).client.fetchBalance(signal()));
    expect(error.kind).toBe("permission");
    expect(error.message).toContain("no open account is visible to this token; a brand-new account appears in the API within a few hours");
    expect(server.requestsTo("GetPortfolio")).toHaveLength(0);
  });

  test("a total in another currency than RUB is an error saying so", async () => {
    const server = await fake({ accounts: [account("1", { currency: "usd", units: "10", nano: 0 })] });
    const error = await expectPlatformError(clientFor(server).client.fetchBalance(signal()));
    expect(error.kind).toBe("bad-response");
    expect(error.message).toContain("in USD although RUB was asked for");
  });

  test.each([
    ["garbage units", { currency: "rub", units: "12.5", nano: 0 }],
    ["empty-string units", { currency: "rub", units: "", nano: 0 }],
    ["opposite signs", { currency: "rub", units: "5", nano: -1 }],
    ["nano out of range", { currency: "rub", units: "5", nano: 1_000_000_000 }],
  ])("a MoneyValue with %s is a bad-response error, never NaN", async (_name, total) => {
    const server = await fake({ accounts: [account("1", total)] });
    const error = await expectPlatformError(clientFor(server).client.fetchBalance(signal()));
    expect(error.kind).toBe("bad-response");
    expect(error.message).toContain("totalAmountPortfolio");
  });
});

describe("T-Bank errors", () => {
  test("40003 is an auth error asking for a new token, not retried, token never shown", async () => {
    const server = await fake({ token: "t.some-other-token" });
    const { client, sleeps } = clientFor(server);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect(error).toMatchObject({ kind: "auth", code: "40003" });
    expect(error.message).toContain("issue a new token");
    expect(error.message).toContain("TBANK_API_TOKEN");
    expect(error.message).not.toContain(TBANK_FAKE_TOKEN);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("40003 is recognised when the gateway puts the code in message, whatever the HTTP status", async () => {
    const body = JSON.stringify({ code: 16, message: "40003", description: "authentication token is missing or invalid" });
    const server = await fake({}, [{ path: "GetAccounts", code: "40003", status: 400, body, times: 1 }]);
    const error = await expectPlatformError(clientFor(server).client.fetchBalance(signal()));
    expect(error).toMatchObject({ kind: "auth", code: "40003" });
  });

  test("429 with x-ratelimit-reset is a rate-limit error carrying the wait, without retrying", async () => {
    const server = await fake({}, [{ path: "GetPortfolio", code: "80002", headers: { "x-ratelimit-reset": "17" }, times: 1 }]);
    const { client, sleeps } = clientFor(server);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect(error).toMatchObject({ kind: "rate-limit", code: "80002", retryAfterMs: 17_000 });
    expect(error.message).toContain("resets in 17 s");
    // One GetPortfolio per open account (they run concurrently), none repeated, GetAccounts once.
    const asked = server.requestsTo("GetPortfolio").map((call) => JSON.parse(call.body).accountId);
    expect(asked).toHaveLength(3);
    expect(new Set(asked).size).toBe(3);
    expect(server.requestsTo("GetAccounts")).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("the fake's own per-minute limit answers 80002 and the client stops", async () => {
    const server = await fake({ accounts: [account("1", "1")] });
    const { client } = clientFor(server);
    for (let i = 0; i < 100; i++) await client.accountAccess(signal());
    const error = await expectPlatformError(client.accountAccess(signal()));
    expect(error).toMatchObject({ kind: "rate-limit", code: "80002" });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(server.requests).toHaveLength(101);
  });

  test("5xx is retried with backoff, then succeeds", async () => {
    const server = await fake({}, [
      { path: "GetAccounts", code: "70001", times: 1 },
      { path: "GetAccounts", code: "70002", times: 1 },
    ]);
    const { client, sleeps } = clientFor(server);
    const balance = await client.fetchBalance(signal());
    expect(toPlainString(sum(balance.holdings.map((h) => h.money.amount)))).toBe(REALISTIC_TBANK_TOTAL_RUB);
    expect(server.requestsTo("GetAccounts")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  test("5xx that persists is reported as unavailable after a few attempts", async () => {
    const server = await fake({}, [{ path: "GetAccounts", code: "70001" }]);
    const { client, sleeps } = clientFor(server);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect(error.kind).toBe("unavailable");
    expect(server.requestsTo("GetAccounts")).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  test("700xx carried by a 4xx is retried with the injected sleep, bounded", async () => {
    const once = await fake({}, [{ path: "GetAccounts", code: "70002", status: 400, times: 1 }]);
    const first = clientFor(once);
    expect((await first.client.accountAccess(signal())).length).toBe(5);
    expect(first.sleeps).toEqual([1_000]);

    const always = await fake({}, [{ path: "GetAccounts", code: "70001", status: 400 }]);
    const second = clientFor(always);
    const error = await expectPlatformError(second.client.accountAccess(signal()));
    expect(error).toMatchObject({ kind: "unavailable", code: "70001" });
    expect(always.requestsTo("GetAccounts")).toHaveLength(3);
    expect(second.sleeps).toEqual([1_000, 2_000]);
  });

  test("an internal error (700xx as HTTP 500) keeps its T-Invest code and tracking id in the log line; the user's line stays short", async () => {
    const trackingId = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    const server = await fake({ accounts: [account("1", "1")] }, [
      { path: "GetPortfolio", code: "70001", headers: { "x-tracking-id": trackingId } },
    ]);
    const lines: string[] = [];
    const log = createLogger({ level: "info", secrets: [], write: (line) => void lines.push(line), colour: false });
    const { client, sleeps } = clientFor(server, { log });
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect(error).toMatchObject({ kind: "unavailable", code: "70001" });
    expect(error.message).toBe(
      "T-Bank had an internal error on OperationsService/GetPortfolio (HTTP 500, code 70001, internal error); try again later",
    );
    // The helper's retries of the 5xx only: the 700xx is not retried again on top of them.
    expect(server.requestsTo("GetPortfolio")).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
    const refused = lines.filter((line) => line.includes("T-Bank refused"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain("code=70001");
    expect(refused[0]).toContain(`trackingId=${trackingId}`);
    expect(refused[0]).toContain("method=OperationsService/GetPortfolio");
  });

  test("a 5xx without a T-Invest body (a proxy's page) is an outage naming the status, after the retries", async () => {
    const server = await fake({}, [{ path: "GetAccounts", status: 502 }]);
    const { client, sleeps } = clientFor(server);
    const error = await expectPlatformError(client.fetchBalance(signal()));
    expect(error).toMatchObject({ kind: "unavailable", code: 502 });
    expect(error.message).toBe("T-Bank is unavailable on UsersService/GetAccounts (HTTP 502); try again later");
    expect(server.requestsTo("GetAccounts")).toHaveLength(3);
    expect(sleeps).toEqual([500, 1_000]);
  });

  test("other 4xx are never retried", async () => {
    const server = await fake({}, [{ path: "GetAccounts", code: "30021" }]);
    const { client, sleeps } = clientFor(server);
    const error = await expectPlatformError(client.accountAccess(signal()));
    expect(error).toMatchObject({ kind: "bad-response", code: "30021" });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("a base URL without /rest gets a config error naming TBANK_BASE_URL", async () => {
    const server = await fake();
    const error = await expectPlatformError(clientFor(server, { baseUrl: server.url }).client.accountAccess(signal()));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("TBANK_BASE_URL");
  });

  test("a slow answer is a timeout error", async () => {
    const server = await fake({}, [{ delayMs: 300 }]);
    const error = await expectPlatformError(clientFor(server, { timeoutMs: 50 }).client.accountAccess(signal()));
    expect(error.kind).toBe("timeout");
  });

  test("a GetAccounts body without an accounts list is a bad response", async () => {
    const server = await fake({}, [{ path: "GetAccounts", code: "0", status: 200, body: JSON.stringify({ acounts: [] }) }]);
    const error = await expectPlatformError(clientFor(server).client.accountAccess(signal()));
    expect(error.kind).toBe("bad-response");
  });

  test("a failed certificate check is told from the network error itself, and says to set TBANK_CA_FILE", async () => {
    const server = await fake();
    const tlsFailure = Object.assign(new Error("unable to get local issuer certificate"), { code: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" });
    const failing: FetchFn = async () => {
      throw tlsFailure;
    };
    const error = await expectPlatformError(clientFor(server, { fetch: failing }).client.accountAccess(signal()));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe(
      "T-Bank's TLS certificate could not be verified (unable to get local issuer certificate): if T-Bank changed its certificate chain, save its CA as PEM and set TBANK_CA_FILE",
    );
    // The chain down to what fetch threw stays inspectable.
    expect(error.cause).toBeInstanceOf(PlatformError);
    expect((error.cause as PlatformError).cause).toBe(tlsFailure);
  });

  test("another network error stays a plain outage, however its URL reads", async () => {
    const server = await fake();
    const failing: FetchFn = async () => {
      throw new TypeError("connection refused");
    };
    const error = await expectPlatformError(
      clientFor(server, { fetch: failing, baseUrl: "http://127.0.0.1:9/ssl-certificate/rest" }).client.accountAccess(signal()),
    );
    expect(error.kind).toBe("unavailable");
    expect(error.message).toStartWith(
      "T-Bank is unavailable (network error: connection refused from http://127.0.0.1:9/ssl-certificate/rest/",
    );
  });
});

describe("T-Bank logging", () => {
  test("each answer's x-tracking-id is logged at debug (support asks for it), never the token", async () => {
    const server = await fake({ accounts: [account("1", "1")] });
    const lines: string[] = [];
    const log = createLogger({ level: "debug", secrets: [], write: (line) => void lines.push(line), colour: false });
    await clientFor(server, { log }).client.fetchBalance(signal());
    expect(lines.filter((line) => /T-Bank answered .*trackingId.*[0-9a-f]{8}-[0-9a-f]{4}-/.test(line))).toHaveLength(2);
    expect(lines.join("\n")).not.toContain(TBANK_FAKE_TOKEN);
  });
});

describe("T-Bank key audit", () => {
  test("read-only on every account means read-only, with a note per account", async () => {
    const server = await fake();
    const audit = await clientFor(server).client.auditKey(signal());
    expect(audit.readOnly).toBe(true);
    expect(audit.permissions).toEqual(["read_only"]);
    expect(audit.notes).toContain("ИИС 2000000102 (open): read_only");
    expect(audit.notes).toContain("Старый счёт 2000000105 (closed): read_only");
  });

  test("full access on any account means the token can trade, and the note says what to do", async () => {
    const accounts = [account("1", "1"), account("2", "2", { accessLevel: "ACCOUNT_ACCESS_LEVEL_FULL_ACCESS", name: "Торговый" })];
    const server = await fake({ accounts });
    const audit = await clientFor(server).client.auditKey(signal());
    expect(audit.readOnly).toBe(false);
    expect(audit.permissions).toEqual(["full_access", "read_only"]);
    expect(audit.notes).toContain("the token can trade on Торговый 2: issue a read-only token and put it in TBANK_API_TOKEN");
  });

  test("unspecified access is not read-only; no open account at all fails the check with the reason", async () => {
    const unspecified = await fake({ accounts: [account("1", "1", { accessLevel: "ACCOUNT_ACCESS_LEVEL_UNSPECIFIED" })] });
    expect((await clientFor(unspecified).client.auditKey(signal())).readOnly).toBe(false);
    const closed = await fake({ accounts: [account("1", "1", { status: "ACCOUNT_STATUS_CLOSED" })] });
    const error = await expectPlatformError(clientFor(closed).client.auditKey(signal()));
    expect(error.message).toContain("no open account is visible to this token");
  });

  test("accounts a report would leave out are listed as not readable, never as fine", async () => {
    const accounts = [...realisticTbankAccounts(), investBoxAccount(), account("7", "5", { name: "Чужой", portfolioError: "40002" })];
    const server = await fake({ accounts });
    const client = clientFor(server).client;
    const audit = await client.auditKey(signal());
    const balance = await client.fetchBalance(signal());
    expect(balance.leftOut).toEqual(["T-Bank Инвесткопилка", "T-Bank Чужой"]);
    expect(audit.notes).toContain(
      "Инвесткопилка 2000000104 (open): read_only, NOT READABLE, left out of the total: T-Bank's API cannot read an Invest Box (it answered 40002)",
    );
    expect(audit.notes.find((note) => note.startsWith("Чужой 7 (open)"))).toMatch(
      /NOT READABLE, left out of the total: T-Bank denied .*40002/,
    );
    expect(audit.notes).toContain("Брокерский счёт 2000000101 (open): read_only");
    // Outside the portfolio: listed with their level, not as unreadable.
    expect(audit.notes).toContain("Старый счёт 2000000105 (closed): read_only");
    expect(audit.notes).toContain("Дебетовая карта 5000000106 (open): read_only");
  });

  test("accountAccess lists every account with its access level", async () => {
    const server = await fake({ accounts: [...realisticTbankAccounts(), investBoxAccount()] });
    const accounts = await clientFor(server).client.accountAccess(signal());
    expect(accounts.map((a) => [a.id, a.type, a.status, a.accessLevel])[5]).toEqual([
      "2000000104",
      "ACCOUNT_TYPE_INVEST_BOX",
      "ACCOUNT_STATUS_OPEN",
      "ACCOUNT_ACCESS_LEVEL_READ_ONLY",
    ]);
  });
});
