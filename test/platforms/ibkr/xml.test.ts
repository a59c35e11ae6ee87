import { describe, expect, test } from "bun:test";
import { toPlainString } from "../../../src/lib/money.ts";
import { type FlexBody, parseFlexDate, readFlexBody, readStatementNav } from "../../../src/platforms/ibkr/xml.ts";
import { PlatformError, UNREADABLE_AMOUNT } from "../../../src/platforms/types.ts";
import {
  buildFlexStatement,
  flexCsvStatement,
  flexStatusXml,
  flexTicketXml,
  proxyHtmlPage,
  realisticIbkrStatement,
  type StatementOptions,
} from "../../fakes/ibkr.ts";

function nav(options: StatementOptions | string): { rows: string[]; warnings: string[] } {
  const body = readFlexBody(typeof options === "string" ? options : buildFlexStatement(options));
  if (body.kind !== "statement") throw new Error(`expected a statement, got ${body.kind}`);
  const result = readStatementNav(body.response);
  return {
    rows: result.accounts.map((a) => `${a.accountId} ${a.currency} ${toPlainString(a.amount)} ${a.reportDate} ${a.source}`),
    warnings: result.warnings,
  };
}

function navError(options: StatementOptions | string): PlatformError {
  try {
    nav(options);
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error("expected a PlatformError");
}

const usd = (days: StatementOptions["accounts"][number]["days"]) => ({ accountId: "U1000001", currency: "USD", days });

describe("readFlexBody", () => {
  test("a SendRequest success gives the reference code and the trimmed <Url>", () => {
    const body = readFlexBody(
      flexTicketXml("9876543210", "https://gdcdyn.interactivebrokers.com/AccountManagement/FlexWebService/GetStatement"),
    );
    expect(body).toEqual({
      kind: "status",
      code: null,
      message: "",
      referenceCode: "9876543210",
      url: "https://gdcdyn.interactivebrokers.com/AccountManagement/FlexWebService/GetStatement",
    });
  });

  test("the error code decides, whatever <Status> says, and numbers stay exact", () => {
    const warn = readFlexBody(flexStatusXml(1019));
    const failed = readFlexBody(flexStatusXml(1019).replace("Warn", "Fail"));
    expect(warn).toMatchObject({ kind: "status", code: 1019, message: "Statement generation in progress. Please try again shortly." });
    expect(failed).toEqual(warn);
    expect(readFlexBody(flexTicketXml("0012", null))).toMatchObject({ referenceCode: "0012", url: null });
  });

  test("an XML prolog and entities in the message are handled", () => {
    const body = readFlexBody(`<?xml version="1.0" encoding="UTF-8"?>\n${flexStatusXml(1020, "Invalid &amp; unvalidated")}`);
    expect(body).toMatchObject({ kind: "status", code: 1020, message: "Invalid & unvalidated" });
  });

  test.each([
    ["html", proxyHtmlPage()],
    ["html", "<html><body>502</body></html>"],
    ["csv", flexCsvStatement()],
    ["empty", "  \n"],
    ["other", "Service Unavailable"],
    ["other", buildFlexStatement({ accounts: [usd([{ date: "2026-03-13", total: "1" }])] }).slice(0, 300)],
  ] as const)("a %s body is not taken for Flex XML", (format, text) => {
    expect(readFlexBody(text)).toEqual({ kind: "not-xml", format } satisfies FlexBody);
  });

  test("well-formed XML with another root is reported as such", () => {
    expect(readFlexBody("<Error><Code>7</Code></Error>")).toEqual({ kind: "unexpected-root", root: "Error" });
  });
});

describe("readStatementNav", () => {
  test("two accounts with USD and EUR bases give one value each, in their base currency", () => {
    const { xml, expected } = realisticIbkrStatement();
    expect(nav(xml).rows).toEqual(
      expected.map((e) => `${e.accountId} ${e.currency} ${e.amount} ${e.reportDate} EquitySummaryByReportDateInBase`),
    );
  });

  test("several days of one account give the latest day only, never a sum", () => {
    const days = [
      { date: "2026-03-11", total: "100.5" },
      { date: "2026-03-12", total: "200.25" },
      { date: "2026-03-13", total: "300.125" },
    ];
    const oneStatementPerDay = nav({ accounts: [usd(days)], statementPerDay: true });
    const oneStatement = nav({ accounts: [usd(days)] });
    expect(oneStatementPerDay.rows).toEqual(["U1000001 USD 300.125 2026-03-13 EquitySummaryByReportDateInBase"]);
    expect(oneStatement.rows).toEqual(oneStatementPerDay.rows);
  });

  test("the greatest report date wins, whatever the order of rows and statements", () => {
    const days = [
      { date: "2026-03-13", total: "300" },
      { date: "2026-02-28", total: "900" },
      { date: "2026-03-12", total: "200" },
    ];
    expect(nav({ accounts: [usd(days)], statementPerDay: true }).rows).toEqual([
      "U1000001 USD 300 2026-03-13 EquitySummaryByReportDateInBase",
    ]);
  });

  test("rows predating fromDate count (a LastBusinessDay query also returns the previous close)", () => {
    const account = {
      ...usd([
        { date: "2026-03-12", total: "10" },
        { date: "2026-03-13", total: "11" },
      ]),
      fromDate: "2026-03-13",
    };
    expect(nav({ accounts: [account] }).rows).toEqual(["U1000001 USD 11 2026-03-13 EquitySummaryByReportDateInBase"]);
    const onlyEarlier = { ...usd([{ date: "2026-03-12", total: "10" }]), fromDate: "2026-03-13" };
    expect(nav({ accounts: [onlyEarlier] }).rows).toEqual(["U1000001 USD 10 2026-03-12 EquitySummaryByReportDateInBase"]);
  });

  test("ISO dates (yyyy-MM-dd, whenGenerated with a zone) are read like yyyyMMdd", () => {
    const options: StatementOptions = {
      accounts: [
        usd([
          { date: "2026-03-12", total: "5" },
          { date: "2026-03-13", total: "6" },
        ]),
      ],
      dateFormat: "yyyy-MM-dd",
    };
    expect(buildFlexStatement(options)).toContain('whenGenerated="2026-03-14;06:02:11 EDT"');
    expect(nav(options).rows).toEqual(["U1000001 USD 6 2026-03-13 EquitySummaryByReportDateInBase"]);
  });

  test("an ambiguous date format asks for yyyyMMdd or yyyy-MM-dd", () => {
    const error = navError({ accounts: [usd([{ date: "2026-03-13", total: "6" }])], dateFormat: "MM/dd/yyyy" });
    expect(error.kind).toBe("config");
    expect(error.message).toContain("yyyyMMdd or yyyy-MM-dd");
    expect(error.message).toContain("03/13/2026");
  });

  test("the base currency comes from AccountInformation or from the row", () => {
    const rowOnly = nav({ accounts: [{ ...usd([{ date: "2026-03-13", total: "1" }]), currency: "CHF", currencyOn: "row" }] });
    const accountOnly = nav({ accounts: [{ ...usd([{ date: "2026-03-13", total: "1" }]), currency: "EUR", currencyOn: "account" }] });
    expect(rowOnly.rows[0]).toStartWith("U1000001 CHF 1 ");
    expect(accountOnly.rows[0]).toStartWith("U1000001 EUR 1 ");
  });

  test("no currency anywhere asks for the Currency field", () => {
    const xml = buildFlexStatement({
      accounts: [{ ...usd([{ date: "2026-03-13", total: "1" }]), currencyOn: "row" }],
      omitRowFields: ["currency"],
    });
    const error = navError(xml);
    expect(error.kind).toBe("config");
    expect(error.message).toContain("base currency of U•••0001");
    expect(error.message).toContain("Net Asset Value (NAV) in Base");
  });

  test("a statement without the NAV section names the section and fields to tick", () => {
    const error = navError({ accounts: [usd([{ date: "2026-03-13", total: "1" }])], navSection: false, changeInNav: false });
    expect(error.kind).toBe("config");
    expect(error.message).toContain("no NAV section");
    expect(error.message).toContain(
      '"Net Asset Value (NAV) in Base" (EquitySummaryByReportDateInBase) with the fields ReportDate, Total and Currency',
    );
    expect(error.message).toContain("IBKR_QUERY_ID");
  });

  test("without the NAV section, ChangeInNAV endingValue at its toDate is used, with a warning", () => {
    const result = nav({
      accounts: [
        usd([
          { date: "2026-03-12", total: "7" },
          { date: "2026-03-13", total: "8.5" },
        ]),
      ],
      navSection: false,
    });
    expect(result.rows).toEqual(["U1000001 USD 8.5 2026-03-13 ChangeInNAV"]);
    expect(result.warnings.join()).toContain("Net Asset Value (NAV) in Base");
  });

  test("an unticked Total field is named", () => {
    const error = navError({ accounts: [usd([{ date: "2026-03-13", total: "1" }])], omitRowFields: ["total"], changeInNav: false });
    expect(error.message).toContain("lack Total");
  });

  test("empty totals and non-date report dates are skipped, never read as zero", () => {
    const xml = buildFlexStatement({
      accounts: [
        usd([
          { date: "2026-03-12", total: "41.5" },
          { date: "2026-03-13", total: "" },
        ]),
      ],
    }).replace(
      "</EquitySummaryInBase>",
      `<EquitySummaryByReportDateInBase accountId="U1000001" currency="USD" reportDate="MULTI" total="999" />\n</EquitySummaryInBase>`,
    );
    expect(nav(xml).rows).toEqual(["U1000001 USD 41.5 2026-03-12 EquitySummaryByReportDateInBase"]);
  });

  test.each(["-", "--", "N/A"])("a %p total means no value: the row is skipped, never read as zero", (none) => {
    expect(
      nav({
        accounts: [
          usd([
            { date: "2026-03-12", total: "41.5" },
            { date: "2026-03-13", total: none },
          ]),
        ],
      }).rows,
    ).toEqual(["U1000001 USD 41.5 2026-03-12 EquitySummaryByReportDateInBase"]);
  });

  test.each(["NaN", "Infinity", "1,234.5", "abc"])(
    "an unreadable total %p fails IBKR, never skipped in favour of an older day",
    (garbage) => {
      const error = navError({
        accounts: [
          usd([
            { date: "2026-03-12", total: "41.5" },
            { date: "2026-03-13", total: garbage },
          ]),
        ],
      });
      expect([error.kind, error.code]).toEqual(["bad-response", UNREADABLE_AMOUNT]);
      expect(error.message).toContain(JSON.stringify(garbage));
    },
  );

  test("negative values and long fractions stay exact", () => {
    expect(nav({ accounts: [usd([{ date: "2026-03-13", total: "-1755658.753685009" }])] }).rows[0]).toStartWith(
      "U1000001 USD -1755658.753685009 ",
    );
  });

  test("a response without any FlexStatement is a bad response", () => {
    const error = navError(`<FlexQueryResponse queryName="x" type="AF"><FlexStatements count="0"></FlexStatements></FlexQueryResponse>`);
    expect(error.kind).toBe("bad-response");
  });
});

describe("parseFlexDate", () => {
  test.each([
    ["20260313", "2026-03-13"],
    ["2026-03-13", "2026-03-13"],
    ["20260314;060211", "2026-03-14"],
    ["2026-03-14;06:02:11 EDT", "2026-03-14"],
    ["2026-03-14, 06:02:11", "2026-03-14"],
    ["20260314 060211", "2026-03-14"],
    ["20260314060211", "2026-03-14"],
    ["MULTI", null],
    ["", null],
  ])("%p → %p", (text, expected) => {
    expect(parseFlexDate(text)).toBe(expected);
  });

  test.each(["03/13/2026", "13/03/2026", "13-Mar-26", "202603-13", "20260231"])("%p is refused with the format to choose", (text) => {
    expect(() => parseFlexDate(text)).toThrow("set Date Format to yyyyMMdd or yyyy-MM-dd");
  });
});
