import { expect, test } from "bun:test";
import { dec } from "../../../src/lib/money.ts";
import { type LineChartInput, type LinePoint, lineChartSvg } from "../../../src/render/chart/line.ts";
import { dayKey, dayNumber } from "../../../src/render/chart/ticks.ts";
import { count, digitWindows, expectChartError, pathData, texts } from "./support.ts";

/** `n` consecutive days starting `first`, valued by `valueAt(i)` (null for a gap). */
function days(first: string, n: number, valueAt: (i: number) => string | null, partial: (i: number) => boolean = () => false): LinePoint[] {
  const start = dayNumber(first);
  return Array.from({ length: n }, (_, i) => {
    const value = valueAt(i);
    return { day: dayKey(start + i), value: value === null ? null : dec(value), partial: partial(i) };
  });
}

function chart(points: LinePoint[], extra: Partial<LineChartInput> = {}) {
  return lineChartSvg({ points, currency: "USD", privacy: false, title: "Portfolio value", ...extra });
}

/** Vertices per polyline of a path's d attribute. */
function polylines(d: string): number[] {
  return d
    .split("M")
    .filter((s) => s !== "")
    .map((s) => s.split("L").length);
}

test("30 days: round value ticks, Monday date ticks, the last value labelled, all as text elements", () => {
  const { svg, meta } = chart(
    days("2026-10-26", 30, (i) => String(181_000 + i * 750)),
    { subtitle: "26 Oct – 24 Nov 2026" },
  );
  expect(texts(svg, "value-tick")).toEqual(["$180k", "$185k", "$190k", "$195k", "$200k", "$205k"]);
  expect(meta.valueTicks).toEqual(texts(svg, "value-tick"));
  expect(texts(svg, "date-tick")).toEqual(["26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov"]);
  expect(texts(svg, "last-label")).toEqual(["$202.8k"]);
  expect(texts(svg, "title")).toEqual(["Portfolio value"]);
  expect(texts(svg, "subtitle")).toEqual(["26 Oct – 24 Nov 2026"]);
  expect(count(svg, "last-point")).toBe(1);
  expect(polylines(pathData(svg, "line-complete"))).toEqual([30]);
  expect(meta.low).toEqual({ day: "2026-10-26", value: dec("181000") });
  expect(meta.high).toEqual({ day: "2026-11-24", value: dec("202750") });
  expect(meta.first.day).toBe("2026-10-26");
  expect(meta.last).toEqual({ day: "2026-11-24", value: dec("202750"), partial: false });
  expect(svg).toStartWith('<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"');
});

test("RUB ticks use ₽ and millions", () => {
  const { meta } = chart(
    days("2026-11-01", 10, (i) => String(14_200_000 + i * 60_000)),
    { currency: "RUB" },
  );
  expect(meta.valueTicks).toEqual(["₽14.2M", "₽14.4M", "₽14.6M", "₽14.8M"]);
  expect(meta.lastLabel).toBe("₽14.74M");
});

test("privacy mode shows % change from the first day and no digit of any amount", () => {
  const amounts = ["123456.78", "124680.13", "119753.86", "131313.57", "127654.32"];
  for (const currency of ["USD", "RUB"] as const) {
    const { svg, meta } = chart(
      days(
        "2026-11-20",
        amounts.length,
        (i) => amounts[i] ?? null,
        (i) => i === 3,
      ),
      { currency, privacy: true, title: "Portfolio value", subtitle: "Last days" },
    );
    const all = texts(svg);
    for (const amount of amounts) {
      for (const window of digitWindows(amount)) for (const line of all) expect(line).not.toContain(window);
      const whole = amount.split(".")[0] ?? "";
      expect(svg).not.toContain(whole);
      expect(svg).not.toContain(`${whole.slice(0, 3)},${whole.slice(3)}`);
    }
    for (const line of all) expect(line).not.toMatch(/[$₽]|\d[kMBT]\b/);
    expect(meta.valueAxis).toBe("percent");
    expect(meta.baseDay).toBe("2026-11-20");
    expect(meta.valueTicks.every((l) => /^([+−]?\d+(\.\d+)?%)$/.test(l))).toBe(true);
    expect(meta.valueTicks.filter((l) => /^0(\.0+)?%$/.test(l))).toHaveLength(1);
    // 127654.32 / 123456.78 − 1 = +3.40%
    expect(texts(svg, "last-label")).toEqual(["+3.4%"]);
    expect(texts(svg, "axis-note")).toEqual(["% change since 20 Nov 2026"]);
  }
});

