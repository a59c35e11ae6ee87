/**
 * @module Move alerts (ALERT_MOVE_PERCENT, ALERT_MOVE_PERCENT_DAY): a pure function of the stored state and one
 * report. Two bases:
 * - "report": the last complete report. Its base moves with every complete report, so a value that stays where it
 *   moved is compared with itself next time: one alert per sharp move, never a repeat while it holds.
 * - "day": the first complete report of the local day (TIMEZONE), which catches a slow slide across several reports.
 *   Its base stays put all day, so it remembers which side of the threshold it was on: it fires when the move
 *   crosses the threshold, stays quiet while the move stays beyond it, and fires again only after coming back
 *   within it (or crossing to the other side).
 * A partial total (a platform failed or left money out) is never compared and never becomes a base. Neither is a
 * report whose set of platforms differs from its base's (a platform added or removed is not a move): it becomes
 * the new base. Both bases crossed by the same report make one alert. A report older than the last one seen is
 * ignored (two pfbot processes, or a clock set back).
 */
import { abs, cmp, type Decimal, dec, div, isNegative, isZero, mul, sub } from "../lib/money.ts";
import { zonedDay } from "../lib/zoned-time.ts";
import { PLATFORMS, type PlatformId } from "../platforms/registry.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";

/** One complete report's figures, as the move rule keeps them. */
export interface ReportPoint {
  readonly takenAt: Date;
  readonly usd: Decimal;
  /**
   * Each enabled platform's USD value, by registry id. Stored state may name a platform no longer in the registry:
   * the set then differs from any new report's, which starts a new base.
   */
  readonly platforms: ReadonlyMap<string, Decimal>;
}

export type Side = "up" | "down";

export interface MoveState {
  /** The last complete report: the report rule's base. */
  readonly last: ReportPoint | null;
  /** The first complete report of `day` (local), and the side of the threshold the day rule was on at its last report. */
  readonly day: { readonly day: string; readonly base: ReportPoint; readonly side: Side | null } | null;
}

export const NO_MOVES: MoveState = { last: null, day: null };

/** The thresholds in percent (ALERT_MOVE_PERCENT, ALERT_MOVE_PERCENT_DAY); null: that rule is off. */
export interface MoveThresholds {
  readonly report: number | null;
  readonly day: number | null;
}

/** One comparison that crossed its threshold. */
export interface MoveChange {
  readonly basis: "report" | "day";
  readonly from: ReportPoint;
  readonly usd: Decimal;
  readonly pct: Decimal;
  readonly threshold: number;
}

/** A platform's part in a move: its USD change and % (null when it was at 0). */
export interface PlatformMove {
  readonly platform: PlatformId;
  readonly usd: Decimal;
  readonly pct: Decimal | null;
}

export interface MoveAlert {
  readonly kind: "move";
  readonly to: ReportPoint;
  /** The report comparison first when both crossed. */
  readonly changes: readonly MoveChange[];
  /** The platforms that moved most against the first change's base, largest first (at most 3, none unchanged). */
  readonly movers: readonly PlatformMove[];
}

export interface MoveOutcome {
  readonly state: MoveState;
  readonly alerts: readonly MoveAlert[];
}

/** A move threshold as ALERT_MOVE_PERCENT writes it: "5", "2.5" or "5%", above 0 and at most 100; else null. */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3}(?:\.\d{1,2})?)%?$/.exec(text);
  const value = match ? Number(match[1]) : Number.NaN;
  return value > 0 && value <= 100 ? value : null;
}

/** The report's figures when its total leaves nothing out (every platform complete and valued in USD), else null. */
export function reportPoint(snapshot: Snapshot): ReportPoint | null {
  if (snapshot.totalUsd === null || snapshot.leftOut.length > 0) return null;
  const platforms = new Map<string, Decimal>();
  for (const row of snapshot.rows) {
    if (row.usd === null || row.coverage !== "complete") return null;
    platforms.set(row.id, row.usd);
  }
  return { takenAt: snapshot.takenAt, usd: snapshot.totalUsd, platforms };
}

/** Applies one report (null: its total is partial) to the state; `timeZone` says which local day it belongs to. */
export function moveRule(state: MoveState, point: ReportPoint | null, thresholds: MoveThresholds, timeZone: string): MoveOutcome {
  if (point === null) return { state, alerts: [] };
  if (state.last !== null && point.takenAt.getTime() <= state.last.takenAt.getTime()) return { state, alerts: [] };
  const changes: MoveChange[] = [];

  const last = state.last;
  if (last !== null && thresholds.report !== null && samePlatforms(last, point)) {
    const move = moveBetween(last, point);
    if (move !== null && sideOf(move.pct, thresholds.report) !== null)
      changes.push({ basis: "report", from: last, ...move, threshold: thresholds.report });
  }

  const today = zonedDay(point.takenAt, timeZone);
  let day = state.day;
  if (day === null || day.day !== today || !samePlatforms(day.base, point)) {
    day = { day: today, base: point, side: null };
  } else {
    const move = moveBetween(day.base, point);
    const side = move === null || thresholds.day === null ? null : sideOf(move.pct, thresholds.day);
    if (move !== null && thresholds.day !== null && side !== null && side !== day.side)
      changes.push({ basis: "day", from: day.base, ...move, threshold: thresholds.day });
    day = { ...day, side };
  }

  const next: MoveState = { last: point, day };
  const first = changes[0];
  if (first === undefined) return { state: next, alerts: [] };
  return { state: next, alerts: [{ kind: "move", to: point, changes, movers: movers(first.from, point) }] };
}

const HUNDRED = dec("100");
const MAX_MOVERS = 3;

/** The move from `from` to `to` in USD and %; null when `from` is not above 0 (no meaningful %). */
function moveBetween(from: ReportPoint, to: ReportPoint): { usd: Decimal; pct: Decimal } | null {
  if (isZero(from.usd) || isNegative(from.usd)) return null;
  const usd = sub(to.usd, from.usd);
  return { usd, pct: div(mul(usd, HUNDRED), from.usd, 6) };
}

/** Which side of ±threshold % the move is on; null within it. Reaching the threshold counts as crossing it. */
function sideOf(pct: Decimal, threshold: number): Side | null {
  if (cmp(abs(pct), dec(String(threshold))) < 0) return null;
  return isNegative(pct) ? "down" : "up";
}

function samePlatforms(a: ReportPoint, b: ReportPoint): boolean {
  return a.platforms.size === b.platforms.size && [...a.platforms.keys()].every((id) => b.platforms.has(id));
}

function movers(from: ReportPoint, to: ReportPoint): PlatformMove[] {
  const moves: PlatformMove[] = [];
  for (const { id: platform } of PLATFORMS) {
    const usd = to.platforms.get(platform);
    const before = from.platforms.get(platform);
    if (usd === undefined || before === undefined) continue;
    const change = sub(usd, before);
    if (isZero(change)) continue;
    moves.push({ platform, usd: change, pct: isZero(before) || isNegative(before) ? null : div(mul(change, HUNDRED), before, 6) });
  }
  return moves.sort((a, b) => cmp(abs(b.usd), abs(a.usd))).slice(0, MAX_MOVERS);
}
