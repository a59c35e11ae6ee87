import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { FREQUENCY_USAGE } from "../../src/bot/controls.ts";
import { DEFAULT_HISTORY } from "../../src/bot/history-buttons.ts";
import { coverageKey, delivery } from "../../src/bot/notify.ts";
import { type BotService, createBotService, PAUSED_NOTE } from "../../src/bot/service.ts";
import { BOT_SETTINGS } from "../../src/bot/settings.ts";
import type { NotifyMode } from "../../src/config/notify.ts";
import type { FxResult } from "../../src/fx/source.ts";
import { DATABASE_FILE } from "../../src/history/db.ts";
import { historyViewHtml } from "../../src/history/io.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { addDays, HistoryStore } from "../../src/history/store.ts";
import { createLogger, type Logger, silentLogger } from "../../src/lib/log.ts";
import { dec, mul, toPlainString } from "../../src/lib/money.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { htmlToText } from "../../src/render/html.ts";
import { combine, failedRow, type PlatformRow, rowOf, type Snapshot } from "../../src/snapshot/snapshot.ts";
import { texts } from "../render/chart/support.ts";
import { tempDir } from "../support/temp-dir.ts";

const FX: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
};
const okRow = (usd: string): PlatformRow =>
  rowOf(
    {
      platform: "bybit",
      holdings: [{ label: "a", money: { currency: "USD", amount: dec(usd) }, asOf: null }],
      assets: [],
      asOf: null,
      source: "t",
      warnings: [],
      leftOut: [],
    },
    null,
    1,
  );
const failedOkx: PlatformRow = failedRow("okx", new PlatformError("okx", "unavailable", "OKX is unavailable"), 1);

interface SetupOptions {
  readonly dataDir?: string;
  readonly history?: HistoryStore;
  readonly settings?: SettingsStore;
  readonly takeSnapshot?: () => Promise<Snapshot>;
  /** Throws to refuse a message (Telegram unreachable). */
  readonly send?: (html: string) => Promise<void>;
  readonly log?: Logger;
  readonly runBudgetMs?: number;
  /** POLL_INTERVAL_MINUTES as configured (120 by default). */
  readonly frequencyMinutes?: number;
  /** PRIVACY as configured. */
  readonly privacy?: boolean;
  /** NOTIFY as configured. */
  readonly notify?: NotifyMode;
  readonly renderChart?: (svg: string) => Promise<Uint8Array>;
}

function setup(snapshots: Snapshot[], options: SetupOptions = {}) {
  const dataDir = options.dataDir ?? tempDir("svc");
  const history = options.history ?? HistoryStore.open(dataDir, "Europe/Paris", () => Date.parse("2026-11-24T12:00:00Z"));
  const sent: { html: string; silent: boolean }[] = [];
  let calls = 0;
  let clock = new Date("2026-11-24T08:59:00Z");
  const service = createBotService({
    takeSnapshot: options.takeSnapshot ?? (async () => snapshots[Math.min(calls++, snapshots.length - 1)]!),
    history,
    settings: options.settings ?? new SettingsStore(history.db),
    dataDir,
    send: async (html, { silent }) => {
      await options.send?.(html);
      sent.push({ html, silent });
    },
    timeZone: "Europe/Paris",
    schedule: { windowStartHour: 8, windowEndHour: 20, frequencyMinutes: options.frequencyMinutes ?? 120 },
    timers: { setInterval: () => 0, clearInterval: () => {} },
    includeBreakdown: false,
    log: options.log ?? silentLogger,
    version: "test",
    now: () => clock.getTime(),
    ...(options.runBudgetMs ? { runBudgetMs: options.runBudgetMs } : {}),
    ...(options.privacy ? { privacy: options.privacy } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.renderChart ? { renderChart: options.renderChart } : {}),
  });
  return {
    service,
    history,
    sent,
    scheduler: service.scheduler,
    calls: () => calls,
    /** Sets the clock (scheduler and service). */
    setClock: (iso: string) => {
      clock = new Date(iso);
    },
  };
}

