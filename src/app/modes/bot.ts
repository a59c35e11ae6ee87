// The long-running bot: history and settings opened, the scheduler ticking, updates by long polling
// (default) or webhook, /healthz when a server runs, and a stop on SIGTERM/SIGINT within the unit's
// TimeoutStopSec (30 s): the running report or reply gets STOP_GRACE_MS to finish, then whatever still
// waits on the network is cancelled, and the database closes. A history that cannot be opened does not
// stop the bot: it runs on with one in memory, and says so (health, /status, the log).
import { webhookCallback } from "grammy";
import { ALLOWED_UPDATES, COMMANDS, createBot } from "../../bot/bot.ts";
import { keyExpiryAudits } from "../../bot/key-audits.ts";
import { ownerChat } from "../../bot/owner-chat.ts";
import type { Scheduler, SchedulerOptions } from "../../bot/schedule.ts";
import { type RunningServer, startServer } from "../../bot/server.ts";
import { type BotService, type BotServiceDeps, createBotService } from "../../bot/service.ts";
import { type CallBounds, createTelegramApi, sendHtml, TelegramUnreachableError } from "../../bot/telegram.ts";
import type { Config } from "../../config/config.ts";
import { ConfigError } from "../../config/errors.ts";
import { telegramOf } from "../../config/telegram.ts";
import { openStoresOrMemory } from "../../history/io.ts";
import { errorMessage } from "../../lib/errors.ts";
import { createShutdown } from "../../lib/shutdown.ts";
import { platformDeadlineMs, platformName } from "../../platforms/registry.ts";
import type { AppContext } from "../run.ts";
import { createSnapshotTaker, snapshotDeadlineMs } from "../wiring.ts";

/** How long a stop waits for a report or reply in progress before cancelling it. */
const STOP_GRACE_MS = 15_000;
/** Between attempts to reach Telegram at start. */
const START_RETRY_MS = 30_000;
/** The last resort: exit anyway this long after the signal, before systemd's SIGKILL at 30 s. */
const STOP_WATCHDOG_MS = 25_000;

export interface BotRuntime {
  readonly service: BotService;
  readonly scheduler: Scheduler;
  readonly server: RunningServer | null;
  /** Settles when polling ends on its own (a fatal error): the mode's exit status. */
  readonly ended: Promise<number>;
  stop(): Promise<void>;
}

/**
 * The scheduler's timer, the stop's grace and the chart renderer, injectable so tests run scheduled slots
 * and stops without waiting (the time is the context's clock) and draw charts without a process per chart.
 */
export interface BotHooks {
  readonly setInterval?: SchedulerOptions["setInterval"];
  readonly clearInterval?: SchedulerOptions["clearInterval"];
  readonly stopGraceMs?: number;
  readonly renderChart?: BotServiceDeps["renderChart"];
}

export async function runBotMode(context: AppContext): Promise<number> {
  let runtime: BotRuntime;
  try {
    runtime = await startBot(context);
  } catch (error) {
    context.log.error(errorMessage(error));
    return 1;
  }
  const signal = new Promise<string>((resolve) => {
    for (const name of ["SIGTERM", "SIGINT"] as const) process.once(name, () => resolve(name));
  });
  const reason = await Promise.race([signal, runtime.ended.then((code) => `polling ended (${code})`)]);
  context.log.info(`stopping: ${reason}`);
  // Everything below is bounded; this only guards against what nobody foresaw.
  const watchdog = setTimeout(() => {
    context.log.error(`not stopped ${STOP_WATCHDOG_MS / 1000} s after ${reason}: exiting anyway`);
    process.exit(1);
  }, STOP_WATCHDOG_MS);
  try {
    await runtime.stop();
  } finally {
    clearTimeout(watchdog);
  }
  context.log.info("stopped");
  return reason.startsWith("SIG") ? 0 : await runtime.ended;
}

