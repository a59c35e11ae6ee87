// Flex statement bodies for the fake IBKR service, in the shapes real Activity Flex statements have
// (brokers.md §2.4): one <FlexStatement> per account (or per account and day), AccountInformation with the
// base currency, "Net Asset Value (NAV) in Base" rows per report date, ChangeInNAV, and unrelated sections
// the reader must ignore. The numbers are this project's own.

interface FakeDay {
  /** YYYY-MM-DD; written in the statement's date format. */
  readonly date: string;
  readonly total: string;
  readonly cash?: string;
}

export interface FakeAccount {
  readonly accountId: string;
  /** Base currency. */
  readonly currency: string;
  readonly days: readonly FakeDay[];
  /** Where the base currency is written: AccountInformation, the NAV rows, or both (default). */
  readonly currencyOn?: "account" | "row" | "both";
  /** The statement's fromDate; defaults to the first day (a LastBusinessDay query has rows before it). */
  readonly fromDate?: string;
}

export interface StatementOptions {
  readonly accounts: readonly FakeAccount[];
  readonly dateFormat?: "yyyyMMdd" | "yyyy-MM-dd" | "MM/dd/yyyy";
  /** Include EquitySummaryInBase (the NAV section); default true. */
  readonly navSection?: boolean;
  /** Include ChangeInNAV; default true. */
  readonly changeInNav?: boolean;
  /** One <FlexStatement> per account and day, as "last N days" queries return (default: one per account). */
  readonly statementPerDay?: boolean;
  /** Fields left unticked in the NAV section (e.g. ["total"]). */
  readonly omitRowFields?: readonly string[];
}

export function buildFlexStatement(options: StatementOptions): string {
  const format = (date: string): string => formatDate(date, options.dateFormat ?? "yyyyMMdd");
  const statements: string[] = [];
  for (const account of options.accounts) {
    const groups = options.statementPerDay ? account.days.map((day) => [day]) : [account.days];
    for (const days of groups) statements.push(statementXml(account, days, options, format));
  }
  const generated = options.dateFormat === "yyyy-MM-dd" ? "2026-03-14;06:02:11 EDT" : `${format("2026-03-14")};060211`;
  return (
    `<FlexQueryResponse queryName="pfbot NAV" type="AF">\n<FlexStatements count="${statements.length}">\n` +
    statements.join("").replaceAll("{generated}", generated) +
    `</FlexStatements>\n</FlexQueryResponse>\n`
  );
}

/** Two accounts, USD and EUR bases, three closes each (the latest to be used), negative cash and a margin loan. */
export function realisticIbkrStatement(): {
  xml: string;
  accounts: readonly FakeAccount[];
  expected: readonly { accountId: string; currency: string; amount: string; reportDate: string }[];
} {
  const accounts: FakeAccount[] = [
    {
      accountId: "U7654321",
      currency: "USD",
      days: [
        { date: "2026-03-11", total: "248113.902518877", cash: "-18250.4471" },
        { date: "2026-03-12", total: "249870.115000031", cash: "-18250.4471" },
        { date: "2026-03-13", total: "251002.480000912", cash: "-17904.003311" },
      ],
    },
    {
      accountId: "U7654322",
      currency: "EUR",
      currencyOn: "account",
      days: [
        { date: "2026-03-11", total: "61877.12", cash: "1502.5" },
        { date: "2026-03-12", total: "62011.37", cash: "1502.5" },
        { date: "2026-03-13", total: "61940.066", cash: "1502.5" },
      ],
    },
  ];
  return {
    xml: buildFlexStatement({ accounts }),
    accounts,
    expected: [
      { accountId: "U7654321", currency: "USD", amount: "251002.480000912", reportDate: "2026-03-13" },
      { accountId: "U7654322", currency: "EUR", amount: "61940.066", reportDate: "2026-03-13" },
    ],
  };
}

/** What IBKR sends when the query's Format is CSV (header row of an Activity Flex CSV). */
export function flexCsvStatement(): string {
  return (
    `"ClientAccountID","AccountAlias","Model","CurrencyPrimary","ReportDate","Cash","Stock","Total"\n` +
    `"U7654321","","","USD","20260313","-17904.003311","268906.483312","251002.480000912"\n`
  );
}

/** A proxy or maintenance page, as a CDN in front of the Flex service may return with HTTP 200. */
export function proxyHtmlPage(): string {
  return `<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n<body><h1>We'll be back shortly</h1><p>Client Portal is under maintenance.</p></body></html>\n`;
}

function statementXml(account: FakeAccount, days: readonly FakeDay[], options: StatementOptions, format: (date: string) => string): string {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) throw new Error(`fake account ${account.accountId} has no days`);
  const onAccount = (account.currencyOn ?? "both") !== "row";
  const onRow = (account.currencyOn ?? "both") !== "account";
  const from = format(account.fromDate ?? first.date);
  let xml =
    `<FlexStatement accountId="${account.accountId}" fromDate="${from}" toDate="${format(last.date)}" period="LastNCalendarDays" whenGenerated="{generated}">\n` +
    `<AccountInformation accountId="${account.accountId}" acctAlias="" model=""${onAccount ? ` currency="${account.currency}"` : ""} name="Jane Q. Holder" accountType="Individual" customerType="Individual" accountCapabilities="Margin" />\n`;
  if (options.navSection ?? true) {
    xml += "<EquitySummaryInBase>\n";
    for (const day of days) {
      const fields: [string, string][] = [
        ["accountId", account.accountId],
        ["acctAlias", ""],
        ["model", ""],
        ...(onRow ? ([["currency", account.currency]] as [string, string][]) : []),
        ["reportDate", format(day.date)],
        ["cash", day.cash ?? "0"],
        ["bonds", "0"],
        ["interestAccruals", "-12.5"],
        ["total", day.total],
      ];
      const attrs = fields.filter(([name]) => !(options.omitRowFields ?? []).includes(name)).map(([name, value]) => `${name}="${value}"`);
      xml += `<EquitySummaryByReportDateInBase ${attrs.join(" ")} />\n`;
    }
    xml += "</EquitySummaryInBase>\n";
  }
  if (options.changeInNav ?? true) {
    xml += `<ChangeInNAV accountId="${account.accountId}" acctAlias="" model="" fromDate="${from}" toDate="${format(last.date)}" startingValue="${first.total}" mtm="0" depositsWithdrawals="0" endingValue="${last.total}" twr="0.0123" />\n`;
  }
  xml +=
    `<OpenPositions>\n<OpenPosition accountId="${account.accountId}" currency="USD" assetCategory="STK" symbol="JNJ" description="JOHNSON &amp; JOHNSON" reportDate="${format(last.date)}" position="40" markPrice="155.2" positionValue="6208" />\n</OpenPositions>\n` +
    `<CashReport>\n<CashReportCurrency accountId="${account.accountId}" currency="BASE_SUMMARY" levelOfDetail="BaseCurrency" fromDate="${from}" toDate="MULTI" endingCash="${last.cash ?? "0"}" />\n</CashReport>\n` +
    `</FlexStatement>\n`;
  return xml;
}

function formatDate(iso: string, format: NonNullable<StatementOptions["dateFormat"]>): string {
  const [year, month, day] = iso.split("-");
  if (format === "yyyy-MM-dd") return iso;
  if (format === "MM/dd/yyyy") return `${month}/${day}/${year}`;
  return `${year}${month}${day}`;
}
