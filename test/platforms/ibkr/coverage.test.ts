// What an IBKR figure covers (issue #14 cases 8-10): a base currency the Bank of Russia does not list is converted
// with the statement's own ConversionRates (or fails naming the section), a retired statement <Url> is not polled
// until the deadline, and a statement older than a few business days is partial, saying how to fix the query.
import { describe, expect, test } from "bun:test";
import { toPlainString } from "../../../src/lib/money.ts";
import { businessDaysBetween, calendarDaysBetween } from "../../../src/platforms/ibkr/age.ts";
import type { FetchFn } from "../../../src/platforms/types.ts";
import { buildFlexStatement, RETIRED_STATEMENT_PATH, RETIRED_STATEMENT_URL, realisticIbkrStatement } from "../../fakes/ibkr.ts";
import { freshSignal, TOKEN, USER_AGENT, useIbkrHarness } from "../../fakes/ibkr-harness.ts";
import type { FakeAccount } from "../../fakes/ibkr-statements.ts";

const h = useIbkrHarness();

/** A CNH-base account closing at 723,450 CNH on Friday 13 March 2026, when IBKR's USD.CNH was 7.2345. */
function cnhAccount(extra: Partial<FakeAccount> = {}): FakeAccount {
  return {
    accountId: "U3000003",
    currency: "CNH",
    days: [
      { date: "2026-03-12", total: "719001.2" },
      { date: "2026-03-13", total: "723450" },
    ],
    conversionRates: [
      { date: "2026-03-12", from: "USD", to: "CNH", rate: "7.2101" },
      { date: "2026-03-13", from: "USD", to: "CNH", rate: "7.2345" },
      { date: "2026-03-13", from: "EUR", to: "CNH", rate: "7.9012" },
    ],
    ...extra,
  };
}

