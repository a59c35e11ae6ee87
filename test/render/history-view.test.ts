// The /history view (issue #16): 30 calendar days up to today in rows of at most 36 monospace characters, in
// USD or RUB, with gaps, partial and sample days marked, and with privacy in % only. Golden tests of the
// hand-made history of test/render/examples.ts, which scripts/screenshot-samples.ts screenshots.
import { describe, expect, test } from "bun:test";
import { addDays, type DayRecord } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { HISTORY_PAGE_ROWS, HISTORY_ROW_CHARS, HISTORY_VIEW_DAYS, renderHistory, sparkline } from "../../src/render/history-view.ts";
import { escapeHtml } from "../../src/render/html.ts";
import { historyWithGaps, sampleDays, TODAY } from "./examples.ts";

const view = (currency: "USD" | "RUB", privacy = false) =>
  renderHistory(historyWithGaps(), { currency, privacy, samples: [], today: TODAY });

function day(date: string, usd: string, rub: string | null = null, complete = true): DayRecord {
  return {
    day: date,
    usd: dec(usd),
    rub: rub === null ? null : dec(rub),
    usdRub: null,
    complete,
    platforms: new Map(),
    takenAt: null,
    origin: "bot",
  };
}

describe("golden views of 30 days with gaps", () => {
  test("USD: a header row, a row per calendar day up to today, gaps as dashes, a partial day marked and not compared", () => {
    expect(view("USD").html.split("\n")).toEqual(USD_HTML);
  });

  test("RUB: the same days in roubles, the change in roubles, a day without a rate said so", () => {
    expect(view("RUB").text.split("\n")).toEqual(RUB_TEXT);
  });

  test("privacy: no amount, the change in % only, the gaps and marks kept", () => {
    expect(view("USD", true).text.split("\n")).toEqual(PRIVATE_TEXT);
  });

  test("sample days: shown while the history holds no day, each marked, with what they are", () => {
    expect(renderHistory([], { currency: "USD", privacy: false, samples: sampleDays(), today: TODAY }).text.split("\n")).toEqual(
      SAMPLES_TEXT,
    );
  });
});

const USD_HTML = [
  "<b>History, USD · 28 Oct – 26 Nov</b>",
  "<pre>Date            USD   Change",
  "26.11 Thu  $391,014    ▲0.4%",
  "25.11 Wed  $389,480    ▲0.2%",
  "24.11 Tue  $353,210  partial",
  "23.11 Mon  $388,657    ▲1.0%",
  "22.11 Sun         —",
  "21.11 Sat         —",
  "20.11 Fri  $384,884    ▲0.1%",
  "19.11 Thu  $384,361    ▼0.6%",
  "18.11 Wed  $386,869    ▲0.1%",
  "17.11 Tue  $386,349    ▲0.5%",
  "16.11 Mon  $384,535    ▼0.6%",
  "15.11 Sun  $386,738    ▼0.7%",
  "14.11 Sat  $389,424    ▲0.4%",
  "13.11 Fri  $387,718    ▲0.4%",
  "12.11 Thu  $385,984    ▲1.2%",
  "11.11 Wed         —",
  "10.11 Tue         —",
  "09.11 Mon         —",
  "08.11 Sun  $381,510    ▼0.3%",
  "07.11 Sat  $382,759    ▲0.4%",
  "06.11 Fri  $381,197    ▲0.9%",
  "05.11 Thu  $377,957    ▼0.3%",
  "04.11 Wed  $378,932    ▼0.7%",
  "03.11 Tue  $381,564    ▲0.3%",
  "02.11 Mon  $380,502    ▲0.3%",
  "01.11 Sun  $379,375    ▼0.7%",
  "31.10 Sat  $382,167    ▼0.4%",
  "30.10 Fri  $383,745    ▲0.7%",
  "29.10 Thu  $381,028    ▲0.4%",
  "28.10 Wed  $379,656    ▼0.4%",
  "",
  "Trend, newest first",
  "█▇·▇  ▅▄▆▅▅▆▇▆▅   ▃▄▃▁▂▃▂▂▃▄▃▂",
  "Low $377,957 · high $391,014</pre>",
  "partial: a platform was missing",
  "— nothing recorded that day",
];

