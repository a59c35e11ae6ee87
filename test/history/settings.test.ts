import { describe, expect, test } from "bun:test";
import { BOT_SETTINGS } from "../../src/bot/settings.ts";
import { openDataDirDatabase } from "../../src/history/db.ts";
import {
  type EnvBackedSetting,
  flagSetting,
  LEGACY_JSON_IMPORTED,
  type Setting,
  SettingsStore,
  textSetting,
} from "../../src/history/settings.ts";
import { tempDir } from "../support/temp-dir.ts";

const note = textSetting("test.note");
const enabled = flagSetting("test.enabled");
/** A setting of the shape a new one takes: a key, a parse that refuses, a format. */
const hours: Setting<number> = {
  key: "test.hours",
  parse: (text) => (/^\d{1,2}$/.test(text) && Number(text) <= 24 ? Number(text) : null),
  format: String,
};

test("an unset setting reads as null; set, replace and delete work", () => {
  const db = openDataDirDatabase(tempDir("settings"));
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
  const dataDir = tempDir("settings");
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
  const db = openDataDirDatabase(tempDir("settings"));
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

describe("a setting a variable also configures (the rule /frequency follows, and every such setting after it)", () => {
  const windowStart: EnvBackedSetting<number> = { setting: hours, variable: "WINDOW_START_HOUR" };
  const at = Date.parse("2026-11-26T10:00:00Z");

  test("the configured value until the chat sets one; then the chat's, with when", () => {
    const db = openDataDirDatabase(tempDir("settings"));
    const settings = new SettingsStore(db);
    expect(settings.resolve(windowStart, 8)).toEqual({ value: 8, source: { kind: "env" }, superseded: null });
    settings.setFromChat(windowStart, 6, 8, at);
    expect(settings.resolve(windowStart, 8)).toEqual({ value: 6, source: { kind: "chat", at }, superseded: null });
    db.close();
  });

  test("the configured value wins once it changed since the chat's was set, and the chat's is forgotten", () => {
    const db = openDataDirDatabase(tempDir("settings"));
    const settings = new SettingsStore(db);
    settings.setFromChat(windowStart, 6, 8, at);
    expect(settings.resolve(windowStart, 9)).toEqual({
      value: 9,
      source: { kind: "env" },
      superseded: { chatValue: 6, configuredThen: 8, at },
    });
    expect(db.query("SELECT key FROM settings").all()).toEqual([]);
    // Back to 8: still the configured value; the chat's is gone.
    expect(settings.resolve(windowStart, 8)).toEqual({ value: 8, source: { kind: "env" }, superseded: null });
    db.close();
  });

  test("a chat value stored without its companions (an earlier pfbot) is kept, and today's configured value becomes its reference", () => {
    const db = openDataDirDatabase(tempDir("settings"));
    const settings = new SettingsStore(db);
    settings.set(hours, 6);
    expect(settings.resolve(windowStart, 8)).toEqual({ value: 6, source: { kind: "chat", at: null }, superseded: null });
    expect(settings.resolve(windowStart, 9).value).toBe(9);
    db.close();
  });

  test("peek answers as resolve does and writes nothing: the chat's value stays for the bot to decide", () => {
    const db = openDataDirDatabase(tempDir("settings"));
    const settings = new SettingsStore(db);
    settings.setFromChat(windowStart, 6, 8, at);
    const rows = () => db.query("SELECT key, value FROM settings ORDER BY key").all();
    const before = rows();
    expect(settings.peek(windowStart, 8)).toEqual({ value: 6, source: { kind: "chat", at }, superseded: null });
    expect(settings.peek(windowStart, 9)).toEqual({
      value: 9,
      source: { kind: "env" },
      superseded: { chatValue: 6, configuredThen: 8, at },
    });
    expect(rows()).toEqual(before);
    expect(settings.resolve(windowStart, 9).value).toBe(9);
    expect(rows()).toEqual([]);
    db.close();
  });

  test("a value the setting refuses writes nothing, companions included", () => {
    const db = openDataDirDatabase(tempDir("settings"));
    const settings = new SettingsStore(db);
    expect(() => settings.setFromChat(windowStart, 25, 8, at)).toThrow(RangeError);
    expect(() => settings.setFromChat(windowStart, 6, 99, at)).toThrow(RangeError);
    expect(db.query("SELECT key FROM settings").all()).toEqual([]);
    db.close();
  });
});
