/**
 * @module The alert messages (Telegram HTML): a sharp move, a platform out and back, a key about to expire, and the
 * /status lines of the platforms out. Pure: the rules' results in (alerts/), text out. With `privacy`, no amount
 * appears, only percentages. Every dynamic string is escaped; an error text is clipped.
 */
import type { ExpiryWarning } from "../alerts/expiry.ts";
import type { FailureAlert, Outage } from "../alerts/failures.ts";
import type { MoveAlert, MoveChange, PlatformMove } from "../alerts/move.ts";
import { isNegative } from "../lib/money.ts";
import { CLIP_MARK } from "../lib/redact.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { descriptorOf, type PlatformId, platformName, requiredVariables } from "../platforms/registry.ts";
import { dayAndTime, duration, signedPct, signedUsd, timeSpan, usd, zoneNote } from "./figures.ts";
import { escapeHtml } from "./html.ts";

export interface AlertRenderOptions {
  /** Percentages only, never an amount (PRIVACY). */
  readonly privacy: boolean;
  /** TIMEZONE: every time is shown in it. */
  readonly timeZone: string;
  /** The time zone is named only when it is not this one, as in the report (default: always named). */
  readonly defaultTimeZone?: string;
}

/**
 * A sharp move: the move in % (and USD), what it is measured against, the two times compared, the platforms that
 * moved most. When both bases crossed, the report's comparison leads and the day's follows.
 */
export function renderMoveAlert(alert: MoveAlert, options: AlertRenderOptions): string {
  const [first, ...others] = alert.changes;
  if (first === undefined) return "";
  const span = `${timeSpan(first.from.takenAt, alert.to.takenAt, options.timeZone)}${zone(options)}`;
  const lines = [
    `${isNegative(first.pct) ? "📉" : "📈"} <b>Portfolio ${signedPct(first.pct)}</b>${amountOf(first, options)} since ${basisName(first)}`,
    ...(options.privacy ? [] : [`${usd(first.from.usd)} → ${usd(alert.to.usd)}`]),
    span,
    ...others.map(
      (change) =>
        `${signedPct(change.pct)}${amountOf(change, options)} since ${basisName(change)} (${formatZoned(change.from.takenAt, options.timeZone, "HH:mm")})`,
    ),
  ];
  // One platform a line: three on one line wrap on a phone.
  const movers = alert.movers.flatMap((move) => moverText(move, options));
  if (movers.length > 0) lines.push("Moved most:", ...movers.map((mover) => `  ${mover}`));
  lines.push(`<i>Alert at ±${alert.changes.map(thresholdText).join(", ±")}</i>`);
  return lines.join("\n");
}

/** A platform out for `threshold` runs, with its last error (which says what to do); or back, and for how long it was out. */
export function renderFailureAlert(alert: FailureAlert, options: AlertRenderOptions): string {
  const name = platformName(alert.platform);
  const since = `${dayAndTime(alert.outage.since, options.timeZone)}${zone(options)}`;
  if (alert.kind === "down") {
    return [
      `⚠️ <b>${name} is out</b>: it failed ${alert.outage.failures} scheduled runs in a row, since ${since}.`,
      `Last error: ${clip(alert.outage.lastError)}`,
      "The reports leave it out until it answers again; pfbot says when it is back.",
    ].join("\n");
  }
  const runs = alert.outage.failures === 1 ? "1 scheduled run" : `${alert.outage.failures} scheduled runs in a row`;
  return [
    `✅ <b>${name} is back</b> after ${duration(alert.at.getTime() - alert.outage.since.getTime())} out.`,
    `It had failed ${runs}, since ${since}.`,
  ].join("\n");
}

/** A key that expires soon: when, and which variables to replace. */
export function renderExpiryWarning(warning: ExpiryWarning, options: AlertRenderOptions): string {
  const name = platformName(warning.platform);
  const when = warning.daysLeft <= 0 ? "within a day" : warning.daysLeft === 1 ? "in 1 day" : `in ${warning.daysLeft} days`;
  const at = `${formatZoned(warning.expiresAt, options.timeZone, "d MMM yyyy, HH:mm")}${zone(options)}`;
  return [
    `🔑 <b>Your ${name} key expires ${when}</b>, on ${at}.`,
    `Create a new read-only key, put it in ${keyVariables(warning.platform)}, and restart pfbot; then revoke the old one.`,
  ].join("\n");
}

/** "BYBIT_API_KEY and BYBIT_API_SECRET": the variables that hold a platform's key. */
export function keyVariables(platform: PlatformId): string {
  const variables = requiredVariables(descriptorOf(platform));
  return variables.length > 1 ? `${variables.slice(0, -1).join(", ")} and ${variables.at(-1)}` : (variables[0] ?? "");
}

/** The /status lines of the platforms out, longest out first; empty when none is. */
export function renderOutages(
  outages: readonly { readonly platform: PlatformId; readonly outage: Outage }[],
  options: AlertRenderOptions,
): string[] {
  return outages.map(({ platform, outage }) => {
    const runs = outage.failures === 1 ? "the last scheduled run failed" : `${outage.failures} scheduled runs failed`;
    return `⚠️ ${platformName(platform)} out since ${dayAndTime(outage.since, options.timeZone)}${zone(options)}: ${runs}`;
  });
}

function zone(options: AlertRenderOptions): string {
  return zoneNote(options.timeZone, options.defaultTimeZone ?? "");
}

function basisName(change: MoveChange): string {
  return change.basis === "report" ? "the last report" : "the first report of the day";
}

function amountOf(change: MoveChange, options: AlertRenderOptions): string {
  return options.privacy ? "" : ` (${signedUsd(change.usd)})`;
}

function thresholdText(change: MoveChange): string {
  return `${change.threshold}% ${change.basis === "report" ? "between reports" : "within a day"}`;
}

function moverText(move: PlatformMove, options: AlertRenderOptions): string[] {
  const name = platformName(move.platform);
  if (options.privacy) return move.pct === null ? [] : [`${name} ${signedPct(move.pct)}`];
  return [`${name} ${signedUsd(move.usd)}${move.pct === null ? "" : ` (${signedPct(move.pct)})`}`];
}

const MAX_ERROR = 300;

/** Escaped and at most MAX_ERROR characters once escaped, cut between characters and marked where the redactor looks. */
function clip(text: string): string {
  const escaped = escapeHtml(text);
  if (escaped.length <= MAX_ERROR) return escaped;
  let out = "";
  for (const char of text) {
    const piece = escapeHtml(char);
    if (out.length + piece.length > MAX_ERROR - 1) break;
    out += piece;
  }
  return out + CLIP_MARK;
}
