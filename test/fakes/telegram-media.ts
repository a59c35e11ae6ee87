// Photos, documents, captions and inline keyboards for the fake Telegram Bot API, checked as Telegram checks them
// ("Sending files", sendPhoto, sendDocument, InputMediaPhoto, InlineKeyboardMarkup): a photo or a document is a
// multipart upload
// (the part itself, or "attach://<name>" naming a part, as grammY sends it), or the file_id of a photo
// sent before; an upload must be an image Telegram can read (here: PNG), at most 10 MB, with
// width + height at most 10000 and a side ratio at most 20; a caption is at most 1024 characters after
// entity parsing; callback_data is 1–64 bytes.
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from "grammy/types";
import { parseTelegramHtml } from "./telegram-html.ts";
import { type Params, stringParam, structuredParam } from "./telegram-wire.ts";

/** An uploaded file, or a file_id Telegram gave out earlier. */
export type FileInput =
  | { readonly kind: "upload"; readonly bytes: Uint8Array; readonly filename: string }
  | { readonly kind: "file_id"; readonly fileId: string };

export interface Image {
  readonly width: number;
  readonly height: number;
}

const MAX_CAPTION_LENGTH = 1024;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The file a parameter names: a part of the request, "attach://<part>", or a file_id; else Telegram's error text. */
export async function fileInput(
  params: Params,
  value: unknown,
  kind: "photo" | "document" = "photo",
): Promise<FileInput | { error: string }> {
  if (value instanceof Blob) return { kind: "upload", bytes: new Uint8Array(await value.arrayBuffer()), filename: fileName(value) };
  const text = stringParam(value);
  if (text === undefined || text === "") return { error: `there is no ${kind} in the request` };
  if (text.startsWith("attach://")) {
    const part = params[text.slice("attach://".length)];
    if (!(part instanceof Blob)) return { error: "wrong file identifier/HTTP URL specified" };
    return { kind: "upload", bytes: new Uint8Array(await part.arrayBuffer()), filename: fileName(part) };
  }
  if (/^https?:\/\//i.test(text)) return { error: "failed to get HTTP URL content" };
  return { kind: "file_id", fileId: text };
}

/** The size of an uploaded photo, or Telegram's error text for one it would refuse. */
export function checkPhoto(bytes: Uint8Array): Image | { error: string } {
  if (bytes.length === 0) return { error: "file must be non-empty" };
  if (bytes.length > MAX_PHOTO_BYTES) return { error: "PHOTO_SAVE_FILE_INVALID" };
  const image = pngSize(bytes);
  if (image === null) return { error: "IMAGE_PROCESS_FAILED" };
  const { width, height } = image;
  if (width + height > 10_000 || Math.max(width, height) / Math.min(width, height) > 20) return { error: "PHOTO_INVALID_DIMENSIONS" };
  return image;
}

/**
 * Telegram's answer to an uploaded document it refuses, or null: an empty file is a Bad Request; a request over the
 * upload limit (50 MB for a bot, "sendDocument") is cut off by Telegram's front server, an nginx "413 Request Entity
 * Too Large" HTML page, not a Bot API answer.
 */
export function refuseDocument(bytes: Uint8Array, maxBytes: number): Response | { error: string } | null {
  if (bytes.length === 0) return { error: "file must be non-empty" };
  if (bytes.length > maxBytes) {
    const page =
      "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    return new Response(page, { status: 413, headers: { "content-type": "text/html" } });
  }
  return null;
}

/** The MIME type Telegram gives a document by its name's extension (the part's own type is not kept). */
export function mimeTypeOf(filename: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  return MIME_TYPES[extension] ?? "application/octet-stream";
}

const MIME_TYPES: Readonly<Record<string, string>> = { csv: "text/csv", json: "application/json", txt: "text/plain", png: "image/png" };

export interface Caption {
  readonly text: string;
  readonly plainText: string;
  readonly entities: MessageEntity[];
}

/** A caption with its parse_mode, or Telegram's error text. */
export function readCaption(caption: unknown, parseMode: unknown): Caption | { error: string } {
  const text = stringParam(caption) ?? "";
  const mode = (stringParam(parseMode) ?? "").toLowerCase();
  let plainText = text;
  let entities: MessageEntity[] = [];
  if (mode === "html") {
    const parsed = parseTelegramHtml(text);
    if ("error" in parsed) return { error: `can't parse entities: ${parsed.error}` };
    ({ text: plainText, entities } = parsed);
  } else if (mode !== "") {
    return {
      error: mode === "markdown" || mode === "markdownv2" ? "this fake Telegram API parses only parse_mode HTML" : "unsupported parse_mode",
    };
  }
  if (plainText.trim().length > MAX_CAPTION_LENGTH) return { error: "message caption is too long" };
  return { text, plainText: plainText.trim(), entities };
}

/** An inline keyboard (reply_markup), undefined when absent, or Telegram's error text. */
export function readInlineKeyboard(value: unknown): InlineKeyboardMarkup | undefined | { error: string } {
  if (value === undefined) return undefined;
  const markup = structuredParam(value);
  if (typeof markup !== "object" || markup === null || !("inline_keyboard" in markup))
    return { error: "can't parse reply keyboard markup JSON object" };
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    return { error: 'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays' };
  for (const row of rows as unknown[][]) {
    for (const button of row) {
      if (typeof button !== "object" || button === null)
        return { error: "can't parse inline keyboard button: InlineKeyboardButton must be an Object" };
      const { text, callback_data: data, url } = button as Record<string, unknown>;
      if (typeof text !== "string") return { error: "can't parse inline keyboard button: Text must be a String" };
      if (data === undefined && url === undefined)
        return { error: "can't parse inline keyboard button: Can't find field \"callback_data\"" };
      if (data !== undefined) {
        const bytes = typeof data === "string" ? new TextEncoder().encode(data).length : 0;
        if (bytes < 1 || bytes > 64) return { error: "BUTTON_DATA_INVALID" };
      }
    }
  }
  return { inline_keyboard: rows as InlineKeyboardButton[][] };
}

function pngSize(bytes: Uint8Array): Image | null {
  if (bytes.length < 24 || PNG_SIGNATURE.some((byte, i) => bytes[i] !== byte)) return null;
  if (new TextDecoder().decode(bytes.subarray(12, 16)) !== "IHDR") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

function fileName(blob: Blob): string {
  return blob instanceof File ? blob.name : "";
}
