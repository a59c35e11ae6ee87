// The buttons' callback data: every button of every keyboard reads back as what it asks for, within
// Telegram's 64 bytes, and data no pfbot of this version writes is refused (answered "no longer works").
import { describe, expect, test } from "bun:test";
import type { InlineKeyboardMarkup } from "grammy/types";
import { alertsKeyboard } from "../../src/bot/alert-keyboard.ts";
import { exportKeyboard, parseExportCommand } from "../../src/bot/export.ts";
import { DEFAULT_HISTORY, HISTORY_USAGE, type HistoryRequest, parseHistoryCommand } from "../../src/bot/history-buttons.ts";
import {
  chartScreenKeyboard,
  detailsKeyboard,
  FREQUENCY_PRESETS,
  historyKeyboard,
  readPress,
  type SettingsState,
  settingsKeyboard,
  statusKeyboard,
  updatingKeyboard,
} from "../../src/bot/keyboards.ts";
import type { AlertValues } from "../../src/bot/settings.ts";

const SETTINGS: SettingsState = {
  frequencyMinutes: 120,
  window: { startHour: 8, endHour: 20 },
  paused: false,
  privacy: false,
  breakdown: true,
  notify: "all",
};

const ALERTS_OFF: AlertValues = { movePercent: 0, movePercentDay: 0, failures: 3, digest: "off", pinStatus: false };
const ALERTS_ON: AlertValues = {
  movePercent: 5,
  movePercentDay: 2.5,
  failures: 0,
  digest: { weekday: 6, hour: 23, minute: 30 },
  pinStatus: true,
};

const buttons = (markup: InlineKeyboardMarkup) =>
  markup.inline_keyboard.flat().map((b) => ({ text: b.text, data: "callback_data" in b ? (b.callback_data ?? "") : "" }));
const pressOf = (markup: InlineKeyboardMarkup, text: string) => readPress(buttons(markup).find((b) => b.text === text)?.data ?? "");

