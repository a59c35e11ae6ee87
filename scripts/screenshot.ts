/**
 * @module Dev tool: renders what pfbot sends to Telegram as a phone shows it, to a PNG. The messages
 * (Telegram HTML as sent with parse_mode HTML, an optional inline keyboard and photo) go into a page
 * that imitates Telegram for Android, which headless Chromium from Debian's package screenshots at
 * device scale 2. It also prints what the layout did: lines that wrap on the phone, and per <pre>
 * block its font size and how many monospace characters fit on a line.
 *
 *   bun scripts/screenshot.ts --out shot.png [--notification] [--width 380] input.json
 *
 * input.json: {"messages": [{"html": "<b>Portfolio</b> …", "keyboard": [["🔄 Refresh", "📅 History"]],
 *   "photo": "chart.png", "caption": "…", "silent": true, "time": "13:05"},
 *   {"document": {"name": "pfbot-history-2026-11-26.csv", "size": 48213}, "caption": "…"}]}
 * Needs `apt-get install -y chromium fonts-noto-color-emoji fonts-noto-core fonts-noto-mono
 * fonts-roboto-unhinted` (not in CI: nothing in `bun test` uses it). See scripts/README.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isRecord } from "../src/lib/guards.ts";
import { type ChromiumOptions, dumpDom, screenshot } from "./chromium.ts";
import { parseTelegramHtml } from "./telegram-html.ts";
import { buildPage, codeFontPx, LAYOUT_ELEMENT_ID, type PageMessage } from "./telegram-page.ts";

export interface TelegramMessage {
  /** Message text, Telegram HTML. For a photo, use `caption` (or leave both out for no caption). */
  readonly html?: string;
  readonly caption?: string;
  /** Button texts by row, or grammY's InlineKeyboard / any {inline_keyboard: [[{text}]]}. */
  readonly keyboard?: readonly (readonly string[])[] | InlineKeyboardLike;
  /** PNG/JPEG/WebP/SVG path, or the bytes. */
  readonly photo?: string | Uint8Array;
  /** A file sent with sendDocument: its name and size in bytes, shown above the caption. */
  readonly document?: { readonly name: string; readonly size: number };
  /** Sent with disable_notification: shown in notification mode. */
  readonly silent?: boolean;
  /** The clock time in the bubble, "HH:MM" (default 13:05). */
  readonly time?: string;
  readonly edited?: boolean;
}

export interface InlineKeyboardLike {
  readonly inline_keyboard: readonly (readonly { readonly text: string }[])[];
}

export interface ScreenshotOptions extends ChromiumOptions {
  /** Where the PNG goes; directories are created. */
  readonly out: string;
  /** Phone screen width in CSS px = Android dp (default 380). */
  readonly width?: number;
  /** Lock-screen notifications instead of the chat. */
  readonly notification?: boolean;
  /** Lines a collapsed notification shows (default 2). */
  readonly notificationLines?: number;
  /** Device pixels per CSS px (default 2). */
  readonly scale?: number;
  /** Also write the page next to the PNG (same name, .html), to open in a browser. */
  readonly keepHtml?: boolean;
}

export interface LayoutReport {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly messages: readonly MessageLayout[];
}

export interface MessageLayout {
  /** Characters of text (or caption) as Telegram counts them, against its 4096 (1024 for a caption) limit. */
  readonly textLength: number;
  readonly limit: number;
  /** Outer width of the bubble (or of the keyboard, when wider) in CSS px; null in notification mode. */
  readonly widthPx: number | null;
  /** Text lines as sent and how many rows each takes on the phone. */
  readonly lines: readonly { readonly text: string; readonly rows: number }[];
  readonly pre: readonly PreLayout[];
  /** Notification mode: the text is cut off after `notificationLines` lines. */
  readonly truncated: boolean | null;
}

export interface PreLayout {
  readonly fontPx: number;
  readonly widthPx: number;
  readonly advancePx: number;
  /** Monospace characters that fit on one line of this block. */
  readonly charsPerLine: number;
  readonly longestLine: number;
  readonly lines: number;
  readonly wrappedLines: number;
  readonly rows: number;
}

/**
 * Headless Chromium 156 shows a window under about 145 px tall with 87 px of it blank at the bottom
 * (measured), so shorter pages are captured this tall, the chat stretched to fill it.
 */
const MIN_WINDOW_HEIGHT = 160;

/** Renders the messages and returns the PNG's path. */
export async function screenshotMessages(messages: readonly TelegramMessage[], options: ScreenshotOptions): Promise<string> {
  return (await screenshotWithLayout(messages, options)).path;
}

