// Pure reading of IBKR Flex Web Service bodies (brokers.md §2.2, §2.4): tells a status answer from a
// statement from something that is not Flex XML at all, and reads each account's net asset value.
// No I/O here; the client in ibkr.ts decides what to do with each kind of answer.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isRecord } from "../../lib/guards.ts";
import { cmp, type Decimal, parseDecimal, ZERO } from "../../lib/money.ts";
import { clip } from "../../lib/redact.ts";
import { PlatformError, UNREADABLE_AMOUNT } from "../types.ts";
import { maskAccountId } from "./account-id.ts";

/** What one Flex answer is, decided by its root element (never by `<Status>`, whose Warn/Fail varies per code). */
export type FlexBody =
  | {
      readonly kind: "status";
      /** `<ErrorCode>`, or null on success. */
      readonly code: number | null;
      readonly message: string;
      readonly referenceCode: string | null;
      /** `<Url>`, trimmed (real answers wrap it in newlines). */
      readonly url: string | null;
    }
  | { readonly kind: "statement"; readonly response: XmlNode }
  | { readonly kind: "not-xml"; readonly format: "csv" | "html" | "empty" | "other" }
  | { readonly kind: "unexpected-root"; readonly root: string };

/** One account's value as the statement gives it: in the account's base currency, as of a close. */
export interface AccountNav {
  readonly accountId: string;
  /** Base currency, e.g. "USD", "EUR", "CHF". */
  readonly currency: string;
  readonly amount: Decimal;
  /** YYYY-MM-DD. */
  readonly reportDate: string;
  readonly source: "EquitySummaryByReportDateInBase" | "ChangeInNAV";
  /** IBKR's own rate between the base and USD, read only for a base the caller asked for (see readStatementNav). */
  readonly usdRate?: FlexUsdRate;
}

/** One ConversionRate of the statement (brokers.md §2.4): `rate` units of `to` for one unit of `from`, at a close. */
export interface FlexUsdRate {
  readonly from: string;
  readonly to: string;
  readonly rate: Decimal;
  /** YYYY-MM-DD. */
  readonly date: string;
}

export type XmlNode = { readonly [key: string]: unknown };

/** Where the user fixes the NAV section; named in every "tick this field" error. */
const NAV_SECTION_HINT =
  'tick the section "Net Asset Value (NAV) in Base" (EquitySummaryByReportDateInBase) with the fields ReportDate, Total and Currency in the Flex query (IBKR_QUERY_ID), and Currency in "Account Information"';

/** The section that carries IBKR's own exchange rates, named as the Flex query's editor shows it. */
const RATES_SECTION_HINT =
  'tick the section "Conversion Rates" (ConversionRate) with the fields ReportDate, FromCurrency, ToCurrency and Rate in the Flex query (IBKR_QUERY_ID)';

const DATE_FORMAT_HINT = "set Date Format to yyyyMMdd or yyyy-MM-dd in the Flex query's General Configuration (IBKR_QUERY_ID)";

// Repeated elements must always be arrays, or one account gives an object and two give an array (stack.md §9).
const REPEATED = new Set(["FlexStatement", "EquitySummaryByReportDateInBase", "ChangeInNAV", "AccountInformation", "ConversionRate"]);

// Numbers stay strings (parseTagValue/parseAttributeValue false): "00123" and "20250101" must not become numbers.
// Entities are not expanded at all (stack.md §9, CVE-2026-26278): no field we read needs them.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && REPEATED.has(name),
});

