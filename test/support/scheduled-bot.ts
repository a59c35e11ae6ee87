// A bot's scheduled runs without Telegram: the real service (snapshot, message, history, alerts) on the test's
// clock, each message kept as the text a phone shows, with the exact USD figures behind its whole dollars.
import { createSnapshotTaker } from "../../src/app/wiring.ts";
import { createBotService } from "../../src/bot/service.ts";
import type { Config } from "../../src/config/config.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { type Logger, silentLogger } from "../../src/lib/log.ts";
import { type Decimal, toFixed } from "../../src/lib/money.ts";
import type { FetchFn } from "../../src/platforms/types.ts";
import { htmlToText } from "../../src/render/html.ts";
import type { Snapshot } from "../../src/snapshot/snapshot.ts";
import type { FakeClock } from "./clock.ts";

export interface ScheduledRun {
  readonly outcome: Awaited<ReturnType<ReturnType<typeof createBotService>["scheduledRun"]>>;
  /** The message's lines, and whether it was sent without sound. */
  readonly lines: string[];
  readonly silent: boolean;
  /** The exact USD figures behind the message's whole dollars: the total, each platform's. */
  readonly usd: Readonly<Record<string, string | null>>;
}

/** The service on `config.dataDir`, in Europe/Paris, reporting from 8 to 20 every 2 hours (the scheduler never ticks on its own). */
export async function scheduledBot(config: Config, clock: FakeClock, options: { log?: Logger; fetch?: FetchFn } = {}) {
  const log = options.log ?? silentLogger;
  const taker = await createSnapshotTaker(config, log, "test", clock, options.fetch);
  const history = HistoryStore.open(config.dataDir, "Europe/Paris", clock.now);
  const sent: { text: string; silent: boolean }[] = [];
  let taken: Snapshot | null = null;
  const service = createBotService({
    takeSnapshot: async (signal) => (taken = await taker.take(signal)),
    history,
    settings: new SettingsStore(history.db),
    dataDir: config.dataDir,
    send: async (html, { silent }) => void sent.push({ text: htmlToText(html), silent }),
    timeZone: "Europe/Paris",
    schedule: { windowStartHour: 8, windowEndHour: 20, frequencyMinutes: 120 },
    timers: { setInterval: () => 0, clearInterval: () => {} },
    includeBreakdown: false,
    log,
    version: "test",
    now: clock.now,
  });
  /** One scheduled run at `iso`. */
  const runAt = async (iso: string): Promise<ScheduledRun> => {
    clock.set(iso);
    const outcome = await service.scheduledRun();
    const last = sent.at(-1)!;
    const cents = (amount: Decimal | null | undefined) => (amount == null ? null : toFixed(amount, 2));
    const usd = Object.fromEntries([["total", cents(taken?.totalUsd)], ...(taken?.rows ?? []).map((row) => [row.id, cents(row.usd)])]);
    return { outcome, lines: last.text.split("\n"), silent: last.silent, usd };
  };
  /** The recorded day `d`, to the cent, and whether it is complete; null when none. */
  const day = (d: string) => {
    const record = history.get(d);
    return record ? { usd: toFixed(record.usd, 2), complete: record.complete } : null;
  };
  return { service, runAt, day, close: () => history.close() };
}
