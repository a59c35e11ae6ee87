// The owner's controls: /frequency, /pause and /resume, and the /settings screen with its buttons. Each
// change applies at once (the scheduler takes a new frequency or window for the next slot) and is kept
// in the settings table (Preferences), or says that it will not outlive a restart (StorageState). The
// alerts' settings have a screen of their own (🚨 Alerts), whose changes the watch reads as they are.
import { formatZoned } from "../lib/zoned-format.ts";
import { digestWords, frequencyWords, moveWords, renderAlertSettings, renderSettings, type SettingsView } from "../render/settings.ts";
import { alertsKeyboard } from "./alert-keyboard.ts";
import { type Screen, type SettingChange, settingsKeyboard } from "./keyboards.ts";
import type { Preferences } from "./preferences.ts";
import { isWindow, MAX_FREQUENCY_MINUTES, MIN_FREQUENCY_MINUTES, parseFrequency, type Scheduler } from "./schedule.ts";
import type { StorageState } from "./storage.ts";

export const FREQUENCY_USAGE = `Usage: /frequency <minutes>, a whole number from ${MIN_FREQUENCY_MINUTES} to ${MAX_FREQUENCY_MINUTES} (e.g. /frequency 120).`;

export interface ControlsDeps {
  readonly preferences: Preferences;
  readonly scheduler: Scheduler;
  readonly storage: StorageState;
  readonly timeZone: string;
  readonly now: () => number;
  /** The pinned status was turned on or off from the chat (the watch pins or unpins it). */
  readonly pinStatusChanged?: (on: boolean) => void;
}

/** What a settings button does: the screen as it is now, and a line for the button's answer (≤ 200 characters). */
export interface SettingResult {
  readonly screen: Screen;
  readonly answer: string;
}

export class Controls {
  constructor(private readonly deps: ControlsDeps) {}

  /** /frequency [minutes]: shows (and where the value comes from) or changes (and keeps) the frequency. */
  frequency(argument: string): string {
    const text = argument.trim();
    const { preferences } = this.deps;
    if (text === "") {
      const { value, source } = preferences.sourced("frequencyMinutes");
      const from =
        source.kind === "env"
          ? `from ${preferences.sourced("frequencyMinutes").variable}`
          : source.at === null
            ? "set in the chat"
            : `set in the chat on ${formatZoned(new Date(source.at), this.deps.timeZone, "d MMM")}`;
      return `Reports every ${minutes(value)} (${from}). ${this.nextRunText()}`;
    }
    const value = parseFrequency(text);
    if (value === null) return FREQUENCY_USAGE;
    const kept = this.setFrequency(value);
    return `Frequency set to ${minutes(value)}. ${this.nextRunText()}${kept}`;
  }

  pause(): string {
    if (this.deps.scheduler.isPaused()) return "Scheduled reports were already paused. /status still works; /resume starts them again.";
    return `Scheduled reports paused. /status still works; /resume starts them again.${this.setPaused(true)}`;
  }

  resume(): string {
    if (!this.deps.scheduler.isPaused()) return `Scheduled reports were not paused. ${this.nextRunText()}`;
    const kept = this.setPaused(false);
    return `Scheduled reports resumed. ${this.nextRunText()}${kept}`;
  }

  /** The /settings screen and its buttons. */
  screen(): Screen {
    const { preferences, scheduler } = this.deps;
    const html = renderSettings(this.view());
    const keyboard = settingsKeyboard({
      frequencyMinutes: preferences.value("frequencyMinutes"),
      window: preferences.value("window"),
      paused: scheduler.isPaused(),
      privacy: preferences.value("privacy"),
      breakdown: preferences.value("breakdown"),
      notify: preferences.value("notify"),
    });
    return { html, keyboard };
  }

  /** 🚨 Alerts: the alerts' settings and their buttons. */
  alertsScreen(): Screen {
    const { preferences } = this.deps;
    return {
      html: renderAlertSettings(this.view()),
      keyboard: alertsKeyboard({
        movePercent: preferences.value("movePercent"),
        movePercentDay: preferences.value("movePercentDay"),
        failures: preferences.value("failures"),
        digest: preferences.value("digest"),
        pinStatus: preferences.value("pinStatus"),
      }),
    };
  }