/** Classifies a Flex answer. Never throws: malformed text is "not-xml", for the caller to treat as a transport error. */
export function readFlexBody(text: string): FlexBody {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") return { kind: "not-xml", format: "empty" };
  if (/^<!doctype\s+html|^<html[\s>]/i.test(body)) return { kind: "not-xml", format: "html" };
  if (!body.startsWith("<")) return { kind: "not-xml", format: looksLikeCsv(body) ? "csv" : "other" };
  // The validator catches truncated bodies, which the lenient parser would read as a statement missing accounts.
  if (XMLValidator.validate(body) !== true) return { kind: "not-xml", format: "other" };
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch {
    return { kind: "not-xml", format: "other" };
  }
  const document = isNode(parsed) ? parsed : {};
  const root = Object.keys(document).find((key) => !key.startsWith("?") && !key.startsWith("#")) ?? "";
  const node = document[root];
  if (root === "FlexQueryResponse" && isNode(node)) return { kind: "statement", response: node };
  if (root === "FlexStatementResponse") {
    const status = isNode(node) ? node : {};
    const codeText = textOf(status.ErrorCode);
    const code = codeText !== null && /^\d+$/.test(codeText) ? Number(codeText) : null;
    return {
      kind: "status",
      code,
      message: decodeEntities(textOf(status.ErrorMessage) ?? ""),
      referenceCode: textOf(status.ReferenceCode),
      url: textOf(status.Url),
    };
  }
  if (root.toLowerCase() === "html") return { kind: "not-xml", format: "html" };
  return { kind: "unexpected-root", root };
}

/**
 * Each account's value (brokers.md §2.4): the `total` of the EquitySummaryByReportDateInBase row with the
 * greatest reportDate over all of that account's statements (a query may return one statement per day, and
 * rows may predate fromDate), else ChangeInNAV@endingValue at its toDate. Days are never added up.
 * For a base currency `needsUsdRate` names, the account also gets IBKR's base↔USD rate from ConversionRates at its
 * report date (or the latest before it); without one, the statement cannot be valued and that is a config error.
 */
export function readStatementNav(
  response: XmlNode,
  needsUsdRate: (currency: string) => boolean = () => false,
): { accounts: AccountNav[]; warnings: string[] } {
  const statements = nodes(child(response, "FlexStatements"), "FlexStatement");
  if (statements.length === 0) {
    throw new PlatformError(
      "ibkr",
      "bad-response",
      "The IBKR Flex statement holds no account (no <FlexStatement>): check that the Flex query IBKR_QUERY_ID includes your accounts",
    );
  }
  const byAccount = new Map<string, AccountRows>();
  const missingFields = new Set<string>();
  for (const statement of statements) {
    const info = nodes(statement, "AccountInformation")[0];
    const rows = nodes(child(statement, "EquitySummaryInBase"), "EquitySummaryByReportDateInBase");
    const changes = nodes(statement, "ChangeInNAV");
    const accountId = attr(statement, "accountId") ?? attr(info, "accountId") ?? attr(rows[0], "accountId");
    if (accountId === null) {
      throw new PlatformError(
        "ibkr",
        "bad-response",
        "An IBKR Flex statement has no accountId: tick Account ID in the Flex query (IBKR_QUERY_ID)",
      );
    }
    const entry = byAccount.get(accountId) ?? { summary: [], changes: [], currency: null, sawSummary: false, rates: [], sawRates: false };
    byAccount.set(accountId, entry);
    entry.currency ??= attr(info, "currency");
    entry.sawSummary ||= rows.length > 0;
    // An empty <ConversionRates/> still shows the section is ticked (a day without foreign-currency activity).
    entry.sawRates ||= statement.ConversionRates !== undefined;
    for (const rate of nodes(child(statement, "ConversionRates"), "ConversionRate")) collectRate(entry.rates, rate);
    for (const row of rows) collect(entry.summary, row, "reportDate", "total", missingFields);
    for (const change of changes) collect(entry.changes, change, "toDate", "endingValue", new Set());
  }
  const accounts: AccountNav[] = [];
  const warnings: string[] = [];
  for (const [accountId, entry] of byAccount) {
    // Messages reach the chat: the id as the report shows it.
    const shown = maskAccountId(accountId);
    const fromSummary = latest(entry.summary);
    const pick = fromSummary ?? latest(entry.changes);
    if (pick === null) {
      const what = entry.sawSummary
        ? `its NAV rows lack ${[...missingFields].join(", ") || "a usable ReportDate and Total"}`
        : "it has no NAV section";
      throw new PlatformError("ibkr", "config", `The IBKR Flex statement for ${shown} cannot be valued (${what}): ${NAV_SECTION_HINT}`);
    }
    const currency = pick.currency ?? entry.currency;
    if (currency === null) {
      throw new PlatformError("ibkr", "config", `The IBKR Flex statement does not say the base currency of ${shown}: ${NAV_SECTION_HINT}`);
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw new PlatformError(
        "ibkr",
        "bad-response",
        `The IBKR Flex statement gives ${shown} an unreadable base currency ${JSON.stringify(clip(currency, 12))}`,
      );
    }
    const source = fromSummary ? "EquitySummaryByReportDateInBase" : "ChangeInNAV";
    if (source === "ChangeInNAV") warnings.push(`IBKR ${shown}: valued from Change in NAV; ${NAV_SECTION_HINT} for the daily NAV`);
    const nav: AccountNav = { accountId, currency, amount: pick.amount, reportDate: pick.date, source };
    accounts.push(currency !== "USD" && needsUsdRate(currency) ? { ...nav, usdRate: usdRateOf(nav, entry) } : nav);
  }
  return { accounts, warnings };
}

