// /history N, its pages and its per-platform view, and /export, through the real bot (grammY, service, history)
// and the fake Telegram Bot API: the pages turn with ◀ Older and Newer ▶ on the same message, their buttons
// work after a restart, and /export uploads the CSV and the original bot's JSON as documents named with the day.
import { describe, expect, test } from "bun:test";
import type { InlineKeyboardMarkup } from "grammy/types";
import { startBot } from "../../src/app/modes/bot.ts";
import { HISTORY_USAGE } from "../../src/bot/history-buttons.ts";
import { formatHistoryCsv } from "../../src/history/csv.ts";
import { formatHistoryJson } from "../../src/history/json.ts";
import { HistoryStore, type ImportEntry } from "../../src/history/store.ts";
import { dec, mul } from "../../src/lib/money.ts";
import { addDays } from "../../src/lib/zoned-time.ts";
import { botContext, botTestWorld } from "../support/bot-context.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAhistTOKENabcdefghijklmnopqrstuvwx";
const OWNER = 4242;
const STRANGER = 9001;
/** The fake clock's day in Europe/Paris: Tuesday 24 November 2026. */
const TODAY = "2026-11-24";

const world = botTestWorld(TOKEN);

/**
 * 400 days up to yesterday, $300,000 rising by $100 a day. The last 20 the bot recorded with their platforms (Bybit,
 * OKX, T-Bank in RUB too), Binance among them from 20 Nov; the older ones were imported with totals only.
 */
function history(): ImportEntry[] {
  return Array.from({ length: 400 }, (_, i) => {
    const day = addDays(TODAY, i - 400);
    const usd = dec(300_000 + 100 * i);
    const entry = { day, usd, rub: mul(usd, dec("80")) };
    if (i < 380) return entry;
    const binance = day >= "2026-11-20" ? 5_000 : 0;
    const tbank = 100_000 + 10 * i;
    const okx = 50_000 - 20 * i;
    const bybit = 300_000 + 100 * i - tbank - okx - binance;
    const platforms = new Map([
      ["bybit", { usd: dec(bybit), native: null }],
      ["okx", { usd: dec(okx), native: null }],
      ["tbank", { usd: dec(tbank), native: { currency: "RUB", amount: dec(tbank * 80) } }],
      ...(binance > 0 ? [["binance", { usd: dec(binance), native: null }] as const] : []),
    ]);
    return { ...entry, details: { usdRub: dec("80"), usdRubDate: day, complete: true, platforms, takenAt: `${day}T09:00:00.000Z` } };
  });
}

async function start(dataDir: string, extra: Record<string, string> = {}): Promise<void> {
  const context = botContext({
    fakes: world.fakes,
    telegram: world.telegram,
    token: TOKEN,
    owner: OWNER,
    dataDir,
    clock: world.clock,
    extra,
    level: "warn",
  });
  world.runtime = await startBot(context, { setInterval: () => 0, clearInterval: () => {} });
}

/** A data directory holding `entries`. */
function dataDirWith(entries: readonly ImportEntry[]): string {
  const dir = tempDir("hist");
  const store = HistoryStore.open(dir, "Europe/Paris", world.clock.now);
  store.importDays(entries, { overwrite: false });
  store.close();
  return dir;
}

const say = (text: string, chatId = OWNER) => world.telegram.pushMessage({ chatId, text });
const labels = (markup: InlineKeyboardMarkup | null | undefined) => markup?.inline_keyboard.map((row) => row.map((b) => b.text)) ?? [];

function keyboardOf(messageId: number): InlineKeyboardMarkup {
  const message = world.telegram.message(OWNER, messageId);
  if (!message || !("reply_markup" in message) || !message.reply_markup) throw new Error(`message ${messageId} has no buttons`);
  return message.reply_markup;
}

function press(messageId: number, label: string) {
  const button = keyboardOf(messageId)
    .inline_keyboard.flat()
    .find((b) => b.text.replace(/^· | ·$/g, "") === label);
  if (!button || !("callback_data" in button) || button.callback_data === undefined) throw new Error(`no button ${label} on ${messageId}`);
  return world.telegram.pushCallback({ chatId: OWNER, messageId, data: button.callback_data });
}

/** Presses `label` and returns the message's text once the press is answered (the edit comes first). */
async function pressAndRead(messageId: number, label: string): Promise<string> {
  const answered = world.telegram.callbackAnswers.length;
  press(messageId, label);
  await world.telegram.waitForCallbackAnswers(answered + 1);
  const message = world.telegram.message(OWNER, messageId);
  return message && "text" in message ? (message.text ?? "") : "";
}

const rows = (text: string) => text.split("\n").filter((line) => /^\d\d\.\d\d \w{3} /.test(line));

