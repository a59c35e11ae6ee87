/**
 * @module Dev tool: what the bot sends when it keeps watch (issue #19), as a 380 dp phone shows it. The real bot
 * runs against the fakes of test/fakes (IBKR left out) and a fake Bot API, on a clock the script moves (a Sunday in
 * Paris), with ALERT_MOVE_PERCENT=5, DIGEST=sun 19:00 and PIN_STATUS=on, over three weeks of history. It runs the
 * scheduled slots by hand and screenshots each message with scripts/screenshot.ts: the pinned status, a move
 * alert after its report, a key expiry warning, a platform out and back, the weekly digest (its text and its
 * chart), the alerts' settings screen, and with privacy on the pinned status, a move alert and the digest.
 *
 *   bun scripts/screenshot-alerts.ts [--out-dir DIR]
 *
 * Needs Chromium and the fonts of scripts/README.md. Writes the PNGs (default /tmp/pfbot-alert-screens).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { InlineKeyboardMarkup } from "grammy/types";
import { startBot } from "../src/app/modes/bot.ts";
import { loadConfig } from "../src/config/config.ts";
import { HistoryStore } from "../src/history/store.ts";
import { createLogger } from "../src/lib/log.ts";
import { dec } from "../src/lib/money.ts";
import { addDays } from "../src/lib/zoned-time.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { fakeClock } from "../test/support/clock.ts";
import { makeHealthy } from "./demo-world.ts";
import { describeLayout, screenshotWithLayout, type TelegramMessage } from "./screenshot.ts";

const { values } = parseArgs({ options: { "out-dir": { type: "string", default: "/tmp/pfbot-alert-screens" } } });
const outDir = resolve(values["out-dir"]);
mkdirSync(outDir, { recursive: true });

const TOKEN = "123456789:AAscreenshotTOKENabcdefghijklmnopq";
const OWNER = 4242;
// Sunday 29 November 2026, 09:00 in Paris.
const clock = fakeClock("2026-11-29T08:00:00Z");
const fakes = await startAllFakes({ now: clock.now });
makeHealthy(fakes, clock.now());
fakes.bybit.state.key.expiredAt = "2026-12-13T10:30:00Z";
const telegram = await startTelegramFake({ token: TOKEN });
const dataDir = mkdtempSync(join(tmpdir(), "pfbot-alert-screens-"));
writeHistory(dataDir);

const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
const loaded = loadConfig(
  {
    vars: {
      ...platforms,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: String(OWNER),
      TELEGRAM_API_ROOT: telegram.url,
      DATA_DIR: dataDir,
      POLL_INTERVAL_MINUTES: "60",
      ALERT_MOVE_PERCENT: "5",
      DIGEST: "sun 19:00",
      PIN_STATUS: "on",
    },
    file: null,
  },
  { platforms: true, telegram: true },
);
if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
const log = createLogger({ level: "warn", secrets: loaded.config.secrets });
const runtime = await startBot(
  { config: loaded.config, log, version: "screens", out: () => {}, clock },
  { setInterval: () => 0, clearInterval: () => {} },
);

try {
  // 10:00: a scheduled report, the status pinned, and the day's key audit (Bybit's key expires in 14 days).
  await slot("2026-11-29T09:00:00Z");
  const pinned = telegram.pinned(OWNER)[0]!;
  await shoot("pinned-status", [pinned], { silent: true });
  await shoot("key-expiry", [last((text) => text.startsWith("🔑"))]);
  // 11:00: Bybit's BTC falls by half: the report, then the alert.
  setBtcUsd("7125.04");
  await slot("2026-11-29T10:00:00Z");
  const move = last((text) => text.startsWith("📉"));
  await shoot("move-alert", [move - 1, move]);
  await shoot("pinned-status-after-move", [pinned], { silent: true });
  // 12:00–14:00: OKX refuses its key; the third failed run is alerted, then OKX is back at 15:00.
  fakes.okx.faults.add({ code: "50111", message: "Invalid OK-ACCESS-KEY", status: 401 });
  for (const hour of [11, 12, 13]) await slot(`2026-11-29T${hour}:00:00Z`);
  await shoot("failure-alert", [last((text) => text.includes("is out"))]);
  telegram.pushMessage({ chatId: OWNER, text: "/status" });
  await telegram.waitForSent(telegram.sent.length + 1, 30_000);
  await runtime.service.idle();
  await shoot("status-with-outage", [telegram.sent.at(-1)!.messageId]);
  fakes.okx.faults.clear();
  await slot("2026-11-29T14:00:00Z");
  await shoot("failure-back", [last((text) => text.includes("is back"))]);
  // 19:00: the weekly digest, then its chart.
  clock.set("2026-11-29T18:00:20Z");
  await runtime.scheduler.tick();
  await telegram.waitForPhotos(1, 60_000);
  await shoot("digest", [last((text) => text.startsWith("🗓"))], { silent: true, photo: true });
  // The alerts' settings, and privacy on.
  telegram.pushMessage({ chatId: OWNER, text: "/settings" });
  const settings = (await telegram.waitForSent(telegram.sent.length + 1, 30_000)).at(-1)!.messageId;
  await shoot("settings", [settings]);
  await press(settings, "🚨 Alerts");
  await shoot("settings-alerts", [settings]);
  await press(settings, "⬅️ Settings");
  await press(settings, "⬜ Privacy");
  setBtcUsd("14250.075");
  await slot("2026-11-30T08:00:00Z");
  await shoot("move-alert-privacy", [last((text) => text.startsWith("📈"))]);
  await shoot("pinned-status-privacy", [pinned], { silent: true });
  clock.set("2026-12-06T18:00:20Z");
  await runtime.scheduler.tick();
  await telegram.waitForPhotos(2, 60_000);
  await shoot("digest-privacy", [last((text) => text.startsWith("🗓"))], { silent: true, photo: true });
} finally {
  await runtime.stop();
  await Promise.all([telegram.stop(), fakes.stop()]);
}

/** Runs the scheduled slot at `iso` (the clock a few seconds after it), and waits for the pinned status. */
async function slot(iso: string): Promise<void> {
  clock.set(Date.parse(iso) + 5_000);
  await runtime.scheduler.tick();
  await runtime.service.idle();
}

