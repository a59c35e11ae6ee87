import { expect, test } from "bun:test";
import { dec } from "../../../src/lib/money.ts";
import { compactMoney, groupedMoney, percent, tickMoney } from "../../../src/render/chart/labels.ts";
import { dateTicks, dayKey, dayLabel, dayNumber, valueScale } from "../../../src/render/chart/ticks.ts";
import { expectChartError } from "./support.ts";

const moneyTicks = (lo: number, hi: number, currency: "USD" | "RUB") => {
  const scale = valueScale(lo, hi);
  return scale.ticks.map((t) => tickMoney(t, currency, scale.step));
};

test("value ticks are round numbers in compact money: $180k, $1.2M, ₽14.5M, ₽950k", () => {
  expect(moneyTicks(181_000, 203_500, "USD")).toEqual(["$180k", "$185k", "$190k", "$195k", "$200k", "$205k"]);
  expect(moneyTicks(950_000, 1_230_000, "USD")).toEqual(["$900k", "$1.0M", "$1.1M", "$1.2M", "$1.3M"]);
  expect(moneyTicks(14_200_000, 14_800_000, "RUB")).toEqual(["₽14.2M", "₽14.4M", "₽14.6M", "₽14.8M"]);
  expect(moneyTicks(900_000, 1_100_000, "RUB")).toEqual(["₽900k", "₽950k", "₽1.00M", "₽1.05M", "₽1.10M"]);
  expect(moneyTicks(-20_000, 5_000, "USD")).toEqual(["−$20k", "−$15k", "−$10k", "−$5k", "$0", "$5k"]);
});

test("every range gets 4 to 6 ticks that cover it, one round step apart", () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < 2000; i++) {
    const magnitude = 10 ** Math.floor(random() * 16 - 2);
    const lo = (random() - 0.3) * magnitude;
    const hi = lo + random() * magnitude;
    const scale = valueScale(lo, hi);
    expect(scale.ticks.length).toBeGreaterThanOrEqual(4);
    expect(scale.ticks.length).toBeLessThanOrEqual(6);
    expect(scale.min).toBeLessThanOrEqual(lo);
    expect(scale.max).toBeGreaterThanOrEqual(hi);
    expect([1, 2, 2.5, 5]).toContain(scale.step.mantissa);
    const labels = scale.ticks.map((t) => tickMoney(t, "USD", scale.step));
    expect(new Set(labels).size).toBe(labels.length);
  }
});

test("a flat series gets a band around its value, and zero a band around zero", () => {
  expect(moneyTicks(100_000, 100_000, "USD")).toEqual(["$95.0k", "$97.5k", "$100.0k", "$102.5k", "$105.0k"]);
  expect(moneyTicks(0, 0, "RUB")).toEqual(["−₽1.0", "−₽0.5", "₽0", "₽0.5", "₽1.0"]);
  expectChartError(() => valueScale(Number.NaN, 1), "bad-input");
});

test("huge values are labelled, not crashed on", () => {
  expect(moneyTicks(1e15, 3e15, "USD")).toEqual(["$1000T", "$1500T", "$2000T", "$2500T", "$3000T"]);
  expect(compactMoney(4.2e13, "USD")).toBe("$42.00T");
});

test("single values read to about 4 significant digits; legends show the exact grouped amount", () => {
  expect(compactMoney(182_431.2, "USD")).toBe("$182.4k");
  expect(compactMoney(14_530_000, "RUB")).toBe("₽14.53M");
  expect(compactMoney(999_999, "USD")).toBe("$1.00M");
  expect(compactMoney(950, "RUB")).toBe("₽950");
  expect(compactMoney(12.5, "USD")).toBe("$12.50");
  expect(compactMoney(-1234, "USD")).toBe("−$1,234");
  expect(compactMoney(9_999.5, "USD")).toBe("$10,000");
  expect(compactMoney(-20_500, "USD")).toBe("−$20.50k");
  expect(groupedMoney(dec("82431.49"), "USD")).toBe("$82,431");
  expect(groupedMoney(dec("12.5"), "USD")).toBe("$12.50");
  expect(groupedMoney(dec("14530000.4"), "RUB")).toBe("₽14,530,000");
  expect(groupedMoney(dec("-2500"), "USD")).toBe("−$2,500");
  expect([percent(5, 0), percent(-2.5, 1), percent(0.001, 1), percent(42.1, 1, false)]).toEqual(["+5%", "−2.5%", "0.0%", "42.1%"]);
});

test("date ticks step by days, weeks, months or years and never exceed 7", () => {
  const labels = (first: string, last: string) => dateTicks(first, last).map((t) => t.label);
  expect(labels("2026-11-23", "2026-11-24")).toEqual(["23 Nov", "24 Nov"]);
  expect(labels("2026-11-18", "2026-11-24")).toEqual(["18 Nov", "19 Nov", "20 Nov", "21 Nov", "22 Nov", "23 Nov", "24 Nov"]);
  // 30 days: Mondays.
  expect(labels("2026-10-26", "2026-11-24")).toEqual(["26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov"]);
  // 90 days: every other Monday.
  expect(labels("2026-08-27", "2026-11-24")).toEqual(["31 Aug", "14 Sep", "28 Sep", "12 Oct", "26 Oct", "9 Nov", "23 Nov"]);
  // 365 days: every other month, the year on the first tick and on January.
  expect(labels("2025-11-25", "2026-11-24")).toEqual(["Jan 2026", "Mar", "May", "Jul", "Sep", "Nov"]);
  // 3 years: half-years, each with its year.
  expect(labels("2023-11-25", "2026-11-24")).toEqual(["Jan 2024", "Jul 2024", "Jan 2025", "Jul 2025", "Jan 2026", "Jul 2026"]);
  // 10 years.
  expect(labels("2016-11-24", "2026-11-24")).toEqual(["2018", "2020", "2022", "2024", "2026"]);
  // 3 weeks across New Year: every 4 days, the new year named.
  expect(labels("2026-12-20", "2027-01-10")).toEqual(["20 Dec", "24 Dec", "28 Dec", "1 Jan 2027", "5 Jan", "9 Jan"]);
});

test("every span from 3 days to 100 years gets 4 to 7 date ticks, in order, inside the span", () => {
  const from = dayNumber("1990-03-07");
  for (let span = 3; span <= 36_500; span += span < 400 ? 1 : 37) {
    const ticks = dateTicks(dayKey(from), dayKey(from + span));
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(ticks.length).toBeLessThanOrEqual(7);
    const days = ticks.map((t) => dayNumber(t.day));
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(days[0]).toBeGreaterThanOrEqual(from);
    expect(days.at(-1)).toBeLessThanOrEqual(from + span);
    expect(new Set(ticks.map((t) => t.label)).size).toBe(ticks.length);
  }
});

test("days are calendar days: malformed or impossible ones are refused", () => {
  expect(dayLabel("2028-02-29")).toBe("29 Feb 2028");
  for (const bad of ["2026-02-29", "2026-13-01", "2026-1-1", "yesterday", ""]) expectChartError(() => dayNumber(bad), "bad-input");
});
