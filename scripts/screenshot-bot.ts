/**
 * @module Dev tool: the bot's screens as a 380 dp phone shows them, driven end to end. The real bot runs
 * against the fakes of test/fakes (a healthy portfolio; 400 days of history with gaps, the last 45 recorded
 * by the bot with each platform's value, the older ones imported from the original bot with totals only)
 * and a fake Bot API; the script sends /status, presses its buttons and /settings, and screenshots each
 * message as it stands with scripts/screenshot.ts: the report with its keyboard and its change over 1D, 7D,
 * 30D and YTD, "⏳ Updating…", the history, /history 365 and its second page, the view by platform, a
 * partial report and its notes in full (ℹ️ Details), the settings, the report with privacy on (and its
 * lock-screen notification), and /export's two files.
 *
 *   bun scripts/screenshot-bot.ts [--out-dir DIR]
 *
 * Needs Chromium and the fonts of scripts/README.md. Writes the PNGs (default /tmp/pfbot-bot-screens).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { InlineKeyboardMarkup } from "grammy/types";
import { startBot } from "../src/app/modes/bot.ts";
import { createSnapshotTaker } from "../src/app/wiring.ts";
import { loadConfig } from "../src/config/config.ts";
import { HistoryStore } from "../src/history/store.ts";
import { systemClock } from "../src/lib/clock.ts";
import { createLogger } from "../src/lib/log.ts";
import { dec, mul, sum, toPlainString } from "../src/lib/money.ts";
import { addDays, zonedDay } from "../src/lib/zoned-time.ts";
import type { Snapshot } from "../src/snapshot/snapshot.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { makeHealthy, SCENARIOS } from "./demo-world.ts";
import { describeLayout, screenshotWithLayout, type TelegramMessage } from "./screenshot.ts";

const { values } = parseArgs({ options: { "out-dir": { type: "string", default: "/tmp/pfbot-bot-screens" } } });
const outDir = resolve(values["out-dir"]);
mkdirSync(outDir, { recursive: true });

const TOKEN = "123456789:AAscreenshotTOKENabcdefghijklmnopq";
/** The USD/RUB rate of the history's days. */
const RATE = dec("80.45");
const OWNER = 4242;
const fakes = await startAllFakes();
makeHealthy(fakes, Date.now());
const telegram = await startTelegramFake({ token: TOKEN });
const dataDir = mkdtempSync(join(tmpdir(), "pfbot-screens-"));

const loaded = loadConfig(
  {
    vars: { ...fakes.env, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: String(OWNER), TELEGRAM_API_ROOT: telegram.url, DATA_DIR: dataDir },
    file: null,
  },
  { platforms: true, telegram: true },
);
if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
const log = createLogger({ level: "warn", secrets: loaded.config.secrets });
// Today's figures, from which the history runs back: the report's changes are then the history's own.
writeHistory(dataDir, await (await createSnapshotTaker(loaded.config, log, "screens", systemClock)).take());
const runtime = await startBot({ config: loaded.config, log, version: "screens", out: () => {}, clock: systemClock });

try {
  telegram.pushMessage({ chatId: OWNER, text: "/status" });
  const status = (await telegram.waitForSent(1, 60_000))[0]!;
  await shoot("status", status.messageId, { silent: true });
  // Refresh, held on Bybit so that "⏳ Updating…" can be seen.
  const hold = { path: "/v5/asset/asset-overview", hang: true, times: 1 };
  fakes.bybit.faults.add(hold);
  press(status.messageId, "🔄 Refresh");
  await telegram.waitForEdits(1);
  await shoot("updating", status.messageId);
  fakes.bybit.faults.remove(hold);
  await telegram.waitForEdits(2, 60_000);
  await pressAndShoot(status.messageId, "📅 History", "history");
  await pressAndShoot(status.messageId, "₽ RUB", "history-rub");
  await pressAndShoot(status.messageId, "🏦 By platform", "history-platforms");
  await pressAndShoot(status.messageId, "⬅️ Status", null);
  // /history 365: a year, 30 days a page; its second page.
  telegram.pushMessage({ chatId: OWNER, text: "/history 365" });
  const year = (await telegram.waitForSent(2, 60_000))[1]!;
  await shoot("history-365", year.messageId);
  await pressAndShoot(year.messageId, "◀ Older", "history-365-page-2");
  // /export: the CSV and the JSON as files.
  telegram.pushMessage({ chatId: OWNER, text: "/export" });
  await shootDocuments("export", await telegram.waitForDocuments(2, 60_000));
  // A report with notes: OKX down, a T-Bank account the API cannot read; then ℹ️ Details, and health again.
  for (const name of ["partial", "tbank-restricted"]) SCENARIOS.find((scenario) => scenario.name === name)?.apply(fakes);
  await refresh(status.messageId);
  await shoot("status-partial", status.messageId);
  await pressAndShoot(status.messageId, "ℹ️ Details", "details");
  await pressAndShoot(status.messageId, "⬅️ Status", null);
  fakes.okx.faults.clear();
  makeHealthy(fakes, Date.now());
  await refresh(status.messageId);
  await pressAndShoot(status.messageId, "⚙️ Settings", "settings");
  await pressAndShoot(status.messageId, "⬜ Privacy", "settings-privacy");
  await pressAndShoot(status.messageId, "⬅️ Status", "status-privacy");
  await shoot("status-privacy-notification", status.messageId, { notification: true });
  await pressAndShoot(status.messageId, "📅 History", "history-privacy");
  await pressAndShoot(status.messageId, "🏦 By platform", "history-platforms-privacy");
} finally {
  await runtime.stop();
  await Promise.all([telegram.stop(), fakes.stop()]);
}

