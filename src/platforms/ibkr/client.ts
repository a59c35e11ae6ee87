// Interactive Brokers through the Flex Web Service (brokers.md §2): one holding per account, in the
// account's base currency, as of the statement's report date (the data changes once a day, at the close).
// IBKR punishes eager clients (10-minute penalty box, then blocks), so this client reuses the last good
// statement for `cacheMinutes` and, after a 1018, refuses to call IBKR until the penalty is surely over,
// even across restarts. It remembers IBKR's last answer, so that --check during the penalty can say whether the
// token worked. The snapshot converts each holding to USD, except an account whose base the Bank of Russia does
// not list (CNH, ILS, MXN): that one is converted here with the statement's own ConversionRates, and says so.

import { errorMessage } from "../../lib/errors.ts";
import { type Logger, silentLogger } from "../../lib/log.ts";
import { toPlainString } from "../../lib/money.ts";
import { zonedDay } from "../../lib/zoned-time.ts";
import { type ClientDeps, type KeyAudit, type PlatformBalance, type PlatformClient, PlatformError } from "../types.ts";
import { balanceFrom, needsOwnRate, oldestDate } from "./balance.ts";
import { THROTTLE_COOLDOWN_MS, throttledError } from "./codes.ts";
import { createFlexSession } from "./flex.ts";
import type { FlexPacer } from "./pacer.ts";
import { type CachedStatement, createIbkrState, effectiveThrottle, type LastAnswer } from "./state.ts";
import { readStatementNav } from "./xml.ts";

export interface IbkrClientOptions extends ClientDeps {
  /** IBKR_FLEX_TOKEN: travels in the query string, so it is never logged or quoted. */
  readonly token: string;
  /** IBKR_QUERY_ID. */
  readonly queryId: string;
  /** Directory for ibkr-throttle.json, ibkr-cache.json and ibkr-last-answer.json (DATA_DIR). */
  readonly stateDir: string;
  /** How long a good statement is reused without asking IBKR (IBKR_CACHE_MINUTES); 0 disables the cache. */
  readonly cacheMinutes: number;
  /** Flex asks for "Technology/Version", e.g. "Bun/1.4.5" (brokers.md §2.1). */
  readonly userAgent: string;
  /** The process's one pacer for IBKR's rate limit (created by the wiring). */
  readonly pacer: FlexPacer;
  /** TIMEZONE: the day whose age a statement's report date is measured against (UTC when absent). */
  readonly timeZone?: string;
  readonly log?: Logger;
}

/** An answer from IBKR this recent, to this process, stands for the audit (--check reads the balance just before). */
const RECENT_ANSWER_MS = 10 * 60_000;

/** A statement older than this is not shown even when IBKR is throttled or down: a week-old NAV misleads. */
export const STALE_CACHE_LIMIT_MS = 7 * 24 * 60 * 60_000;

