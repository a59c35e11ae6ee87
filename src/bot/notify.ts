// Which scheduled reports are sent, and which ring (NOTIFY and its /settings choice; README,
// "Notifications"). The rule of the original bot stays: a complete report is silent, a partial or failed
// one rings. "problems" sends a report only when it is not complete, or when its coverage differs from
// the previous scheduled report's: what the totals leave out (each failed platform, each part a partial
// one lacks) and whether the USD/RUB rate is known. A recovery is a change, so it is sent. Only
// scheduled reports follow NOTIFY: /status and the buttons always answer.
import type { NotifyMode } from "../config/notify.ts";
import { textSetting } from "../history/settings.ts";
import { platformName } from "../platforms/registry.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";

/** The coverage key of the last scheduled report (sent or not), so that a restart does not count as a change. */
export const LAST_COVERAGE = textSetting("notify.last_coverage");

export interface Delivery {
  readonly send: boolean;
  /** Sent with disable_notification: no sound, no vibration. */
  readonly silent: boolean;
}

/**
 * What a report leaves out, as one line to compare: "" when complete; else each gap in report order
 * ("OKX", "Bybit: Earn not valued") and "no USD/RUB rate". No amount: it is logged and stored.
 */
export function coverageKey(snapshot: Snapshot): string {
  const gaps = snapshot.leftOut.map((gap) =>
    gap.part === null ? platformName(gap.platform) : `${platformName(gap.platform)}: ${gap.part}`,
  );
  if (snapshot.usdRub === null) gaps.push("no USD/RUB rate");
  return gaps.join("; ");
}

/**
 * Whether a scheduled report of `snapshot` goes out, and silently. `previous` is the coverage key of the
 * previous scheduled report (sent or not), null when there is none on record: then "problems" sends it.
 */
export function delivery(mode: NotifyMode, snapshot: Snapshot, previous: string | null): Delivery {
  if (mode === "silent") return { send: true, silent: true };
  if (mode === "all" || !snapshot.complete) return { send: true, silent: snapshot.complete };
  return { send: previous !== coverageKey(snapshot), silent: true };
}
