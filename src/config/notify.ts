// NOTIFY: which scheduled reports are sent, and which ring (README, "The bot"). Declared apart from
// config.ts so that the bot's settings (bot/settings.ts) read the same values without loading arktype.
import type { BasicVariable } from "./history-config.ts";

/**
 * all: every scheduled report; a complete one silent, a partial or failed one with sound. problems: only a
 * report that is not complete, or whose coverage differs from the last scheduled report's (bot/notify.ts).
 * silent: every scheduled report, none with sound.
 */
export const NOTIFY_MODES = ["all", "problems", "silent"] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

export function parseNotifyMode(text: string): NotifyMode | null {
  return NOTIFY_MODES.find((mode) => mode === text.toLowerCase()) ?? null;
}

export const NOTIFY: BasicVariable<NotifyMode> = {
  name: "NOTIFY",
  fallback: "all",
  parse: parseNotifyMode,
  expected: '"all", "problems" or "silent"',
};
