/**
 * @module The report as a phone shows it (pure: no clock, no I/O): one Telegram HTML message whose first line is
 * the headline a lock screen shows, then the change over 1D and, on one line, over 7D, 30D and YTD, the platforms by kind (crypto, brokers) with each broker's
 * accounts and each exchange's coins, the rate, the time, and one short line per note. The notes in full are the
 * "Details" view. Lines keep to about 36 characters, what fits on a 380 dp phone, wherever the data allow.
 *
 *   $391,014 · ₽31.5M
 *   ▲ $1,534 (0.39%) since 25 Nov
 *   7D ▲0.8% · 30D ▼1.2% · YTD ▲14%
 *
 *   Crypto $161,577
 *   Bybit $123,457
 *   …
 *
 * Every dynamic string is escaped, and the message always fits Telegram's 4096 characters. With `privacy`, the
 * headline names no amount, and every amount is inside a spoiler.
 */
import { abs, cmp, type Decimal, dec, formatGrouped, isNegative, type Money, sub, sum } from "../lib/money.ts";
import { clip } from "../lib/redact.ts";
import { formatZoned } from "../lib/zoned-format.ts";
import { zonedDay } from "../lib/zoned-time.ts";
import { descriptorOf, PLATFORMS, type PlatformDescriptor, platformName } from "../platforms/registry.ts";
import { type Changes, PERIODS, type Period, type PeriodChange, type PeriodTotal } from "../snapshot/changes.ts";
import type { PlatformRow, Snapshot } from "../snapshot/snapshot.ts";
import { compactMoney, roundsToZero, unsignedPercent, wholeMoney } from "./amounts.ts";
import { escapeHtml, htmlToText } from "./html.ts";
import { type Note, snapshotNotes } from "./notes.ts";

export interface StatusOptions {
  /** Each exchange's largest coins under it (INCLUDE_CRYPTO_BREAKDOWN, or the setting). */
  readonly includeBreakdown: boolean;
  /** No amount in the headline, every amount in a spoiler (PRIVACY, or the setting). */
  readonly privacy: boolean;
  /**
   * The change over 1D, 7D, 30D and YTD (snapshot/changes.ts snapshotChanges): 1D on line 2, the others on one
   * compact line. Null: no day in the history at all, so no change line.
   */
  readonly changes: Changes | null;
  /** TIMEZONE's default: the time zone is named only when the snapshot's differs from it. */
  readonly defaultTimeZone: string;
}

export interface StatusView {
  /** The message, at most 4096 characters; line 1 is the headline. */
  readonly html: string;
  /** The "ℹ️ Details" view: every note in full; null when there is none. */
  readonly details: string | null;
}

export const TELEGRAM_TEXT_LIMIT = 4096;

/** The phone's width in characters of message text (380 dp, Roboto 16): the lines this renderer writes keep to it. */
export const PHONE_LINE_CHARS = 36;

export function renderStatus(snapshot: Snapshot, options: StatusOptions): StatusView {
  const notes = snapshotNotes(snapshot);
  const full = compose(snapshot, options, options.includeBreakdown, notes);
  // The breakdown is what grows with the inputs: without it the message always fits.
  const html = full.length <= TELEGRAM_TEXT_LIMIT ? full : compose(snapshot, options, false, notes);
  return { html: fitLimit(html), details: notes.length > 0 ? detailsHtml(notes, options.privacy) : null };
}

/** "Crypto", "Brokers": a section per registry kind, in the order the kinds first appear in the report. */
const SECTION_TITLES: Readonly<Record<PlatformDescriptor["kind"], string>> = { crypto: "Crypto", broker: "Brokers" };

/** What a failed platform's line says, by the kind of its error; its note says what to do. */
const FAILURE_WORDS: Readonly<Record<NonNullable<PlatformRow["errorKind"]>, string>> = {
  auth: "key rejected",
  permission: "no access",
  "rate-limit": "rate-limited",
  "clock-skew": "clock out of sync",
  timeout: "no answer",
  unavailable: "unavailable",
  "bad-response": "unreadable answer",
  config: "setup problem",
  fx: "no USD value",
  internal: "failed",
};

