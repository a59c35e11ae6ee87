// The settings the owner changes from Telegram, kept in the settings table (history/settings.ts) so
// that they outlive a restart. One entry each: key, parse, format. A value is checked by its owner's
// rule (a frequency by schedule.ts), so /frequency, the stored value and the scheduler agree on it.
import { flagSetting, type Setting, type SettingsStore } from "../history/settings.ts";
import { parseFrequency } from "./schedule.ts";

const frequencyMinutes: Setting<number> = { key: "schedule.frequency_minutes", parse: parseFrequency, format: String };

export const BOT_SETTINGS = {
  /** Minutes between scheduled reports, set with /frequency; overrides POLL_INTERVAL_MINUTES. */
  frequencyMinutes,
  /** True while scheduled reports are paused with /pause. */
  paused: flagSetting("schedule.paused"),
} as const;

export interface StoredSchedule {
  readonly frequencyMinutes: number;
  readonly paused: boolean;
}

/** The schedule as last set from Telegram; the configured frequency, not paused, for what was never set. */
export function storedSchedule(settings: SettingsStore, configuredMinutes: number): StoredSchedule {
  return {
    frequencyMinutes: settings.get(BOT_SETTINGS.frequencyMinutes) ?? configuredMinutes,
    paused: settings.get(BOT_SETTINGS.paused) ?? false,
  };
}
