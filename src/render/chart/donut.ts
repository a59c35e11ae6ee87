/**
 * @module The allocation donut as SVG: slices largest first, slices under 3% folded into "Other",
 * the total in the centre, and a legend beside the ring with each slice's value and share (labels
 * around a ring collide on a phone). With privacy on, shares only. Pure: no I/O, no clock.
 */
import { add, cmp, type Decimal, dec, isNegative, isZero, mul, ZERO } from "../../lib/money.ts";
import { ChartError } from "./errors.ts";
import { type ChartCurrency, compactMoney, groupedMoney, toChartNumber } from "./labels.ts";
import { type ChartSize, chartHeading, DEFAULT_SIZE, fitText, num, svgDocument, THEME, text, textWidth } from "./svg.ts";

export interface DonutSlice {
  readonly label: string;
  /** Slices at zero or below are left out of the ring and named in a note. */
  readonly value: Decimal;
}

export interface DonutChartInput {
  readonly slices: readonly DonutSlice[];
  readonly currency: ChartCurrency;
  /** Shares only, no amount anywhere the chart draws; the title, labels and subtitle are drawn as given. */
  readonly privacy: boolean;
  readonly title: string;
  /** Shown above the total in the centre, e.g. "Total". */
  readonly centreLabel: string;
  /**
   * The total in the centre when it is not the sum of the positive slices: the net total, which a
   * negative slice (a margin account) lowers. Default: the sum of the positive slices.
   */
  readonly total?: Decimal;
  /** Pre-formatted, e.g. the snapshot's time: "Snapshot 24 Nov 2026, 09:00 (Europe/Moscow)". */
  readonly subtitle?: string;
  /** Default 1280 × 720. */
  readonly size?: ChartSize;
}

interface DonutChartSlice {
  readonly label: string;
  readonly value: Decimal;
  /** Share in tenths of a percent; the shares add up to exactly 1000. */
  readonly tenths: number;
  /** "45.2%" */
  readonly percentLabel: string;
  /** "$82,431", or "" with privacy on. */
  readonly valueLabel: string;
  /** The input labels folded into this slice ("Other"); empty for a plain slice. */
  readonly folded: readonly string[];
}

interface DonutChartMeta {
  /** Largest first, "Other" last. */
  readonly slices: readonly DonutChartSlice[];
  /** Labels left out for a zero or negative value. */
  readonly excluded: readonly string[];
  readonly total: Decimal;
  /** "$182.4k" in the centre (input.total when given), or "" with privacy on. */
  readonly totalLabel: string;
}

export interface DonutChart {
  readonly svg: string;
  readonly meta: DonutChartMeta;
}

/** Slices under this share of the total are folded into "Other" (when there are two or more of them). */
const FOLD_BELOW_PERCENT = 3;
/** Beyond this many slices the legend stops fitting: the smallest go into "Other" too. */
const MAX_SLICES = 8;
const OTHER = "Other";
const PALETTE = ["#2563EB", "#0EA5E9", "#14B8A6", "#F59E0B", "#8B5CF6", "#F43F5E", "#84CC16", "#EC4899"] as const;
const OTHER_COLOUR = "#94A3B8";
const HIDDEN = "\u2022\u2022\u2022\u2022\u2022";

