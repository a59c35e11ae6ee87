// The live pinned status against the fake Bot API: pinned once without a notification, then edited in place; its
// id kept in pfbot.sqlite across a restart (a new PinnedStatus over the database reopened); a new one sent and
// pinned when the old is gone or too old; unpinned when turned off; a group that refuses the pin is said in the log.
import type { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { PINNED_STATUS_MESSAGE } from "../../src/alerts/state.ts";
import { ownerChat } from "../../src/bot/owner-chat.ts";
import { PinnedStatus } from "../../src/bot/pinned-status.ts";
import { createTelegramApi } from "../../src/bot/telegram.ts";
import { openDatabase } from "../../src/history/db.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AApinnedTOKENabcdefghijklmnopqrstu";
const OWNER = 4242;
const fakes: TelegramFake[] = [];
const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  for (const fake of fakes.splice(0)) await fake.stop();
});

async function telegramFor(chatId = OWNER, pinRights: number[] = []): Promise<TelegramFake> {
  const fake = await startTelegramFake({ token: TOKEN, chatId, pinRights });
  fakes.push(fake);
  return fake;
}

/** A PinnedStatus over the database at `path` (a restart opens it again), and what it logged. */
function pinnedAt(path: string, telegram: TelegramFake, chatId = OWNER) {
  const db = openDatabase(path);
  open.push(db);
  const clock = fakeClock();
  const lines: string[] = [];
  const log = createLogger({ level: "debug", secrets: [], write: (line) => lines.push(line), colour: false });
  const api = createTelegramApi({ token: TOKEN, chatId, apiRoot: telegram.url }, { totalMs: 5_000, clock }, log.redact);
  const settings = new SettingsStore(db);
  const pinned = new PinnedStatus({ chat: ownerChat(api, chatId), settings, dataDir: "/data", log, now: clock.now });
  return { pinned, settings, lines };
}

const file = () => join(tempDir("pinned"), "pfbot.sqlite");
const text = (telegram: TelegramFake, id: number) => {
  const message = telegram.message(OWNER, id);
  return message && "text" in message ? message.text : null;
};

test("pinned once without a notification, then edited in place; a restart goes on editing the same message", async () => {
  const telegram = await telegramFor();
  const path = file();
  const first = pinnedAt(path, telegram);
  await first.pinned.show("<b>$100</b> · 10:00");
  await first.pinned.show("<b>$110</b> · 12:00");
  // The same figures again: Telegram answers "not modified", which is no failure.
  await first.pinned.show("<b>$110</b> · 12:00");
  expect(telegram.sent).toHaveLength(1);
  const id = telegram.sent[0]!.messageId;
  expect(telegram.sent[0]!.disableNotification).toBe(true);
  expect(telegram.pins).toEqual([{ method: "pinChatMessage", chatId: OWNER, messageId: id, disableNotification: true }]);
  expect(text(telegram, id)).toBe("$110 · 12:00");
  expect(first.settings.get(PINNED_STATUS_MESSAGE)).toMatchObject({ chatId: OWNER, messageId: id });
  open.pop()?.close();

  const second = pinnedAt(path, telegram);
  await second.pinned.show("<b>$120</b> · 14:00");
  expect(telegram.sent).toHaveLength(1);
  expect(telegram.pins).toHaveLength(1);
  expect(telegram.edits.map((edit) => edit.messageId)).toEqual([id, id]);
  expect(text(telegram, id)).toBe("$120 · 14:00");
  expect(telegram.pinned(OWNER)).toEqual([id]);
});

test("a message the owner deleted is replaced: a new one sent and pinned, and kept", async () => {
  const telegram = await telegramFor();
  const { pinned, settings } = pinnedAt(file(), telegram);
  await pinned.show("one");
  const old = telegram.sent[0]!.messageId;
  telegram.deleteByUser(OWNER, old);
  await pinned.show("two");
  const fresh = telegram.sent[1]!.messageId;
  expect(fresh).not.toBe(old);
  expect(telegram.pinned(OWNER)).toEqual([fresh]);
  expect(settings.get(PINNED_STATUS_MESSAGE)?.messageId).toBe(fresh);
  await pinned.show("three");
  expect(text(telegram, fresh)).toBe("three");
  expect(telegram.sent).toHaveLength(2);
});

