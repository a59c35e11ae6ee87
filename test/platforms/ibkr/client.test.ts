import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { maskAccountId } from "../../../src/platforms/ibkr/account-id.ts";
import { IBKR_LAST_ANSWER_FILE } from "../../../src/platforms/ibkr/state.ts";
import {
  ALTERNATE_STATEMENT_PATH,
  buildFlexStatement,
  flexCsvStatement,
  flexStatusXml,
  proxyHtmlPage,
  realisticIbkrStatement,
} from "../../fakes/ibkr.ts";
import { freshSignal, QUERY_ID, START, TOKEN, USER_AGENT, useIbkrHarness } from "../../fakes/ibkr-harness.ts";

const h = useIbkrHarness();

describe("fetching a statement", () => {
  test("two accounts with USD and EUR bases give one holding each in its base currency, as of the report date", async () => {
    const balance = await h.client().fetchBalance(freshSignal());
    const expected = realisticIbkrStatement().expected;
    expect(h.summary(balance)).toEqual(expected.map((e) => `${e.accountId} ${e.currency} ${e.amount} ${e.reportDate}`));
    expect(balance).toMatchObject({ platform: "ibkr", asOf: "2026-03-13", assets: [], warnings: [] });
    // The report shows each account masked (issue #16): its letters and last 4 characters.
    expect(balance.holdings.map((x) => x.display)).toEqual(
      expected.map((e) => `${e.accountId.replace(/\d+$/, "")}•••${e.accountId.slice(-4)}`),
    );
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:statement"]);
    const [send, get] = h.fake.calls;
    expect(send?.query.get("t")).toBe(TOKEN);
    expect(send?.query.get("q")).toBe(QUERY_ID);
    expect(get?.query.get("q")).toBe("4815162342"); // the ReferenceCode SendRequest gave
    expect(h.fake.calls.every((c) => c.query.get("v") === "3" && c.userAgent === USER_AGENT)).toBe(true);
    expect(h.clock.sleeps[0]).toBeGreaterThanOrEqual(3_000); // IBKR needs a few seconds before the first poll
  });

  test("several daily statements of one account give its latest day, never their sum", async () => {
    const days = [
      { date: "2026-03-11", total: "1000" },
      { date: "2026-03-12", total: "1010.5" },
      { date: "2026-03-13", total: "1020.25" },
    ];
    h.fake.state.statement = buildFlexStatement({ accounts: [{ accountId: "U2000002", currency: "CHF", days }], statementPerDay: true });
    expect(h.summary(await h.client().fetchBalance(freshSignal()))).toEqual(["U2000002 CHF 1020.25 2026-03-13"]);
  });

  test("ISO dates are accepted", async () => {
    h.fake.state.statement = buildFlexStatement({
      accounts: [{ accountId: "U2000002", currency: "EUR", days: [{ date: "2026-03-13", total: "77.7" }] }],
      dateFormat: "yyyy-MM-dd",
    });
    expect(h.summary(await h.client().fetchBalance(freshSignal()))).toEqual(["U2000002 EUR 77.7 2026-03-13"]);
  });

  test("a statement without the NAV section fails with the section and fields to tick", async () => {
    h.fake.state.statement = buildFlexStatement({
      accounts: [{ accountId: "U2000002", currency: "EUR", days: [{ date: "2026-03-13", total: "1" }] }],
      navSection: false,
      changeInNav: false,
    });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("Net Asset Value (NAV) in Base");
    expect(error.message).toContain("ReportDate, Total and Currency");
  });

  test("1019 (in progress) is polled on a bounded schedule through the injected clock, then the statement is read", async () => {
    h.fake.state.inProgressPolls = 3;
    const balance = await h.client().fetchBalance(freshSignal());
    expect(balance.holdings).toHaveLength(2);
    expect(h.steps()).toEqual([
      "SendRequest:ticket",
      "GetStatement:1019",
      "GetStatement:1019",
      "GetStatement:1019",
      "GetStatement:statement",
    ]);
    const gaps = h.fake.calls.slice(1).map((c, i) => c.at - (h.fake.calls[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(5_000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(10_000);
  });

  test("1019 for ever gives up after about 90 s without ever exceeding the rate limit", async () => {
    h.fake.state.inProgressPolls = 1_000;
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("no statement ready after 90 s");
    expect(error.code).toBe(1019);
    const last = h.fake.calls.at(-1)?.at ?? 0;
    expect(last - START).toBeLessThanOrEqual(90_000);
    expect(h.fake.calls.length).toBeLessThanOrEqual(12);
    expect(h.steps()).toHaveLength(11); // SendRequest at 0 s, then polls at 5, 10, 20 … 90 s
  });

  test.each([
    [1012, "auth", "IBKR_FLEX_TOKEN", "expired"],
    [1015, "auth", "IBKR_FLEX_TOKEN", "invalid"],
    [1013, "permission", "IBKR_FLEX_TOKEN", "IP address"],
    [1011, "permission", "IBKR_FLEX_TOKEN", "not active"],
    [1014, "config", "IBKR_QUERY_ID", "query id"],
    [1010, "config", "IBKR_QUERY_ID", "legacy"],
    [1016, "config", "IBKR_QUERY_ID", "account is invalid"],
    [1020, "config", "IBKR_QUERY_ID", "validate"],
  ] as const)("SendRequest error %i fails at once (%s) naming %s", async (code, kind, variable, words) => {
    h.fake.faults.add({ path: "SendRequest", code: code });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error).toMatchObject({ kind, code });
    expect(error.message).toContain(variable);
    expect(error.message).toContain(words);
    expect(h.steps()).toEqual([`SendRequest:${code}`]);
  });

  test("a wrong token is caught by the fake itself (1015), like IBKR does", async () => {
    h.fake.state.token = "000000000000000000000000";
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error).toMatchObject({ kind: "auth", code: 1015 });
  });

  test("transient SendRequest codes (1001) are asked again, spaced, until a ticket comes", async () => {
    h.fake.faults.add({ path: "SendRequest", code: 1001, times: 2 });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(balance.holdings).toHaveLength(2);
    expect(h.steps()).toEqual(["SendRequest:1001", "SendRequest:1001", "SendRequest:ticket", "GetStatement:statement"]);
    expect((h.fake.calls[1]?.at ?? 0) - (h.fake.calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(5_000);
  });

  test("an HTTP 503 while polling is retried through the same paced schedule", async () => {
    h.fake.faults.add({ path: "GetStatement", status: 503, times: 1 });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(balance.holdings).toHaveLength(2);
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:503", "GetStatement:statement"]);
  });

  test("an aborted caller stops the polling", async () => {
    h.fake.state.inProgressPolls = 1_000;
    const controller = new AbortController();
    const ibkr = h.client({
      cacheMinutes: 0,
      sleep: async (ms) => {
        await h.sleep(ms);
        if (h.clock.sleeps.length === 3) controller.abort();
      },
    });
    const error = await h.failure(ibkr.fetchBalance(controller.signal));
    expect(error.kind).toBe("timeout");
    expect(h.fake.calls.length).toBeLessThanOrEqual(3);
  });

  test("an invalid reference code (1017) restarts from SendRequest once, then fails", async () => {
    h.fake.faults.add({ path: "GetStatement", code: 1017 });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.code).toBe(1017);
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:1017", "SendRequest:ticket", "GetStatement:1017"]);
  });

  test("the <Url> SendRequest returns is followed; a missing or foreign one falls back to GetStatement", async () => {
    h.fake.state.statementUrl = "alternate-path";
    await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal());
    expect(h.fake.calls[1]?.path).toBe(ALTERNATE_STATEMENT_PATH);
    for (const where of ["omit", "foreign"] as const) {
      h.fake.state.statementUrl = where;
      h.fake.calls.length = 0;
      await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal());
      expect(h.fake.calls[1]?.path).toBe("/AccountManagement/FlexWebService/GetStatement");
    }
    expect(h.logLines.some((line) => line.includes("unexpected statement Url") && line.includes("flex.example.net/GetStatement"))).toBe(
      true,
    );
  });

  test("a CSV statement asks for XML output, without retrying", async () => {
    h.fake.state.statement = flexCsvStatement();
    h.fake.state.statementContentType = "text/plain";
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("CSV");
    expect(error.message).toContain("Format to XML");
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:statement"]);
  });

  test("an HTML page is a transport error, retried a bounded number of times", async () => {
    h.fake.state.statement = proxyHtmlPage();
    h.fake.state.statementContentType = "text/html";
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("unavailable");
    expect(error.message).toContain("HTML page");
    expect(error.message).toContain("Format is XML");
    expect(h.steps().filter((s) => s.startsWith("GetStatement"))).toHaveLength(3);
  });

  test("text IBKR echoes back is quoted without the token", async () => {
    h.fake.state.statement = flexStatusXml(1099, `Unknown request t=${TOKEN}`);
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.message).toContain("1099");
    expect(error.message).toContain("t=***");
  });
});