/** Renders the messages; returns the PNG's path with what the layout measured. */
export async function screenshotWithLayout(messages: readonly TelegramMessage[], options: ScreenshotOptions): Promise<LayoutReport> {
  if (messages.length === 0) throw new Error("Nothing to render: give at least one message.");
  const width = options.width ?? 380;
  const scale = options.scale ?? 2;
  const pageMessages = messages.map(toPageMessage);
  const html = buildPage(pageMessages, {
    width,
    mode: options.notification ? "notification" : "chat",
    notificationLines: options.notificationLines ?? 2,
  });
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "pfbot-screenshot-"));
  try {
    const page = join(scratch, "page.html");
    writeFileSync(page, html);
    if (options.keepHtml) writeFileSync(`${out.replace(/\.png$/i, "")}.html`, html);
    const url = pathToFileURL(page).href;
    // First pass: the page measures its own height; the second captures that much.
    const measured = readLayout(await dumpDom(url, width, 2000, options));
    const height = Math.max(measured.height, MIN_WINDOW_HEIGHT);
    await screenshot(`${url}#capture`, out, width, height, scale, options);
    return {
      path: out,
      width,
      height,
      messages: measured.messages.map((m, i) => {
        const isCaption = pageMessages[i]!.photo !== null || pageMessages[i]!.document !== null;
        return { ...m, textLength: pageMessages[i]!.parsed.text.length, limit: isCaption ? 1024 : 4096 };
      }),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A human summary of the layout: what wraps, and how many monospace characters fit per <pre> line. */
export function describeLayout(report: LayoutReport): string {
  const out = [`${report.path}: ${report.width}×${report.height} CSS px`];
  report.messages.forEach((m, i) => {
    const wrapped = m.lines.filter((line) => line.rows > 1);
    const rows = m.lines.reduce((n, line) => n + line.rows, 0);
    const parts = [`message ${i + 1}: ${m.textLength}/${m.limit} characters`];
    if (m.widthPx !== null) parts.push(`bubble ${m.widthPx} px wide`);
    if (m.lines.length > 0) parts.push(`${m.lines.length} text lines → ${rows} rows on screen`);
    if (m.truncated !== null) parts.push(m.truncated ? "notification text cut off" : "notification text shown whole");
    out.push(`  ${parts.join(", ")}`);
    if (m.textLength > m.limit) out.push(`  ⚠ over Telegram's ${m.limit}-character limit: the Bot API would refuse it`);
    for (const line of wrapped) out.push(`    wraps into ${line.rows} rows: ${clip(line.text, 60)}`);
    m.pre.forEach((pre, j) => {
      out.push(
        `  pre ${j + 1}: ${pre.fontPx}px monospace, ${pre.charsPerLine} characters per line (${pre.widthPx} px / ${pre.advancePx} px), longest line ${pre.longestLine}, ${pre.wrappedLines} of ${pre.lines} lines wrap → ${pre.rows} rows`,
      );
    });
  });
  return out.join("\n");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function toPageMessage(message: TelegramMessage, index: number): PageMessage {
  const photo = message.photo === undefined ? null : dataUri(message.photo);
  const document = message.document ?? null;
  const source = photo !== null || document !== null ? (message.caption ?? message.html ?? "") : message.html;
  if (source === undefined) throw new Error(`message ${index + 1} has neither html nor a photo or document`);
  const time = message.time ?? "13:05";
  if (!/^\d{1,2}:\d{2}$/.test(time)) throw new Error(`message ${index + 1}: time must be HH:MM, got ${JSON.stringify(time)}`);
  return {
    parsed: parseTelegramHtml(source),
    keyboard: keyboardRows(message.keyboard),
    photo,
    document,
    time,
    edited: message.edited ?? false,
    silent: message.silent ?? false,
  };
}

function keyboardRows(keyboard: TelegramMessage["keyboard"]): string[][] {
  if (keyboard === undefined) return [];
  const rows =
    "inline_keyboard" in keyboard
      ? keyboard.inline_keyboard.map((row) => row.map((button) => button.text))
      : keyboard.map((row) => [...row]);
  return rows.filter((row) => row.length > 0);
}

function dataUri(photo: string | Uint8Array): string {
  const bytes = typeof photo === "string" ? readFileSync(photo) : photo;
  const head = Buffer.from(bytes.subarray(0, 256));
  const mime = head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    ? "image/png"
    : head[0] === 0xff && head[1] === 0xd8
      ? "image/jpeg"
      : head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WEBP"
        ? "image/webp"
        : /<svg[\s>]/.test(head.toString("utf8"))
          ? "image/svg+xml"
          : null;
  if (!mime) throw new Error(`photo${typeof photo === "string" ? ` ${photo}` : ""} is not a PNG, JPEG, WebP or SVG`);
  return `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
}

interface MeasuredPage {
  readonly height: number;
  readonly messages: readonly Omit<MessageLayout, "textLength" | "limit">[];
}

function readLayout(dom: string): MeasuredPage {
  const match = new RegExp(`<script id="${LAYOUT_ELEMENT_ID}" type="application/json">([^<]*)</script>`).exec(dom);
  if (!match?.[1]) throw new Error("The page did not measure itself (its script did not run in Chromium).");
  const layout = JSON.parse(match[1]) as MeasuredPage;
  if (!(layout.height > 0)) throw new Error(`The page measured a height of ${layout.height}.`);
  return layout;
}

// ---- CLI ----

const USAGE = `Usage: bun scripts/screenshot.ts --out FILE.png [--notification] [--width 380] [--lines 2] [--scale 2] [--html] INPUT.json

INPUT.json: {"messages": [{"html": "...", "keyboard": [["🔄 Refresh"]], "photo": "chart.png", "caption": "...", "silent": true, "time": "13:05"}]}
  html       Telegram HTML as sent with parse_mode HTML (refused like Telegram would refuse it)
  keyboard   button texts by row, or {"inline_keyboard": [[{"text": ...}]]}
  photo      image path (relative to INPUT.json), shown above "caption"
--notification  lock-screen notification cards instead of the chat (--lines: text lines shown)
--html          also write the page as FILE.html
Code blocks use Telegram Android's font size by length: ${codeFontPx(1)}px up to 80 characters, ${codeFontPx(81)}px up to 220, ${codeFontPx(221)}px beyond.`;

if (import.meta.main) {
  try {
    const { values, positionals } = parseArgs({
      options: {
        out: { type: "string", short: "o" },
        notification: { type: "boolean", default: false },
        width: { type: "string", default: "380" },
        lines: { type: "string", default: "2" },
        scale: { type: "string", default: "2" },
        html: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (!values.out || positionals.length !== 1) throw new Error(`Give --out FILE.png and one INPUT.json.\n\n${USAGE}`);
    const input = resolve(positionals[0]!);
    const messages = readInput(input);
    const report = await screenshotWithLayout(messages, {
      out: values.out,
      width: positiveInt("--width", values.width),
      notification: values.notification,
      notificationLines: positiveInt("--lines", values.lines),
      scale: positiveInt("--scale", values.scale),
      keepHtml: values.html,
    });
    console.log(describeLayout(report));
  } catch (error) {
    console.error(error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error));
    process.exit(1);
  }
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} takes a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** INPUT.json, checked: what a typo would otherwise turn into an empty bubble. Photo paths are relative to it. */
function readInput(path: string): TelegramMessage[] {
  const data: unknown = JSON.parse(readFileSync(path, "utf8"));
  const list = Array.isArray(data) ? data : isRecord(data) ? data.messages : undefined;
  if (!Array.isArray(list)) throw new Error(`${path}: expected {"messages": [...]}`);
  const known = new Set(["html", "caption", "keyboard", "photo", "document", "silent", "time", "edited"]);
  return list.map((item: unknown, i): TelegramMessage => {
    const where = `${path}: messages[${i}]`;
    if (!isRecord(item)) throw new Error(`${where} is not an object`);
    for (const key of Object.keys(item))
      if (!known.has(key)) throw new Error(`${where} has an unknown field "${key}" (known: ${[...known].join(", ")})`);
    for (const key of ["html", "caption", "photo", "time"] as const) {
      if (item[key] !== undefined && typeof item[key] !== "string") throw new Error(`${where}.${key} must be a string`);
    }
    for (const key of ["silent", "edited"] as const) {
      if (item[key] !== undefined && typeof item[key] !== "boolean") throw new Error(`${where}.${key} must be true or false`);
    }
    const document = item.document;
    if (document !== undefined && !(isRecord(document) && typeof document.name === "string" && typeof document.size === "number"))
      throw new Error(`${where}.document must be {"name": string, "size": number}`);
    return {
      html: item.html as string | undefined,
      caption: item.caption as string | undefined,
      photo: typeof item.photo === "string" ? resolve(dirname(path), item.photo) : undefined,
      ...(document !== undefined ? { document: { name: document.name as string, size: document.size as number } } : {}),
      keyboard: item.keyboard === undefined ? undefined : checkKeyboard(item.keyboard, `${where}.keyboard`),
      silent: item.silent as boolean | undefined,
      time: item.time as string | undefined,
      edited: item.edited as boolean | undefined,
    };
  });
}

function checkKeyboard(value: unknown, where: string): string[][] {
  const rows = isRecord(value) ? value.inline_keyboard : value;
  if (!Array.isArray(rows)) throw new Error(`${where} must be rows of button texts, or {"inline_keyboard": [[{"text": ...}]]}`);
  return rows.map((row: unknown, r) => {
    if (!Array.isArray(row)) throw new Error(`${where}[${r}] must be a row (an array)`);
    return row.map((button: unknown, b) => {
      const text = isRecord(button) ? button.text : button;
      if (typeof text !== "string") throw new Error(`${where}[${r}][${b}] must be a button text`);
      return text;
    });
  });
}
