// The /settings screen: golden HTML for values from the env file and from the chat, a paused schedule and
// an unwritable history; its lines fit a phone; every dynamic text is escaped.
import { describe, expect, test } from "bun:test";
import { htmlToText } from "../../src/render/html.ts";
import { frequencyWords, renderSettings, type SettingsView } from "../../src/render/settings.ts";

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
