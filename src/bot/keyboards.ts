// The buttons under pfbot's messages, and what a press asks for. Every button carries what it leads to (a
// view, or a setting's new value), so a press needs no state on our side and a button from before a
// restart works as it did. The window's ±1 h buttons are the one exception, by design: each press moves
// the window by an hour from where it is, so two quick presses on a keyboard not yet redrawn both count.
// Callback data (Telegram allows 1–64 bytes):
//   st                 the report (the latest snapshot; a new one when pfbot has none since it started)
//   st:refresh         a new snapshot        st:details      the notes in full
//   hist:…             the history (history-buttons.ts)      set             the settings
//   set:freq:N, set:win:start|end:+1|-1, set:pause:1|0, set:privacy:1|0, set:breakdown:1|0,
//   set:notify:all|problems|silent
//   set:alerts         the alerts' settings   set:move:…, set:fail:…, …   their buttons (alert-keyboard.ts)
//   busy               "⏳ Updating…"         shown           what the message shows already
//   chart:…, alloc:…                         the charts' (charts.ts)
//   exp:csv|csv-plain|json                   /export's files (export.ts)
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { NOTIFY_MODES, type NotifyMode, parseNotifyMode } from "../config/notify.ts";
import type { ExportFormat } from "../history/io.ts";
import { type AlertSettingChange, readAlertChange } from "./alert-keyboard.ts";
import { type ChartRequest, chartCallbackData, chartKeyboard, readChartCallback } from "./charts.ts";
import { readExportCallback } from "./export.ts";
import { type HistoryRequest, historyButtons, readHistoryCallback } from "./history-buttons.ts";
import { parseFrequency } from "./schedule.ts";
import type { ReportWindow } from "./settings.ts";

/** A message as the bot shows it: its HTML and the buttons under it. */
export interface Screen {
  readonly html: string;
  readonly keyboard: InlineKeyboardMarkup;
}

/** A change from the settings screen: the setting and its new value. */
export type SettingChange =
  | { readonly name: "frequencyMinutes"; readonly value: number }
  | { readonly name: "window"; readonly move: "start" | "end"; readonly hours: 1 | -1 }
  | { readonly name: "paused" | "privacy" | "breakdown"; readonly value: boolean }
  | { readonly name: "notify"; readonly value: NotifyMode }
  | AlertSettingChange;

export type Press =
  | { readonly kind: "status" | "refresh" | "details" | "settings" | "alerts" | "busy" | "shown" }
  | { readonly kind: "history"; readonly request: HistoryRequest }
  | { readonly kind: "export"; readonly format: ExportFormat }
  | { readonly kind: "set"; readonly change: SettingChange }
  | { readonly kind: "chart"; readonly request: ChartRequest };

/** What the settings keyboard shows as current. */
export interface SettingsState {
  readonly frequencyMinutes: number;
  readonly window: ReportWindow;
  readonly paused: boolean;
  readonly privacy: boolean;
  readonly breakdown: boolean;
  readonly notify: NotifyMode;
}

/** The frequency presets of issue #16: 30 min, 1 h, 2 h, 4 h, and once a day (1440 minutes: the window's start only). */
export const FREQUENCY_PRESETS: readonly { readonly minutes: number; readonly label: string }[] = [
  { minutes: 30, label: "30m" },
  { minutes: 60, label: "1h" },
  { minutes: 120, label: "2h" },
  { minutes: 240, label: "4h" },
  { minutes: 1440, label: "Daily" },
];

/** A button's data as a press; null for data no pfbot of this version writes (an older pfbot's, or a forged one). */
export function readPress(data: string): Press | null {
  const simple = SIMPLE[data];
  if (simple !== undefined) return { kind: simple };
  if (data.startsWith("hist:")) {
    const request = readHistoryCallback(data);
    return request === null ? null : { kind: "history", request };
  }
  if (data.startsWith("exp:")) {
    const format = readExportCallback(data);
    return format === null ? null : { kind: "export", format };
  }
  if (data.startsWith("set:")) {
    const change = readChange(data.slice(4));
    return change === null ? null : { kind: "set", change };
  }
  const chart = readChartCallback(data);
  if (chart === null) return null;
  return chart === "shown" ? { kind: "shown" } : { kind: "chart", request: chart };
}

const SIMPLE: Readonly<Record<string, "status" | "refresh" | "details" | "settings" | "alerts" | "busy">> = {
  st: "status",
  "st:refresh": "refresh",
  "st:details": "details",
  set: "settings",
  "set:alerts": "alerts",
  busy: "busy",
};

