// Telegram's parse_mode "HTML", as the Bot API server parses it (tdlib's parse_html in
// td/telegram/MessageEntity.cpp, read for this fake): the same supported tags, the same error texts with
// UTF-8 byte offsets, entity offsets in UTF-16 code units. One deliberate difference: Telegram keeps a
// bare "&" that starts no entity as text, but the Bot API documentation ("Formatting options", HTML
// style) requires every &, < and > outside tags and entities to be escaped, and an unescaped "&lt" inside
// a name would silently change the text; so the fake rejects it.
import type { MessageEntity } from "grammy/types";

export type HtmlParse = { readonly text: string; readonly entities: MessageEntity[] } | { readonly error: string };

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "span",
  "pre",
  "code",
  "blockquote",
  "tg-time",
]);

/** Parses Bot API HTML; on error returns the text Telegram puts after "Bad Request: can't parse entities: ". */
export function parseTelegramHtml(html: string): HtmlParse {
  const src = new TextEncoder().encode(html);
  if (src.includes(0)) return { error: "Text must not contain null bytes" };
  // tdlib reads a NUL-terminated string; reading past the end as 0 keeps its checks the same.
  const at = (i: number): number => (i < src.length ? src[i]! : 0);
  const out: number[] = [];
  const entities: MessageEntity[] = [];
  const open: (OpenTag & { outStart: number })[] = [];
  let utf16 = 0;

  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === AMP) {
      const decoded = decodeEntity(src, i);
      if (!decoded) return { error: `Unescaped "&" at byte offset ${i}; write it as &amp;` };
      if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) {
        return { error: "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units" };
      }
      out.push(...new TextEncoder().encode(String.fromCodePoint(decoded.code)));
      utf16 += decoded.code > 0xffff ? 2 : 1;
      i = decoded.end - 1;
      continue;
    }
    if (c !== LT) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1; // a 4-byte character is a surrogate pair
      out.push(c);
      continue;
    }
    const begin = i++;
    if (at(i) !== SLASH) {
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (at(i) === 0) return { error: `Unclosed start tag at byte offset ${begin}` };
      const tag = ascii(src, begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) return { error: `Unsupported start tag "${tag}" at byte offset ${begin}` };
      let argument = "";
      let unix = 0;
      while (at(i) !== GT) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        const nameStart = i;
        while (!isSpace(at(i)) && ![EQ, GT, SLASH, DQUOTE, SQUOTE].includes(at(i))) i++;
        const name = ascii(src, nameStart, i);
        if (name === "") return { error: `Empty attribute name in the tag "${tag}" at byte offset ${begin}` };
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          if (at(i) === 0) return { error: `Unclosed start tag "${tag}" at byte offset ${begin}` };
          if (tag === "blockquote" && name === "expandable") argument = "1"; // a value-less attribute
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) return { error: `Unclosed start tag "${tag}" at byte offset ${begin}` };
        let value: string;
        if (at(i) !== DQUOTE && at(i) !== SQUOTE) {
          const tokenStart = i; // an unquoted name token: letters, digits, "." and "-", case-insensitive
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = ascii(src, tokenStart, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== GT) return { error: `Unexpected end of name token at byte offset ${tokenStart}` };
        } else {
          const quote = src[i++]!;
          const bytes: number[] = [];
          while (at(i) !== quote && at(i) !== 0) {
            const decoded = at(i) === AMP ? decodeEntity(src, i) : null;
            if (decoded) {
              bytes.push(...new TextEncoder().encode(String.fromCodePoint(decoded.code)));
              i = decoded.end;
            } else bytes.push(src[i++]!);
          }
          if (at(i) === quote) i++;
          value = new TextDecoder().decode(new Uint8Array(bytes));
        }
        if (at(i) === 0) return { error: `Unclosed start tag at byte offset ${begin}` };
        if (tag === "a" && name === "href") argument = value;
        else if (tag === "code" && name === "class" && value.startsWith("language-")) argument = value.slice(9);
        else if (tag === "span" && name === "class" && value.startsWith("tg-")) argument = value.slice(3);
        else if (tag === "tg-emoji" && name === "emoji-id") argument = value;
        else if (tag === "blockquote" && name === "expandable") argument = "1";
        else if (tag === "tg-time" && name === "unix") unix = /^\d{1,10}$/.test(value) ? Number(value) : 0;
        else if (tag === "tg-time" && name === "format") argument = value;
      }
      if (tag === "span" && argument !== "spoiler") return { error: `Tag "span" must have class "tg-spoiler" at byte offset ${begin}` };
      open.push({ tag, argument, unix, offset: utf16, outStart: out.length });
      continue;
    }
    // An end tag; "</>" closes whatever is open.
    const top = open.at(-1);
    if (!top) return { error: `Unexpected end tag at byte offset ${begin}` };
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    const endTag = ascii(src, begin + 2, i).toLowerCase();
    while (at(i) !== 0 && isSpace(at(i))) i++;
    if (at(i) !== GT) return { error: `Unclosed end tag at byte offset ${begin}` };
    if (endTag !== "" && endTag !== top.tag)
      return { error: `Unmatched end tag at byte offset ${begin}, expected "</${top.tag}>", found "</${endTag}>"` };
    open.pop();
    if (utf16 === top.offset) continue; // an empty entity is dropped
    const entity = toEntity(top, utf16 - top.offset, new TextDecoder().decode(new Uint8Array(out.slice(top.outStart))), entities.at(-1));
    if (typeof entity === "string") return { error: entity };
    if (entity) entities.push(entity);
  }
  const unclosed = open.at(-1);
  if (unclosed) return { error: `Can't find end tag corresponding to start tag "${unclosed.tag}"` };
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: new TextDecoder().decode(new Uint8Array(out)), entities };
}

