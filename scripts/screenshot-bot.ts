/**
 * @module Dev tool: the bot's screens as a 380 dp phone shows them, driven end to end. The real bot runs
 * against the fakes of test/fakes (a healthy portfolio, 30 days of history with gaps) and a fake Bot API;
 * the script sends /status, presses its buttons and /settings, and screenshots each message as it stands
 * with scripts/screenshot.ts: the report with its keyboard, "⏳ Updating…", the history, a partial report
 * and its notes in full (ℹ️ Details), the settings, and the report with privacy on (and its lock-screen
 * notification).
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
import { loadConfig } from "../src/config/config.ts";
import { HistoryStore } from "../src/history/store.ts";
import { systemClock } from "../src/lib/clock.ts";
import { createLogger } from "../src/lib/log.ts";
import { dec } from "../src/lib/money.ts";
import { addDays, zonedDay } from "../src/lib/zoned-time.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { makeHealthy, SCENARIOS } from "./demo-world.ts";
import { describeLayout, screenshotWithLayout, type TelegramMessage } from "./screenshot.ts";

const { values } = parseArgs({ options: { "out-dir": { type: "string", default: "/tmp/pfbot-bot-screens" } } });
const outDir = resolve(values["out-dir"]);
mkdirSync(outDir, { recursive: true });

const TOKEN = "123456789:AAscreenshotTOKENabcdefghijklmnopq";
const OWNER = 4242;
const fakes = await startAllFakes();
makeHealthy(fakes, Date.now());
const telegram = await startTelegramFake({ token: TOKEN });
const dataDir = mkdtempSync(join(tmpdir(), "pfbot-screens-"));
writeHistory(dataDir);

const loaded = loadConfig(
  {
    vars: { ...fakes.env, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: String(OWNER), TELEGRAM_API_ROOT: telegram.url, DATA_DIR: dataDir },
    file: null,
  },
  { platforms: true, telegram: true },
);
if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
const log = createLogger({ level: "warn", secrets: loaded.config.secrets });
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
  await pressAndShoot(status.messageId, "⬅️ Status", null);
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
} finally {
  await runtime.stop();
  await Promise.all([telegram.stop(), fakes.stop()]);
}

/** 30 days up to yesterday, about $410k rising to the healthy world's $427k, with three missing days. */
function writeHistory(dir: string): void {
  const store = HistoryStore.open(dir, "Europe/Paris");
  const today = zonedDay(new Date(), "Europe/Paris");
  const days = Array.from({ length: 30 }, (_, i) => addDays(today, i - 30))
    .filter((_, i) => ![6, 7, 19].includes(i))
    .map((day, i) => {
      const usd = 407_000 + i * 712.37 + (i % 4) * 915.5;
      return { day, usd: dec(usd.toFixed(2)), rub: dec((usd * 80.45).toFixed(2)) };
    });
  store.importDays(days, { overwrite: false });
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