/** The one word for whatever a list does not itemise (coins past the largest, accounts past the first), always last. */
const OTHER = "other";
const TOP_COINS = 5;
const MAX_ACCOUNTS = 8;
const MAX_NOTES = 6;
const INDENT = "   ";
/** An account name is never clipped below this many characters, whatever its amount takes. */
const MIN_NAME = 8;
const ONE_DOLLAR = dec("1");

interface Context {
  readonly snapshot: Snapshot;
  readonly options: StatusOptions;
  /** The snapshot's day in its time zone: older "as of" dates are shown. */
  readonly today: string;
  /** An amount as shown: escaped, and in a spoiler with privacy on. */
  readonly amount: (text: string) => string;
}

function compose(snapshot: Snapshot, options: StatusOptions, breakdown: boolean, notes: readonly Note[]): string {
  const context: Context = {
    snapshot,
    options,
    today: zonedDay(snapshot.takenAt, snapshot.timeZone),
    amount: (text) => (options.privacy ? `<tg-spoiler>${escapeHtml(text)}</tg-spoiler>` : escapeHtml(text)),
  };
  const blocks = [[...headline(context), ...changeLines(context)], ...sections(context, breakdown), [rateLine(context), timeLine(context)]];
  const shown = notes.flatMap((note) => (note.short === null ? [] : [`${note.icon} ${noteText(note.short, options.privacy)}`]));
  const kept = shown.slice(0, shown.length > MAX_NOTES ? MAX_NOTES - 1 : MAX_NOTES);
  if (kept.length < shown.length) kept.push(`ℹ️ ${shown.length - kept.length} more in Details`);
  if (kept.length > 0) blocks.push(kept);
  return blocks.map((lines) => lines.join("\n")).join("\n\n");
}

/** Line 1 (the lock screen's): the totals, or with privacy "Portfolio" and the totals in a spoiler on line 2. */
function headline({ snapshot, options, amount }: Context): string[] {
  const mark = snapshot.leftOut.length > 0 ? " ⚠️ partial" : "";
  if (snapshot.totalUsd === null) return [`<b>${options.privacy ? "Portfolio" : "No total"}</b> ❌ no platform answered`];
  const usd = wholeMoney({ currency: "USD", amount: snapshot.totalUsd });
  const totals = snapshot.totalRub !== null ? `${usd} · ${compactMoney({ currency: "RUB", amount: snapshot.totalRub })}` : usd;
  const noRate = snapshot.totalRub === null ? " · no ₽ rate" : "";
  if (options.privacy) return [`<b>Portfolio</b>${mark}`, `<b>${amount(totals)}</b>${noRate}`];
  return [`<b>${amount(totals)}</b>${noRate}${mark}`];
}

/**
 * Line 2 and the compact line: the change over 1D in USD and % since the day compared with, then 7D, 30D and YTD on
 * one line, then what a period says besides: which were compared with a day imported from the original bot (by
 * total), and the platforms added or removed since (then its totals are not compared: a new platform's balance is no
 * gain), one line for the periods with the same platforms changed. A
 * period with no day to compare with is left out; when none has one, or today's total is partial, one line says so.
 *
 *   ▲ $1,534 (0.39%) since 25 Nov
 *   7D ▲0.8% · 30D ▼1.2%
 *   30D vs imported day
 *   YTD: OKX added since
 */
function changeLines(context: Context): string[] {
  const { snapshot, options } = context;
  const changes = options.changes;
  if (changes === null || snapshot.totalUsd === null) return [];
  if (changes.notCompared === "partial") return ["Change not shown: total is partial"];
  const periods = PERIODS.flatMap((period) => changes.periods[period] ?? []);
  if (periods.length === 0) return ["No complete day to compare with"];
  const day = changes.periods["1d"];
  const lines = day?.total ? [dayLine(context, day, day.total)] : [];
  const others = periods.filter((period) => period.period !== "1d" && period.total !== null);
  if (others.length > 0) lines.push(compactLine(context, others));
  const imported = others.filter((period) => period.vsImported).map((period) => PERIOD_LABELS[period.period]);
  if (imported.length > 0) lines.push(`${imported.join(", ")} ${VS_IMPORTED}`);
  // Periods with the same platforms added and removed since share one line.
  const changed = new Map<string, { labels: string[]; change: PeriodChange }>();
  for (const change of periods.filter((period) => period.total === null)) {
    const key = `${change.added.join(",")}/${change.removed.join(",")}`;
    const group = changed.get(key) ?? { labels: [], change };
    group.labels.push(PERIOD_LABELS[change.period]);
    changed.set(key, group);
  }
  for (const { labels, change } of changed.values()) lines.push(platformsLine(labels, change));
  return lines;
}