function setBtcUsd(usd: string): void {
  const [btc, ...others] = fakes.bybit.state.unified.coins;
  fakes.bybit.state.unified.coins = [{ ...btc!, usdValue: usd }, ...others];
}

/** The id of the last message sent whose text matches. */
function last(match: (text: string) => boolean): number {
  const found = telegram.sent.filter((message) => match(message.plainText)).at(-1);
  if (!found) throw new Error("no such message was sent");
  return found.messageId;
}

async function press(messageId: number, label: string): Promise<void> {
  const button = keyboardOf(messageId)
    ?.inline_keyboard.flat()
    .find((b) => b.text.replace(/^· | ·$/g, "") === label);
  if (!button || !("callback_data" in button) || !button.callback_data) throw new Error(`no button ${label}`);
  const answered = telegram.callbackAnswers.length;
  telegram.pushCallback({ chatId: OWNER, messageId, data: button.callback_data });
  await telegram.waitForCallbackAnswers(answered + 1, 30_000);
}

function keyboardOf(messageId: number): InlineKeyboardMarkup | undefined {
  const message = telegram.message(OWNER, messageId);
  return message && "reply_markup" in message ? message.reply_markup : undefined;
}

/** The messages as they stand (their HTML from the last send or edit, their buttons); `photo`: the last photo after them. */
async function shoot(name: string, ids: number[], options: { silent?: boolean; photo?: boolean } = {}): Promise<void> {
  const messages: TelegramMessage[] = ids.map((id) => {
    const edit = telegram.edits.filter((e) => e.messageId === id && e.method === "editMessageText").at(-1);
    const html = edit?.text ?? telegram.sent.find((m) => m.messageId === id)?.text ?? "";
    const keyboard = keyboardOf(id);
    return { html, ...(keyboard ? { keyboard } : {}), ...(options.silent ? { silent: true } : {}), ...(edit ? { edited: true } : {}) };
  });
  const photo = options.photo ? telegram.photos.at(-1) : undefined;
  if (photo?.bytes) messages.push({ photo: photo.bytes, caption: photo.caption, silent: true });
  const out = join(outDir, `${name}.png`);
  const report = await screenshotWithLayout(messages, { out });
  console.log(`${out}\n${describeLayout(report)}\n`);
}

/** Three weeks up to yesterday, every platform on record, about $100k rising with a dip and a partial day. */
function writeHistory(dir: string): void {
  const store = HistoryStore.open(dir, "Europe/Paris", clock.now);
  const today = "2026-11-29";
  const shares = { bybit: 0.27, okx: 0.16, tbank: 0.24, binance: 0.19, kucoin: 0.14 } as const;
  const days = Array.from({ length: 21 }, (_, i) => {
    const day = addDays(today, i - 21);
    const usd = 98_000 + i * 350 + (i === 16 ? -4_200 : 0) + (i % 3) * 410;
    const partial = i === 18;
    const values = Object.entries(shares).map(([id, share]) => {
      const value = partial && id === "okx" ? null : usd * share * (1 + (id === "okx" ? i * 0.004 : 0));
      return [id, value] as const;
    });
    const platforms = new Map(values.map(([id, value]) => [id, { usd: value === null ? null : dec(value.toFixed(2)), native: null }]));
    const total = values.reduce((sum, [, value]) => sum + (value ?? 0), 0);
    return {
      day,
      usd: dec(total.toFixed(2)),
      rub: dec((total * 80.1).toFixed(2)),
      details: { usdRub: dec("80.1"), usdRubDate: day, complete: !partial, platforms, takenAt: `${day}T17:00:00.000Z` },
    };
  });
  store.importDays(days, { overwrite: false });
  store.close();
}
