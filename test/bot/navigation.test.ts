// The buttons of the real bot (grammY, service, history, settings) driven with callback queries through the
// fake Telegram Bot API: a press edits the same message and never adds one, every press is answered,
// Refresh says "⏳ Updating…" in place and joins a snapshot already running, a stranger's press is answered
// with nothing, old messages and buttons from before a restart still work or say so, and the settings are
// remembered across a restart (and give way to the env file edited since).
import { describe, expect, test } from "bun:test";
import type { InlineKeyboardMarkup } from "grammy/types";
import { startBot } from "../../src/app/modes/bot.ts";
import { STALE_BUTTON, TOO_OLD } from "../../src/bot/navigation.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { addDays } from "../../src/lib/zoned-time.ts";
import { renderPng } from "../../src/render/chart/rasterize.ts";
import { botContext, botTestWorld } from "../support/bot-context.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAnavTOKENabcdefghijklmnopqrstuvwx";
const OWNER = 4242;
const STRANGER = 9001;

const world = botTestWorld(TOKEN);

async function start(dataDir = tempDir("nav"), extra: Record<string, string> = {}): Promise<string> {
  const context = botContext({ ...world, token: TOKEN, owner: OWNER, dataDir, extra });
  world.runtime = await startBot(context, { setInterval: () => 0, clearInterval: () => {}, renderChart: renderPng });
  return dataDir;
}

async function restart(dataDir: string, extra: Record<string, string> = {}): Promise<void> {
  await world.runtime?.stop();
  world.runtime = null;
  await start(dataDir, extra);
}

const say = (text: string) => world.telegram.pushMessage({ chatId: OWNER, text });
/** The reply to the `count`-th message the bot sends. */
const reply = async (count: number) => (await world.telegram.waitForSent(count, 10_000)).at(-1)!;
const labels = (markup: InlineKeyboardMarkup | null | undefined) => markup?.inline_keyboard.map((row) => row.map((b) => b.text)) ?? [];

/** The buttons of the bot's message as it stands now. */
function keyboardOf(messageId: number): InlineKeyboardMarkup {
  const message = world.telegram.message(OWNER, messageId);
  if (!message || !("reply_markup" in message) || !message.reply_markup) throw new Error(`message ${messageId} has no buttons`);
  return message.reply_markup;
}

/** Presses the button labelled `label` (the current choice's "· label ·" too) on the bot's message `messageId`. */
function press(messageId: number, label: string, options: { fromChat?: number; inaccessible?: boolean } = {}) {
  const button = keyboardOf(messageId)
    .inline_keyboard.flat()
    .find((b) => b.text.replace(/^· | ·$/g, "") === label);
  if (!button || !("callback_data" in button) || button.callback_data === undefined) throw new Error(`no button ${label} on ${messageId}`);
  return world.telegram.pushCallback({
    chatId: options.fromChat ?? OWNER,
    messageId,
    data: button.callback_data,
    ...(options.inaccessible ? { inaccessible: true } : {}),
  });
}

/** The text of the bot's message `messageId` as it stands. */
function textOf(messageId: number): string {
  const message = world.telegram.message(OWNER, messageId);
  return message && "text" in message ? (message.text ?? "") : "";
}

const overviewCalls = () => world.fakes.bybit.requests.filter((r) => r.path === "/v5/asset/asset-overview").length;

