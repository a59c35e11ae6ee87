/**
 * @module Amounts as a phone shows them (pure): whole units in the report ("$391,014", "₽11,870,001"), three
 * significant digits where room is short ("₽31.5M", "$80.2k"), and signed percentages ("0.39%"). A negative amount
 * takes a real minus sign (U+2212), which a proportional font draws as wide as a plus.
 */
import { abs, cmp, type Decimal, dec, div, formatGrouped, isNegative, type Money, round, toFixed } from "../lib/money.ts";

/** "$391,014", "₽11,870,001", "€36,000", "CHF 1,000", "−$1,234": whole units, rounded half away from zero. */
export function wholeMoney(money: Money): string {
  const digits = formatGrouped(abs(money.amount), 0);
  return withSymbol(money.currency, digits, isNegative(money.amount) && digits !== "0");
}

/**
 * "$950", "$80.2k", "₽31.5M", "$1.23B", "$6k": three significant digits past a thousand without trailing zeros, whole
 * units below. A value that rounds up to the next unit takes it ($999,960 is "$1M", never "$1000k").
 */
export function compactMoney(money: Money): string {
  const size = abs(money.amount);
  const negative = isNegative(money.amount);
  if (cmp(size, THOUSAND) < 0) return wholeMoney(money);
  for (const [index, unit] of UNITS.entries()) {
    const scaled = div(size, unit.value, 6);
    const places = cmp(scaled, TEN) < 0 ? 2 : cmp(scaled, HUNDRED) < 0 ? 1 : 0;
    const rounded = round(scaled, places);
    if (cmp(rounded, THOUSAND) >= 0 && index < UNITS.length - 1) continue;
    const fixed = toFixed(rounded, places);
    const digits = places > 0 ? fixed.replace(/\.?0+$/, "") : fixed;
    return withSymbol(money.currency, `${digits}${unit.suffix}`, negative);
  }
  return wholeMoney(money);
}

/** |pct| with two decimals and a % sign: "0.39%", "12.00%"; the direction is said by an arrow beside it. */
export function unsignedPercent(pct: Decimal, places = 2): string {
  return `${formatGrouped(abs(pct), places)}%`;
}

/** Whether `amount` rounds to zero at `places` decimals (shown without a direction). */
export function roundsToZero(amount: Decimal, places: number): boolean {
  return !/[1-9]/.test(toFixed(amount, places));
}

/** The minus sign the phone formats use. */
const MINUS = "−";

const SYMBOLS: Readonly<Record<string, string>> = { USD: "$", EUR: "€", GBP: "£", RUB: "₽", JPY: "¥", CNY: "CN¥" };
const THOUSAND = dec("1000");
const TEN = dec("10");
const HUNDRED = dec("100");
const UNITS = [
  { value: dec("1000"), suffix: "k" },
  { value: dec("1000000"), suffix: "M" },
  { value: dec("1000000000"), suffix: "B" },
  { value: dec("1000000000000"), suffix: "T" },
] as const;

function withSymbol(currency: string, digits: string, negative: boolean): string {
  const code = currency.toUpperCase();
  const symbol = SYMBOLS[code];
  const sign = negative ? MINUS : "";
  return symbol ? `${sign}${symbol}${digits}` : `${sign}${code} ${digits}`;
}
