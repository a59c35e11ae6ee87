// The bot's daily key audit for the expiry warnings (alerts/expiry.ts): only the platforms whose audit can say when
// a key expires (registry: reportsKeyExpiry), so a platform that never tells (T-Bank, IBKR with its Flex rate limit)
// is never asked. A failed audit is logged and left out: the rule keeps what it knew, and tomorrow asks again.
import type { ExpiryReading } from "../alerts/expiry.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { descriptorOf } from "../platforms/registry.ts";
import type { PlatformClient, PlatformId } from "../platforms/types.ts";
import { withDeadline } from "../snapshot/snapshot.ts";

/** Reads today's key expiry dates; `signal` aborts it when pfbot stops. */
export type KeyAudits = (signal?: AbortSignal) => Promise<ExpiryReading[]>;

/** The audits of the enabled platforms that report a key's expiry; null when none does. */
export function keyExpiryAudits(clients: readonly PlatformClient[], deadlineMs: (id: PlatformId) => number, log: Logger): KeyAudits | null {
  const audited = clients.filter((client) => descriptorOf(client.id).reportsKeyExpiry === true);
  if (audited.length === 0) return null;
  return async (signal) => {
    const readings = await Promise.all(
      audited.map(async (client): Promise<ExpiryReading[]> => {
        try {
          const audit = await withDeadline(deadlineMs(client.id), (inner) => client.auditKey(inner), client.id, signal);
          const expiresAt = audit.expiresAt === null ? null : new Date(audit.expiresAt);
          if (expiresAt !== null && Number.isNaN(expiresAt.getTime())) throw new Error(`unreadable expiry date ${audit.expiresAt}`);
          return [{ platform: client.id, expiresAt }];
        } catch (error) {
          log.warn("key audit failed: its expiry is checked again tomorrow", { platform: client.id, error: errorMessage(error) });
          return [];
        }
      }),
    );
    return readings.flat();
  };
}