const PERIOD_LABELS: Readonly<Record<Period, string>> = { "1d": "1D", "7d": "7D", "30d": "30D", ytd: "YTD" };
const VS_IMPORTED = "vs imported day";

/** "▲ $1,534 (0.39%) since 25 Nov": "vs imported 25 Nov" when that day came from the original bot's file. */
function dayLine({ snapshot, amount }: Context, day: PeriodChange, total: PeriodTotal): string {
  const arrow = roundsToZero(total.usd, 0) ? "±" : isNegative(total.usd) ? "▼" : "▲";
  const pct = total.pct !== null ? ` (${unsignedPercent(total.pct)})` : "";
  const figures = `${arrow} ${amount(wholeMoney({ currency: "USD", amount: abs(total.usd) }))}${pct}`;
  if (!day.vsImported) return `${figures} since ${shortDay(day.since, snapshot)}`;
  const dated = `${figures} vs imported ${shortDay(day.since, snapshot)}`;
  return visibleLength(dated) <= PHONE_LINE_CHARS ? dated : `${figures} ${VS_IMPORTED}`;
}

/**
 * "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%": each period's % (its USD change after it, "▲0.8% $3.09k", when every one fits
 * on the line, and never with privacy on); the USD change alone when there is no % (the earlier total was zero).
 */
function compactLine({ options, amount }: Context, periods: readonly PeriodChange[]): string {
  const item = (change: PeriodChange, withAmount: boolean): string => {
    const total = change.total as PeriodTotal;
    const usd = amount(compactMoney({ currency: "USD", amount: abs(total.usd) }));
    if (total.pct === null) return `${PERIOD_LABELS[change.period]} ${arrowOf(total.usd, roundsToZero(total.usd, 0))}${usd}`;
    const pct = shortPercent(total.pct);
    const figures = `${arrowOf(total.pct, !/[1-9]/.test(pct))}${pct}`;
    return `${PERIOD_LABELS[change.period]} ${figures}${withAmount ? ` ${usd}` : ""}`;
  };
  const full = periods.map((change) => item(change, true)).join(" · ");
  if (!options.privacy && visibleLength(full) <= PHONE_LINE_CHARS) return full;
  return periods.map((change) => item(change, false)).join(" · ");
}

/** ▲ up, ▼ down, ± when what is shown rounds to zero. */
function arrowOf(value: Decimal, shownAsZero: boolean): string {
  return shownAsZero ? "±" : isNegative(value) ? "▼" : "▲";
}

/** |pct| as the compact line shows it: one decimal below 10% ("0.8%"), whole from there ("14%"). */
function shortPercent(pct: Decimal): string {
  return unsignedPercent(pct, cmp(abs(pct), TEN) < 0 ? 1 : 0);
}

const TEN = dec("10");

/**
 * "7D, 30D: OKX added since", "1D: OKX added, Bybit removed since": the periods not compared because their platforms
 * differ from today's. Where the line is too long without "since", and then with more names than it fits, their
 * counts ("2 platforms added since").
 */
function platformsLine(labels: readonly string[], change: PeriodChange): string {
  const names = (ids: readonly string[]) => ids.map((id) => PLATFORMS.find((platform) => platform.id === id)?.name ?? id).join(", ");
  const what = (ids: readonly string[], verb: string, text: string) => (ids.length > 0 ? [`${text} ${verb}`] : []);
  const named = [...what(change.added, "added", names(change.added)), ...what(change.removed, "removed", names(change.removed))];
  const line = `${labels.join(", ")}: ${escapeHtml(named.join(", "))}`;
  if (visibleLength(`${line} since`) <= PHONE_LINE_CHARS) return `${line} since`;
  if (visibleLength(line) <= PHONE_LINE_CHARS) return line;
  const count = (ids: readonly string[]) => `${ids.length} ${ids.length === 1 ? "platform" : "platforms"}`;
  const counted =
    change.added.length > 0 && change.removed.length > 0
      ? `${change.added.length} added, ${change.removed.length} removed`
      : change.added.length > 0
        ? `${count(change.added)} added`
        : `${count(change.removed)} removed`;
  return `${labels.join(", ")}: ${counted} since`;
}

