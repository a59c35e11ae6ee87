// The /settings screen: golden HTML for values from the env file and from the chat, a paused schedule and
// an unwritable history; its lines fit a phone; every dynamic text is escaped.
import { describe, expect, test } from "bun:test";
import { htmlToText } from "../../src/render/html.ts";
import {
  digestWords,
  failureWords,
  frequencyWords,
  moveWords,
  renderAlertSettings,
  renderSettings,
  type SettingsView,
} from "../../src/render/settings.ts";

const SET_AT = Date.parse("2026-11-26T10:00:00Z");
const env = <T>(value: T, variable: string) => ({ value, source: { kind: "env" } as const, variable });
const chat = <T>(value: T, variable: string, at: number | null = SET_AT) => ({ value, source: { kind: "chat", at } as const, variable });

const CONFIGURED: SettingsView = {
  frequencyMinutes: env(120, "POLL_INTERVAL_MINUTES"),
  window: env({ startHour: 8, endHour: 20 }, "WINDOW_START_HOUR and WINDOW_END_HOUR"),
  paused: false,
  nextRun: new Date("2026-11-26T11:00:00Z"),
  privacy: env(false, "PRIVACY"),
  breakdown: env(true, "INCLUDE_CRYPTO_BREAKDOWN"),
  notify: env("all", "NOTIFY"),
  timeZone: "Europe/Paris",
  unsaved: null,
  alerts: {
    movePercent: env(0, "ALERT_MOVE_PERCENT"),
    movePercentDay: env(0, "ALERT_MOVE_PERCENT_DAY"),
    failures: env(3, "ALERT_FAILURES"),
    digest: env("off" as const, "DIGEST"),
    pinStatus: env(false, "PIN_STATUS"),
  },
};

