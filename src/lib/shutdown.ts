// How the long-running bot stops in bounded time. Stopping has two steps: first nothing new is retried
// (a Telegram call still gets its one attempt, a report in progress may finish), then, when the grace
// period is over, everything still waiting on the network is cancelled through one AbortSignal.
// systemd sends SIGKILL after the unit's TimeoutStopSec, so the grace must end well before that.
import { PfbotError } from "./errors.ts";

export interface Shutdown {
  /** Aborted by abort(): every outbound call and snapshot still running fails at once. */
  readonly signal: AbortSignal;
  /** True once stopping has begun: calls are no longer retried. */
  readonly stopping: boolean;
  begin(): void;
  abort(): void;
}

export function createShutdown(): Shutdown {
  const controller = new AbortController();
  let stopping = false;
  return {
    signal: controller.signal,
    get stopping() {
      return stopping;
    },
    begin() {
      stopping = true;
    },
    abort() {
      stopping = true;
      if (!controller.signal.aborted) controller.abort(new PfbotError("pfbot is stopping"));
    },
  };
}