function sections(context: Context, breakdown: boolean): string[][] {
  const kinds = [...new Set(context.snapshot.rows.map((row) => descriptorOf(row.id).kind))];
  return kinds.map((kind) => {
    const rows = context.snapshot.rows.filter((row) => descriptorOf(row.id).kind === kind);
    const valued = rows.flatMap((row) => (row.usd === null ? [] : [row.usd]));
    const subtotal = valued.length > 0 ? ` ${context.amount(usdText(sum(valued)))}` : "";
    return [`<b>${SECTION_TITLES[kind]}</b>${subtotal}`, ...rows.flatMap((row) => rowLines(context, row, kind, breakdown))];
  });
}

function rowLines(context: Context, row: PlatformRow, kind: PlatformDescriptor["kind"], breakdown: boolean): string[] {
  const name = escapeHtml(platformName(row.id));
  if (!row.ok) return [`${name} ❌ ${FAILURE_WORDS[row.errorKind ?? "internal"]}`];
  const parts = [name, row.usd !== null ? context.amount(usdText(row.usd)) : `⚠️ ${FAILURE_WORDS.fx}`];
  if (row.coverage === "partial") parts.push("⚠️");
  if (row.asOf !== null && row.asOf < context.today) parts.push(`· ${shortDay(row.asOf, context.snapshot)}`);
  const line = parts.join(" ");
  if (kind === "broker") return [line, ...accountLines(context, row)];
  return breakdown ? [line, ...coinLines(context, row)] : [line];
}

/**
 * A broker's accounts, each by its display name in its own currency (an account the platform converted itself in the
 * currency it reported). None when the platform's line already says it all: one account, in USD.
 */
function accountLines(context: Context, row: PlatformRow): string[] {
  const holdings = row.holdings.map((holding) => ({ holding, money: holding.rate?.original ?? holding.money }));
  if (holdings.length === 0 || (holdings.length === 1 && holdings[0]?.money.currency.toUpperCase() === "USD")) return [];
  const shown = holdings.length > MAX_ACCOUNTS ? holdings.slice(0, MAX_ACCOUNTS - 1) : holdings;
  const lines = shown.map(({ holding, money }) => {
    const own = holding.asOf !== null && holding.asOf !== row.asOf && holding.asOf < context.today;
    const tail = ` ${context.amount(wholeMoney(money))}${own ? ` · ${shortDay(holding.asOf ?? "", context.snapshot)}` : ""}`;
    // The name gives way to the amount: clipped so the line fits the phone, down to a few letters.
    const room = Math.max(MIN_NAME, PHONE_LINE_CHARS - INDENT.length - visibleLength(tail));
    return `${INDENT}${escapeHtml(clip(holding.display ?? holding.label, room))}${tail}`;
  });
  const rest = holdings.slice(shown.length).map(({ money }) => money);
  if (rest.length > 0) {
    const currencies = new Set(rest.map((money) => money.currency.toUpperCase()));
    const first = rest[0] as Money;
    const total =
      currencies.size === 1 ? ` ${context.amount(wholeMoney({ currency: first.currency, amount: sum(rest.map((m) => m.amount)) }))}` : "";
    lines.push(`${INDENT}${OTHER} (${rest.length})${total}`);
  }
  return lines;
}

/**
 * An exchange's largest coins, then "other": what its total holds beyond them (smaller coins, Earn, dust), so the
 * line adds up to the platform's figure. Packed into lines of at most PHONE_LINE_CHARS characters, never splitting a coin.
 */