/** Under a report: 🔄 Refresh, 📅 History, the charts, ⚙️ Settings, and ℹ️ Details when it has notes. */
export function statusKeyboard(options: { readonly details: boolean }): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [button("🔄 Refresh", "st:refresh"), button("📅 History", "hist:usd")],
      [
        button("📈 Chart", chartCallbackData({ kind: "history", days: 30, currency: "USD" })),
        button("🥧 Allocation", chartCallbackData({ kind: "allocation", view: "platform", currency: "USD" })),
      ],
      [button("⚙️ Settings", "set"), ...(options.details ? [button("ℹ️ Details", "st:details")] : [])],
    ],
  };
}

/** In place of a report's buttons while Refresh takes a snapshot. */
export function updatingKeyboard(): InlineKeyboardMarkup {
  return { inline_keyboard: [[button("⏳ Updating…", "busy")]] };
}

/** Under the history: its own buttons (history-buttons.ts), and back to the report beside the last. */
export function historyKeyboard(shown: HistoryRequest, pages: number): InlineKeyboardMarkup {
  const rows = historyButtons(shown, pages);
  return { inline_keyboard: [...rows.slice(0, -1), [...(rows.at(-1) ?? []), BACK]] };
}

/** Under the notes: back to the report. */
export function detailsKeyboard(): InlineKeyboardMarkup {
  return { inline_keyboard: [[BACK]] };
}

/** Under a chart: its own buttons (charts.ts), and back to the report. */
export function chartScreenKeyboard(shown: ChartRequest): InlineKeyboardMarkup {
  return { inline_keyboard: [...chartKeyboard(shown).inline_keyboard, [BACK]] };
}

/** Under the settings: a button per value to choose, what is current marked; the window by ±1 h at each end. */
export function settingsKeyboard(state: SettingsState): InlineKeyboardMarkup {
  const flag = (label: string, name: "privacy" | "breakdown", on: boolean) =>
    button(`${on ? "✅" : "⬜"} ${label}`, `set:${name}:${on ? 0 : 1}`);
  return {
    inline_keyboard: [
      FREQUENCY_PRESETS.map(({ minutes, label }) => choice(label, minutes === state.frequencyMinutes, `set:freq:${minutes}`)),
      // Two rows: four buttons in one are cut short on a phone ("Start −…").
      [button("Start −1h", "set:win:start:-1"), button("Start +1h", "set:win:start:+1")],
      [button("End −1h", "set:win:end:-1"), button("End +1h", "set:win:end:+1")],
      [
        state.paused ? button("▶️ Resume", "set:pause:0") : button("⏸ Pause", "set:pause:1"),
        flag("Privacy", "privacy", state.privacy),
        flag("Crypto", "breakdown", state.breakdown),
      ],
      NOTIFY_MODES.map((mode) => choice(NOTIFY_LABELS[mode], mode === state.notify, `set:notify:${mode}`)),
      [button("🚨 Alerts", "set:alerts"), BACK],
    ],
  };
}

const NOTIFY_LABELS: Readonly<Record<NotifyMode, string>> = { all: "🔔 All", problems: "⚠️ Problems", silent: "🔕 Silent" };

const BACK = button("⬅️ Status", "st");

function button(text: string, data: string): InlineKeyboardButton.CallbackButton {
  return { text, callback_data: data };
}

/** One of several choices: the current one marked, and answered as already shown. */
function choice(label: string, current: boolean, data: string): InlineKeyboardButton.CallbackButton {
  return current ? button(`· ${label} ·`, "shown") : button(label, data);
}

function readChange(text: string): SettingChange | null {
  const [name, value, ...rest] = text.split(":");
  if (value === undefined) return null;
  if (name === "win") {
    const [hours, ...more] = rest;
    if ((value !== "start" && value !== "end") || (hours !== "+1" && hours !== "-1") || more.length > 0) return null;
    return { name: "window", move: value, hours: hours === "+1" ? 1 : -1 };
  }
  if (rest.length > 0) return null;
  switch (name) {
    case "freq": {
      const minutes = parseFrequency(value);
      return minutes === null ? null : { name: "frequencyMinutes", value: minutes };
    }
    case "pause":
    case "privacy":
    case "breakdown": {
      const on = value === "1" ? true : value === "0" ? false : null;
      return on === null ? null : { name: name === "pause" ? "paused" : name, value: on };
    }
    case "notify": {
      const mode = parseNotifyMode(value);
      return mode === null ? null : { name: "notify", value: mode };
    }
    default:
      return readAlertChange(name, value) ?? null;
  }
}
