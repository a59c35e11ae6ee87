/**
 * @module The live pinned status (PIN_STATUS=on): three short lines the bot keeps in one pinned message, edited
 * with every snapshot: the headline (the total, or with privacy just the word), the change, and when it was
 * last updated. Pure; every dynamic string escaped.
 */
import { formatZoned } from "../lib/zoned-format.ts";
import type { Change } from "../snapshot/report.ts";
import { describeGap, type Snapshot } from "../snapshot/snapshot.ts";
import { dayWithMonthName } from "./dates.ts";
import { rub, signedPct, signedUsd, usd } from "./figures.ts";
import { escapeHtml } from "./html.ts";

export interface PinnedStatusOptions {
  readonly privacy: boolean;
  /** The change line's figures (snapshot/report.ts dayChange: the report's 1D); null without any history. */
  readonly change: Change | null;
}

export function renderPinnedStatus(snapshot: Snapshot, options: PinnedStatusOptions): string {
  return [headline(snapshot, options.privacy), changeLine(options.change, options.privacy), updated(snapshot)]
    .filter((line): line is string => line !== null)
    .join("\n");
}

function headline(snapshot: Snapshot, privacy: boolean): string {
  if (snapshot.totalUsd === null) return "💼 <b>Portfolio</b>: no platform answered";
  const gaps = snapshot.leftOut.map(describeGap);
  const partial = gaps.length > 0 ? ` · ⚠️ partial, without ${escapeHtml(gaps.join("; ").slice(0, 200))}` : "";
  if (privacy) return `💼 <b>Portfolio</b>${partial}`;
  const inRub = snapshot.totalRub === null ? "" : ` · ${rub(snapshot.totalRub)}`;
  return `💼 <b>${usd(snapshot.totalUsd)}</b>${inRub}${partial}`;
}

function changeLine(change: Change | null, privacy: boolean): string | null {
  if (change === null) return null;
  if (change.kind === "none") return "No comparable day yet";
  if (change.kind === "partial") return "Change not compared: the total is partial";
  const since = `since ${dayWithMonthName(change.since)}`;
  if (privacy) return change.pct === null ? `Change ${since}: —` : `${signedPct(change.pct)} ${since}`;
  return `${signedUsd(change.usd)}${change.pct === null ? "" : ` (${signedPct(change.pct)})`} ${since}`;
}

function updated(snapshot: Snapshot): string {
  return `🕒 Updated ${formatZoned(snapshot.takenAt, snapshot.timeZone, "d MMM, HH:mm")} (${escapeHtml(snapshot.timeZone)})`;
}