describe("the /status keyboard and one-message navigation", () => {
  test("/status carries 🔄 Refresh, 📅 History, the charts and ⚙️ Settings; each press edits the same message and is answered", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    expect(labels(status.replyMarkup).flat()).toEqual(
      expect.arrayContaining(["🔄 Refresh", "📅 History", "📈 Chart", "🥧 Allocation", "⚙️ Settings"]),
    );
    const report = status.plainText;
    const snapshots = overviewCalls();

    press(status.messageId, "📅 History");
    const [history] = await world.telegram.waitForEdits(1);
    expect(history).toMatchObject({ method: "editMessageText", messageId: status.messageId });
    expect(labels(history!.replyMarkup)).toEqual([
      ["· $ USD ·", "₽ RUB"],
      ["🏦 By platform", "⬅️ Status"],
    ]);
    press(status.messageId, "₽ RUB");
    const [, rub] = await world.telegram.waitForEdits(2);
    expect(labels(rub!.replyMarkup)[0]).toEqual(["$ USD", "· ₽ RUB ·"]);
    press(status.messageId, "⬅️ Status");
    const [, , back] = await world.telegram.waitForEdits(3);
    // Back to the report of the snapshot already taken: no new one.
    expect(back!.plainText).toBe(report);
    expect(overviewCalls()).toBe(snapshots);
    press(status.messageId, "⚙️ Settings");
    const [, , , settings] = await world.telegram.waitForEdits(4);
    expect(settings!.plainText).toStartWith("⚙️ Settings\n");

    const answers = await world.telegram.waitForCallbackAnswers(4);
    expect(answers).toHaveLength(4);
    expect(world.telegram.sent).toHaveLength(1);
    expect(world.telegram.edits.every((edit) => edit.messageId === status.messageId)).toBe(true);
  });

  test("ℹ️ Details, under a report with notes, shows every note in full on the same message, and ⬅️ Status goes back", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    // The fakes' Binance holds a coin without a USD price, and the report says so (a report without notes
    // has no Details button: service.test.ts).
    expect(labels(status.replyMarkup).at(-1)).toEqual(["⚙️ Settings", "ℹ️ Details"]);
    press(status.messageId, "ℹ️ Details");
    const [details] = await world.telegram.waitForEdits(1);
    expect(details).toMatchObject({ method: "editMessageText", messageId: status.messageId });
    // The report gives the note one line; Details gives it whole, with the wallet the coin is in.
    expect(status.plainText.split("\n").at(-1)).toBe("ℹ️ Binance coins without a USD price, in the total but not listed: XYZ 100");
    expect(details!.plainText).toBe("Details\n\nℹ️ Binance coins without a USD price, in the total but not listed: XYZ 100 (Spot)");
    expect(labels(details!.replyMarkup)).toEqual([["⬅️ Status"]]);
    press(status.messageId, "⬅️ Status");
    const [, back] = await world.telegram.waitForEdits(2);
    expect(back!.plainText).toBe(status.plainText);
    expect(await world.telegram.waitForCallbackAnswers(2)).toHaveLength(2);
  });

  test("Refresh shows ⏳ Updating… in place, joins a snapshot already running, then edits the new report into the same message", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    const before = overviewCalls();
    const hold = { path: "/v5/asset/asset-overview", hang: true, times: 1 };
    world.fakes.bybit.faults.add(hold);
    press(status.messageId, "🔄 Refresh");
    const [updating] = await world.telegram.waitForEdits(1);
    expect(updating).toMatchObject({ method: "editMessageReplyMarkup", messageId: status.messageId });
    expect(labels(updating!.replyMarkup)).toEqual([["⏳ Updating…"]]);
    // The figures stay readable meanwhile.
    expect(updating!.plainText).toBe(status.plainText);
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.text).toBe("⏳ Updating…");
    // A /status meanwhile joins the running snapshot; a press on ⏳ is answered and does nothing.
    say("/status");
    press(status.messageId, "⏳ Updating…");
    expect((await world.telegram.waitForCallbackAnswers(2))[1]!.text).toBe("⏳ Still updating…");
    await world.telegram.waitForRequests("sendChatAction", 2);
    expect(overviewCalls()).toBe(before + 1);
    world.fakes.bybit.faults.remove(hold);
    const [, refreshed] = await world.telegram.waitForEdits(2, 10_000);
    expect(refreshed).toMatchObject({ method: "editMessageText", messageId: status.messageId });
    expect(labels(refreshed!.replyMarkup)[0]).toEqual(["🔄 Refresh", "📅 History"]);
    expect((await reply(2)).plainText).toBe(refreshed!.plainText);
    // One snapshot for both (the held request, and its retry once released).
    expect(overviewCalls()).toBeLessThanOrEqual(before + 2);
    expect(world.telegram.sent).toHaveLength(2);
  });

  test("a stranger's press is answered with nothing, changes nothing and is logged like a stranger's message", async () => {
    await start();
    world.logLines.length = 0;
    world.telegram.pushCallback({ chatId: STRANGER, messageId: 1, data: "st:refresh", inaccessible: true });
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.text).toBeNull();
    expect(world.telegram.edits).toHaveLength(0);
    expect(world.telegram.sent).toHaveLength(0);
    expect(overviewCalls()).toBe(0);
    const warning = world.logLines.find((line) => line.includes("not TELEGRAM_CHAT_ID"));
    expect(warning).toContain(`chatId=${STRANGER}`);
    expect(world.logLines.join("\n")).not.toContain("st:refresh");
  });

  test("a button no pfbot of this version made is answered, not ignored", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    world.telegram.pushCallback({ chatId: OWNER, messageId: status.messageId, data: "set:freq:7.5" });
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.text).toBe(STALE_BUTTON);
    expect(world.telegram.edits).toHaveLength(0);
  });
});

