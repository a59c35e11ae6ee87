// pfbot's own CSV: the history as a spreadsheet opens it, and back. One row per day, oldest first:
//   Date; Total USD; Total RUB; USD/RUB; USD/RUB date; <Platform> USD (and <Platform> RUB where the platform
//   reports in another currency, T-Bank in RUB) for each platform the history holds; Status; Not valued;
//   Taken at (UTC)
// Two dialects. "csv", for spreadsheets in Russian and European locales (Excel opens it with a double click):
// UTF-8 with a BOM, ";" between fields, a decimal comma, CRLF. "csv-plain", for scripts: RFC 4180 with "," and
// a decimal point, no BOM, CRLF. An unknown value is an empty cell. Amounts are written exactly as stored (no
// rounding), so an export imported back leaves the history as it was. The import reads either dialect (the
// header's separator tells which), and a file a spreadsheet saved again: dates as 26.11.2026 too, amounts
// grouped with spaces ("1 234,56"), quotes, LF or CR line ends.
import { type Decimal, toPlainString } from "../lib/money.ts";
import { PLATFORMS } from "../platforms/registry.ts";
import { csvLine } from "./csv-records.ts";
import type { DayRecord } from "./store.ts";

export type CsvDialect = "csv" | "csv-plain";

/** The whole history as CSV in `dialect`, oldest day first, every line ending in CRLF. */
export function formatHistoryCsv(days: readonly DayRecord[], dialect: CsvDialect): string {
  const { separator, decimal, bom } = DIALECTS[dialect];
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const platforms = platformColumns(sorted);
  const amount = (value: Decimal | null | undefined) => (value == null ? "" : toPlainString(value).replace(".", decimal));
  const header = [
    HEADERS.date,
    HEADERS.totalUsd,
    HEADERS.totalRub,
    HEADERS.usdRub,
    HEADERS.usdRubDate,
    ...platforms.map(({ id, currency }) => `${platformLabel(id)} ${currency}`),
    HEADERS.status,
    HEADERS.notValued,
    HEADERS.takenAt,
  ];
  const rows = sorted.map((day) => [
    day.day,
    amount(day.usd),
    amount(day.rub),
    amount(day.usdRub),
    day.usdRubDate ?? "",
    ...platforms.map(({ id, currency }) => {
      const value = day.platforms.get(id);
      if (currency === "USD") return amount(value?.usd);
      return value?.native?.currency === currency ? amount(value.native.amount) : "";
    }),
    day.complete ? "complete" : "partial",
    [...day.platforms].flatMap(([id, value]) => (value.usd === null ? [platformLabel(id)] : [])).join(", "),
    day.takenAt ?? "",
  ]);
  return bom + [header, ...rows].map((fields) => `${csvLine(fields, separator)}\r\n`).join("");
}
/** Whether a file to import is CSV: not named .json, and not starting like JSON (an object, or a list by mistake). */
export function looksLikeCsv(path: string, text: string): boolean {
  return !path.toLowerCase().endsWith(".json") && !/^[{[]/.test(text.replace(/^\uFEFF/, "").trimStart());
}

export interface Dialect {
  readonly separator: string;
  readonly decimal: string;
  readonly bom: string;
}

export const DIALECTS: Readonly<Record<CsvDialect, Dialect>> = {
  csv: { separator: ";", decimal: ",", bom: "\uFEFF" },
  "csv-plain": { separator: ",", decimal: ".", bom: "" },
};

export const HEADERS = {
  date: "Date",
  totalUsd: "Total USD",
  totalRub: "Total RUB",
  usdRub: "USD/RUB",
  usdRubDate: "USD/RUB date",
  status: "Status",
  notValued: "Not valued",
  takenAt: "Taken at (UTC)",
} as const;

export type Fixed = keyof typeof HEADERS;
export type Column = { readonly kind: Fixed } | { readonly kind: "platform"; readonly id: string; readonly currency: string };

/** A platform's USD column, then one per other currency it reported in, for every platform the days hold (registry order). */
function platformColumns(days: readonly DayRecord[]): { id: string; currency: string }[] {
  const currencies = new Map<string, Set<string>>();
  for (const day of days) {
    for (const [id, value] of day.platforms) {
      const seen = currencies.get(id) ?? new Set<string>();
      if (value.native) seen.add(value.native.currency);
      currencies.set(id, seen);
    }
  }
  const order = (id: string) => {
    const index = PLATFORMS.findIndex((descriptor) => descriptor.id === id);
    return index < 0 ? PLATFORMS.length : index;
  };
  return [...currencies.keys()]
    .sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1))
    .flatMap((id) => [{ id, currency: "USD" }, ...[...(currencies.get(id) ?? [])].sort().map((currency) => ({ id, currency }))]);
}

/** A platform as a column names it: its display name; its id when pfbot no longer knows it. */
export function platformLabel(id: string): string {
  return PLATFORMS.find((descriptor) => descriptor.id === id)?.name ?? id;
}

/** The platform id a column label names (a display name in any case, or an id), or null. */
export function platformOf(label: string): string | null {
  const known = PLATFORMS.find((descriptor) => descriptor.name.toLowerCase() === label.toLowerCase() || descriptor.id === label);
  if (known) return known.id;
  return /^[a-z0-9]+$/.test(label) ? label : null;
}
