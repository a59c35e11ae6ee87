// T-Bank T-Invest client: the value of every open brokerage account, in RUB, from GetAccounts +
// GetPortfolio (reference/brokers.md §1.3–§1.5), and the accounts' access levels for --check (§1.6).
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
    fetchBalance: async (signal) => fetchBalance(transport, await accountAccess(signal), signal),
    auditKey: async (signal) => auditAccounts(await accountAccess(signal)),
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
/** Types whose GetPortfolio is documented as unavailable or untested (§1.4, §1.5): any refusal is a warning. */
const TOLERATED_TYPES = new Set(["ACCOUNT_TYPE_INVEST_BOX", "ACCOUNT_TYPE_INVEST_FUND"]);
const OPEN = "ACCOUNT_STATUS_OPEN";
const READ_ONLY = "ACCOUNT_ACCESS_LEVEL_READ_ONLY";
const FULL_ACCESS = "ACCOUNT_ACCESS_LEVEL_FULL_ACCESS";
const NO_ACCESS = "ACCOUNT_ACCESS_LEVEL_NO_ACCESS";

type Outcome = { readonly holding: Holding } | { readonly warning: string };

async function fetchBalance(transport: TbankTransport, accounts: readonly TbankAccount[], signal: AbortSignal): Promise<PlatformBalance> {
  const warnings: string[] = [];
  const readable: TbankAccount[] = [];
  for (const account of accounts) {
    if (account.status !== OPEN || BANK_TYPES.has(account.type)) {
      // Closed, still opening, or a bank account: nothing of the portfolio there.
      transport.log?.debug("T-Bank account skipped", { account: account.id, type: account.type, status: account.status });
    } else if (account.accessLevel === NO_ACCESS) {
      warnings.push(`account ${labelOf(account)} not counted: the token has no access to it (check TBANK_API_TOKEN covers it)`);
    } else {
      readable.push(account);
    }
  }
  // The accounts are isolated portfolios (§1.5 step 3); 1 + N calls stay far below the 200/min limit.
  const outcomes = await Promise.allSettled(readable.map((account) => readAccount(transport, account, signal)));
  const holdings: Holding[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") throw outcome.reason;
    if ("holding" in outcome.value) holdings.push(outcome.value.holding);
    else warnings.push(outcome.value.warning);
  }
  if (readable.length > 0 && holdings.length === 0) {
    // Reporting 0 ₽ would look like a real value: fail the platform and say why.
    throw new PlatformError("tbank", "permission", `T-Bank: no open account could be read (${warnings.join("; ")}); check TBANK_API_TOKEN`);
  }
  if (readable.length === 0 && warnings.length === 0) warnings.push("no open brokerage account is visible to the token; nothing counted");
  return { platform: "tbank", holdings, assets: [], asOf: null, source: "GetPortfolio", warnings, leftOut: [] };
}

async function readAccount(transport: TbankTransport, account: TbankAccount, signal: AbortSignal): Promise<Outcome> {
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
      return { warning: `account ${labelOf(account)} not counted: ${error.message}` };
    }
    throw error;
  }
}

/** A refusal about this one account (40002, 50004, an Invest Box's GetPortfolio) never fails the platform. */
function isAccountLevel(error: PlatformError, account: TbankAccount): boolean {
  if (error.kind === "permission") return true;
  const platformWide = error.kind === "auth" || error.kind === "rate-limit" || error.kind === "timeout" || error.kind === "unavailable";
  return TOLERATED_TYPES.has(account.type) && !platformWide;
}

/** §1.6: no method reports a token's scope; READ_ONLY on every account it can reach means it cannot trade. */
function auditAccounts(accounts: readonly TbankAccount[]): KeyAudit {
  const levels = [...new Set(accounts.map((account) => shortLevel(account.accessLevel)))].sort();
  const reachable = accounts.filter((account) => account.accessLevel !== NO_ACCESS);
  const readOnly = reachable.length > 0 && reachable.every((account) => account.accessLevel === READ_ONLY);
  const notes = accounts.map(
    (account) =>
      `${labelOf(account)} (${account.status.replace(/^ACCOUNT_STATUS_/, "").toLowerCase()}): ${shortLevel(account.accessLevel)}`,
  );
  if (accounts.length === 0) notes.push("the token sees no account: check TBANK_API_TOKEN");
  const trading = accounts.filter((account) => account.accessLevel === FULL_ACCESS);
  if (trading.length > 0) {
    notes.push(`the token can trade on ${trading.map(labelOf).join(", ")}: issue a read-only token and put it in TBANK_API_TOKEN`);
  }
  notes.push("T-Invest tokens expire after 3 months without use");
  return { readOnly, permissions: levels, notes };
}

function labelOf(account: TbankAccount): string {
  return `${account.name || accountTypeLabel(account.type)} ${account.id}`;
}

function shortLevel(value: string): string {
  return value.replace(/^ACCOUNT_ACCESS_LEVEL_/, "").toLowerCase();
}