/** A logger writing into `lines`. */
function logTo(lines: string[]): Logger {
  return createLogger({ level: "debug", secrets: [], write: (line) => lines.push(line), colour: false });
}

function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: "debug", secrets: [], write: (line) => lines.push(line), colour: false }), lines };
}

const at = (iso: string, rows: PlatformRow[]) => combine(rows, FX, new Date(iso), "Europe/Paris");
/** /status's message. */
const statusHtml = async (service: BotService) => (await service.statusScreen()).html;

test("a complete scheduled report is sent silently and recorded; a partial one rings and never overwrites it", async () => {
  const { service, history, sent } = setup([
    at("2026-11-24T09:00:00Z", [okRow("1000")]),
    at("2026-11-24T11:00:00Z", [okRow("900"), failedOkx]),
  ]);
  expect(await service.scheduledRun()).toBe("ok");
  expect(await service.scheduledRun()).toBe("partial");
  expect(sent.map((s) => s.silent)).toEqual([true, false]);
  expect(sent[0]!.html.split("\n")[0]).toBe("<b>$1,000 · ₽80k</b>");
  // The partial one says so on its first line (the notification's) and names the platform that failed.
  expect(sent[1]!.html.split("\n")[0]).toBe("<b>$900 · ₽72k</b> ⚠️ partial");
  expect(sent[1]!.html).toContain("\nOKX ❌ unavailable\n");
  const day = history.get("2026-11-24")!;
  expect(toPlainString(day.usd)).toBe("1000");
  expect(day.complete).toBe(true);
});

test("/status does not write history", async () => {
  const { service, history } = setup([at("2026-11-24T09:00:00Z", [okRow("1000")])]);
  expect(await statusHtml(service)).toContain("\nBybit $1,000\n");
  expect(history.count()).toBe(0);
});

test("concurrent requests share one snapshot", async () => {
  const { service, calls } = setup([at("2026-11-24T09:00:00Z", [okRow("1")])]);
  await Promise.all([statusHtml(service), statusHtml(service), service.scheduledRun()]);
  expect(calls()).toBe(1);
});

test("the change line compares with the previous complete day", async () => {
  const { service } = setup([at("2026-11-23T09:00:00Z", [okRow("1000")]), at("2026-11-24T09:00:00Z", [okRow("1100")])]);
  await service.scheduledRun();
  expect((await statusHtml(service)).split("\n")[1]).toBe("▲ $100 (10.00%) since 23 Nov");
});

test("the service starts on the schedule stored by /frequency and /pause; a stored frequency outside 1..1440 counts as unset", () => {
  const dataDir = tempDir("svc");
  const first = setup([], { dataDir });
  expect(first.service.frequency("45")).toStartWith("Frequency set to 45 minutes.");
  expect(first.service.pause()).toStartWith("Scheduled reports paused.");
  first.history.close();

  const second = setup([], { dataDir });
  expect(second.scheduler.frequencyMinutes()).toBe(45);
  expect(second.scheduler.isPaused()).toBe(true);
  second.history.db.run("UPDATE settings SET value = '99999' WHERE key = 'schedule.frequency_minutes'");
  second.history.close();

  const third = setup([], { dataDir });
  expect(third.scheduler.frequencyMinutes()).toBe(120);
  expect(third.service.frequency("")).toStartWith("Reports every 120 minutes (from POLL_INTERVAL_MINUTES).");
  third.history.close();
});