describe("/history N", () => {
  test("a year, 30 days a page: ◀ Older and Newer ▶ turn the pages of the same message, the currency kept", async () => {
    await start(dataDirWith(history()));
    say("/history 365");
    const first = (await world.telegram.waitForSent(1))[0]!;
    const lines = first.plainText.split("\n");
    expect(lines[0]).toBe("History, USD · 26 Oct – 24 Nov");
    expect(rows(first.plainText)).toHaveLength(30);
    // Today has no record yet: a gap; yesterday is the newest day.
    expect(rows(first.plainText).slice(0, 2)).toEqual(["24.11 Tue         —", "23.11 Mon  $339,900   ±0.0%"]);
    expect(lines.at(-1)).toBe("Page 1 of 13: 365 days from 25 Nov 2025");
    expect(labels(first.replyMarkup)).toEqual([["· $ USD ·", "₽ RUB"], ["◀ Older"], ["🏦 By platform", "⬅️ Status"]]);

    const second = await pressAndRead(first.messageId, "◀ Older");
    expect(second.split("\n")[0]).toBe("History, USD · 26 Sep – 25 Oct");
    expect(rows(second)[0]).toStartWith("25.10 Sun  $337,000");
    expect(second).toEndWith("Page 2 of 13: 365 days from 25 Nov 2025");
    expect(labels(keyboardOf(first.messageId))[1]).toEqual(["◀ Older", "Newer ▶"]);

    const inRoubles = await pressAndRead(first.messageId, "₽ RUB");
    expect(inRoubles.split("\n")[0]).toBe("History, RUB · 26 Sep – 25 Oct");
    expect(rows(inRoubles)[0]).toStartWith("25.10 Sun  ₽26,960,000");

    for (let page = 3; page <= 13; page++) await pressAndRead(first.messageId, "◀ Older");
    const last = world.telegram.message(OWNER, first.messageId);
    const lastText = last && "text" in last ? (last.text ?? "") : "";
    // The last page holds what is left of the 365 days: 5 of them, from 25 Nov 2025, the year said.
    expect(lastText.split("\n")[0]).toBe("History, RUB · 25 Nov – 29 Nov 2025");
    expect(rows(lastText)).toHaveLength(5);
    expect(labels(keyboardOf(first.messageId))[1]).toEqual(["Newer ▶"]);
    expect(await pressAndRead(first.messageId, "Newer ▶")).toStartWith("History, RUB · 30 Nov – 29 Dec 2025");

    // One message throughout, every press answered.
    expect(world.telegram.sent).toHaveLength(1);
    expect(world.telegram.callbackAnswers).toHaveLength(14);
    expect(world.telegram.edits.every((edit) => edit.messageId === first.messageId)).toBe(true);
  });

  test("the page buttons carry the whole view: they work after a restart", async () => {
    const dir = dataDirWith(history());
    await start(dir);
    say("/history 90");
    const first = (await world.telegram.waitForSent(1))[0]!;
    expect(first.plainText).toEndWith("Page 1 of 3: 90 days from 27 Aug");
    await world.runtime?.stop();
    world.runtime = null;
    await start(dir);
    const older = await pressAndRead(first.messageId, "◀ Older");
    expect(older.split("\n")[0]).toBe("History, USD · 26 Sep – 25 Oct");
    expect(older).toEndWith("Page 2 of 3: 90 days from 27 Aug");
  });

  test("/history without a number is the last 30 days on one page; a number out of 1–365 or a word gets the usage", async () => {
    await start(dataDirWith(history()));
    say("/history");
    const plain = (await world.telegram.waitForSent(1))[0]!;
    expect(rows(plain.plainText)).toHaveLength(30);
    expect(plain.plainText).not.toContain("Page ");
    for (const [i, words] of ["0", "366", "ninety"].entries()) {
      say(`/history ${words}`);
      expect((await world.telegram.waitForSent(i + 2)).at(-1)!.plainText).toBe(HISTORY_USAGE);
    }
  });
});

describe("/history by platform", () => {
  test("🏦 By platform: each platform's value on the latest day and its 7D change, a platform added since marked new; 📅 By day goes back", async () => {
    await start(dataDirWith(history()));
    say("/history 90");
    const first = (await world.telegram.waitForSent(1))[0]!;
    await pressAndRead(first.messageId, "◀ Older");
    const view = await pressAndRead(first.messageId, "🏦 By platform");
    expect(view.split("\n")).toEqual([
      "By platform, USD · 23 Nov",
      "Platform       USD     7D",
      // $5,000 moved from Bybit to Binance on 20 Nov: Bybit's loss is real, Binance's balance is no gain.
      "Bybit     $188,890  ▼2.2%  $4.23k",
      "OKX        $42,020  ▼0.3%    $140",
      "T-Bank    $103,990  ▲0.1%     $70",
      "Binance     $5,000    new",
      "Total     $339,900",
      "7D: since 16 Nov",
      "new: added since, not compared",
      "Total: not compared, the platforms differ",
    ]);
    expect(labels(keyboardOf(first.messageId))).toEqual([["📅 By day", "⬅️ Status"]]);
    // Back to the page it came from.
    expect((await pressAndRead(first.messageId, "📅 By day")).split("\n")[0]).toBe("History, USD · 26 Sep – 25 Oct");
  });

  test("with privacy on: each platform's 7D change in % only, no amount", async () => {
    await start(dataDirWith(history()), { PRIVACY: "on" });
    say("/history");
    const first = (await world.telegram.waitForSent(1))[0]!;
    const view = await pressAndRead(first.messageId, "🏦 By platform");
    expect(view.split("\n").slice(1, 7)).toEqual([
      "Platform     7D",
      "Bybit     ▼2.2%",
      "OKX       ▼0.3%",
      "T-Bank    ▲0.1%",
      "Binance     new",
      "Total",
    ]);
    expect(view).not.toMatch(/[$₽]/);
  });
});

