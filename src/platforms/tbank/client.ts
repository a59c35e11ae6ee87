// T-Bank T-Invest client: the value of every open brokerage account, in RUB, from GetAccounts +
// GetPortfolio (reference/brokers.md §1.3–§1.5), and the accounts' access levels for --check (§1.6).
// An account the token sees but cannot read (an Invest Box, a 40002) is left out by name: the figure is partial.
// Converting to USD is the snapshot's job (one FX rate for the whole report, §1.5 "Convert").
import type { Logger } from "../../lib/log.ts";
import { fromUnits } from "../../lib/money.ts";
import { type ClientDeps, type Holding, type KeyAudit, type PlatformBalance, type PlatformClient, PlatformError } from "../types.ts";
import { tbankCaBundle } from "./tls.ts";
import { badResponse, callTbank, parseAccounts, parseMoneyValue, type TbankAccount, type TbankTransport } from "./wire.ts";

export { TBANK_DEFAULT_BASE_URL, type TbankAccount } from "./wire.ts";

export interface TbankClientOptions extends ClientDeps {
  /** TBANK_API_TOKEN; a read-only token is enough. */
  readonly token: string;
  /** PEM text from TBANK_CA_FILE, trusted in addition to the defaults and the embedded Russian Trusted CAs. */
  readonly extraCaPem?: readonly string[];
  /** Debug lines: tracking ids (T-Bank support asks for them) and skipped accounts. */
  readonly log?: Logger;
}

export interface TbankClient extends PlatformClient {
  /** Every account the token sees, with its type, status and access level (GetAccounts). */
  accountAccess(signal: AbortSignal): Promise<readonly TbankAccount[]>;
}

export function createTbankClient(options: TbankClientOptions): TbankClient {
  let bundle: readonly string[] | undefined;
  const transport: TbankTransport = {
    deps: options,
    token: options.token,
    ca: () => (bundle ??= tbankCaBundle(options.extraCaPem)),
    log: options.log,
  };
  const accountAccess = async (signal: AbortSignal): Promise<readonly TbankAccount[]> =>
    parseAccounts(await callTbank(transport, "UsersService", "GetAccounts", {}, signal));
  return {
    id: "tbank",
    accountAccess,
    fetchBalance: async (signal) => balanceOf(await survey(transport, await accountAccess(signal), signal)),
    auditKey: async (signal) => {
      const accounts = await accountAccess(signal);
      return auditAccounts(accounts, await survey(transport, accounts, signal));
    },
  };
}

/** A short label for an account without a name, by AccountType (§1.3). */
export function accountTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type.replace(/^ACCOUNT_TYPE_/, "").toLowerCase();
}

const TYPE_LABELS: Readonly<Record<string, string>> = {
  ACCOUNT_TYPE_TINKOFF: "Brokerage",
  ACCOUNT_TYPE_TINKOFF_IIS: "IIS",
  ACCOUNT_TYPE_INVEST_BOX: "Invest Box",
  ACCOUNT_TYPE_INVEST_FUND: "Invest Fund",
  ACCOUNT_TYPE_DEBIT: "Debit",
  ACCOUNT_TYPE_SAVING: "Saving",
};
/** Bank accounts (GetBankAccounts), not portfolio (§1.5 step 2). */
const BANK_TYPES = new Set(["ACCOUNT_TYPE_DEBIT", "ACCOUNT_TYPE_SAVING"]);
/** Types whose GetPortfolio is documented as unavailable or untested (§1.4, §1.5): any refusal leaves only that account out. */
const TOLERATED_TYPES = new Set(["ACCOUNT_TYPE_INVEST_BOX", "ACCOUNT_TYPE_INVEST_FUND"]);
const OPEN = "ACCOUNT_STATUS_OPEN";
const READ_ONLY = "ACCOUNT_ACCESS_LEVEL_READ_ONLY";
const FULL_ACCESS = "ACCOUNT_ACCESS_LEVEL_FULL_ACCESS";
const NO_ACCESS = "ACCOUNT_ACCESS_LEVEL_NO_ACCESS";

type Outcome = { readonly holding: Holding } | { readonly unreadable: string };

