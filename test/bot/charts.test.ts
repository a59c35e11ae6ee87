// /chart and /allocation in the real bot (grammY, history, settings, the in-process chart renderer) against the fake
// Telegram Bot API and the platform fakes: photos by sendPhoto, their buttons, editMessageMedia on the
// same message, every press answered.
import { describe, expect, test } from "bun:test";
import { startBot } from "../../src/app/modes/bot.ts";
import { CHART_USAGE } from "../../src/bot/charts.ts";
import { STALE_BUTTON } from "../../src/bot/navigation.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { addDays } from "../../src/lib/zoned-time.ts";
import { renderPng } from "../../src/render/chart/rasterize.ts";
import type { SentPhoto } from "../fakes/telegram.ts";
import { botContext, botTestWorld } from "../support/bot-context.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAchartTOKENabcdefghijklmnopqrstuv";
const OWNER = 4242;
const TODAY = "2026-11-24";

const world = botTestWorld(TOKEN);

/** A DATA_DIR holding `days` days up to today (imported, so complete), $100,000 rising $250 a day. */
function historyDir(days: number): string {
  const dir = tempDir("chart-bot");
  const store = HistoryStore.open(dir, "Europe/Paris", world.clock.now);
  store.importDays(
    Array.from({ length: days }, (_, i) => ({
      day: addDays(TODAY, i - days + 1),
      usd: dec(String(100_000 + i * 250)),
      rub: dec(String((100_000 + i * 250) * 100)),
    })),
    { overwrite: false },
  );
  store.close();
  return dir;
}

async function start(dataDir: string): Promise<void> {
  world.runtime = await startBot(botContext({ ...world, token: TOKEN, owner: OWNER, dataDir }), {
    renderChart: renderPng,
  });
}

const say = (text: string) => world.telegram.pushMessage({ chatId: OWNER, text });
const press = (photo: SentPhoto, label: string) => {
  const button = photo.replyMarkup?.inline_keyboard.flat().find((b) => b.text.replace(/·/g, "").trim() === label);
  if (!button || !("callback_data" in button)) throw new Error(`no button ${label}`);
  return world.telegram.pushCallback({ chatId: OWNER, messageId: photo.messageId, data: button.callback_data });
};
const labels = (photo: SentPhoto) => photo.replyMarkup?.inline_keyboard.map((row) => row.map((b) => b.text)) ?? [];

