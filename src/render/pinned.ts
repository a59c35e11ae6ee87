/**
 * @module The live pinned status (PIN_STATUS=on): the few lines the bot keeps in one pinned message, edited with
 * every snapshot. Its first line is what Telegram's pinned bar shows at the top of the chat: the report's headline
 * (the totals, "⚠️ partial" when they leave money out); then the report's change line, what a partial total leaves
 * out (platforms named, never a holding), and when it was last updated. The same words and figures as the report
 * (render/status.ts). With privacy, no amount at all: the word "Portfolio" and percentages. Pure; every dynamic
 * string escaped.
 */
import { abs, isNegative } from "../lib/money.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { platformName } from "../platforms/registry.ts";
import type { Change } from "../snapshot/report.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import { compactMoney, roundsToZero, unsignedPercent, wholeMoney } from "./amounts.ts";
import { escapeHtml } from "./html.ts";

export interface PinnedStatusOptions {
  readonly privacy: boolean;
  /** The change line's figures (snapshot/report.ts dayChange: the report's 1D); null without any history. */
  readonly change: Change | null;
  /** The time zone is named only when it is not this one, as in the report. */
  readonly defaultTimeZone: string;
}

export function renderPinnedStatus(snapshot: Snapshot, options: PinnedStatusOptions): string {
  return [headline(snapshot, options.privacy), changeLine(snapshot, options), leftOutLine(snapshot), updated(snapshot, options)]
    .filter((line): line is string => line !== null)
    .join("\n");
}

function headline(snapshot: Snapshot, privacy: boolean): string {
  if (snapshot.totalUsd === null) return "💼 <b>Portfolio</b> ❌ no platform answered";
  const partial = snapshot.leftOut.length > 0 ? " ⚠️ partial" : "";
  if (privacy) return `💼 <b>Portfolio</b>${partial}`;
  const usd = escapeHtml(wholeMoney({ currency: "USD", amount: snapshot.totalUsd }));
  if (snapshot.totalRub === null) return `💼 <b>${usd}</b> · no ₽ rate${partial}`;
  return `💼 <b>${usd} · ${escapeHtml(compactMoney({ currency: "RUB", amount: snapshot.totalRub }))}</b>${partial}`;
}

/** The report's change line: since the last complete day, in USD and %, or why there is none. */
function changeLine(snapshot: Snapshot, options: PinnedStatusOptions): string | null {
  const { change } = options;
  if (change === null || snapshot.totalUsd === null) return null;
  if (change.kind === "none") return "No complete day to compare with";
  if (change.kind === "partial") return "Change not shown: total is partial";
  const arrow = roundsToZero(change.usd, 0) ? "±" : isNegative(change.usd) ? "▼" : "▲";
  const since = `since ${shortDay(change.since, snapshot)}`;
  const pct = change.pct === null ? null : unsignedPercent(change.pct);
  if (options.privacy) return `${arrow} ${pct ?? "—"} ${since}`;
  return `${arrow} ${escapeHtml(wholeMoney({ currency: "USD", amount: abs(change.usd) }))}${pct === null ? "" : ` (${pct})`} ${since}`;
}

/** "⚠️ Leaves out OKX, part of Bybit": the platforms a partial total misses, named only (a part can name holdings). */
function leftOutLine(snapshot: Snapshot): string | null {
  if (snapshot.leftOut.length === 0 || snapshot.totalUsd === null) return null;
  const names = new Map<string, string>();
  for (const gap of snapshot.leftOut) {
    const name = platformName(gap.platform);
    if (gap.part === null || !names.has(gap.platform)) names.set(gap.platform, gap.part === null ? name : `part of ${name}`);
  }
  return `⚠️ Leaves out ${escapeHtml([...names.values()].join(", "))}`;
}

function updated(snapshot: Snapshot, options: PinnedStatusOptions): string {
  const zone = snapshot.timeZone === options.defaultTimeZone ? "" : ` (${escapeHtml(snapshot.timeZone)})`;
  return `🕒 Updated ${formatZoned(snapshot.takenAt, snapshot.timeZone, "d MMM, HH:mm")}${zone}`;
}

/** "23 Nov", with the year when it is not the snapshot's. */
function shortDay(day: string, snapshot: Snapshot): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return escapeHtml(day);
  const month = MONTHS[Number(match[2]) - 1] ?? match[2];
  const year = match[1] !== formatZoned(snapshot.takenAt, snapshot.timeZone, "yyyy") ? ` ${match[1]}` : "";
  return `${Number(match[3])} ${month}${year}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
