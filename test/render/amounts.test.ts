import { expect, test } from "bun:test";
import { dec } from "../../src/lib/money.ts";
import { compactMoney, unsignedPercent, wholeMoney } from "../../src/render/amounts.ts";

const money = (currency: string, amount: string) => ({ currency, amount: dec(amount) });

test("whole units, grouped, rounded half away from zero, with the currency's sign or code and a real minus", () => {
  expect(wholeMoney(money("USD", "391014.49"))).toBe("$391,014");
  expect(wholeMoney(money("RUB", "11870000.5"))).toBe("₽11,870,001");
  expect(wholeMoney(money("EUR", "-1250.5"))).toBe("−€1,251");
  expect(wholeMoney(money("CHF", "1000"))).toBe("CHF 1,000");
  expect(wholeMoney(money("USD", "-0.4"))).toBe("$0");
});

test("compact: three significant digits past a thousand, no trailing zeros, the next unit when rounding reaches it", () => {
  expect(compactMoney(money("RUB", "31457076"))).toBe("₽31.5M");
  expect(compactMoney(money("USD", "80210.1"))).toBe("$80.2k");
  expect(compactMoney(money("USD", "6000.4"))).toBe("$6k");
  expect(compactMoney(money("USD", "5200.5"))).toBe("$5.2k");
  expect(compactMoney(money("USD", "999.6"))).toBe("$1,000");
  expect(compactMoney(money("USD", "999960"))).toBe("$1M");
  expect(compactMoney(money("USD", "1234567890"))).toBe("$1.23B");
  expect(compactMoney(money("RUB", "-2500000"))).toBe("−₽2.5M");
  expect(compactMoney(money("USD", "77"))).toBe("$77");
});

test("percentages: two decimals, no sign (an arrow says the direction)", () => {
  expect(unsignedPercent(dec("-4.985"))).toBe("4.99%");
  expect(unsignedPercent(dec("0.393"))).toBe("0.39%");
});
