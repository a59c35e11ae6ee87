// The alert keeper over a real pfbot.sqlite: rules, state and queue in one transaction, delivery through a send
// function. A "restart" is a new keeper over the database file reopened.

import type { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DIGEST_LAST_SLOT } from "../../src/alerts/state.ts";
import { type AlertConfig, AlertKeeper, type AlertSend, DIGEST_GRACE_MS } from "../../src/bot/alerts.ts";
import { MAX_QUEUED } from "../../src/history/alert-outbox.ts";
import { openDatabase } from "../../src/history/db.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { dayRecord, snapshotAt, TZ } from "../alerts/support.ts";
import { tempDir } from "../support/temp-dir.ts";

const CONFIG: AlertConfig = { thresholds: { report: 5, day: null }, failures: 3, digest: { weekday: 0, hour: 19, minute: 0 } };
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function keeperAt(path: string, config: AlertConfig = CONFIG): AlertKeeper {
  const db = openDatabase(path);
  open.push(db);
  return new AlertKeeper({ db, config: () => config, timeZone: TZ, privacy: () => false, log: silentLogger });
}

/** A send that records what it sent, or fails while `failing` is set. */
function telegram() {
  const sent: { html: string; silent: boolean }[] = [];
  const state = { failing: false };
  const send: AlertSend = async (html, { silent }) => {
    if (state.failing) throw new Error("Telegram did not answer sendMessage");
    sent.push({ html, silent });
  };
  return { sent, send, state };
}

const file = () => join(tempDir("alerts"), "pfbot.sqlite");

describe("move alerts across restarts", () => {
  test("a move is alerted once: after a restart the same level is no move, and nothing is sent again", async () => {
    const path = file();
    const { sent, send } = telegram();
    const first = keeperAt(path);
    expect(first.afterReport(snapshotAt("2026-11-24T08:00:00Z", { bybit: "100" }))).toBe(0);
    expect(first.afterReport(snapshotAt("2026-11-24T10:00:00Z", { bybit: "90" }))).toBe(1);
    expect(await first.deliver(send)).toEqual({ delivered: 1, failed: null });
    open.pop()?.close();
    const second = keeperAt(path);
    expect(second.afterReport(snapshotAt("2026-11-24T12:00:00Z", { bybit: "90" }))).toBe(0);
    expect(await second.deliver(send)).toEqual({ delivered: 0, failed: null });
    expect(sent.map((m) => m.html.split("\n")[0])).toEqual(["📉 <b>Portfolio −10.00%</b> (−$10) since the last report"]);
    expect(sent[0]!.silent).toBe(false);
  });

  test("an alert Telegram did not take is kept through a restart and delivered once, before newer ones", async () => {
    const path = file();
    const { sent, send, state } = telegram();
    const first = keeperAt(path);
    first.afterReport(snapshotAt("2026-11-24T08:00:00Z", { bybit: "100" }));
    first.afterReport(snapshotAt("2026-11-24T10:00:00Z", { bybit: "90" }));
    state.failing = true;
    expect(await first.deliver(send)).toEqual({ delivered: 0, failed: "Telegram did not answer sendMessage" });
    open.pop()?.close();
    state.failing = false;
    const second = keeperAt(path);
    expect(second.pending()).toHaveLength(1);
    second.afterReport(snapshotAt("2026-11-24T12:00:00Z", { bybit: "99" }));
    expect(await second.deliver(send)).toEqual({ delivered: 2, failed: null });
    expect(await second.deliver(send)).toEqual({ delivered: 0, failed: null });
    expect(sent.map((m) => m.html.split("\n")[0])).toEqual([
      "📉 <b>Portfolio −10.00%</b> (−$10) since the last report",
      "📈 <b>Portfolio +10.00%</b> (+$9) since the last report",
    ]);
  });

  test("two deliveries at once send each alert once", async () => {
    const keeper = keeperAt(":memory:");
    const { sent, send } = telegram();
    keeper.afterReport(snapshotAt("2026-11-24T08:00:00Z", { bybit: "100" }));
    keeper.afterReport(snapshotAt("2026-11-24T10:00:00Z", { bybit: "90" }));
    const results = await Promise.all([keeper.deliver(send), keeper.deliver(send)]);
    expect(results.map((r) => r.delivered).sort()).toEqual([0, 1]);
    expect(sent).toHaveLength(1);
  });

  test(`the queue keeps the newest ${MAX_QUEUED} alerts while Telegram is unreachable`, async () => {
    const keeper = keeperAt(":memory:", { ...CONFIG, thresholds: { report: 1, day: null } });
    for (let i = 0; i <= MAX_QUEUED + 4; i++)
      keeper.afterReport(snapshotAt(new Date(Date.UTC(2026, 10, 24, 0, i)).toISOString(), { bybit: i % 2 === 0 ? "100" : "90" }));
    const pending = keeper.pending();
    expect(pending).toHaveLength(MAX_QUEUED);
    expect(pending.at(-1)!.raisedAt.toISOString()).toBe("2026-11-24T00:54:00.000Z");
  });
});

