import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_SETTINGS } from "../../src/bot/settings.ts";
import { openDataDirDatabase } from "../../src/history/db.ts";
import { flagSetting, LEGACY_JSON_IMPORTED, type Setting, SettingsStore, textSetting } from "../../src/history/settings.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pfbot-settings-"));
  dirs.push(dir);
  return dir;
}

const note = textSetting("test.note");
const enabled = flagSetting("test.enabled");
/** A setting of the shape a new one takes: a key, a parse that refuses, a format. */
const hours: Setting<number> = {
  key: "test.hours",
  parse: (text) => (/^\d{1,2}$/.test(text) && Number(text) <= 24 ? Number(text) : null),
  format: String,
};

test("an unset setting reads as null; set, replace and delete work", () => {
  const db = openDataDirDatabase(tempDir());
  const settings = new SettingsStore(db);
  expect(settings.get(hours)).toBeNull();
  settings.set(hours, 8);
  expect(settings.get(hours)).toBe(8);
  settings.set(hours, 20);
  expect(settings.get(hours)).toBe(20);
  expect(settings.get(enabled)).toBeNull();
  settings.delete(hours);
  expect(settings.get(hours)).toBeNull();
  db.close();
});

test("settings survive closing and reopening the database, in the text the original keys used", () => {
  const dataDir = tempDir();
  const firstDb = openDataDirDatabase(dataDir);
  const first = new SettingsStore(firstDb);
  first.set(BOT_SETTINGS.paused, true);
  first.set(BOT_SETTINGS.frequencyMinutes, 45);
  first.set(note, "");
  first.set(LEGACY_JSON_IMPORTED, "2026-11-24T12:00:00.000Z");
  firstDb.close();
  const db = openDataDirDatabase(dataDir);
  const second = new SettingsStore(db);
  expect(second.get(BOT_SETTINGS.paused)).toBe(true);
  expect(second.get(BOT_SETTINGS.frequencyMinutes)).toBe(45);
  expect(second.get(note)).toBe("");
  // Databases written before the store was typed hold these rows; they must read the same.
  expect(db.query("SELECT key, value FROM settings ORDER BY key").all()).toEqual([
    { key: "history.legacy_json_imported_at", value: "2026-11-24T12:00:00.000Z" },
    { key: "schedule.frequency_minutes", value: "45" },
    { key: "schedule.paused", value: "1" },
    { key: "test.note", value: "" },
  ]);
  db.close();
});

test("a stored text that is not a valid value reads as unset; a value the setting refuses is never written", () => {
  const db = openDataDirDatabase(tempDir());
  const settings = new SettingsStore(db);
  const insert = db.query("INSERT INTO settings (key, value) VALUES (?1, ?2)");
  insert.run("test.hours", "25");
  insert.run("test.enabled", "yes");
  insert.run("schedule.frequency_minutes", "0");
  expect(settings.get(hours)).toBeNull();
  expect(settings.get(enabled)).toBeNull();
  expect(settings.get(BOT_SETTINGS.frequencyMinutes)).toBeNull();

  expect(() => settings.set(hours, 99)).toThrow(new RangeError('test.hours: "99" is not a valid value'));
  expect(() => settings.set(BOT_SETTINGS.frequencyMinutes, 1441)).toThrow(RangeError);
  expect(db.query("SELECT value FROM settings WHERE key = 'test.hours'").get()).toEqual({ value: "25" });
  db.close();
});
