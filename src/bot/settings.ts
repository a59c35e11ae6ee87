// The settings the owner changes from Telegram, kept in the settings table (history/settings.ts) so
// that they outlive a restart. One entry each: key, parse, format. A value is checked by its owner's
// rule (a frequency or a window by schedule.ts), so the commands, the stored value and the scheduler
// agree on it. A setting that a variable also configures is declared env-backed: the chat's value wins
// until the variable's value changes (history/settings.ts, resolve()). bot/preferences.ts resolves them.
import { type DigestSchedule, parseDigestSchedule, WEEKDAY_NAMES } from "../alerts/digest.ts";
import { parsePercent } from "../alerts/move.ts";
import type { AlertSettings } from "../config/config.ts";
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

/** A move threshold in % (ALERT_MOVE_PERCENT, ALERT_MOVE_PERCENT_DAY); 0 is off, stored "off". */
const movePercent = (key: string): Setting<number> => ({
  key,
  parse: (text) => (text === "off" ? 0 : parsePercent(text)),
  format: (percent) => (percent === 0 ? "off" : String(percent)),
});

/** The highest ALERT_FAILURES (config.ts allows 0..100). */
const MAX_FAILURES = 100;

/** ALERT_FAILURES: failed scheduled runs in a row before one alert, 0..100; 0 is off. */
const failures: Setting<number> = {
  key: "watch.failures",
  parse: (text) => (/^\d{1,3}$/.test(text) && Number(text) <= MAX_FAILURES ? Number(text) : null),
  format: String,
};

/** DIGEST: "sun 19:00" or "off". */
const digest: Setting<DigestSetting> = {
  key: "watch.digest",
  parse: parseDigestSchedule,
  format: formatDigest,
};

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
  /** The move alert thresholds; override ALERT_MOVE_PERCENT and ALERT_MOVE_PERCENT_DAY until they change. */
  movePercent: movePercent("watch.move_percent"),
  movePercentDay: movePercent("watch.move_percent_day"),
  /** Overrides ALERT_FAILURES until that changes. */
  failures,
  /** The weekly digest's slot, or off; overrides DIGEST until that changes. */
  digest,
  /** The live pinned status; overrides PIN_STATUS until that changes. */
  pinStatus: flagSetting("watch.pin_status"),
} as const;

/** DIGEST's value: a weekday and a time, or "off". */
export type DigestSetting = DigestSchedule | "off";

/** "sun 19:00", or "off": as DIGEST is written. */
export function formatDigest(value: DigestSetting): string {
  if (value === "off") return "off";
  return `${WEEKDAY_NAMES[value.weekday]} ${String(value.hour).padStart(2, "0")}:${String(value.minute).padStart(2, "0")}`;
}

/** The values of the settings a variable also configures. */
export interface EnvBackedValues {
  readonly frequencyMinutes: number;
  readonly window: ReportWindow;
  readonly privacy: boolean;
  readonly breakdown: boolean;
  readonly notify: NotifyMode;
  /** In %; 0: off. */
  readonly movePercent: number;
  readonly movePercentDay: number;
  /** Failed scheduled runs in a row before an alert; 0: off. */
  readonly failures: number;
  readonly digest: DigestSetting;
  readonly pinStatus: boolean;
}

/** The settings a variable also configures, by BOT_SETTINGS name. */
export const ENV_BACKED: { readonly [K in keyof EnvBackedValues]: EnvBackedSetting<EnvBackedValues[K]> } = {
  frequencyMinutes: { setting: frequencyMinutes, variable: "POLL_INTERVAL_MINUTES" },
  window: { setting: reportWindow, variable: "WINDOW_START_HOUR and WINDOW_END_HOUR" },
  privacy: { setting: BOT_SETTINGS.privacy, variable: "PRIVACY" },
  breakdown: { setting: BOT_SETTINGS.breakdown, variable: "INCLUDE_CRYPTO_BREAKDOWN" },
  notify: { setting: notify, variable: "NOTIFY" },
  movePercent: { setting: BOT_SETTINGS.movePercent, variable: "ALERT_MOVE_PERCENT" },
  movePercentDay: { setting: BOT_SETTINGS.movePercentDay, variable: "ALERT_MOVE_PERCENT_DAY" },
  failures: { setting: failures, variable: "ALERT_FAILURES" },
  digest: { setting: digest, variable: "DIGEST" },
  pinStatus: { setting: BOT_SETTINGS.pinStatus, variable: "PIN_STATUS" },
};

/** The alert settings among EnvBackedValues. */
export type AlertValues = Pick<EnvBackedValues, "movePercent" | "movePercentDay" | "failures" | "digest" | "pinStatus">;

/** The alert variables as configured (config.ts), as these settings' values: unset is 0 or "off". */
export function configuredAlerts(alerts: AlertSettings): AlertValues {
  return {
    movePercent: alerts.movePercent ?? 0,
    movePercentDay: alerts.movePercentDay ?? 0,
    failures: alerts.failures,
    digest: alerts.digest ?? "off",
    pinStatus: alerts.pinStatus,
  };
}
