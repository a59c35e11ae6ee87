// The one door from the bot to the report renderers (issue #16): renderStatus for /status, the scheduled
// reports and the Details view, renderHistory for /history. Their interface is src/render/status.ts's
// and src/render/history-view.ts's, written by the phone-first layout's branch; until that lands, this
// file maps it onto today's formatSnapshotHtml and renderHistory, with a stand-in for privacy (every
// amount hidden). At the merge this file becomes two re-exports and nothing else in the bot changes.
import type { DayRecord } from "../history/store.ts";
import { platformName } from "../platforms/registry.ts";
import { renderHistory as historyToday } from "../render/history-view.ts";
import { escapeHtml } from "../render/html.ts";
import { type Change, formatSnapshotHtml } from "../render/message.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";

export interface StatusOptions {
  /** INCLUDE_CRYPTO_BREAKDOWN / the settings toggle. */
  readonly includeBreakdown: boolean;
  /** PRIVACY / the settings toggle. */
  readonly privacy: boolean;
  readonly change: Change | null;
  /** Shown only when snapshot.timeZone differs from it. */
  readonly defaultTimeZone: string;
}

export interface StatusView {
  /** The message, ≤ 4096 characters, line 1 = the headline. */
  readonly html: string;
  /** The "ℹ️ Details" view: every note in full; null when none. */
  readonly details: string | null;
}

export interface HistoryViewOptions {
  readonly currency: "USD" | "RUB";
  readonly privacy: boolean;
  /** The sample days shipped with pfbot (HistoryStore.samples()), shown when there is no day of the owner's. */
  readonly samples: readonly DayRecord[];
  /** YYYY-MM-DD in TIMEZONE. */
  readonly today: string;
}

export function renderStatus(snapshot: Snapshot, options: StatusOptions): StatusView {
  const html = formatSnapshotHtml(snapshot, { includeBreakdown: options.includeBreakdown, change: options.change });
  const notes = [...snapshot.warnings, ...snapshot.rows.flatMap((row) => row.warnings.map((w) => `${platformName(row.id)}: ${w}`))];
  return {
    html: options.privacy ? hideAmounts(html, (amount) => `<tg-spoiler>${amount}</tg-spoiler>`) : html,
    details: notes.length === 0 ? null : `<b>ℹ️ Notes</b>\n\n${notes.map((note) => `• ${escapeHtml(note)}`).join("\n")}`,
  };
}

export function renderHistory(newestFirst: readonly DayRecord[], options: HistoryViewOptions): { html: string; text: string } {
  const view =
    newestFirst.length === 0 && options.samples.length > 0 ? historyToday(options.samples, { samples: true }) : historyToday(newestFirst);
  // A <pre> block holds no other entity (no spoiler): the amounts go, the percentages stay.
  return options.privacy ? { html: hideAmounts(view.html, () => "•••"), text: hideAmounts(view.text, () => "•••") } : view;
}

/** Today's amounts: "$1,234.56", "−$12", "₽ 1,234", "₽98,765", "€9.50", and a signed change "+1,234.56" (never a "%"). */
const AMOUNT = /[−+±-]?(?:[$€£¥]|₽ ?|CN¥)[\d,]+(?:\.\d+)?|[+±-][\d,]+\.\d\d(?![\d%])/g;

function hideAmounts(text: string, hide: (amount: string) => string): string {
  return text.replace(AMOUNT, hide);
}
