// The move rule as a pure function: no clock, no database. Each step feeds one report to the state the step
// before left, as the keeper does.
import { describe, expect, test } from "bun:test";
import { type MoveAlert, type MoveState, type MoveThresholds, moveRule, NO_MOVES, reportPoint } from "../../src/alerts/move.ts";
import { toPlainString } from "../../src/lib/money.ts";
import { snapshotAt, TZ } from "./support.ts";

/** Feeds the reports in order; returns each report's alerts and the final state. */
function run(thresholds: MoveThresholds, reports: readonly [string, string, string][], start: MoveState = NO_MOVES) {
  let state = start;
  const alerts: MoveAlert[][] = [];
  for (const [at, bybit, okx] of reports) {
    const outcome = moveRule(state, reportPoint(snapshotAt(at, { bybit, okx })), thresholds, TZ);
    state = outcome.state;
    alerts.push([...outcome.alerts]);
  }
  return { alerts, state };
}

const pct = (alert: MoveAlert | undefined) => alert?.changes.map((c) => `${c.basis} ${toPlainString(c.pct)}`);

describe("against the last complete report (ALERT_MOVE_PERCENT)", () => {
  test("a move of the threshold or more raises one alert with both ends, the move and the platforms that moved most", () => {
    const { alerts } = run({ report: 5, day: null }, [
      ["2026-11-24T08:00:00Z", "60000", "40000"],
      ["2026-11-24T10:00:00Z", "54000", "40000"],
    ]);
    expect(alerts[0]).toEqual([]);
    const alert = alerts[1]?.[0];
    expect(alerts[1]).toHaveLength(1);
    expect(pct(alert)).toEqual(["report -6"]);
    expect(toPlainString(alert!.changes[0]!.usd)).toBe("-6000");
    expect(alert!.changes[0]!.from.takenAt.toISOString()).toBe("2026-11-24T08:00:00.000Z");
    expect(alert!.to.takenAt.toISOString()).toBe("2026-11-24T10:00:00.000Z");
    // OKX did not move, so only Bybit is named.
    expect(alert!.movers.map((m) => [m.platform, toPlainString(m.usd), toPlainString(m.pct!)])).toEqual([["bybit", "-6000", "-10"]]);
  });

  test("exactly the threshold crosses it; just under does not", () => {
    expect(
      run({ report: 5, day: null }, [
        ["2026-11-24T08:00:00Z", "100", "0"],
        ["2026-11-24T10:00:00Z", "95", "0"],
      ]).alerts[1],
    ).toHaveLength(1);
    expect(
      run({ report: 5, day: null }, [
        ["2026-11-24T08:00:00Z", "100", "0"],
        ["2026-11-24T10:00:00Z", "95.01", "0"],
      ]).alerts[1],
    ).toEqual([]);
  });

  test("crossed, held, crossed again: a value that stays where it moved is not alerted twice; a new sharp move is", () => {
    const { alerts } = run({ report: 5, day: null }, [
      ["2026-11-24T08:00:00Z", "100", "0"],
      ["2026-11-24T10:00:00Z", "94", "0"],
      ["2026-11-24T12:00:00Z", "93.5", "0"],
      ["2026-11-24T14:00:00Z", "94", "0"],
      ["2026-11-24T16:00:00Z", "100", "0"],
    ]);
    expect(alerts.map((a) => a.length)).toEqual([0, 1, 0, 0, 1]);
    expect(pct(alerts[4]?.[0])).toEqual(["report 6.382979"]);
  });

  test("a partial total never alerts and never becomes the base: the next complete report is compared with the last complete one", () => {
    const thresholds = { report: 5, day: null };
    let state = moveRule(NO_MOVES, reportPoint(snapshotAt("2026-11-24T08:00:00Z", { bybit: "100", okx: "100" })), thresholds, TZ).state;
    for (const partial of [
      snapshotAt("2026-11-24T10:00:00Z", { bybit: "100", okx: null }),
      snapshotAt("2026-11-24T11:00:00Z", { bybit: "50", okx: "100" }, { partial: ["bybit"] }),
    ]) {
      expect(reportPoint(partial)).toBeNull();
      const outcome = moveRule(state, reportPoint(partial), thresholds, TZ);
      expect(outcome.alerts).toEqual([]);
      expect(outcome.state).toBe(state);
      state = outcome.state;
    }
    const next = moveRule(state, reportPoint(snapshotAt("2026-11-24T12:00:00Z", { bybit: "88", okx: "100" })), thresholds, TZ);
    expect(pct(next.alerts[0])).toEqual(["report -6"]);
    expect(next.alerts[0]!.changes[0]!.from.takenAt.toISOString()).toBe("2026-11-24T08:00:00.000Z");
  });

  test("a platform added or removed is no move: that report becomes the base", () => {
    const thresholds = { report: 5, day: 5 };
    const first = moveRule(NO_MOVES, reportPoint(snapshotAt("2026-11-24T08:00:00Z", { bybit: "100" })), thresholds, TZ);
    const added = moveRule(first.state, reportPoint(snapshotAt("2026-11-24T10:00:00Z", { bybit: "100", okx: "100" })), thresholds, TZ);
    expect(added.alerts).toEqual([]);
    const later = moveRule(added.state, reportPoint(snapshotAt("2026-11-24T12:00:00Z", { bybit: "100", okx: "90" })), thresholds, TZ);
    expect(later.alerts.map(pct)).toEqual([["report -5", "day -5"]]);
  });

  test("a report older than the last one (another pfbot, a clock set back) changes nothing", () => {
    const thresholds = { report: 5, day: 5 };
    const { state } = run(thresholds, [["2026-11-24T10:00:00Z", "100", "0"]]);
    const older = moveRule(state, reportPoint(snapshotAt("2026-11-24T09:00:00Z", { bybit: "50", okx: "0" })), thresholds, TZ);
    expect(older).toEqual({ state, alerts: [] });
  });

  test("off (null) raises nothing, but the base still follows the reports, so turning it on compares from there", () => {
    const { alerts, state } = run({ report: null, day: null }, [
      ["2026-11-24T08:00:00Z", "100", "0"],
      ["2026-11-24T10:00:00Z", "50", "0"],
    ]);
    expect(alerts.flat()).toEqual([]);
    expect(toPlainString(state.last!.usd)).toBe("50");
  });
});

