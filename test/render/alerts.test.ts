// The alert messages, the digest and the pinned status as the owner reads them: exact text for the usual case, and
// for privacy no amount anywhere (no currency sign, no figure that is not a percentage, a date or a time).
import { describe, expect, test } from "bun:test";
import { weeklyDigest } from "../../src/alerts/digest.ts";
import { currentOutages, failureRule, NO_OUTAGES } from "../../src/alerts/failures.ts";
import { moveRule, NO_MOVES, reportPoint } from "../../src/alerts/move.ts";
import { dec } from "../../src/lib/money.ts";
import { renderExpiryWarning, renderFailureAlert, renderMoveAlert, renderOutages } from "../../src/render/alerts.ts";
import { renderDigest } from "../../src/render/digest.ts";
import { htmlToText } from "../../src/render/html.ts";
import { renderPinnedStatus } from "../../src/render/pinned.ts";
import { snapshotChanges } from "../../src/snapshot/changes.ts";
import { type Change, dayChange } from "../../src/snapshot/report.ts";
import { dayRecord, snapshotAt, TZ } from "../alerts/support.ts";

const PLAIN = { privacy: false, timeZone: TZ, defaultTimeZone: TZ };
const PRIVATE = { privacy: true, timeZone: TZ, defaultTimeZone: TZ };

/** Privacy: no currency sign, and every number is a percentage, a day, a month's day or a time. */
function expectNoAmount(html: string): void {
  const text = htmlToText(html);
  expect(text).not.toMatch(/[$₽€]/);
  const numbers = text
    .replace(/[+−-]?\d+(\.\d+)?%/g, "")
    .replace(/\d{1,2}:\d{2}/g, "")
    .replace(/\b\d{1,2} [A-Z][a-z]{2}( \d{4})?/g, "");
  expect(numbers).not.toMatch(/\d/);
}

const move = (() => {
  const thresholds = { report: 5, day: 5 };
  const base = moveRule(
    NO_MOVES,
    reportPoint(snapshotAt("2026-11-24T07:00:00Z", { bybit: "60000", okx: "40000", tbank: "5000" })),
    thresholds,
    TZ,
  );
  return moveRule(
    base.state,
    reportPoint(snapshotAt("2026-11-24T09:00:00Z", { bybit: "54000", okx: "39000", tbank: "5100" })),
    thresholds,
    TZ,
  ).alerts[0]!;
})();

describe("a sharp move", () => {
  test("the move in % and USD, its base, both times, the platforms that moved most and the thresholds", () => {
    expect(renderMoveAlert(move, PLAIN).split("\n")).toEqual([
      "📉 <b>Portfolio −6.57%</b> (−$6,900) since the last report",
      "$105,000 → $98,100",
      "24 Nov, 08:00 → 10:00",
      "−6.57% (−$6,900) since the first report of the day (08:00)",
      "Moved most:",
      "  Bybit −$6,000 (−10.00%)",
      "  OKX −$1,000 (−2.50%)",
      "  T-Bank +$100 (+2.00%)",
      "<i>Alert at ±5% between reports, ±5% within a day</i>",
    ]);
    // A time zone other than the default is named, as in the report.
    expect(renderMoveAlert(move, { ...PLAIN, defaultTimeZone: "UTC" }).split("\n")[2]).toBe("24 Nov, 08:00 → 10:00 (Europe/Paris)");
  });

  test("with privacy: percentages only", () => {
    const html = renderMoveAlert(move, PRIVATE);
    expect(html.split("\n")[0]).toBe("📉 <b>Portfolio −6.57%</b> since the last report");
    expect(html).toContain("Moved most:\n  Bybit −10.00%\n  OKX −2.50%\n  T-Bank +2.00%");
    expectNoAmount(html);
  });

  test("across midnight both days are named; a rise is 📈", () => {
    const base = moveRule(NO_MOVES, reportPoint(snapshotAt("2026-11-23T19:00:00Z", { bybit: "100" })), { report: 5, day: null }, TZ);
    const rise = moveRule(base.state, reportPoint(snapshotAt("2026-11-24T07:00:00Z", { bybit: "110" })), { report: 5, day: null }, TZ)
      .alerts[0]!;
    expect(renderMoveAlert(rise, PLAIN).split("\n").slice(0, 3)).toEqual([
      "📈 <b>Portfolio +10.00%</b> (+$10) since the last report",
      "$100 → $110",
      "23 Nov, 20:00 → 24 Nov, 08:00",
    ]);
  });
});

