// What /chart and /allocation ask for, read from the command's words and from the inline buttons under
// a chart, and the buttons themselves: range (30/90/365/All) and currency under the value chart, view
// (by platform / by kind) and currency under the donut. Each button carries the whole chart it asks
// for, so a press needs no state on our side; the button of what is shown says "shown" instead.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { AllocationView } from "../render/chart/allocation-chart.ts";
import type { ChartCurrency } from "../render/chart/labels.ts";

type ChartRange = 30 | 90 | 365 | "all";

export type ChartRequest =
  | { readonly kind: "history"; readonly days: ChartRange; readonly currency: ChartCurrency }
  | { readonly kind: "allocation"; readonly view: AllocationView; readonly currency: ChartCurrency };

export const CHART_USAGE = "Usage: /chart [30|90|365|all] [usd|rub], e.g. /chart 90 rub (default: 30 days in USD).";
export const ALLOCATION_USAGE = "Usage: /allocation [platform|kind] [usd|rub] (default: by platform in USD).";

/** Callback data of the button for what the message shows already. */
const SHOWN = "shown";
const RANGES: readonly ChartRange[] = [30, 90, 365, "all"];
const CURRENCIES: readonly ChartCurrency[] = ["USD", "RUB"];
const VIEWS: readonly AllocationView[] = ["platform", "kind"];

/** "/chart 90 rub" → its request; null when a word is not one of the choices (or repeats a choice). */
export function parseChartCommand(words: string): ChartRequest | null {
  let days: ChartRange | null = null;
  let currency: ChartCurrency | null = null;
  for (const word of splitWords(words)) {
    const range = RANGES.find((r) => String(r) === word);
    const money = CURRENCIES.find((c) => c.toLowerCase() === word);
    if (range !== undefined && days === null) days = range;
    else if (money !== undefined && currency === null) currency = money;
    else return null;
  }
  return { kind: "history", days: days ?? 30, currency: currency ?? "USD" };
}

/** "/allocation kind" → its request; null when a word is not one of the choices (or repeats a choice). */
export function parseAllocationCommand(words: string): ChartRequest | null {
  let view: AllocationView | null = null;
  let currency: ChartCurrency | null = null;
  for (const word of splitWords(words)) {
    const v = VIEWS.find((candidate) => candidate === word);
    const money = CURRENCIES.find((c) => c.toLowerCase() === word);
    if (v !== undefined && view === null) view = v;
    else if (money !== undefined && currency === null) currency = money;
    else return null;
  }
  return { kind: "allocation", view: view ?? "platform", currency: currency ?? "USD" };
}

/** A button's data: the chart it asks for; "shown" for what is shown; null for anything else (an older pfbot's button). */
export function readChartCallback(data: string): ChartRequest | "shown" | null {
  if (data === SHOWN) return "shown";
  const [kind, choice, money, ...rest] = data.split(":");
  const currency = CURRENCIES.find((c) => c.toLowerCase() === money);
  if (rest.length > 0 || currency === undefined) return null;
  if (kind === "chart") {
    const days = RANGES.find((r) => String(r) === choice);
    return days === undefined ? null : { kind: "history", days, currency };
  }
  if (kind === "alloc") {
    const view = VIEWS.find((v) => v === choice);
    return view === undefined ? null : { kind: "allocation", view, currency };
  }
  return null;
}

/** The buttons under a chart showing `shown`: every other choice one press away, `shown`'s own marked. */
export function chartKeyboard(shown: ChartRequest): InlineKeyboardMarkup {
  const button = (label: string, target: ChartRequest, isShown: boolean): InlineKeyboardButton.CallbackButton => ({
    text: isShown ? `· ${label} ·` : label,
    callback_data: isShown ? SHOWN : chartCallbackData(target),
  });
  const currencyRow = CURRENCIES.map((currency) => button(currency, { ...shown, currency }, currency === shown.currency));
  if (shown.kind === "history") {
    const ranges = RANGES.map((days) => button(days === "all" ? "All" : String(days), { ...shown, days }, days === shown.days));
    return { inline_keyboard: [ranges, currencyRow] };
  }
  const views = VIEWS.map((view) => button(view === "platform" ? "By platform" : "By kind", { ...shown, view }, view === shown.view));
  return { inline_keyboard: [views, currencyRow] };
}

/** The data of a button that asks for `request` ("chart:30:usd", "alloc:platform:usd"). */
export function chartCallbackData(request: ChartRequest): string {
  const currency = request.currency.toLowerCase();
  return request.kind === "history" ? `chart:${request.days}:${currency}` : `alloc:${request.view}:${currency}`;
}

function splitWords(words: string): string[] {
  return words
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== "");
}