describe("auditKey", () => {
  test("one SendRequest shows the token works; Flex tokens are read-only", async () => {
    const audit = await h.client().auditKey(freshSignal());
    expect(audit).toMatchObject({ readOnly: true, permissions: ["flex-read"] });
    expect(audit.notes.join(" ")).toContain("accepted");
    expect(h.steps()).toEqual(["SendRequest:ticket"]);
  });

  test("during a 1018 penalty --check reports IBKR's last answer: an expired token (1012) fails, unasked", async () => {
    h.fake.faults.add({ path: "SendRequest", code: 1012 });
    expect((await h.failure(h.client().fetchBalance(freshSignal()))).code).toBe(1012);
    h.fake.faults.clear();
    h.fake.faults.add({ path: "SendRequest", code: 1018 });
    h.clock.advance(60_000);
    expect((await h.failure(h.client().fetchBalance(freshSignal()))).code).toBe(1018);
    const callsBefore = h.fake.calls.length;
    for (const ibkr of [h.client(), h.client()]) {
      const error = await h.failure(ibkr.auditKey(freshSignal()));
      expect(error).toMatchObject({ kind: "auth", code: 1012 });
      expect(error.message).toStartWith("not checked: IBKR asked us to wait until 2026-03-14 06:16 UTC");
      expect(error.message).toContain("the last answer, at 2026-03-14 06:00 UTC, was an error: The IBKR Flex token has expired (1012)");
    }
    expect(h.fake.calls).toHaveLength(callsBefore);
    const saved = readFileSync(join(h.stateDir, IBKR_LAST_ANSWER_FILE), "utf8");
    expect(JSON.parse(saved)).toMatchObject({ ok: false, kind: "auth", code: 1012 });
    expect(saved).not.toContain(TOKEN);
  });

  test("during a 1018 penalty a token whose last answer was good passes, saying it was not checked now", async () => {
    await h.client().fetchBalance(freshSignal());
    h.fake.faults.add({ path: "SendRequest", code: 1018 });
    h.clock.advance(60 * 60_000);
    await h.failure(h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal()));
    const audit = await h.client().auditKey(freshSignal());
    expect(audit.readOnly).toBe(true);
    expect(audit.notes.at(-1)).toBe(
      "not checked: IBKR asked us to wait until 2026-03-14 07:15 UTC (rate limit 1018; asking now would extend it); the last answer, at 2026-03-14 06:00 UTC, was good: statement of 2026-03-13 read",
    );
  });

  test("an expired token fails the audit with what to do", async () => {
    h.fake.faults.add({ path: "SendRequest", code: 1012 });
    const error = await h.failure(h.client().auditKey(freshSignal()));
    expect(error).toMatchObject({ kind: "auth", code: 1012 });
    expect(error.message).toContain("IBKR_FLEX_TOKEN");
  });
});

test("an account id is masked to its letters and last 4 characters; a short one is shown whole", () => {
  expect(["U1234567", "DU7654321", "F12345", "U1234", "12345678"].map(maskAccountId)).toEqual([
    "U•••4567",
    "DU•••4321",
    "F•••2345",
    "U1234",
    "•••5678",
  ]);
});
