// The failure rule as a pure function: scheduled runs in, outages and alerts out.
import { describe, expect, test } from "bun:test";
import { currentOutages, type FailureAlert, type FailureState, failureRule, NO_OUTAGES, type RunRow } from "../../src/alerts/failures.ts";

const at = (hour: number) => new Date(Date.UTC(2026, 10, 24, hour));
const okx = (ok: boolean, error = "OKX rejected the API key (50113): check OKX_API_SECRET"): RunRow[] => [
  { id: "bybit", ok: true, error: null },
  { id: "okx", ok, error: ok ? null : error },
];

/** Runs at 08:00, 10:00, … UTC, one per outcome of OKX; returns each run's alerts and the final state. */
function runs(outcomes: readonly boolean[], threshold = 3, start: FailureState = NO_OUTAGES) {
  let state = start;
  const alerts: FailureAlert[][] = [];
  outcomes.forEach((ok, i) => {
    const outcome = failureRule(state, okx(ok, `error of run ${i + 1}`), at(8 + 2 * i), threshold);
    state = outcome.state;
    alerts.push([...outcome.alerts]);
  });
  return { alerts, state };
}

describe("N failed scheduled runs in a row (ALERT_FAILURES)", () => {
  test("the third consecutive failure gives one alert with the last error and the first failure's time; the fourth gives none", () => {
    const { alerts } = runs([false, false, false, false]);
    expect(alerts.map((a) => a.length)).toEqual([0, 0, 1, 0]);
    const alert = alerts[2]![0]!;
    expect(alert).toMatchObject({ kind: "down", platform: "okx", threshold: 3 });
    expect(alert.outage).toEqual({ failures: 3, since: at(8), lastAt: at(12), lastError: "error of run 3", alerted: true });
  });

  test("a failure streak broken by an answer starts over, silently", () => {
    const { alerts, state } = runs([false, false, true, false, false]);
    expect(alerts.flat()).toEqual([]);
    expect(state.outages.get("okx")).toMatchObject({ failures: 2, since: at(14) });
  });

  test("recovery after an alert: one 'back' message with the outage from its first failed run; nothing after", () => {
    const { alerts, state } = runs([false, false, false, false, true, true]);
    expect(alerts.map((a) => a.map((alert) => alert.kind))).toEqual([[], [], ["down"], [], ["back"], []]);
    const back = alerts[4]![0]!;
    expect(back).toMatchObject({ kind: "back", platform: "okx", at: at(16) });
    expect(back.outage).toMatchObject({ failures: 4, since: at(8) });
    expect(state.outages.size).toBe(0);
  });

  test("ALERT_FAILURES=1 alerts at the first failure; 0 counts (for /status) and never alerts", () => {
    expect(runs([false, false], 1).alerts.map((a) => a.length)).toEqual([1, 0]);
    const off = runs([false, false, false, false, true], 0);
    expect(off.alerts.flat()).toEqual([]);
    expect(runs([false, false], 0).state.outages.get("okx")?.failures).toBe(2);
  });

  test("a platform no longer configured is forgotten without a message", () => {
    const { state } = runs([false, false, false]);
    const outcome = failureRule(state, [{ id: "bybit", ok: true, error: null }], at(20), 3);
    expect(outcome).toEqual({ state: { outages: new Map() }, alerts: [] });
  });

  test("currentOutages lists the platforms out, longest first, with since when", () => {
    let state = runs([false, false]).state;
    state = failureRule(
      state,
      [
        { id: "okx", ok: false, error: "x" },
        { id: "tbank", ok: false, error: "y" },
      ],
      at(12),
      3,
    ).state;
    expect(currentOutages(state).map((o) => [o.platform, o.outage.since.toISOString(), o.outage.failures])).toEqual([
      ["okx", "2026-11-24T08:00:00.000Z", 3],
      ["tbank", "2026-11-24T12:00:00.000Z", 1],
    ]);
  });
});
