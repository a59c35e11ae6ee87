/**
 * @module Telegram HTML (parse_mode "HTML", as the Bot API takes it) → a layout model for the screenshot
 * page. Parses the way Telegram does: only Telegram's tags are accepted, and a message Telegram would
 * refuse ("Can't parse entities: …") throws here too, so the screenshot never shows a message the bot
 * could not send. The model holds plain strings plus marks; scripts/telegram-page.ts escapes every one of
 * them, so nothing from the input reaches the page as markup.
 *
 * Bot API "Formatting options", HTML style: b/strong, i/em, u/ins, s/strike/del, tg-spoiler or
 * span class="tg-spoiler", a href, tg-emoji, code, pre (optionally pre > code class="language-…"),
 * blockquote (optionally expandable); only &lt; &gt; &amp; &quot; and numeric entities are decoded.
 */

export type Mark = "b" | "i" | "u" | "s" | "spoiler" | "link" | "code";

export interface Segment {
  readonly text: string;
  readonly marks: readonly Mark[];
}

/** One line as sent (between two "\n"); the phone may wrap it into several. */
export type Line = readonly Segment[];

export type Block =
  | { readonly kind: "text"; readonly lines: readonly Line[] }
  | { readonly kind: "quote"; readonly expandable: boolean; readonly lines: readonly Line[] }
  | { readonly kind: "pre"; readonly language: string | null; readonly lines: readonly string[]; readonly length: number };

export interface ParsedMessage {
  readonly blocks: readonly Block[];
  /** The message text as Telegram stores it (tags dropped, entities decoded, trimmed). */
  readonly text: string;
  /** What a notification shows: the text with every spoiler character replaced, as Telegram's clients do. */
  readonly notificationText: string;
}

/** Telegram would answer 400 "Can't parse entities" for this input. */
export class TelegramHtmlError extends Error {
  override readonly name = "TelegramHtmlError";
}

export function parseTelegramHtml(html: string): ParsedMessage {
  const nodes = trimEnds(parseNodes(html));
  return { blocks: toBlocks(nodes), text: plain(nodes, false), notificationText: plain(nodes, true) };
}

type Tag = "b" | "i" | "u" | "s" | "spoiler" | "a" | "code" | "pre" | "quote" | "emoji";
type Node =
  | { readonly kind: "text"; text: string }
  | { readonly kind: "element"; readonly tag: Tag; readonly attrs: Readonly<Record<string, string>>; readonly children: Node[] };

const TAGS: Readonly<Record<string, Tag>> = {
  b: "b",
  strong: "b",
  i: "i",
  em: "i",
  u: "u",
  ins: "u",
  s: "s",
  strike: "s",
  del: "s",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "a",
  code: "code",
  pre: "pre",
  blockquote: "quote",
  "tg-emoji": "emoji",
};

const INLINE_MARK: Partial<Record<Tag, Mark>> = { b: "b", i: "i", u: "u", s: "s", spoiler: "spoiler", a: "link", code: "code" };

/** The characters Telegram's Android client puts in place of a spoiler in a notification (NotificationsController). */
const SPOILER_CHARS = ["⠌", "⡢", "⢑", "⠨", "⠥", "⠮", "⡑"];

function parseNodes(html: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; at: number; children: Node[] }[] = [{ name: "", at: 0, children: root }];
  let i = 0;
  let text = "";
  const flush = () => {
    if (text) stack.at(-1)!.children.push({ kind: "text", text: decodeEntities(text) });
    text = "";
  };
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, lt);
    flush();
    const end = tagEnd(html, lt);
    if (end < 0) throw new TelegramHtmlError(`"<" at character ${lt} starts no tag: write &lt; for a literal "<"`);
    const raw = html.slice(lt + 1, end);
    i = end + 1;
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const open = stack.at(-1)!;
      if (stack.length === 1) throw new TelegramHtmlError(`unmatched end tag </${name}> at character ${lt}`);
      if (open.name !== name)
        throw new TelegramHtmlError(`end tag </${name}> at character ${lt} does not close <${open.name}> from character ${open.at}`);
      stack.pop();
      continue;
    }
    const match = /^([a-zA-Z][a-zA-Z0-9-]*)([\s\S]*)$/.exec(raw);
    if (!match) throw new TelegramHtmlError(`"<" at character ${lt} starts no tag: write &lt; for a literal "<"`);
    const name = match[1]!.toLowerCase();
    const tag = TAGS[name];
    if (!tag) throw new TelegramHtmlError(`unsupported start tag <${name}> at character ${lt}`);
    const attrs = parseAttributes(match[2]!);
    if (name === "span" && attrs.class !== "tg-spoiler")
      throw new TelegramHtmlError(`<span> at character ${lt} must have class="tg-spoiler"`);
    const element: Node = { kind: "element", tag, attrs, children: [] };
    stack.at(-1)!.children.push(element);
    stack.push({ name, at: lt, children: element.children });
  }
  flush();
  if (stack.length > 1) throw new TelegramHtmlError(`no end tag for <${stack.at(-1)!.name}> from character ${stack.at(-1)!.at}`);
  return root;
}