/** The entity a closed tag makes, null for none, or an error text. May upgrade `previous` (pre + code). */
interface OpenTag {
  readonly tag: string;
  readonly argument: string;
  /** tg-time's unix attribute */
  readonly unix: number;
  readonly offset: number;
}

function toEntity(tag: OpenTag, length: number, inner: string, previous: MessageEntity | undefined): MessageEntity | null | string {
  const { offset, argument } = tag;
  switch (tag.tag) {
    case "b":
    case "strong":
      return { type: "bold", offset, length };
    case "i":
    case "em":
      return { type: "italic", offset, length };
    case "u":
    case "ins":
      return { type: "underline", offset, length };
    case "s":
    case "strike":
    case "del":
      return { type: "strikethrough", offset, length };
    case "tg-spoiler":
    case "span":
      return { type: "spoiler", offset, length };
    case "tg-emoji":
      if (!/^[1-9]\d{0,18}$/.test(argument)) return "Invalid custom emoji identifier specified";
      return { type: "custom_emoji", offset, length, custom_emoji_id: argument };
    case "tg-time":
      // Formats: "r" (relative) or any of t/T, d/D, w/W ("Date-time entity formatting").
      if (!/^([rR]|[tTdDwW]*)$/.test(argument)) return "Invalid date format used";
      return tag.unix > 0 ? { type: "date_time", offset, length, unix_time: tag.unix, date_time_format: argument as DateTimeFormat } : null;
    case "blockquote":
      return { type: argument ? "expandable_blockquote" : "blockquote", offset, length };
    case "a": {
      const url = argument || inner;
      return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.includes(".") ? { type: "text_link", offset, length, url } : null;
    }
    case "code": {
      // <pre><code class="language-x"> (in either nesting) makes one pre entity with a language.
      if (previous?.type === "pre" && sameRange(previous, offset, length) && argument) {
        Object.assign(previous, { language: argument });
        return null;
      }
      const code: MessageEntity = { type: "code", offset, length };
      if (argument) codeLanguages.set(code, argument);
      return code;
    }
    case "pre": {
      const language = previous ? codeLanguages.get(previous) : undefined;
      if (previous?.type === "code" && sameRange(previous, offset, length) && language) {
        Object.assign(previous, { type: "pre", language });
        return null;
      }
      return { type: "pre", offset, length };
    }
    default:
      return null;
  }
}

/** The language of a <code class="language-x"> not (yet) inside a <pre>; a plain code entity drops it. */
type DateTimeFormat = Extract<MessageEntity, { type: "date_time" }>["date_time_format"];

const codeLanguages = new WeakMap<MessageEntity, string>();
const sameRange = (entity: MessageEntity, offset: number, length: number) => entity.offset === offset && entity.length === length;

/** Decodes &lt; &gt; &amp; &quot; and numeric references (";" optional, as in tdlib); null if none starts here. */
function decodeEntity(src: Uint8Array, pos: number): { code: number; end: number } | null {
  const at = (i: number): number => (i < src.length ? src[i]! : 0);
  let end = pos + 1;
  let code = 0;
  if (at(pos + 1) === 0x23 /* # */) {
    end++;
    const hex = at(pos + 2) === 0x78; /* x */
    if (hex) end++;
    for (; hex ? isHex(at(end)) : isDigit(at(end)); end++) code = code * (hex ? 16 : 10) + parseInt(String.fromCharCode(at(end)), 16);
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return null;
  } else {
    while (isAlpha(at(end))) end++;
    const named: Record<string, number> = { lt: LT, gt: GT, amp: AMP, quot: DQUOTE };
    const found = named[ascii(src, pos + 1, end)];
    if (found === undefined) return null;
    code = found;
  }
  if (at(end) === 0x3b /* ; */) end++;
  return { code, end };
}

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const isSpace = (c: number) => c === 0 || c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ascii = (src: Uint8Array, from: number, to: number) => new TextDecoder().decode(src.subarray(from, to));
