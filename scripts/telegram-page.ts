/**
 * @module One self-contained HTML page that imitates Telegram for Android (light "Day" theme, default
 * wallpaper, font size 16) showing bot messages in a phone-wide chat column, or the same messages as
 * lock-screen notifications. Every string from a message is escaped here; the only markup is this
 * file's own. The page loads nothing (CSP default-src 'none'; photos are data: URIs) and measures
 * itself: a script writes the page height and, per message, which lines wrap and how many monospace
 * characters fit in each <pre>, into #pfbot-layout for the caller to read.
 *
 * Sizes are Telegram Android's, in dp = CSS px (Theme.createCommonMessageResources,
 * MessageObject.getMaxMessageTextWidth and generateLayout): message text 16, inline button 15 medium,
 * time 12; text wraps at screen width − 80; a code block wraps at that − 15, in a monospace font of
 * 14 (≤ 80 characters), 13 (≤ 220) or 11 (longer); a quote is 14.
 */
import type { Block, Line, Mark, ParsedMessage } from "./telegram-html.ts";

export interface PageMessage {
  readonly parsed: ParsedMessage;
  readonly keyboard: readonly (readonly string[])[];
  /** data: URI of the photo, shown above the caption (then `parsed` is the caption). */
  readonly photo: string | null;
  /** A document's name and size, shown as Telegram shows a file above its caption (then `parsed` is the caption). */
  readonly document: { readonly name: string; readonly size: number } | null;
  readonly time: string;
  readonly edited: boolean;
  readonly silent: boolean;
}

export interface PageOptions {
  /** The phone screen (= chat column) width in CSS px, which are Android dp. */
  readonly width: number;
  readonly mode: "chat" | "notification";
  /** Lines of text a collapsed notification shows. */
  readonly notificationLines: number;
}

export const LAYOUT_ELEMENT_ID = "pfbot-layout";

