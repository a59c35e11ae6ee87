import { expect, test } from "bun:test";
import { addDays, type DayRecord } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { HISTORY_VIEW_DAYS, renderHistory, sparkline } from "../../src/render/history-view.ts";
import { escapeHtml } from "../../src/render/html.ts";

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

/** n days ending 2026-11-23, newest first. */
function days(n: number, usdOf: (i: number) => string = (i) => `${40000 + i * 10}.5`): DayRecord[] {
  return Array.from({ length: n }, (_, i) => day(addDays("2026-11-23", -i), usdOf(n - 1 - i), "3900000.49"));
}

test("an empty history says so, in both forms", () => {
  const view = renderHistory([]);
  expect(view.text).toMatch(/^No history yet\./);
  expect(view.text).toContain("pfbot --import FILE");
  expect(view.html).toBe(view.text);
});

test("one line per day, newest first, with the change vs the previous recorded day", () => {
  const view = renderHistory([
    day("2026-11-23", "42500.00", "3932500.00"),
    day("2026-11-22", "43050.20", "3982143.50"),
    day("2026-11-20", "43050.20", "3982143.50"),
    day("2026-11-19", "41000", "3800000"),
  ]);
  expect(view.text).toBe(
    [
      "Portfolio history: last 4 days",
      "Mon 23.11.2026  $42,500.00  ₽3,932,500    -550.20  -1.28%",
      "Sun 22.11.2026  $43,050.20  ₽3,982,144      ±0.00  ±0.00%",
      "Fri 20.11.2026  $43,050.20  ₽3,982,144  +2,050.20  +5.00%",
      "Thu 19.11.2026  $41,000.00  ₽3,800,000",
      "",
      "USD trend ▁██▆",
      "low $41,000 · high $43,050",
    ].join("\n"),
  );
});

test("a partial day is marked and explained; a missing RUB total shows a dash", () => {
  const view = renderHistory([day("2026-11-23", "100", null, false), day("2026-11-22", "200", "18000")]);
  const lines = view.text.split("\n");
  expect(lines[1]).toBe("Mon 23.11.2026  $100.00      ₽ —  -100.00  -50.00%  partial");
  expect(lines[2]).toBe("Sun 22.11.2026  $200.00  ₽18,000");
  expect(view.text).toContain("partial = some platforms did not answer");
  expect(view.text).toContain("RUB — = no USD/RUB rate that day");
  expect(renderHistory([day("2026-11-22", "200", "18000")]).text).not.toContain("partial");
});

test("shows at most 30 days, and the 30th still has its change from the 31st", () => {
  const view = renderHistory(days(31));
  const dayLines = view.text.split("\n").filter((line) => /^\w{3} \d\d\.\d\d\.\d{4}/.test(line));
  expect(dayLines).toHaveLength(HISTORY_VIEW_DAYS);
  expect(view.text).toStartWith("Portfolio history: last 30 days\n");
  expect(dayLines[0]).toStartWith("Mon 23.11.2026  $40,300.50");
  expect(dayLines[29]).toStartWith("Sun 25.10.2026  $40,010.50");
  expect(dayLines[29]).toEndWith("+10.00  +0.03%"); // 10 / 40,000.50 = 0.025 %, rounded half away from zero
  expect(view.text).not.toContain("24.10.2026");
});

test("Telegram HTML: a bold title, the table in <pre>, everything escaped, under 4096 characters", () => {
  const view = renderHistory(days(31, (i) => `${98765432100 + i * 1234567}.99`));
  expect(view.html).toStartWith("<b>Portfolio history: last 30 days</b>\n<pre>");
  expect(view.html).toEndWith("</pre>");
  const inner = view.html.slice(view.html.indexOf("<pre>") + 5, -6);
  expect(inner.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")).toBe(view.text.split("\n").slice(1).join("\n"));
  expect(view.html.length).toBeLessThan(4096);
  expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
});

test("the sparkline runs oldest to newest from ▁ to █, and a flat series sits in the middle", () => {
  expect(sparkline(["1", "2", "3", "4", "5", "6", "7", "8"].map(dec))).toBe("▁▂▃▄▅▆▇█");
  expect(sparkline(["10", "0", "5"].map(dec))).toBe("█▁▅");
  expect(sparkline(["7", "7", "7"].map(dec))).toBe("▄▄▄");
  expect(sparkline([])).toBe("");
  // A single day has no trend to draw.
  expect(renderHistory([day("2026-11-23", "1")]).text).not.toContain("trend");
  expect(renderHistory(days(3)).text).toContain("USD trend ▁▅█");
});
