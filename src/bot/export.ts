// /export: the whole history as files in the chat (sendDocument), named with today's date: pfbot's CSV for a
// spreadsheet (history/csv.ts: UTF-8 with a BOM, ";", decimal comma) and the original bot's portfolio_history.json
// (history/json.ts), the very files `pfbot --export` writes. Each caption says what the file holds and that its
// amounts are in the clear whatever Privacy says (a file cannot hide them). The buttons under the last file send
// one format again: the CSV, the JSON, or the plain CSV for scripts.
import { type Context, InputFile } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { formatHistoryCsv } from "../history/csv.ts";
import type { ExportFormat } from "../history/io.ts";
import { formatHistoryJson } from "../history/json.ts";
import type { DayRecord } from "../history/store.ts";

export const EXPORT_USAGE =
  "Usage: /export [csv|json|csv-plain]. With no word, the CSV for spreadsheets and the original bot's JSON; csv-plain is CSV for scripts.";

/** A file to send: its name, its bytes, and its caption (Telegram HTML, under 1024 characters). */
export interface ExportFile {
  readonly format: ExportFormat;
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly caption: string;
}

/** The most a bot may upload ("sendDocument": 50 MB); a larger file is refused, and --export on the machine is the way. */
const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** What /export sends without a word: the CSV for spreadsheets, then the original bot's JSON. */
const BOTH: readonly ExportFormat[] = ["csv", "json"];
const FORMATS: readonly ExportFormat[] = ["csv", "json", "csv-plain"];

/** "/export", "/export json" → the formats to send; null for any other word. */
export function parseExportCommand(words: string): readonly ExportFormat[] | null {
  const text = words.trim().toLowerCase();
  if (text === "") return BOTH;
  const format = FORMATS.find((candidate) => candidate === text);
  return format === undefined ? null : [format];
}

/** A button's data ("exp:json") as its format; null for anything else. */
export function readExportCallback(data: string): ExportFormat | null {
  return FORMATS.find((format) => `exp:${format}` === data) ?? null;
}

/** Under the last file: one format again. */
export function exportKeyboard(): InlineKeyboardMarkup {
  const button = (text: string, format: ExportFormat) => ({ text, callback_data: `exp:${format}` });
  // Two rows: three buttons in one cut "CSV for scripts" short on a phone.
  return { inline_keyboard: [[button("📊 CSV", "csv"), button("🗂 JSON", "json")], [button("📄 CSV for scripts", "csv-plain")]] };
}

/**
 * The files of `formats` for `days` (the whole history, any order), named "pfbot-history-<today>.csv" ("-plain.csv"
 * for the plain CSV) and ".json".
 */
export function exportFiles(days: readonly DayRecord[], formats: readonly ExportFormat[], today: string): ExportFile[] {
  const sorted = days.map((day) => day.day).sort();
  const span = `${plural(days.length, "day")}, ${longDay(sorted[0] ?? today)} – ${longDay(sorted.at(-1) ?? today)}`;
  return formats.map((format) => {
    const text = format === "json" ? formatHistoryJson(days) : formatHistoryCsv(days, format);
    const suffix = format === "json" ? ".json" : format === "csv-plain" ? "-plain.csv" : ".csv";
    return {
      format,
      filename: `pfbot-history-${today}${suffix}`,
      bytes: new TextEncoder().encode(text),
      caption: `${CAPTIONS[format].title}\n${span}: ${CAPTIONS[format].holds}\n${IN_THE_CLEAR}`,
    };
  });
}

/**
 * Sends the files as documents, "sending a file…" shown meanwhile; the keyboard goes under the last. A file over
 * MAX_DOCUMENT_BYTES is not sent: a line says how to get it instead.
 */
export async function sendExport(ctx: Context, files: readonly ExportFile[]): Promise<void> {
  await ctx.replyWithChatAction("upload_document").catch(() => undefined);
  for (const [index, file] of files.entries()) {
    if (file.bytes.length > MAX_DOCUMENT_BYTES) {
      const mb = (file.bytes.length / 1024 / 1024).toFixed(1);
      await ctx.reply(
        `${file.filename} is ${mb} MB, more than the 50 MB Telegram takes from a bot: run pfbot --export on the machine instead.`,
      );
      continue;
    }
    await ctx.replyWithDocument(new InputFile(file.bytes, file.filename), {
      caption: file.caption,
      parse_mode: "HTML",
      ...(index === files.length - 1 ? { reply_markup: exportKeyboard() } : {}),
    });
  }
}

/** A caption's first line, what the file is for, and what each day holds in it. */
const CAPTIONS: Readonly<Record<ExportFormat, { readonly title: string; readonly holds: string }>> = {
  csv: { title: "📊 <b>CSV for Excel or LibreOffice</b>", holds: "each day's totals in USD and RUB, the rate and each platform's value" },
  "csv-plain": {
    title: "📄 <b>CSV for scripts</b> (commas, decimal points)",
    holds: "each day's totals in USD and RUB, the rate and each platform's value",
  },
  json: { title: "🗂 <b>JSON of the original bot</b>", holds: "each day's totals in USD and RUB, as its portfolio_history.json" },
};
const IN_THE_CLEAR = "🔓 Privacy hides no amount in a file";

/** "3 Jan 2025": a file outlives the year it was written in. */
function longDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return `${date} ${MONTHS[month - 1] ?? ""} ${year}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