describe("a platform out, and back", () => {
  let state = NO_OUTAGES;
  const down = [8, 10, 12].flatMap((hour) => {
    const outcome = failureRule(
      state,
      [{ id: "okx", ok: false, error: 'OKX said <b>"no"</b>: check OKX_API_KEY' }],
      new Date(Date.UTC(2026, 10, 24, hour)),
      3,
    );
    state = outcome.state;
    return outcome.alerts;
  });
  const back = failureRule(state, [{ id: "okx", ok: true, error: null }], new Date(Date.UTC(2026, 10, 24, 18, 10)), 3).alerts;

  test("out: how many runs, since when, and the last error escaped (it says what to do)", () => {
    expect(renderFailureAlert(down[0]!, PLAIN).split("\n")).toEqual([
      "⚠️ <b>OKX is out</b>: it failed 3 scheduled runs in a row, since 24 Nov, 09:00.",
      "Last error: OKX said &lt;b&gt;&quot;no&quot;&lt;/b&gt;: check OKX_API_KEY",
      "The reports leave it out until it answers again; pfbot says when it is back.",
    ]);
  });

  test("back: how long it was out, from its first failed run", () => {
    expect(renderFailureAlert(back[0]!, PLAIN).split("\n")).toEqual([
      "✅ <b>OKX is back</b> after 10 h 10 min out.",
      "It had failed 3 scheduled runs in a row, since 24 Nov, 09:00.",
    ]);
  });

  test("/status lists the platforms out and since when", () => {
    expect(renderOutages(currentOutages(state), PLAIN)).toEqual(["⚠️ OKX out since 24 Nov, 09:00: 3 scheduled runs failed"]);
    expect(renderOutages(currentOutages(state), { ...PLAIN, defaultTimeZone: "UTC" })).toEqual([
      "⚠️ OKX out since 24 Nov, 09:00 (Europe/Paris): 3 scheduled runs failed",
    ]);
    expect(renderOutages([], PLAIN)).toEqual([]);
  });

  test("a very long error is clipped", () => {
    const long = failureRule(NO_OUTAGES, [{ id: "okx", ok: false, error: "x".repeat(5000) }], new Date(0), 1).alerts[0]!;
    expect(renderFailureAlert(long, PLAIN).length).toBeLessThan(600);
  });
});

test("a key about to expire: when, in TIMEZONE, and which variables to replace", () => {
  const warning = { platform: "bybit" as const, expiresAt: new Date("2026-12-08T07:20:25Z"), daysLeft: 13 };
  expect(renderExpiryWarning(warning, PLAIN).split("\n")).toEqual([
    "🔑 <b>Your Bybit key expires in 13 days</b>, on 8 Dec 2026, 08:20.",
    "Create a new read-only key, put it in BYBIT_API_KEY and BYBIT_API_SECRET, and restart pfbot; then revoke the old one.",
  ]);
  expect(renderExpiryWarning({ ...warning, platform: "okx", daysLeft: 0 }, PLAIN)).toContain(
    "expires within a day</b>, on 8 Dec 2026, 08:20.\nCreate a new read-only key, put it in OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE",
  );
});

