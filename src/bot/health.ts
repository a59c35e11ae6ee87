// GET /healthz's answer: liveness, the schedule and every problem, one line each saying what to do. No
// balance and no secret: the problems quote upstream errors, so they are redacted with the log's secrets.
import type { Redact } from "../lib/redact.ts";
import type { RunOutcome, Scheduler } from "./schedule.ts";

/** GET /healthz: liveness, schedule and problems; no balances, no secrets. */
export interface Health {
  /** False when the last scheduled run failed to deliver, a run overruns, or the history cannot be written. */
  readonly ok: boolean;
  /** One line per problem, saying what to do; empty when ok. */
  readonly problems: readonly string[];
  readonly version: string;
  readonly uptimeSeconds: number;
  readonly lastRun: { readonly slot: string; readonly at: string; readonly outcome: RunOutcome; readonly delivered: boolean } | null;
  readonly running: { readonly slot: string; readonly since: string; readonly overrun: boolean } | null;
  readonly nextRun: string | null;
  readonly paused: boolean;
  readonly historyWritable: boolean;
}

/** Without a budget from the configuration: more than any run with the default deadlines takes. */
export const DEFAULT_RUN_BUDGET_MS = 10 * 60_000;

export interface HealthInputs {
  readonly scheduler: Scheduler;
  /** Why the history cannot be written; null when it can. */
  readonly historyProblem: string | null;
  readonly now: number;
  readonly startedAt: number;
  /** The longest a scheduled run may take; one running longer is a problem. */
  readonly runBudgetMs: number;
  readonly version: string;
  readonly redact: Redact;
}

export function healthOf(inputs: HealthInputs): Health {
  const { scheduler, now, runBudgetMs: budgetMs, historyProblem } = inputs;
  const last = scheduler.lastRun();
  const current = scheduler.currentRun();
  const overrun = current !== null && now - current.startedAt.getTime() > budgetMs;
  const problems: string[] = [];
  if (last?.error !== undefined) problems.push(`the scheduled run of ${last.slot.toISOString()} failed: ${last.error}`);
  if (current && overrun) {
    const minutes = Math.floor((now - current.startedAt.getTime()) / 60_000);
    problems.push(
      `the scheduled run of ${current.slot.toISOString()} has been running for ${minutes} min, longer than the ${Math.ceil(budgetMs / 60_000)} min it may take`,
    );
  }
  if (historyProblem !== null) problems.push(`history not recorded: ${historyProblem}`);
  return {
    ok: problems.length === 0,
    problems: problems.map((text) => inputs.redact(text)),
    version: inputs.version,
    uptimeSeconds: Math.round((now - inputs.startedAt) / 1000),
    lastRun: last
      ? { slot: last.slot.toISOString(), at: last.at.toISOString(), outcome: last.outcome, delivered: last.error === undefined }
      : null,
    running: current ? { slot: current.slot.toISOString(), since: current.startedAt.toISOString(), overrun } : null,
    nextRun: scheduler.nextRun()?.toISOString() ?? null,
    paused: scheduler.isPaused(),
    historyWritable: historyProblem === null,
  };
}
