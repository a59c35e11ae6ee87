/**
 * @module The portfolio value over time as an SVG line chart. Pure: no I/O, no clock, no time zone.
 * Complete days are a solid line; a segment touching a partial day (a total that leaves a platform
 * out) is dashed, and partial days get hollow markers where there is room; a missing day breaks the
 * line. With privacy on, the value axis shows the % change from the first day and no amount at all.
 */
import type { Decimal } from "../../lib/money.ts";
import { ChartError } from "./errors.ts";
import { type ChartCurrency, compactMoney, percent, percentDecimals, tickMoney, toChartNumber } from "./labels.ts";
import { linePaths, type Pt, polyline, thinToColumns } from "./line-path.ts";
import { type ChartSize, chartHeading, DEFAULT_SIZE, num, svgDocument, THEME, text, textWidth } from "./svg.ts";
import { type DateTick, dateTicks, dayKey, dayLabel, dayNumber, valueScale } from "./ticks.ts";

export interface LinePoint {
  /** "YYYY-MM-DD" */
  readonly day: string;
  /** null: no value that day (the line breaks). */
  readonly value: Decimal | null;
  /** The day's total leaves a platform out. */
  readonly partial: boolean;
}

export interface LineChartInput {
  /** Oldest first, days strictly increasing. A day absent from the list also breaks the line. */
  readonly points: readonly LinePoint[];
  readonly currency: ChartCurrency;
  /** No amount anywhere the chart draws; the title and subtitle are drawn as given. */
  readonly privacy: boolean;
  readonly title: string;
  readonly subtitle?: string;
  /** Default 1280 × 720. */
  readonly size?: ChartSize;
}

export interface DayValue {
  readonly day: string;
  readonly value: Decimal;
}

export interface LineChartMeta {
  /** "percent" in privacy mode; "hidden" when privacy is on and the first value is not positive. */
  readonly valueAxis: "money" | "percent" | "hidden";
  /** Value tick labels, bottom to top: "$180k", "+5%". */
  readonly valueTicks: readonly string[];
  readonly dateTicks: readonly DateTick[];
  /** The first and last days with a value. */
  readonly first: DayValue;
  readonly last: DayValue & { readonly partial: boolean };
  /** Over complete days only (a partial total is not a low); null when no day is complete. */
  readonly low: DayValue | null;
  readonly high: DayValue | null;
  /** The text beside the last point: "$182.4k" or "+12.3%". */
  readonly lastLabel: string;
  /** Privacy mode: the day percentages are measured from. */
  readonly baseDay: string | null;
  /** Vertices in the drawn line after thinning dense runs to about 2 per pixel column. */
  readonly vertices: number;
}

export interface LineChart {
  readonly svg: string;
  readonly meta: LineChartMeta;
}

/** Above this many partial days, hollow markers would merge into a blur: a band under the days instead. */
const MAX_PARTIAL_MARKERS = 60;

