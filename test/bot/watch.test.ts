// The bot keeping watch (issue #19), the real bot against the platform fakes and the fake Bot API, the scheduler
// ticked by hand on the test's clock: failure alerts after N scheduled runs and "back" once, /status naming the
// platforms out, the daily key audit and its expiry warning, the live pinned status, and the alerts' settings
// changed from their buttons.
import { describe, expect, test } from "bun:test";
import { type BotRuntime, startBot } from "../../src/app/modes/bot.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { addDays } from "../../src/lib/zoned-time.ts";
import { renderPng } from "../../src/render/chart/rasterize.ts";
import { botContext, botTestWorld } from "../support/bot-context.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAwatchTOKENabcdefghijklmnopqrstuv";
const OWNER = 4242;

const world = botTestWorld(TOKEN);

/** Starts the bot on `dataDir` with `extra` variables; the scheduler never ticks on its own. */
async function start(extra: Record<string, string> = {}, dataDir = tempDir("watch")): Promise<BotRuntime> {
  const context = botContext({
    fakes: world.fakes,
    telegram: world.telegram,
    token: TOKEN,
    owner: OWNER,
    dataDir,
    clock: world.clock,
    extra: { POLL_INTERVAL_MINUTES: "60", ...extra },
    logLines: world.logLines,
  });
  world.runtime = await startBot(context, { setInterval: () => 0, clearInterval: () => {}, renderChart: renderPng });
  return world.runtime;
}

/** Runs the scheduled slot at `iso` (the clock a second after it). */
async function slot(iso: string): Promise<void> {
  world.clock.set(Date.parse(iso) + 1000);
  await world.runtime!.scheduler.tick();
}

/** Bybit's unified BTC, in USD (14,250.075 of the account's 28,545.22): the total moves, and stays complete. */
function setBtcUsd(usd: string): void {
  const [btc, ...others] = world.fakes.bybit.state.unified.coins;
  world.fakes.bybit.state.unified.coins = [{ ...btc!, usdValue: usd }, ...others];
}

const firstLines = () => world.telegram.sent.map((message) => message.plainText.split("\n")[0]);
const OKX_DOWN = { code: "50111", message: "Invalid OK-ACCESS-KEY", status: 401 };

describe("failure alerts", () => {
  test("the third consecutive failed scheduled run gives one alert, the fourth none, the recovery one 'back'", async () => {
    await start();
    world.fakes.okx.faults.add({ ...OKX_DOWN });
    await slot("2026-11-24T10:00:00Z");
    await slot("2026-11-24T11:00:00Z");
    expect(firstLines().filter((line) => line?.includes("OKX is out"))).toEqual([]);
    await slot("2026-11-24T12:00:00Z");
    const alerts = () => world.telegram.sent.filter((message) => message.plainText.startsWith("⚠️ OKX is out"));
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]!.plainText.split("\n")).toEqual([
      "⚠️ OKX is out: it failed 3 scheduled runs in a row, since 24 Nov, 11:00.",
      "Last error: OKX rejected the API key (code 50111): check OKX_API_KEY",
      "The reports leave it out until it answers again; pfbot says when it is back.",
    ]);
    // Right after the third run's report, with sound.
    expect(world.telegram.sent.at(-1)).toBe(alerts()[0]!);
    expect(alerts()[0]!.disableNotification).toBe(false);
    await slot("2026-11-24T13:00:00Z");
    expect(alerts()).toHaveLength(1);

    // /status names it, and since when, under the report.
    const before = world.telegram.sent.length;
    world.telegram.pushMessage({ chatId: OWNER, text: "/status" });
    const status = (await world.telegram.waitForSent(before + 1, 10_000)).at(-1)!;
    expect(status.plainText).toContain("\nOKX ❌ ");
    expect(status.plainText).toContain("⚠️ OKX out since 24 Nov, 11:00: 4 scheduled runs failed");

    world.fakes.okx.faults.clear();
    await slot("2026-11-24T14:00:00Z");
    expect(firstLines().filter((line) => line?.startsWith("✅"))).toEqual(["✅ OKX is back after 4 h out."]);
    await slot("2026-11-24T15:00:00Z");
    expect(firstLines().filter((line) => line?.startsWith("✅"))).toHaveLength(1);
  });

  test("an alert raised by a run whose report Telegram refused waits in the queue, and follows the next report", async () => {
    await start();
    world.fakes.okx.faults.add({ ...OKX_DOWN });
    await slot("2026-11-24T10:00:00Z");
    await slot("2026-11-24T11:00:00Z");
    world.telegram.faults.add({ path: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user", times: 1 });
    await slot("2026-11-24T12:00:00Z");
    // The third run's report was refused: its alert was not even tried.
    expect(world.telegram.requestsTo("sendMessage")).toHaveLength(3);
    expect(world.telegram.sent).toHaveLength(2);
    await slot("2026-11-24T13:00:00Z");
    expect(firstLines().slice(2)).toEqual([
      "$89,244 · ₽7.18M ⚠️ partial",
      "⚠️ OKX is out: it failed 3 scheduled runs in a row, since 24 Nov, 11:00.",
    ]);
  });

  test("/status does not name a platform out when it answers now; ALERT_FAILURES=0 counts without alerting", async () => {
    await start({ ALERT_FAILURES: "0" });
    world.fakes.okx.faults.add({ ...OKX_DOWN });
    for (const hour of [10, 11, 12, 13]) await slot(`2026-11-24T${hour}:00:00Z`);
    expect(world.telegram.sent.filter((message) => message.plainText.includes("is out"))).toEqual([]);
    world.fakes.okx.faults.clear();
    world.telegram.pushMessage({ chatId: OWNER, text: "/status" });
    const status = (await world.telegram.waitForSent(5, 10_000)).at(-1)!;
    expect(status.plainText).not.toContain("out since");
  });
});

