// What /history asks for, read from the command's words and from the buttons under the view, and the buttons
// themselves: the currency, ◀ older and newer ▶ pages of `/history N`, and the per-platform view. Each button
// carries the whole view it asks for, so a press needs no state on our side and works after a restart.
// Callback data (1–64 bytes): hist:<view>:<currency>:<days>:<page>, view d (day by day) or p (by platform, which
// keeps the day view's choices to go back to), page from 0 (the newest): "hist:d:usd:90:1". An older pfbot's
// "hist:usd" and "hist:rub" still read as the 30 days in that currency.
import type { InlineKeyboardButton } from "grammy/types";
import { HISTORY_MAX_DAYS, HISTORY_VIEW_DAYS } from "../render/history-view.ts";

type HistoryCurrency = "USD" | "RUB";

export interface HistoryRequest {
  readonly view: "days" | "platforms";
  readonly currency: HistoryCurrency;
  /** Calendar days up to today, 1 to HISTORY_MAX_DAYS. */
  readonly days: number;
  /** 0 the newest page. */
  readonly page: number;
}

export const HISTORY_USAGE = `Usage: /history [days], from 1 to ${HISTORY_MAX_DAYS} (default ${HISTORY_VIEW_DAYS}), e.g. /history 90: 30 days a page, ◀ ▶ turn them.`;

/** The first page of the last 30 days in USD: /history, and 📅 History under a report. */
export const DEFAULT_HISTORY: HistoryRequest = { view: "days", currency: "USD", days: HISTORY_VIEW_DAYS, page: 0 };

/** "/history 90" → its request; null when the word is not a whole number of days from 1 to 365. */
export function parseHistoryCommand(words: string): HistoryRequest | null {
  const text = words.trim();
  if (text === "") return DEFAULT_HISTORY;
  const days = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  return days >= 1 && days <= HISTORY_MAX_DAYS ? { ...DEFAULT_HISTORY, days } : null;
}

/** A button's data as the view it asks for; null for data that is not a history button's. */
export function readHistoryCallback(data: string): HistoryRequest | null {
  if (data === "hist:usd" || data === "hist:rub") return { ...DEFAULT_HISTORY, currency: data === "hist:usd" ? "USD" : "RUB" };
  const match = /^hist:([dp]):(usd|rub):(\d{1,3}):(\d{1,3})$/.exec(data);
  if (!match) return null;
  const [, view, currency, days, page] = match as unknown as [string, "d" | "p", "usd" | "rub", string, string];
  if (Number(days) < 1 || Number(days) > HISTORY_MAX_DAYS) return null;
  return {
    view: view === "d" ? "days" : "platforms",
    currency: currency === "usd" ? "USD" : "RUB",
    days: Number(days),
    page: Number(page),
  };
}

/** The data of a button that asks for `request` ("hist:d:usd:90:1"). */
function historyCallbackData(request: HistoryRequest): string {
  return `hist:${request.view === "days" ? "d" : "p"}:${request.currency.toLowerCase()}:${request.days}:${request.page}`;
}

/**
 * The buttons under a view, without the way back to the report: under the days, the currencies (the shown one
 * marked), ◀ Older and Newer ▶ where there is such a page, and 🏦 By platform; under the platforms, 📅 By day.
 */
export function historyButtons(shown: HistoryRequest, pages: number): InlineKeyboardButton.CallbackButton[][] {
  if (shown.view === "platforms") return [[button("📅 By day", { ...shown, view: "days" })]];
  const currency = (label: string, value: HistoryCurrency) =>
    value === shown.currency ? { text: `· ${label} ·`, callback_data: "shown" } : button(label, { ...shown, currency: value });
  const paging = [
    ...(shown.page < pages - 1 ? [button("◀ Older", { ...shown, page: shown.page + 1 })] : []),
    ...(shown.page > 0 ? [button("Newer ▶", { ...shown, page: shown.page - 1 })] : []),
  ];
  return [
    [currency("$ USD", "USD"), currency("₽ RUB", "RUB")],
    ...(paging.length > 0 ? [paging] : []),
    [button("🏦 By platform", { ...shown, view: "platforms" })],
  ];
}

function button(text: string, request: HistoryRequest): InlineKeyboardButton.CallbackButton {
  return { text, callback_data: historyCallbackData(request) };
}
