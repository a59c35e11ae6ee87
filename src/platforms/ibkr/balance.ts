// A statement's values as the platform's balance (pure): one holding per account, in its base currency for the
// snapshot to convert, or in USD at IBKR's own rate when the Bank of Russia lists no rate for the base; and what the
// figure leaves out when the statement is older than a Flex query set to "Last Business Day" ever gives.
import { isListedByCbr } from "../../fx/cbr-currencies.ts";
import { dec, div, mul } from "../../lib/money.ts";
import type { Holding, PlatformBalance } from "../types.ts";
import { maskAccountId } from "./account-id.ts";
import { businessDaysBetween, calendarDaysBetween, MAX_STATEMENT_BUSINESS_DAYS } from "./age.ts";
import type { CachedStatement } from "./state.ts";
import type { AccountNav } from "./xml.ts";

/** A base the Bank of Russia lists no rate for is converted to USD here, with the statement's own ConversionRates. */
export function needsOwnRate(currency: string): boolean {
  return currency !== "USD" && !isListedByCbr(currency);
}

/** The balance of a statement (fresh or cached), judged on `today` (YYYY-MM-DD in TIMEZONE). */
export function balanceFrom(
  statement: CachedStatement,
  fromCache: boolean,
  extraWarnings: readonly string[],
  today: string,
): PlatformBalance {
  const fetchedAt = new Date(statement.savedAt).toISOString();
  const nav = statement.accounts.some((a) => a.source === "ChangeInNAV") ? "ChangeInNAV" : "EquitySummaryByReportDateInBase";
  const holdings = statement.accounts.map(holdingOf);
  const rates = holdings.flatMap((h) => (h.rate ? [`${h.rate.original.currency}→USD at IBKR's rate of ${h.rate.date}`] : []));
  const source = [nav, ...rates].join("; ");
  return {
    platform: "ibkr",
    holdings,
    assets: [],
    asOf: oldestDate(statement.accounts),
    source: fromCache ? `flex cache of ${fetchedAt} (${source})` : `flex statement (${source})`,
    warnings: [...statement.warnings, ...extraWarnings],
    leftOut: outdated(statement.accounts, today),
  };
}

/** One account as a holding: in its base currency for the snapshot to convert, or in USD at IBKR's own rate. */
function holdingOf(account: AccountNav): Holding {
  const base = { label: account.accountId, display: maskAccountId(account.accountId), asOf: account.reportDate };
  const rate = account.usdRate;
  if (rate === undefined || account.currency === "USD") return { ...base, money: { currency: account.currency, amount: account.amount } };
  // IBKR quotes either base→USD or USD→base; multiply or divide once, as quoted.
  const baseToUsd = rate.from === account.currency;
  const usd = baseToUsd ? mul(account.amount, rate.rate) : div(account.amount, rate.rate);
  return {
    ...base,
    money: { currency: "USD", amount: usd },
    rate: {
      original: { currency: account.currency, amount: account.amount },
      usdPerUnit: baseToUsd ? rate.rate : div(ONE, rate.rate),
      source: "IBKR ConversionRates",
      date: rate.date,
    },
  };
}

/**
 * A statement whose report date is more than a few business days old comes from a Flex query with a fixed past
 * period: it is not the account's value now, so the figure is partial and says how to fix the query.
 */
function outdated(accounts: readonly AccountNav[], today: string): string[] {
  const old = accounts.filter((a) => businessDaysBetween(a.reportDate, today) > MAX_STATEMENT_BUSINESS_DAYS);
  const oldest = oldestDate(old);
  if (oldest === null) return [];
  const which =
    old.length === accounts.length ? "IBKR statement" : `IBKR statement of ${old.map((a) => maskAccountId(a.accountId)).join(", ")}`;
  return [`${which} is ${calendarDaysBetween(oldest, today)} days old: set the Flex query's period to Last Business Day`];
}

const ONE = dec("1");

/** The earliest report date among the accounts (the figure's as-of), or null when there is none. */
export function oldestDate(accounts: readonly AccountNav[]): string | null {
  return accounts.reduce<string | null>((oldest, a) => (oldest === null || a.reportDate < oldest ? a.reportDate : oldest), null);
}