/**
 * 400 days up to yesterday, rising to today's figures with a wave, three days missing: the last 45 as the bot records
 * them (each platform's value), the older ones as imported from the original bot's file (totals only).
 */
function writeHistory(dir: string, today: Snapshot): void {
  const store = HistoryStore.open(dir, "Europe/Paris");
  const day0 = zonedDay(new Date(), "Europe/Paris");
  const rows = today.rows.filter((row) => row.usd !== null);
  const entries = Array.from({ length: 400 }, (_, k) => k + 1)
    .filter((back) => ![9, 10, 23].includes(back))
    .map((back) => {
      const day = addDays(day0, -back);
      const factor = (shift: number) => 1 - 0.0006 * back + 0.008 * Math.sin(back * 0.7 + shift);
      const values = rows.map((row, i) => [row.id, dec((Number(toPlainString(row.usd!)) * factor(i)).toFixed(2))] as const);
      const usd = sum(values.map(([, value]) => value));
      const entry = { day, usd, rub: mul(usd, RATE) };
      if (back > 45) return entry;
      const platforms = new Map(
        values.map(([id, value]) => [id, { usd: value, native: id === "tbank" ? { currency: "RUB", amount: mul(value, RATE) } : null }]),
      );
      return { ...entry, details: { usdRub: RATE, usdRubDate: day, complete: true, platforms, takenAt: `${day}T09:00:00.000Z` } };
    });
  store.importDays(entries, { overwrite: false });
  store.close();
}

function press(messageId: number, label: string): void {
  const button = keyboardOf(messageId)
    ?.inline_keyboard.flat()
    .find((b) => b.text.replace(/^· | ·$/g, "") === label);
  if (!button || !("callback_data" in button) || !button.callback_data) throw new Error(`no button ${label}`);
  telegram.pushCallback({ chatId: OWNER, messageId, data: button.callback_data });
}

async function pressAndShoot(messageId: number, label: string, name: string | null): Promise<void> {
  const answered = telegram.callbackAnswers.length;
  press(messageId, label);
  // These presses are answered once the message is edited (a snapshot in memory: ⬅️ Status takes none).
  await telegram.waitForCallbackAnswers(answered + 1, 60_000);
  if (name !== null) await shoot(name, messageId);
}

/** Presses 🔄 Refresh and waits for the new report in place. */
async function refresh(messageId: number): Promise<void> {
  const edits = telegram.edits.length;
  press(messageId, "🔄 Refresh");
  // "⏳ Updating…" in place of the buttons, then the report.
  await telegram.waitForEdits(edits + 2, 60_000);
}

/** Documents as they stand in the chat: each file's name and size, its caption, and the buttons under the last. */
async function shootDocuments(name: string, documents: readonly SentDocumentLike[]): Promise<void> {
  const messages: TelegramMessage[] = documents.map((document) => ({
    document: { name: document.filename, size: document.bytes?.length ?? 0 },
    caption: document.caption,
    ...(document.replyMarkup ? { keyboard: document.replyMarkup } : {}),
  }));
  const out = join(outDir, `${name}.png`);
  console.log(`${out}\n${describeLayout(await screenshotWithLayout(messages, { out }))}\n`);
}

type SentDocumentLike = Awaited<ReturnType<typeof telegram.waitForDocuments>>[number];

function keyboardOf(messageId: number): InlineKeyboardMarkup | undefined {
  const message = telegram.message(OWNER, messageId);
  return message && "reply_markup" in message ? message.reply_markup : undefined;
}

/** The message as it stands: its HTML source (from the last send or edit) and its buttons. */
async function shoot(name: string, messageId: number, options: { silent?: boolean; notification?: boolean } = {}): Promise<void> {
  const edit = telegram.edits.filter((e) => e.messageId === messageId && e.method === "editMessageText").at(-1);
  const html = edit?.text ?? telegram.sent.find((m) => m.messageId === messageId)?.text ?? "";
  const keyboard = keyboardOf(messageId);
  const message: TelegramMessage = { html, ...(keyboard ? { keyboard } : {}), ...(options.silent ? { silent: true } : {}) };
  const out = join(outDir, `${name}.png`);
  const report = await screenshotWithLayout([message], { out, ...(options.notification ? { notification: true } : {}) });
  console.log(`${out}\n${describeLayout(report)}\n`);
}