/** What the token can read of the portfolio: the valued accounts, and those it skipped with the reason. */
interface Survey {
  readonly holdings: readonly Holding[];
  readonly skipped: readonly { readonly account: TbankAccount; readonly reason: string }[];
  /** What the figure leaves out, one entry per skipped account ("T-Bank Инвесткопилка"). */
  readonly leftOut: readonly string[];
}

/**
 * Reads every open portfolio account (§1.5). Closed, still-opening and bank accounts (DEBIT, SAVING) are outside the
 * portfolio: not read, not left out. Fails the platform when no open account is visible, or none can be read: 0 ₽
 * would look like a real value.
 */
async function survey(transport: TbankTransport, accounts: readonly TbankAccount[], signal: AbortSignal): Promise<Survey> {
  const portfolio: TbankAccount[] = [];
  for (const account of accounts) {
    if (isPortfolio(account)) portfolio.push(account);
    else transport.log?.debug("T-Bank account skipped", { account: account.id, type: account.type, status: account.status });
  }
  if (portfolio.length === 0) {
    // §1.3: a new account becomes visible about 1 h after opening, 2 h in rare cases.
    throw new PlatformError(
      "tbank",
      "permission",
      "T-Bank: no open account is visible to this token; a brand-new account appears in the API within a few hours, otherwise check TBANK_API_TOKEN",
    );
  }
  // The accounts are isolated portfolios (§1.5 step 3); 1 + N calls stay far below the 200/min limit.
  const outcomes = await Promise.allSettled(portfolio.map((account) => readAccount(transport, account, signal)));
  const holdings: Holding[] = [];
  const skipped: { account: TbankAccount; reason: string }[] = [];
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === "rejected") throw outcome.reason;
    if ("holding" in outcome.value)
      holdings.push({ ...outcome.value.holding, display: shortName(portfolio[index] as TbankAccount, portfolio) });
    else skipped.push({ account: portfolio[index] as TbankAccount, reason: outcome.value.unreadable });
  }
  if (holdings.length === 0) {
    const reasons = skipped.map(({ account, reason }) => `${labelOf(account)}: ${reason}`).join("; ");
    throw new PlatformError("tbank", "permission", `T-Bank: no open account could be read (${reasons}); check TBANK_API_TOKEN`);
  }
  for (const { account, reason } of skipped) transport.log?.warn("T-Bank account left out", { account: account.id, reason });
  return { holdings, skipped, leftOut: skipped.map(({ account }) => leftOutName(account, portfolio)) };
}

function balanceOf(survey: Survey): PlatformBalance {
  const warnings = survey.skipped.map(({ account, reason }) => `account ${labelOf(account)} not counted: ${reason}`);
  return {
    platform: "tbank",
    holdings: survey.holdings,
    assets: [],
    asOf: null,
    source: "GetPortfolio",
    warnings,
    leftOut: survey.leftOut,
  };
}

/** An open account of the brokerage side: what GetPortfolio values. */
function isPortfolio(account: TbankAccount): boolean {
  return account.status === OPEN && !BANK_TYPES.has(account.type);
}

/** The account as the report names what it leaves out: "T-Bank Инвесткопилка", with its id only when the name is not unique. */
function leftOutName(account: TbankAccount, portfolio: readonly TbankAccount[]): string {
  const name = account.name || accountTypeLabel(account.type);
  return `T-Bank ${isShared(account, portfolio) || account.name === "" ? `${name} ${account.id}` : name}`;
}

/**
 * The account as the report lists it on a phone (Holding.display): its name, and the last 4 digits of its id only when
 * another account has the same name ("ИИС ••1234"), so each line stays short and still tells the accounts apart.
 */
function shortName(account: TbankAccount, portfolio: readonly TbankAccount[]): string {
  const name = account.name || accountTypeLabel(account.type);
  return isShared(account, portfolio) ? `${name} ••${account.id.slice(-4)}` : name;
}

function isShared(account: TbankAccount, portfolio: readonly TbankAccount[]): boolean {
  const name = account.name || accountTypeLabel(account.type);
  return portfolio.filter((other) => (other.name || accountTypeLabel(other.type)) === name).length > 1;
}