export function createIbkrClient(options: IbkrClientOptions): PlatformClient {
  const log = options.log ?? silentLogger;
  const state = createIbkrState(options.stateDir, (problem) => log.warn(`IBKR state: ${problem}`));
  const session = createFlexSession({
    ...options,
    userAgent: options.userAgent.trim() || `Bun/${Bun.version}`,
    log,
    paceKey: `${options.baseUrl}\n${options.token}`,
  });
  const cacheEnabled = options.cacheMinutes > 0;
  // Kept in memory too, so a failed write of a state file still keeps this process away from IBKR and --check informed.
  let throttleInMemory: { readonly until: number; readonly recordedAt: number } | null = null;
  let lastAnswerInMemory: LastAnswer | null = null;
  // One fetch or audit at a time: a second caller then finds the fresh cache instead of asking IBKR again.
  const exclusive = serialized();

  async function throttledUntil(now: number): Promise<number> {
    const inMemory = throttleInMemory ? effectiveThrottle(throttleInMemory.until, throttleInMemory.recordedAt, now) : null;
    return Math.max(inMemory ?? 0, (await state.readThrottle(now)) ?? 0);
  }

  /** Remembers what IBKR said about the token and query; a 1018, a timeout or a crash says nothing about them. */
  async function remember(
    outcome: { readonly ok: true; readonly message: string } | { readonly ok: false; readonly error: unknown },
  ): Promise<void> {
    let answer: LastAnswer;
    if (outcome.ok) {
      answer = { at: options.now(), ok: true, kind: null, code: null, message: outcome.message };
    } else {
      const error = outcome.error;
      if (!(error instanceof PlatformError) || error.kind === "rate-limit" || error.kind === "timeout") return;
      // The messages never hold the token; the file is on disk, so make sure of it.
      const message = error.message.split(options.token).join("***");
      answer = { at: options.now(), ok: false, kind: error.kind, code: error.code ?? null, message };
    }
    lastAnswerInMemory = answer;
    await state
      .writeLastAnswer(answer)
      .catch((writeError: unknown) => log.warn("IBKR: could not save its last answer", { error: writeError }));
  }

  async function lastAnswer(): Promise<LastAnswer | null> {
    const stored = await state.readLastAnswer();
    if (lastAnswerInMemory !== null && (stored === null || lastAnswerInMemory.at >= stored.at)) return lastAnswerInMemory;
    if (stored !== null) return stored;
    // Before this file existed, a cached statement is the proof the token last worked.
    const cache = await cachedStatement();
    return cache
      ? { at: cache.savedAt, ok: true, kind: null, code: null, message: `statement of ${oldestDate(cache.accounts)} read` }
      : null;
  }

  async function cachedStatement(): Promise<CachedStatement | null> {
    if (!cacheEnabled) return null;
    const cache = await state.readCache();
    if (cache === null || cache.queryId !== options.queryId) return null;
    // Saved before pfbot read IBKR's own rates: an account that needs one is read again rather than failed.
    if (cache.accounts.some((a) => needsOwnRate(a.currency) && a.usdRate === undefined)) return null;
    const age = options.now() - cache.savedAt;
    return age >= 0 && age <= STALE_CACHE_LIMIT_MS ? cache : null;
  }

  /** Persists "throttled until" after a 1018 (or an HTTP 429), and returns the error to report. */
  async function recordThrottle(): Promise<PlatformError> {
    const now = options.now();
    // Whatever IBKR said, the penalty box is the wait: it is also the longest IBKR can ask for.
    const until = now + THROTTLE_COOLDOWN_MS;
    throttleInMemory = { until, recordedAt: now };
    try {
      await state.writeThrottle(until, now);
    } catch (writeError) {
      log.error("IBKR: could not save the throttle time; a restart before it ends may ask IBKR too early", { error: writeError });
    }
    log.warn("IBKR Flex rate limit hit (1018): no request until the penalty is over", { until: new Date(until).toISOString() });
    return throttledError(until, now);
  }

  /** The balance of a statement, judged on today's date: a statement older than a few business days is partial. */
  function balance(statement: CachedStatement, fromCache: boolean, extraWarnings: readonly string[]): PlatformBalance {
    const today = zonedDay(new Date(options.now()), options.timeZone ?? "UTC");
    const result = balanceFrom(statement, fromCache, extraWarnings, today);
    for (const holding of result.holdings) {
      if (holding.rate) {
        log.info("IBKR: valued in USD at IBKR's own rate", {
          account: holding.label,
          currency: holding.rate.original.currency,
          usdPerUnit: toPlainString(holding.rate.usdPerUnit),
          rateDate: holding.rate.date,
          source: holding.rate.source,
        });
      }
    }
    return result;
  }

  async function fetchBalance(signal: AbortSignal): Promise<PlatformBalance> {
    const cache = await cachedStatement();
    const now = options.now();
    if (cache !== null && now - cache.savedAt < options.cacheMinutes * 60_000) {
      log.debug("IBKR: using the cached statement", { fetchedAt: new Date(cache.savedAt).toISOString() });
      return balance(cache, true, []);
    }
    const until = await throttledUntil(now);
    if (until > now) {
      const error = throttledError(until, now);
      if (cache !== null) return balance(cache, true, [staleWarning(error, cache)]);
      throw error;
    }
    try {
      const nav = readStatementNav(await session.fetchStatement(signal), needsOwnRate);
      await remember({ ok: true, message: `statement of ${oldestDate(nav.accounts)} read` });
      // The warnings quote the statement's account ids, and the cache is on disk: stored redacted like any sink.
      const fetched: CachedStatement = {
        queryId: options.queryId,
        savedAt: options.now(),
        accounts: nav.accounts,
        warnings: nav.warnings.map((w) => log.redact(w)),
      };
      if (cacheEnabled) {
        await state.writeCache(fetched).catch((error: unknown) => log.warn("IBKR: could not save the statement cache", { error }));
      }
      log.info("IBKR: statement read", { accounts: nav.accounts.length, reportDate: oldestDate(nav.accounts) });
      return balance(fetched, false, []);
    } catch (thrown) {
      let error = thrown;
      if (error instanceof PlatformError && error.kind === "rate-limit") error = await recordThrottle();
      else await remember({ ok: false, error });
      // A passing outage or the penalty box should not blank the report when yesterday's close is at hand.
      const passing =
        error instanceof PlatformError && (error.kind === "rate-limit" || error.kind === "unavailable" || error.kind === "timeout");
      if (cache !== null && passing) {
        log.warn("IBKR: showing the cached statement", { reason: errorMessage(error) });
        return balance(cache, true, [staleWarning(error, cache)]);
      }
      throw error;
    }
  }

  async function auditKey(signal: AbortSignal): Promise<KeyAudit> {
    const notes = ["Flex Web Service tokens can only download statements: they cannot trade or move money"];
    const now = options.now();
    // --check reads the balance first: what IBKR told this process about the token and query moments ago answers
    // the audit, and a second SendRequest would only spend IBKR's rate limit.
    const recent = lastAnswerInMemory;
    if (recent !== null && now - recent.at >= 0 && now - recent.at <= RECENT_ANSWER_MS) {
      if (!recent.ok) throw new PlatformError("ibkr", recent.kind ?? "unavailable", recent.message, recent.code ?? undefined);
      return {
        readOnly: true,
        permissions: ["flex-read"],
        notes: [...notes, `token and query IBKR_QUERY_ID accepted (${recent.message})`],
        ...TOKEN_EXPIRY,
      };
    }
    const until = await throttledUntil(now);
    if (until > now) return pendingAudit(notes, until, now, await lastAnswer());
    try {
      await session.sendRequest(signal);
    } catch (error) {
      if (error instanceof PlatformError && error.kind === "rate-limit") throw await recordThrottle();
      await remember({ ok: false, error });
      throw error;
    }
    await remember({ ok: true, message: "token and query accepted" });
    notes.push("token and query IBKR_QUERY_ID accepted (SendRequest returned a reference code)");
    return { readOnly: true, permissions: ["flex-read"], notes, ...TOKEN_EXPIRY };
  }

  return {
    id: "ibkr",
    fetchBalance: (signal) => exclusive(() => fetchBalance(signal)),
    auditKey: (signal) => exclusive(() => auditKey(signal)),
  };
}

