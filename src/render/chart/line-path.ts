/**
 * @module The geometry of the value line: where it breaks (missing days), which stretches are dashed
 * (touching a partial day), and thinning of dense stretches to what a pixel column can show.
 */
import { num } from "./svg.ts";

export interface Pt {
  readonly x: number;
  readonly y: number;
  /** Day number (days since 1970-01-01). */
  readonly n: number;
  readonly partial: boolean;
}

export interface LinePaths {
  /** Stretches of consecutive days; a lone day is a run of one. */
  readonly runs: readonly (readonly Pt[])[];
  /** Polylines between complete days, thinned. */
  readonly solid: readonly (readonly Pt[])[];
  /** Polylines with a partial day at either end of each segment, thinned. */
  readonly dashed: readonly (readonly Pt[])[];
  /** Vertices in solid + dashed. */
  readonly vertices: number;
}

export function linePaths(pts: readonly Pt[]): LinePaths {
  const runs = connectedRuns(pts);
  const solid: Pt[][] = [];
  const dashed: Pt[][] = [];
  for (const run of runs) {
    let current: Pt[] = [];
    let currentDashed = false;
    for (let i = 1; i < run.length; i++) {
      const a = run[i - 1] as Pt;
      const b = run[i] as Pt;
      const isDashed = a.partial || b.partial;
      if (current.length === 0 || isDashed !== currentDashed) {
        if (current.length > 1) (currentDashed ? dashed : solid).push(current);
        current = [a];
        currentDashed = isDashed;
      }
      current.push(b);
    }
    if (current.length > 1) (currentDashed ? dashed : solid).push(current);
  }
  const thinSolid = solid.map(thinToColumns);
  const thinDashed = dashed.map(thinToColumns);
  const vertices = [...thinSolid, ...thinDashed].reduce((count, line) => count + line.length, 0);
  return { runs, solid: thinSolid, dashed: thinDashed, vertices };
}

/** Splits at missing days: consecutive points more than one calendar day apart are not joined. */
function connectedRuns(pts: readonly Pt[]): Pt[][] {
  const runs: Pt[][] = [];
  for (const p of pts) {
    const run = runs.at(-1);
    const prev = run?.at(-1);
    if (run && prev && p.n - prev.n === 1) run.push(p);
    else runs.push([p]);
  }
  return runs;
}

/**
 * Keeps, per pixel column, the first, lowest, highest and last vertex (in order): the drawn line looks
 * the same, and a long history stays at most about 4 vertices per pixel column of the plot.
 */
export function thinToColumns(line: readonly Pt[]): Pt[] {
  if (line.length <= 4) return [...line];
  const out: Pt[] = [];
  let column: Pt[] = [];
  const flush = () => {
    if (column.length <= 4) out.push(...column);
    else {
      const first = column[0] as Pt;
      const last = column.at(-1) as Pt;
      let lo = first;
      let hi = first;
      for (const p of column) {
        if (p.y < lo.y) lo = p;
        if (p.y > hi.y) hi = p;
      }
      const keep = new Set([first, lo, hi, last]);
      out.push(...column.filter((p) => keep.has(p)));
    }
    column = [];
  };
  for (const p of line) {
    if (column.length > 0 && Math.floor(p.x) !== Math.floor((column[0] as Pt).x)) flush();
    column.push(p);
  }
  flush();
  return out;
}

/** SVG path data: "M x y L x y …". */
export function polyline(line: readonly Pt[]): string {
  return line.map((p, i) => `${i === 0 ? "M" : "L"}${num(p.x)} ${num(p.y)}`).join("");
}