describe("a base currency the Bank of Russia does not list", () => {
  test("CNH is valued in USD with the statement's own rate of the report date, and the rate used is named", async () => {
    h.fake.state.statement = buildFlexStatement({ accounts: [cnhAccount()] });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(h.summary(balance)).toEqual(["U3000003 USD 100000 2026-03-13"]);
    const rate = balance.holdings[0]?.rate;
    expect(rate && { ...rate, usdPerUnit: toPlainString(rate.usdPerUnit), original: toPlainString(rate.original.amount) }).toEqual({
      original: "723450",
      usdPerUnit: "0.138226553321",
      source: "IBKR ConversionRates",
      date: "2026-03-13",
    });
    expect(rate?.original.currency).toBe("CNH");
    expect(balance.leftOut).toEqual([]);
    expect(balance.source).toBe("flex statement (EquitySummaryByReportDateInBase; CNH→USD at IBKR's rate of 2026-03-13)");
    const logged = h.logLines.find((line) => line.includes("valued in USD at IBKR's own rate"));
    expect(logged).toContain("currency=CNH");
    expect(logged).toContain("rateDate=2026-03-13");
    expect(logged).toContain('source="IBKR ConversionRates"');
  });

  test("a rate quoted base→USD is multiplied; without one on the report date, the latest before it is used and dated", async () => {
    const ils: FakeAccount = {
      accountId: "U3000004",
      currency: "ILS",
      days: [{ date: "2026-03-13", total: "512000.40" }],
      conversionRates: [
        { date: "2026-03-11", from: "ILS", to: "USD", rate: "0.27302" },
        { date: "2026-03-12", from: "ILS", to: "USD", rate: "0.27431" },
        // After the NAV's date: never used for it.
        { date: "2026-03-16", from: "ILS", to: "USD", rate: "0.29999" },
      ],
    };
    h.fake.state.statement = buildFlexStatement({ accounts: [ils] });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(h.summary(balance)).toEqual(["U3000004 USD 140446.829724 2026-03-13"]);
    expect(balance.holdings[0]?.rate?.date).toBe("2026-03-12");
    expect(toPlainString(balance.holdings[0]?.rate?.usdPerUnit ?? { coef: 0n, scale: 0 })).toBe("0.27431");
  });

  test("without the Conversion Rates section, IBKR fails with the exact section and fields to add", async () => {
    h.fake.state.statement = buildFlexStatement({ accounts: [cnhAccount({ currency: "MXN", conversionRates: undefined })] });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("config");
    expect(error.message).toBe(
      'IBKR U•••0003 is valued in MXN, for which the Bank of Russia publishes no rate, and the statement has no Conversion Rates section: tick the section "Conversion Rates" (ConversionRate) with the fields ReportDate, FromCurrency, ToCurrency and Rate in the Flex query (IBKR_QUERY_ID), so pfbot can use IBKR\'s own rate',
    );
  });

  test("a Conversion Rates section without the base's USD rate fails the same way, saying what is missing", async () => {
    h.fake.state.statement = buildFlexStatement({
      accounts: [cnhAccount({ conversionRates: [{ date: "2026-03-13", from: "EUR", to: "CNH", rate: "7.9012" }] })],
    });
    const error = await h.failure(h.client().fetchBalance(freshSignal()));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("its Conversion Rates hold no CNH/USD rate on or before 2026-03-13");
    h.fake.state.statement = buildFlexStatement({ accounts: [cnhAccount({ conversionRates: [] })] });
    expect((await h.failure(h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal()))).message).toContain("hold no CNH/USD rate");
  });

  test("an unreadable or non-positive rate is a corrupt statement, never skipped for an older one", async () => {
    for (const rate of ["NaN", "0", "-7.2"]) {
      const rates = [
        { date: "2026-03-12", from: "USD", to: "CNH", rate: "7.2101" },
        { date: "2026-03-13", from: "USD", to: "CNH", rate },
      ];
      h.fake.state.statement = buildFlexStatement({ accounts: [cnhAccount({ conversionRates: rates })] });
      const error = await h.failure(h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal()));
      expect(error.kind).toBe("bad-response");
      expect(error.message).toContain(`unreadable USD→CNH conversion rate ("${rate}") for 2026-03-13`);
      h.clock.advance(60_000);
    }
  });

  test("a base the Bank of Russia lists stays in its currency for the report's one rate, even with ConversionRates", async () => {
    const [usd, eur] = realisticIbkrStatement().accounts as [FakeAccount, FakeAccount];
    const withRates = { ...eur, conversionRates: [{ date: "2026-03-13", from: "USD", to: "EUR", rate: "0.9211" }] };
    h.fake.state.statement = buildFlexStatement({ accounts: [usd, withRates] });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(h.summary(balance)).toEqual(["U7654321 USD 251002.480000912 2026-03-13", "U7654322 EUR 61940.066 2026-03-13"]);
    expect(balance.holdings.every((holding) => holding.rate === undefined)).toBe(true);
  });

  test("the rate survives the statement cache: a second run within IBKR_CACHE_MINUTES shows the same figure and rate", async () => {
    h.fake.state.statement = buildFlexStatement({ accounts: [cnhAccount()] });
    const first = await h.client().fetchBalance(freshSignal());
    const second = await h.client().fetchBalance(freshSignal());
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:statement"]);
    expect(second.source).toStartWith("flex cache of");
    expect(second.source).toContain("CNH→USD at IBKR's rate of 2026-03-13");
    expect(h.summary(second)).toEqual(h.summary(first));
    expect(second.holdings[0]?.rate?.date).toBe("2026-03-13");
  });
});

describe("a retired statement <Url>", () => {
  test("the fake's retired servlet answers 1001 to everything, a good token and reference code too, as IBKR's does", async () => {
    const query = new URLSearchParams({ t: TOKEN, q: "4815162342", v: "3" });
    const response = await fetch(`${h.fake.server.url}${RETIRED_STATEMENT_PATH}?${query}`, { headers: { "User-Agent": USER_AGENT } });
    expect(await response.text()).toContain("<ErrorCode>1001</ErrorCode>");
  });

  test("on the configured host, it is never polled: GetStatement of the current service is asked instead", async () => {
    h.fake.state.statementUrl = "retired";
    const balance = await h.client().fetchBalance(freshSignal());
    expect(h.summary(balance)).toHaveLength(2);
    expect(h.steps()).toEqual(["SendRequest:ticket", "GetStatement:statement"]);
    expect(h.fake.calls.map((call) => call.path)).not.toContain(RETIRED_STATEMENT_PATH);
    expect(h.logLines.some((line) => line.includes("retired statement Url"))).toBe(true);
  });

  test("on IBKR's own host, the current GetStatement on the configured host is asked, not the internet", async () => {
    h.fake.state.statementUrl = "retired-ibkr";
    const asked: string[] = [];
    const localOnly: FetchFn = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      asked.push(url.origin + url.pathname);
      if (url.hostname !== "127.0.0.1") throw new TypeError(`test: no real network (${url.hostname})`);
      return fetch(input, init);
    };
    const balance = await h.client({ fetch: localOnly }).fetchBalance(freshSignal());
    expect(h.summary(balance)).toHaveLength(2);
    expect(asked).not.toContain(RETIRED_STATEMENT_URL);
    expect(asked.at(-1)).toBe(`${h.fake.baseUrl}/GetStatement`);
  });
});