/** The ">" that ends the tag opened at `lt`, skipping any inside a quoted attribute value; -1 if none. */
function tagEnd(html: string, lt: number): number {
  let quote: string | null = null;
  for (let i = lt + 1; i < html.length; i++) {
    const c = html[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return i;
    }
  }
  return -1;
}

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([a-zA-Z_:][a-zA-Z0-9_:.-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const m of source.matchAll(pattern)) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  return attrs;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name === "lt") return "<";
    if (name === "gt") return ">";
    if (name === "amp") return "&";
    if (name === "quot") return '"';
    const code = name.startsWith("#x") ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Telegram trims the whitespace around the whole message. */
function trimEnds(nodes: Node[]): Node[] {
  const texts: { text: string }[] = [];
  const walk = (list: Node[]) => {
    for (const node of list) {
      if (node.kind === "text") texts.push(node);
      else walk(node.children);
    }
  };
  walk(nodes);
  for (const node of texts) {
    node.text = node.text.trimStart();
    if (node.text) break;
  }
  for (const node of texts.toReversed()) {
    node.text = node.text.trimEnd();
    if (node.text) break;
  }
  return nodes;
}

function textOf(nodes: readonly Node[]): string {
  return nodes.map((n) => (n.kind === "text" ? n.text : textOf(n.children))).join("");
}

function plain(nodes: readonly Node[], hideSpoilers: boolean): string {
  let counter = 0;
  const walk = (list: readonly Node[], hidden: boolean): string =>
    list
      .map((n) => {
        if (n.kind === "element") return walk(n.children, hidden || n.tag === "spoiler");
        if (!hidden || !hideSpoilers) return n.text;
        return [...n.text].map(() => SPOILER_CHARS[counter++ % SPOILER_CHARS.length]).join("");
      })
      .join("");
  return walk(nodes, false);
}

/** Inline content → lines; pre and blockquote → blocks of their own, as the clients lay them out. */
function toBlocks(nodes: readonly Node[]): Block[] {
  const blocks: Block[] = [];
  let segments: Segment[] = [];
  const flushText = () => {
    if (segments.length > 0) blocks.push({ kind: "text", lines: splitLines(segments) });
    segments = [];
  };
  for (const node of nodes) {
    if (node.kind === "element" && node.tag === "pre") {
      flushText();
      const inner = node.children.length === 1 ? node.children[0] : undefined;
      const language =
        inner?.kind === "element" && inner.tag === "code" ? (/^language-(.+)$/.exec(inner.attrs.class ?? "")?.[1] ?? null) : null;
      const code = textOf(node.children);
      blocks.push({ kind: "pre", language, lines: code.split("\n"), length: code.length });
    } else if (node.kind === "element" && node.tag === "quote") {
      flushText();
      blocks.push({ kind: "quote", expandable: "expandable" in node.attrs, lines: splitLines(inlineSegments(node.children, [])) });
    } else {
      segments.push(...inlineSegments([node], []));
    }
  }
  flushText();
  return dropBlockNewlines(blocks);
}

function inlineSegments(nodes: readonly Node[], marks: readonly Mark[]): Segment[] {
  return nodes.flatMap((node): Segment[] => {
    if (node.kind === "text")
      return marks.includes("code") || marks.includes("link") ? [{ text: node.text, marks }] : autoLinks(node.text, marks);
    const mark = INLINE_MARK[node.tag];
    // A block nested where Telegram allows none (a <pre> in a <b>) keeps its text, as the clients show it.
    if (node.tag === "code" || node.tag === "pre") return [{ text: textOf(node.children), marks: [...marks, "code"] }];
    return inlineSegments(node.children, mark && !marks.includes(mark) ? [...marks, mark] : marks);
  });
}

/**
 * Telegram's servers turn URLs, @usernames, #hashtags, $CASHTAGS and /commands into entities, so the
 * clients show them as links although the HTML has no <a>.
 */
const AUTO_LINK =
  /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)'\]]|(?<![\w@])@[a-zA-Z][a-zA-Z0-9_]{4,31}\b|(?<![\w#])#[\p{L}_][\p{L}\p{N}_]*|(?<![\w$])\$[A-Z]{1,8}\b|(?<![\w/<>])\/[a-zA-Z][a-zA-Z0-9_]{0,31}(?:@[a-zA-Z][a-zA-Z0-9_]*bot)?\b)/gu;

function autoLinks(text: string, marks: readonly Mark[]): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(AUTO_LINK)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), marks });
    out.push({ text: m[0], marks: [...marks, "link"] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), marks });
  return out;
}

function splitLines(segments: readonly Segment[]): Line[] {
  const lines: Segment[][] = [[]];
  for (const segment of segments) {
    segment.text.split("\n").forEach((part, index) => {
      if (index > 0) lines.push([]);
      if (part) lines.at(-1)!.push({ text: part, marks: segment.marks });
    });
  }
  return lines;
}

/** The "\n" right before and right after a pre or quote block is absorbed by the block's own margin. */
function dropBlockNewlines(blocks: Block[]): Block[] {
  return blocks
    .map((block, index) => {
      if (block.kind !== "text") return block;
      let lines = [...block.lines];
      const before = blocks[index - 1];
      const after = blocks[index + 1];
      if (before && before.kind !== "text" && lines.length > 1 && lines[0]!.length === 0) lines = lines.slice(1);
      if (after && after.kind !== "text" && lines.length > 1 && lines.at(-1)!.length === 0) lines = lines.slice(0, -1);
      return { ...block, lines };
    })
    .filter((block) => block.kind !== "text" || block.lines.some((line) => line.length > 0) || block.lines.length > 1);
}