test("a message too old to edit is unpinned and replaced by a new one", async () => {
  const telegram = await telegramFor();
  const { pinned, lines } = pinnedAt(file(), telegram);
  await pinned.show("one");
  const old = telegram.sent[0]!.messageId;
  telegram.faults.add({ path: "editMessageText", code: 400, message: "Bad Request: message can't be edited", times: 1 });
  await pinned.show("two");
  const fresh = telegram.sent[1]!.messageId;
  expect(telegram.pins.map((pin) => [pin.method, pin.messageId])).toEqual([
    ["pinChatMessage", old],
    ["unpinChatMessage", old],
    ["pinChatMessage", fresh],
  ]);
  expect(telegram.pinned(OWNER)).toEqual([fresh]);
  expect(lines.some((line) => line.includes("can no longer be edited (deleted, or too old)"))).toBe(true);
});

test("turned off, the message is unpinned and forgotten; turned on again, a new one is pinned", async () => {
  const telegram = await telegramFor();
  const { pinned, settings } = pinnedAt(file(), telegram);
  await pinned.show("one");
  await pinned.remove();
  expect(telegram.pinned(OWNER)).toEqual([]);
  expect(settings.get(PINNED_STATUS_MESSAGE)).toBeNull();
  // Removing twice, or with nothing pinned, asks Telegram nothing.
  await pinned.remove();
  expect(telegram.requestsTo("unpinChatMessage")).toHaveLength(1);
  await pinned.show("two");
  expect(telegram.sent).toHaveLength(2);
  expect(telegram.pinned(OWNER)).toEqual([telegram.sent[1]!.messageId]);
});

test("in a group where the bot may not pin, the log says what to do, and the message is still kept and edited", async () => {
  const GROUP = -100777;
  const telegram = await telegramFor(GROUP);
  const { pinned, lines } = pinnedAt(file(), telegram, GROUP);
  await pinned.show("one");
  await pinned.show("two");
  expect(telegram.sent).toHaveLength(1);
  expect(telegram.pinned(GROUP)).toEqual([]);
  expect(lines.find((line) => line.includes("not pinned"))).toContain(
    "the status message was sent but not pinned: Call to 'pinChatMessage' failed! (400: Bad Request: not enough rights to manage pinned messages in the chat). In a group, make the bot an administrator allowed to pin messages, or turn the pinned status off (PIN_STATUS, /settings)",
  );
  expect(telegram.edits.map((edit) => edit.plainText)).toEqual(["two"]);
});

test("a message kept for another chat (TELEGRAM_CHAT_ID changed) is left alone: the new chat gets its own", async () => {
  const telegram = await telegramFor();
  const path = file();
  const { settings } = pinnedAt(path, telegram);
  settings.set(PINNED_STATUS_MESSAGE, { chatId: 777, messageId: 5, sentAt: new Date("2026-11-20T10:00:00Z") });
  open.pop()?.close();
  const { pinned } = pinnedAt(path, telegram);
  await pinned.show("here");
  expect(telegram.requestsTo("editMessageText")).toHaveLength(0);
  expect(telegram.pinned(OWNER)).toEqual([telegram.sent[0]!.messageId]);
});

test("Telegram failing the send is logged, and the next snapshot tries again", async () => {
  const telegram = await telegramFor();
  const { pinned, lines } = pinnedAt(file(), telegram);
  telegram.faults.add({ path: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user", times: 1 });
  await pinned.show("one");
  expect(lines.some((line) => line.includes("the pinned status was not updated"))).toBe(true);
  await pinned.show("two");
  expect(telegram.pinned(OWNER)).toEqual([telegram.sent[0]!.messageId]);
});
