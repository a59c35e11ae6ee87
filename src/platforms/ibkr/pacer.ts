// IBKR's Flex rate limit (brokers.md §2.3): 1 request per second and 10 per minute, per token; going
// over it earns a 10-minute penalty box. IBKR counts per token, not per process: `pfbot --check` then
// `pfbot --dry-run`, or a --once while the bot runs, share one budget. So the request times live in
// DATA_DIR (ibkr-pacer.sqlite, next to the 1018 cool-down of state.ts), and every pfbot process on the
// machine books its turn there: in one SQLite write transaction it reads the last minute's requests of
// the token and, when one more fits both limits, records it; otherwise it waits for the turn, bounded by
// the caller's signal (its deadline), and tries again. SQLite's lock makes the read-and-book atomic
// across processes, and a process killed mid-way leaves nothing half-written. A request reaches IBKR
// some time after its booking (more on a loaded machine, with the JIT off), and before IBKR answers it:
// so when the answer comes, its booking moves to that moment, and the next request is spaced from a
// time IBKR's own lies before. A token is stored only as a hash. When the file cannot be used (a
// read-only DATA_DIR), this process paces itself in memory and says so once.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import { errorMessage } from "../../lib/errors.ts";

/** IBKR asks for 1 s between requests; the margin covers the difference between our clock and theirs. */
export const MIN_REQUEST_SPACING_MS = 1_100;
/** IBKR allows 10 per minute per token; one is left for the user clicking "Run" in the portal. */
const MAX_REQUESTS_PER_MINUTE = 9;
const WINDOW_MS = 60_000;

/** The request times every pfbot process shares, in DATA_DIR. */
export const IBKR_PACER_FILE = "ibkr-pacer.sqlite";
/** How soon to try again while another process sets the file up, and how many times before pacing alone (~1 s). */
const SETUP_RETRY_MS = 20;
const SETUP_ATTEMPTS = 50;

export interface FlexPacer {
  /**
   * Waits until a request under `key` (one token at one service URL) may go out, then counts it, and gives
   * the function to call once the request has ended (answered, failed or abandoned): the request then
   * counts from that moment. Returns early, without counting, when `signal` aborts: the caller checks the signal.
   */
  turn(key: string, signal: AbortSignal): Promise<RequestEnded>;
}

/** Marks a booked request as ended now; calling it again, or for a turn that booked nothing, does nothing. */
export type RequestEnded = () => void;

export interface FlexPacerOptions {
  /** DATA_DIR: where the request times are shared with the other pfbot processes. Without it, this process only. */
  readonly stateDir?: string;
  /** Told once when the shared file cannot be used, and this process paces itself alone. */
  readonly onProblem?: (message: string) => void;
}

export function createFlexPacer(clock: Clock, options: FlexPacerOptions = {}): FlexPacer {
  const memory = new Map<string, number[]>();
  const bookInMemory = (key: string, now: number): Booking => {
    const sent = recent(memory.get(key) ?? [], now);
    memory.set(key, sent);
    const wait = waitMs(sent, now);
    if (wait > 0) return { wait };
    sent.push(now);
    return {
      wait: 0,
      ended: () => {
        // The booking's time, unless a later booking's clean-up has dropped it from the window since.
        const times = memory.get(key) ?? [];
        const at = times.lastIndexOf(now);
        if (at < 0) return;
        times[at] = Math.max(now, clock.now());
        times.sort((x, y) => x - y);
      },
    };
  };
  let shared: SharedLog | null = options.stateDir !== undefined ? sharedLog(options.stateDir) : null;
  const giveUpShared = (error: unknown) => {
    shared = null;
    options.onProblem?.(
      `the IBKR request times in ${join(options.stateDir ?? "", IBKR_PACER_FILE)} cannot be used (${errorMessage(error)}): this process paces its own IBKR requests, but another pfbot process asking IBKR at the same time may earn a 10-minute penalty (1018); make DATA_DIR writable`,
    );
  };
  const book = (key: string): Booking => {
    if (shared === null) return bookInMemory(key, clock.now());
    const log = shared;
    try {
      const booking = log.book(key, () => clock.now());
      if (booking.requestId === undefined) return { wait: booking.wait };
      const requestId = booking.requestId;
      return {
        wait: 0,
        ended: () => {
          try {
            log.ended(requestId, clock.now());
          } catch (error) {
            // The request is over either way; the next booking finds the file unusable too, and says so.
            if (shared === log) giveUpShared(error);
          }
        },
      };
    } catch (error) {
      giveUpShared(error);
      return bookInMemory(key, clock.now());
    }
  };
  return {
    async turn(key, signal) {
      while (!signal.aborted) {
        const booking = book(key);
        if (booking.wait === 0) return once(booking.ended ?? (() => {}));
        await clock.sleep(booking.wait, signal);
      }
      return () => {};
    },
  };
}

