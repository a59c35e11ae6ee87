/**
 * @module Dev tool: screenshots of pfbot's own messages as a 380 dp phone shows them, built by pfbot's
 * renderers (src/format.ts, src/history-view.ts) from hand-made snapshots, plus the probes issue #16
 * needs (how many monospace characters fit in a <pre> line) and the formatting the tool supports.
 *
 *   bun scripts/screenshot-samples.ts [--out-dir DIR] [--width 380]
 *
 * Writes the PNGs (default /tmp/pfbot-screenshots) and prints each one's layout report.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { FxResult } from "../src/fx/source.ts";
import type { DayRecord } from "../src/history/store.ts";
import { dec } from "../src/lib/money.ts";
import { type PlatformBalance, PlatformError, type PlatformId } from "../src/platforms/types.ts";
import { renderHistory } from "../src/render/history-view.ts";
import { type Change, formatSnapshotHtml } from "../src/render/message.ts";
import { combine, type PlatformRow, rowOf } from "../src/snapshot/snapshot.ts";
import { screenshot } from "./chromium.ts";
import { describeLayout, type ScreenshotOptions, screenshotWithLayout, type TelegramMessage } from "./screenshot.ts";

const { values } = parseArgs({
  options: { "out-dir": { type: "string", default: "/tmp/pfbot-screenshots" }, width: { type: "string", default: "380" } },
});
const outDir = resolve(values["out-dir"]);
const width = Number(values.width);
mkdirSync(outDir, { recursive: true });

const STATUS_KEYBOARD = [
  ["🔄 Refresh", "📅 History"],
  ["⚙️ Settings", "ℹ️ Details"],
];
const TAKEN = new Date("2026-11-26T12:05:00Z");
const FX: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: {
    source: "CBR",
    date: "2026-11-26",
    fetchedAt: TAKEN.getTime(),
    rubPerUnit: new Map([
      ["USD", dec("80.45")],
      ["EUR", dec("93.10")],
    ]),
  },
};
const CHANGE: Change = { kind: "change", usd: dec("1534.20"), pct: dec("0.39"), since: "2026-11-25" };

const complete = combine(rows(false), FX, TAKEN, "Europe/Paris");
const partial = combine(rows(true), FX, TAKEN, "Europe/Paris");
const statusHtml = formatSnapshotHtml(complete, { includeBreakdown: false, change: CHANGE });

const samples: [string, TelegramMessage[], Partial<ScreenshotOptions>][] = [
  ["status", [{ html: statusHtml, keyboard: STATUS_KEYBOARD, silent: true }], {}],
  ["status-long", [{ html: formatSnapshotHtml(partial, { includeBreakdown: true, change: CHANGE }), keyboard: STATUS_KEYBOARD }], {}],
  ["history", [{ html: renderHistory(history(31)).html, keyboard: [["◀", "USD · RUB", "▶"]] }], {}],
  ["pre-fit", preFit(), {}],
  ["privacy", [{ html: privacyHtml(), keyboard: STATUS_KEYBOARD, silent: true }], {}],
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
      { html: statusHtml, silent: true, time: "13:05" },
      { html: formatSnapshotHtml(partial, { includeBreakdown: false, change: null }), time: "14:05" },
      { html: privacyHtml(), silent: true, time: "15:05" },
    ],
    { notification: true },
  ],
];

for (const [name, messages, options] of samples) {
  const report = await screenshotWithLayout(messages, { out: join(outDir, `${name}.png`), width, ...options });
  console.log(describeLayout(report));
}

function rows(broken: boolean): PlatformRow[] {
  const rates = FX.ok ? FX.rates : null;
  const balance = (platform: PlatformId, partial: Partial<PlatformBalance>): PlatformBalance => ({
    platform,
    holdings: [],
    assets: [],
    asOf: null,
    source: "sample",
    warnings: [],
    leftOut: [],
    ...partial,
  });
  const usd = (amount: string) => ({ label: "account", money: { currency: "USD", amount: dec(amount) }, asOf: null });
  const bybit = rowOf(
    balance("bybit", {
      holdings: [usd("123456.78")],
      assets: [
        { asset: "BTC", usd: dec("80210.10") },
        { asset: "ETH", usd: dec("21400.20") },
        { asset: "USDT", usd: dec("12500") },
        { asset: "SOL", usd: dec("5200.5") },
        { asset: "XRP", usd: dec("2500") },
        { asset: "DOGE", usd: dec("856.42") },
        { asset: "ADA", usd: dec("399.56") },
      ],
    }),
    rates,
    120,
  );
  const okx = broken
    ? failed(
        "okx",
        new PlatformError("okx", "auth", "OKX rejected the API key (50111): check OKX_API_KEY, OKX_API_SECRET and OKX_PASSPHRASE").message,
      )
    : rowOf(
        balance("okx", {
          holdings: [usd("38120.40")],
          assets: [
            { asset: "BTC", usd: dec("30000") },
            { asset: "other (Earn, …)", usd: dec("8120.40") },
          ],
        }),
        rates,
        130,
      );
  const tbank = rowOf(
    balance("tbank", {
      holdings: [
        { label: "Брокерский 2001", money: { currency: "RUB", amount: dec("11870000.50") }, asOf: null },
        { label: "ИИС 2002", money: { currency: "RUB", amount: dec("2925000") }, asOf: null },
      ],
      warnings: broken
        ? [
            "account Инвесткопилка 2003 not counted: PERMISSION_DENIED (40002) from tinkoff.public.invest.api.contract.v1.OperationsService/GetPortfolio, tracking id 6f1b1c2e-9d47-4e0b-a3f4-1f0e2d3c4b5a",
          ]
        : [],
    }),
    rates,
    90,
  );
  const ibkr = rowOf(
    balance("ibkr", {
      holdings: [{ label: "U1234567", money: { currency: "EUR", amount: dec("36000") }, asOf: "2026-11-25" }],
      asOf: "2026-11-25",
    }),
    rates,
    900,
  );
  return [bybit, okx, tbank, ibkr];
}

function failed(id: PlatformId, message: string): PlatformRow {
  return {
    id,
    ok: false,
    usd: null,
    native: null,
    asOf: null,
    assets: [],
    holdings: [],
    error: message,
    errorKind: "auth",
    warnings: [],
    source: null,
    durationMs: 5,
  };
}

/** Newest first, with a gap and a partial day, as the store hands them to /history. */
function history(days: number): DayRecord[] {
  const out: DayRecord[] = [];
  for (let i = 0; i < days + 2; i++) {
    if (i === 6 || i === 7) continue;
    const day = new Date(Date.UTC(2026, 10, 26 - i)).toISOString().slice(0, 10);
    const usd = (391014 - i * 420 + Math.round(Math.sin(i * 1.7) * 1800 + Math.cos(i * 0.45) * 2600) - (i === 3 ? 38000 : 0)).toFixed(2);
    out.push({
      day,
      usd: dec(usd),
      rub: dec((Number(usd) * 80.45).toFixed(2)),
      usdRub: dec("80.45"),
      complete: i !== 3,
      platforms: new Map(),
      takenAt: null,
      origin: "bot",
    });
  }
  return out.slice(0, days);
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

function privacyHtml(): string {
  return [
    "<b>Portfolio</b> · 13:05",
    "<tg-spoiler>$391,014 · ₽31.5M</tg-spoiler>",
    "▲ <tg-spoiler>$1,534</tg-spoiler> (+0.39%) since 25 Nov",
    "",
    "Crypto <tg-spoiler>$161,577</tg-spoiler>",
    "  Bybit <tg-spoiler>$123,457</tg-spoiler>",
    "  OKX <tg-spoiler>$38,120</tg-spoiler>",
    "Brokers <tg-spoiler>$229,437</tg-spoiler>",
    "USD/RUB 80.45 · CBR 26 Nov",
  ].join("\n");
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
