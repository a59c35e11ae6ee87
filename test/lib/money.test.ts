import { describe, expect, test } from "bun:test";
import {
  add,
  cmp,
  dec,
  div,
  formatGrouped,
  fromUnits,
  isPlausibleAmount,
  mul,
  parseDecimal,
  readAmount,
  round,
  sub,
  sum,
  toFixed,
  toNumber,
  toPlainString,
} from "../../src/lib/money.ts";

describe("parseDecimal", () => {
  test.each([
    ["12.34", "12.34"],
    ["-0.5", "-0.5"],
    ["1e-8", "0.00000001"],
    ["1.5E+3", "1500"],
    [" 7 ", "7"],
    ["0.000", "0"],
    [".5", "0.5"],
    ["5.", "5"],
  ])("%p → %s", (text, plain) => {
    expect(toPlainString(parseDecimal(text)!)).toBe(plain);
  });
  test.each(["", "abc", "NaN", "Infinity", "1,5", "-", ".", "1e99999"])("%p is not a number", (text) => {
    expect(parseDecimal(text)).toBeNull();
  });
});

describe("arithmetic is exact", () => {
  test("0.1 + 0.2 = 0.3", () => {
    expect(toPlainString(add(dec("0.1"), dec("0.2")))).toBe("0.3");
  });
  test("many small amounts add up to the cent", () => {
    const total = sum(Array.from({ length: 10_000 }, () => dec("0.01")));
    expect(toPlainString(total)).toBe("100");
  });
  test("mul, sub, cmp", () => {
    expect(toPlainString(mul(dec("0.00012345"), dec("97000.5")))).toBe("11.974711725");
    expect(toPlainString(sub(dec("1"), dec("1.00000001")))).toBe("-0.00000001");
    expect(cmp(dec("2.50"), dec("2.5"))).toBe(0);
    expect(cmp(dec("-3"), dec("2"))).toBe(-1);
  });
  test("div rounds half away from zero at the requested places", () => {
    expect(toPlainString(div(dec("1"), dec("3"), 4))).toBe("0.3333");
    expect(toPlainString(div(dec("2"), dec("3"), 4))).toBe("0.6667");
    expect(toPlainString(div(dec("-2"), dec("3"), 4))).toBe("-0.6667");
    expect(toPlainString(div(dec("9328010"), dec("93.2801"), 2))).toBe("100000");
    expect(() => div(dec("1"), dec("0"))).toThrow("division by zero");
  });
  test("fromUnits builds T-Bank style nanos", () => {
    expect(toPlainString(fromUnits(-1_500_000_000n, 9))).toBe("-1.5");
  });
});

describe("display", () => {
  test("rounds only for display, half away from zero", () => {
    expect(toFixed(dec("2.005"), 2)).toBe("2.01");
    expect(toFixed(dec("-2.005"), 2)).toBe("-2.01");
    expect(toFixed(dec("2"), 2)).toBe("2.00");
    expect(toPlainString(round(dec("1.23456"), 3))).toBe("1.235");
    expect(toNumber(dec("12345.675"))).toBe(12345.68);
  });
  test("thousands separators", () => {
    expect(formatGrouped(dec("12345.674"), 2)).toBe("12,345.67");
    expect(formatGrouped(dec("1234567.5"), 0)).toBe("1,234,568");
    expect(formatGrouped(dec("-1000"), 2)).toBe("-1,000.00");
    expect(formatGrouped(dec("-0.001"), 2)).toBe("0.00");
    expect(formatGrouped(dec("999.999"), 2)).toBe("1,000.00");
  });
});

describe("readAmount", () => {
  const fail = (shown: string) => new Error(`unreadable ${shown}`);
  test.each([undefined, null, ""])("%p is absent (null), never 0", (value) => {
    expect(readAmount(value, fail)).toBeNull();
  });
  test.each([
    ["12.5", "12.5"],
    [" -3 ", "-3"],
    ["1E-8", "0.00000001"],
    [42.25, "42.25"],
  ])("%p reads exactly", (value, expected) => {
    expect(toPlainString(readAmount(value, fail)!)).toBe(expected);
  });
  test.each(["NaN", "Infinity", "-Infinity", " ", "1,5", "0x10", "abc", true, {}, Number.NaN, Number.POSITIVE_INFINITY])(
    "%p is unreadable and throws",
    (value) => {
      expect(() => readAmount(value, fail)).toThrow(/^unreadable /);
    },
  );
  test("the value shown in the error is clipped", () => {
    expect(() => readAmount("x".repeat(100), fail)).toThrow(`unreadable "${"x".repeat(24)}…"`);
  });
});

describe("isPlausibleAmount", () => {
  test("below 10^15 in magnitude only", () => {
    expect(isPlausibleAmount(dec("999999999999999.999999"))).toBe(true);
    expect(isPlausibleAmount(dec("-999999999999999.99"))).toBe(true);
    expect(isPlausibleAmount(dec("1e15"))).toBe(false);
    expect(isPlausibleAmount(dec("-1e15"))).toBe(false);
    expect(isPlausibleAmount(dec("1e999"))).toBe(false);
  });
});
