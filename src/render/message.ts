// Snapshot → one Telegram HTML message (parse_mode HTML). Pure: no clock, no I/O. Every dynamic
// string is escaped, and the message always fits Telegram's 4096-character limit.
import { abs, cmp, type Decimal, dec, formatGrouped, isNegative, type Money, sub, sum } from "../lib/money.ts";
import { CLIP_MARK } from "../lib/redact.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { zonedDay } from "../lib/zoned-time.ts";
import { descriptorOf, platformName } from "../platforms/registry.ts";
import type { AssetValue } from "../platforms/types.ts";
import type { Change } from "../snapshot/report.ts";
import { describeGap, type PlatformRow, type Snapshot } from "../snapshot/snapshot.ts";
import { dayWithMonthName } from "./dates.ts";
import { escapeHtml } from "./html.ts";

export const TELEGRAM_TEXT_LIMIT = 4096;

export interface FormatOptions {
  readonly includeBreakdown: boolean;
  readonly change?: Change | null;
  /** How many assets per exchange before the rest is folded into "other". */
  readonly topAssets?: number;
}

export function formatSnapshotHtml(snapshot: Snapshot, options: FormatOptions): string {
  const core = [
    header(snapshot),
    "",
    ...snapshot.rows.map((row) => platformLine(row, snapshot)),
    "",
    ...totals(snapshot, options.change ?? null),
  ];
  const notes = noteLines(snapshot);
  const breakdown = options.includeBreakdown ? breakdownLines(snapshot, options.topAssets ?? 5) : [];
  let message = core.join("\n");
  // Notes come next while they fit; each line is clipped, so the core alone is far below the limit.
  const keptNotes: string[] = [];
  for (const note of notes.slice(0, MAX_NOTES)) {
    if (`${message}\n\n${[...keptNotes, note].join("\n")}`.length + MORE_NOTES_RESERVE > TELEGRAM_TEXT_LIMIT) break;
    keptNotes.push(note);
  }
  if (keptNotes.length < notes.length) keptNotes.push(`ℹ️ … and ${notes.length - keptNotes.length} more notes (see the log)`);
  if (keptNotes.length > 0) message = `${message}\n\n${keptNotes.join("\n")}`;
  // The breakdown is the only part that grows with the inputs: add it line by line while it fits.
  if (breakdown.length > 0) {
    const kept: string[] = [];
    for (const line of breakdown) {
      const candidate = `${message}\n\n<b>Crypto breakdown</b>\n${[...kept, line].join("\n")}`;
      if (candidate.length > TELEGRAM_TEXT_LIMIT) break;
      kept.push(line);
    }
    if (kept.length > 0) message = `${message}\n\n<b>Crypto breakdown</b>\n${kept.join("\n")}`;
  }
  return message;
}

// Kept here for the callers of formatSnapshotHtml (the bot's, until it moves to renderStatus).
export { htmlToText } from "./html.ts";

const SYMBOLS: Readonly<Record<string, string>> = { USD: "$", EUR: "€", GBP: "£", RUB: "₽ ", JPY: "¥", CNY: "CN¥" };