async function readAccount(transport: TbankTransport, account: TbankAccount, signal: AbortSignal): Promise<Outcome> {
  if (account.accessLevel === NO_ACCESS) return { unreadable: "the token has no access to it (check TBANK_API_TOKEN covers it)" };
  try {
    // currency RUB: totals in RUB, converted to USD later with the report's one rate (§1.5).
    const body = await callTbank(transport, "OperationsService", "GetPortfolio", { accountId: account.id, currency: "RUB" }, signal);
    if (typeof body !== "object" || body === null || !("totalAmountPortfolio" in body)) {
      throw badResponse(`GetPortfolio of account ${account.id} has no totalAmountPortfolio`);
    }
    const total = parseMoneyValue(body.totalAmountPortfolio, "totalAmountPortfolio");
    // An empty account may carry a currency-less zero (§1.2: some fields have "currency": "").
    if (total.currency !== "RUB" && !(total.currency === "" && total.nanos === 0n)) {
      throw new PlatformError(
        "tbank",
        "bad-response",
        `T-Bank valued account ${account.id} in ${total.currency || "no currency"} although RUB was asked for; please report it`,
      );
    }
    return { holding: { label: labelOf(account), money: { currency: "RUB", amount: fromUnits(total.nanos, 9) }, asOf: null } };
  } catch (error) {
    if (error instanceof PlatformError && isAccountLevel(error, account)) {
      // §1.4: "GetPortfolio for an Invest Box cannot be requested now"; say that rather than blame the token.
      if (account.type === "ACCOUNT_TYPE_INVEST_BOX")
        return { unreadable: `T-Bank's API cannot read an Invest Box (it answered ${error.code ?? error.kind})` };
      return { unreadable: error.message };
    }
    throw error;
  }
}

/** A refusal about this one account (40002, 50004, an Invest Box's GetPortfolio) leaves it out; it never fails the platform. */
function isAccountLevel(error: PlatformError, account: TbankAccount): boolean {
  if (error.kind === "permission") return true;
  const platformWide = error.kind === "auth" || error.kind === "rate-limit" || error.kind === "timeout" || error.kind === "unavailable";
  return TOLERATED_TYPES.has(account.type) && !platformWide;
}

/**
 * §1.6: no method reports a token's scope; READ_ONLY on every account it can reach means it cannot trade. The audit
 * reads the portfolio as a report would, so the accounts a report leaves out are named here as not readable.
 */
function auditAccounts(accounts: readonly TbankAccount[], survey: Survey): KeyAudit {
  const levels = [...new Set(accounts.map((account) => shortLevel(account.accessLevel)))].sort();
  const reachable = accounts.filter((account) => account.accessLevel !== NO_ACCESS);
  const readOnly = reachable.length > 0 && reachable.every((account) => account.accessLevel === READ_ONLY);
  const unreadable = new Map(survey.skipped.map(({ account, reason }) => [account.id, reason]));
  const notes = accounts.map((account) => {
    const line = `${labelOf(account)} (${account.status.replace(/^ACCOUNT_STATUS_/, "").toLowerCase()}): ${shortLevel(account.accessLevel)}`;
    const reason = unreadable.get(account.id);
    return reason === undefined ? line : `${line}, NOT READABLE, left out of the total: ${reason}`;
  });
  const trading = accounts.filter((account) => account.accessLevel === FULL_ACCESS);
  if (trading.length > 0) {
    notes.push(`the token can trade on ${trading.map(labelOf).join(", ")}: issue a read-only token and put it in TBANK_API_TOKEN`);
  }
  // No method reports a token's lifetime (users.proto GetInfo has none); it is 3 months from its last use [token.md].
  return {
    readOnly,
    permissions: levels,
    notes,
    expiresAt: null,
    expiryNote: "a T-Invest token lapses 3 months after its last use, and every report uses it",
  };
}

function labelOf(account: TbankAccount): string {
  return `${account.name || accountTypeLabel(account.type)} ${account.id}`;
}

function shortLevel(value: string): string {
  return value.replace(/^ACCOUNT_ACCESS_LEVEL_/, "").toLowerCase();
}
