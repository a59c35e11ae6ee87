// The alerts raised and not yet delivered (table alert_outbox, db.ts migration 4), oldest first. Whoever raises
// alerts writes them here in the same transaction that stores the rules' new state (bot/alerts.ts), and removes
// each one once Telegram has taken it, so that a restart or an unreachable Telegram neither repeats nor loses one.
// The queue is bounded: past MAX_QUEUED, the oldest are dropped (a Telegram unreachable for weeks).
import type { Database } from "bun:sqlite";

export interface QueuedAlert {
  readonly id: number;
  readonly raisedAt: Date;
  /** "move", "down", "back", "expiry", "digest": for the log. */
  readonly kind: string;
  /** The message, Telegram HTML. */
  readonly html: string;
  /** Sent without a notification sound (the digest). */
  readonly silent: boolean;
}

/** More alerts than any outage raises; beyond it the oldest are dropped, so the table cannot grow without bound. */
export const MAX_QUEUED = 50;

export class AlertOutbox {
  /** `db` must already be migrated (db.ts); its owner closes it. */
  constructor(private readonly db: Database) {}

  /** Queues one alert; returns how many old ones were dropped to stay within MAX_QUEUED. Run it inside the caller's transaction. */
  add(alert: Omit<QueuedAlert, "id">): number {
    this.db
      .query("INSERT INTO alert_outbox (raised_at, kind, html, silent) VALUES (?1, ?2, ?3, ?4)")
      .run(alert.raisedAt.toISOString(), alert.kind, alert.html, alert.silent ? 1 : 0);
    return this.db.query("DELETE FROM alert_outbox WHERE id NOT IN (SELECT id FROM alert_outbox ORDER BY id DESC LIMIT ?1)").run(MAX_QUEUED)
      .changes;
  }

  /** Every queued alert, oldest first. */
  pending(): QueuedAlert[] {
    return this.db
      .query<{ id: number; raised_at: string; kind: string; html: string; silent: number }, []>(
        "SELECT id, raised_at, kind, html, silent FROM alert_outbox ORDER BY id",
      )
      .all()
      .map((row) => ({ id: row.id, raisedAt: new Date(row.raised_at), kind: row.kind, html: row.html, silent: row.silent === 1 }));
  }

  /** Takes a delivered alert off the queue. */
  remove(id: number): void {
    this.db.query("DELETE FROM alert_outbox WHERE id = ?1").run(id);
  }
}
