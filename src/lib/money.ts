// Exact decimal amounts. Exchanges and brokers send amounts as decimal strings ("0.00012345",
// "-3.5", "1E-8"); adding them as floats drifts, so every amount is kept as coefficient × 10^-scale
// with a BigInt coefficient, and rounded only for display.

export interface Decimal {
  readonly coef: bigint;
  readonly scale: number;
}

export interface Money {
  readonly currency: string;
  readonly amount: Decimal;
}

export const ZERO: Decimal = Object.freeze({ coef: 0n, scale: 0 });

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses "12.34", "-0.5", "1e-8", " 7 ". Returns null for "", "abc", "NaN" and other non-numbers. */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL_RE.exec(text.trim());
  if (!match) return null;
  const [, sign = "", intPart = "", fracPart = "", exp = "0"] = match;
  if (intPart === "" && fracPart === "") return null;
  const exponent = Number(exp);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return null;
  let coef = BigInt(intPart + fracPart || "0");
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    coef *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize(sign === "-" ? -coef : coef, scale);
}

/**
 * An amount field of an upstream answer, read strictly: null when absent (missing, null, or "", which
 * exchanges send for "not applicable"); a Decimal when it is a decimal string or a finite JSON number;
 * anything else ("NaN", "Infinity", "abc", true, {}) throws `unreadable(shown)`, because a corrupt figure
 * must fail its platform rather than count as 0 or be left out of a total.
 */
export function readAmount(value: unknown, unreadable: (shown: string) => Error): Decimal | null {
  if (value === undefined || value === null || value === "") return null;
  const parsed =
    typeof value === "string"
      ? parseDecimal(value)
      : typeof value === "number" && Number.isFinite(value)
        ? parseDecimal(String(value))
        : null;
  if (parsed === null) throw unreadable(clipForMessage(value));
  return parsed;
}

/**
 * 10^15 in any unit: beyond any plausible portfolio (the largest funds hold ~10^13 USD) and where a float, as the
 * original bot's history file holds, stops keeping cents. An amount this large is a corrupt answer, not money.
 */
export const IMPLAUSIBLE_AMOUNT: Decimal = Object.freeze({ coef: 10n ** 15n, scale: 0 });

/** |a| < 10^15: see IMPLAUSIBLE_AMOUNT. */
export function isPlausibleAmount(a: Decimal): boolean {
  return cmp(abs(a), IMPLAUSIBLE_AMOUNT) < 0;
}

/** Like parseDecimal but throws; for literals and values already validated. */
export function dec(text: string | number | bigint): Decimal {
  if (typeof text === "bigint") return normalize(text, 0);
  const parsed = parseDecimal(String(text));
  if (!parsed) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  return parsed;
}

/** A Decimal from an integer count of 10^-scale units, e.g. fromUnits(1_500_000_000n, 9) = 1.5. */
export function fromUnits(units: bigint, scale: number): Decimal {
  return normalize(units, scale);
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return normalize(rescale(a, scale) + rescale(b, scale), scale);
}

export function sub(a: Decimal, b: Decimal): Decimal {
  return add(a, neg(b));
}

export function neg(a: Decimal): Decimal {
  return normalize(-a.coef, a.scale);
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return normalize(a.coef * b.coef, a.scale + b.scale);
}

/** a ÷ b rounded half away from zero to `places` decimals (default 12: far below a cent of anything). */
export function div(a: Decimal, b: Decimal, places = 12): Decimal {
  if (b.coef === 0n) throw new RangeError("division by zero");
  // a/b = (a.coef / 10^a.scale) / (b.coef / 10^b.scale); scale the numerator so the quotient has places+1 digits.
  const shift = places + 1 + b.scale - a.scale;
  const num = shift >= 0 ? a.coef * 10n ** BigInt(shift) : a.coef / 10n ** BigInt(-shift);
  const q = num / b.coef;
  return roundUnits(q, places + 1, places);
}

/** The sum, or null when any value is unknown: a total that would leave something out is no total. */
export function sumIfKnown(values: readonly (Decimal | null)[]): Decimal | null {
  let total = ZERO;
  for (const value of values) {
    if (value === null) return null;
    total = add(total, value);
  }
  return total;
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

export function cmp(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: Decimal): boolean {
  return a.coef === 0n;
}

export function isNegative(a: Decimal): boolean {
  return a.coef < 0n;
}

export function abs(a: Decimal): Decimal {
  return a.coef < 0n ? neg(a) : a;
}

/** Rounds half away from zero to `places` decimals. */
export function round(a: Decimal, places: number): Decimal {
  if (a.scale <= places) return a;
  return roundUnits(a.coef, a.scale, places);
}

/** Plain decimal string, no exponent: "-1234.5". */
export function toPlainString(a: Decimal): string {
  const negative = a.coef < 0n;
  const digits = (negative ? -a.coef : a.coef).toString().padStart(a.scale + 1, "0");
  const intPart = digits.slice(0, digits.length - a.scale);
  const frac = a.scale > 0 ? `.${digits.slice(digits.length - a.scale)}` : "";
  return (negative ? "-" : "") + intPart + frac;
}

/** Fixed decimals without grouping: toFixed(dec("2.005"), 2) = "2.01". */
export function toFixed(a: Decimal, places: number): string {
  const r = round(a, places);
  const padded = rescale(r, places);
  return toPlainString({ coef: padded, scale: places });
}

/** For JSON output only, after rounding; never for arithmetic. */
export function toNumber(a: Decimal, places = 2): number {
  return Number(toFixed(a, places));
}

/** "12,345.67": thousands separators, fixed decimals, a minus sign when negative (and not rounded to 0). */
export function formatGrouped(a: Decimal, places: number): string {
  const fixed = toFixed(a, places);
  const negative = fixed.startsWith("-") && /[1-9]/.test(fixed);
  const unsigned = fixed.replace(/^-/, "");
  const [intPart = "0", frac] = unsigned.split(".");
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + grouped + (frac !== undefined ? `.${frac}` : "");
}

/** A short, quoted form of an unreadable value for an error message. */
function clipForMessage(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? typeof value);
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

function rescale(a: Decimal, scale: number): bigint {
  return a.coef * 10n ** BigInt(scale - a.scale);
}

function roundUnits(coef: bigint, scale: number, places: number): Decimal {
  const divisor = 10n ** BigInt(scale - places);
  const q = coef / divisor;
  const rem = coef % divisor;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  const rounded = twice >= divisor ? q + (coef < 0n ? -1n : 1n) : q;
  return normalize(rounded, places);
}

function normalize(coef: bigint, scale: number): Decimal {
  let c = coef;
  let s = scale;
  while (s > 0 && c % 10n === 0n) {
    c /= 10n;
    s -= 1;
  }
  return Object.freeze({ coef: c, scale: s });
}