/** "$12,345.67", "₽ 1,234,567", "€ 9.50" → "€9.50", "CHF 1,000.00". RUB without kopecks, the rest with cents. */
export function formatMoney(money: Money): string {
  const currency = money.currency.toUpperCase();
  const places = currency === "RUB" ? 0 : 2;
  const sign = isNegative(money.amount) && formatGrouped(money.amount, places).startsWith("-") ? "-" : "";
  const digits = formatGrouped(abs(money.amount), places);
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${digits}` : `${sign}${currency} ${digits}`;
}

const usd = (amount: Decimal): string => formatMoney({ currency: "USD", amount });
const rub = (amount: Decimal): string => formatMoney({ currency: "RUB", amount });

const MAX_LINE = 300;
const MAX_NOTES = 12;
const MORE_NOTES_RESERVE = 60;

function header(snapshot: Snapshot): string {
  const when = formatZoned(snapshot.takenAt, snapshot.timeZone, "d MMM yyyy, HH:mm");
  return `<b>Portfolio</b> · ${escapeHtml(when)} (${escapeHtml(snapshot.timeZone)})`;
}

function platformLine(row: PlatformRow, snapshot: Snapshot): string {
  const name = platformName(row.id);
  if (!row.ok) return `❌ ${name}: unavailable — ${clip(row.error ?? "unknown error")}`;
  const parts = [row.usd !== null ? `<b>${usd(row.usd)}</b>` : `USD value unknown (${clip(row.error ?? "no rate")})`];
  if (row.native) parts.push(escapeHtml(formatMoney(row.native)));
  const today = zonedDay(snapshot.takenAt, snapshot.timeZone);
  if (row.asOf !== null && row.asOf < today) parts.push(`as of ${dayWithMonthName(row.asOf)}`);
  return `${name}: ${parts.join(" · ")}`;
}

function totals(snapshot: Snapshot, change: Change | null): string[] {
  const lines: string[] = [];
  if (snapshot.rows.some((row) => descriptorOf(row.id).kind === "crypto")) {
    lines.push(`Crypto: ${snapshot.cryptoUsd !== null ? usd(snapshot.cryptoUsd) : "unavailable"}`);
  }
  const partial = partialMark(snapshot);
  lines.push(
    snapshot.totalUsd !== null ? `Total: <b>${usd(snapshot.totalUsd)}</b>${partial}` : "Total: unavailable — no platform answered",
  );
  // The RUB total is the same figure: the list of what it leaves out is said once, on the line above.
  if (snapshot.totalRub !== null) lines.push(`Total: <b>${rub(snapshot.totalRub)}</b>${partial === "" ? "" : " (partial)"}`);
  else if (snapshot.totalUsd !== null) lines.push("Total in RUB: unavailable — no USD/RUB rate");
  if (change && snapshot.totalUsd !== null) lines.push(changeLine(change));
  if (snapshot.usdRub) {
    const rate = snapshot.usdRub;
    lines.push(
      `USD/RUB ${formatGrouped(rate.rate, 4)} · ${escapeHtml(rate.source)}, ${dayWithMonthName(rate.date)}${rate.stale ? " (saved rate: sources did not answer)" : ""}`,
    );
  } else if (snapshot.fxProblem) {
    lines.push(`USD/RUB: unavailable — ${clip(snapshot.fxProblem)}`);
  }
  return lines;
}

/**
 * " (partial: without T-Bank; Earn and other OKX accounts not valued)": the platforms left out whole, then what the
 * partial ones lack, each naming its platform; "" when the totals leave nothing out.
 */
function partialMark(snapshot: Snapshot): string {
  const whole = snapshot.leftOut.filter((gap) => gap.part === null).map((gap) => platformName(gap.platform));
  const parts = snapshot.leftOut.filter((gap) => gap.part !== null).map(describeGap);
  const named = [...(whole.length > 0 ? [`without ${whole.join(", ")}`] : []), ...parts];
  return named.length > 0 ? ` (partial: ${clip(named.join("; "))})` : "";
}

function changeLine(change: Change): string {
  if (change.kind === "none") return "Change: no comparable day";
  if (change.kind === "partial") return "Change: not compared, the total is partial";
  const sign = isNegative(change.usd) ? "−" : "+";
  const pct = change.pct !== null ? ` (${isNegative(change.pct) ? "−" : "+"}${formatGrouped(abs(change.pct), 2)}%)` : "";
  return `Change since ${dayWithMonthName(change.since)}: ${sign}${usd(abs(change.usd))}${pct}`;
}

function noteLines(snapshot: Snapshot): string[] {
  return [
    ...snapshot.warnings.map((w) => `ℹ️ ${clip(w)}`),
    ...snapshot.rows.flatMap((row) => row.warnings.map((w) => `ℹ️ ${platformName(row.id)}: ${clip(w)}`)),
  ];
}

function breakdownLines(snapshot: Snapshot, top: number): string[] {
  return snapshot.rows
    .filter((row) => row.ok && row.assets.length > 0)
    .map((row) => {
      const parts = foldAssets(row.assets, top);
      // What the platform's total holds beyond the listed coins (Earn, bots, dust), so the line adds up.
      const rest = row.usd !== null ? sub(row.usd, sum(row.assets.map((a) => a.usd))) : null;
      if (rest !== null && cmp(rest, ONE_DOLLAR) >= 0) parts.push({ asset: "not itemised", usd: rest });
      return `${platformName(row.id)}: ${parts.map((a) => `${clip(a.asset, 40)} ${usd(a.usd)}`).join(", ")}`;
    });
}

const ONE_DOLLAR = dec("1");

/** The `top` largest assets by USD, the rest summed into "other coins". */
export function foldAssets(assets: readonly AssetValue[], top: number): AssetValue[] {
  const sorted = [...assets].sort((a, b) => cmp(b.usd, a.usd));
  if (sorted.length <= top) return sorted;
  const rest = sorted.slice(top);
  return [...sorted.slice(0, top), { asset: "other coins", usd: sum(rest.map((a) => a.usd)) }];
}

/**
 * Escaped and at most `max` characters once escaped; cut between characters, so an entity is never split, and
 * marked with CLIP_MARK, where the Telegram sink's redactor looks for a secret the cut went through.
 */
function clip(text: string, max = MAX_LINE): string {
  const escaped = escapeHtml(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const char of text) {
    const piece = escapeHtml(char);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return out + CLIP_MARK;
}