describe("/frequency and POLL_INTERVAL_MINUTES", () => {
  test("/frequency says where the value comes from", () => {
    const { service, setClock } = setup([]);
    expect(service.frequency("")).toStartWith("Reports every 120 minutes (from POLL_INTERVAL_MINUTES). ");
    setClock("2026-11-26T10:00:00Z");
    service.frequency("45");
    expect(service.frequency("")).toStartWith("Reports every 45 minutes (set in the chat on 26 Nov). ");
    expect(service.frequency("1")).toStartWith("Frequency set to 1 minute. ");
    expect(service.frequency("")).toStartWith("Reports every 1 minute (set in the chat on 26 Nov).");
  });

  test("after a restart with POLL_INTERVAL_MINUTES unchanged, /frequency's value stays", () => {
    const dataDir = tempDir("svc");
    const first = setup([], { dataDir });
    first.setClock("2026-11-26T10:00:00Z");
    first.service.frequency("45");
    first.history.close();
    const lines: string[] = [];
    const second = setup([], { dataDir, log: logTo(lines) });
    expect(second.scheduler.frequencyMinutes()).toBe(45);
    expect(second.service.frequency("")).toStartWith("Reports every 45 minutes (set in the chat on 26 Nov).");
    expect(lines).toEqual([]);
    second.history.close();
  });

  test("after a restart with POLL_INTERVAL_MINUTES changed, the env value wins, the log says so, and /frequency is forgotten", () => {
    const dataDir = tempDir("svc");
    const first = setup([], { dataDir });
    first.setClock("2026-11-26T10:00:00Z");
    first.service.frequency("45");
    first.history.close();
    const lines: string[] = [];
    const second = setup([], { dataDir, log: logTo(lines), frequencyMinutes: 60 });
    expect(second.scheduler.frequencyMinutes()).toBe(60);
    expect(second.service.frequency("")).toStartWith("Reports every 60 minutes (from POLL_INTERVAL_MINUTES).");
    expect(lines).toEqual([
      "INFO  POLL_INTERVAL_MINUTES changed since the chat set the frequency to 45 minutes on 26 Nov (the env file had 120, it has 60): the frequency is 60 minutes, from POLL_INTERVAL_MINUTES",
    ]);
    second.history.close();
    // Forgotten: the same env at the next start is no change, and says nothing.
    const third = setup([], { dataDir, log: logTo(lines), frequencyMinutes: 60 });
    expect(third.scheduler.frequencyMinutes()).toBe(60);
    expect(lines).toHaveLength(1);
    third.history.close();
  });

  test("a frequency stored by an earlier pfbot (no env value beside it) stays, and the next env change wins", () => {
    const dataDir = tempDir("svc");
    const db = new SettingsStore(HistoryStore.open(dataDir, "Europe/Paris").db);
    db.set(BOT_SETTINGS.frequencyMinutes, 30);
    const first = setup([], { dataDir });
    expect(first.scheduler.frequencyMinutes()).toBe(30);
    expect(first.service.frequency("")).toStartWith("Reports every 30 minutes (set in the chat).");
    first.history.close();
    const second = setup([], { dataDir, frequencyMinutes: 90 });
    expect(second.scheduler.frequencyMinutes()).toBe(90);
    second.history.close();
  });
});

describe("a paused bot", () => {
  test("logs at start that reports are paused", () => {
    const dataDir = tempDir("svc");
    const first = setup([], { dataDir });
    first.service.pause();
    first.history.close();
    const lines: string[] = [];
    setup([], { dataDir, log: logTo(lines) }).history.close();
    expect(lines).toEqual(["WARN  scheduled reports are paused (/pause): none is sent until /resume; /status still works"]);
  });

  test("ends every /status reply with one line saying so, until /resume", async () => {
    const { service } = setup([at("2026-11-24T09:00:00Z", [okRow("100")])]);
    expect(await statusHtml(service)).not.toContain(PAUSED_NOTE);
    service.pause();
    const paused = await statusHtml(service);
    expect(paused.split("\n").at(-1)).toBe(PAUSED_NOTE);
    expect(paused.split(PAUSED_NOTE)).toHaveLength(2);
    service.resume();
    expect(await statusHtml(service)).not.toContain(PAUSED_NOTE);
  });
});

