/**
 * @module Dev tool: screenshots of pfbot's own messages as a 380 dp phone shows them, built by pfbot's renderers
 * (src/render/status.ts, src/render/history-view.ts) from the hand-made snapshots the golden tests pin
 * (test/render/examples.ts): the report complete, partial, with the rate down, with several accounts, with privacy
 * on, with every kind of change line, its Details, /history in USD, RUB and with privacy, the view by platform, the
 * lock screen's notifications; plus the probes issue #16
 * needed (how many monospace characters fit in a <pre> line) and the formatting the tool supports.
 *
 *   bun scripts/screenshot-samples.ts [--out-dir DIR] [--width 380] [--readme]
 *
 * Writes the PNGs (default /tmp/pfbot-screenshots) and prints each one's layout report; --readme also writes the
 * README's example, docs/status.png.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { renderHistory } from "../src/render/history-view.ts";
import { renderPlatformView } from "../src/render/platform-view.ts";
import { renderStatus, type StatusOptions } from "../src/render/status.ts";
import { changes, snapshotChanges } from "../src/snapshot/changes.ts";
import type { Snapshot } from "../src/snapshot/snapshot.ts";
import {
  changesOf,
  completePortfolio,
  fxDownPortfolio,
  historyWithGaps,
  mixedHistory,
  multiAccountPortfolio,
  OPTIONS,
  partialPortfolio,
  recorded,
  reportHistory,
  sampleDays,
  TODAY,
} from "../test/render/examples.ts";
import { screenshot } from "./chromium.ts";
import { describeLayout, type ScreenshotOptions, screenshotWithLayout, type TelegramMessage } from "./screenshot.ts";

const { values } = parseArgs({
  options: {
    "out-dir": { type: "string", default: "/tmp/pfbot-screenshots" },
    width: { type: "string", default: "380" },
    readme: { type: "boolean", default: false },
  },
});
const outDir = resolve(values["out-dir"]);
const width = Number(values.width);
mkdirSync(outDir, { recursive: true });

/** The /status keyboard as issue #16 lays it out (the bot builds the real one). */
const keyboard = (details: boolean) => [["🔄 Refresh", "📅 History"], details ? ["⚙️ Settings", "ℹ️ Details"] : ["⚙️ Settings"]];
const HISTORY_KEYBOARD = [
  ["· $ USD ·", "₽ RUB"],
  ["🏦 By platform", "⬅️ Status"],
];

function status(snapshot: Snapshot, options: Partial<StatusOptions> = {}, extra: Partial<TelegramMessage> = {}): TelegramMessage {
  const view = renderStatus(snapshot, { ...OPTIONS, ...options });
  return { html: view.html, keyboard: keyboard(view.details !== null), ...extra };
}

/** 26 Nov by platform against 19 Nov: OKX gone since, Binance new. */
function platformView(privacy: boolean): string {
  const day = recorded("2026-11-26", { bybit: "123456.78", tbank: "183903.05", ibkr: "45533.77", binance: "38120.40" });
  const change = changes(day, reportHistory()).periods["7d"];
  return renderPlatformView({ day, change, newer: null, privacy, today: TODAY }).html;
}

const partialView = renderStatus(partialPortfolio(), { ...OPTIONS, changes: changesOf(partialPortfolio()) });
const history = (currency: "USD" | "RUB", privacy: boolean) =>
  renderHistory(historyWithGaps(), { currency, privacy, samples: [], today: TODAY }).html;

const samples: [string, TelegramMessage[], Partial<ScreenshotOptions>][] = [
  ["status", [status(completePortfolio(), {}, { silent: true })], {}],
  ["status-breakdown", [status(completePortfolio(), { includeBreakdown: true }, { silent: true })], {}],
  ["status-partial", [status(partialPortfolio(), { changes: changesOf(partialPortfolio()) })], {}],
  // Every kind of change line: 1D vs an imported day, 30D too, platforms added and removed since 7D and YTD.
  ["status-changes", [status(completePortfolio(), { changes: snapshotChanges(completePortfolio(), { since: mixedHistory }) })], {}],
  ["status-details", [{ html: partialView.details ?? "", keyboard: [["⬅️ Back"]], edited: true }], {}],
  ["status-fx-down", [status(fxDownPortfolio(), { changes: changesOf(fxDownPortfolio()) })], {}],
  ["status-accounts", [status(multiAccountPortfolio(), {}, { silent: true })], {}],
  ["status-privacy", [status(completePortfolio("Asia/Tokyo"), { privacy: true, includeBreakdown: true }, { silent: true })], {}],
  ["history", [{ html: history("USD", false), keyboard: HISTORY_KEYBOARD }], {}],
  [
    "history-rub",
    [
      {
        html: history("RUB", false),
        keyboard: [
          ["$ USD", "· ₽ RUB ·"],
          ["🏦 By platform", "⬅️ Status"],
        ],
        edited: true,
      },
    ],
    {},
  ],
  ["history-privacy", [{ html: history("USD", true), keyboard: HISTORY_KEYBOARD }], {}],
  ["history-platforms", [{ html: platformView(false), keyboard: [["📅 By day", "⬅️ Status"]], edited: true }], {}],
  ["history-platforms-privacy", [{ html: platformView(true), keyboard: [["📅 By day", "⬅️ Status"]], edited: true }], {}],
  [
    "history-samples",
    [
      {
        html: renderHistory([], { currency: "USD", privacy: false, samples: sampleDays(), today: TODAY }).html,
        keyboard: HISTORY_KEYBOARD,
      },
    ],
    {},
  ],
  ["pre-fit", preFit(), {}],
  [
    "formatting",
    [{ html: formattingHtml() }, { html: "A reply with <b>no</b> keyboard: the bubble keeps its tail.", time: "13:06", edited: true }],
    {},
  ],
  [
    "photo",
    [
      {
        photo: await chartPng(),
        caption: "<b>$391,014</b> · 30 days ▲ $12,480 (+3.3%)\nlow $371,200 (3 Nov) · high $392,010 (24 Nov)",
        keyboard: [
          ["30", "90", "365", "All"],
          ["USD", "RUB"],
        ],
      },
    ],
    {},
  ],
  [
    "notification",
    [
      { html: renderStatus(completePortfolio(), OPTIONS).html, silent: true, time: "13:05" },
      { html: partialView.html, time: "15:05" },
      { html: renderStatus(completePortfolio(), { ...OPTIONS, privacy: true }).html, silent: true, time: "17:05" },
    ],
    { notification: true },
  ],
];

