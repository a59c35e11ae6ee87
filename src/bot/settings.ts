// The settings the owner changes from Telegram, kept in the settings table (history/settings.ts) so
// that they outlive a restart. One entry each: key, parse, format. A value is checked by its owner's
// rule (a frequency by schedule.ts), so /frequency, the stored value and the scheduler agree on it.
// A setting that a variable also configures is declared env-backed: the chat's value wins until the
// variable's value changes (history/settings.ts, resolve()).
import { type EnvBackedSetting, flagSetting, type ResolvedSetting, type Setting, type SettingsStore } from "../history/settings.ts";
import { parseFrequency } from "./schedule.ts";

const frequencyMinutes: Setting<number> = { key: "schedule.frequency_minutes", parse: parseFrequency, format: String };

export const BOT_SETTINGS = {
  /** Minutes between scheduled reports, set with /frequency; overrides POLL_INTERVAL_MINUTES until that changes. */
  frequencyMinutes,
  /** True while scheduled reports are paused with /pause. */
  paused: flagSetting("schedule.paused"),
} as const;

const frequencyFromEnv: EnvBackedSetting<number> = { setting: frequencyMinutes, variable: "POLL_INTERVAL_MINUTES" };

/** The settings a variable also configures, by BOT_SETTINGS name. */
export const ENV_BACKED = { frequencyMinutes: frequencyFromEnv } as const;

export interface StoredSchedule {
  readonly frequency: ResolvedSetting<number>;
  readonly paused: boolean;
}

/** The schedule as last set from Telegram, or as configured where the variable changed since or it was never set. */
export function storedSchedule(settings: SettingsStore, configuredMinutes: number): StoredSchedule {
  return {
    frequency: settings.resolve(ENV_BACKED.frequencyMinutes, configuredMinutes),
    paused: settings.get(BOT_SETTINGS.paused) ?? false,
  };
}