test("/frequency refuses what the schedule refuses, and stores nothing then", () => {
  const { service, scheduler, history } = setup([]);
  for (const argument of ["0", "1441", "-5", "1.5", "abc", "60 minutes", "99999999999999999999"])
    expect(service.frequency(argument)).toBe(FREQUENCY_USAGE);
  expect(scheduler.frequencyMinutes()).toBe(120);
  expect(history.db.query("SELECT count(*) AS n FROM settings WHERE key LIKE 'schedule.%'").get()).toEqual({ n: 0 });
  expect(service.frequency(" 1440 ")).toStartWith("Frequency set to 1440 minutes.");
  expect(scheduler.frequencyMinutes()).toBe(1440);
});

test("a history that cannot be written: the report is still delivered, the failure logged with what to do, and /status, /healthz and /pause say so", async () => {
  const dataDir = tempDir("svc");
  HistoryStore.open(dataDir, "Europe/Paris").close();
  // SQLite's read-only mode refuses every write, even to root (a chmod would not).
  const history = new HistoryStore(new Database(join(dataDir, DATABASE_FILE), { readonly: true }), "Europe/Paris");
  const { log, lines } = capturingLogger();
  const { service, sent } = setup([at("2026-11-24T09:00:00Z", [okRow("1000")])], { dataDir, history, log });
  expect(service.health()).toMatchObject({ ok: true, historyWritable: true });

  expect(await service.scheduledRun()).toBe("ok");
  expect(sent).toHaveLength(1);
  expect(sent[0]!.html).toContain("\nBybit $1,000\n");
  const logged = lines.find((line) => line.includes("history not recorded"));
  expect(logged).toStartWith("ERROR");
  expect(logged).toContain(`DATA_DIR ${dataDir} is read-only or not writable by pfbot's user`);
  expect(logged).toContain("make it writable, or set DATA_DIR to a writable directory");
  expect(lines.find((line) => line.startsWith("INFO  scheduled run done"))).toContain('history="not recorded"');

  const health = service.health();
  expect(health.ok).toBe(false);
  expect(health.historyWritable).toBe(false);
  expect(health.problems).toEqual([expect.stringContaining(`history not recorded: DATA_DIR ${dataDir} is read-only`)]);
  expect(await statusHtml(service)).toContain(`⚠️ The history is not being saved: DATA_DIR ${dataDir} is read-only`);
  expect(service.pause()).toContain("(Not remembered after a restart: DATA_DIR");
  expect(history.count()).toBe(0);
  history.close();
});

test("a report that cannot be delivered fails its run (the day is still recorded) and /healthz is not ok until a run delivers", async () => {
  let refuse = true;
  const send = async () => {
    if (refuse) throw new Error("Telegram did not answer sendMessage within 60 s");
  };
  const { service, scheduler, sent, history, setClock } = setup(
    [at("2026-11-24T09:00:00Z", [okRow("1000")]), at("2026-11-24T11:00:00Z", [okRow("1100")])],
    { send },
  );
  scheduler.start();
  setClock("2026-11-24T09:00:01Z");
  await scheduler.tick();
  expect(sent).toHaveLength(0);
  expect(scheduler.lastRun()).toMatchObject({
    outcome: "failed",
    error: "the report could not be delivered to Telegram: Telegram did not answer sendMessage within 60 s",
  });
  expect(toPlainString(history.get("2026-11-24")!.usd)).toBe("1000");
  const failed = service.health();
  expect(failed.ok).toBe(false);
  expect(failed.lastRun).toEqual({ slot: "2026-11-24T09:00:00.000Z", at: "2026-11-24T09:00:01.000Z", outcome: "failed", delivered: false });
  expect(failed.problems).toEqual([
    "the scheduled run of 2026-11-24T09:00:00.000Z failed: the report could not be delivered to Telegram: Telegram did not answer sendMessage within 60 s",
  ]);

  refuse = false;
  setClock("2026-11-24T11:00:01Z");
  await scheduler.tick();
  expect(sent).toHaveLength(1);
  expect(service.health()).toMatchObject({
    ok: true,
    problems: [],
    lastRun: { slot: "2026-11-24T11:00:00.000Z", outcome: "ok", delivered: true },
  });
});

