/**
 * @module Where the alert rules keep their state between runs: typed entries in the settings table of pfbot.sqlite
 * (history/settings.ts), each one JSON value with a version. A value that does not read back (edited by hand, or
 * written by another pfbot) reads as unset, and the rule starts afresh: at worst one alert too many or too few,
 * never a crash. Amounts are exact decimal strings, instants UTC ISO strings. Platform ids the registry no longer
 * knows are dropped where a message would name them (outages, key expiry), and kept where they only tell two sets
 * of platforms apart (the move rule's bases).
 */
import type { Setting } from "../history/settings.ts";
import { isRecord } from "../lib/guards.ts";
import { type Decimal, parseDecimal, toPlainString } from "../lib/money.ts";
import { PLATFORMS, type PlatformId } from "../platforms/registry.ts";
import { EXPIRY_WARNING_DAYS, type ExpiringKey, type ExpiryState } from "./expiry.ts";
import type { FailureState, Outage } from "./failures.ts";
import type { MoveState, ReportPoint, Side } from "./move.ts";

/** The move rule's bases (alerts/move.ts). */
export const MOVE_ALERT_STATE: Setting<MoveState> = {
  key: "alerts.move",
  parse: (text) => versioned(text, parseMoveState),
  format: (state) =>
    JSON.stringify({
      version: 1,
      last: state.last === null ? null : pointJson(state.last),
      day: state.day === null ? null : { day: state.day.day, base: pointJson(state.day.base), side: state.day.side },
    }),
};

/** The platforms failing in a row (alerts/failures.ts). */
export const FAILURE_ALERT_STATE: Setting<FailureState> = {
  key: "alerts.failures",
  parse: (text) => versioned(text, parseFailureState),
  format: (state) =>
    JSON.stringify({
      version: 1,
      outages: [...state.outages].map(([platform, outage]) => ({
        platform,
        failures: outage.failures,
        since: outage.since.toISOString(),
        lastAt: outage.lastAt.toISOString(),
        lastError: outage.lastError,
        alerted: outage.alerted,
      })),
    }),
};

/** The key expiry warnings sent (alerts/expiry.ts). */
export const KEY_EXPIRY_STATE: Setting<ExpiryState> = {
  key: "alerts.key_expiry",
  parse: (text) => versioned(text, parseExpiryState),
  format: (state) =>
    JSON.stringify({
      version: 1,
      keys: [...state.keys].map(([platform, key]) => ({ platform, expiresAt: key.expiresAt.toISOString(), warned: key.warned })),
    }),
};

/** The local day (TIMEZONE) of the bot's last daily key audit: one audit a day, however often pfbot restarts. */
export const KEY_AUDIT_DAY: Setting<string> = {
  key: "alerts.key_audit_day",
  parse: (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null),
  format: (day) => day,
};

/** The last weekly digest slot sent (alerts/digest.ts): a slot at or before it is never sent again. */
export const DIGEST_LAST_SLOT: Setting<Date> = {
  key: "alerts.digest_last_slot",
  parse: (text) => instant(text),
  format: (slot) => slot.toISOString(),
};

/** The live pinned status message (PIN_STATUS): which message the bot edits, in which chat, and when it was sent. */
export interface PinnedStatusMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly sentAt: Date;
}

export const PINNED_STATUS_MESSAGE: Setting<PinnedStatusMessage> = {
  key: "status.pinned_message",
  parse: (text) =>
    versioned(text, (value) => {
      const sentAt = instant(value.sentAt);
      const { chatId, messageId } = value;
      if (!Number.isSafeInteger(chatId) || !Number.isSafeInteger(messageId) || sentAt === null) return null;
      return { chatId: chatId as number, messageId: messageId as number, sentAt };
    }),
  format: (pinned) =>
    JSON.stringify({ version: 1, chatId: pinned.chatId, messageId: pinned.messageId, sentAt: pinned.sentAt.toISOString() }),
};

function versioned<T>(text: string, read: (value: Record<string, unknown>) => T | null): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isRecord(value) && value.version === 1 ? read(value) : null;
}

function pointJson(point: ReportPoint): unknown {
  return {
    takenAt: point.takenAt.toISOString(),
    usd: toPlainString(point.usd),
    platforms: Object.fromEntries([...point.platforms].map(([id, usd]) => [id, toPlainString(usd)])),
  };
}

function parsePoint(value: unknown): ReportPoint | null {
  if (!isRecord(value) || !isRecord(value.platforms)) return null;
  const takenAt = instant(value.takenAt);
  const usd = amount(value.usd);
  if (takenAt === null || usd === null) return null;
  const platforms = new Map<string, Decimal>();
  for (const [id, text] of Object.entries(value.platforms)) {
    const platformUsd = amount(text);
    if (platformUsd === null) return null;
    platforms.set(id, platformUsd);
  }
  return { takenAt, usd, platforms };
}

function parseMoveState(value: Record<string, unknown>): MoveState | null {
  const last = value.last === null ? null : parsePoint(value.last);
  if (last === null && value.last !== null) return null;
  if (value.day === null) return { last, day: null };
  if (!isRecord(value.day)) return null;
  const { day, side } = value.day;
  const base = parsePoint(value.day.base);
  if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day) || base === null) return null;
  if (side !== null && side !== "up" && side !== "down") return null;
  return { last, day: { day, base, side: side as Side | null } };
}

function parseFailureState(value: Record<string, unknown>): FailureState | null {
  if (!Array.isArray(value.outages)) return null;
  const outages = new Map<PlatformId, Outage>();
  for (const item of value.outages) {
    if (!isRecord(item)) return null;
    const since = instant(item.since);
    const lastAt = instant(item.lastAt);
    const { platform, failures, lastError, alerted } = item;
    if (since === null || lastAt === null || typeof lastError !== "string" || typeof alerted !== "boolean") return null;
    if (!Number.isSafeInteger(failures) || (failures as number) < 1) return null;
    if (isKnownPlatform(platform)) outages.set(platform, { failures: failures as number, since, lastAt, lastError, alerted });
  }
  return { outages };
}

function parseExpiryState(value: Record<string, unknown>): ExpiryState | null {
  if (!Array.isArray(value.keys)) return null;
  const keys = new Map<PlatformId, ExpiringKey>();
  for (const item of value.keys) {
    if (!isRecord(item)) return null;
    const expiresAt = instant(item.expiresAt);
    const warned = EXPIRY_WARNING_DAYS.find((day) => day === item.warned) ?? null;
    if (expiresAt === null || (item.warned !== null && warned === null)) return null;
    if (isKnownPlatform(item.platform)) keys.set(item.platform, { expiresAt, warned });
  }
  return { keys };
}

function isKnownPlatform(id: unknown): id is PlatformId {
  return PLATFORMS.some((descriptor) => descriptor.id === id);
}

function instant(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function amount(value: unknown): Decimal | null {
  return typeof value === "string" ? parseDecimal(value) : null;
}