const RUB_TEXT = [
  "History, RUB · 28 Oct – 26 Nov",
  "Date               RUB   Change",
  "26.11 Thu  ₽31,457,076    ▲0.4%",
  "25.11 Wed  ₽31,333,650    ▲0.2%",
  "24.11 Tue  ₽28,415,745  partial",
  "23.11 Mon  ₽31,267,456    ▲1.0%",
  "22.11 Sun            —",
  "21.11 Sat            —",
  "20.11 Fri  ₽30,963,918    ▲0.1%",
  "19.11 Thu  ₽30,921,842    ▼0.5%",
  "18.11 Wed      no rate",
  "17.11 Tue  ₽31,081,777    ▲0.5%",
  "16.11 Mon  ₽30,935,841    ▼0.6%",
  "15.11 Sun  ₽31,113,072    ▼0.7%",
  "14.11 Sat  ₽31,329,161    ▲0.4%",
  "13.11 Fri  ₽31,191,913    ▲0.4%",
  "12.11 Thu  ₽31,052,413    ▲1.2%",
  "11.11 Wed            —",
  "10.11 Tue            —",
  "09.11 Mon            —",
  "08.11 Sun  ₽30,692,480    ▼0.3%",
  "07.11 Sat  ₽30,792,962    ▲0.4%",
  "06.11 Fri  ₽30,667,299    ▲0.9%",
  "05.11 Thu  ₽30,406,641    ▼0.3%",
  "04.11 Wed  ₽30,485,079    ▼0.7%",
  "03.11 Tue  ₽30,696,824    ▲0.3%",
  "02.11 Mon  ₽30,611,386    ▲0.3%",
  "01.11 Sun  ₽30,520,719    ▼0.7%",
  "31.10 Sat  ₽30,745,335    ▼0.4%",
  "30.10 Fri  ₽30,872,285    ▲0.7%",
  "29.10 Thu  ₽30,653,703    ▲0.4%",
  "28.10 Wed  ₽30,543,325    ▼0.4%",
  "",
  "Trend, newest first",
  "█▇·▇  ▅▄ ▅▅▆▇▆▅   ▃▄▃▁▂▃▂▂▃▄▃▂",
  "Low ₽30,406,641 · high ₽31,457,076",
  "",
  "partial: a platform was missing",
  "— nothing recorded that day",
  "no rate: no USD/RUB rate that day",
];

const PRIVATE_TEXT = [
  "History, USD · 28 Oct – 26 Nov",
  "Date        Change",
  "26.11 Thu    ▲0.4%",
  "25.11 Wed    ▲0.2%",
  "24.11 Tue  partial",
  "23.11 Mon    ▲1.0%",
  "22.11 Sun        —",
  "21.11 Sat        —",
  "20.11 Fri    ▲0.1%",
  "19.11 Thu    ▼0.6%",
  "18.11 Wed    ▲0.1%",
  "17.11 Tue    ▲0.5%",
  "16.11 Mon    ▼0.6%",
  "15.11 Sun    ▼0.7%",
  "14.11 Sat    ▲0.4%",
  "13.11 Fri    ▲0.4%",
  "12.11 Thu    ▲1.2%",
  "11.11 Wed        —",
  "10.11 Tue        —",
  "09.11 Mon        —",
  "08.11 Sun    ▼0.3%",
  "07.11 Sat    ▲0.4%",
  "06.11 Fri    ▲0.9%",
  "05.11 Thu    ▼0.3%",
  "04.11 Wed    ▼0.7%",
  "03.11 Tue    ▲0.3%",
  "02.11 Mon    ▲0.3%",
  "01.11 Sun    ▼0.7%",
  "31.10 Sat    ▼0.4%",
  "30.10 Fri    ▲0.7%",
  "29.10 Thu    ▲0.4%",
  "28.10 Wed    ▼0.4%",
  "",
  "Trend, newest first",
  "█▇·▇  ▅▄▆▅▅▆▇▆▅   ▃▄▃▁▂▃▂▂▃▄▃▂",
  "",
  "partial: a platform was missing",
  "— nothing recorded that day",
];