describe("against the day's first complete report (ALERT_MOVE_PERCENT_DAY)", () => {
  test("a slow slide is caught once it crosses; held beyond it, no repeat; back within and across again, a second alert", () => {
    // Paris: 08:00 is 07:00Z. No two consecutive reports move 5%.
    const { alerts } = run({ report: 5, day: 5 }, [
      ["2026-11-24T07:00:00Z", "100", "0"],
      ["2026-11-24T09:00:00Z", "97", "0"],
      ["2026-11-24T11:00:00Z", "94.5", "0"],
      ["2026-11-24T13:00:00Z", "93", "0"],
      ["2026-11-24T15:00:00Z", "97", "0"],
      ["2026-11-24T17:00:00Z", "94", "0"],
    ]);
    expect(alerts.map((a) => a.map(pct))).toEqual([[], [], [["day -5.5"]], [], [], [["day -6"]]]);
    expect(alerts[2]![0]!.changes[0]!.from.takenAt.toISOString()).toBe("2026-11-24T07:00:00.000Z");
  });

  test("crossing to the other side alerts again", () => {
    const { alerts } = run({ report: null, day: 5 }, [
      ["2026-11-24T07:00:00Z", "100", "0"],
      ["2026-11-24T09:00:00Z", "94", "0"],
      ["2026-11-24T11:00:00Z", "106", "0"],
    ]);
    expect(alerts.map((a) => a.map(pct))).toEqual([[], [["day -6"]], [["day 6"]]]);
  });

  test("the base is the first complete report of the local day: a new day starts a new base, not an alert", () => {
    // 22:30Z on the 24th is 23:30 in Paris; 23:30Z is 00:30 on the 25th.
    const { alerts, state } = run({ report: null, day: 5 }, [
      ["2026-11-24T22:30:00Z", "100", "0"],
      ["2026-11-24T23:30:00Z", "80", "0"],
    ]);
    expect(alerts.flat()).toEqual([]);
    expect(state.day).toMatchObject({ day: "2026-11-25", side: null });
  });

  test("both bases crossed by one report make one alert, the report's comparison first", () => {
    const { alerts } = run({ report: 5, day: 5 }, [
      ["2026-11-24T07:00:00Z", "100", "0"],
      ["2026-11-24T09:00:00Z", "93", "0"],
    ]);
    expect(alerts[1]!.map(pct)).toEqual([["report -7", "day -7"]]);
  });
});