test("privacy mode with a first value at or below zero hides the value axis instead of inventing a %", () => {
  const { svg, meta } = chart(
    days("2026-11-20", 3, (i) => ["0", "250.5", "-40"][i] ?? null),
    { privacy: true },
  );
  expect(meta.valueAxis).toBe("hidden");
  expect(texts(svg, "value-tick")).toEqual([]);
  expect(texts(svg, "last-label")).toEqual([]);
  expect(texts(svg, "axis-note")).toEqual(["amounts hidden"]);
  for (const line of texts(svg)) expect(line).not.toMatch(/250|40/);
});

test("fewer than 2 days with a value is a typed error telling the caller to answer in text", () => {
  expect(expectChartError(() => chart([]), "too-few-days").message).toContain("at least 2 days");
  expect(expectChartError(() => chart(days("2026-11-24", 1, () => "100")), "too-few-days").message).toContain("there is 1");
  expectChartError(() => chart(days("2026-11-23", 2, (i) => (i === 0 ? null : "100"))), "too-few-days");
});

test("days out of order or repeated are refused as bad input", () => {
  const [a, b] = days("2026-11-23", 2, () => "100");
  if (!a || !b) throw new Error("fixture");
  expectChartError(() => chart([b, a]), "bad-input");
  expectChartError(() => chart([a, a]), "bad-input");
  expectChartError(() => chart([{ ...a, day: "23.11.2026" }, b]), "bad-input");
});

test("2 days draw one segment between the two days, both date-ticked", () => {
  const { svg, meta } = chart(days("2026-11-23", 2, (i) => (i === 0 ? "1000" : "1100")));
  expect(polylines(pathData(svg, "line-complete"))).toEqual([2]);
  expect(meta.dateTicks.map((t) => t.label)).toEqual(["23 Nov", "24 Nov"]);
  expect(meta.valueTicks.length).toBeGreaterThanOrEqual(4);
});

test("3653 days stay a sane SVG with year ticks; 20 years are thinned per pixel column", () => {
  const tenYears = chart(days("2016-11-25", 3653, (i) => (20_000 + i * 90 + (i % 17) * 300).toFixed(2)));
  expect(tenYears.svg.length).toBeLessThan(150_000);
  expect(tenYears.meta.dateTicks.map((t) => t.label)).toEqual(["2018", "2020", "2022", "2024", "2026"]);
  const twentyYears = chart(days("2006-11-25", 7305, (i) => (20_000 + i * 90 + (i % 17) * 300).toFixed(2)));
  expect(twentyYears.meta.vertices).toBeLessThan(7305);
  expect(twentyYears.meta.vertices).toBeLessThanOrEqual(4 * 1280);
  expect(twentyYears.svg.length).toBeLessThan(150_000);
});

test("a missing day breaks the line, whether passed as null or left out; a lone day still shows", () => {
  const withNull = chart(days("2026-11-01", 10, (i) => (i === 4 ? null : String(1000 + i))));
  expect(polylines(pathData(withNull.svg, "line-complete"))).toEqual([4, 5]);
  const leftOut = chart(days("2026-11-01", 10, (i) => String(1000 + i)).filter((_, i) => i !== 4));
  expect(polylines(pathData(leftOut.svg, "line-complete"))).toEqual([4, 5]);
  // Day 2 alone between two gaps: no segment, a dot.
  const lone = chart(days("2026-11-01", 6, (i) => (i === 1 || i === 3 ? null : String(1000 + i))));
  expect(polylines(pathData(lone.svg, "line-complete"))).toEqual([2]);
  expect(lone.svg).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="4"/);
  expect(lone.meta.low?.day).toBe("2026-11-01");
});