const SAMPLES_TEXT = [
  "Sample history, USD · 18 Nov – 20 Nov",
  "Date           USD  Change",
  "20.11 Fri  $50,210   ▲0.7% s",
  "19.11 Thu  $49,875   ▼0.5% s",
  "18.11 Wed  $50,103         s",
  "",
  "Trend, newest first",
  "█▁▆",
  "Low $49,875 · high $50,210",
  "",
  "s: a sample day shipped with pfbot,",
  "not yours; your first day replaces them",
];

describe("a phone's width", () => {
  test("every row of the <pre> block keeps to 36 characters, in every view, with nine-figure totals too", () => {
    const huge = historyWithGaps().map((d) => ({ ...d, usd: dec("987654321.99"), rub: dec("98765432100.5") }));
    for (const days of [historyWithGaps(), huge]) {
      for (const currency of ["USD", "RUB"] as const) {
        for (const privacy of [false, true]) {
          const { html } = renderHistory(days, { currency, privacy, samples: [], today: TODAY });
          const pre = /<pre>([\s\S]*)<\/pre>/.exec(html)?.[1] ?? "";
          const rows = pre.split("\n").map((row) => row.replace(/&amp;/g, "&"));
          expect(rows.length).toBeGreaterThan(30);
          expect(rows.filter((row) => [...row].length > HISTORY_ROW_CHARS)).toEqual([]);
        }
      }
    }
  });
});

describe("which days, and what is compared", () => {
  test("the view is the 30 calendar days up to today, today a gap when it has no record yet", () => {
    const days = [day("2026-11-24", "110", "9000"), day("2026-11-23", "100", "8000")];
    const text = renderHistory(days, { currency: "USD", privacy: false, samples: [], today: "2026-11-26" }).text;
    expect(text.split("\n").slice(0, 6)).toEqual([
      "History, USD · 23 Nov – 26 Nov",
      "Date        USD  Change",
      "26.11 Thu     —",
      "25.11 Wed     —",
      "24.11 Tue  $110  ▲10.0%",
      "23.11 Mon  $100",
    ]);
    const long = Array.from({ length: 45 }, (_, i) => day(addDays("2026-11-26", -i), `${100 + i}`, null));
    const rows = renderHistory(long, { currency: "USD", privacy: false, samples: [], today: "2026-11-26" }).text.split("\n");
    expect(rows.filter((row) => /^\d\d\.\d\d /.test(row))).toHaveLength(HISTORY_VIEW_DAYS);
    expect(rows[0]).toBe("History, USD · 28 Oct – 26 Nov");
  });

  test("a history that stopped long ago ends on its newest day and says since when nothing was recorded", () => {
    const text = renderHistory([day("2026-09-02", "50"), day("2026-09-01", "40")], {
      currency: "USD",
      privacy: false,
      samples: [],
      today: "2026-11-26",
    }).text;
    expect(text).toStartWith("History, USD · 1 Sep – 2 Sep\n");
    expect(text).toContain("\nNothing recorded since 2 Sep.");
  });

  test("a day is compared with the previous complete day, across gaps and partial days; a partial day never", () => {
    const days = [day("2026-11-26", "120"), day("2026-11-25", "60", null, false), day("2026-11-22", "100"), day("2026-11-21", "50")];
    const rows = renderHistory(days, { currency: "USD", privacy: false, samples: [], today: "2026-11-26" }).text.split("\n");
    expect(rows.slice(2, 8)).toEqual([
      "26.11 Thu  $120   ▲20.0%",
      "25.11 Wed   $60  partial",
      "24.11 Tue     —",
      "23.11 Mon     —",
      "22.11 Sun  $100  ▲100.0%",
      "21.11 Sat   $50",
    ]);
  });

  test("an empty history says so, in both forms", () => {
    const empty = renderHistory([], { currency: "USD", privacy: false, samples: [], today: TODAY });
    expect(empty.text).toMatch(/^No history yet\./);
    expect(empty.text).toContain("pfbot --import FILE");
    expect(empty.html).toBe(escapeHtml(empty.text));
  });

  test("the HTML holds the same text as the terminal's, escaped", () => {
    const { html, text } = view("RUB");
    const unescaped = html
      .replace(/<\/?(b|pre)>/g, "")
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">");
    expect(unescaped.replace(/\n\n/g, "\n")).toBe(text.replace(/\n\n/g, "\n"));
  });
});