/**
 * A Flex date as YYYY-MM-DD. Supports yyyyMMdd and yyyy-MM-dd, optionally followed by a time after
 * `;`, `,`, space or `T` (whenGenerated: "20251208;062234", "2025-04-26;13:34:28 EDT").
 * Returns null for values that are not dates at all ("", "MULTI"); throws a config error for date-like
 * values in another format (MM/dd/yyyy and dd/MM/yyyy are ambiguous, brokers.md §2.4).
 */
export function parseFlexDate(text: string): string | null {
  const value = text.trim();
  if (!/\d/.test(value)) return null;
  // The time may follow after ";", ",", a space, "T" or nothing (the query's date/time separator setting).
  const match = /^(\d{4})(\d{2})(\d{2})(?:$|[;, T]|\d{6}\b)/.exec(value) ?? /^(\d{4})-(\d{2})-(\d{2})(?:$|[;, T]|\d{2}:)/.exec(value);
  if (match) {
    const [, year = "", month = "", day = ""] = match;
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day)) return `${year}-${month}-${day}`;
  }
  throw new PlatformError(
    "ibkr",
    "config",
    `IBKR Flex sent the date ${JSON.stringify(clip(value, 24))} in an unsupported format: ${DATE_FORMAT_HINT}`,
  );
}

/** Decodes the five XML entities (entity processing is off in the parser). */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[name] ?? "");
}

interface Candidate {
  readonly date: string;
  readonly amount: Decimal;
  readonly currency: string | null;
}

interface AccountRows {
  readonly summary: Candidate[];
  readonly changes: Candidate[];
  currency: string | null;
  sawSummary: boolean;
  readonly rates: FlexUsdRate[];
  sawRates: boolean;
}

/** Keeps a ConversionRate between USD and another currency; other pairs, and rows without a date or rate, are not needed. */
function collectRate(into: FlexUsdRate[], row: XmlNode): void {
  const from = attr(row, "fromCurrency")?.toUpperCase() ?? null;
  const to = attr(row, "toCurrency")?.toUpperCase() ?? null;
  const dateText = attr(row, "reportDate");
  const rateText = attr(row, "rate");
  if (from === null || to === null || dateText === null || rateText === null || from === to || (from !== "USD" && to !== "USD")) return;
  const date = parseFlexDate(dateText);
  if (date === null || FLEX_NULLS.has(rateText.toUpperCase())) return;
  const rate = parseDecimal(rateText);
  if (rate === null || cmp(rate, ZERO) <= 0) {
    throw new PlatformError(
      "ibkr",
      "bad-response",
      `The IBKR Flex statement holds an unreadable ${from}→${to} conversion rate (${JSON.stringify(clip(rateText, 24))}) for ${date}; try again later and report it if it persists`,
      UNREADABLE_AMOUNT,
    );
  }
  into.push({ from, to, rate, date });
}

