// The one interface every platform client implements, and the shapes it returns.
// Nothing here knows about Telegram, history or the other platforms.
import { PfbotError } from "../lib/errors.ts";
import type { Decimal, Money } from "../lib/money.ts";
import { type PlatformId, platformName } from "./registry.ts";

export type { PlatformId } from "./registry.ts";

/** One slice of a platform's value in the currency the platform reports it in. */
export interface Holding {
  /** e.g. "account", "IIS 2001234567", "U1234567". */
  readonly label: string;
  /**
   * How the report names the holding on a phone, when the platform lists its accounts: the account's own name
   * ("Брокерский", "ИИС"), or its id masked ("U•••4567"). Absent: `label` is shown.
   */
  readonly display?: string;
  readonly money: Money;
  /** YYYY-MM-DD when the figure is not live (a broker's report date); null when live. */
  readonly asOf: string | null;
  /**
   * Set when the platform converted the holding to USD itself (`money` is then USD), because the report's rate source
   * lists no rate for its currency: an IBKR account in CNH valued with the statement's own ConversionRates.
   */
  readonly rate?: HoldingRate;
}

/** The platform's own rate that turned a holding into USD: what --json and the log show as "the rate used". */
export interface HoldingRate {
  /** The holding as the platform reported it, before the conversion. */
  readonly original: Money;
  /** USD per one unit of original.currency. */
  readonly usdPerUnit: Decimal;
  /** Where the rate comes from, e.g. "IBKR ConversionRates". */
  readonly source: string;
  /** YYYY-MM-DD the rate is for. */
  readonly date: string;
}

/** A crypto asset's USD value, for the breakdown. */
export interface AssetValue {
  readonly asset: string;
  readonly usd: Decimal;
}

export interface PlatformBalance {
  readonly platform: PlatformId;
  /** The platform's whole value = Σ holdings, each converted to USD once by the snapshot. */
  readonly holdings: readonly Holding[];
  /** Per-asset USD parts for the breakdown (crypto); never added to the total. */
  readonly assets: readonly AssetValue[];
  /** The oldest as-of date among the holdings, or null when live. */
  readonly asOf: string | null;
  /** How the value was obtained, e.g. "asset-overview" or "wallet-balance + funding"; for logs and --check. */
  readonly source: string;
  /** Things the user should know that did not fail the platform ("account X not counted: no access"). */
  readonly warnings: readonly string[];
  /**
   * What the figure leaves out, each in words the user understands ("Earn and other OKX accounts not valued",
   * "account Инвесткопилка 2003"). Empty: the figure is complete, everything the key can see is valued. Non-empty:
   * it is partial. An item that does not name its platform is shown after the platform's name in the totals
   * ("Bybit funding and Earn not valued: …"), so write it to read well both ways.
   */
  readonly leftOut: readonly string[];
}

/**
 * How much of a platform's account its figure covers: "complete" (everything the key can see is valued),
 * "partial" (a value, plus what it leaves out), "failed" (no value, and an error).
 */
export type Coverage = "complete" | "partial" | "failed";

export type PlatformErrorKind =
  | "auth" // key/token invalid, expired, wrong passphrase, wrong signature
  | "permission" // key lacks a permission, IP not whitelisted
  | "rate-limit"
  | "clock-skew"
  | "timeout"
  | "unavailable" // network error, 5xx, maintenance
  | "bad-response" // a body we cannot understand
  | "config"; // the platform answered that its setup is wrong (e.g. Flex query missing a section)

/**
 * A failure of one platform, with a one-line message saying what the user should do. Never holds a secret.
 * `cause` is the lower error it wraps (a fetch's network error, another PlatformError), for code to inspect.
 */
export class PlatformError extends PfbotError {
  override readonly name = "PlatformError";
  constructor(
    readonly platform: PlatformId,
    readonly kind: PlatformErrorKind,
    message: string,
    readonly code?: string | number,
    /** When the platform said how long to wait (Retry-After, a reset header, IBKR's penalty box). */
    readonly retryAfterMs?: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad-response error for an answer that parsed but is not what `path` sends: `what` says what was wrong with it. */
export function unexpectedResponse(platform: PlatformId, path: string, what: string): PlatformError {
  return new PlatformError(
    platform,
    "bad-response",
    `${platformName(platform)} sent an unexpected response from ${path} (${what}); try again later and report it if it persists`,
  );
}

/**
 * PlatformError.code of an amount that is present but not a finite decimal ("NaN", "Infinity", "abc"): the answer is
 * corrupt, so it fails the platform and no fallback may stand in for it.
 */
export const UNREADABLE_AMOUNT = "unreadable-amount";

/** The error factory for readAmount (money.ts): "<Platform> sent an unreadable amount in <where> (<field> = "NaN")". */
export function unreadableAmount(platform: PlatformId, where: string, field: string): (shown: string) => PlatformError {
  return (shown) =>
    new PlatformError(
      platform,
      "bad-response",
      `${platformName(platform)} sent an unreadable amount in ${where} (${field} = ${shown}); it is not counted as 0, so the platform is left out: try again later and report it if it persists`,
      UNREADABLE_AMOUNT,
    );
}

/** What `--check` reports about a key: whether it can only read. */
export interface KeyAudit {
  readonly readOnly: boolean;
  /** Permissions as the platform names them, e.g. ["read_only", "trade"]. */
  readonly permissions: readonly string[];
  /** Extra lines worth showing (IP binding, per-account access levels). */
  readonly notes: readonly string[];
  /**
   * When the key stops working, as the platform reports it (UTC ISO 8601); null when it reports no date. --check
   * shows it, or "expiry not reported by <platform>"; the bot warns 14, 3 and 1 days before (alerts/expiry.ts).
   */
  readonly expiresAt: string | null;
  /**
   * With expiresAt, the field it comes from ("query-api expiredAt"). Without, what is known instead, in a few words
   * (a lifetime rule of the platform, where the date can be seen), or null.
   */
  readonly expiryNote: string | null;
}

export interface PlatformClient {
  readonly id: PlatformId;
  fetchBalance(signal: AbortSignal): Promise<PlatformBalance>;
  /** One authenticated read that tells whether the credentials work and can only read. */
  auditKey(signal: AbortSignal): Promise<KeyAudit>;
}

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What every client gets injected, so tests need no network, clock or real sleeps. */
export interface ClientDeps {
  readonly baseUrl: string;
  readonly fetch: FetchFn;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Waits `ms`, or less when `signal` aborts (lib/clock.ts). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Bound for one HTTP request. */
  readonly timeoutMs: number;
}
