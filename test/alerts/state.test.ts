// The alert rules' state as settings entries: each reads back what it wrote, and a value that does not read back
// (hand-edited, or another pfbot's) reads as unset rather than failing the run.
import { describe, expect, test } from "bun:test";
import { expiryRule, NO_EXPIRY_WARNINGS } from "../../src/alerts/expiry.ts";
import { failureRule, NO_OUTAGES } from "../../src/alerts/failures.ts";
import { moveRule, NO_MOVES, reportPoint } from "../../src/alerts/move.ts";
import {
  DIGEST_LAST_SLOT,
  FAILURE_ALERT_STATE,
  KEY_EXPIRY_STATE,
  MOVE_ALERT_STATE,
  PINNED_STATUS_MESSAGE,
} from "../../src/alerts/state.ts";
import { openDatabase } from "../../src/history/db.ts";
import { type Setting, SettingsStore } from "../../src/history/settings.ts";
import { snapshotAt, TZ } from "./support.ts";

function roundTrip<T>(setting: Setting<T>, value: T): T | null {
  const db = openDatabase(":memory:");
  try {
    const store = new SettingsStore(db);
    store.set(setting, value);
    return store.get(setting);
  } finally {
    db.close();
  }
}

describe("each entry reads back what it wrote, to the exact decimal and millisecond", () => {
  test("the move rule's bases", () => {
    const thresholds = { report: 5, day: 5 };
    let state = moveRule(
      NO_MOVES,
      reportPoint(snapshotAt("2026-11-24T07:00:00.123Z", { bybit: "100.000001", okx: "0.5" })),
      thresholds,
      TZ,
    ).state;
    state = moveRule(state, reportPoint(snapshotAt("2026-11-24T09:00:00Z", { bybit: "90", okx: "0.5" })), thresholds, TZ).state;
    expect(state.day?.side).toBe("down");
    expect(roundTrip(MOVE_ALERT_STATE, state)).toEqual(state);
    expect(roundTrip(MOVE_ALERT_STATE, NO_MOVES)).toEqual(NO_MOVES);
  });

  test("the outages, the key expiry warnings, the digest's last slot and the pinned message", () => {
    const outages = failureRule(
      NO_OUTAGES,
      [{ id: "okx", ok: false, error: 'a <b>bad</b> "key"' }],
      new Date("2026-11-24T09:00:00Z"),
      1,
    ).state;
    expect(roundTrip(FAILURE_ALERT_STATE, outages)).toEqual(outages);
    const expiry = expiryRule(
      NO_EXPIRY_WARNINGS,
      [{ platform: "bybit", expiresAt: new Date("2026-12-01T07:20:25Z") }],
      Date.parse("2026-11-24T09:00:00Z"),
    ).state;
    expect(expiry.keys.get("bybit")?.warned).toBe(14);
    expect(roundTrip(KEY_EXPIRY_STATE, expiry)).toEqual(expiry);
    expect(roundTrip(DIGEST_LAST_SLOT, new Date("2026-11-29T18:00:00Z"))).toEqual(new Date("2026-11-29T18:00:00Z"));
    const pinned = { chatId: -1001234567890, messageId: 42, sentAt: new Date("2026-11-24T09:00:00Z") };
    expect(roundTrip(PINNED_STATUS_MESSAGE, pinned)).toEqual(pinned);
  });
});

test("a value that does not read back is unset, and an outage of a platform the registry no longer knows is dropped", () => {
  for (const setting of [MOVE_ALERT_STATE, FAILURE_ALERT_STATE, KEY_EXPIRY_STATE, PINNED_STATUS_MESSAGE]) {
    for (const text of ["", "{", "null", "[]", '{"version":2}', '{"version":1}']) expect(setting.parse(text)).toBeNull();
  }
  expect(
    MOVE_ALERT_STATE.parse('{"version":1,"last":{"takenAt":"2026-11-24T09:00:00Z","usd":"NaN","platforms":{}},"day":null}'),
  ).toBeNull();
  expect(DIGEST_LAST_SLOT.parse("next sunday")).toBeNull();
  const gone = FAILURE_ALERT_STATE.parse(
    '{"version":1,"outages":[{"platform":"ftx","failures":3,"since":"2022-11-08T00:00:00Z","lastAt":"2022-11-11T00:00:00Z","lastError":"gone","alerted":true}]}',
  );
  expect(gone?.outages.size).toBe(0);
});