describe("/chart", () => {
  test("sends a 1280×720 PNG with its caption and buttons, while Telegram shows 'sending photo'", async () => {
    await start(historyDir(45));
    say("/chart");
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    expect(photo).toMatchObject({ method: "sendPhoto", chatId: OWNER, width: 1280, height: 720 });
    expect([...photo!.bytes!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(world.telegram.chatActions).toContainEqual({ chatId: OWNER, action: "upload_photo" });
    // The last 30 days up to today: 26 Oct … 24 Nov, $103,750 … $111,000.
    expect(photo!.plainCaption.split("\n")).toEqual([
      "Portfolio value, USD · last 30 days",
      "Now (24 Nov 2026): $111,000",
      "Change: +$7,250 (+7.0%) from 26 Oct 2026 to 24 Nov 2026",
      "Low: $103,750 on 26 Oct 2026 · High: $111,000 on 24 Nov 2026",
      "Period: 26 Oct – 24 Nov 2026, 30 of 30 days recorded",
    ]);
    expect(labels(photo!)).toEqual([["· 30 ·", "90", "365", "All"], ["· USD ·", "RUB"], ["⬅️ Status"]]);
  });

  test("a range or currency button turns the same message into that chart; the shown one just answers", async () => {
    await start(historyDir(45));
    say("/chart");
    const [first] = await world.telegram.waitForPhotos(1, 15_000);
    press(first!, "All");
    const [, all] = await world.telegram.waitForPhotos(2, 15_000);
    expect(all).toMatchObject({ method: "editMessageMedia", messageId: first!.messageId, width: 1280, height: 720 });
    expect(all!.plainCaption).toStartWith("Portfolio value, USD · all history\n");
    expect(all!.plainCaption).toContain("Period: 11 Oct – 24 Nov 2026, 45 of 45 days recorded");
    expect(labels(all!)[0]).toEqual(["30", "90", "365", "· All ·"]);
    press(all!, "RUB");
    const [, , rub] = await world.telegram.waitForPhotos(3, 15_000);
    expect(rub!.plainCaption).toContain("Now (24 Nov 2026): ₽11,100,000");
    expect(world.telegram.message(OWNER, first!.messageId)?.caption).toStartWith("Portfolio value, RUB · all history");
    press(rub!, "RUB");
    const answers = await world.telegram.waitForCallbackAnswers(3);
    expect(answers.map((a) => a.text)).toEqual([null, null, "Already selected."]);
    expect(world.telegram.requestsTo("editMessageMedia")).toHaveLength(2);
    expect(world.telegram.requestsTo("sendPhoto")).toHaveLength(1);
  });

  test("fewer than 2 days: a short text instead of a chart, and an alert on a button", async () => {
    await start(historyDir(1));
    say("/chart");
    const [reply] = await world.telegram.waitForSent(1, 10_000);
    expect(reply!.plainText).toStartWith("No chart: the last 30 days has only one recorded day (24 Nov 2026), and a chart needs 2.");
    expect(world.telegram.requestsTo("sendPhoto")).toHaveLength(0);
    say("/chart 30 eur");
    expect((await world.telegram.waitForSent(2))[1]!.plainText).toBe(CHART_USAGE);
  });

  test("a button whose range has too few days answers with an alert and leaves the chart as it is", async () => {
    const dir = historyDir(3);
    await start(dir);
    say("/chart");
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    // Days recorded without a USD/RUB rate have no RUB value: no RUB chart can be drawn of them.
    const store = HistoryStore.open(dir, "Europe/Paris", world.clock.now);
    store.db.run("UPDATE days SET rub = NULL");
    store.close();
    press(photo!, "RUB");
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.showAlert).toBe(true);
    expect(answer!.text).toStartWith("No chart: the last 30 days has no day with a RUB value (a day without a USD/RUB rate has none)");
    expect(answer!.text!.length).toBeLessThanOrEqual(200);
    expect(world.telegram.requestsTo("editMessageMedia")).toHaveLength(0);
  });

  test("when the message cannot be edited any more, the chart is sent anew and the old message removed", async () => {
    await start(historyDir(45));
    say("/chart");
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    world.telegram.faults.add({ path: "editMessageMedia", code: 400, message: "Bad Request: message can't be edited", times: 1 });
    press(photo!, "90");
    const [, again] = await world.telegram.waitForPhotos(2, 15_000);
    expect(again).toMatchObject({ method: "sendPhoto" });
    expect(again!.plainCaption).toStartWith("Portfolio value, USD · last 90 days");
    await world.telegram.waitForRequests("deleteMessage", 1);
    expect(world.telegram.message(OWNER, photo!.messageId)).toBeNull();
    expect(world.telegram.callbackAnswers).toHaveLength(1);
  });

  test("a button from an older pfbot is answered, not ignored", async () => {
    await start(historyDir(45));
    say("/chart");
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    world.telegram.pushCallback({ chatId: OWNER, messageId: photo!.messageId, data: "chart:7:usd" });
    const [answer] = await world.telegram.waitForCallbackAnswers(1);
    expect(answer!.text).toBe(STALE_BUTTON);
  });
});

describe("/allocation", () => {
  test("before any complete snapshot it says so; after /status it draws that snapshot by platform and by kind", async () => {
    await start(historyDir(2));
    say("/allocation");
    expect((await world.telegram.waitForSent(1, 10_000))[0]!.plainText).toStartWith("No allocation yet");
    say("/status");
    await world.telegram.waitForSent(2, 10_000);
    say("/allocation");
    const [photo] = await world.telegram.waitForPhotos(1, 15_000);
    expect(photo).toMatchObject({ method: "sendPhoto", width: 1280, height: 720 });
    const caption = photo!.plainCaption.split("\n");
    // The total is the portfolio's, as /status says it: the margin account's −$15 is left out of the ring, not of it.
    // The accounts are named as /status names them, without their numbers.
    expect(caption).toEqual([
      "Allocation by platform, USD",
      "Total: $105,689",
      "Snapshot: 24 Nov 2026, 10:00 (Europe/Paris)",
      "Bybit: $28,545 · 27.0%",
      "Binance: $19,996 · 18.9%",
      "T-Bank · Брокерский счёт: $18,936 · 17.9%",
      "KuCoin: $16,657 · 15.8%",
      "OKX: $16,445 · 15.6%",
      "T-Bank · ИИС: $5,125 · 4.8%",
      "Not in the ring (zero or negative): T-Bank · Маржинальный: −$15.54",
    ]);
    expect(labels(photo!)).toEqual([["· By platform ·", "By kind"], ["· USD ·", "RUB"], ["⬅️ Status"]]);
    press(photo!, "By kind");
    const [, byKind] = await world.telegram.waitForPhotos(2, 15_000);
    expect(byKind).toMatchObject({ method: "editMessageMedia", messageId: photo!.messageId });
    expect(byKind!.plainCaption).toStartWith("Allocation by kind, USD\n");
    expect(byKind!.plainCaption).toMatch(/^Crypto: \$[\d,]+ · \d+\.\d%$/m);
    expect(byKind!.plainCaption).toMatch(/^RUB assets: \$[\d,]+ · \d+\.\d%$/m);
  });
});