describe("/export", () => {
  test("uploads two documents: pfbot's CSV and the original bot's JSON, named with today's date, holding the whole history", async () => {
    const dir = dataDirWith(history());
    await start(dir);
    say("/export");
    const [csv, json] = await world.telegram.waitForDocuments(2);
    expect([csv!.filename, json!.filename]).toEqual([`pfbot-history-${TODAY}.csv`, `pfbot-history-${TODAY}.json`]);
    expect([csv!.mimeType, json!.mimeType]).toEqual(["text/csv", "application/json"]);
    const store = HistoryStore.open(dir, "Europe/Paris", world.clock.now);
    const days = store.all();
    store.close();
    // The very files pfbot --export writes.
    const csvText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(csv!.bytes!);
    expect(csvText).toBe(formatHistoryCsv(days, "csv"));
    expect(new TextDecoder().decode(json!.bytes!)).toBe(formatHistoryJson(days));
    // Spreadsheet-ready: a BOM, ";" and a decimal comma, CRLF; a line per day.
    expect(csvText).toStartWith("\uFEFFDate;Total USD;Total RUB;");
    expect(csvText.split("\r\n").filter((line) => line !== "")).toHaveLength(401);
    expect(csvText).toContain("\r\n2026-11-23;339900;27192000;80;2026-11-23;");
    const parsed = JSON.parse(new TextDecoder().decode(json!.bytes!)) as Record<string, { USD: number; RUB: number }>;
    expect(Object.keys(parsed)).toHaveLength(400);
    expect(parsed["23-11-2026"]).toEqual({ USD: 339900, RUB: 27192000 });
    // Each says what it holds, and that its amounts are in the clear; the buttons go under the last.
    expect(csv!.plainCaption.split("\n")).toEqual([
      "📊 CSV for Excel or LibreOffice",
      "400 days, 20 Oct 2025 – 23 Nov 2026: each day's totals in USD and RUB, the rate and each platform's value",
      "🔓 Privacy hides no amount in a file",
    ]);
    expect(json!.plainCaption.split("\n")).toEqual([
      "🗂 JSON of the original bot",
      "400 days, 20 Oct 2025 – 23 Nov 2026: each day's totals in USD and RUB, as its portfolio_history.json",
      "🔓 Privacy hides no amount in a file",
    ]);
    expect(csv!.replyMarkup).toBeNull();
    expect(labels(json!.replyMarkup)).toEqual([["📊 CSV", "🗂 JSON"], ["📄 CSV for scripts"]]);
    expect(world.telegram.chatActions).toContainEqual({ chatId: OWNER, action: "upload_document" });
    expect(world.telegram.sent).toHaveLength(0);
  });

  test("its buttons send one format again; /export csv-plain sends the CSV for scripts", async () => {
    await start(dataDirWith(history()));
    say("/export json");
    const [json] = await world.telegram.waitForDocuments(1);
    expect(json!.filename).toBe(`pfbot-history-${TODAY}.json`);
    press(json!.messageId, "📄 CSV for scripts");
    const [, plain] = await world.telegram.waitForDocuments(2);
    expect(plain!.filename).toBe(`pfbot-history-${TODAY}-plain.csv`);
    expect(new TextDecoder().decode(plain!.bytes!)).toStartWith("Date,Total USD,Total RUB,");
    expect(world.telegram.callbackAnswers.at(-1)?.text).toBe(`📤 Sending pfbot-history-${TODAY}-plain.csv`);
    say("/export xlsx");
    expect((await world.telegram.waitForSent(1))[0]!.plainText).toStartWith("Usage: /export [csv|json|csv-plain].");
  });

  test("an empty history: a line says there is nothing yet, and no document goes; a stranger's /export gets nothing", async () => {
    await start(tempDir("hist"));
    say("/export", STRANGER);
    say("/export");
    const [reply] = await world.telegram.waitForSent(1);
    expect(reply!.chatId).toBe(OWNER);
    expect(reply!.plainText).toStartWith("No history to export yet");
    expect(world.telegram.documents).toHaveLength(0);
    expect(world.telegram.requestsTo("sendDocument")).toHaveLength(0);
  });
});