describe("/history N: up to a year, a page at a time", () => {
  /** Every day from 400 days before 26 Nov 2026 to the day before it, $1,000 plus $1 a day. */
  const year = Array.from({ length: 400 }, (_, i) => day(addDays("2026-11-25", -i), `${1399 - i}`, `${(1399 - i) * 80}`));
  const page = (days: number, index: number, privacy = false) =>
    renderHistory(year, { currency: "USD", privacy, samples: [], today: "2026-11-26", days, page: index });
  const dated = (text: string) => text.split("\n").filter((row) => /^\d\d\.\d\d /.test(row));

  test("HISTORY_PAGE_ROWS days a page, newest first; the title spans the page, the last line says which page of how many", () => {
    const first = page(365, 0);
    expect([first.page, first.pages]).toEqual([0, 13]);
    expect(dated(first.text)).toHaveLength(HISTORY_PAGE_ROWS);
    expect(first.text.split("\n")[0]).toBe("History, USD · 28 Oct – 26 Nov");
    expect(first.text).toEndWith("\nPage 1 of 13: 365 days from 27 Nov 2025");
    const second = page(365, 1);
    expect(second.text.split("\n")[0]).toBe("History, USD · 28 Sep – 27 Oct");
    expect(dated(second.text)[0]).toBe("27.10 Tue  $1,370   ▲0.1%");
    // Each page's trend, low and high are its own.
    expect(second.text).toContain("\nLow $1,341 · high $1,370\n");
  });

  test("a page in another year carries it; the last page holds what is left; a page past it shows the last", () => {
    const last = page(365, 12);
    expect([last.page, dated(last.text).length]).toEqual([12, 5]);
    expect(last.text.split("\n")[0]).toBe("History, USD · 27 Nov – 1 Dec 2025");
    const across = page(365, 11);
    expect(across.text.split("\n")[0]).toBe("History, USD · 2 Dec – 31 Dec 2025");
    expect(page(365, 11 + 30).text).toBe(last.text);
    expect(page(365, -1).text).toBe(page(365, 0).text);
  });

  test("N days cover N calendar days, back to the oldest day the history holds; one page needs no page line", () => {
    expect(dated(page(45, 1).text)).toHaveLength(15);
    expect(dated(page(7, 0).text)).toHaveLength(7);
    expect(page(30, 0).text).not.toContain("Page ");
    const short = renderHistory(year.slice(0, 40), { currency: "USD", privacy: false, samples: [], today: "2026-11-26", days: 365 });
    expect(short.pages).toBe(2);
    expect(short.text).toEndWith("Page 1 of 2: 41 days from 17 Oct");
  });

  test("every row of every page keeps to 36 characters; with privacy, no amount on any page", () => {
    for (let index = 0; index < 13; index++) {
      for (const privacy of [false, true]) {
        const { html } = page(365, index, privacy);
        const rows = (/<pre>([\s\S]*)<\/pre>/.exec(html)?.[1] ?? "").split("\n");
        expect(rows.filter((row) => [...row].length > HISTORY_ROW_CHARS)).toEqual([]);
        if (privacy) expect(html).not.toMatch(/\$\d/);
      }
    }
  });
});

test("the sparkline goes in the order given, from ▁ to █; a flat series sits in the middle", () => {
  expect(sparkline(["1", "2", "3", "4", "5", "6", "7", "8"].map(dec))).toBe("▁▂▃▄▅▆▇█");
  expect(sparkline(["10", "0", "5"].map(dec))).toBe("█▁▅");
  expect(sparkline(["7", "7", "7"].map(dec))).toBe("▄▄▄");
  expect(sparkline([])).toBe("");
});
