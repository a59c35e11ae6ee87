/**
 * @module Number labels for charts: compact money ("$180k", "₽14.5M"), exact grouped money for
 * legends, and signed percentages. Values arrive as numbers here: they only place pixels and label
 * round ticks; exact amounts stay Decimals upstream (money.ts) and are converted once, at the edge.
 */
import { type Decimal, formatGrouped, toPlainString } from "../../lib/money.ts";
import type { TickStep } from "./ticks.ts";

export type ChartCurrency = "USD" | "RUB";

const SYMBOL: Readonly<Record<ChartCurrency, string>> = { USD: "$", RUB: "₽" };
const UNITS = ["", "k", "M", "B", "T"] as const;
/** A real minus sign: the hyphen reads as a dash next to digits at 18 px. */
const MINUS = "\u2212";

/** A number for pixels and scales; Decimals can hold more digits than a double, charts need no more. */
export function toChartNumber(value: Decimal): number {
  return Number(toPlainString(value));
}

/**
 * A value-axis tick: "$180k", "$1.25M", "₽950k", "−$20k". The unit is chosen per tick (k, M, B, T)
 * and the decimals so that neighbouring ticks `step` apart never read alike.
 */
export function tickMoney(value: number, currency: ChartCurrency, step: TickStep): string {
  const unit = unitOf(value);
  const decimals = Math.max(0, 3 * unit - step.exponent) + (step.mantissa === 2.5 && step.exponent - 3 * unit < 1 ? 1 : 0);
  return money(value, currency, unit, decimals);
}

/** A single value, about 4 significant digits: "$182.4k", "₽14.53M"; under 10,000 in full: "$9,950", "$950.25". */
export function compactMoney(value: number, currency: ChartCurrency): string {
  if (Math.abs(value) < 10_000) {
    const places = Math.abs(value) >= 1000 || currency === "RUB" ? 0 : 2;
    const text = value
      .toFixed(places)
      .replace(/^-/, "")
      .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${value < 0 && Number(text.replace(/,/g, "")) !== 0 ? MINUS : ""}${SYMBOL[currency]}${text}`;
  }
  let unit = unitOf(value);
  for (;;) {
    const scaled = Math.abs(value) / 10 ** (3 * unit);
    const decimals = Math.min(2, Math.max(0, 3 - Math.floor(Math.log10(scaled) + 1e-9)));
    // 999.96k rounds to "1000.0k": say "1M" instead.
    if (Number(scaled.toFixed(decimals)) >= 1000 && unit < UNITS.length - 1) {
      unit += 1;
      continue;
    }
    return money(value, currency, unit, decimals);
  }
}

/** Exact amount for legends, grouped: "$82,431", "₽14,530,000", "$12.50" (cents only under 1,000). */
export function groupedMoney(value: Decimal, currency: ChartCurrency): string {
  const text = formatGrouped(value, Math.abs(toChartNumber(value)) >= 1000 || currency === "RUB" ? 0 : 2);
  return text.startsWith("-") ? `${MINUS}${SYMBOL[currency]}${text.slice(1)}` : `${SYMBOL[currency]}${text}`;
}

/** A percentage tick or change: "+5%", "0%", "−2.5%" (`signed`), or "42.1%". */
export function percent(value: number, decimals: number, signed = true): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return `${(0).toFixed(decimals)}%`;
  const sign = value < 0 ? MINUS : signed ? "+" : "";
  return `${sign}${text}%`;
}

/** Decimals that tell percentage ticks `step` apart. */
export function percentDecimals(step: TickStep): number {
  return Math.max(0, -step.exponent) + (step.mantissa === 2.5 && step.exponent < 1 ? 1 : 0);
}

function unitOf(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude < 1000) return 0;
  return Math.min(UNITS.length - 1, Math.floor(Math.log10(magnitude) / 3 + 1e-9));
}

function money(value: number, currency: ChartCurrency, unit: number, decimals: number): string {
  if (value === 0) return `${SYMBOL[currency]}0`;
  const digits = (Math.abs(value) / 10 ** (3 * unit)).toFixed(decimals);
  const sign = value < 0 && Number(digits) !== 0 ? MINUS : "";
  return `${sign}${SYMBOL[currency]}${digits}${UNITS[unit]}`;
}
