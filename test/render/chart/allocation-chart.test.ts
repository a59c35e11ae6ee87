import { expect, test } from "bun:test";
import type { Allocation, AllocationSlice } from "../../../src/history/allocation.ts";
import { dec, toPlainString } from "../../../src/lib/money.ts";
import { allocationChart } from "../../../src/render/chart/allocation-chart.ts";
import { htmlToText } from "../../../src/render/html.ts";
import { digitWindows, texts } from "./support.ts";

const slice = (
  name: string,
  account: string | null,
  assetClass: AllocationSlice["assetClass"],
  usd: string,
  rub: string | null,
): AllocationSlice => ({
  platform: name.toLowerCase().replace(/[^a-z]/g, ""),
  name,
  account,
  assetClass,
  usd: dec(usd),
  rub: rub === null ? null : dec(rub),
});

const ALLOCATION: Allocation = {
  takenAt: new Date("2026-11-24T09:00:00Z"),
  slices: [
    slice("Bybit", null, "crypto", "61234.56", "4926307.35"),
    slice("OKX", null, "crypto", "18120.40", "1457786.18"),
    slice("T-Bank", "Брокерский счёт 2000000101", "rub", "30453.70", "2450000"),
    slice("T-Bank", "ИИС 2000000102", "rub", "7961.47", "640500"),
    slice("T-Bank", "Маржинальный 2000000103", "rub", "-15.54", "-1250"),
    slice("IBKR", null, "stocks-and-cash", "84210.55", "6774738.75"),
  ],
};
const context = { timeZone: "Europe/Paris", privacy: false };

test("by platform: a slice per platform or account, the snapshot's time, the net total, a negative account named", () => {
  const view = allocationChart(ALLOCATION, { view: "platform", currency: "USD" }, context);
  if (view.kind !== "chart") throw new Error(view.text);
  expect(htmlToText(view.caption).split("\n")).toEqual([
    "Allocation by platform, USD",
    "Total: $201,965",
    "Snapshot: 24 Nov 2026, 10:00 (Europe/Paris)",
    "IBKR: $84,211 · 41.7%",
    "Bybit: $61,235 · 30.3%",
    "T-Bank · Брокерский счёт 2000000101: $30,454 · 15.1%",
    "OKX: $18,120 · 9.0%",
    "T-Bank · ИИС 2000000102: $7,961 · 3.9%",
    "Not in the ring (zero or negative): T-Bank · Маржинальный 2000000103: −$15.54",
  ]);
  expect(texts(view.svg, "subtitle")).toEqual(["Latest complete snapshot: 24 Nov 2026, 10:00 (Europe/Paris)"]);
  expect(texts(view.svg, "centre-total")).toEqual(["$202.0k"]);
  expect(texts(view.svg, "legend-label")).toEqual([
    "IBKR",
    "Bybit",
    "T-Bank · Брокерский счёт 2000000101",
    "OKX",
    "T-Bank · ИИС 2000000102",
  ]);
});

test("by kind: crypto, stocks and cash, RUB assets; in RUB with the RUB values as recorded", () => {
  const view = allocationChart(ALLOCATION, { view: "kind", currency: "RUB" }, context);
  if (view.kind !== "chart") throw new Error(view.text);
  expect(htmlToText(view.caption).split("\n")).toEqual([
    "Allocation by kind, RUB",
    "Total: ₽16,248,082",
    "Snapshot: 24 Nov 2026, 10:00 (Europe/Paris)",
    "Stocks and cash: ₽6,774,739 · 41.7%",
    "Crypto: ₽6,384,094 · 39.3%",
    "RUB assets: ₽3,089,250 · 19.0%",
  ]);
  expect(texts(view.svg, "legend-value")).toEqual(["₽6,774,739", "₽6,384,094", "₽3,089,250"]);
});

test("privacy: shares only, no digit of any amount in the image or the caption", () => {
  for (const view of ["platform", "kind"] as const) {
    const chart = allocationChart(ALLOCATION, { view, currency: "USD" }, { ...context, privacy: true });
    if (chart.kind !== "chart") throw new Error(chart.text);
    // The account numbers in the labels are not amounts (and share "000" with some).
    const shown = [...texts(chart.svg), htmlToText(chart.caption)].map((line) => line.replace(/2000000\d{3}/g, "#"));
    const amounts = ALLOCATION.slices.flatMap((s) => [s.usd, s.rub ?? s.usd]).map(toPlainString);
    for (const amount of [...amounts, "201965.14"])
      for (const window of digitWindows(amount)) for (const line of shown) expect(line).not.toContain(window);
    for (const line of shown) expect(line).not.toMatch(/[$₽]|\d[kMBT]\b/);
    expect(htmlToText(chart.caption)).toContain("Snapshot: 24 Nov 2026, 10:00 (Europe/Paris)");
  }
});

test("no snapshot yet, no RUB rate then, nothing positive: a short text instead", () => {
  expect(allocationChart(null, { view: "platform", currency: "USD" }, context)).toMatchObject({
    kind: "text",
    text: expect.stringContaining("No allocation yet"),
  });
  const noRate = { ...ALLOCATION, slices: ALLOCATION.slices.map((s) => ({ ...s, rub: null })) };
  expect(allocationChart(noRate, { view: "kind", currency: "RUB" }, context)).toEqual({
    kind: "text",
    text: "No RUB allocation: the latest complete snapshot (24 Nov 2026, 10:00 (Europe/Paris)) had no USD/RUB rate; the USD view has it.",
  });
  expect(allocationChart(noRate, { view: "kind", currency: "USD" }, context).kind).toBe("chart");
  const empty = { ...ALLOCATION, slices: [slice("OKX", null, "crypto", "0", "0")] };
  expect(allocationChart(empty, { view: "platform", currency: "USD" }, context)).toMatchObject({
    kind: "text",
    text: expect.stringContaining("no platform held a positive value"),
  });
});
