// The /settings screen (pure): each setting's value in words and where it comes from (its variable in
// the env file, or the chat and when), the schedule's state, and a line when a change will not outlive a
// restart. The buttons under it are the bot's (bot/keyboards.ts). Lines are kept to ~36 characters, what
// a phone shows without wrapping, except a source naming two variables.
import type { DigestSchedule } from "../alerts/digest.ts";
import type { NotifyMode } from "../config/notify.ts";
import type { SettingSource } from "../history/settings.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { escapeHtml } from "./html.ts";

/** A setting's value and where it comes from: `variable` when the source is the env file (or its default). */
export interface Sourced<T> {
  readonly value: T;
  readonly source: SettingSource;
  readonly variable: string;
}

export interface SettingsView {
  readonly frequencyMinutes: Sourced<number>;
  readonly window: Sourced<{ readonly startHour: number; readonly endHour: number }>;
  readonly paused: boolean;
  /** The next scheduled report; null when paused. */
  readonly nextRun: Date | null;
  readonly privacy: Sourced<boolean>;
  readonly breakdown: Sourced<boolean>;
  readonly notify: Sourced<NotifyMode>;
  /** TIMEZONE: the window's hours and the dates shown are in it. */
  readonly timeZone: string;
  /** Why a change will not outlive a restart (the settings cannot be written); null when it will. */
  readonly unsaved: string | null;
  readonly alerts: AlertSettingsView;
}

/** The alert settings (README, "Alerts"): 0 and "off" are off. */
interface AlertSettingsView {
  /** ALERT_MOVE_PERCENT and ALERT_MOVE_PERCENT_DAY, in %. */
  readonly movePercent: Sourced<number>;
  readonly movePercentDay: Sourced<number>;
  /** ALERT_FAILURES: failed scheduled runs in a row. */
  readonly failures: Sourced<number>;
  readonly digest: Sourced<DigestSchedule | "off">;
  readonly pinStatus: Sourced<boolean>;
}

export function renderSettings(view: SettingsView): string {
  const { timeZone } = view;
  const lines = [
    "<b>⚙️ Settings</b>",
    "",
    ...entry("Reports", frequencyWords(view.frequencyMinutes.value, view.window.value.startHour), view.frequencyMinutes, timeZone),
    ...entry("Window", `${hour(view.window.value.startHour)}–${hour(view.window.value.endHour)}`, view.window, timeZone),
    `<b>Schedule:</b> ${scheduleWords(view, timeZone)}`,
    ...entry("Privacy", view.privacy.value ? "on, amounts hidden" : "off", view.privacy, timeZone),
    ...entry("Crypto breakdown", view.breakdown.value ? "on" : "off", view.breakdown, timeZone),
    ...entry("Notifications", NOTIFY_WORDS[view.notify.value], view.notify, timeZone),
    "",
    ...alertEntries(view.alerts, timeZone),
  ];
  return withFooter(lines, view);
}

/** The alerts' own screen (🚨 Alerts under the settings): their rows alone, above their buttons. */
export function renderAlertSettings(view: SettingsView): string {
  return withFooter(["<b>🚨 Alerts</b>", "", ...alertEntries(view.alerts, view.timeZone)], view);
}

/** "±5% between reports"; 0: "off". */
export function moveWords(percent: number, basis: "report" | "day"): string {
  if (percent === 0) return "off";
  return `±${percent}% ${basis === "report" ? "between reports" : "within a day"}`;
}

/** "after 3 failed runs" (scheduled runs in a row); 0: "off". */
export function failureWords(runs: number): string {
  if (runs === 0) return "off";
  return `after ${runs} failed run${runs === 1 ? "" : "s"}`;
}

/** "Sun 19:00", or "off". */
export function digestWords(digest: DigestSchedule | "off"): string {
  if (digest === "off") return "off";
  return `${DAY_NAMES[digest.weekday]} ${String(digest.hour).padStart(2, "0")}:${String(digest.minute).padStart(2, "0")}`;
}

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

function alertEntries(alerts: AlertSettingsView, timeZone: string): string[] {
  return [
    ...entry("Move alert", moveWords(alerts.movePercent.value, "report"), alerts.movePercent, timeZone),
    ...entry("Day move alert", moveWords(alerts.movePercentDay.value, "day"), alerts.movePercentDay, timeZone),
    ...entry("Failure alert", failureWords(alerts.failures.value), alerts.failures, timeZone),
    ...entry("Weekly digest", digestWords(alerts.digest.value), alerts.digest, timeZone),
    ...entry("Pinned status", alerts.pinStatus.value ? "on" : "off", alerts.pinStatus, timeZone),
  ];
}

function withFooter(lines: string[], view: SettingsView): string {
  lines.push("", `<i>Times in ${escapeHtml(view.timeZone)}. A value set here stays until its variable changes in the env file.</i>`);
  if (view.unsaved !== null) lines.push("", `⚠️ Changes are not remembered after a restart: ${escapeHtml(view.unsaved)}`);
  return lines.join("\n");
}

/** "every 30 min", "every hour", "every 2 h", "every 1 h 30 min"; 1440 minutes: "once a day at 08:00", the window's start. */
export function frequencyWords(minutes: number, startHour: number): string {
  if (minutes >= 1440) return `once a day at ${hour(startHour)}`;
  if (minutes === 60) return "every hour";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `every ${[h > 0 ? `${h} h` : "", m > 0 ? `${m} min` : ""].filter((part) => part !== "").join(" ")}`;
}

const NOTIFY_WORDS: Readonly<Record<NotifyMode, string>> = {
  all: "all reports",
  problems: "problems only",
  silent: "all, no sound",
};

/** A setting's line and, in italics under it, where its value comes from. */
function entry<T>(label: string, words: string, sourced: Sourced<T>, timeZone: string): string[] {
  return [`<b>${label}:</b> ${escapeHtml(words)}`, `<i>${escapeHtml(sourceWords(sourced, timeZone))}</i>`];
}

function sourceWords(sourced: Sourced<unknown>, timeZone: string): string {
  const { source } = sourced;
  if (source.kind === "env") return `from ${sourced.variable}`;
  return source.at === null ? "set in the chat" : `set in the chat on ${formatZoned(new Date(source.at), timeZone, "d MMM")}`;
}

function scheduleWords(view: SettingsView, timeZone: string): string {
  if (view.paused || view.nextRun === null) return "paused";
  return `running, next ${formatZoned(view.nextRun, timeZone, "EEE HH:mm")}`;
}

function hour(h: number): string {
  return `${String(h).padStart(2, "0")}:00`;
}
