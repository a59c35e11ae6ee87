// The buttons of the alerts' settings (🚨 Alerts under /settings), and what their presses ask for. Like every
// button of pfbot's (keyboards.ts), each carries the value it sets, so a press needs no state on our side.
// Callback data (after "set:"):
//   move:P, moveday:P    the move thresholds in % (0: off)
//   fail:N               failed scheduled runs in a row before an alert (0: off)
//   digest:off, digest:W-HHMM   the weekly digest off, or on weekday W (0 = Sunday) at HH:MM
//   pin:1|0              the live pinned status
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { type DigestSchedule, WEEKDAY_NAMES } from "../alerts/digest.ts";
import { parsePercent } from "../alerts/move.ts";
import { digestWords } from "../render/settings.ts";
import type { AlertValues, DigestSetting } from "./settings.ts";

/** A change from the alerts' buttons: the setting and its new value. */
export type AlertSettingChange =
  | { readonly name: "movePercent" | "movePercentDay"; readonly value: number }
  | { readonly name: "failures"; readonly value: number }
  | { readonly name: "digest"; readonly value: DigestSetting }
  | { readonly name: "pinStatus"; readonly value: boolean };

/**
 * The thresholds offered, in % (a sharp move, a large one), and the failed runs: two presets and "off" per row, so
 * that three buttons with their row's name fit a phone's width (/settings' own marks included).
 */
const MOVE_PRESETS = [5, 10] as const;
const FAILURE_PRESETS = [3, 5] as const;
/** The digest when turned on from here while DIGEST is unset: Sunday evening, as the README's example. */
const DEFAULT_DIGEST: DigestSchedule = { weekday: 0, hour: 19, minute: 0 };

/**
 * The alerts' buttons: presets for each threshold (the current one marked), the digest's toggle, and when it is on
 * its next day and an hour earlier or later; the pinned status.
 */
export function alertsKeyboard(state: AlertValues): InlineKeyboardMarkup {
  const { digest } = state;
  const digestRows =
    digest === "off"
      ? [[button("⬜ Weekly digest", `set:digest:${digestData(DEFAULT_DIGEST)}`)]]
      : [
          [button(`✅ Weekly digest ${digestWords(digest)}`, "set:digest:off")],
          [
            button(
              `Day: ${WEEKDAY_LABELS[(digest.weekday + 1) % 7]} ▸`,
              `set:digest:${digestData({ ...digest, weekday: (digest.weekday + 1) % 7 })}`,
            ),
            button(
              `◂ ${time({ ...digest, hour: (digest.hour + 23) % 24 })}`,
              `set:digest:${digestData({ ...digest, hour: (digest.hour + 23) % 24 })}`,
            ),
            button(
              `${time({ ...digest, hour: (digest.hour + 1) % 24 })} ▸`,
              `set:digest:${digestData({ ...digest, hour: (digest.hour + 1) % 24 })}`,
            ),
          ],
        ];
  return {
    inline_keyboard: [
      [
        choice("Move off", state.movePercent === 0, "set:move:0"),
        ...MOVE_PRESETS.map((p) => choice(`Move ${p}%`, p === state.movePercent, `set:move:${p}`)),
      ],
      [
        choice("Day off", state.movePercentDay === 0, "set:moveday:0"),
        ...MOVE_PRESETS.map((p) => choice(`Day ${p}%`, p === state.movePercentDay, `set:moveday:${p}`)),
      ],
      [
        choice("Fails off", state.failures === 0, "set:fail:0"),
        ...FAILURE_PRESETS.map((n) => choice(`${n} fails`, n === state.failures, `set:fail:${n}`)),
      ],
      ...digestRows,
      [button(`${state.pinStatus ? "✅" : "⬜"} Pinned status`, `set:pin:${state.pinStatus ? 0 : 1}`)],
      [button("⬅️ Settings", "set")],
    ],
  };
}

/**
 * One alert setting's press ("move", "5"), or null when the value is not one this version writes; undefined when
 * `name` is not an alert setting's.
 */
export function readAlertChange(name: string | undefined, value: string): AlertSettingChange | null | undefined {
  switch (name) {
    case "move":
    case "moveday": {
      const percent = value === "0" ? 0 : parsePercent(value);
      return percent === null ? null : { name: name === "move" ? "movePercent" : "movePercentDay", value: percent };
    }
    case "fail": {
      const runs = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
      return runs >= 0 && runs <= 100 ? { name: "failures", value: runs } : null;
    }
    case "digest": {
      if (value === "off") return { name: "digest", value: "off" };
      const match = /^([0-6])-([01]\d|2[0-3])([0-5]\d)$/.exec(value);
      return match ? { name: "digest", value: { weekday: Number(match[1]), hour: Number(match[2]), minute: Number(match[3]) } } : null;
    }
    case "pin":
      return value === "1" ? { name: "pinStatus", value: true } : value === "0" ? { name: "pinStatus", value: false } : null;
    default:
      return undefined;
  }
}

const WEEKDAY_LABELS = WEEKDAY_NAMES.map((day) => day.charAt(0).toUpperCase() + day.slice(1));

/** "19:00". */
function time(schedule: DigestSchedule): string {
  return `${String(schedule.hour).padStart(2, "0")}:${String(schedule.minute).padStart(2, "0")}`;
}

/** "0-1900": the weekday, then HHMM (no colon: the data is split at colons). */
function digestData(schedule: DigestSchedule): string {
  return `${schedule.weekday}-${String(schedule.hour).padStart(2, "0")}${String(schedule.minute).padStart(2, "0")}`;
}

function button(text: string, data: string): InlineKeyboardButton.CallbackButton {
  return { text, callback_data: data };
}

/** One of several choices: the current one marked, and answered as already shown (keyboards.ts's rule). */
function choice(label: string, current: boolean, data: string): InlineKeyboardButton.CallbackButton {
  return current ? button(`· ${label} ·`, "shown") : button(label, data);
}