describe("key expiry", () => {
  test("once a day from the window's start, Bybit's key only: warned 14 days before, once; the next warning at 3 days", async () => {
    world.fakes.bybit.state.key.expiredAt = "2026-12-08T10:30:00Z";
    world.clock.set("2026-11-24T06:30:00Z"); // 07:30 in Paris: before the report window opens at 08:00
    const dataDir = tempDir("watch");
    await start({}, dataDir);
    const audits = () => world.fakes.bybit.requestsTo("/v5/user/query-api").length;
    await world.runtime!.scheduler.tick();
    expect(audits()).toBe(0);
    world.clock.set("2026-11-24T07:00:05Z");
    await world.runtime!.scheduler.tick();
    expect(audits()).toBe(1);
    const warnings = () => world.telegram.sent.filter((message) => message.plainText.startsWith("🔑"));
    expect(warnings().map((message) => message.plainText)).toEqual([
      "🔑 Your Bybit key expires in 14 days, on 8 Dec 2026, 11:30.\nCreate a new read-only key, put it in BYBIT_API_KEY and BYBIT_API_SECRET, and restart pfbot; then revoke the old one.",
    ]);
    expect(warnings()[0]!.disableNotification).toBe(false);
    // Not again that day, nor the next (its warning was given); no other platform is asked.
    world.clock.set("2026-11-24T15:00:00Z");
    await world.runtime!.scheduler.tick();
    world.clock.set("2026-11-25T09:00:00Z");
    await world.runtime!.scheduler.tick();
    expect(audits()).toBe(2);
    expect(warnings()).toHaveLength(1);
    expect(world.fakes.okx.requestsTo("/api/v5/account/config")).toHaveLength(0);
    // A restart the same day asks nothing: the day of the audit is kept. Three days before, the 3-day warning.
    await world.runtime!.stop();
    await start({}, dataDir);
    world.clock.set("2026-11-25T10:00:00Z");
    await world.runtime!.scheduler.tick();
    expect(audits()).toBe(2);
    world.clock.set("2026-12-05T10:00:00Z");
    await world.runtime!.scheduler.tick();
    expect(warnings().map((message) => message.plainText.split("\n")[0])).toEqual([
      "🔑 Your Bybit key expires in 14 days, on 8 Dec 2026, 11:30.",
      "🔑 Your Bybit key expires in 3 days, on 8 Dec 2026, 11:30.",
    ]);
  });
});