describe("old messages", () => {
  test("a message Telegram no longer lets the bot edit: the screen is sent anew, the old one deleted, and the press says why", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    world.telegram.faults.add({ path: "editMessageText", code: 400, message: "Bad Request: message can't be edited", times: 1 });
    press(status.messageId, "📅 History");
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.text).toBe(TOO_OLD);
    const history = await reply(2);
    expect(labels(history.replyMarkup)).toEqual([
      ["· $ USD ·", "₽ RUB"],
      ["🏦 By platform", "⬅️ Status"],
    ]);
    expect(world.telegram.message(OWNER, status.messageId)).toBeNull();
  });

  test("Refresh on a message too old to edit says so at once, then sends the new report as a new message", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    const tooOld = { code: 400, message: "Bad Request: message can't be edited" };
    world.telegram.faults.add({ path: "editMessageReplyMarkup", ...tooOld }, { path: "editMessageText", ...tooOld });
    press(status.messageId, "🔄 Refresh");
    expect((await world.telegram.waitForCallbackAnswers(1))[0]!.text).toBe(TOO_OLD);
    const report = await reply(2);
    expect(report.plainText).toContain("\nBybit $28,545\n");
    expect(labels(report.replyMarkup)[0]).toEqual(["🔄 Refresh", "📅 History"]);
    expect(world.logLines.some((line) => line.includes("a message could not be edited in place"))).toBe(true);
  });

  test("a press on a message too old to be shown (date 0) still works: the edit goes to its id", async () => {
    await start();
    say("/status");
    const status = await reply(1);
    world.telegram.pushCallback({ chatId: OWNER, messageId: status.messageId, data: "set", inaccessible: true });
    const [settings] = await world.telegram.waitForEdits(1);
    expect(settings).toMatchObject({ method: "editMessageText", messageId: status.messageId });
    expect(settings!.plainText).toStartWith("⚙️ Settings");
    expect((await world.telegram.waitForCallbackAnswers(1))[0]!.text).toBeNull();
  });

  test("buttons from before a restart work: the history at once; the report and its notes by a new snapshot, said so", async () => {
    const dir = await start();
    say("/status");
    const status = await reply(1);
    await restart(dir);
    press(status.messageId, "📅 History");
    const [history] = await world.telegram.waitForEdits(1);
    expect(history!.messageId).toBe(status.messageId);
    const snapshots = overviewCalls();
    press(status.messageId, "⬅️ Status");
    const [answer] = (await world.telegram.waitForCallbackAnswers(2)).slice(1);
    expect(answer!.text).toBe("No report since pfbot restarted: taking a new one.");
    const [, , report] = await world.telegram.waitForEdits(3, 10_000);
    expect(report).toMatchObject({ method: "editMessageText", messageId: status.messageId });
    expect(report!.plainText).toContain("\nBybit $28,545\n");
    expect(overviewCalls()).toBe(snapshots + 1);
    expect(world.telegram.sent).toHaveLength(1);
  });
});