for (const [name, messages, options] of samples) {
  const report = await screenshotWithLayout(messages, { out: join(outDir, `${name}.png`), width, ...options });
  console.log(describeLayout(report));
}
if (values.readme) {
  const target = resolve(import.meta.dir, "../docs/status.png");
  copyFileSync(join(outDir, "status.png"), target);
  // The wallpaper's gradient makes a 290 KB PNG; 256 colours draw the same picture in a quarter of that.
  const pngquant = Bun.which("pngquant");
  if (pngquant) Bun.spawnSync([pngquant, "--quality", "80-95", "--speed", "1", "--force", "--output", target, target]);
  console.log(`docs/status.png written${pngquant ? "" : " (apt-get install pngquant makes it 4 times smaller)"}`);
}

/**
 * Three <pre> blocks of the same 36- to 40-character rows, sized so Telegram picks each of its three
 * code font sizes (14 px up to 80 characters, 13 px up to 220, 11 px beyond): where each one wraps is the
 * answer to "how many monospace characters fit on a line".
 */
function preFit(): TelegramMessage[] {
  const ruler = (n: number) => Array.from({ length: n }, (_, i) => String((i + 1) % 10)).join("");
  const rows36 = ["26.11 Thu  $391,014  ₽31.46M  ▲0.4%  ", "25.11 Wed  $389,420  ₽31.33M  ▼1.2%  "].map((r) => r.trimEnd().padEnd(36, "·"));
  const short = [ruler(33), ruler(34)].join("\n");
  const medium = [ruler(36), ruler(37), ...rows36].join("\n");
  const long = [ruler(43), ruler(44), ...Array.from({ length: 6 }, () => rows36).flat(), ruler(36)].join("\n");
  return [
    { html: `<b>14 px</b> (≤ 80 characters)\n<pre>${short}</pre>` },
    { html: `<b>13 px</b> (81–220 characters)\n<pre>${medium}</pre>` },
    { html: `<b>11 px</b> (over 220 characters)\n<pre>${long}</pre>` },
  ];
}

function formattingHtml(): string {
  return [
    "<b>bold</b>, <i>italic</i>, <b><i>both</i></b>, <u>underline</u>, <s>strike</s>, <code>inline code</code>",
    'A <a href="https://example.org/?a=1&amp;b=2">link</a>, a bare https://example.org/x, /status, @pfbot_bot, #tag, $BTC',
    "Entities: &lt;b&gt; &amp; &quot;quoted&quot; &#8381; &#x1F4C8;",
    "Hostile input stays text: &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;",
    "<blockquote>A quote, 14 px, as Telegram sets it.</blockquote>",
    "<blockquote expandable>An expandable quote is shown folded to three lines. Line two of it goes on and on so that it wraps. Line three. Line four is hidden.</blockquote>",
    '<pre><code class="language-json">{"usd": 391014.25}</code></pre>',
    "Кириллица и ₽ в тексте: Брокерский счёт 2001 — ₽ 11,870,001",
  ].join("\n");
}

/** A stand-in chart (until issue #17 draws real ones): an SVG made into a PNG by the same Chromium. */
async function chartPng(): Promise<string> {
  const svgPath = join(outDir, "sample-chart.svg");
  const pngPath = join(outDir, "sample-chart.png");
  const points = Array.from({ length: 30 }, (_, i) => `${40 + i * 20},${300 - (i * 5 + ((i * 37) % 60))}`).join(" ");
  writeFileSync(
    svgPath,
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360"><rect width="640" height="360" fill="#fff"/><g stroke="#e3e7eb">${[80, 150, 220, 290].map((y) => `<line x1="40" x2="620" y1="${y}" y2="${y}"/>`).join("")}</g><polyline points="${points}" fill="none" stroke="#2a9ef1" stroke-width="4" stroke-linejoin="round"/><circle cx="620" cy="${300 - (29 * 5 + ((29 * 37) % 60))}" r="7" fill="#2a9ef1"/><text x="40" y="40" font-family="Roboto" font-size="24" fill="#333">Portfolio, USD · 30 days</text></svg>`,
  );
  await screenshot(pathToFileURL(svgPath).href, pngPath, 640, 360, 1);
  rmSync(svgPath);
  return pngPath;
}
