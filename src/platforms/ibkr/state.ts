// What the IBKR client remembers across restarts, as small JSON files in the data directory:
// a "throttled until" time after a 1018 (IBKR's 10-minute penalty box, and repeat offenders get blocked,
// brokers.md §2.3), the last good statement's values (the data changes once a day, so it is reused
// for IBKR_CACHE_MINUTES), and IBKR's last answer about the token and query (what --check reports while
// the penalty forbids asking). Files are written atomically (lib/atomic-file.ts) so a crash never leaves
// half a file. Names start with "ibkr-" (git-ignored as data/ibkr-*.json).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.ts";
import { errorCode, errorMessage } from "../../lib/errors.ts";
import { isRecord } from "../../lib/guards.ts";
import { parseDecimal, toPlainString } from "../../lib/money.ts";
import type { PlatformErrorKind } from "../types.ts";
import { THROTTLE_COOLDOWN_MS } from "./codes.ts";
import type { AccountNav } from "./xml.ts";

export const IBKR_THROTTLE_FILE = "ibkr-throttle.json";
export const IBKR_CACHE_FILE = "ibkr-cache.json";
export const IBKR_LAST_ANSWER_FILE = "ibkr-last-answer.json";

/** IBKR's last answer about the token and query (a 1018 is not one: it says nothing about them). */
export interface LastAnswer {
  /** When it came (ms since the epoch). */
  readonly at: number;
  readonly ok: boolean;
  /** The PlatformError's kind and code when it was an error. */
  readonly kind: PlatformErrorKind | null;
  readonly code: number | string | null;
  /** What it meant, for the user ("The IBKR Flex token has expired (1012): …"); never holds the token. */
  readonly message: string;
}

/**
 * Until when IBKR must be left alone, from a stored throttle, or null. A throttle recorded later than `nowMs`
 * (the clock moved back) is dropped, and none lasts longer than IBKR can ask for (THROTTLE_COOLDOWN_MS) from when it
 * was recorded or from now: a 1018 received with the clock a year ahead must not keep IBKR away for a year.
 */
export function effectiveThrottle(untilMs: number, recordedAtMs: number | null, nowMs: number): number | null {
  if (recordedAtMs !== null && recordedAtMs > nowMs) return null;
  const cap = Math.min(nowMs, recordedAtMs ?? nowMs) + THROTTLE_COOLDOWN_MS;
  return Math.min(untilMs, cap);
}

/** The last good statement, as read back from disk. */
export interface CachedStatement {
  /** The query it came from: a cache of another query is not reused. */
  readonly queryId: string;
  /** When it was fetched (ms since the epoch). */
  readonly savedAt: number;
  readonly accounts: readonly AccountNav[];
  readonly warnings: readonly string[];
}

export interface IbkrState {
  /** Until when IBKR must not be asked (ms since the epoch), or null; see effectiveThrottle. */
  readThrottle(nowMs: number): Promise<number | null>;
  writeThrottle(untilMs: number, nowMs: number): Promise<void>;
  readCache(): Promise<CachedStatement | null>;
  writeCache(cache: CachedStatement): Promise<void>;
  readLastAnswer(): Promise<LastAnswer | null>;
  writeLastAnswer(answer: LastAnswer): Promise<void>;
}

