// The owner's settings as the bot uses them: each value and where it comes from. Resolved once at start by
// issue #15's rule (history/settings.ts: a value set from the chat wins until its variable changes in the
// env file; then the env's value wins, and the log says so), and changed from the chat (/frequency,
// /pause, /resume, the /settings buttons). Preferences keeps the values; applying one (the scheduler) and
// saying that a write failed (StorageState) are the caller's.
import type { SettingSource, SettingsStore } from "../history/settings.ts";
import type { Logger } from "../lib/log.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import type { Sourced } from "../render/settings.ts";
import { BOT_SETTINGS, ENV_BACKED, type EnvBackedValues, formatDigest } from "./settings.ts";

export type PreferenceName = keyof EnvBackedValues;

interface Entry<T> {
  readonly value: T;
  readonly source: SettingSource;
}

export class Preferences {
  private readonly current: { [K in PreferenceName]: Entry<EnvBackedValues[K]> };
  private paused: boolean;

  /** Resolves every setting against `configured` (the env file's values, or their defaults). */
  constructor(
    private readonly store: SettingsStore,
    private readonly configured: EnvBackedValues,
    log: Logger,
    timeZone: string,
  ) {
    const resolve = <K extends PreferenceName>(name: K) => {
      const resolved = store.resolve(ENV_BACKED[name], configured[name]);
      if (resolved.superseded !== null) log.info(supersededLine(name, resolved.superseded, resolved.value, configured[name], timeZone));
      return { value: resolved.value, source: resolved.source };
    };
    this.current = {
      frequencyMinutes: resolve("frequencyMinutes"),
      window: resolve("window"),
      privacy: resolve("privacy"),
      breakdown: resolve("breakdown"),
      notify: resolve("notify"),
      movePercent: resolve("movePercent"),
      movePercentDay: resolve("movePercentDay"),
      failures: resolve("failures"),
      digest: resolve("digest"),
      pinStatus: resolve("pinStatus"),
    };
    this.paused = store.get(BOT_SETTINGS.paused) ?? false;
  }

  value<K extends PreferenceName>(name: K): EnvBackedValues[K] {
    return this.current[name].value;
  }

  /** The value, where it comes from, and the variable that configures it. */
  sourced<K extends PreferenceName>(name: K): Sourced<EnvBackedValues[K]> {
    return { ...this.current[name], variable: ENV_BACKED[name].variable };
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Sets a value from the chat, at once; returns the write that keeps it across restarts (StorageState.persist runs it). */
  set<K extends PreferenceName>(name: K, value: EnvBackedValues[K], at: number): () => void {
    const entries: { [P in K]: Entry<EnvBackedValues[P]> } = this.current;
    entries[name] = { value, source: { kind: "chat", at } };
    return () => this.store.setFromChat(ENV_BACKED[name], value, this.configured[name], at);
  }

  /** Pauses or resumes; returns the write that keeps it. */
  setPaused(paused: boolean): () => void {
    this.paused = paused;
    return () => this.store.set(BOT_SETTINGS.paused, paused);
  }
}

/** How each setting is named in the log, and its values: in words, and as the env file writes them. */
const WORDS: {
  readonly [K in PreferenceName]: { what: string; words(value: EnvBackedValues[K]): string; env(value: EnvBackedValues[K]): string };
} = {
  frequencyMinutes: { what: "the frequency", words: (n) => `${n} minute${n === 1 ? "" : "s"}`, env: String },
  window: {
    what: "the report window",
    words: (w) => `${w.startHour}:00–${w.endHour}:00`,
    env: (w) => `${w.startHour} and ${w.endHour}`,
  },
  privacy: { what: "privacy", words: onOff, env: onOff },
  breakdown: { what: "the crypto breakdown", words: onOff, env: String },
  notify: { what: "notifications", words: String, env: String },
  movePercent: { what: "the move alert", words: percentWords, env: percentEnv },
  movePercentDay: { what: "the day's move alert", words: percentWords, env: percentEnv },
  failures: { what: "the failure alert", words: (n) => (n === 0 ? "off" : `after ${n} failed runs`), env: String },
  digest: { what: "the weekly digest", words: formatDigest, env: formatDigest },
  pinStatus: { what: "the pinned status", words: onOff, env: onOff },
};

function supersededLine<K extends PreferenceName>(
  name: K,
  superseded: { readonly chatValue: EnvBackedValues[K]; readonly configuredThen: EnvBackedValues[K]; readonly at: number | null },
  value: EnvBackedValues[K],
  configured: EnvBackedValues[K],
  timeZone: string,
): string {
  const { what, words, env } = WORDS[name];
  const { variable } = ENV_BACKED[name];
  const when = superseded.at === null ? "" : ` on ${formatZoned(new Date(superseded.at), timeZone, "d MMM")}`;
  return `${variable} changed since the chat set ${what} to ${words(superseded.chatValue)}${when} (the env file had ${env(superseded.configuredThen)}, it has ${env(configured)}): ${what} is ${words(value)}, from ${variable}`;
}

function onOff(on: boolean): string {
  return on ? "on" : "off";
}

function percentWords(percent: number): string {
  return percent === 0 ? "off" : `${percent}%`;
}

/** As the env file has it: unset is off. */
function percentEnv(percent: number): string {
  return percent === 0 ? "unset" : String(percent);
}
