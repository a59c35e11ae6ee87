/**
 * @module Clock-offset correction for the signed transports. An exchange that finds a request's timestamp too far
 * from its own clock refuses it with its clock-skew code; the transport then learns the exchange's clock once (one
 * read shared by concurrent calls, skipped when another call already learnt it since this one was signed) and
 * retries once. A second refusal is reported, never retried again, so a broken clock cannot loop: the retry-once
 * rule stays with each transport, which knows its code.
 */
import { type PlatformId, platformName } from "./registry.ts";
import { PlatformError } from "./types.ts";

export interface ClockSyncOptions {
  /** Our clock, ms since the epoch. */
  readonly now: () => number;
  /** Reads the exchange's clock (ms since the epoch) from its public time endpoint; throws when it cannot. */
  readonly readServerTime: (signal: AbortSignal) => Promise<number>;
  /**
   * The error to throw when the exchange's clock could not be read, given what readServerTime threw and `reason`, the
   * text to quote: that PlatformError's message, or "unexpected error".
   */
  readonly onFailure: (error: unknown, reason: string) => unknown;
}

export interface ClockSync {
  /** The exchange's clock minus ours (ms), 0 until learnt. */
  offsetMs(): number;
  /** Now on the exchange's clock (ms since the epoch): the time to sign. */
  timestamp(): number;
  /** How many times the offset has been learnt: read it before signing, hand it to resyncOnce after a refusal. */
  resyncs(): number;
  /**
   * After a clock-skew refusal of a request signed when resyncs() was `before`: learns the offset, unless another call
   * already did since; concurrent calls share one read. Throws onFailure's error when the clock cannot be read.
   */
  resyncOnce(before: number, signal: AbortSignal): Promise<void>;
}

export function createClockSync({ now, readServerTime, onFailure }: ClockSyncOptions): ClockSync {
  let offsetMs = 0;
  let resyncCount = 0;
  let resyncing: Promise<void> | null = null;

  const resync = async (signal: AbortSignal): Promise<void> => {
    const sentAt = now();
    const serverMs = await readServerTime(signal);
    const receivedAt = now();
    // The exchange read its clock somewhere between send and receive: assume the midpoint, as NTP does.
    offsetMs = serverMs - Math.round((sentAt + receivedAt) / 2);
    resyncCount += 1;
  };

  return {
    offsetMs: () => offsetMs,
    timestamp: () => now() + offsetMs,
    resyncs: () => resyncCount,
    async resyncOnce(before, signal) {
      if (resyncCount !== before) return;
      resyncing ??= resync(signal).finally(() => (resyncing = null));
      try {
        await resyncing;
      } catch (error) {
        throw onFailure(error, error instanceof PlatformError ? error.message : "unexpected error");
      }
    },
  };
}

/**
 * onFailure for an exchange that refuses a request's time with `code`: a clock-skew error that says to enable NTP,
 * with what the clock read threw as its cause.
 */
export function clockUnreadable(platform: PlatformId, code: string | number): ClockSyncOptions["onFailure"] {
  return (error, why) =>
    new PlatformError(
      platform,
      "clock-skew",
      `${platformName(platform)} rejected the request time (code ${code}) and its clock could not be read (${why}): enable NTP on this server`,
      code,
      undefined,
      { cause: error },
    );
}