  /** A settings button: the change applied at once and kept, then the screen as it is now. */
  change(change: SettingChange): SettingResult {
    const { preferences, storage, scheduler } = this.deps;
    const at = this.deps.now();
    let answer: string;
    let kept: string;
    switch (change.name) {
      case "frequencyMinutes":
        kept = this.setFrequency(change.value);
        answer = `Reports ${frequencyWords(change.value, preferences.value("window").startHour)}. ${this.nextRunText()}`;
        break;
      case "window": {
        const { startHour, endHour } = preferences.value("window");
        const moved =
          change.move === "start" ? { startHour: startHour + change.hours, endHour } : { startHour, endHour: endHour + change.hours };
        if (!isWindow(moved.startHour, moved.endHour))
          return { screen: this.screen(), answer: "The window stays within 0–24 h and at least 1 h long." };
        kept = storage.persist(preferences.set("window", moved, at));
        scheduler.setWindow(moved.startHour, moved.endHour);
        answer = `Reports from ${hour(moved.startHour)} to ${hour(moved.endHour)}. ${this.nextRunText()}`;
        break;
      }
      case "paused":
        kept = scheduler.isPaused() === change.value ? "" : this.setPaused(change.value);
        answer = change.value ? "Scheduled reports paused; /status still works." : `Scheduled reports resumed. ${this.nextRunText()}`;
        break;
      case "privacy":
        kept = storage.persist(preferences.set("privacy", change.value, at));
        answer = change.value ? "Privacy on: amounts are hidden from the next message on." : "Privacy off: amounts are shown.";
        break;
      case "breakdown":
        kept = storage.persist(preferences.set("breakdown", change.value, at));
        answer = `Crypto breakdown ${change.value ? "on" : "off"} from the next report on.`;
        break;
      case "notify":
        kept = storage.persist(preferences.set("notify", change.value, at));
        answer = NOTIFY_ANSWERS[change.value];
        break;
      case "movePercent":
      case "movePercentDay": {
        kept = storage.persist(preferences.set(change.name, change.value, at));
        const basis = change.name === "movePercent" ? "report" : "day";
        answer =
          change.value === 0 ? `${basis === "report" ? "Move" : "Day move"} alerts off.` : `An alert at ${moveWords(change.value, basis)}.`;
        return { screen: this.alertsScreen(), answer: clip(`${answer}${kept}`, 200) };
      }
      case "failures":
        kept = storage.persist(preferences.set("failures", change.value, at));
        answer =
          change.value === 0
            ? "Failure alerts off."
            : `An alert when a platform fails ${change.value} scheduled run${change.value === 1 ? "" : "s"} in a row.`;
        return { screen: this.alertsScreen(), answer: clip(`${answer}${kept}`, 200) };
      case "digest":
        kept = storage.persist(preferences.set("digest", change.value, at));
        answer = change.value === "off" ? "Weekly digest off." : `Weekly digest on ${digestWords(change.value)} (${this.deps.timeZone}).`;
        return { screen: this.alertsScreen(), answer: clip(`${answer}${kept}`, 200) };
      case "pinStatus":
        kept = storage.persist(preferences.set("pinStatus", change.value, at));
        this.deps.pinStatusChanged?.(change.value);
        answer = change.value ? "Pinned status on: it shows the latest report, updated with each one." : "Pinned status off: unpinned.";
        return { screen: this.alertsScreen(), answer: clip(`${answer}${kept}`, 200) };
    }
    return { screen: this.screen(), answer: clip(`${answer}${kept}`, 200) };
  }

  /** Every setting as the screens show it. */
  private view(): SettingsView {
    const { preferences, scheduler, storage } = this.deps;
    return {
      frequencyMinutes: preferences.sourced("frequencyMinutes"),
      window: preferences.sourced("window"),
      paused: scheduler.isPaused(),
      nextRun: scheduler.nextRun(),
      privacy: preferences.sourced("privacy"),
      breakdown: preferences.sourced("breakdown"),
      notify: preferences.sourced("notify"),
      timeZone: this.deps.timeZone,
      unsaved: storage.problem(),
      alerts: {
        movePercent: preferences.sourced("movePercent"),
        movePercentDay: preferences.sourced("movePercentDay"),
        failures: preferences.sourced("failures"),
        digest: preferences.sourced("digest"),
        pinStatus: preferences.sourced("pinStatus"),
      },
    };
  }

  private setFrequency(value: number): string {
    const kept = this.deps.storage.persist(this.deps.preferences.set("frequencyMinutes", value, this.deps.now()));
    this.deps.scheduler.setFrequency(value);
    return kept;
  }

  private setPaused(paused: boolean): string {
    const kept = this.deps.storage.persist(this.deps.preferences.setPaused(paused));
    if (paused) this.deps.scheduler.pause();
    else this.deps.scheduler.resume();
    return kept;
  }

  private nextRunText(): string {
    const { scheduler, timeZone } = this.deps;
    if (scheduler.isPaused()) return "The schedule is paused: /resume to start it again.";
    const next = scheduler.nextRun();
    return next ? `Next report: ${formatZoned(next, timeZone, "EEE d MMM, HH:mm")} (${timeZone}).` : "No report is scheduled.";
  }
}

const NOTIFY_ANSWERS = {
  all: "Every scheduled report is sent; a partial or failed one with sound.",
  problems: "Scheduled reports only when one is partial or failed, or when that changed.",
  silent: "Every scheduled report is sent without sound.",
} as const;

/** "1 minute", "45 minutes". */
function minutes(n: number): string {
  return `${n} minute${n === 1 ? "" : "s"}`;
}

function hour(h: number): string {
  return `${String(h).padStart(2, "0")}:00`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