test("partial days are dashed and hollow-marked, and never count as the low or the high", () => {
  // Day 5 is partial and the lowest value; day 7 is partial and the highest.
  const values = ["1000", "1010", "1020", "1030", "1040", "500", "1060", "5000", "1080", "1090"];
  const { svg, meta } = chart(
    days(
      "2026-11-01",
      10,
      (i) => values[i] ?? null,
      (i) => i === 5 || i === 7,
    ),
  );
  expect(polylines(pathData(svg, "line-partial"))).toEqual([5]);
  expect(polylines(pathData(svg, "line-complete"))).toEqual([5, 2]);
  expect(count(svg, "partial-point")).toBe(2);
  expect(texts(svg, "legend")).toEqual(["complete day", "partial day: not every platform counted"]);
  expect(meta.low).toEqual({ day: "2026-11-01", value: dec("1000") });
  expect(meta.high).toEqual({ day: "2026-11-10", value: dec("1090") });
});

test("a partial last day is labelled as partial; many partial days become a band instead of markers", () => {
  const lastPartial = chart(
    days(
      "2026-11-01",
      5,
      (i) => String(1000 + i),
      (i) => i === 4,
    ),
  );
  expect(lastPartial.meta.last.partial).toBe(true);
  expect(texts(lastPartial.svg, "last-label")).toEqual(["$1,004 (partial)"]);
  const many = chart(
    days(
      "2025-11-25",
      365,
      (i) => String(1000 + i),
      (i) => i % 3 === 0,
    ),
  );
  expect(count(many.svg, "partial-point")).toBe(0);
  expect(count(many.svg, "partial-band")).toBe(1);
  expect(many.meta.low?.day).toBe("2025-11-26");
});

test("a complete chart has no partial marks and no legend", () => {
  const { svg } = chart(days("2026-11-01", 10, (i) => String(1000 + i)));
  expect(pathData(svg, "line-partial")).toBe("");
  expect(count(svg, "partial-point") + count(svg, "partial-band")).toBe(0);
  expect(texts(svg, "legend")).toEqual([]);
});

test("flat, negative and huge series are drawn", () => {
  const flat = chart(days("2026-11-01", 10, () => "100000"));
  expect(flat.meta.valueTicks).toEqual(["$95.0k", "$97.5k", "$100.0k", "$102.5k", "$105.0k"]);
  const ys = new Set([...pathData(flat.svg, "line-complete").matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => m[1]));
  expect(ys.size).toBe(1);
  const negative = chart(days("2026-11-01", 5, (i) => String(-5000 + i * 5000)));
  expect(negative.meta.valueTicks).toEqual(["−$5k", "$0", "$5k", "$10k", "$15k"]);
  expect(negative.meta.low?.value).toEqual(dec("-5000"));
  const huge = chart(days("2026-11-01", 5, (i) => `${i + 1}000000000000000000000`));
  expect(huge.meta.valueTicks.length).toBeGreaterThanOrEqual(4);
  expect(huge.meta.lastLabel).toMatch(/^\$[\d.]+T$/);
});

test("text is XML-escaped and stripped of emoji (Inter has no glyphs for them)", () => {
  const { svg } = chart(
    days("2026-11-01", 3, () => "1"),
    { title: `Q&A <b>"x"</b> 📈 it's`, subtitle: "🇷🇺 RUB" },
  );
  expect(svg).toContain("Q&amp;A &lt;b&gt;&quot;x&quot;&lt;/b&gt; it&apos;s");
  expect(texts(svg, "title")).toEqual([`Q&A <b>"x"</b> it's`]);
  expect(texts(svg, "subtitle")).toEqual(["RUB"]);
  expect(svg).not.toMatch(/\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]/u);
});

test("the SVG does not depend on the process time zone", () => {
  const script = `
    const { lineChartSvg } = await import(${JSON.stringify(new URL("../../../src/render/chart/line.ts", import.meta.url).pathname)});
    const { dec } = await import(${JSON.stringify(new URL("../../../src/lib/money.ts", import.meta.url).pathname)});
    const points = ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-25", "2026-10-26"].map((day, i) => ({ day, value: dec(String(100 + i)), partial: false }));
    process.stdout.write(lineChartSvg({ points, currency: "USD", privacy: false, title: "t" }).svg);
  `;
  const outputs = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"].map((tz) => {
    const run = Bun.spawnSync([process.execPath, "-e", script], { env: { ...process.env, TZ: tz } });
    expect(run.exitCode).toBe(0);
    return run.stdout.toString();
  });
  expect(outputs[0]).toContain("<svg");
  expect(outputs[1]).toBe(outputs[0] ?? "");
  expect(outputs[2]).toBe(outputs[0] ?? "");
});