describe("failure alerts through the keeper", () => {
  test("the third consecutive failed scheduled run gives one alert, the fourth none, the recovery one 'back'", async () => {
    const keeper = keeperAt(":memory:");
    const { sent, send } = telegram();
    const run = (hour: number, okx: string | null) =>
      keeper.afterReport(snapshotAt(new Date(Date.UTC(2026, 10, 24, hour)).toISOString(), { bybit: "100", okx }));
    expect([run(8, null), run(10, null), run(12, null), run(14, null)]).toEqual([0, 0, 1, 0]);
    expect(keeper.outageLines()).toEqual(["⚠️ OKX out since 24 Nov, 09:00: 4 scheduled runs failed"]);
    expect(run(16, "50")).toBe(1);
    expect(keeper.outageLines()).toEqual([]);
    await keeper.deliver(send);
    expect(sent.map((m) => m.html.split("\n")[0])).toEqual([
      "⚠️ <b>OKX is out</b>: it failed 3 scheduled runs in a row, since 24 Nov, 09:00.",
      "✅ <b>OKX is back</b> after 8 h out.",
    ]);
  });
});

test("key expiry warnings through the keeper: once per warning day, across restarts", async () => {
  const path = file();
  const expiresAt = new Date("2026-12-08T07:20:25Z");
  const day = (left: number) => expiresAt.getTime() - left * 86_400_000;
  expect(keeperAt(path).afterKeyAudits([{ platform: "bybit", expiresAt }], day(14))).toBe(1);
  open.pop()?.close();
  const again = keeperAt(path);
  expect(again.afterKeyAudits([{ platform: "bybit", expiresAt }], day(13))).toBe(0);
  expect(again.afterKeyAudits([{ platform: "bybit", expiresAt }], day(3))).toBe(1);
  expect(again.pending().map((a) => a.kind)).toEqual(["expiry", "expiry"]);
});

describe("the weekly digest through the keeper", () => {
  const slot = new Date("2026-11-29T18:00:00Z");
  const records = [
    dayRecord("2026-11-22", "100", { platforms: { bybit: "100" } }),
    dayRecord("2026-11-29", "110", { platforms: { bybit: "110" } }),
  ];

  test("due at its slot, queued silently with the week's chart, and never again after a restart", async () => {
    const path = file();
    const keeper = keeperAt(path);
    expect(keeper.digestDue(new Date(slot.getTime() - 1))).toBeNull();
    expect(keeper.digestDue(slot)).toEqual(slot);
    const chart = keeper.queueDigest(slot, records);
    expect(chart.kind).toBe("chart");
    const { sent, send } = telegram();
    await keeper.deliver(send);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.silent).toBe(true);
    expect(sent[0]!.html).toContain("▲ <b>$10</b> (10.00%) since Sun 22 Nov\n$100 → $110\n");
    open.pop()?.close();
    expect(keeperAt(path).digestDue(new Date(slot.getTime() + 60_000))).toBeNull();
  });

  test("a slot missed by more than the grace is not sent; off (no DIGEST) is never due", () => {
    const keeper = keeperAt(":memory:");
    expect(keeper.digestDue(new Date(slot.getTime() + DIGEST_GRACE_MS + 1))).toBeNull();
    expect(keeperAt(":memory:", { ...CONFIG, digest: null }).digestDue(slot)).toBeNull();
  });

  test("the slot is marked sent in the same transaction that queues the digest", () => {
    const path = file();
    keeperAt(path).queueDigest(slot, records);
    const db = openDatabase(path);
    open.push(db);
    expect(new SettingsStore(db).get(DIGEST_LAST_SLOT)).toEqual(slot);
    expect(db.query("SELECT kind, silent FROM alert_outbox").all()).toEqual([{ kind: "digest", silent: 1 }]);
  });
});
