import { expect, test } from "bun:test";
import { dec } from "../../../src/lib/money.ts";
import { type DonutChartInput, type DonutSlice, donutChartSvg } from "../../../src/render/chart/donut.ts";
import { count, digitWindows, expectChartError, texts } from "./support.ts";

const SLICES: DonutSlice[] = [
  { label: "Bybit", value: dec("41250.10") },
  { label: "IBKR · U1234567", value: dec("84210.55") },
  { label: "T-Bank · Брокерский счёт", value: dec("30120.00") },
  { label: "OKX", value: dec("22040.75") },
  { label: "T-Bank · ИИС", value: dec("3100.20") },
  { label: "Bybit Earn", value: dec("1900.00") },
];

function donut(slices: readonly DonutSlice[], extra: Partial<DonutChartInput> = {}) {
  return donutChartSvg({ slices, currency: "USD", privacy: false, title: "Allocation", centreLabel: "Total", ...extra });
}

test("largest first, slices under 3% folded into Other, each labelled with value and share", () => {
  const { svg, meta } = donut(SLICES, { subtitle: "Snapshot 24 Nov 2026, 09:00" });
  expect(texts(svg, "legend-label")).toEqual(["IBKR · U1234567", "Bybit", "T-Bank · Брокерский счёт", "OKX", "Other (2)"]);
  expect(texts(svg, "legend-value")).toEqual(["$84,211", "$41,250", "$30,120", "$22,041", "$5,000"]);
  expect(texts(svg, "legend-percent")).toEqual(["46.1%", "22.6%", "16.5%", "12.1%", "2.7%"]);
  expect(meta.slices.at(-1)?.folded).toEqual(["T-Bank · ИИС", "Bybit Earn"]);
  expect(meta.slices.at(-1)?.value).toEqual(dec("5000.20"));
  expect(meta.total).toEqual(dec("182621.60"));
  expect(texts(svg, "centre-label")).toEqual(["Total"]);
  expect(texts(svg, "centre-total")).toEqual(["$182.6k"]);
  expect(texts(svg, "subtitle")).toEqual(["Snapshot 24 Nov 2026, 09:00"]);
  expect(count(svg, "slice")).toBe(5);
});

test("shares add up to exactly 100.0% (largest remainder), from exact decimals", () => {
  const thirds = donut([
    { label: "A", value: dec("1") },
    { label: "B", value: dec("1") },
    { label: "C", value: dec("1") },
  ]);
  expect(thirds.meta.slices.map((s) => s.percentLabel)).toEqual(["33.4%", "33.3%", "33.3%"]);
  for (const slices of [
    SLICES,
    SLICES.slice(0, 3),
    [
      { label: "x", value: dec("0.000000001") },
      { label: "y", value: dec("7") },
    ],
  ]) {
    expect(donut(slices).meta.slices.reduce((t, s) => t + s.tenths, 0)).toBe(1000);
  }
});

test("one small slice keeps its name; a slice called Other merges with the folded ones", () => {
  const one = donut([...SLICES.slice(0, 4), { label: "Bybit Earn", value: dec("1900") }]);
  expect(one.meta.slices.map((s) => s.label)).toEqual(["IBKR · U1234567", "Bybit", "T-Bank · Брокерский счёт", "OKX", "Bybit Earn"]);
  const named = donut([...SLICES, { label: "other", value: dec("10000") }]);
  expect(named.meta.slices.at(-1)?.label).toBe("Other");
  expect(named.meta.slices.at(-1)?.folded).toEqual(["other", "T-Bank · ИИС", "Bybit Earn"]);
});

test("more than 8 slices: the smallest join Other so the legend fits", () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    label: `Account ${String.fromCharCode(65 + i)}`,
    value: dec(String(1000 + i * 10)),
  }));
  const { meta } = donut(many);
  expect(meta.slices).toHaveLength(8);
  expect(meta.slices.at(-1)?.folded).toHaveLength(5);
});

test("zero and negative slices are left out and named in a note; nothing positive is a typed error", () => {
  const { svg, meta } = donut([...SLICES.slice(0, 2), { label: "Empty", value: dec("0") }, { label: "Margin debt", value: dec("-120") }]);
  expect(meta.excluded).toEqual(["Empty", "Margin debt"]);
  expect(meta.slices.map((s) => s.label)).toEqual(["IBKR · U1234567", "Bybit"]);
  expect(texts(svg, "excluded-note")).toEqual(["Not shown (zero or negative): Empty, Margin debt"]);
  expectChartError(() => donut([{ label: "Empty", value: dec("0") }]), "no-slices");
  expectChartError(() => donut([]), "no-slices");
});

test("a single slice is a full ring at 100.0%", () => {
  const { svg, meta } = donut([{ label: "Bybit", value: dec("5") }]);
  expect(meta.slices.map((s) => s.percentLabel)).toEqual(["100.0%"]);
  expect(svg).toMatch(/<circle class="slice"/);
});

test("privacy mode shows shares only: no digit of any amount, the total hidden", () => {
  const amounts = ["123456.78", "98765.43", "45678.91", "3333.33", "2222.22"];
  for (const currency of ["USD", "RUB"] as const) {
    const { svg, meta } = donut(
      amounts.map((a, i) => ({ label: `Platform ${"ABCDE"[i]}`, value: dec(a) })),
      { currency, privacy: true },
    );
    const all = texts(svg);
    for (const amount of amounts) for (const window of digitWindows(amount)) for (const line of all) expect(line).not.toContain(window);
    for (const line of all) expect(line).not.toMatch(/[$₽]|\d[kMBT]\b/);
    expect(texts(svg, "legend-value")).toEqual([]);
    expect(texts(svg, "centre-total")).toEqual(["•••••"]);
    expect(meta.totalLabel).toBe("");
    expect(texts(svg, "legend-percent").every((l) => /^\d+\.\d%$/.test(l))).toBe(true);
  }
});

test("long labels are cut with an ellipsis and emoji dropped", () => {
  const { svg } = donut([
    { label: `🏦 ${"Very long account name ".repeat(4)}`, value: dec("10") },
    { label: "<b>&", value: dec("10") },
  ]);
  const labels = texts(svg, "legend-label");
  expect(labels[0]).toEndWith("…");
  expect(labels[0]).not.toContain("🏦");
  expect(labels[1]).toBe("<b>&");
  expect(svg).toContain("&lt;b&gt;&amp;");
});