describe("the settings screen", () => {
  test("as configured: each value, and the variable it comes from", () => {
    expect(renderSettings(CONFIGURED)).toBe(
      [
        "<b>⚙️ Settings</b>",
        "",
        "<b>Reports:</b> every 2 h",
        "<i>from POLL_INTERVAL_MINUTES</i>",
        "<b>Window:</b> 08:00–20:00",
        "<i>from WINDOW_START_HOUR and WINDOW_END_HOUR</i>",
        "<b>Schedule:</b> running, next Thu 12:00",
        "<b>Privacy:</b> off",
        "<i>from PRIVACY</i>",
        "<b>Crypto breakdown:</b> on",
        "<i>from INCLUDE_CRYPTO_BREAKDOWN</i>",
        "<b>Notifications:</b> all reports",
        "<i>from NOTIFY</i>",
        "",
        "<b>Move alert:</b> off",
        "<i>from ALERT_MOVE_PERCENT</i>",
        "<b>Day move alert:</b> off",
        "<i>from ALERT_MOVE_PERCENT_DAY</i>",
        "<b>Failure alert:</b> after 3 failed runs",
        "<i>from ALERT_FAILURES</i>",
        "<b>Weekly digest:</b> off",
        "<i>from DIGEST</i>",
        "<b>Pinned status:</b> off",
        "<i>from PIN_STATUS</i>",
        "",
        "<i>Times in Europe/Paris. A value set here stays until its variable changes in the env file.</i>",
      ].join("\n"),
    );
  });

  test("set in the chat, paused, and a history that cannot be written", () => {
    const html = renderSettings({
      ...CONFIGURED,
      frequencyMinutes: chat(1440, "POLL_INTERVAL_MINUTES"),
      window: chat({ startHour: 7, endHour: 22 }, "WINDOW_START_HOUR and WINDOW_END_HOUR", null),
      paused: true,
      nextRun: null,
      privacy: chat(true, "PRIVACY"),
      breakdown: chat(false, "INCLUDE_CRYPTO_BREAKDOWN"),
      notify: chat("problems", "NOTIFY"),
      alerts: {
        movePercent: chat(5, "ALERT_MOVE_PERCENT"),
        movePercentDay: env(2.5, "ALERT_MOVE_PERCENT_DAY"),
        failures: chat(0, "ALERT_FAILURES"),
        digest: chat({ weekday: 1, hour: 7, minute: 5 }, "DIGEST"),
        pinStatus: chat(true, "PIN_STATUS"),
      },
      timeZone: "Asia/Yekaterinburg",
      unsaved: "DATA_DIR /var/lib/pfbot is read-only <or> full",
    });
    expect(html).toBe(
      [
        "<b>⚙️ Settings</b>",
        "",
        "<b>Reports:</b> once a day at 07:00",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Window:</b> 07:00–22:00",
        "<i>set in the chat</i>",
        "<b>Schedule:</b> paused",
        "<b>Privacy:</b> on, amounts hidden",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Crypto breakdown:</b> off",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Notifications:</b> problems only",
        "<i>set in the chat on 26 Nov</i>",
        "",
        "<b>Move alert:</b> ±5% between reports",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Day move alert:</b> ±2.5% within a day",
        "<i>from ALERT_MOVE_PERCENT_DAY</i>",
        "<b>Failure alert:</b> off",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Weekly digest:</b> Mon 07:05",
        "<i>set in the chat on 26 Nov</i>",
        "<b>Pinned status:</b> on",
        "<i>set in the chat on 26 Nov</i>",
        "",
        "<i>Times in Asia/Yekaterinburg. A value set here stays until its variable changes in the env file.</i>",
        "",
        "⚠️ Changes are not remembered after a restart: DATA_DIR /var/lib/pfbot is read-only &lt;or&gt; full",
      ].join("\n"),
    );
  });

  test("every line but the window's two variables and the closing sentences fits 36 characters", () => {
    const long = (view: SettingsView) =>
      htmlToText(renderSettings(view))
        .split("\n")
        .filter((line) => [...line].length > 36);
    expect(long({ ...CONFIGURED, notify: env("silent", "NOTIFY") })).toEqual([
      "from WINDOW_START_HOUR and WINDOW_END_HOUR",
      "Times in Europe/Paris. A value set here stays until its variable changes in the env file.",
    ]);
  });

  test("the alerts' screen: their rows alone, with the closing sentences", () => {
    expect(htmlToText(renderAlertSettings({ ...CONFIGURED, unsaved: "DATA_DIR is read-only" })).split("\n")).toEqual([
      "🚨 Alerts",
      "",
      "Move alert: off",
      "from ALERT_MOVE_PERCENT",
      "Day move alert: off",
      "from ALERT_MOVE_PERCENT_DAY",
      "Failure alert: after 3 failed runs",
      "from ALERT_FAILURES",
      "Weekly digest: off",
      "from DIGEST",
      "Pinned status: off",
      "from PIN_STATUS",
      "",
      "Times in Europe/Paris. A value set here stays until its variable changes in the env file.",
      "",
      "⚠️ Changes are not remembered after a restart: DATA_DIR is read-only",
    ]);
  });

  test("the alerts in words", () => {
    expect([moveWords(0, "report"), moveWords(5, "report"), moveWords(2.5, "day")]).toEqual([
      "off",
      "±5% between reports",
      "±2.5% within a day",
    ]);
    expect([failureWords(0), failureWords(1), failureWords(3)]).toEqual(["off", "after 1 failed run", "after 3 failed runs"]);
    expect([
      digestWords("off"),
      digestWords({ weekday: 0, hour: 19, minute: 0 }),
      digestWords({ weekday: 6, hour: 7, minute: 30 }),
    ]).toEqual(["off", "Sun 19:00", "Sat 07:30"]);
  });

  test("the frequency in words", () => {
    expect([1, 30, 45, 60, 90, 120, 135, 240, 1439].map((minutes) => frequencyWords(minutes, 8))).toEqual([
      "every 1 min",
      "every 30 min",
      "every 45 min",
      "every hour",
      "every 1 h 30 min",
      "every 2 h",
      "every 2 h 15 min",
      "every 4 h",
      "every 23 h 59 min",
    ]);
    expect(frequencyWords(1440, 9)).toBe("once a day at 09:00");
  });
});