describe("charts from the report, and back", () => {
  test("📈 Chart turns the report into the chart (editMessageMedia); ⬅️ Status turns it back, sent anew since a photo has no text", async () => {
    const dir = tempDir("nav");
    const store = HistoryStore.open(dir, "Europe/Paris", world.clock.now);
    const days = Array.from({ length: 5 }, (_, i) => ({ day: addDays("2026-11-23", i - 4), usd: dec(String(100_000 + i)), rub: null }));
    store.importDays(days, { overwrite: false });
    store.close();
    await start(dir);
    say("/status");
    const status = await reply(1);
    press(status.messageId, "📈 Chart");
    const [chart] = await world.telegram.waitForPhotos(1, 15_000);
    expect(chart).toMatchObject({ method: "editMessageMedia", messageId: status.messageId });
    expect(labels(chart!.replyMarkup).at(-1)).toEqual(["⬅️ Status"]);
    press(status.messageId, "⬅️ Status");
    const report = await reply(2);
    expect(report.plainText).toBe(status.plainText);
    expect(labels(report.replyMarkup)[0]).toEqual(["🔄 Refresh", "📅 History"]);
    await world.telegram.waitForRequests("deleteMessage", 1);
    expect(world.telegram.message(OWNER, status.messageId)).toBeNull();
    const answers = await world.telegram.waitForCallbackAnswers(2);
    expect(answers.map((a) => a.text)).toEqual([null, null]);
  });
});