/** Throws ChartError "no-slices" when no slice is positive. */
export function donutChartSvg(input: DonutChartInput): DonutChart {
  const size = input.size ?? DEFAULT_SIZE;
  const positive = input.slices.filter((s) => !isZero(s.value) && !isNegative(s.value));
  const excluded = input.slices.filter((s) => isZero(s.value) || isNegative(s.value)).map((s) => s.label);
  if (positive.length === 0) {
    throw new ChartError("no-slices", "nothing to draw: no platform holds a positive value");
  }
  const total = positive.reduce((t, s) => add(t, s.value), ZERO);
  const slices = fold(positive, total);
  const tenths = shares(slices.map((s) => s.value));
  const meta: DonutChartMeta = {
    slices: slices.map((s, i) => {
      const t = tenths[i] ?? 0;
      return {
        ...s,
        tenths: t,
        percentLabel: `${(t / 10).toFixed(1)}%`,
        valueLabel: input.privacy ? "" : groupedMoney(s.value, input.currency),
      };
    }),
    excluded,
    total,
    totalLabel: input.privacy ? "" : compactMoney(toChartNumber(input.total ?? total), input.currency),
  };

  const padX = 48;
  const body: string[] = chartHeading(input.title, input.subtitle, size, padX);

  // The ring.
  const outer = Math.min(230, (size.height - 190) / 2);
  const inner = outer * 0.64;
  const cx = padX + 40 + outer;
  const cy = 120 + (size.height - 120 - (excluded.length > 0 ? 56 : 24)) / 2;
  let angle = 0;
  meta.slices.forEach((slice, i) => {
    const colour = colourOf(slice, i);
    const sweep = (slice.tenths / 1000) * 2 * Math.PI;
    if (slice.tenths >= 1000 || meta.slices.length === 1) {
      body.push(
        `<circle class="slice" cx="${num(cx)}" cy="${num(cy)}" r="${num((outer + inner) / 2)}" fill="none" stroke="${colour}" stroke-width="${num(outer - inner)}"/>`,
      );
    } else if (sweep > 0) {
      body.push(
        `<path class="slice" d="${annulus(cx, cy, outer, inner, angle, angle + sweep)}" fill="${colour}" stroke="${THEME.background}" stroke-width="3" stroke-linejoin="round"/>`,
      );
    }
    // The share on the ring itself where the slice is wide enough to hold it.
    if (slice.tenths >= 80) {
      const mid = angle + sweep / 2;
      const r = (outer + inner) / 2;
      body.push(
        text(cx + r * Math.sin(mid), cy - r * Math.cos(mid) + 6, `${Math.round(slice.tenths / 10)}%`, {
          weight: 600,
          fill: "#FFFFFF",
          anchor: "middle",
          role: "ring-label",
        }),
      );
    }
    angle += sweep;
  });

  // The total in the centre.
  body.push(
    text(cx, cy - 16, fitText(input.centreLabel, 20, inner * 1.7), { size: 20, fill: THEME.muted, anchor: "middle", role: "centre-label" }),
  );
  if (input.privacy) {
    body.push(text(cx, cy + 26, HIDDEN, { size: 26, fill: THEME.muted, anchor: "middle", role: "centre-total" }));
  } else {
    const totalSize = Math.min(44, Math.floor((inner * 1.7) / Math.max(1, textWidth(meta.totalLabel, 1, 600))));
    body.push(text(cx, cy + 30, meta.totalLabel, { size: totalSize, weight: 600, anchor: "middle", role: "centre-total" }));
  }

  // The legend: swatch, label, value, share.
  const legendLeft = cx + outer + 72;
  const legendRight = size.width - padX;
  const rowHeight = 50;
  const valueWidth = input.privacy ? 0 : Math.max(...meta.slices.map((s) => textWidth(s.valueLabel, THEME.labelSize)));
  const percentWidth = textWidth("100.0%", THEME.labelSize, 600);
  const labelRoom = legendRight - legendLeft - 32 - percentWidth - (input.privacy ? 0 : valueWidth + 28) - 24;
  const legendTop = cy - (meta.slices.length * rowHeight) / 2;
  meta.slices.forEach((slice, i) => {
    const rowY = legendTop + i * rowHeight + rowHeight / 2;
    body.push(`<rect x="${num(legendLeft)}" y="${num(rowY - 9)}" width="18" height="18" rx="4" fill="${colourOf(slice, i)}"/>`);
    const name = slice.folded.length > 0 ? `${slice.label} (${slice.folded.length})` : slice.label;
    body.push(text(legendLeft + 32, rowY + 6, fitText(name, THEME.labelSize, labelRoom), { role: "legend-label" }));
    if (!input.privacy) {
      body.push(
        text(legendRight - percentWidth - 28, rowY + 6, slice.valueLabel, { fill: THEME.muted, anchor: "end", role: "legend-value" }),
      );
    }
    body.push(text(legendRight, rowY + 6, slice.percentLabel, { weight: 600, anchor: "end", role: "legend-percent" }));
    if (i < meta.slices.length - 1) {
      body.push(
        `<line x1="${num(legendLeft)}" y1="${num(rowY + rowHeight / 2)}" x2="${num(legendRight)}" y2="${num(rowY + rowHeight / 2)}" stroke="${THEME.grid}" stroke-width="1"/>`,
      );
    }
  });

  if (excluded.length > 0) {
    const note = `Not shown (zero or negative): ${excluded.join(", ")}`;
    body.push(
      text(padX, size.height - 30, fitText(note, THEME.labelSize, size.width - 2 * padX), { fill: THEME.muted, role: "excluded-note" }),
    );
  }
  return { svg: svgDocument(size, body), meta };
}

