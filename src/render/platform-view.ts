/**
 * @module /history's per-platform view (pure): each platform's value on the latest complete day the bot recorded, and
 * its change over 7D (snapshot/changes.ts: the complete day 7 to 10 days before), in the phone-fit <pre> block of the
 * history view. A platform added since says "new", one removed since "gone": neither is a gain or a loss. With
 * `privacy`, no amount: the change in % only.
 *
 *   By platform, USD · 26 Nov
 *   Platform       USD      7D
 *   Bybit     $123,457   ▲0.9%  $1.06k
 *   Total     $391,014   ▲0.8%  $3.09k
 *   7D: since 19 Nov
 */
import type { DayRecord } from "../history/store.ts";
import { abs, cmp, type Decimal, dec, formatGrouped, isNegative } from "../lib/money.ts";
import { PLATFORMS } from "../platforms/registry.ts";
import type { PeriodChange } from "../snapshot/changes.ts";
import { compactMoney } from "./amounts.ts";
import { alignColumns, dayMonth, formatAmount } from "./history-view.ts";
import { escapeHtml } from "./html.ts";

export interface PlatformViewInput {
  /** The latest complete day the bot recorded with its platforms; null when the history has none. */
  readonly day: DayRecord | null;
  /** That day's 7D period (snapshot/changes.ts changes(day, days).periods["7d"]); null when it has no day to compare with. */
  readonly change: PeriodChange | null;
  /** The history's newest day when it is a later one than `day` (partial, or imported with totals only): said so. */
  readonly newer: DayRecord | null;
  readonly privacy: boolean;
  /** YYYY-MM-DD in TIMEZONE: dates of another year carry it. */
  readonly today: string;
}

export function renderPlatformView(input: PlatformViewInput): { readonly html: string; readonly text: string } {
  const { day, change, privacy, today } = input;
  if (day === null) return { html: escapeHtml(NONE), text: NONE };
  // With privacy the view shows % only: no currency to name.
  const title = `By platform${privacy ? "" : ", USD"} · ${dayMonth(day.day, today)}`;
  const header = privacy ? ["Platform", "7D", ""] : ["Platform", "USD", "7D", "", ""];
  const removed = change?.removed ?? [];
  const ids = [...day.platforms.keys(), ...removed].sort((a, b) => order(a) - order(b));
  const rows = ids.map((id) => {
    const value = day.platforms.get(id);
    const usd = value?.usd ?? null;
    const moved = change?.platforms.get(id) ?? null;
    const what = removed.includes(id) ? REMOVED : change?.added.includes(id) ? NEW : null;
    return cells(nameOf(id), value === undefined ? null : usd, what ?? (moved ? { usd: moved.usd, pct: moved.pct } : null), privacy);
  });
  const total = cells("Total", day.usd, change?.total ? { usd: change.total.usd, pct: change.total.pct } : null, privacy);
  const table = alignColumns([header, ...rows, total]);
  const legend = legendLines(input);
  return {
    html: [`<b>${escapeHtml(title)}</b>`, `<pre>${escapeHtml(table.join("\n"))}</pre>`, ...legend.map(escapeHtml)].join("\n"),
    text: [title, ...table, "", ...legend].join("\n"),
  };
}

const NONE =
  "No platform figures yet: pfbot records each platform's value with every report it records. Days imported from the original bot's file carry totals only.";
const NEW = "new";
const REMOVED = "gone";

/** A row: the name, the value (with privacy none), the 7D change in % and in USD, or a word instead of them. */
function cells(
  name: string,
  usd: Decimal | null,
  moved: { usd: Decimal; pct: Decimal | null } | string | null,
  privacy: boolean,
): string[] {
  const value = usd === null ? "—" : formatAmount(usd, "USD");
  const [pct, amount] = typeof moved === "string" ? [moved, ""] : moved === null ? ["", ""] : changeCells(moved);
  // With privacy a % is all there is; one without a % (from $0) shows nothing.
  if (privacy) return [name, typeof moved === "string" || moved?.pct != null ? pct : "", ""];
  return [name, value, pct, amount, ""];
}

/**
 * "▲0.9%" and "$1.06k"; whole from 100% ("▲250%"), and ">999%" past that, so the row keeps to the phone's width.
 * Without a % (the earlier value was $0 or less), the arrow goes with the amount.
 */
function changeCells(moved: { usd: Decimal; pct: Decimal | null }): [string, string] {
  const amount = compactMoney({ currency: "USD", amount: abs(moved.usd) });
  if (moved.pct === null) return ["", `${arrow(moved.usd, compactMoney({ currency: "USD", amount: moved.usd }))}${amount}`];
  const size = abs(moved.pct);
  const text = cmp(size, THOUSAND) >= 0 ? ">999" : formatGrouped(size, cmp(size, HUNDRED) >= 0 ? 0 : 1);
  return [`${arrow(moved.pct, text)}${text}%`, amount];
}

const HUNDRED = dec("100");
const THOUSAND = dec("1000");

/** ▲ up, ▼ down, ± when what is shown has no digit but zeros. */
function arrow(value: Decimal, shown: string): string {
  return !/[1-9]/.test(shown) ? "±" : isNegative(value) ? "▼" : "▲";
}

/** The day compared with, what the words in the table mean, and why a later day is not the one shown. */
function legendLines({ day, change, newer, today }: PlatformViewInput): string[] {
  const lines: string[] = [];
  if (change === null) lines.push("7D: no complete day 7 to 10 days before");
  else if (change.vsImported) lines.push(`7D: vs imported day ${dayMonth(change.since, today)} (totals only)`);
  else lines.push(`7D: since ${dayMonth(change.since, today)}`);
  if (change !== null && change.added.length > 0) lines.push(`${NEW}: added since, not compared`);
  if (change !== null && change.removed.length > 0) lines.push(`${REMOVED}: removed since, not in the report`);
  if (change !== null && change.total === null) lines.push("Total: not compared, the platforms differ");
  if (newer !== null && day !== null) {
    lines.push(`${dayMonth(newer.day, today)} is ${newer.complete ? "imported, totals only" : "partial"}: not shown`);
  }
  return lines;
}

/** Registry order (the report's); an id pfbot no longer knows, last. */
function order(id: string): number {
  const index = PLATFORMS.findIndex((descriptor) => descriptor.id === id);
  return index < 0 ? PLATFORMS.length : index;
}

function nameOf(id: string): string {
  return PLATFORMS.find((descriptor) => descriptor.id === id)?.name ?? id;
}