describe("the weekly digest", () => {
  const records = [
    dayRecord("2026-10-18", "10000", { platforms: { bybit: "6000", okx: "4000" } }),
    dayRecord("2026-10-19", "10100", { platforms: { bybit: "6100", okx: "4000" } }),
    dayRecord("2026-10-20", "9000", { complete: false, platforms: { bybit: "6000" } }),
    dayRecord("2026-10-21", "9800", { platforms: { bybit: "5900", okx: "3900" } }),
    dayRecord("2026-10-22", "10900", { platforms: { bybit: "6800", okx: "4100" } }),
    dayRecord("2026-10-24", "10500", { platforms: { bybit: "6600", okx: "3900" } }),
    dayRecord("2026-10-25", "10600", { platforms: { bybit: "6800", okx: "3800" } }),
  ];
  const digest = weeklyDigest(records, { first: "2026-10-19", last: "2026-10-25" });

  test("change total and per platform, high and low, best and worst, partial and missing days, and a chart of the same span", () => {
    const view = renderDigest(digest, records, { privacy: false });
    expect(view.html.split("\n")).toEqual([
      "🗓 <b>Your week, Mon 19 Oct – Sun 25 Oct</b>",
      "▲ <b>$600</b> (6.00%) since Sun 18 Oct",
      "$10,000 → $10,600",
      "  Bybit +$800 (+13.33%)",
      "  OKX −$200 (−5.00%)",
      "High $10,900 on Thu 22 Oct",
      "Low $9,800 on Wed 21 Oct",
      "Best: Bybit · Worst: OKX",
      "⚠️ Partial: Tue 20 Oct",
      "No report: Fri 23 Oct",
    ]);
    expect(view.chart.kind).toBe("chart");
    // The figures are in the message: the photo's caption says what it shows; the chart draws from the change's start.
    if (view.chart.kind === "chart") {
      expect(view.chart.caption).toBe("🗓 Your week: 18 Oct – 25 Oct");
      expect(view.chart.svg).toContain("18 Oct");
    }
  });

  test("with privacy: percentages only, in the message and the chart", () => {
    const view = renderDigest(digest, records, { privacy: true });
    expect(view.html).toContain(
      "\n▲ <b>6.00%</b> since Sun 18 Oct\n  Bybit +13.33%\n  OKX −5.00%\nHigh on Thu 22 Oct (+9.00%)\nLow on Wed 21 Oct (−2.00%)\n",
    );
    expectNoAmount(view.html);
    // The chart's caption counts days; its privacy is the chart's own (test/render/chart/).
    if (view.chart.kind === "chart") expect(view.chart.caption).not.toMatch(/[$₽]/);
  });

  test("a week without a complete day says so, and has no chart to draw", () => {
    const empty = weeklyDigest([], { first: "2026-10-19", last: "2026-10-25" });
    const view = renderDigest(empty, [], { privacy: false });
    expect(view.html).toContain("No complete day this week: nothing to compare.");
    expect(view.chart.kind).toBe("text");
  });
});

describe("the pinned status", () => {
  const snapshot = snapshotAt("2026-11-24T09:00:00Z", { bybit: "54000", okx: "100" });
  const change = dayChange(snapshotChanges(snapshot, { since: () => [dayRecord("2026-11-23", "50000")] }));
  const options = { change, defaultTimeZone: "Europe/Paris" };

  test("the report's headline and change line, then the time of the last update", () => {
    expect(renderPinnedStatus(snapshot, { ...options, privacy: false }).split("\n")).toEqual([
      "💼 <b>$54,100 · ₽4.33M</b>",
      "▲ $4,100 (8.20%) since 23 Nov",
      "🕒 Updated 24 Nov, 10:00",
    ]);
    // Another time zone than the default is named, as in the report; a change from last year says its year.
    const lastYear: Change = { kind: "change", usd: dec("-5900"), pct: dec("-9.833333"), since: "2025-12-30" };
    expect(renderPinnedStatus(snapshot, { privacy: false, change: lastYear, defaultTimeZone: "UTC" }).split("\n").slice(1)).toEqual([
      "▼ $5,900 (9.83%) since 30 Dec 2025",
      "🕒 Updated 24 Nov, 10:00 (Europe/Paris)",
    ]);
  });

  test("with privacy, no amount; a partial total names what it leaves out and is not compared", () => {
    const html = renderPinnedStatus(snapshot, { ...options, privacy: true });
    expect(html.split("\n").slice(0, 2)).toEqual(["💼 <b>Portfolio</b>", "▲ 8.20% since 23 Nov"]);
    expectNoAmount(html);
    const partial = snapshotAt("2026-11-24T09:00:00Z", { bybit: "54000", okx: null });
    expect(
      renderPinnedStatus(partial, { ...options, privacy: false, change: dayChange(snapshotChanges(partial, { since: () => [] })) }).split(
        "\n",
      ),
    ).toEqual([
      "💼 <b>$54,000 · ₽4.32M</b> ⚠️ partial",
      "Change not shown: total is partial",
      "⚠️ Leaves out OKX",
      "🕒 Updated 24 Nov, 10:00",
    ]);
    expect(renderPinnedStatus(partial, { ...options, privacy: true, change: null }).split("\n")[0]).toBe("💼 <b>Portfolio</b> ⚠️ partial");
  });
});