export async function startBot(context: AppContext, hooks: BotHooks = {}): Promise<BotRuntime> {
  const { config, log } = context;
  const telegram = telegramOf(config);
  const shutdown = createShutdown();
  const callBounds: CallBounds = { totalMs: config.telegramTimeoutSeconds * 1000, shutdown, clock: context.clock };
  const now = () => new Date(context.clock.now());
  const opened = openStoresOrMemory(config.dataDir, config.timeZone, log, () => now().getTime());
  if (opened.problem !== null)
    log.error(
      `history not available: ${opened.problem}. The bot runs on and keeps days in memory until pfbot restarts with a usable history`,
    );
  const { history, settings } = opened;
  const taker = await createSnapshotTaker(config, log, context.version, context.clock);
  // Reports go out through an Api of their own (same bounds and redaction as the bot's), so the
  // service is complete before the bot that calls it is built.
  const reports = createTelegramApi(telegram, callBounds, log.redact);
  const service = createBotService({
    takeSnapshot: (signal) => taker.take(signal),
    history,
    settings,
    dataDir: config.dataDir,
    historyProblem: opened.problem,
    send: (html, { silent, keyboard }) => sendHtml(reports, telegram.chatId, html, { silent, keyboard }),
    timeZone: config.timeZone,
    schedule: {
      windowStartHour: config.windowStartHour,
      windowEndHour: config.windowEndHour,
      frequencyMinutes: config.pollIntervalMinutes,
    },
    timers: { setInterval: hooks.setInterval, clearInterval: hooks.clearInterval },
    includeBreakdown: config.includeCryptoBreakdown,
    privacy: config.privacy,
    notify: config.notify,
    log,
    version: context.version,
    now: () => now().getTime(),
    runBudgetMs: runBudgetMs(config),
    shutdown: shutdown.signal,
    alerts: config.alerts,
    chat: ownerChat(reports, telegram.chatId),
    keyAudits: keyExpiryAudits(taker.clients, (id) => platformDeadlineMs(config, id), log),
    ...(hooks.renderChart ? { renderChart: hooks.renderChart } : {}),
  });
  const scheduler = service.scheduler;
  const { bot, drain } = createBot({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    ownerChatId: telegram.chatId,
    service,
    log,
    callBounds,
    platformNames: config.platforms.map((platform) => platformName(platform.id)),
  });
  // At boot the network may come up after pfbot: while Telegram cannot be reached, try again every
  // START_RETRY_MS (each attempt bounded, each failure logged) rather than exit and use up systemd's
  // start limit. A refused token ends the start at once.
  for (;;) {
    try {
      await bot.init();
      await bot.api.setMyCommands([...COMMANDS]);
      break;
    } catch (error) {
      const message = errorMessage(error);
      if (!(error instanceof TelegramUnreachableError)) {
        history.close();
        throw new ConfigError(`Telegram did not accept the bot (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT): ${message}`, {
          cause: error,
        });
      }
      log.warn(`cannot reach Telegram to start the bot (${message}); trying again in ${START_RETRY_MS / 1000} s`);
      await context.clock.sleep(START_RETRY_MS);
    }
  }
  log.info("bot ready", { bot: bot.botInfo.username, transport: config.webhook ? "webhook" : "long polling" });

  let server: RunningServer | null = null;
  let ended: Promise<number>;
  if (config.webhook) {
    const secret = config.webhook.secret ?? randomSecret();
    await bot.api.setWebhook(config.webhook.url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
    const handle = webhookCallback(bot, "bun", { secretToken: secret, onTimeout: "return", timeoutMilliseconds: 9_000 });
    server = serve(context, service, { path: new URL(config.webhook.url).pathname, handle });
    ended = new Promise<number>(() => {});
  } else {
    if (config.healthServer) server = serve(context, service, null);
    // bot.start() deletes any webhook first, then long-polls until bot.stop().
    ended = bot.start({ allowed_updates: [...ALLOWED_UPDATES] }).then(
      () => 0,
      (error: unknown) => {
        log.error(`long polling stopped: ${errorMessage(error)}`);
        return 1;
      },
    );
  }
  scheduler.start();

  return {
    service,
    scheduler,
    server,
    ended,
    stop: async () => {
      // From here on nothing is retried; what is in flight gets the grace period, then is cancelled.
      shutdown.begin();
      const settled = (async () => {
        await Promise.all([
          scheduler.stop(),
          bot.isRunning()
            ? bot.stop().catch((error: unknown) => log.warn(`could not confirm the last updates to Telegram: ${errorMessage(error)}`))
            : undefined,
        ]);
        await drain();
        await service.idle();
      })();
      const graceMs = hooks.stopGraceMs ?? STOP_GRACE_MS;
      if (!(await settlesWithin(settled, graceMs)))
        log.warn(`still busy ${graceMs / 1000} s after the stop began: cancelling the report or reply in progress`);
      shutdown.abort();
      await settled;
      await service.idle();
      await server?.stop();
      history.close();
    },
  };
}

/**
 * The longest a scheduled run may take: the slowest platform (platforms and the FX rate run at once),
 * then the message's delivery, plus a minute of slack. health() calls a longer run overrun.
 */
export function runBudgetMs(config: Config): number {
  return snapshotDeadlineMs(config) + config.telegramTimeoutSeconds * 1000 + 60_000;
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function serve(
  context: AppContext,
  service: BotService,
  webhook: { path: string; handle: (request: Request) => Promise<Response> } | null,
): RunningServer {
  const { config, log } = context;
  const server = startServer({
    host: config.listenHost,
    port: config.listenPort,
    webhook,
    health: () => service.health(),
    redact: log.redact,
    onError: (error) => log.error(`HTTP server error: ${error.message}`),
  });
  log.info("HTTP server listening", { host: config.listenHost, port: server.port, webhook: webhook !== null });
  return server;
}

/** Telegram's secret_token alphabet is A-Z a-z 0-9 _ -: base64url of 32 random bytes fits. */
function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}
