import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BotService } from "../src/bot-service.ts";
import type { FxResult } from "../src/fx.ts";
import { HistoryStore } from "../src/history.ts";
import { silentLogger } from "../src/log.ts";
import { dec, toPlainString } from "../src/money.ts";
import { Scheduler } from "../src/schedule.ts";
import { combine, type PlatformRow, rowOf, type Snapshot } from "../src/snapshot.ts";

const FX: FxResult = { ok: true, stale: false, warnings: [], rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) } };
const okRow = (usd: string): PlatformRow =>
  rowOf({ platform: "bybit", holdings: [{ label: "a", money: { currency: "USD", amount: dec(usd) }, asOf: null }], assets: [], asOf: null, source: "t", warnings: [] }, null, 1);
const failedRow: PlatformRow = { ...okRow("0"), id: "okx", ok: false, usd: null, error: "OKX is unavailable", errorKind: "unavailable" };

function setup(snapshots: Snapshot[]) {
  const history = HistoryStore.open(mkdtempSync(join(tmpdir(), "pfbot-svc-")), "Europe/Paris", () => Date.parse("2026-11-24T12:00:00Z"));
  const sent: { html: string; silent: boolean }[] = [];
  let calls = 0;
  const service = new BotService({
    takeSnapshot: async () => snapshots[Math.min(calls++, snapshots.length - 1)]!,
    history,
    send: async (html, { silent }) => void sent.push({ html, silent }),
    timeZone: "Europe/Paris",
    includeBreakdown: false,
    log: silentLogger,
    version: "test",
  });
  const scheduler = new Scheduler({ settings: { timeZone: "Europe/Paris", windowStartHour: 8, windowEndHour: 20, frequencyMinutes: 120 }, run: () => service.scheduledRun(), setInterval: () => 0, clearInterval: () => {} });
  service.attach(scheduler);
  return { service, history, sent, calls: () => calls };
}

const at = (iso: string, rows: PlatformRow[]) => combine(rows, FX, new Date(iso), "Europe/Paris");

test("a complete scheduled report is sent silently and recorded; a partial one rings and never overwrites it", async () => {
  const { service, history, sent } = setup([at("2026-11-24T09:00:00Z", [okRow("1000")]), at("2026-11-24T11:00:00Z", [okRow("900"), failedRow])]);
  expect(await service.scheduledRun()).toBe("ok");
  expect(await service.scheduledRun()).toBe("partial");
  expect(sent.map((s) => s.silent)).toEqual([true, false]);
  expect(sent[1]!.html).toContain("❌ OKX: unavailable");
  const day = history.get("2026-11-24")!;
  expect(toPlainString(day.usd)).toBe("1000");
  expect(day.complete).toBe(true);
});

test("/status does not write history", async () => {
  const { service, history } = setup([at("2026-11-24T09:00:00Z", [okRow("1000")])]);
  expect(await service.statusHtml()).toContain("Bybit: <b>$1,000.00</b>");
  expect(history.count()).toBe(0);
});

test("concurrent requests share one snapshot", async () => {
  const { service, calls } = setup([at("2026-11-24T09:00:00Z", [okRow("1")])]);
  await Promise.all([service.statusHtml(), service.statusHtml(), service.scheduledRun()]);
  expect(calls()).toBe(1);
});

test("the change line compares with the previous complete day", async () => {
  const { service } = setup([at("2026-11-23T09:00:00Z", [okRow("1000")]), at("2026-11-24T09:00:00Z", [okRow("1100")])]);
  await service.scheduledRun();
  expect(await service.statusHtml()).toContain("Change since 23 Nov 2026: +$100.00 (+10.00%)");
});

test("a stored frequency outside 1..1440 falls back to the configured one", () => {
  const { history } = setup([]);
  history.db.run("INSERT INTO settings (key, value) VALUES ('schedule.frequency_minutes', '99999')");
  expect(BotService.storedSchedule(history.db, 120)).toEqual({ frequencyMinutes: 120, paused: false });
});