/** Throws ChartError "too-few-days" with fewer than 2 days that have a value, "bad-input" for unordered days. */
export function lineChartSvg(input: LineChartInput): LineChart {
  const size = input.size ?? DEFAULT_SIZE;
  const days = input.points.map((p) => dayNumber(p.day));
  for (let i = 1; i < days.length; i++) {
    if ((days[i] ?? 0) <= (days[i - 1] ?? 0)) {
      throw new ChartError(
        "bad-input",
        `chart days must be strictly increasing: ${input.points[i]?.day} after ${input.points[i - 1]?.day}`,
      );
    }
  }
  const valued = input.points.flatMap((p, i) =>
    p.value === null ? [] : [{ ...p, value: p.value, n: days[i] ?? 0, v: toChartNumber(p.value) }],
  );
  const first = valued[0];
  const last = valued.at(-1);
  if (!first || !last || valued.length < 2) {
    throw new ChartError(
      "too-few-days",
      `a chart needs at least 2 days with a value, and there ${valued.length === 1 ? "is 1" : `are ${valued.length}`}: answer in text instead`,
    );
  }
  const complete = valued.filter((p) => !p.partial);
  const low = complete.reduce<(typeof complete)[number] | null>((m, p) => (m === null || p.v < m.v ? p : m), null);
  const high = complete.reduce<(typeof complete)[number] | null>((m, p) => (m === null || p.v > m.v ? p : m), null);

  // What the y axis measures: money, or % change from the first (complete) day.
  const base = input.privacy ? (complete[0] ?? first) : null;
  const valueAxis = base === null ? "money" : base.v > 0 ? "percent" : "hidden";
  const y0 = (v: number) => (valueAxis === "money" ? v : valueAxis === "percent" && base ? (v / base.v - 1) * 100 : v);
  const ys = valued.map((p) => y0(p.v));
  const scale = valueScale(Math.min(...ys), Math.max(...ys));
  const tickLabel = (v: number) =>
    valueAxis === "money"
      ? tickMoney(v, input.currency, scale.step)
      : valueAxis === "percent"
        ? percent(v, percentDecimals(scale.step))
        : "";
  const valueTicks = scale.ticks.map(tickLabel);
  const lastLabel = valueAxis === "money" ? compactMoney(last.v, input.currency) : valueAxis === "percent" ? percent(y0(last.v), 1) : "";

  // Layout.
  const padX = 48;
  const hasPartial = valued.some((p) => p.partial);
  const top = input.subtitle ? 132 : 108;
  const plot = {
    left: padX + Math.max(0, ...valueTicks.map((l) => textWidth(l, THEME.labelSize))) + 18,
    right: size.width - padX - 8,
    top,
    bottom: size.height - (hasPartial ? 108 : 84),
  };
  const firstDay = days[0] ?? first.n;
  const span = Math.max(1, (days.at(-1) ?? last.n) - firstDay);
  const x = (n: number) => plot.left + ((n - firstDay) / span) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - ((v - scale.min) / (scale.max - scale.min)) * (plot.bottom - plot.top);
  const pts = valued.map((p, i) => ({ x: x(p.n), y: y(ys[i] ?? 0), n: p.n, partial: p.partial }));

  const body: string[] = chartHeading(input.title, input.subtitle, size, padX, 260);
  if (valueAxis !== "money") {
    const note = valueAxis === "percent" && base ? `% change since ${dayLabel(base.day)}` : "amounts hidden";
    body.push(text(size.width - padX, 58, note, { fill: THEME.muted, anchor: "end", role: "axis-note" }));
  }

  // Grid and value ticks.
  scale.ticks.forEach((t, i) => {
    const ty = y(t);
    body.push(
      `<line x1="${num(plot.left)}" y1="${num(ty)}" x2="${num(plot.right)}" y2="${num(ty)}" stroke="${i === 0 ? THEME.axis : THEME.grid}" stroke-width="${i === 0 ? 1.5 : 1}"/>`,
    );
    const label = valueTicks[i] ?? "";
    if (label) body.push(text(plot.left - 16, ty + 6, label, { fill: THEME.muted, anchor: "end", role: "value-tick" }));
  });
  if (valueAxis === "percent" && scale.min < 0 && scale.max > 0) {
    body.push(
      `<line x1="${num(plot.left)}" y1="${num(y(0))}" x2="${num(plot.right)}" y2="${num(y(0))}" stroke="${THEME.axis}" stroke-width="1.5"/>`,
    );
  }

  // Date ticks.
  const ticks = dateTicks(dayKey(firstDay), dayKey(firstDay + span));
  for (const tick of ticks) {
    const tx = x(dayNumber(tick.day));
    const half = textWidth(tick.label, THEME.labelSize) / 2;
    const anchor = tx - half < plot.left - 24 ? "start" : tx + half > size.width - padX / 2 ? "end" : "middle";
    body.push(
      `<line x1="${num(tx)}" y1="${num(plot.bottom)}" x2="${num(tx)}" y2="${num(plot.bottom + 7)}" stroke="${THEME.axis}" stroke-width="1.5"/>`,
    );
    body.push(
      text(anchor === "start" ? tx - 4 : anchor === "end" ? tx + 4 : tx, plot.bottom + 34, tick.label, {
        fill: THEME.muted,
        anchor,
        role: "date-tick",
      }),
    );
  }

  // The line: connected runs of consecutive days, split into solid and dashed polylines.
  const { runs, solid: solidLines, dashed: dashedLines, vertices } = linePaths(pts);
  for (const run of runs) {
    if (run.length < 2) continue;
    const area = thinToColumns(run);
    // A flat tint, not a gradient: with the JIT off a gradient's per-pixel shading cost ~40% of the render.
    body.push(
      `<path class="area" d="${polyline(area)}L${num((area.at(-1) as Pt).x)} ${num(plot.bottom)}L${num((area[0] as Pt).x)} ${num(plot.bottom)}Z" fill="${THEME.accent}" fill-opacity="0.07"/>`,
    );
  }
  if (solidLines.length > 0) {
    body.push(
      `<path class="line-complete" d="${solidLines.map(polyline).join("")}" fill="none" stroke="${THEME.accent}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  }
  if (dashedLines.length > 0) {
    body.push(
      `<path class="line-partial" d="${dashedLines.map(polyline).join("")}" fill="none" stroke="${THEME.accent}" stroke-width="2.5" stroke-dasharray="7 6" stroke-opacity="0.75" stroke-linejoin="round"/>`,
    );
  }
  const partialPts = pts.filter((p) => p.partial && p !== pts.at(-1));
  const spacing = (plot.right - plot.left) / span;
  const partialMarks = partialPts.length <= MAX_PARTIAL_MARKERS ? "markers" : "band";
  // Lone days (both neighbours missing) would otherwise be invisible; partial ones get their marker below.
  for (const run of runs) {
    const p = run[0];
    if (run.length === 1 && p && (!p.partial || partialMarks === "band")) body.push(marker({ ...p, partial: false }, 4));
  }
  if (partialMarks === "markers") {
    for (const p of partialPts) body.push(marker(p, spacing >= 10 ? 5 : 4));
  } else {
    // Too many for markers: a band along the bottom of the plot under each partial day.
    const w = Math.max(2, spacing);
    body.push(
      `<path class="partial-band" d="${partialPts.map((p) => `M${num(p.x - w / 2)} ${num(plot.bottom - 8)}h${num(w)}v8h${num(-w)}Z`).join("")}" fill="${THEME.accent}" fill-opacity="0.35"/>`,
    );
  }

  // The last point, marked and labelled.
  const lastPt = pts.at(-1) as Pt;
  body.push(
    lastPt.partial
      ? marker(lastPt, 7)
      : `<circle class="last-point" cx="${num(lastPt.x)}" cy="${num(lastPt.y)}" r="7" fill="${THEME.accent}" stroke="${THEME.background}" stroke-width="3"/>`,
  );
  if (lastLabel) body.push(...lastPointLabel(lastPt, lastPt.partial ? `${lastLabel} (partial)` : lastLabel, plot, pts));

  if (hasPartial) body.push(...legend(padX, size.height - 30, partialPts.length === 0 || partialMarks === "markers"));

  return {
    svg: svgDocument(size, body),
    meta: {
      valueAxis,
      valueTicks,
      dateTicks: ticks,
      first: { day: first.day, value: first.value },
      last: { day: last.day, value: last.value, partial: last.partial },
      low: low && { day: low.day, value: low.value },
      high: high && { day: high.day, value: high.value },
      lastLabel,
      baseDay: valueAxis === "money" || !base ? null : base.day,
      vertices,
    },
  };
}

/** Hollow for a partial day, filled for a complete one. */
function marker(p: Pt, r: number): string {
  return p.partial
    ? `<circle class="partial-point" cx="${num(p.x)}" cy="${num(p.y)}" r="${r}" fill="${THEME.background}" stroke="${THEME.accent}" stroke-width="2.5"/>`
    : `<circle cx="${num(p.x)}" cy="${num(p.y)}" r="${r}" fill="${THEME.accent}"/>`;
}

/**
 * A pill near the last point: of the places left of it (above, level, below; then further left), the
 * nearest that stays in the plot and covers the least of the line.
 */
function lastPointLabel(p: Pt, label: string, plot: { top: number; bottom: number; left: number }, line: readonly Pt[]): string[] {
  const width = textWidth(label, THEME.labelSize, 600) + 24;
  const height = 34;
  const clampY = (y: number) => Math.min(Math.max(y, plot.top - 12), plot.bottom - height - 4);
  const candidates: { x: number; y: number }[] = [];
  for (const shift of [0, 80, 160, 260, 380]) {
    const x = Math.max(plot.left + 4, p.x + 8 - width - shift);
    for (const y of [p.y - 18 - height, p.y + 18, p.y - height / 2]) candidates.push({ x, y: clampY(y) });
  }
  // The line sampled every few pixels along each drawn segment, so that a long 2-day segment counts too.
  const samples: { x: number; y: number }[] = [];
  line.forEach((b, i) => {
    const a = line[i - 1];
    const steps = a && b.n - a.n === 1 ? Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 6) : 1;
    for (let k = 1; k <= steps; k++)
      samples.push(a && steps > 1 ? { x: a.x + ((b.x - a.x) * k) / steps, y: a.y + ((b.y - a.y) * k) / steps } : b);
  });
  const covered = (c: { x: number; y: number }) =>
    samples.filter((q) => q.x >= c.x - 6 && q.x <= c.x + width + 6 && q.y >= c.y - 6 && q.y <= c.y + height + 6).length;
  let best = candidates[0] as { x: number; y: number };
  let bestCovered = covered(best);
  for (const c of candidates.slice(1)) {
    const n = covered(c);
    if (n < bestCovered) {
      best = c;
      bestCovered = n;
    }
  }
  return [
    `<rect x="${num(best.x)}" y="${num(best.y)}" width="${num(width)}" height="${height}" rx="8" fill="${THEME.accent}"/>`,
    text(best.x + width / 2, best.y + 23.5, label, { weight: 600, fill: "#FFFFFF", anchor: "middle", role: "last-label" }),
  ];
}

function legend(x: number, y: number, markers: boolean): string[] {
  const solidEnd = x + 34;
  const partialX = solidEnd + 14 + textWidth("complete day", THEME.labelSize) + 36;
  return [
    `<line x1="${x}" y1="${y - 6}" x2="${solidEnd}" y2="${y - 6}" stroke="${THEME.accent}" stroke-width="3" stroke-linecap="round"/>`,
    text(solidEnd + 12, y, "complete day", { fill: THEME.muted, role: "legend" }),
    `<line x1="${num(partialX)}" y1="${y - 6}" x2="${num(partialX + 34)}" y2="${y - 6}" stroke="${THEME.accent}" stroke-width="2.5" stroke-dasharray="7 6" stroke-opacity="0.75"/>`,
    markers
      ? `<circle cx="${num(partialX + 17)}" cy="${y - 6}" r="5" fill="${THEME.background}" stroke="${THEME.accent}" stroke-width="2.5"/>`
      : `<rect x="${num(partialX + 12)}" y="${y - 2}" width="10" height="8" fill="${THEME.accent}" fill-opacity="0.35"/>`,
    text(partialX + 46, y, "partial day: not every platform counted", { fill: THEME.muted, role: "legend" }),
  ];
}