test("a scheduled run that outlives its budget makes /healthz not ok", async () => {
  let finish: (snapshot: Snapshot) => void = () => {};
  const takeSnapshot = () => new Promise<Snapshot>((resolve) => (finish = resolve));
  const { service, scheduler, setClock } = setup([], { takeSnapshot, runBudgetMs: 5 * 60_000 });
  scheduler.start();
  setClock("2026-11-24T09:00:01Z");
  const run = scheduler.tick();
  setClock("2026-11-24T09:04:00Z");
  expect(service.health()).toMatchObject({
    ok: true,
    running: { slot: "2026-11-24T09:00:00.000Z", since: "2026-11-24T09:00:01.000Z", overrun: false },
  });
  setClock("2026-11-24T09:07:30Z");
  const health = service.health();
  expect(health).toMatchObject({ ok: false, running: { overrun: true } });
  expect(health.problems).toEqual([
    "the scheduled run of 2026-11-24T09:00:00.000Z has been running for 7 min, longer than the 5 min it may take",
  ]);
  finish(at("2026-11-24T09:00:00Z", [okRow("1")]));
  await run;
  expect(service.health()).toMatchObject({ ok: true, running: null });
});

describe("charts", () => {
  const caption = (answer: ReturnType<ReturnType<typeof setup>["service"]["chart"]>) => {
    if (answer.kind !== "photo") throw new Error(answer.text);
    return answer.caption;
  };
  const allocation = { kind: "allocation", view: "platform", currency: "USD" } as const;

  test("a complete snapshot's allocation is kept for /allocation, across a restart; a partial one never replaces it", async () => {
    const dataDir = tempDir("svc");
    const { service, setClock, history } = setup(
      [at("2026-11-24T09:00:00Z", [okRow("100")]), at("2026-11-24T11:00:00Z", [okRow("200"), failedOkx])],
      {
        dataDir,
      },
    );
    expect(service.chart(allocation)).toMatchObject({ kind: "text", text: expect.stringContaining("No allocation yet") });
    setClock("2026-11-24T09:00:01Z");
    await service.scheduledRun();
    expect(caption(service.chart(allocation))).toContain("Total: <b>$100.00</b>\nSnapshot: 24 Nov 2026, 10:00 (Europe/Paris)");
    await statusHtml(service);
    expect(caption(service.chart(allocation))).toContain("Snapshot: 24 Nov 2026, 10:00");
    history.close();
    const restarted = setup([], { dataDir });
    expect(caption(restarted.service.chart(allocation))).toContain("Total: <b>$100.00</b>\nSnapshot: 24 Nov 2026, 10:00");
  });

  test("with privacy on, neither the image nor the caption shows an amount", async () => {
    const svgs: string[] = [];
    const { service, history } = setup([at("2026-11-24T09:00:00Z", [okRow("123456.78")])], {
      privacy: true,
      renderChart: async (svg) => {
        svgs.push(svg);
        return new Uint8Array([1]);
      },
    });
    history.importDays(
      [
        { day: "2026-11-22", usd: dec("131313.57"), rub: null },
        { day: "2026-11-23", usd: dec("119753.86"), rub: null },
      ],
      { overwrite: false },
    );
    await statusHtml(service);
    for (const request of [{ kind: "history", days: 30, currency: "USD" } as const, allocation]) {
      const answer = service.chart(request);
      if (answer.kind !== "photo") throw new Error(answer.text);
      await answer.render();
      for (const shown of [answer.caption, ...texts(svgs.at(-1) ?? "")]) expect(shown).not.toMatch(/131|313|119|753|123|456|\$|₽/);
    }
    expect(svgs).toHaveLength(2);
  });

  test("charts are rendered one at a time", async () => {
    const releases: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const { service, history } = setup([], {
      renderChart: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return new Uint8Array([1]);
      },
    });
    history.importDays(
      [
        { day: "2026-11-23", usd: dec("1"), rub: null },
        { day: "2026-11-24", usd: dec("2"), rub: null },
      ],
      { overwrite: false },
    );
    const answer = service.chart({ kind: "history", days: 30, currency: "USD" });
    if (answer.kind !== "photo") throw new Error(answer.text);
    const turns = async (ready: () => boolean) => {
      for (let i = 0; i < 100 && !ready(); i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const both = Promise.all([answer.render(), answer.render()]);
    await turns(() => releases.length === 1);
    await turns(() => false);
    expect(releases).toHaveLength(1);
    releases[0]?.();
    await turns(() => releases.length === 2);
    releases[1]?.();
    await both;
    expect(most).toBe(1);
  });
});

describe("NOTIFY: which scheduled reports are sent, and which ring", () => {
  const complete = (iso: string) => at(iso, [okRow("1000")]);
  const partial = (iso: string) => at(iso, [okRow("900"), failedOkx]);
  const day = (hour: number) => `2026-11-24T${String(hour).padStart(2, "0")}:00:00Z`;

  test("all (the default): every report; a complete one silent, a partial one with sound", async () => {
    const { service, sent } = setup([complete(day(9)), complete(day(11)), partial(day(13))]);
    for (let i = 0; i < 3; i++) await service.scheduledRun();
    expect(sent.map((s) => s.silent)).toEqual([true, true, false]);
  });

  test("silent: every report, none with sound", async () => {
    const { service, sent } = setup([complete(day(9)), partial(day(11))], { notify: "silent" });
    await service.scheduledRun();
    await service.scheduledRun();
    expect(sent.map((s) => s.silent)).toEqual([true, true]);
    expect(sent[1]!.html.split("\n")[0]).toBe("<b>$900 · ₽72k</b> ⚠️ partial");
    expect(sent[1]!.html).toContain("\nOKX ❌ unavailable\n");
  });

  test("problems: a partial report always, with sound; a complete one only when the coverage changed (a recovery), silently", async () => {
    const { log, lines } = capturingLogger();
    const { service, sent, history } = setup(
      [complete(day(9)), complete(day(10)), partial(day(11)), partial(day(12)), complete(day(13)), complete(day(14))],
      { notify: "problems", log },
    );
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await service.scheduledRun());
    expect(outcomes).toEqual(["ok", "ok", "partial", "partial", "ok", "ok"]);
    // The first (nothing on record before it), the two partial ones, the recovery.
    expect(sent.map((s) => s.silent)).toEqual([true, false, false, true]);
    expect(lines.filter((line) => line.includes("scheduled run done")).map((line) => /sent=("[^"]*"|\S+)/.exec(line)?.[1])).toEqual([
      "silently",
      '"no (NOTIFY=problems: complete, coverage unchanged)"',
      '"with sound"',
      '"with sound"',
      "silently",
      '"no (NOTIFY=problems: complete, coverage unchanged)"',
    ]);
    // Every day is recorded, sent or not.
    expect(history.get("2026-11-24")?.complete).toBe(true);
  });

  test("problems: the last report's coverage outlives a restart, so a restart alone is no change", async () => {
    const dataDir = tempDir("svc");
    const first = setup([complete(day(9))], { dataDir, notify: "problems" });
    await first.service.scheduledRun();
    first.history.close();
    const second = setup([complete(day(11)), partial(day(13))], { dataDir, notify: "problems" });
    await second.service.scheduledRun();
    expect(second.sent).toHaveLength(0);
    await second.service.scheduledRun();
    expect(second.sent.map((s) => s.silent)).toEqual([false]);
  });

  test("the coverage key names what is left out, never an amount", () => {
    expect(coverageKey(complete(day(9)))).toBe("");
    expect(coverageKey(partial(day(9)))).toBe("OKX");
    const noRate = combine([okRow("1000")], { ok: false, reason: "the Bank of Russia did not answer" }, new Date(day(9)), "Europe/Paris");
    expect(coverageKey(noRate)).toBe("no USD/RUB rate");
    expect(delivery("problems", noRate, "no USD/RUB rate")).toEqual({ send: true, silent: false });
  });
});