describe("an old statement", () => {
  const statementEnding = (lastDay: string) => buildFlexStatement({ accounts: realisticIbkrStatement(lastDay).accounts });

  test("a statement from a fixed past period is partial, saying how old it is and what to set", async () => {
    h.fake.state.statement = statementEnding("2026-02-27");
    const balance = await h.client().fetchBalance(freshSignal());
    // Still valued and dated: the figure is there, but it is not the account now.
    expect(h.summary(balance)).toEqual(["U7654321 USD 251002.480000912 2026-02-27", "U7654322 EUR 61940.066 2026-02-27"]);
    expect(balance.asOf).toBe("2026-02-27");
    expect(balance.leftOut).toEqual(["IBKR statement is 15 days old: set the Flex query's period to Last Business Day"]);
  });

  test.each([
    ["2026-03-13", "Friday's close on Saturday", []],
    ["2026-03-09", "4 business days old", []],
    ["2026-03-06", "5 business days old", ["IBKR statement is 8 days old: set the Flex query's period to Last Business Day"]],
  ])("a statement ending %s (%s) on Saturday 14 March", async (lastDay, _what, leftOut) => {
    h.fake.state.statement = statementEnding(lastDay);
    expect((await h.client().fetchBalance(freshSignal())).leftOut).toEqual(leftOut);
  });

  test("the age is counted on the user's calendar day (TIMEZONE), not the server's", async () => {
    h.fake.state.statement = statementEnding("2026-03-09");
    // Sunday 22:30 UTC is already Monday morning in Tokyo: one more business day has passed there.
    h.clock.set("2026-03-15T22:30:00Z");
    expect((await h.client({ cacheMinutes: 0 }).fetchBalance(freshSignal())).leftOut).toEqual([]);
    h.clock.advance(60_000);
    expect((await h.client({ cacheMinutes: 0, timeZone: "Asia/Tokyo" }).fetchBalance(freshSignal())).leftOut).toEqual([
      "IBKR statement is 7 days old: set the Flex query's period to Last Business Day",
    ]);
  });

  test("when only one account's statement is old, that account is named, masked as the report shows it", async () => {
    const [usd, eur] = realisticIbkrStatement().accounts as [FakeAccount, FakeAccount];
    const stale = { ...eur, days: eur.days.map((day) => ({ ...day, date: day.date.replace("2026-03-1", "2026-02-1") })) };
    h.fake.state.statement = buildFlexStatement({ accounts: [usd, stale] });
    const balance = await h.client().fetchBalance(freshSignal());
    expect(balance.leftOut).toEqual(["IBKR statement of U•••4322 is 29 days old: set the Flex query's period to Last Business Day"]);
  });

  test("a cached statement is judged on today's date too", async () => {
    h.fake.state.statement = statementEnding("2026-03-13");
    expect((await h.client().fetchBalance(freshSignal())).leftOut).toEqual([]);
    // Six days later the cache is still younger than its 7-day limit, but its close is a week old.
    h.clock.advance(6 * 24 * 60 * 60_000);
    h.fake.faults.add({ path: "SendRequest", status: 503 });
    const later = await h.client().fetchBalance(freshSignal());
    expect(later.source).toStartWith("flex cache of");
    expect(later.leftOut).toEqual(["IBKR statement is 7 days old: set the Flex query's period to Last Business Day"]);
  });
});

describe("business days", () => {
  test.each([
    ["2026-03-13", "2026-03-13", 0, 0],
    ["2026-03-13", "2026-03-14", 0, 1],
    ["2026-03-13", "2026-03-16", 1, 3],
    ["2026-03-09", "2026-03-13", 4, 4],
    ["2026-02-27", "2026-03-14", 10, 15],
    ["2025-12-31", "2026-01-02", 2, 2],
  ])("from %s to %s: %i business days, %i calendar days", (from, to, business, calendar) => {
    expect(businessDaysBetween(from, to)).toBe(business);
    expect(calendarDaysBetween(from, to)).toBe(calendar);
  });
});