describe("keyboards", () => {
  test("every button of every keyboard reads back as a press, within Telegram's 64 bytes", () => {
    const all = [
      statusKeyboard({ details: true }),
      statusKeyboard({ details: false }),
      updatingKeyboard(),
      historyKeyboard(DEFAULT_HISTORY, 1),
      historyKeyboard({ view: "days", currency: "RUB", days: 365, page: 5 }, 13),
      historyKeyboard({ view: "platforms", currency: "RUB", days: 365, page: 12 }, 1),
      exportKeyboard(),
      detailsKeyboard(),
      chartScreenKeyboard({ kind: "history", days: 90, currency: "RUB" }),
      chartScreenKeyboard({ kind: "allocation", view: "kind", currency: "USD" }),
      settingsKeyboard(SETTINGS),
      settingsKeyboard({ ...SETTINGS, paused: true, privacy: true, breakdown: false, notify: "silent", frequencyMinutes: 45 }),
      alertsKeyboard(ALERTS_OFF),
      alertsKeyboard(ALERTS_ON),
    ];
    for (const { text, data } of all.flatMap(buttons)) {
      expect(new TextEncoder().encode(data).length, text).toBeLessThanOrEqual(64);
      expect(readPress(data), `${text}: ${data}`).not.toBeNull();
    }
  });

  test("the report's buttons: Details only when there are notes; the charts open at 30 days and by platform, in USD", () => {
    expect(buttons(statusKeyboard({ details: false })).map((b) => b.text)).toEqual([
      "🔄 Refresh",
      "📅 History",
      "📈 Chart",
      "🥧 Allocation",
      "⚙️ Settings",
    ]);
    const withNotes = statusKeyboard({ details: true });
    expect(pressOf(withNotes, "ℹ️ Details")).toEqual({ kind: "details" });
    expect(pressOf(withNotes, "🔄 Refresh")).toEqual({ kind: "refresh" });
    expect(pressOf(withNotes, "📅 History")).toEqual({ kind: "history", request: DEFAULT_HISTORY });
    expect(pressOf(withNotes, "⚙️ Settings")).toEqual({ kind: "settings" });
    expect(pressOf(withNotes, "📈 Chart")).toEqual({ kind: "chart", request: { kind: "history", days: 30, currency: "USD" } });
    expect(pressOf(withNotes, "🥧 Allocation")).toEqual({
      kind: "chart",
      request: { kind: "allocation", view: "platform", currency: "USD" },
    });
    expect(pressOf(updatingKeyboard(), "⏳ Updating…")).toEqual({ kind: "busy" });
    expect(pressOf(detailsKeyboard(), "⬅️ Status")).toEqual({ kind: "status" });
  });

  test("the settings' buttons carry the value they set; the current choice is marked and only answers", () => {
    const keyboard = settingsKeyboard(SETTINGS);
    expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["30m", "1h", "· 2h ·", "4h", "Daily"],
      ["Start −1h", "Start +1h"],
      ["End −1h", "End +1h"],
      ["⏸ Pause", "⬜ Privacy", "✅ Crypto"],
      ["· 🔔 All ·", "⚠️ Problems", "🔕 Silent"],
      ["🚨 Alerts", "⬅️ Status"],
    ]);
    expect(pressOf(keyboard, "🚨 Alerts")).toEqual({ kind: "alerts" });
    expect(FREQUENCY_PRESETS.map((preset) => preset.minutes)).toEqual([30, 60, 120, 240, 1440]);
    expect(pressOf(keyboard, "Daily")).toEqual({ kind: "set", change: { name: "frequencyMinutes", value: 1440 } });
    expect(pressOf(keyboard, "· 2h ·")).toEqual({ kind: "shown" });
    expect(pressOf(keyboard, "Start +1h")).toEqual({ kind: "set", change: { name: "window", move: "start", hours: 1 } });
    expect(pressOf(keyboard, "End −1h")).toEqual({ kind: "set", change: { name: "window", move: "end", hours: -1 } });
    expect(pressOf(keyboard, "⏸ Pause")).toEqual({ kind: "set", change: { name: "paused", value: true } });
    expect(pressOf(keyboard, "⬜ Privacy")).toEqual({ kind: "set", change: { name: "privacy", value: true } });
    expect(pressOf(keyboard, "✅ Crypto")).toEqual({ kind: "set", change: { name: "breakdown", value: false } });
    expect(pressOf(keyboard, "🔕 Silent")).toEqual({ kind: "set", change: { name: "notify", value: "silent" } });
    const paused = settingsKeyboard({ ...SETTINGS, paused: true, privacy: true });
    expect(pressOf(paused, "▶️ Resume")).toEqual({ kind: "set", change: { name: "paused", value: false } });
    expect(pressOf(paused, "✅ Privacy")).toEqual({ kind: "set", change: { name: "privacy", value: false } });
    // A frequency set with /frequency that is no preset: none is marked.
    expect(buttons(settingsKeyboard({ ...SETTINGS, frequencyMinutes: 45 })).filter((b) => b.text.startsWith("·"))).toHaveLength(1);
  });

  test("the alerts' buttons: presets for the thresholds, the digest's toggle, day and hour, the pinned status", () => {
    const off = alertsKeyboard(ALERTS_OFF);
    expect(off.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ["· Move off ·", "Move 5%", "Move 10%"],
      ["· Day off ·", "Day 5%", "Day 10%"],
      ["Fails off", "· 3 fails ·", "5 fails"],
      ["⬜ Weekly digest"],
      ["⬜ Pinned status"],
      ["⬅️ Settings"],
    ]);
    expect(pressOf(off, "Move 5%")).toEqual({ kind: "set", change: { name: "movePercent", value: 5 } });
    expect(pressOf(off, "Day 10%")).toEqual({ kind: "set", change: { name: "movePercentDay", value: 10 } });
    expect(pressOf(off, "Fails off")).toEqual({ kind: "set", change: { name: "failures", value: 0 } });
    expect(pressOf(off, "· 3 fails ·")).toEqual({ kind: "shown" });
    expect(pressOf(off, "⬜ Weekly digest")).toEqual({
      kind: "set",
      change: { name: "digest", value: { weekday: 0, hour: 19, minute: 0 } },
    });
    expect(pressOf(off, "⬜ Pinned status")).toEqual({ kind: "set", change: { name: "pinStatus", value: true } });
    expect(pressOf(off, "⬅️ Settings")).toEqual({ kind: "settings" });

    const on = alertsKeyboard(ALERTS_ON);
    // 2.5% is no preset: none of the day's is marked; the digest's buttons wrap around the week and the day.
    expect(on.inline_keyboard.slice(0, 5).map((row) => row.map((b) => b.text))).toEqual([
      ["Move off", "· Move 5% ·", "Move 10%"],
      ["Day off", "Day 5%", "Day 10%"],
      ["· Fails off ·", "3 fails", "5 fails"],
      ["✅ Weekly digest Sat 23:30"],
      ["Day: Sun ▸", "◂ 22:30", "00:30 ▸"],
    ]);
    expect(pressOf(on, "✅ Weekly digest Sat 23:30")).toEqual({ kind: "set", change: { name: "digest", value: "off" } });
    expect(pressOf(on, "Day: Sun ▸")).toEqual({ kind: "set", change: { name: "digest", value: { weekday: 0, hour: 23, minute: 30 } } });
    expect(pressOf(on, "00:30 ▸")).toEqual({ kind: "set", change: { name: "digest", value: { weekday: 6, hour: 0, minute: 30 } } });
    expect(pressOf(on, "◂ 22:30")).toEqual({ kind: "set", change: { name: "digest", value: { weekday: 6, hour: 22, minute: 30 } } });
    expect(pressOf(on, "✅ Pinned status")).toEqual({ kind: "set", change: { name: "pinStatus", value: false } });
  });

  test("under the history: the currencies, ◀ Older and Newer ▶ where such a page is, 🏦 By platform; each carries the whole view", () => {
    const texts = (markup: InlineKeyboardMarkup) => markup.inline_keyboard.map((row) => row.map((b) => b.text));
    const year: HistoryRequest = { view: "days", currency: "RUB", days: 365, page: 0 };
    expect(texts(historyKeyboard(DEFAULT_HISTORY, 1))).toEqual([
      ["· $ USD ·", "₽ RUB"],
      ["🏦 By platform", "⬅️ Status"],
    ]);
    expect(texts(historyKeyboard(year, 13))).toEqual([["$ USD", "· ₽ RUB ·"], ["◀ Older"], ["🏦 By platform", "⬅️ Status"]]);
    const middle = historyKeyboard({ ...year, page: 5 }, 13);
    expect(texts(middle)[1]).toEqual(["◀ Older", "Newer ▶"]);
    expect(pressOf(middle, "◀ Older")).toEqual({ kind: "history", request: { ...year, page: 6 } });
    expect(pressOf(middle, "Newer ▶")).toEqual({ kind: "history", request: { ...year, page: 4 } });
    // The other currency keeps the page; the per-platform view keeps the day view's choices to go back to.
    expect(pressOf(middle, "$ USD")).toEqual({ kind: "history", request: { ...year, currency: "USD", page: 5 } });
    const platforms = { ...year, view: "platforms", page: 5 } as const;
    expect(pressOf(middle, "🏦 By platform")).toEqual({ kind: "history", request: platforms });
    const back = historyKeyboard(platforms, 1);
    expect(texts(back)).toEqual([["📅 By day", "⬅️ Status"]]);
    expect(pressOf(back, "📅 By day")).toEqual({ kind: "history", request: { ...year, page: 5 } });
    expect(texts(historyKeyboard({ ...year, page: 12 }, 13))[1]).toEqual(["Newer ▶"]);
    // An older pfbot's 📅 History and currency buttons still work: the first 30 days.
    expect(readPress("hist:rub")).toEqual({ kind: "history", request: { ...DEFAULT_HISTORY, currency: "RUB" } });
    expect(buttons(middle).find((b) => b.text === "◀ Older")?.data).toBe("hist:d:rub:365:6");
  });

  test("/history N takes 1 to 365 days; anything else gets the usage", () => {
    expect(parseHistoryCommand("")).toEqual(DEFAULT_HISTORY);
    expect(parseHistoryCommand(" 90 ")).toEqual({ ...DEFAULT_HISTORY, days: 90 });
    expect(parseHistoryCommand("365")).toEqual({ ...DEFAULT_HISTORY, days: 365 });
    expect(parseHistoryCommand("1")).toEqual({ ...DEFAULT_HISTORY, days: 1 });
    for (const words of ["0", "366", "1000", "-5", "30d", "rub", "90 rub", "1e2", "12.5"])
      expect(parseHistoryCommand(words), words).toBeNull();
    expect(HISTORY_USAGE).toContain("/history 90");
  });

  test("/export sends the CSV and the JSON, or the one format named; its buttons send one format again", () => {
    expect(parseExportCommand("")).toEqual(["csv", "json"]);
    expect(parseExportCommand(" JSON ")).toEqual(["json"]);
    expect(parseExportCommand("csv-plain")).toEqual(["csv-plain"]);
    expect(parseExportCommand("xlsx")).toBeNull();
    const keyboard = exportKeyboard();
    expect(pressOf(keyboard, "📊 CSV")).toEqual({ kind: "export", format: "csv" });
    expect(pressOf(keyboard, "🗂 JSON")).toEqual({ kind: "export", format: "json" });
    expect(pressOf(keyboard, "📄 CSV for scripts")).toEqual({ kind: "export", format: "csv-plain" });
  });

  test("data no pfbot of this version writes is refused", () => {
    for (const data of [
      "",
      "st:",
      "st:x",
      "hist:eur",
      "hist:d:usd:366:0",
      "hist:d:usd:0:0",
      "hist:x:usd:30:0",
      "hist:d:eur:30:0",
      "hist:d:usd:30",
      "hist:d:usd:30:0:1",
      "exp:xlsx",
      "exp:",
      "set:freq:0",
      "set:freq:1441",
      "set:freq:30:1",
      "set:win:start:+2",
      "set:win:middle:+1",
      "set:win:9-20",
      "set:privacy:2",
      "set:pause",
      "set:notify:never",
      "set:colour:red",
      "set:move:-5",
      "set:move:101",
      "set:moveday:abc",
      "set:fail:101",
      "set:digest:7-1900",
      "set:digest:0-2400",
      "set:digest:0-19:00",
      "set:pin:2",
      "set:alerts:1",
      "chart:7:usd",
    ])
      expect(readPress(data), data).toBeNull();
  });
});
