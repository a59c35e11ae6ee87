// grammY wiring: the owner guard, the commands and their menu, HTML replies, bounded retries on the API,
// and an error boundary so one bad update never stops the bot. The work itself is BotService's.
import { Bot, type Context } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { BotService } from "./service.ts";
import { type CallBounds, CLIENT_OPTIONS, installApiTransformers } from "./telegram.ts";

export const COMMANDS = [
  { command: "status", description: "Portfolio snapshot now" },
  { command: "history", description: "Last 30 days" },
  { command: "frequency", description: "Show or set minutes between reports" },
  { command: "pause", description: "Pause scheduled reports" },
  { command: "resume", description: "Resume scheduled reports" },
  { command: "help", description: "List the commands" },
] as const;

export interface BotOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly ownerChatId: number;
  readonly service: BotService;
  readonly log: Logger;
  /** Each Bot API call's deadline, and the stop that cancels them. */
  readonly callBounds: CallBounds;
  /** Skips getMe on start (tests, webhook mode after the first call). */
  readonly botInfo?: UserFromGetMe;
}

/** Telegram refreshes "typing…" for 5 s; repeat it while a snapshot runs. */
const TYPING_EVERY_MS = 4_500;

export interface PfBot {
  readonly bot: Bot;
  /** Resolves when every /status still being answered has been answered (for a clean stop). */
  drain(): Promise<void>;
}

export function createBot(options: BotOptions): PfBot {
  const { service, log } = options;
  const bot = new Bot(options.token, { client: { ...CLIENT_OPTIONS, apiRoot: options.apiRoot }, botInfo: options.botInfo });
  installApiTransformers(bot.api, options.callBounds, log.redact);

  // Anyone can find a bot and write to it: answer only the owner's chat, and log only the chat id.
  bot.use(async (ctx, next) => {
    if (ctx.chat?.id === options.ownerChatId) return next();
    log.warn("ignored an update from a chat that is not TELEGRAM_CHAT_ID", {
      chatId: ctx.chat?.id ?? null,
      updateId: ctx.update.update_id,
    });
  });

  const safe = bot.errorBoundary((error) => {
    log.error(`a command failed: ${errorMessage(error.error)}`, { updateId: error.ctx.update.update_id });
    return error.ctx.reply("Sorry, that failed; see the log for details.").catch(() => undefined);
  });
  const reply = (ctx: Context, html: string) => ctx.reply(html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });

  // A snapshot takes seconds: answer /status in the background so other commands are not held up,
  // and so a second /status joins the running snapshot (BotService shares it) instead of queueing.
  const pending = new Set<Promise<void>>();
  safe.command("status", (ctx) => {
    const typing = () => void ctx.replyWithChatAction("typing").catch(() => undefined);
    typing();
    const timer = setInterval(typing, TYPING_EVERY_MS);
    const work = service
      .statusHtml()
      .then((html) => reply(ctx, html))
      .then(
        () => undefined,
        (error: unknown) => {
          log.error(`/status failed: ${errorMessage(error)}`);
          return ctx.reply("Sorry, the snapshot failed; see the log for details.").then(
            () => undefined,
            () => undefined,
          );
        },
      )
      .finally(() => {
        clearInterval(timer);
        pending.delete(work);
      });
    pending.add(work);
  });
  safe.command("history", (ctx) => reply(ctx, service.historyHtml()));
  safe.command("frequency", (ctx) => ctx.reply(service.frequency(ctx.match)));
  safe.command("pause", (ctx) => ctx.reply(service.pause()));
  safe.command("resume", (ctx) => ctx.reply(service.resume()));
  safe.command(["help", "start"], (ctx) => ctx.reply(helpText()));

  bot.catch((error) => log.error(`update handling failed: ${error.message}`));
  return { bot, drain: async () => void (await Promise.all([...pending])) };
}

function helpText(): string {
  return ["pfbot commands:", ...COMMANDS.map((c) => `/${c.command} — ${c.description}`)].join("\n");
}
