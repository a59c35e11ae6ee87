// Golden tests of the report (issue #16): the rendered Telegram HTML of the hand-made snapshots of
// test/render/examples.ts, which scripts/screenshot-samples.ts screenshots as a phone shows them. A change
// to the layout shows up here line by line; look at the screenshots before updating these.
import { describe, expect, test } from "bun:test";
import type { DayRecord } from "../../src/history/store.ts";
import { dec, sub, sum, toPlainString } from "../../src/lib/money.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { htmlToText } from "../../src/render/html.ts";
import { SHORT_NOTE_MAX } from "../../src/render/notes.ts";
import { PHONE_LINE_CHARS, renderStatus, type StatusOptions, TELEGRAM_TEXT_LIMIT, visibleLength } from "../../src/render/status.ts";
import { NO_CHANGES, snapshotChanges } from "../../src/snapshot/changes.ts";
import { combine, failedRow, rowOf } from "../../src/snapshot/snapshot.ts";
import {
  changesOf,
  completePortfolio,
  fxDownPortfolio,
  mixedHistory,
  multiAccountPortfolio,
  OPTIONS,
  partialPortfolio,
  RATES,
  recorded,
  reportHistory,
  TAKEN,
} from "./examples.ts";

describe("golden messages", () => {
  test("a complete portfolio: the totals on line 1, 1D on line 2, 7D/30D/YTD on one line, crypto, brokers, rate, time", () => {
    const view = renderStatus(completePortfolio(), OPTIONS);
    expect(view.html.split("\n")).toEqual([
      "<b>$391,014 · ₽31.5M</b>",
      "▲ $1,534 (0.39%) since 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
      "",
      "<b>Crypto</b> $161,577",
      "Bybit $123,457",
      "OKX $38,120",
      "",
      "<b>Brokers</b> $229,437",
      "T-Bank $183,903",
      "   Брокерский счёт ₽11,870,001",
      "   ИИС ₽2,925,000",
      "IBKR $45,534 · 25 Nov",
      "",
      "USD/RUB 80.45 · CBR 26 Nov",
      "Updated 26 Nov, 13:05",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual(null);
  });
  test("with the crypto breakdown: each exchange's largest coins, then other, packed into phone lines", () => {
    const view = renderStatus(completePortfolio(), { ...OPTIONS, includeBreakdown: true });
    expect(view.html.split("\n")).toEqual([
      "<b>$391,014 · ₽31.5M</b>",
      "▲ $1,534 (0.39%) since 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
      "",
      "<b>Crypto</b> $161,577",
      "Bybit $123,457",
      "   BTC $80.2k · ETH $21.4k",
      "   USDT $12.5k · SOL $5.2k",
      "   XRP $2.5k · other $1.65k",
      "OKX $38,120",
      "   BTC $24k · ETH $6k · other $8.12k",
      "",
      "<b>Brokers</b> $229,437",
      "T-Bank $183,903",
      "   Брокерский счёт ₽11,870,001",
      "   ИИС ₽2,925,000",
      "IBKR $45,534 · 25 Nov",
      "",
      "USD/RUB 80.45 · CBR 26 Nov",
      "Updated 26 Nov, 13:05",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual(null);
  });
  test("a partial portfolio: the mark on line 1, no change, one short note per problem, the full ones in Details", () => {
    const view = renderStatus(partialPortfolio(), { ...OPTIONS, changes: changesOf(partialPortfolio()) });
    expect(view.html.split("\n")).toEqual([
      "<b>$330,894 · ₽26.6M</b> ⚠️ partial",
      "Change not shown: total is partial",
      "",
      "<b>Crypto</b> $101,457",
      "Bybit $101,457 ⚠️",
      "OKX ❌ key rejected",
      "",
      "<b>Brokers</b> $229,437",
      "T-Bank $183,903 ⚠️",
      "   Брокерский счёт ₽11,870,001",
      "   ИИС ₽2,925,000",
      "IBKR $45,534 · 25 Nov",
      "",
      "USD/RUB 80.45 · CBR 26 Nov",
      "Updated 26 Nov, 13:05",
      "",
      "⚠️ Bybit funding and Earn not valued: give the key the Wallet read permission",
      "❌ OKX rejected the API key: check OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE",
      "⚠️ T-Bank: account Инвесткопилка not counted: check TBANK_API_TOKEN covers this account",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual([
      "<b>Details</b>",
      "",
      "⚠️ Partial: Bybit funding and Earn not valued: give the key the Wallet read permission",
      "",
      "❌ OKX rejected the API key (code 50111): check OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE",
      "",
      "⚠️ T-Bank: account Инвесткопилка 2000000104 not counted: T-Bank denied OperationsService/GetPortfolio (HTTP 403, code 40002, no access to account): the token has no access to it; check TBANK_API_TOKEN covers this account",
    ]);
  });
  test("FX down: no RUB total, the brokers' accounts in their own currencies, no USD value for them", () => {
    const view = renderStatus(fxDownPortfolio(), { ...OPTIONS, changes: changesOf(fxDownPortfolio()) });
    expect(view.html.split("\n")).toEqual([
      "<b>$161,577</b> · no ₽ rate ⚠️ partial",
      "Change not shown: total is partial",
      "",
      "<b>Crypto</b> $161,577",
      "Bybit $123,457",
      "OKX $38,120",
      "",
      "<b>Brokers</b>",
      "T-Bank ⚠️ no USD value",
      "   Брокерский счёт ₽11,870,001",
      "   ИИС ₽2,925,000",
      "IBKR ⚠️ no USD value · 25 Nov",
      "   U•••4567 $45,534",
      "   U•••4321 €12,000",
      "",
      "USD/RUB: no rate today",
      "Updated 26 Nov, 13:05",
      "",
      "⚠️ T-Bank, IBKR: no USD/RUB rate",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual([
      "<b>Details</b>",
      "",
      "⚠️ T-Bank, IBKR: no USD/RUB rate: USD value unknown",
      "",
      "⚠️ No USD/RUB rate: CBR: HTTP 503 from www.cbr.ru; CBR mirror: network error: connection refused; no saved rate younger than 4 days, so RUB figures are unavailable",
    ]);
  });
  test("privacy on: no amount on line 1, every amount in a spoiler, the % and the rate in the clear", () => {
    const view = renderStatus(completePortfolio(), { ...OPTIONS, privacy: true, includeBreakdown: true });
    expect(view.html.split("\n")).toEqual([
      "<b>Portfolio</b>",
      "<b><tg-spoiler>$391,014 · ₽31.5M</tg-spoiler></b>",
      "▲ <tg-spoiler>$1,534</tg-spoiler> (0.39%) since 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
      "",
      "<b>Crypto</b> <tg-spoiler>$161,577</tg-spoiler>",
      "Bybit <tg-spoiler>$123,457</tg-spoiler>",
      "   BTC <tg-spoiler>$80.2k</tg-spoiler> · ETH <tg-spoiler>$21.4k</tg-spoiler>",
      "   USDT <tg-spoiler>$12.5k</tg-spoiler> · SOL <tg-spoiler>$5.2k</tg-spoiler>",
      "   XRP <tg-spoiler>$2.5k</tg-spoiler> · other <tg-spoiler>$1.65k</tg-spoiler>",
      "OKX <tg-spoiler>$38,120</tg-spoiler>",
      "   BTC <tg-spoiler>$24k</tg-spoiler> · ETH <tg-spoiler>$6k</tg-spoiler> · other <tg-spoiler>$8.12k</tg-spoiler>",
      "",
      "<b>Brokers</b> <tg-spoiler>$229,437</tg-spoiler>",
      "T-Bank <tg-spoiler>$183,903</tg-spoiler>",
      "   Брокерский счёт <tg-spoiler>₽11,870,001</tg-spoiler>",
      "   ИИС <tg-spoiler>₽2,925,000</tg-spoiler>",
      "IBKR <tg-spoiler>$45,534</tg-spoiler> · 25 Nov",
      "",
      "USD/RUB 80.45 · CBR 26 Nov",
      "Updated 26 Nov, 13:05",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual(null);
  });
  test("two T-Bank accounts by name and two IBKR accounts masked, the EUR one in euros", () => {
    const view = renderStatus(multiAccountPortfolio(), OPTIONS);
    expect(view.html.split("\n")).toEqual([
      "<b>$404,902 · ₽32.6M</b>",
      "▲ $1,534 (0.39%) since 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
      "",
      "<b>Crypto</b> $161,577",
      "Bybit $123,457",
      "OKX $38,120",
      "",
      "<b>Brokers</b> $243,324",
      "T-Bank $183,903",
      "   Брокерский счёт ₽11,870,001",
      "   ИИС ₽2,925,000",
      "IBKR $59,421 · 25 Nov",
      "   U•••4567 $45,534",
      "   U•••4321 €12,000",
      "",
      "USD/RUB 80.45 · CBR 26 Nov",
      "Updated 26 Nov, 13:05",
    ]);
    expect(view.details === null ? null : view.details.split("\n")).toEqual(null);
  });
});

/** Every message the goldens pin, and a few more shapes, as a phone gets them. */
function everyExample() {
  return [
    renderStatus(completePortfolio(), OPTIONS),
    renderStatus(completePortfolio(), { ...OPTIONS, includeBreakdown: true }),
    renderStatus(completePortfolio("Asia/Tokyo"), { ...OPTIONS, privacy: true, includeBreakdown: true }),
    renderStatus(partialPortfolio(), { ...OPTIONS, changes: changesOf(partialPortfolio()) }),
    renderStatus(partialPortfolio(), { ...OPTIONS, privacy: true, changes: changesOf(partialPortfolio()) }),
    renderStatus(fxDownPortfolio(), { ...OPTIONS, changes: changesOf(fxDownPortfolio()) }),
    renderStatus(multiAccountPortfolio(), { ...OPTIONS, includeBreakdown: true, changes: NO_CHANGES }),
    // Every kind of change line: 1D vs an imported day, platforms added and removed, 30D vs an imported day.
    renderStatus(completePortfolio(), { ...OPTIONS, changes: snapshotChanges(completePortfolio(), { since: mixedHistory }) }),
    renderStatus(completePortfolio(), {
      ...OPTIONS,
      privacy: true,
      changes: snapshotChanges(completePortfolio(), { since: mixedHistory }),
    }),
  ];
}

describe("line widths", () => {
  test("every line keeps to 36 characters, except the notes, which keep to under three rows", () => {
    expect(htmlToText(everyExample().at(-2)!.html).split("\n\n")[0]!.split("\n")).toEqual([
      "$391,014 · ₽31.5M",
      "▲ $1,534 (0.39%) vs imported 25 Nov",
      "30D ▼1.2% $4.75k",
      "30D vs imported day",
      "7D: OKX added since",
      "YTD: Binance removed since",
    ]);
    for (const view of everyExample()) {
      const blocks = view.html.split("\n\n").map((block) => block.split("\n"));
      const last = blocks.at(-1) ?? [];
      const notes = last.every((line) => /^(❌|⚠️|ℹ️) /.test(line)) ? last : [];
      const lines = (notes.length > 0 ? blocks.slice(0, -1) : blocks).flat();
      expect(lines.filter((line) => visibleLength(line) > PHONE_LINE_CHARS)).toEqual([]);
      // A note: its icon, a space, and the short form.
      for (const note of notes) expect(visibleLength(note)).toBeLessThanOrEqual(SHORT_NOTE_MAX + 2);
    }
  });

  test("the width counts what the reader sees: tags and entities are not characters, an emoji's selector is not either", () => {
    expect(visibleLength("<b>$1</b> &amp; <tg-spoiler>₽2</tg-spoiler>")).toBe(7);
    expect(visibleLength("⚠️ partial")).toBe(9);
  });
});

describe("the headline and the change", () => {
  test("line 1 says partial when the totals leave money out, and names no amount with privacy on", () => {
    const partial = renderStatus(partialPortfolio(), { ...OPTIONS, privacy: true, changes: changesOf(partialPortfolio()) });
    const [first, second] = partial.html.split("\n");
    expect(first).toBe("<b>Portfolio</b> ⚠️ partial");
    expect(second).toBe("<b><tg-spoiler>$330,894 · ₽26.6M</tg-spoiler></b>");
  });

  test("no platform answered: no total, and no change line", () => {
    const rows = [failedRow("bybit", new PlatformError("bybit", "timeout", "Bybit did not answer within 20 s; try again later"), 5)];
    const view = renderStatus(combine(rows, { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), OPTIONS);
    expect(view.html.split("\n").slice(0, 5)).toEqual([
      "<b>No total</b> ❌ no platform answered",
      "",
      "<b>Crypto</b>",
      "Bybit ❌ no answer",
      "",
    ]);
    expect(view.html).toEndWith("\n\n❌ Bybit did not answer within 20 s: try again later");
  });

  test("the time zone is named once, and only when it is not the default", () => {
    const paris = htmlToText(renderStatus(completePortfolio(), OPTIONS).html);
    expect(paris).not.toContain("Europe/Paris");
    const tokyo = htmlToText(renderStatus(completePortfolio("Asia/Tokyo"), OPTIONS).html);
    expect(tokyo.split("Asia/Tokyo")).toHaveLength(2);
    expect(tokyo).toEndWith("\nUpdated 26 Nov, 21:05 (Asia/Tokyo)");
  });
});

describe("the change over 1D, 7D, 30D and YTD", () => {
  /** The lines between the headline and the first section, for the complete portfolio against `days`. */
  const changeLines = (days: DayRecord[] | null, options: Partial<StatusOptions> = {}, snapshot = completePortfolio()) => {
    const changes = days === null ? null : snapshotChanges(snapshot, { since: () => days });
    const html = renderStatus(snapshot, { ...OPTIONS, ...options, changes }).html;
    return html
      .split("\n\n")[0]!
      .split("\n")
      .slice(options.privacy ? 2 : 1);
  };
  const all = { bybit: "123456.78", okx: "38120.40", tbank: "183903.05", ibkr: "45533.77" };
  /** A complete day with the report's four platforms worth `usd` in all (Bybit takes the difference). */
  const worth = (day: string, usd: string, values: Partial<Record<string, string>> = all) => {
    const others = Object.entries(values).filter(([id]) => id !== "bybit");
    const bybit = sub(dec(usd), sum(others.map(([, value]) => dec(value ?? "0"))));
    return recorded(day, { ...Object.fromEntries(others), bybit: toPlainString(bybit) });
  };
  const imported = (day: DayRecord): DayRecord => ({ ...day, platforms: new Map(), origin: "import", takenAt: null });

  test("1D on line 2 with its day; 7D, 30D and YTD in % on one compact line", () => {
    expect(changeLines(reportHistory())).toEqual(["▲ $1,534 (0.39%) since 25 Nov", "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%"]);
  });

  test("▼ down, ± when it rounds to zero, the % left out when the earlier total was $0, the year when it is not this one", () => {
    expect(changeLines([worth("2026-11-25", "411526.50")])).toEqual(["▼ $20,512 (4.98%) since 25 Nov"]);
    expect(changeLines([worth("2026-11-24", "391013.60"), worth("2026-11-19", "391013.80")])).toEqual([
      "± $0 (0.00%) since 24 Nov",
      "7D ±0.0% $0",
    ]);
    const zero = recorded("2026-11-25", { bybit: "0" });
    const fromZero = changeLines(
      [zero],
      {},
      combine(completePortfolio().rows.slice(0, 1), { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"),
    );
    expect(fromZero).toEqual(["▲ $123,457 since 25 Nov"]);
    const newYear = completePortfolio("Europe/Paris", new Date("2027-01-02T12:05:00Z"));
    expect(changeLines([worth("2026-12-31", "390000")], {}, newYear)).toEqual(["▲ $1,014 (0.26%) since 31 Dec 2026", "YTD ▲0.3% $1.01k"]);
  });

  test("the USD change goes next to each % only when every period fits on the line, and never with privacy on", () => {
    const twoPeriods = reportHistory().filter((day) => day.day !== "2026-11-25" && day.day !== "2025-12-31");
    expect(changeLines(twoPeriods)).toEqual(["7D ▲0.8% $3.09k · 30D ▼1.2% $4.75k"]);
    expect(changeLines(twoPeriods, { privacy: true })).toEqual(["7D ▲0.8% · 30D ▼1.2%"]);
    expect(changeLines(reportHistory(), { privacy: true })).toEqual([
      "▲ <tg-spoiler>$1,534</tg-spoiler> (0.39%) since 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
    ]);
  });

  test("a period with no day to compare with is left out; with none at all one line says so", () => {
    const history = reportHistory();
    expect(changeLines(history.filter((day) => day.day !== "2026-10-27"))).toEqual([
      "▲ $1,534 (0.39%) since 25 Nov",
      "7D ▲0.8% $3.09k · YTD ▲14% $48k",
    ]);
    // Four days back is too old for 1D (up to 3), too recent for 7D (from 7).
    expect(changeLines([worth("2026-11-22", "390000")])).toEqual(["No complete day to compare with"]);
    // A partial day is never compared with: 1D falls back to the complete day before it.
    expect(changeLines([{ ...worth("2026-11-25", "350000"), complete: false }, worth("2026-11-24", "390000")])).toEqual([
      "▲ $1,014 (0.26%) since 24 Nov",
    ]);
  });

  test("a platform added or removed since: the period says so and compares nothing; periods with the same change share a line", () => {
    const { okx: _, ...withoutOkx } = all;
    const history = [
      worth("2026-11-25", "389479.80"),
      worth("2026-11-19", "387920", withoutOkx),
      worth("2026-10-27", "395760", withoutOkx),
      worth("2025-12-31", "343000", { ...withoutOkx, binance: "1000" }),
    ];
    const lines = changeLines(history);
    expect(lines).toEqual(["▲ $1,534 (0.39%) since 25 Nov", "7D, 30D: OKX added since", "YTD: OKX added, Binance removed"]);
    // OKX's balance is never shown as a gain: no figure but 1D's.
    expect(lines.slice(1).join("\n")).not.toMatch(/[▲▼±$%]/);
    const yesterday = changeLines([worth("2026-11-25", "389479.80", withoutOkx)]);
    expect(yesterday).toEqual(["1D: OKX added since"]);
  });

  test("more platforms than the line holds are counted", () => {
    const history = [recorded("2026-11-25", { kucoin: "1000" }), recorded("2026-11-19", { kucoin: "1000", binance: "5" })];
    expect(changeLines(history)).toEqual(["1D: 4 added, 1 removed since", "7D: 4 added, 2 removed since"]);
  });

  test("a day imported from the original bot is compared by total, and the period says vs imported day", () => {
    const history = reportHistory().map((day) => (day.day === "2026-11-19" ? day : imported(day)));
    expect(changeLines(history)).toEqual([
      "▲ $1,534 (0.39%) vs imported 25 Nov",
      "7D ▲0.8% · 30D ▼1.2% · YTD ▲14%",
      "30D, YTD vs imported day",
    ]);
    // Too long with its day: just "vs imported day".
    expect(changeLines([imported(worth("2026-11-25", "511527"))])).toEqual(["▼ $120,513 (23.56%) vs imported day"]);
  });

  test("today's total partial: one line, nothing compared; no history at all: no line", () => {
    expect(changeLines(reportHistory(), {}, partialPortfolio())).toEqual(["Change not shown: total is partial"]);
    expect(changeLines(null)).toEqual([]);
  });
});

describe("privacy", () => {
  test("the change lines hold no amount outside a spoiler: 1D's in one, the others in % only (the $ alone, in one, without a %)", () => {
    const zero = recorded("2026-11-19", { bybit: "0", okx: "0", tbank: "0", ibkr: "0" });
    for (const since of [mixedHistory, () => [...reportHistory().filter((day) => day.day !== "2026-11-19"), zero]]) {
      const changes = snapshotChanges(completePortfolio(), { since });
      const lines = renderStatus(completePortfolio(), { ...OPTIONS, privacy: true, changes })
        .html.split("\n\n")[0]!
        .split("\n");
      const outside = lines.join("\n").replace(/<tg-spoiler>.*?<\/tg-spoiler>/g, "");
      expect(outside).not.toMatch(/[$₽]/);
      expect(lines.length).toBeGreaterThan(3);
    }
    const changes = snapshotChanges(completePortfolio(), { since: () => [zero] });
    expect(renderStatus(completePortfolio(), { ...OPTIONS, privacy: true, changes }).html.split("\n")[2]).toBe(
      "7D ▲<tg-spoiler>$391k</tg-spoiler>",
    );
  });

  test("every amount is inside a spoiler; the rate, the dates and the % stay readable", () => {
    for (const snapshot of [completePortfolio(), partialPortfolio(), fxDownPortfolio(), multiAccountPortfolio()]) {
      const { html } = renderStatus(snapshot, { ...OPTIONS, privacy: true, includeBreakdown: true });
      const outside = html.replace(/<tg-spoiler>.*?<\/tg-spoiler>/g, "");
      // Money is a currency sign or code next to a digit; what is left outside the spoilers holds none.
      expect(outside.match(/[$₽€£¥][\d]|[\d][kMB]?\b(?= ?(USD|RUB|EUR))/g)).toBeNull();
      expect(html.split("\n")[0]).not.toMatch(/\d/);
      expect(outside).toContain("USD/RUB");
    }
  });
});

describe("one word for what is not itemised, listed last", () => {
  test("an exchange's coins past the largest five and what its total holds beyond its coins are one 'other', last", () => {
    const text = htmlToText(renderStatus(completePortfolio(), { ...OPTIONS, includeBreakdown: true }).html);
    // Bybit: DOGE and ADA ($1,255.98) and the $399.58 its total holds beyond its coins; OKX: its Earn.
    expect(text).toContain("   XRP $2.5k · other $1.65k\nOKX $38,120\n   BTC $24k · ETH $6k · other $8.12k\n");
    expect(text).not.toMatch(/not itemised|other coins|other \(/);
  });

  test("a broker's accounts past eight are one 'other' line with their count and sum, last", () => {
    const holdings = Array.from({ length: 11 }, (_, i) => ({
      label: `Счёт ${i}`,
      display: `Счёт ${i}`,
      money: { currency: "RUB", amount: dec(1000 * (i + 1)) },
      asOf: null,
    }));
    const row = rowOf({ platform: "tbank", holdings, assets: [], asOf: null, source: "t", warnings: [], leftOut: [] }, RATES, 1);
    const lines = htmlToText(
      renderStatus(combine([row], { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), OPTIONS).html,
    ).split("\n");
    const accounts = lines.filter((line) => line.startsWith("   "));
    expect(accounts).toHaveLength(8);
    expect(accounts.at(-1)).toBe("   other (4) ₽38,000");
  });

  test("an account name gives way to its amount so the line fits the phone", () => {
    const holding = (name: string, amount: string) => ({
      label: name,
      display: name,
      money: { currency: "RUB", amount: dec(amount) },
      asOf: null,
    });
    const row = rowOf(
      {
        platform: "tbank",
        holdings: [holding("Брокерский счёт для долгосрочных инвестиций", "123456789.5"), holding("ИИС", "10")],
        assets: [],
        asOf: null,
        source: "t",
        warnings: [],
        leftOut: [],
      },
      RATES,
      1,
    );
    const lines = htmlToText(
      renderStatus(combine([row], { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), OPTIONS).html,
    ).split("\n");
    expect(lines).toContain("   Брокерский счёт для… ₽123,456,790");
    expect(lines).toContain("   ИИС ₽10");
  });
});

describe("notes", () => {
  test("a part left out that a warning names is said once, by the warning, marked as left out", () => {
    const { html } = renderStatus(partialPortfolio(), OPTIONS);
    expect(html.match(/Инвесткопилка/g)).toHaveLength(1);
    expect(html).toContain("⚠️ T-Bank: account Инвесткопилка not counted: check TBANK_API_TOKEN covers this account");
  });

  test("past six notes the rest are counted and left to Details, which holds every one", () => {
    const warnings = Array.from({ length: 9 }, (_, i) => `note ${i}: check setting ${i}`);
    const row = rowOf(
      {
        platform: "bybit",
        holdings: [{ label: "a", money: { currency: "USD", amount: dec("5") }, asOf: null }],
        assets: [],
        asOf: null,
        source: "t",
        warnings,
        leftOut: [],
      },
      RATES,
      1,
    );
    const view = renderStatus(combine([row], { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), OPTIONS);
    const notes = view.html.split("\n\n").at(-1)?.split("\n") ?? [];
    expect(notes).toEqual([...[0, 1, 2, 3, 4].map((i) => `ℹ️ Bybit: note ${i}: check setting ${i}`), "ℹ️ 4 more in Details"]);
    expect(view.details?.match(/ℹ️ Bybit: note \d/g)).toHaveLength(9);
  });

  test("a complete portfolio has no notes and no Details", () => {
    expect(renderStatus(completePortfolio(), OPTIONS).details).toBeNull();
  });
});

describe("escaping and limits", () => {
  test("hostile strings are escaped in the message and in Details", () => {
    const rows = [
      failedRow("bybit", new PlatformError("bybit", "auth", "Bybit said <b>boom</b> & <script>alert(1)</script>"), 5),
      rowOf(
        {
          platform: "tbank",
          holdings: [{ label: "x", display: "<i>Копилка</i> & co", money: { currency: "RUB", amount: dec("1000") }, asOf: null }],
          assets: [],
          asOf: null,
          source: "t",
          warnings: [],
          leftOut: [],
        },
        RATES,
        1,
      ),
    ];
    const view = renderStatus(combine(rows, { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), OPTIONS);
    expect(view.html).toContain("   &lt;i&gt;Копилка&lt;/i&gt; &amp; co ₽1,000");
    expect(view.html).toEndWith("\n❌ Bybit said &lt;b&gt;boom&lt;/b&gt; &amp; &lt;script&gt;alert&lt;/script&gt;");
    expect(view.details).toContain("❌ Bybit said &lt;b&gt;boom&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;");
    for (const html of [view.html, view.details ?? ""]) expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;)|<(?!\/?(b|tg-spoiler)>)/);
  });

  test("hundreds of coins, accounts and huge error texts still fit in 4096 characters, message and Details", () => {
    const assets = Array.from({ length: 500 }, (_, i) => ({ asset: `COIN${i}<&>`.repeat(5), usd: dec(`${1000 - i}.5`) }));
    const holdings = Array.from({ length: 300 }, (_, i) => ({
      label: `${i}`,
      display: "<".repeat(200),
      money: { currency: i % 2 === 0 ? "RUB" : "EUR", amount: dec(i + 1) },
      asOf: null,
    }));
    const warnings = Array.from({ length: 100 }, (_, i) => `warning ${i} ${"&".repeat(2000)}`);
    const usd = (amount: string) => [{ label: "a", money: { currency: "USD", amount: dec(amount) }, asOf: null }];
    const rows = [
      rowOf({ platform: "bybit", holdings: usd("1"), assets, asOf: null, source: "t", warnings, leftOut: ["&".repeat(5000)] }, RATES, 1),
      rowOf({ platform: "okx", holdings: usd("1"), assets, asOf: null, source: "t", warnings: [], leftOut: [] }, RATES, 1),
      rowOf({ platform: "tbank", holdings, assets: [], asOf: null, source: "t", warnings, leftOut: [] }, RATES, 1),
      failedRow("ibkr", new PlatformError("ibkr", "auth", "<".repeat(10_000)), 1),
    ];
    const view = renderStatus(combine(rows, { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), {
      ...OPTIONS,
      includeBreakdown: true,
    });
    expect(view.html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(view.details?.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(view.html.split("\n")[0]).toStartWith("<b>$");
    expect(view.details).toMatch(/… \d+ more in the log$/);
    for (const html of [view.html, view.details ?? ""]) expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });
});

test("privacy: the amounts a note quotes are in spoilers too, in the message and in Details; codes and dates are not", () => {
  const warning = "OKX asset-valuation's total (4991.54 USD) is less than the accounts hold ($5,012): code 50111 on 2026-11-25";
  const row = rowOf(
    {
      platform: "okx",
      holdings: [{ label: "a", money: { currency: "USD", amount: dec("5012") }, asOf: null }],
      assets: [],
      asOf: null,
      source: "t",
      warnings: [warning],
      leftOut: [],
    },
    RATES,
    1,
  );
  const view = renderStatus(combine([row], { ok: true, stale: false, warnings: [], rates: RATES }, TAKEN, "Europe/Paris"), {
    ...OPTIONS,
    privacy: true,
  });
  expect(view.details).toContain(
    "(<tg-spoiler>4991.54</tg-spoiler> USD) is less than the accounts hold (<tg-spoiler>$5,012</tg-spoiler>): code 50111 on 2026-11-25",
  );
  expect(view.html.replace(/<tg-spoiler>.*?<\/tg-spoiler>/g, "")).not.toMatch(/5,012|4991/);
});