/**
 * The audit while IBKR's penalty forbids asking: what IBKR last said. A last answer that was an error is thrown as
 * that error (--check shows FAIL and exits 1), and so is having none (the token is unverified); a good one passes
 * with a note saying it was not checked now.
 */
function pendingAudit(notes: readonly string[], until: number, now: number, last: LastAnswer | null): KeyAudit {
  const waiting = `not checked: IBKR asked us to wait until ${utcMinute(until)} UTC (rate limit 1018; asking now would extend it)`;
  if (last === null) {
    throw new PlatformError(
      "ibkr",
      "rate-limit",
      `${waiting}; no earlier answer is remembered, so the token is unverified: run pfbot --check again after that time`,
      1018,
      until - now,
    );
  }
  const said = `the last answer, at ${utcMinute(last.at)} UTC`;
  if (!last.ok)
    throw new PlatformError(
      "ibkr",
      last.kind ?? "unavailable",
      `${waiting}; ${said}, was an error: ${last.message}`,
      last.code ?? undefined,
    );
  return {
    readOnly: true,
    permissions: ["flex-read"],
    notes: [...notes, `${waiting}; ${said}, was good: ${last.message}`],
    ...TOKEN_EXPIRY,
  };
}

/**
 * The Flex Web Service's answers carry a status, a reference code and a URL, never the token's expiry; the Client
 * Portal shows it under Current Token Details, and an expired token is refused with 1012 [brokers.md §2.1-2.3].
 */
const TOKEN_EXPIRY = {
  expiresAt: null,
  expiryNote: "the Client Portal shows it under Flex Web Service Configuration",
} as const satisfies Pick<KeyAudit, "expiresAt" | "expiryNote">;

function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function staleWarning(error: unknown, cache: CachedStatement): string {
  const reason = errorMessage(error);
  return `IBKR shows the statement fetched ${new Date(cache.savedAt).toISOString().slice(0, 16).replace("T", " ")} UTC: ${reason}`;
}

function serialized(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (job) => {
    const run = tail.then(job, job);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}
