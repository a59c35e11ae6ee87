// IBKR's Flex rate limit (brokers.md §2.3): 1 request per second and 10 per minute, per token; going
// over it earns a 10-minute penalty box. IBKR counts per token, not per client object, so one pacer
// serves the whole process (the wiring creates it) and every client of one token shares its budget:
// a client created per run cannot undo the spacing. Behind an interface, so that the request times can
// later live where several processes see them.
import type { Clock } from "../../lib/clock.ts";

/** IBKR asks for 1 s between requests; the margin covers the difference between our clock and theirs. */
export const MIN_REQUEST_SPACING_MS = 1_100;
/** IBKR allows 10 per minute per token; one is left for the user clicking "Run" in the portal. */
const MAX_REQUESTS_PER_MINUTE = 9;

export interface FlexPacer {
  /**
   * Waits until a request under `key` (one token at one service URL) may go out, then counts it. Returns
   * early, without counting, when `signal` aborts: the caller checks the signal.
   */
  turn(key: string, signal: AbortSignal): Promise<void>;
}

export function createFlexPacer(clock: Clock): FlexPacer {
  const requestLogs = new Map<string, number[]>();
  return {
    async turn(key, signal) {
      while (!signal.aborted) {
        const now = clock.now();
        // A clock set back must not make us wait for hours: times "in the future" count as now.
        const sent = (requestLogs.get(key) ?? []).filter((at) => at > now - 60_000).map((at) => Math.min(at, now));
        requestLogs.set(key, sent);
        const wait = waitMs(sent, now);
        if (wait === 0) {
          sent.push(now);
          return;
        }
        await clock.sleep(wait, signal);
      }
    },
  };
}

/** How long until one more request fits both limits, given the times of the last minute's requests. */
function waitMs(sent: readonly number[], now: number): number {
  const last = sent.at(-1);
  const oldestInWindow = sent.length >= MAX_REQUESTS_PER_MINUTE ? sent[sent.length - MAX_REQUESTS_PER_MINUTE] : undefined;
  return Math.max(
    0,
    last === undefined ? 0 : last + MIN_REQUEST_SPACING_MS - now,
    oldestInWindow === undefined ? 0 : oldestInWindow + 60_000 - now,
  );
}
