// The settings the owner changes from Telegram, kept in the settings table (history/settings.ts) so
// that they outlive a restart. One entry each: key, parse, format. A value is checked by its owner's
// rule (a frequency or a window by schedule.ts), so the commands, the stored value and the scheduler
// agree on it. A setting that a variable also configures is declared env-backed: the chat's value wins
// until the variable's value changes (history/settings.ts, resolve()). bot/preferences.ts resolves them.
import { type NotifyMode, parseNotifyMode } from "../config/notify.ts";
import { type EnvBackedSetting, flagSetting, type Setting } from "../history/settings.ts";
import { isWindow, parseFrequency } from "./schedule.ts";

/** The hours of the day reports run in (WINDOW_START_HOUR, WINDOW_END_HOUR). */
export interface ReportWindow {
  readonly startHour: number;
  readonly endHour: number;
}

const frequencyMinutes: Setting<number> = { key: "schedule.frequency_minutes", parse: parseFrequency, format: String };

/** "8-20": both hours in one value, so that the two never disagree (a start after the end). */
const reportWindow: Setting<ReportWindow> = {
  key: "schedule.window",
  parse: (text) => {
    const match = /^(\d{1,2})-(\d{1,2})$/.exec(text);
    const [startHour, endHour] = [Number(match?.[1]), Number(match?.[2])];
    return match && isWindow(startHour, endHour) ? { startHour, endHour } : null;
  },
  format: (window) => `${window.startHour}-${window.endHour}`,
};

const notify: Setting<NotifyMode> = { key: "notify.mode", parse: parseNotifyMode, format: (mode) => mode };

export const BOT_SETTINGS = {
  /** Minutes between scheduled reports; overrides POLL_INTERVAL_MINUTES until that changes. */
  frequencyMinutes,
  /** True while scheduled reports are paused (/pause, /settings). */
  paused: flagSetting("schedule.paused"),
  /** The report window; overrides WINDOW_START_HOUR and WINDOW_END_HOUR until either changes. */
  window: reportWindow,
  /** Amounts hidden; overrides PRIVACY until that changes. */
  privacy: flagSetting("display.privacy"),
  /** The crypto breakdown shown; overrides INCLUDE_CRYPTO_BREAKDOWN until that changes. */
  breakdown: flagSetting("display.crypto_breakdown"),
  /** Which scheduled reports are sent and ring; overrides NOTIFY until that changes. */
  notify,
} as const;

/** The values of the settings a variable also configures. */
export interface EnvBackedValues {
  readonly frequencyMinutes: number;
  readonly window: ReportWindow;
  readonly privacy: boolean;
  readonly breakdown: boolean;
  readonly notify: NotifyMode;
}

/** The settings a variable also configures, by BOT_SETTINGS name. */
export const ENV_BACKED: { readonly [K in keyof EnvBackedValues]: EnvBackedSetting<EnvBackedValues[K]> } = {
  frequencyMinutes: { setting: frequencyMinutes, variable: "POLL_INTERVAL_MINUTES" },
  window: { setting: reportWindow, variable: "WINDOW_START_HOUR and WINDOW_END_HOUR" },
  privacy: { setting: BOT_SETTINGS.privacy, variable: "PRIVACY" },
  breakdown: { setting: BOT_SETTINGS.breakdown, variable: "INCLUDE_CRYPTO_BREAKDOWN" },
  notify: { setting: notify, variable: "NOTIFY" },
};
