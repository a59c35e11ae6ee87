// What the IBKR client remembers across restarts, as small JSON files in the data directory:
// a "throttled until" time after a 1018 (IBKR's 10-minute penalty box, and repeat offenders get blocked,
// brokers.md §2.3), and the last good statement's values (the data changes once a day, so it is reused
// for IBKR_CACHE_MINUTES). Files are written atomically (temp file + rename) so a crash never leaves half a file.
// Names start with "ibkr-" (git-ignored as data/ibkr-*.json).
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDecimal, toPlainString } from "../money.ts";
import type { AccountNav } from "./ibkr-xml.ts";
import { isRecord } from "../guards.ts";

export const IBKR_THROTTLE_FILE = "ibkr-throttle.json";
export const IBKR_CACHE_FILE = "ibkr-cache.json";

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
  /** Until when IBKR must not be asked (ms since the epoch), or null. */
  readThrottle(): Promise<number | null>;
  writeThrottle(untilMs: number, nowMs: number): Promise<void>;
  readCache(): Promise<CachedStatement | null>;
  writeCache(cache: CachedStatement): Promise<void>;
}

/** State kept in `stateDir`; an unreadable file counts as absent and is reported through `onProblem`. */
export function createIbkrState(stateDir: string, onProblem: (message: string) => void): IbkrState {
  const throttlePath = join(stateDir, IBKR_THROTTLE_FILE);
  const cachePath = join(stateDir, IBKR_CACHE_FILE);
  return {
    async readThrottle() {
      const data = await readJson(throttlePath, onProblem);
      if (data === null) return null;
      const until = isRecord(data) && typeof data.throttledUntil === "string" ? Date.parse(data.throttledUntil) : Number.NaN;
      if (Number.isNaN(until)) {
        onProblem(`${IBKR_THROTTLE_FILE} has no readable throttledUntil; ignoring it`);
        return null;
      }
      return until;
    },
    async writeThrottle(untilMs, nowMs) {
      const record = { throttledUntil: new Date(untilMs).toISOString(), recordedAt: new Date(nowMs).toISOString(), code: 1018 };
      await writeAtomically(stateDir, throttlePath, record);
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
      await writeAtomically(stateDir, cachePath, record);
    },
  };
}

async function readJson(path: string, onProblem: (message: string) => void): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isRecord(error) && error.code === "ENOENT") return null;
    onProblem(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    onProblem(`${path} is not valid JSON; ignoring it`);
    return null;
  }
}

async function writeAtomically(dir: string, path: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
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
  if (typeof accountId !== "string" || typeof currency !== "string" || typeof amount !== "string" || typeof reportDate !== "string") return null;
  if (source !== "EquitySummaryByReportDateInBase" && source !== "ChangeInNAV") return null;
  const value = parseDecimal(amount);
  if (value === null || !/^\d{4}-\d{2}-\d{2}$/.test(reportDate) || !/^[A-Z]{3}$/.test(currency)) return null;
  return { accountId, currency, amount: value, reportDate, source };
}

