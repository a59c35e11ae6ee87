/**
 * @module The worlds `bun run demo` shows: by default a healthy, current portfolio (every platform answers,
 * IBKR's statement is of the last business day, every T-Bank account is readable), and, behind
 * `--scenario NAME`, the failures pfbot knows how to report. Each scenario turns the running fakes (test/fakes)
 * into that world, and may add variables to pfbot's environment.
 */
import type { AllFakes } from "../test/fakes/all.ts";
import { buildFlexStatement, type FakeAccount, realisticIbkrStatement } from "../test/fakes/ibkr-statements.ts";
import { investBoxAccount, realisticTbankAccounts } from "../test/fakes/tbank.ts";

export interface Scenario {
  readonly name: string;
  /** One line for `bun run demo --help`. */
  readonly summary: string;
  /** Turns the healthy world into this one; returns variables to add to pfbot's environment. */
  readonly apply: (fakes: AllFakes) => Record<string, string>;
}

/** An HTML error page, as a load balancer in front of a service answers when the service is down. */
const DOWN = { status: 503, body: "<html><body><h1>503 Service Unavailable</h1></body></html>", headers: { "content-type": "text/html" } };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "partial",
    summary: "OKX is down (HTTP 503): the report says so, and its totals say they leave OKX out",
    apply: (fakes) => {
      fakes.okx.faults.add(DOWN);
      return {};
    },
  },
  {
    name: "fx-down",
    summary: "the Bank of Russia and its mirror are down: no RUB total, no USD value for RUB and EUR holdings, never a guess",
    apply: (fakes) => {
      fakes.fx.faults.add(DOWN);
      return {};
    },
  },
  {
    name: "ibkr-slow",
    summary: "IBKR keeps generating its statement past IBKR_TIMEOUT_SECONDS (10 s here): the rest arrives on time",
    apply: (fakes) => {
      fakes.ibkr.state.inProgressPolls = 100;
      return { IBKR_TIMEOUT_SECONDS: "10" };
    },
  },
  {
    name: "ibkr-stale",
    summary: "IBKR's statement is months old (a Flex query on a fixed period): the report shows its date",
    apply: (fakes) => {
      fakes.ibkr.state.statement = realisticIbkrStatement().xml;
      return {};
    },
  },
  {
    name: "tbank-restricted",
    summary: "the T-Bank API cannot read one account (an Invest Box, 403): the report names it and marks its totals partial",
    apply: (fakes) => {
      fakes.tbank.state.accounts = [...realisticTbankAccounts(), investBoxAccount()];
      return {};
    },
  },
];

/**
 * The healthy world every run starts from: every T-Bank account readable, IBKR's statement of the last business
 * day, and no Binance coin without a price.
 */
export function makeHealthy(fakes: AllFakes, now: number): void {
  fakes.tbank.state.accounts = realisticTbankAccounts().filter((account) => account.portfolioError === undefined);
  fakes.binance.state.spot = fakes.binance.state.spot.filter((balance) => balance.asset !== "XYZ");
  fakes.ibkr.state.statement = currentIbkrStatement(now);
}

/** The realistic IBKR statement, its three closes moved to the three business days before `now` (UTC). */
export function currentIbkrStatement(now: number): string {
  const days = businessDaysBefore(now, 3);
  const accounts: FakeAccount[] = realisticIbkrStatement().accounts.map((account) => ({
    ...account,
    days: account.days.map((day, i) => ({ ...day, date: days[i] ?? day.date })),
  }));
  return buildFlexStatement({ accounts });
}

/** The `count` weekdays before `now`'s UTC day, oldest first (YYYY-MM-DD): IBKR's "Last Business Day" closes. */
export function businessDaysBefore(now: number, count: number): string[] {
  const days: string[] = [];
  const day = new Date(now);
  day.setUTCHours(0, 0, 0, 0);
  while (days.length < count) {
    day.setUTCDate(day.getUTCDate() - 1);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.unshift(day.toISOString().slice(0, 10));
  }
  return days;
}

/** `bun run demo --help`. */
export function demoUsage(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return [
    "Usage: bun run demo [--scenario NAME] [--telegram]",
    "",
    "Runs the built ./pfbot --once --dry-run against fake platforms on 127.0.0.1: no keys, no network.",
    "By default the portfolio is healthy and current.",
    "",
    "Options:",
    "  --scenario NAME   show how pfbot reports a failure (below)",
    "  --telegram        send the report to a fake Telegram instead, and show it as Telegram renders it",
    "                    (bold as bold, in a terminal that shows ANSI styles; NO_COLOR turns them off)",
    "  -h, --help        this help",
    "",
    "Scenarios:",
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(width)}   ${s.summary}`),
  ].join("\n");
}