describe("the live pinned status", () => {
  const pinnedText = () => {
    const id = world.telegram.pinned(OWNER)[0];
    const message = id === undefined ? null : world.telegram.message(OWNER, id);
    return message && "text" in message ? (message.text ?? null) : null;
  };

  test("PIN_STATUS=on: the first snapshot is pinned once, silently; every snapshot after edits the same message", async () => {
    await start({ PIN_STATUS: "on" });
    world.telegram.pushMessage({ chatId: OWNER, text: "/status" });
    await world.telegram.waitForRequests("pinChatMessage", 1, 10_000);
    await world.runtime!.service.idle();
    expect(pinnedText()).toBe("💼 $105,689 · ₽8.5M\n🕒 Updated 24 Nov, 10:00");
    const pinned = world.telegram.pinned(OWNER)[0]!;
    expect(world.telegram.sent.find((message) => message.messageId === pinned)?.disableNotification).toBe(true);
    expect(world.telegram.pins[0]!.disableNotification).toBe(true);

    setBtcUsd("15705.075");
    await slot("2026-11-24T11:00:00Z");
    await world.runtime!.service.idle();
    expect(world.telegram.pins).toHaveLength(1);
    expect(world.telegram.pinned(OWNER)).toEqual([pinned]);
    expect(pinnedText()).toBe("💼 $107,144 · ₽8.62M\n🕒 Updated 24 Nov, 12:00");
    // The scheduled report still arrives as NOTIFY says (all, by default).
    expect(world.telegram.sent.at(-1)!.plainText.split("\n")[0]).toBe("$107,144 · ₽8.62M");
  });

  test("with PRIVACY=on it shows no amount", async () => {
    await start({ PIN_STATUS: "on", PRIVACY: "on" });
    world.telegram.pushMessage({ chatId: OWNER, text: "/status" });
    await world.telegram.waitForRequests("pinChatMessage", 1, 10_000);
    await world.runtime!.service.idle();
    expect(pinnedText()).toBe("💼 Portfolio\n🕒 Updated 24 Nov, 10:00");
  });
});

describe("the alerts' settings from their buttons", () => {
  /** Presses the button labelled `label` (marks aside) under the bot's message `messageId`, and waits for the answer. */
  async function press(messageId: number, label: string): Promise<string | null> {
    const message = world.telegram.message(OWNER, messageId);
    const button = message?.reply_markup?.inline_keyboard.flat().find((b) => b.text.replace(/^· | ·$/g, "") === label);
    if (!button || !("callback_data" in button) || !button.callback_data) throw new Error(`no button ${label}`);
    const answered = world.telegram.callbackAnswers.length;
    world.telegram.pushCallback({ chatId: OWNER, messageId, data: button.callback_data });
    return (await world.telegram.waitForCallbackAnswers(answered + 1, 10_000)).at(-1)!.text;
  }
  const textOf = (id: number) => {
    const message = world.telegram.message(OWNER, id);
    return message && "text" in message ? (message.text ?? "") : "";
  };

  test("🚨 Alerts shows their rows; a preset applies at once and is kept across a restart; the pinned status pins and unpins at once", async () => {
    const dataDir = tempDir("watch");
    await start({}, dataDir);
    world.telegram.pushMessage({ chatId: OWNER, text: "/settings" });
    const screen = (await world.telegram.waitForSent(1, 10_000))[0]!;
    expect(screen.plainText).toContain("\nMove alert: off\nfrom ALERT_MOVE_PERCENT\n");
    await press(screen.messageId, "🚨 Alerts");
    expect(textOf(screen.messageId).split("\n").slice(0, 4)).toEqual(["🚨 Alerts", "", "Move alert: off", "from ALERT_MOVE_PERCENT"]);
    expect(await press(screen.messageId, "Move 5%")).toBe("An alert at ±5% between reports.");
    expect(textOf(screen.messageId)).toContain("\nMove alert: ±5% between reports\nset in the chat on 24 Nov\n");
    expect(await press(screen.messageId, "⬜ Weekly digest")).toBe("Weekly digest on Sun 19:00 (Europe/Paris).");
    expect(await press(screen.messageId, "20:00 ▸")).toBe("Weekly digest on Sun 20:00 (Europe/Paris).");

    // A move of 10% between two scheduled runs now alerts.
    await slot("2026-11-24T10:00:00Z");
    setBtcUsd("4250.075");
    await slot("2026-11-24T11:00:00Z");
    expect(firstLines().filter((line) => line?.startsWith("📉"))).toEqual(["📉 Portfolio −9.46% (−$10,000) since the last report"]);

    // The pinned status: none yet; on, the latest report is pinned at once; off, unpinned.
    expect(await press(screen.messageId, "⬜ Pinned status")).toBe("Pinned status on: it shows the latest report, updated with each one.");
    await world.runtime!.service.idle();
    expect(world.telegram.pinned(OWNER)).toHaveLength(1);
    expect(await press(screen.messageId, "✅ Pinned status")).toBe("Pinned status off: unpinned.");
    await world.runtime!.service.idle();
    expect(world.telegram.pinned(OWNER)).toEqual([]);
    await press(screen.messageId, "⬅️ Settings");
    expect(textOf(screen.messageId)).toStartWith("⚙️ Settings");

    await world.runtime!.stop();
    await start({}, dataDir);
    world.telegram.pushMessage({ chatId: OWNER, text: "/settings" });
    const again = (await world.telegram.waitForSent(world.telegram.sent.length + 1, 10_000)).at(-1)!;
    expect(again.plainText).toContain("\nMove alert: ±5% between reports\nset in the chat on 24 Nov\n");
    expect(again.plainText).toContain("\nWeekly digest: Sun 20:00\nset in the chat on 24 Nov\n");
    expect(again.plainText).toContain("\nPinned status: off\nset in the chat on 24 Nov\n");
  });

  test("a value set in the chat gives way to its variable once that changes", async () => {
    const dataDir = tempDir("watch");
    await start({}, dataDir);
    world.telegram.pushMessage({ chatId: OWNER, text: "/settings" });
    const screen = (await world.telegram.waitForSent(1, 10_000))[0]!;
    await press(screen.messageId, "🚨 Alerts");
    await press(screen.messageId, "Move 10%");
    await world.runtime!.stop();
    await start({ ALERT_MOVE_PERCENT: "3" }, dataDir);
    expect(world.logLines.join("\n")).toContain(
      "ALERT_MOVE_PERCENT changed since the chat set the move alert to 10% on 24 Nov (the env file had unset, it has 3): the move alert is 3%, from ALERT_MOVE_PERCENT",
    );
  });
});