/** State kept in `stateDir`; an unreadable file counts as absent and is reported through `onProblem`. */
export function createIbkrState(stateDir: string, onProblem: (message: string) => void): IbkrState {
  const throttlePath = join(stateDir, IBKR_THROTTLE_FILE);
  const cachePath = join(stateDir, IBKR_CACHE_FILE);
  const lastAnswerPath = join(stateDir, IBKR_LAST_ANSWER_FILE);
  return {
    async readThrottle(nowMs) {
      const data = await readJson(throttlePath, onProblem);
      if (data === null) return null;
      const until = isRecord(data) && typeof data.throttledUntil === "string" ? Date.parse(data.throttledUntil) : Number.NaN;
      if (Number.isNaN(until)) {
        onProblem(`${IBKR_THROTTLE_FILE} has no readable throttledUntil; ignoring it`);
        return null;
      }
      const recordedText = isRecord(data) && typeof data.recordedAt === "string" ? data.recordedAt : "";
      const recordedAt = Date.parse(recordedText);
      const effective = effectiveThrottle(until, Number.isNaN(recordedAt) ? null : recordedAt, nowMs);
      if (effective === null)
        onProblem(`${IBKR_THROTTLE_FILE} was recorded at ${recordedText}, later than now (the clock moved back?); ignoring it`);
      return effective;
    },
    async writeThrottle(untilMs, nowMs) {
      const record = { throttledUntil: new Date(untilMs).toISOString(), recordedAt: new Date(nowMs).toISOString(), code: 1018 };
      writeJson(throttlePath, record);
    },
    async readCache() {
      const data = await readJson(cachePath, onProblem);
      if (data === null) return null;
      const cache = decodeCache(data);
      if (cache === null) onProblem(`${IBKR_CACHE_FILE} is not a statement cache this version understands; ignoring it`);
      return cache;
    },
    async writeCache(cache) {
      const record = {
        version: 1,
        queryId: cache.queryId,
        savedAt: new Date(cache.savedAt).toISOString(),
        accounts: cache.accounts.map((a) => ({ ...a, amount: toPlainString(a.amount) })),
        warnings: cache.warnings,
      };
      writeJson(cachePath, record);
    },
    async readLastAnswer() {
      const data = await readJson(lastAnswerPath, onProblem);
      if (data === null) return null;
      const answer = decodeLastAnswer(data);
      if (answer === null) onProblem(`${IBKR_LAST_ANSWER_FILE} is not readable; ignoring it`);
      return answer;
    },
    async writeLastAnswer(answer) {
      const record = {
        at: new Date(answer.at).toISOString(),
        ok: answer.ok,
        kind: answer.kind,
        code: answer.code,
        message: answer.message,
      };
      writeJson(lastAnswerPath, record);
    },
  };
}

const KINDS: ReadonlySet<string> = new Set<PlatformErrorKind>([
  "auth",
  "permission",
  "rate-limit",
  "clock-skew",
  "timeout",
  "unavailable",
  "bad-response",
  "config",
]);

function decodeLastAnswer(data: unknown): LastAnswer | null {
  if (!isRecord(data) || typeof data.at !== "string" || typeof data.ok !== "boolean" || typeof data.message !== "string") return null;
  const at = Date.parse(data.at);
  const kind = typeof data.kind === "string" && KINDS.has(data.kind) ? (data.kind as PlatformErrorKind) : null;
  const code = typeof data.code === "number" || typeof data.code === "string" ? data.code : null;
  if (Number.isNaN(at) || (!data.ok && kind === null)) return null;
  return { at, ok: data.ok, kind, code, message: data.message };
}

async function readJson(path: string, onProblem: (message: string) => void): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    onProblem(`cannot read ${path}: ${errorMessage(error)}`);
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    onProblem(`${path} is not valid JSON; ignoring it`);
    return null;
  }
}

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { createDirectory: true });
}

function decodeCache(data: unknown): CachedStatement | null {
  if (!isRecord(data) || data.version !== 1 || typeof data.queryId !== "string" || typeof data.savedAt !== "string") return null;
  const savedAt = Date.parse(data.savedAt);
  if (Number.isNaN(savedAt) || !Array.isArray(data.accounts) || data.accounts.length === 0) return null;
  const accounts: AccountNav[] = [];
  for (const item of data.accounts) {
    const account = decodeAccount(item);
    if (account === null) return null;
    accounts.push(account);
  }
  const warnings = Array.isArray(data.warnings) ? data.warnings.filter((w): w is string => typeof w === "string") : [];
  return { queryId: data.queryId, savedAt, accounts, warnings };
}

function decodeAccount(item: unknown): AccountNav | null {
  if (!isRecord(item)) return null;
  const { accountId, currency, amount, reportDate, source } = item;
  if (typeof accountId !== "string" || typeof currency !== "string" || typeof amount !== "string" || typeof reportDate !== "string")
    return null;
  if (source !== "EquitySummaryByReportDateInBase" && source !== "ChangeInNAV") return null;
  const value = parseDecimal(amount);
  if (value === null || !/^\d{4}-\d{2}-\d{2}$/.test(reportDate) || !/^[A-Z]{3}$/.test(currency)) return null;
  return { accountId, currency, amount: value, reportDate, source };
}
