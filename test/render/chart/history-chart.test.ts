import { expect, test } from "bun:test";
import type { DayRecord } from "../../../src/history/store.ts";
import { dec } from "../../../src/lib/money.ts";
import { addDays } from "../../../src/lib/zoned-time.ts";
import { historyChart } from "../../../src/render/chart/history-chart.ts";
import { htmlToText } from "../../../src/render/html.ts";
import { digitWindows, texts } from "./support.ts";

const TODAY = "2026-11-24";

/** A record per entry, `day` counted back from today (0 = today); rub null when not given. */
function records(entries: { back: number; usd: string; rub?: string; partial?: boolean }[]): DayRecord[] {
  return entries.map(({ back, usd, rub, partial }) => ({
    day: addDays(TODAY, -back),
    usd: dec(usd),
    rub: rub === undefined ? null : dec(rub),
    usdRub: null,
    complete: !partial,
    platforms: new Map(),
    takenAt: null,
    origin: "bot",
  }));
}

const context = { today: TODAY, privacy: false };

test("the caption: now, change over complete days, low and high with their dates, the period; ticks and title in the SVG", () => {
  // 30 days back is outside the last 30 days; three days are missing; the first and the last day in range are partial.
  const history = records([
    { back: 30, usd: "1" },
    { back: 29, usd: "150000", partial: true },
    { back: 28, usd: "180000" },
    { back: 27, usd: "175000" },
    ...Array.from({ length: 23 }, (_, i) => ({ back: 24 - i, usd: String(181_000 + i * 500) })),
    { back: 0, usd: "120000", partial: true },
  ]).reverse();
  const view = historyChart(history, { days: 30, currency: "USD" }, context);
  if (view.kind !== "chart") throw new Error(view.text);
  expect(htmlToText(view.caption).split("\n")).toEqual([
    "Portfolio value, USD · last 30 days",
    "Now (24 Nov 2026): $120,000 (partial: not every platform counted)",
    "Change: +$12,000 (+6.7%) from 27 Oct 2026 to 22 Nov 2026",
    "Low: $175,000 on 28 Oct 2026 · High: $192,000 on 22 Nov 2026",
    "Period: 26 Oct – 24 Nov 2026, 27 of 30 days recorded, 2 partial",
  ]);
  expect(view.caption).toStartWith("<b>Portfolio value, USD · last 30 days</b>\nNow (24 Nov 2026): <b>$120,000</b>");
  expect(texts(view.svg, "title")).toEqual(["Portfolio value, USD · last 30 days"]);
  expect(texts(view.svg, "subtitle")).toEqual(["26 Oct – 24 Nov 2026 · 27 of 30 days recorded, 2 partial"]);
  expect(texts(view.svg, "value-tick")).toEqual(["$120k", "$140k", "$160k", "$180k", "$200k"]);
  expect(texts(view.svg, "date-tick")).toEqual(["26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov"]);
  expect(texts(view.svg, "last-label")).toEqual(["$120.0k (partial)"]);
});

test("privacy: % change from the first complete day in the image and the caption, and no digit of any amount", () => {
  const amounts = ["123456.78", "124680.13", "119753.86", "131313.57", "127654.32"];
  const history = records(amounts.map((usd, i) => ({ back: 4 - i, usd, rub: `${usd}7`, partial: i === 2 })));
  for (const currency of ["USD", "RUB"] as const) {
    const view = historyChart(history, { days: 30, currency }, { today: TODAY, privacy: true });
    if (view.kind !== "chart") throw new Error(view.text);
    const caption = htmlToText(view.caption);
    const shown = [...texts(view.svg), caption];
    for (const amount of [...amounts, ...amounts.map((a) => `${a}7`)])
      for (const window of digitWindows(amount)) for (const line of shown) expect(line).not.toContain(window);
    for (const line of shown) expect(line).not.toMatch(/[$₽]|\d[kMBT]\b/);
    expect(caption.split("\n").slice(1, 4)).toEqual([
      "Now (24 Nov 2026): +3.4% since 20 Nov 2026",
      "Change: +3.4% from 20 Nov 2026 to 24 Nov 2026",
      "Low: 0.0% on 20 Nov 2026 · High: +6.4% on 23 Nov 2026",
    ]);
  }
});

test("fewer than 2 days with a value is a short text; 2 days and 3653 days are charts", () => {
  const one = historyChart(records([{ back: 0, usd: "100" }]), { days: 30, currency: "USD" }, context);
  expect(one).toEqual({
    kind: "text",
    text: "No chart: the last 30 days has only one recorded day (24 Nov 2026), and a chart needs 2. pfbot records a day with each scheduled report; try a longer range, or come back tomorrow.",
  });
  expect(historyChart([], { days: "all", currency: "USD" }, context)).toMatchObject({
    kind: "text",
    text: expect.stringContaining("No chart: the history has no recorded day, and a chart needs 2."),
  });
  // The RUB chart needs RUB values: days recorded without a rate have none.
  const noRub = historyChart(
    records([
      { back: 1, usd: "100" },
      { back: 0, usd: "100", rub: "8000" },
    ]),
    { days: 30, currency: "RUB" },
    context,
  );
  expect(noRub).toMatchObject({
    kind: "text",
    text: expect.stringContaining("only one day with a RUB value (24 Nov 2026) (a day without a USD/RUB rate has none)"),
  });
  const two = historyChart(
    records([
      { back: 1, usd: "100" },
      { back: 0, usd: "110" },
    ]),
    { days: 30, currency: "USD" },
    context,
  );
  expect(two.kind).toBe("chart");
  if (two.kind === "chart") expect(htmlToText(two.caption)).toContain("Change: +$10.00 (+10.0%) from 23 Nov 2026 to 24 Nov 2026");
  const tenYears = records(Array.from({ length: 3653 }, (_, i) => ({ back: i, usd: String(50_000 + (i % 97) * 100) })));
  const all = historyChart(tenYears, { days: "all", currency: "USD" }, context);
  if (all.kind !== "chart") throw new Error(all.text);
  expect(htmlToText(all.caption)).toContain("Period: 24 Nov 2016 – 24 Nov 2026, 3653 of 3653 days recorded");
  expect(texts(all.svg, "date-tick")).toEqual(["2018", "2020", "2022", "2024", "2026"]);
  const year = historyChart(tenYears, { days: 365, currency: "USD" }, context);
  if (year.kind !== "chart") throw new Error(year.text);
  expect(htmlToText(year.caption)).toContain("Period: 25 Nov 2025 – 24 Nov 2026, 365 of 365 days recorded");
});

test("with no two complete days there is no change line: a partial total leaves a platform out", () => {
  const view = historyChart(
    records([
      { back: 2, usd: "100", partial: true },
      { back: 1, usd: "200" },
      { back: 0, usd: "150", partial: true },
    ]),
    { days: 30, currency: "USD" },
    context,
  );
  if (view.kind !== "chart") throw new Error(view.text);
  expect(htmlToText(view.caption).split("\n")[2]).toBe(
    "Change: not shown (fewer than 2 complete days: a partial total leaves a platform out)",
  );
});