export function buildPage(messages: readonly PageMessage[], options: PageOptions): string {
  const body = options.mode === "chat" ? chat(messages, options.width) : notifications(messages, options);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>${css(options.width, options.notificationLines)}</style></head>
<body>${body}
<script id="${LAYOUT_ELEMENT_ID}" type="application/json"></script>
<script>${MEASURE}</script>
</body></html>
`;
}

/** Android's code-block font size by the block's length in characters (MessageObject.generateLayout). */
export function codeFontPx(length: number): number {
  return length > 220 ? 11 : length > 80 ? 13 : 14;
}

function chat(messages: readonly PageMessage[], width: number): string {
  return `<div id="root" class="chat">${messages.map((m, i) => chatMessage(m, i, width, i === messages.length - 1)).join("")}</div>`;
}

/** Consecutive messages form a group, as in Telegram: only the last bubble has the tail. */
function chatMessage(message: PageMessage, index: number, width: number, lastInGroup: boolean): string {
  const hasKeyboard = message.keyboard.length > 0;
  const time = `${message.edited ? "edited " : ""}${message.time}`;
  const blocks = message.parsed.blocks;
  const photoOnly = message.photo !== null && blocks.length === 0;
  const photoWidth = Math.floor(width * 0.7);
  const shape = hasKeyboard ? "with-keyboard" : lastInGroup ? "tail" : "grouped";
  const classes = ["bubble", shape, index > 0 ? "follows" : "", message.photo ? "media" : "", photoOnly ? "photo-only" : ""]
    .filter(Boolean)
    .join(" ");
  const photo = message.photo ? `<img class="photo" style="width:${photoWidth}px" alt="" src="${escapeHtml(message.photo)}">` : "";
  const content =
    blocks.length > 0
      ? `<div class="content"${message.photo ? ` style="max-width:${photoWidth - 16}px"` : ""}>${renderBlocks(blocks, time)}</div>`
      : "";
  const document = message.document ? documentRow(message.document) : "";
  const tail = shape === "tail" ? TAIL_SVG : "";
  const keyboard = hasKeyboard
    ? `<div class="keyboard">${message.keyboard.map((row) => `<div class="krow">${row.map((text) => `<div class="btn"><span>${escapeHtml(text)}</span></div>`).join("")}</div>`).join("")}</div>`
    : "";
  return `<div class="row" data-message="${index}"><div class="stack"><div class="${classes}">${tail}${photo}${document}${content}<span class="time${photoOnly ? " on-media" : ""}">${escapeHtml(time)}</span></div>${keyboard}</div></div>`;
}

/** A file as Telegram shows it: a round icon with its extension, its name, and its size. */
function documentRow(document: { readonly name: string; readonly size: number }): string {
  const extension = /\.([a-z0-9]{1,4})$/i.exec(document.name)?.[1]?.toUpperCase() ?? "FILE";
  const size =
    document.size < 1024
      ? `${document.size} B`
      : document.size < 1024 * 1024
        ? `${(document.size / 1024).toFixed(1)} KB`
        : `${(document.size / 1024 / 1024).toFixed(1)} MB`;
  return `<div class="doc"><div class="doc-icon">${escapeHtml(extension)}</div><div class="doc-meta"><div class="doc-name">${escapeHtml(document.name)}</div><div class="doc-size">${escapeHtml(size)}</div></div></div>`;
}

/** The time sits in the last line when it fits there, as in Telegram: an invisible copy reserves its room. */
function renderBlocks(blocks: readonly Block[], time: string): string {
  const spacer = `<span class="spacer">${escapeHtml(time)}</span>`;
  return blocks
    .map((block, index) => {
      const last = index === blocks.length - 1;
      if (block.kind === "pre") {
        const lang = block.language ? `<div class="lang">${escapeHtml(block.language)}</div>` : "";
        const lines = block.lines.map((line) => `<div class="pl"><span class="t">${escapeHtml(line)}</span></div>`).join("");
        return `<div class="pre" style="font-size:${codeFontPx(block.length)}px">${lang}${lines}</div>${last ? `<div class="time-row">${spacer}</div>` : ""}`;
      }
      const lines = block.lines
        .map((line, i) => renderLine(line, last && block.kind === "text" && i === block.lines.length - 1 ? spacer : ""))
        .join("");
      if (block.kind === "quote")
        return `<div class="quote${block.expandable ? " expandable" : ""}">${QUOTE_SVG}<div class="qb">${lines}</div>${block.expandable ? CHEVRON_SVG : ""}</div>${last ? `<div class="time-row">${spacer}</div>` : ""}`;
      return lines;
    })
    .join("");
}

function renderLine(line: Line, trailer: string): string {
  const inner = line.map((segment) => wrapMarks(escapeHtml(segment.text), segment.marks)).join("");
  return `<div class="ln"><span class="t">${inner}</span>${trailer}</div>`;
}

const MARK_HTML: Readonly<Record<Mark, readonly [string, string]>> = {
  b: ['<span class="b">', "</span>"],
  i: ['<span class="i">', "</span>"],
  u: ['<span class="u">', "</span>"],
  s: ['<span class="s">', "</span>"],
  link: ['<span class="link">', "</span>"],
  code: ['<span class="code">', "</span>"],
  // The dots are the outer span's background; the inner one hides the text, colour emoji included.
  spoiler: ['<span class="spoiler"><span class="hidden">', "</span></span>"],
};

function wrapMarks(html: string, marks: readonly Mark[]): string {
  return marks.reduceRight((inner, mark) => `${MARK_HTML[mark][0]}${inner}${MARK_HTML[mark][1]}`, html);
}

function notifications(messages: readonly PageMessage[], options: PageOptions): string {
  const clock = messages.at(-1)?.time ?? "";
  const cards = messages.map((message, index) => {
    const text = message.photo
      ? `🖼 ${message.parsed.notificationText || "Photo"}`
      : message.document
        ? `📎 ${message.parsed.notificationText || message.document.name}`
        : message.parsed.notificationText;
    const silent = message.silent ? `<span class="silent" title="sent with disable_notification">🔕 silent</span>` : "";
    return `<div class="card" data-message="${index}"><div class="head">${TELEGRAM_ICON_SVG}<span>Telegram</span><span class="dot">•</span><span>now</span>${silent}</div><div class="main"><div class="avatar">P</div><div class="texts"><div class="title">pfbot</div><div class="body">${escapeHtml(text)}</div></div></div></div>`;
  });
  return `<div id="root" class="lock" style="width:${options.width}px"><div class="clock">${escapeHtml(clock)}</div>${cards.join("")}</div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const ACCENT = "#2678b6";

function css(width: number, notificationLines: number): string {
  const textMax = width - 80;
  return `
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff}
body{width:${width}px;font-family:Roboto,"Noto Sans",sans-serif,"Noto Color Emoji";-webkit-font-smoothing:antialiased;text-rendering:geometricPrecision}
.chat{padding:10px 0 6px;background:#d7deb4;
  background-image:radial-gradient(circle at 85% 10%,#dbddbb 0,rgba(219,221,187,0) 55%),radial-gradient(circle at 30% 28%,#8fbf99 0,rgba(143,191,153,0) 60%),radial-gradient(circle at 18% 92%,#d5d88d 0,rgba(213,216,141,0) 55%),radial-gradient(circle at 70% 78%,#88b884 0,rgba(136,184,132,0) 60%);}
.capture #root{min-height:100vh}
.capture .chat{display:flex;flex-direction:column;justify-content:flex-end}
.row{padding:0 0 0 14px;margin-bottom:4px}
.stack{display:inline-flex;flex-direction:column;max-width:${textMax + 20}px;vertical-align:top}
.bubble{position:relative;background:#fff;border-radius:16px;padding:6px 10px 6px 10px;box-shadow:0 1px 1px rgba(0,0,0,.13)}
.bubble.tail{border-bottom-left-radius:4px}
.bubble.grouped{border-bottom-left-radius:6px}
.bubble.follows{border-top-left-radius:6px}
.bubble.with-keyboard{border-bottom-left-radius:6px;border-bottom-right-radius:6px}
.tail-svg{position:absolute;left:-7px;bottom:0;width:11px;height:17px}
.bubble.media{padding:2px}
.bubble.media .content{padding:4px 8px 4px}
.photo{display:block;height:auto;border-radius:14px 14px 4px 4px;object-fit:cover}
.bubble.photo-only .photo{border-radius:14px}
.bubble.photo-only.tail .photo{border-bottom-left-radius:3px}
.bubble.photo-only.grouped .photo{border-bottom-left-radius:5px}
.bubble.photo-only.with-keyboard .photo{border-bottom-left-radius:5px;border-bottom-right-radius:5px}
.doc{display:flex;align-items:center;gap:12px;padding:4px 2px 6px;min-width:${Math.min(textMax, 260)}px}
.doc-icon{flex:none;width:44px;height:44px;border-radius:50%;background:${ACCENT};color:#fff;font:500 12px/44px Roboto,sans-serif;text-align:center}
.doc-name{font:500 15px/19px Roboto,sans-serif;color:#000;overflow-wrap:anywhere}
.doc-size{font-size:13px;line-height:18px;color:#8a8a8a}
.content{max-width:${textMax}px;font-size:16px;line-height:20px;color:#000;overflow-wrap:anywhere}
.ln{white-space:pre-wrap;min-height:20px}
.b{font-weight:500}.i{font-style:italic}.u{text-decoration:underline}.s{text-decoration:line-through}
.link{color:${ACCENT}}
.code{font-family:"Noto Sans Mono","Droid Sans Mono","DejaVu Sans Mono",monospace;font-size:15px;background:rgba(0,0,0,.06);border-radius:4px;padding:0 1px}
.spoiler{background-image:url("${SPOILER_TILE}");background-size:48px 20px}
.spoiler .hidden{opacity:0}
.pre{margin:4px 0;border-radius:6px;background:rgba(38,120,182,.09);border-left:3px solid ${ACCENT};padding:4px 5px 5px 7px;
  font-family:"Noto Sans Mono","Droid Sans Mono","DejaVu Sans Mono",monospace;line-height:1.3;color:#000}
.pre .lang{font:500 13px/18px Roboto,sans-serif;color:${ACCENT}}
.pl{white-space:pre-wrap;overflow-wrap:anywhere;min-height:1.3em}
.quote{position:relative;margin:4px 0;border-radius:6px;background:rgba(38,120,182,.09);border-left:3px solid ${ACCENT};padding:3px 22px 4px 7px;font-size:14px;line-height:18px}
.quote .ln{min-height:18px}
.quote.expandable .qb{max-height:54px;overflow:hidden}
.chevron-svg{position:absolute;right:5px;bottom:5px;width:10px;height:6px}
.quote-svg{position:absolute;right:5px;top:5px;width:9px;height:9px}
.time{position:absolute;right:9px;bottom:4px;font-size:12px;line-height:14px;color:#a1aab3;white-space:nowrap}
.time.on-media{color:#fff;background:rgba(0,0,0,.35);border-radius:10px;padding:2px 7px;right:8px;bottom:8px}
.spacer{display:inline-block;visibility:hidden;font-size:12px;line-height:14px;margin-left:10px;white-space:nowrap}
.time-row{text-align:right;height:14px;line-height:14px}
.keyboard{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.krow{display:flex;gap:4px}
.btn{flex:1 1 0;min-width:0;height:40px;border-radius:6px;background:rgba(38,82,46,.34);color:#fff;font-size:15px;font-weight:500;
  display:flex;align-items:center;justify-content:center;padding:0 8px}
.btn span{overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.krow:last-child .btn:first-child{border-bottom-left-radius:16px}
.krow:last-child .btn:last-child{border-bottom-right-radius:16px}
.lock{min-height:200px;padding:28px 8px 16px;background:linear-gradient(160deg,#2c3e50 0%,#44607a 45%,#6f7f8f 100%);color:#fff}
.clock{text-align:center;font-size:64px;font-weight:300;line-height:72px;margin-bottom:24px}
.card{background:rgba(248,249,251,.96);color:#1b1b1f;border-radius:24px;padding:12px 16px 14px;margin-bottom:8px}
.head{display:flex;align-items:center;gap:6px;font-size:12px;line-height:16px;color:#5f6368;margin-bottom:8px}
.head .dot{color:#9aa0a6}
.head .silent{margin-left:auto}
.tg-svg{width:16px;height:16px}
.main{display:flex;gap:12px;align-items:flex-start}
.avatar{flex:0 0 40px;height:40px;border-radius:50%;background:linear-gradient(#72d5fd,#2a9ef1);color:#fff;font:500 18px/40px Roboto,sans-serif;text-align:center}
.texts{min-width:0;flex:1}
.title{font-size:15px;font-weight:500;line-height:20px}
.body{font-size:14px;line-height:20px;color:#3c4043;white-space:pre-line;overflow-wrap:anywhere;
  display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:${notificationLines};overflow:hidden}
`;
}

/** Telegram draws a spoiler as a cloud of particles; a tile of pseudo-random dots (fixed seed) stands in for it. */
const SPOILER_TILE = (() => {
  let seed = 7;
  const next = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  };
  const dots = Array.from(
    { length: 110 },
    () =>
      `<circle cx='${(next() * 48).toFixed(1)}' cy='${(next() * 20).toFixed(1)}' r='${(0.45 + next() * 0.35).toFixed(2)}' fill-opacity='${(0.3 + next() * 0.55).toFixed(2)}'/>`,
  );
  return `data:image/svg+xml,${encodeURIComponent(`<svg xmlns='http://www.w3.org/2000/svg' width='48' height='20'>${dots.join("")}</svg>`)}`;
})();
const TAIL_SVG = `<svg class="tail-svg" viewBox="0 0 11 17" aria-hidden="true"><path d="M11 0v17H1.5C.4 17-.2 15.8.5 14.9 3.6 11.2 8.6 6.6 11 0z" fill="#fff"/></svg>`;
const QUOTE_SVG = `<svg class="quote-svg" viewBox="0 0 9 9" aria-hidden="true"><path d="M0 4.5C0 2 1.3.6 3.6 0l.4.9C2.7 1.4 2 2.2 2 3.3h1.9V9H0zm5 0C5 2 6.3.6 8.6 0l.4.9C7.7 1.4 7 2.2 7 3.3h1.9V9H5z" fill="${ACCENT}"/></svg>`;
const CHEVRON_SVG = `<svg class="chevron-svg" viewBox="0 0 10 6" aria-hidden="true"><path d="M1 1l4 4 4-4" fill="none" stroke="${ACCENT}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const TELEGRAM_ICON_SVG = `<svg class="tg-svg" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="8" fill="#2aabee"/><path d="M3.6 7.8l7.6-3c.4-.1.7.1.6.6l-1.3 6c-.1.4-.4.5-.8.3l-2-1.5-1 .9c-.1.1-.2.2-.4.2l.1-2 3.7-3.4c.2-.1 0-.2-.2-.1L5.3 8.7l-2-.6c-.4-.1-.4-.4.3-.3z" fill="#fff"/></svg>`;

/**
 * Runs in the page: writes {height, messages: [...]} as JSON into #pfbot-layout. A line's rows are
 * the distinct tops of its text's boxes, so the reserved room for the time never counts as a wrap.
 * Opened as page.html#capture (the screenshot pass) it only stretches the chat to the window's height,
 * messages at the bottom as in a chat, for captures taller than the content.
 */
const MEASURE = `(() => {
  if (location.hash === "#capture") { document.documentElement.classList.add("capture"); return; }
  const rowsOf = (el) => { const tops = new Set(); for (const r of el.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top)); return Math.max(1, tops.size); };
  const advanceOf = (font) => { const probe = document.createElement("span"); probe.style.cssText = "position:absolute;white-space:pre;visibility:hidden;font:" + font; probe.textContent = "0".repeat(100); document.body.appendChild(probe); const w = probe.getBoundingClientRect().width / 100; probe.remove(); return w; };
  const messages = [...document.querySelectorAll("[data-message]")].map((el) => {
    const lines = [...el.querySelectorAll(".ln")].map((ln) => { const t = ln.querySelector(".t"); return { text: t.textContent, rows: rowsOf(t) }; });
    const pre = [...el.querySelectorAll(".pre")].map((block) => {
      const style = getComputedStyle(block);
      const width = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const advance = advanceOf(style.font);
      const rows = [...block.querySelectorAll(".pl .t")].map((t) => ({ chars: [...t.textContent].length, rows: t.textContent ? rowsOf(t) : 1 }));
      return { fontPx: parseFloat(style.fontSize), widthPx: Math.round(width * 10) / 10, advancePx: Math.round(advance * 1000) / 1000, charsPerLine: Math.floor((width + 0.01) / advance), longestLine: Math.max(0, ...rows.map((r) => r.chars)), lines: rows.length, wrappedLines: rows.filter((r) => r.rows > 1).length, rows: rows.reduce((n, r) => n + r.rows, 0) };
    });
    const body = el.querySelector(".body");
    const bubble = el.querySelector(".stack");
    return { lines, pre, widthPx: bubble ? Math.round(bubble.getBoundingClientRect().width) : null, truncated: body ? body.scrollHeight > body.clientHeight + 1 : null };
  });
  const height = Math.ceil(document.getElementById("root").getBoundingClientRect().bottom);
  document.getElementById("${LAYOUT_ELEMENT_ID}").textContent = JSON.stringify({ height, messages }).replace(/</g, "\\\\u003c");
})();`;