describe("/settings", () => {
  test("shows each value and where it comes from; a change applies at once to the scheduler", async () => {
    await start(undefined, { POLL_INTERVAL_MINUTES: "120" });
    say("/settings");
    const screen = await reply(1);
    expect(screen.plainText.split("\n").slice(0, 14)).toEqual([
      "⚙️ Settings",
      "",
      "Reports: every 2 h",
      "from POLL_INTERVAL_MINUTES",
      "Window: 08:00–20:00",
      "from WINDOW_START_HOUR and WINDOW_END_HOUR",
      "Schedule: running, next Tue 10:00",
      "Privacy: off",
      "from PRIVACY",
      "Crypto breakdown: on",
      "from INCLUDE_CRYPTO_BREAKDOWN",
      "Notifications: all reports",
      "from NOTIFY",
      "",
    ]);
    const scheduler = world.runtime!.scheduler;
    press(screen.messageId, "1h");
    const [hourly] = await world.telegram.waitForEdits(1);
    expect(scheduler.frequencyMinutes()).toBe(60);
    expect(hourly!.plainText).toContain("Reports: every hour\nset in the chat on 24 Nov");
    expect(hourly!.plainText).toContain("Schedule: running, next Tue 11:00");
    expect((await world.telegram.waitForCallbackAnswers(1))[0]!.text).toStartWith("Reports every hour. Next report: Tue 24 Nov, 11:00");
    press(screen.messageId, "Start +1h");
    press(screen.messageId, "End −1h");
    await world.telegram.waitForEdits(3);
    expect(textOf(screen.messageId)).toContain("Window: 09:00–19:00\nset in the chat on 24 Nov");
    // The clock is 10:00 in Paris: tomorrow's slots start at 09:00 and the last is at 18:00.
    world.clock.set("2026-11-24T17:30:00Z");
    expect(scheduler.nextRun()?.toISOString()).toBe("2026-11-25T08:00:00.000Z");
    press(screen.messageId, "⏸ Pause");
    await world.telegram.waitForEdits(4);
    expect(scheduler.isPaused()).toBe(true);
    expect(textOf(screen.messageId)).toContain("Schedule: paused");
    expect(labels(keyboardOf(screen.messageId))[3]![0]).toBe("▶️ Resume");
    expect(world.telegram.sent).toHaveLength(1);
  });

  test("the window stops at its limits: 0–24 h, at least an hour", async () => {
    await start(undefined, { WINDOW_START_HOUR: "0", WINDOW_END_HOUR: "1" });
    say("/settings");
    const screen = await reply(1);
    press(screen.messageId, "Start −1h");
    press(screen.messageId, "End −1h");
    const answers = await world.telegram.waitForCallbackAnswers(2);
    expect(answers.map((a) => a.text)).toEqual([
      "The window stays within 0–24 h and at least 1 h long.",
      "The window stays within 0–24 h and at least 1 h long.",
    ]);
    // Nothing changed: the screen stays as it is ("message is not modified" is not an error).
    expect(world.telegram.requestsTo("editMessageText")).toHaveLength(2);
    expect(world.telegram.edits).toHaveLength(0);
  });

  test("a settings change is remembered across a restart, until its variable changes in the env file", async () => {
    const dir = await start();
    say("/settings");
    const screen = await reply(1);
    for (const [i, label] of ["30m", "Start +1h", "⬜ Privacy", "✅ Crypto", "⚠️ Problems"].entries()) {
      press(screen.messageId, label);
      await world.telegram.waitForEdits(i + 1);
    }
    await restart(dir);
    expect(world.runtime!.scheduler.frequencyMinutes()).toBe(30);
    say("/settings");
    const after = (await reply(2)).plainText;
    for (const line of [
      "Reports: every 30 min\nset in the chat on 24 Nov",
      "Window: 09:00–20:00\nset in the chat on 24 Nov",
      "Privacy: on, amounts hidden\nset in the chat on 24 Nov",
      "Crypto breakdown: off\nset in the chat on 24 Nov",
      "Notifications: problems only\nset in the chat on 24 Nov",
    ])
      expect(after).toContain(line);
    expect(labels(keyboardOf((await reply(2)).messageId))[3]).toEqual(["⏸ Pause", "✅ Privacy", "⬜ Crypto"]);
    // Privacy applies to the report: no amount on its first line (the notification preview), every amount hidden.
    say("/status");
    const report = await reply(3);
    expect(report.plainText.split("\n")[0]).toBe("Portfolio");
    expect(report.plainText.split("\n")[0]).not.toMatch(/\d[\d,]*\.\d\d|\$\d|₽ ?\d/);
    const spoilers = report.entities.filter((e) => e.type === "spoiler").map((e) => report.plainText.slice(e.offset, e.offset + e.length));
    expect(spoilers).toContain("$105,689 · ₽8.5M");
    expect(spoilers).toContain("$28,545");
    const unhidden = report.entities.reduce(
      (text, e) => (e.type === "spoiler" ? text.slice(0, e.offset) + "•".repeat(e.length) + text.slice(e.offset + e.length) : text),
      report.plainText,
    );
    expect(unhidden).not.toMatch(/[$₽€]\s?\d/);

    // The owner edits the env file: the window and privacy from it win; the rest stays as set in the chat.
    world.logLines.length = 0;
    await restart(dir, { WINDOW_START_HOUR: "7", PRIVACY: "off" });
    say("/settings");
    const edited = (await reply(4)).plainText;
    expect(edited).toContain("Window: 07:00–20:00\nfrom WINDOW_START_HOUR and WINDOW_END_HOUR");
    expect(edited).toContain("Reports: every 30 min\nset in the chat on 24 Nov");
    expect(world.logLines.join("\n")).toContain(
      "WINDOW_START_HOUR and WINDOW_END_HOUR changed since the chat set the report window to 9:00–20:00 on 24 Nov (the env file had 8 and 20, it has 7 and 20): the report window is 7:00–20:00, from WINDOW_START_HOUR and WINDOW_END_HOUR",
    );
    // PRIVACY=off is PRIVACY's default: the env file did not change, so the chat's "on" stays.
    expect(edited).toContain("Privacy: on, amounts hidden\nset in the chat on 24 Nov");
  });
});