function coinLines(context: Context, row: PlatformRow): string[] {
  if (row.usd === null || row.assets.length === 0) return [];
  const top = [...row.assets].sort((a, b) => cmp(b.usd, a.usd)).slice(0, TOP_COINS);
  const items = top.map((asset) => ({ name: clip(asset.asset, 12), usd: asset.usd }));
  const rest = sub(row.usd, sum(top.map((asset) => asset.usd)));
  if (cmp(rest, ONE_DOLLAR) >= 0) items.push({ name: OTHER, usd: rest });
  return pack(items.map((item) => `${escapeHtml(item.name)} ${context.amount(compactMoney({ currency: "USD", amount: item.usd }))}`));
}

/** Items joined with " · " into lines of at most PHONE_LINE_CHARS visible characters, each line indented. */
function pack(items: readonly string[]): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const candidate = line === "" ? `${INDENT}${item}` : `${line} · ${item}`;
    if (line !== "" && visibleLength(candidate) > PHONE_LINE_CHARS) {
      lines.push(line);
      line = `${INDENT}${item}`;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}

function rateLine({ snapshot }: Context): string {
  const rate = snapshot.usdRub;
  if (rate === null) return "USD/RUB: no rate today";
  // Two decimals: the Bank of Russia's four are noise on a phone.
  return `USD/RUB ${formatGrouped(rate.rate, 2)} · ${escapeHtml(rate.source)} ${shortDay(rate.date, snapshot)}${rate.stale ? " (saved)" : ""}`;
}

/** When the snapshot was taken; the time zone only when it is not the default one. */
function timeLine({ snapshot, options }: Context): string {
  const when = formatZoned(snapshot.takenAt, snapshot.timeZone, "d MMM, HH:mm");
  const zone = snapshot.timeZone !== options.defaultTimeZone ? ` (${escapeHtml(snapshot.timeZone)})` : "";
  return `Updated ${when}${zone}`;
}

/** The full notes: what "ℹ️ Details" shows. */
function detailsHtml(notes: readonly Note[], privacy: boolean): string {
  let html = "<b>Details</b>";
  for (const [index, note] of notes.entries()) {
    const next = `${html}\n\n${note.icon} ${noteText(clip(note.full, MAX_DETAIL), privacy)}`;
    if (next.length + MORE_RESERVE > TELEGRAM_TEXT_LIMIT) return `${html}\n\n… ${notes.length - index} more in the log`;
    html = next;
  }
  return html;
}

const MAX_DETAIL = 700;

/**
 * A note escaped; with privacy, the amounts the platforms quote in it ("1,234.56", "$80", "4991.54 USD") in spoilers.
 * Codes, counts and dates (50111, 90 s, 2026-11-25) are no amounts and stay readable.
 */
function noteText(text: string, privacy: boolean): string {
  const escaped = escapeHtml(text);
  return privacy ? escaped.replace(QUOTED_AMOUNT, (amount) => `<tg-spoiler>${amount}</tg-spoiler>`) : escaped;
}

/** A money sign and a number, a grouped number (1,234), or one with decimals (4991.54). */
const QUOTED_AMOUNT = /[$₽€£¥]\s?\d[\d,]*(?:\.\d+)?|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b/g;
const MORE_RESERVE = 40;

function usdText(amount: Decimal): string {
  return wholeMoney({ currency: "USD", amount });
}

/** "25 Nov", with the year only when it is not the snapshot's. */
function shortDay(day: string, snapshot: Snapshot): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return escapeHtml(day);
  const month = MONTHS[Number(match[2]) - 1] ?? match[2];
  const year = match[1] !== zonedDay(snapshot.takenAt, snapshot.timeZone).slice(0, 4) ? ` ${match[1]}` : "";
  return `${Number(match[3])} ${month}${year}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** Characters a reader sees on a line: tags dropped, entities decoded, an emoji's selector not counted. */
export function visibleLength(html: string): number {
  return [...htmlToText(html).replace(/\uFE0F/g, "")].length;
}

/** A message over the limit loses whole lines from its end (only hostile inputs get there: names are clipped). */
function fitLimit(html: string): string {
  if (html.length <= TELEGRAM_TEXT_LIMIT) return html;
  const lines = html.split("\n");
  while (lines.length > 1 && `${lines.join("\n")}\n…`.length > TELEGRAM_TEXT_LIMIT) lines.pop();
  return `${lines.join("\n")}\n…`;
}