interface Booking {
  /** 0 when the request was booked; otherwise how long until one fits. */
  readonly wait: number;
  readonly ended?: RequestEnded;
}

function once(ended: RequestEnded): RequestEnded {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    ended();
  };
}

interface SharedLog {
  /**
   * Books a request now (wait 0, with the booking's id), or says how long until one fits (booking nothing). The
   * time is read once the log is open and locked: the time booked is when this turn was decided, not before a
   * wait for the file.
   */
  book(key: string, readNow: () => number): { readonly wait: number; readonly requestId?: number };
  /** Moves a booked request to `now`, when IBKR has answered it (never earlier than it was booked). */
  ended(requestId: number, now: number): void;
}

/** The request log in `stateDir`, opened for each booking (a booking is rare, and no handle outlives it). */
function sharedLog(stateDir: string): SharedLog {
  const path = join(stateDir, IBKR_PACER_FILE);
  let refused = 0;
  /** The open log, or how long to wait while another process sets the file up. */
  const open = (): Database | number => {
    mkdirSync(stateDir, { recursive: true });
    const db = new Database(path, { create: true, strict: true });
    try {
      // Another process holds the lock only for its own booking (microseconds): wait for it.
      db.run("PRAGMA busy_timeout = 5000");
      // WAL, synchronous=NORMAL: a power cut may lose the last booking, never the file; a booking costs no fsync.
      // While another process creates the file or switches it to WAL, SQLite refuses the switch at once (waiting
      // could deadlock, so busy_timeout does not apply): processes started together on a new DATA_DIR saw it in
      // about one start in six. Their switch takes moments; by the next try the file is in WAL mode.
      try {
        db.query("PRAGMA journal_mode = WAL").get();
      } catch (error) {
        if (isBusy(error) && ++refused < SETUP_ATTEMPTS) {
          db.close();
          return SETUP_RETRY_MS;
        }
        throw error;
      }
      refused = 0;
      db.run("PRAGMA synchronous = NORMAL");
      db.run("CREATE TABLE IF NOT EXISTS requests (budget TEXT NOT NULL, at INTEGER NOT NULL) STRICT");
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  };
  return {
    book(key, readNow) {
      const db = open();
      if (typeof db === "number") return { wait: db };
      try {
        const budget = budgetOf(key);
        return db
          .transaction(() => {
            const now = readNow();
            db.query("DELETE FROM requests WHERE at <= ?1").run(now - WINDOW_MS);
            // As recent() reads them, for good: a time left in the future would keep every turn waiting.
            db.query("UPDATE requests SET at = ?1 WHERE at > ?1").run(now);
            const times = db
              .query<{ at: number }, [string]>("SELECT at FROM requests WHERE budget = ?1 ORDER BY at")
              .all(budget)
              .map((row) => row.at);
            const wait = waitMs(recent(times, now), now);
            if (wait > 0) return { wait };
            const { lastInsertRowid } = db.query("INSERT INTO requests (budget, at) VALUES (?1, ?2)").run(budget, now);
            return { wait: 0, requestId: Number(lastInsertRowid) };
          })
          .immediate();
      } finally {
        db.close();
      }
    },
    ended(requestId, now) {
      const db = open();
      if (typeof db === "number") return; // the file is being set up: it holds no booking of this process
      try {
        db.query("UPDATE requests SET at = ?2 WHERE rowid = ?1 AND at < ?2").run(requestId, now);
      } finally {
        db.close();
      }
    },
  };
}

/** SQLite's "database is locked" (SQLITE_BUSY and its extended codes). */
function isBusy(error: unknown): boolean {
  return error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("SQLITE_BUSY");
}

/** The budget's name on disk: a hash, never the token the key holds. */
function budgetOf(key: string): string {
  return new Bun.CryptoHasher("sha256").update(key).digest("hex");
}

/** The last minute's request times, oldest first. A clock set back must not make us wait for hours: times "in the future" count as now. */
function recent(times: readonly number[], now: number): number[] {
  return times
    .filter((at) => at > now - WINDOW_MS)
    .map((at) => Math.min(at, now))
    .sort((a, b) => a - b);
}

/** How long until one more request fits both limits, given the times of the last minute's requests. */
function waitMs(sent: readonly number[], now: number): number {
  const last = sent.at(-1);
  const oldestInWindow = sent.length >= MAX_REQUESTS_PER_MINUTE ? sent[sent.length - MAX_REQUESTS_PER_MINUTE] : undefined;
  return Math.max(
    0,
    last === undefined ? 0 : last + MIN_REQUEST_SPACING_MS - now,
    oldestInWindow === undefined ? 0 : oldestInWindow + WINDOW_MS - now,
  );
}