interface Folded {
  readonly label: string;
  readonly value: Decimal;
  readonly folded: readonly string[];
}

/** Largest first; slices under 3% (two or more) and any beyond MAX_SLICES become one "Other", last. */
function fold(slices: readonly DonutSlice[], total: Decimal): Folded[] {
  const sorted = [...slices].sort((a, b) => cmp(b.value, a.value));
  const isOther = (s: DonutSlice) => s.label.trim().toLowerCase() === OTHER.toLowerCase();
  const small = (s: DonutSlice) => cmp(mul(s.value, dec(100)), mul(total, dec(FOLD_BELOW_PERCENT))) < 0;
  let rest = sorted.filter((s) => small(s) || isOther(s));
  // One small slice alone keeps its name: "Other" would hide it and save nothing.
  if (rest.length === 1 && !isOther(rest[0] as DonutSlice)) rest = [];
  let keep = sorted.filter((s) => !rest.includes(s));
  if (keep.length + (rest.length > 0 ? 1 : 0) > MAX_SLICES) {
    rest = [...keep.slice(MAX_SLICES - 1), ...rest];
    keep = keep.slice(0, MAX_SLICES - 1);
  }
  const out: Folded[] = keep.map((s) => ({ label: s.label, value: s.value, folded: [] }));
  if (rest.length > 0) {
    out.push({ label: OTHER, value: rest.reduce((t, s) => add(t, s.value), ZERO), folded: rest.map((s) => s.label) });
  }
  return out;
}

/** Shares in tenths of a percent that add up to 1000 (largest remainder), from exact values. */
function shares(values: readonly Decimal[]): number[] {
  const scale = Math.max(...values.map((v) => v.scale));
  const units = values.map((v) => v.coef * 10n ** BigInt(scale - v.scale));
  const total = units.reduce((a, b) => a + b, 0n);
  const floors = units.map((u) => (u * 1000n) / total);
  const remainders = units.map((u, i) => ({ i, r: u * 1000n - (floors[i] ?? 0n) * total }));
  let missing = 1000 - Number(floors.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const result = floors.map(Number);
  for (const { i } of remainders) {
    if (missing <= 0) break;
    result[i] = (result[i] ?? 0) + 1;
    missing -= 1;
  }
  return result;
}

function colourOf(slice: DonutChartSlice, index: number): string {
  return slice.folded.length > 0 ? OTHER_COLOUR : (PALETTE[index % PALETTE.length] ?? THEME.accent);
}

/** A ring segment from angle a0 to a1 (radians, clockwise from 12 o'clock). */
function annulus(cx: number, cy: number, outer: number, inner: number, a0: number, a1: number): string {
  const large = a1 - a0 > Math.PI ? 1 : 0;
  const at = (r: number, a: number) => `${num(cx + r * Math.sin(a))} ${num(cy - r * Math.cos(a))}`;
  return `M${at(outer, a0)}A${num(outer)} ${num(outer)} 0 ${large} 1 ${at(outer, a1)}L${at(inner, a1)}A${num(inner)} ${num(inner)} 0 ${large} 0 ${at(inner, a0)}Z`;
}
