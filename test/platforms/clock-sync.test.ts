import { expect, test } from "bun:test";
import { clockUnreadable, createClockSync } from "../../src/platforms/clock-sync.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { fakeClock } from "../support/clock.ts";

const signal = new AbortController().signal;

/** A server clock `aheadMs` in front of ours whose reply takes `latencyMs`, each read on record. */
function setup(aheadMs: number, latencyMs = 0) {
  const clock = fakeClock();
  const reads: number[] = [];
  let fail: unknown = null;
  const sync = createClockSync({
    now: clock.now,
    readServerTime: async () => {
      reads.push(clock.now());
      const serverMs = clock.now() + aheadMs + latencyMs / 2;
      await clock.sleep(latencyMs);
      if (fail !== null) throw fail;
      return serverMs;
    },
    onFailure: (error, reason) => new PlatformError("okx", "clock-skew", `clock not read (${reason})`, "skew", undefined, { cause: error }),
  });
  return { clock, sync, reads, failWith: (error: unknown) => (fail = error) };
}

test("the offset is the server time minus the midpoint of the read, and timestamps follow it", async () => {
  const { clock, sync } = setup(45_000, 400);
  expect([sync.offsetMs(), sync.timestamp()]).toEqual([0, clock.now()]);
  await sync.resyncOnce(sync.resyncs(), signal);
  expect(sync.offsetMs()).toBe(45_000);
  expect(sync.timestamp()).toBe(clock.now() + 45_000);
  expect(sync.resyncs()).toBe(1);
});

test("concurrent refusals share one read of the server clock", async () => {
  const { sync, reads } = setup(-8_000, 200);
  const before = sync.resyncs();
  await Promise.all([sync.resyncOnce(before, signal), sync.resyncOnce(before, signal), sync.resyncOnce(before, signal)]);
  expect(reads).toHaveLength(1);
  expect(sync.offsetMs()).toBe(-8_000);
});

test("a request signed before another call learnt the offset retries without reading the clock again", async () => {
  const { sync, reads } = setup(3_000);
  const signedAt = sync.resyncs();
  await sync.resyncOnce(signedAt, signal);
  await sync.resyncOnce(signedAt, signal);
  expect(reads).toHaveLength(1);
  // A request signed after that, refused again, reads it once more: the caller's retry-once rule ends the story.
  await sync.resyncOnce(sync.resyncs(), signal);
  expect(reads).toHaveLength(2);
});

test("a clock that cannot be read throws the caller's error with the reason, learns nothing, and may be tried again", async () => {
  const { sync, reads, failWith } = setup(30_000);
  const cause = new PlatformError("okx", "unavailable", "OKX answered HTTP 503 for /api/v5/public/time; try again later", "HTTP 503");
  failWith(cause);
  const before = sync.resyncs();
  const [first, second] = await Promise.allSettled([sync.resyncOnce(before, signal), sync.resyncOnce(before, signal)]);
  for (const settled of [first, second]) {
    expect(settled?.status).toBe("rejected");
    const error = settled?.status === "rejected" ? settled.reason : null;
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.message).toBe(`clock not read (${cause.message})`);
    expect(error.cause).toBe(cause);
  }
  expect([reads.length, sync.resyncs(), sync.offsetMs()]).toEqual([1, 0, 0]);
  // Anything but a PlatformError is not quoted.
  failWith(new TypeError("boom"));
  await expect(sync.resyncOnce(before, signal)).rejects.toThrow("clock not read (unexpected error)");
  failWith(null);
  await sync.resyncOnce(before, signal);
  expect([reads.length, sync.resyncs(), sync.offsetMs()]).toEqual([3, 1, 30_000]);
});

test("clockUnreadable: a clock-skew error naming the exchange and its code, saying to enable NTP, the read's failure as its cause", () => {
  const cause = new PlatformError("kucoin", "unavailable", "KuCoin answered HTTP 503 for /api/v1/timestamp; try again later", "HTTP 503");
  const error = clockUnreadable("kucoin", "400002")(cause, cause.message) as PlatformError;
  expect(error).toBeInstanceOf(PlatformError);
  expect([error.platform, error.kind, error.code, error.cause]).toEqual(["kucoin", "clock-skew", "400002", cause]);
  expect(error.message).toBe(
    `KuCoin rejected the request time (code 400002) and its clock could not be read (${cause.message}): enable NTP on this server`,
  );
  expect((clockUnreadable("binance", -1021)(cause, "x") as PlatformError).code).toBe(-1021);
});