describe("the weekly digest", () => {
  /** Two weeks of days before today (Tue 24 Nov 2026), from $100,000 up $500 a day. */
  function historyIn(dataDir: string): void {
    const store = HistoryStore.open(dataDir, "Europe/Paris", world.clock.now);
    const days = Array.from({ length: 14 }, (_, i) => ({
      day: addDays("2026-11-24", i - 14),
      usd: dec(String(100_000 + i * 500)),
      rub: dec(String((100_000 + i * 500) * 80)),
    }));
    store.importDays(days, { overwrite: false });
    store.close();
  }

  test("at its slot: the text, then the week's chart, both silent; once; a slot missed while pfbot was down is skipped", async () => {
    const dataDir = tempDir("watch");
    historyIn(dataDir);
    await start({ DIGEST: "tue 10:30" }, dataDir);
    world.clock.set("2026-11-24T09:29:00Z");
    await world.runtime!.scheduler.tick();
    expect(world.telegram.sent).toHaveLength(0);
    world.clock.set("2026-11-24T09:30:20Z");
    await world.runtime!.scheduler.tick();
    expect(world.telegram.sent).toHaveLength(1);
    const digest = world.telegram.sent[0]!;
    expect(digest.disableNotification).toBe(true);
    expect(digest.plainText.split("\n").slice(0, 2)).toEqual(["🗓 Your week, Wed 18 Nov – Tue 24 Nov", "▲ $3,000 (2.90%) since Tue 17 Nov"]);
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    expect(photo!.plainCaption).toBe("🗓 Your week: 17 Nov – 24 Nov");
    expect(photo!.width).toBeGreaterThan(0);
    expect(world.telegram.requestsTo("sendPhoto")[0]!.params.disable_notification).toBeTruthy();
    expect(world.telegram.calls.map((call) => call.method).filter((method) => /^send(Message|Photo)$/.test(method))).toEqual([
      "sendMessage",
      "sendPhoto",
    ]);
    world.clock.set("2026-11-24T09:35:00Z");
    await world.runtime!.scheduler.tick();
    expect(world.telegram.sent).toHaveLength(1);

    // Down over the next slot (Tue 1 Dec 10:30), back 20 minutes after it: that digest is skipped, not sent late.
    await world.runtime!.stop();
    world.clock.set("2026-12-01T09:50:00Z");
    await start({ DIGEST: "tue 10:30" }, dataDir);
    await world.runtime!.scheduler.tick();
    world.clock.set("2026-12-01T10:30:00Z");
    await world.runtime!.scheduler.tick();
    expect(world.telegram.sent.filter((message) => message.plainText.startsWith("🗓"))).toHaveLength(1);
  });
});