describe("screens", () => {
  test("a report without notes has no ℹ️ Details button; one with notes has it, and the notes in full", async () => {
    const noted = rowOf(
      {
        platform: "okx",
        holdings: [{ label: "a", money: { currency: "USD", amount: dec("5") }, asOf: null }],
        assets: [],
        asOf: null,
        source: "t",
        warnings: [`a long note that the report shortens: ${"x".repeat(400)}`],
        leftOut: [],
      },
      null,
      1,
    );
    const { service } = setup([at(day9, [okRow("100")]), at(day9, [okRow("100"), noted])]);
    const buttons = async () => (await service.statusScreen()).keyboard.inline_keyboard.flat().map((b) => b.text);
    expect(await buttons()).not.toContain("ℹ️ Details");
    expect(service.detailsScreen()).toBeNull();
    expect(await buttons()).toContain("ℹ️ Details");
    expect(service.detailsScreen()?.html).toContain("x".repeat(400));
  });

  test("/history is pfbot --history's view: its oldest row compares with the last day before the view that has a value", () => {
    const { service, history } = setup([]);
    // 41 days up to today (24 Nov), each $100 more; 25 Oct, the day before the 30 days shown, has no RUB rate.
    const days = Array.from({ length: 41 }, (_, i) => {
      const day = addDays("2026-11-24", i - 40);
      const usd = dec(String(100_000 + 100 * i));
      return { day, usd, rub: day === "2026-10-25" ? null : mul(usd, dec("80")) };
    });
    history.importDays(days, { overwrite: false });
    const oldest = (html: string) =>
      htmlToText(html)
        .split("\n")
        .find((line) => line.startsWith("26.10 "));
    expect(oldest(service.historyScreen(DEFAULT_HISTORY).html)).toBe("26.10 Mon  $101,100   ▲0.1%");
    // In roubles the day before has none: 24 Oct, two days back, is the one compared with.
    expect(oldest(service.historyScreen({ ...DEFAULT_HISTORY, currency: "RUB" }).html)).toBe("26.10 Mon  ₽8,088,000   ▲0.2%");
    expect(htmlToText(service.historyScreen(DEFAULT_HISTORY).html)).toBe(htmlToText(historyViewHtml(history)));
  });

  test("the history with privacy on shows no amount, and says where the history cannot be read", () => {
    const { service, history } = setup([], { privacy: true });
    history.importDays(
      [
        { day: "2026-11-22", usd: dec("131313.57"), rub: dec("10505085.6") },
        { day: "2026-11-23", usd: dec("119753.86"), rub: dec("9580308.8") },
      ],
      { overwrite: false },
    );
    const screen = service.historyScreen(DEFAULT_HISTORY);
    expect(screen.html).toContain("%");
    expect(screen.html).not.toMatch(/131|313|119|753|105|958/);
    expect(screen.keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["· $ USD ·", "₽ RUB"],
      ["🏦 By platform", "⬅️ Status"],
    ]);
    history.close();
    expect(service.historyScreen({ ...DEFAULT_HISTORY, currency: "RUB" }).html).toStartWith("The history cannot be read: ");
  });
});

const day9 = "2026-11-24T09:00:00Z";
