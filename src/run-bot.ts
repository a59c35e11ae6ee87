// The long-running bot: history and settings opened, the scheduler ticking, updates by long polling
// (default) or webhook, /healthz when a server runs, and a clean stop on SIGTERM/SIGINT (the running
// report finishes, the database closes).
import { webhookCallback } from "grammy";
import type { AppContext } from "./app.ts";
import { BotService } from "./bot-service.ts";
import { COMMANDS, createBot } from "./bot.ts";
import { openHistory } from "./history-io.ts";
import { Scheduler } from "./schedule.ts";
import { type RunningServer, startServer } from "./server.ts";
import { sendHtml } from "./telegram.ts";
import { createSnapshotTaker } from "./wiring.ts";

export interface BotRuntime {
  readonly service: BotService;
  readonly server: RunningServer | null;
  /** Settles when polling ends on its own (a fatal error): the mode's exit status. */
  readonly ended: Promise<number>;
  stop(): Promise<void>;
}

export async function runBotMode(context: AppContext): Promise<number> {
  let runtime: BotRuntime;
  try {
    runtime = await startBot(context);
  } catch (error) {
    context.log.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const signal = new Promise<string>((resolve) => {
    for (const name of ["SIGTERM", "SIGINT"] as const) process.once(name, () => resolve(name));
  });
  const reason = await Promise.race([signal, runtime.ended.then((code) => `polling ended (${code})`)]);
  context.log.info(`stopping: ${reason}`);
  await runtime.stop();
  context.log.info("stopped");
  return reason.startsWith("SIG") ? 0 : await runtime.ended;
}

export async function startBot(context: AppContext): Promise<BotRuntime> {
  const { config, log } = context;
  const telegram = config.telegram!;
  const history = openHistory(config.dataDir, config.timeZone, log);
  const taker = createSnapshotTaker(config, log, context.version);
  const service = new BotService({
    takeSnapshot: () => taker.take(),
    history,
    send: (html, { silent }) => sendHtml(bot.api, telegram.chatId, html, { silent }),
    timeZone: config.timeZone,
    includeBreakdown: config.includeCryptoBreakdown,
    log,
    version: context.version,
  });
  const stored = BotService.storedSchedule(history.db, config.pollIntervalMinutes);
  const scheduler = new Scheduler({
    settings: { timeZone: config.timeZone, windowStartHour: config.windowStartHour, windowEndHour: config.windowEndHour, frequencyMinutes: stored.frequencyMinutes },
    paused: stored.paused,
    run: () => service.scheduledRun(),
    log,
  });
  service.attach(scheduler);
  const { bot, drain } = createBot({ token: telegram.token, apiRoot: telegram.apiRoot, ownerChatId: telegram.chatId, service, log });
  try {
    await bot.init();
    await bot.api.setMyCommands([...COMMANDS]);
  } catch (error) {
    history.close();
    throw new Error(`Telegram did not accept the bot (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT): ${error instanceof Error ? error.message : String(error)}`);
  }
  log.info("bot ready", { bot: bot.botInfo.username, transport: config.webhook ? "webhook" : "long polling" });

  let server: RunningServer | null = null;
  let ended: Promise<number>;
  if (config.webhook) {
    const secret = config.webhook.secret ?? randomSecret();
    await bot.api.setWebhook(config.webhook.url, { secret_token: secret, allowed_updates: ["message"] });
    const handle = webhookCallback(bot, "bun", { secretToken: secret, onTimeout: "return", timeoutMilliseconds: 9_000 });
    server = serve(context, service, { path: new URL(config.webhook.url).pathname, handle });
    ended = new Promise<number>(() => {});
  } else {
    if (config.healthServer) server = serve(context, service, null);
    // bot.start() deletes any webhook first, then long-polls until bot.stop().
    ended = bot.start({ allowed_updates: ["message"] }).then(
      () => 0,
      (error: unknown) => {
        log.error(`long polling stopped: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      },
    );
  }
  scheduler.start();

  return {
    service,
    server,
    ended,
    stop: async () => {
      await scheduler.stop();
      if (bot.isRunning()) await bot.stop();
      await drain();
      await server?.stop();
      history.close();
    },
  };
}

function serve(context: AppContext, service: BotService, webhook: { path: string; handle: (request: Request) => Promise<Response> } | null): RunningServer {
  const { config, log } = context;
  const server = startServer({ host: config.listenHost, port: config.listenPort, webhook, health: () => service.health(), onError: (error) => log.error(`HTTP server error: ${error.message}`) });
  log.info("HTTP server listening", { host: config.listenHost, port: server.port, webhook: webhook !== null });
  return server;
}

/** Telegram's secret_token alphabet is A-Z a-z 0-9 _ -: base64url of 32 random bytes fits. */
function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}