/** IBKR's base↔USD rate at the NAV's report date, else the latest before it; a config error naming the section when none. */
function usdRateOf(nav: AccountNav, rows: AccountRows): FlexUsdRate {
  const pair = (r: FlexUsdRate) => (r.from === nav.currency && r.to === "USD") || (r.from === "USD" && r.to === nav.currency);
  let best: FlexUsdRate | null = null;
  for (const rate of rows.rates) if (pair(rate) && rate.date <= nav.reportDate && (best === null || rate.date >= best.date)) best = rate;
  if (best !== null) return best;
  const why = rows.sawRates
    ? `its Conversion Rates hold no ${nav.currency}/USD rate on or before ${nav.reportDate}`
    : "the statement has no Conversion Rates section";
  throw new PlatformError(
    "ibkr",
    "config",
    `IBKR ${maskAccountId(nav.accountId)} is valued in ${nav.currency}, for which the Bank of Russia publishes no rate, and ${why}: ${RATES_SECTION_HINT}, so pfbot can use IBKR's own rate`,
  );
}

function collect(into: Candidate[], row: XmlNode, dateField: string, valueField: string, missing: Set<string>): void {
  // An absent attribute means the field is not ticked in the query; an empty one means "no value".
  if (row[dateField] === undefined) missing.add("ReportDate");
  if (row[valueField] === undefined) missing.add("Total");
  const dateText = attr(row, dateField);
  const valueText = attr(row, valueField);
  if (dateText === null || valueText === null) return;
  const date = parseFlexDate(dateText);
  if (date === null) return;
  // Empty, "-", "--", "N/A" mean null (brokers.md §2.4); such a row, like a "MULTI" date, is skipped. Any other
  // value that is not a number ("NaN", "Infinity") is a corrupt statement: never skipped in favour of an older row.
  if (FLEX_NULLS.has(valueText.toUpperCase())) return;
  const amount = parseDecimal(valueText);
  if (amount === null) {
    const shown = JSON.stringify(valueText.length > 24 ? `${valueText.slice(0, 24)}…` : valueText);
    throw new PlatformError(
      "ibkr",
      "bad-response",
      `The IBKR Flex statement holds an unreadable ${valueField} (${shown}) for ${date}; try again later and report it if it persists`,
      UNREADABLE_AMOUNT,
    );
  }
  into.push({ date, amount, currency: attr(row, "currency") });
}

/** Flex's ways of writing "no value" (attr() already turned "" into null). */
const FLEX_NULLS: ReadonlySet<string> = new Set(["-", "--", "N/A"]);

/** The candidate with the greatest date; on a tie the later one in the document (a re-run of the same day). */
function latest(candidates: readonly Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const candidate of candidates) if (best === null || candidate.date >= best.date) best = candidate;
  return best;
}

function looksLikeCsv(body: string): boolean {
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  return firstLine.startsWith('"') || (firstLine.match(/,/g)?.length ?? 0) >= 2;
}

function isNode(value: unknown): value is XmlNode {
  return isRecord(value);
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (Array.isArray(value)) return value.find(isNode);
  return isNode(value) ? value : undefined;
}

function nodes(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return (Array.isArray(value) ? value : [value]).filter(isNode);
}

/** A non-empty attribute value, or null. */
function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function textOf(value: unknown): string | null {
  const text = typeof value === "string" ? value : isNode(value) && typeof value["#text"] === "string" ? value["#text"] : null;
  return text === null || text.trim() === "" ? null : text.trim();
}
