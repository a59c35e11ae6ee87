// grammY wiring: the owner guard, the commands and their menu, HTML replies, bounded retries on the API,
// and an error boundary so one bad update never stops the bot. The work itself is BotService's.
import { Bot, type Context, InputFile } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { ALLOCATION_USAGE, CHART_USAGE, type ChartRequest, parseAllocationCommand, parseChartCommand } from "./charts.ts";
import { EXPORT_USAGE, parseExportCommand, sendExport } from "./export.ts";
import { HISTORY_USAGE, parseHistoryCommand } from "./history-buttons.ts";
import { chartScreenKeyboard, type Screen } from "./keyboards.ts";
import { onPress } from "./navigation.ts";
import type { BotService } from "./service.ts";
import { type CallBounds, CLIENT_OPTIONS, installApiTransformers } from "./telegram.ts";

export const COMMANDS = [
  { command: "status", description: "Portfolio snapshot now" },
  { command: "history", description: "Day by day: the last 30 days, or N up to 365, with a view by platform" },
  { command: "export", description: "The history as files: CSV for spreadsheets and the original bot's JSON" },
  { command: "chart", description: "Portfolio value over time, as a chart" },
  { command: "allocation", description: "Allocation donut of the latest complete snapshot" },
  { command: "settings", description: "Schedule, privacy, notifications and alerts, with buttons" },
  { command: "frequency", description: "Show or set minutes between reports" },
  { command: "pause", description: "Pause scheduled reports" },
  { command: "resume", description: "Resume scheduled reports" },
  { command: "help", description: "List the commands" },
] as const;

/** How each command is written, arguments included, where /help and /start list them. */
const SYNTAX: Readonly<Record<(typeof COMMANDS)[number]["command"], string>> = {
  status: "/status",
  history: "/history [days]",
  export: "/export [csv|json|csv-plain]",
  chart: "/chart [30|90|365|all] [usd|rub]",
  allocation: "/allocation [platform|kind] [usd|rub]",
  settings: "/settings",
  frequency: "/frequency [minutes]",
  pause: "/pause",
  resume: "/resume",
  help: "/help",
};

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
  /** The enabled platforms' display names, in report order, for /start's greeting. */
  readonly platformNames: readonly string[];
}

/** The updates the bot asks Telegram for: commands, and presses on the buttons under its messages. */
export const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/** Telegram shows a chat action ("typing…", "sending photo…") for 5 s; repeat it while the work runs. */
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

  // Anyone can find a bot and write to it: answer only the owner's chat, and log only the chat id. A
  // stranger's press (a button of the bot's in another chat) is answered with nothing, so that it stops
  // spinning and says nothing.
  bot.use(async (ctx, next) => {
    if (ctx.chat?.id === options.ownerChatId) return next();
    log.warn("ignored an update from a chat that is not TELEGRAM_CHAT_ID", {
      chatId: ctx.chat?.id ?? null,
      updateId: ctx.update.update_id,
    });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  });

  const safe = bot.errorBoundary((error) => {
    log.error(`a command failed: ${errorMessage(error.error)}`, { updateId: error.ctx.update.update_id });
    // A press left unanswered keeps its button spinning; answering one already answered fails harmlessly.
    if (error.ctx.callbackQuery) void error.ctx.answerCallbackQuery().catch(() => undefined);
    return error.ctx.reply("Sorry, that failed; see the log for details.").catch(() => undefined);
  });
  const reply = (ctx: Context, screen: Screen) =>
    ctx.reply(screen.html, { parse_mode: "HTML", reply_markup: screen.keyboard, link_preview_options: { is_disabled: true } });

  // A snapshot takes seconds: answer /status in the background so other commands are not held up,
  // and so a second /status (or Refresh) joins the running snapshot (BotService shares it) instead of queueing.
  const pending = new Set<Promise<void>>();
  safe.command("status", (ctx) => {
    const typing = () => void ctx.replyWithChatAction("typing").catch(() => undefined);
    typing();
    const timer = setInterval(typing, TYPING_EVERY_MS);
    const work = service
      .statusScreen()
      .then((screen) => reply(ctx, screen))
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
  safe.command("history", (ctx) => {
    const request = parseHistoryCommand(ctx.match);
    return request === null ? ctx.reply(HISTORY_USAGE) : reply(ctx, service.historyScreen(request));
  });
  safe.command("settings", (ctx) => reply(ctx, service.controls.screen()));

  // Charts, like /status, are answered in the background: rendering takes up to a second with the JIT
  // off, and other updates are answered meanwhile (the PNG itself is drawn in a process of its own).
  const background = (what: string, ctx: Context, work: () => Promise<void>) => {
    const job = work()
      .catch((error: unknown) => {
        log.error(`${what} failed: ${errorMessage(error)}`);
        return ctx.reply(`Sorry, that failed: ${errorMessage(error)}`).then(
          () => undefined,
          () => undefined,
        );
      })
      .finally(() => pending.delete(job));
    pending.add(job);
  };
  /** Draws the chart while Telegram shows "sending photo…". */
  const draw = async (ctx: Context, render: () => Promise<Uint8Array>): Promise<InputFile> => {
    const action = () => void ctx.replyWithChatAction("upload_photo").catch(() => undefined);
    action();
    const timer = setInterval(action, TYPING_EVERY_MS);
    try {
      return new InputFile(await render(), "chart.png");
    } finally {
      clearInterval(timer);
    }
  };
  const sendChart = (ctx: Context, request: ChartRequest | null, usage: string) => {
    if (request === null) return ctx.reply(usage);
    const answer = service.chart(request);
    if (answer.kind === "text") return ctx.reply(answer.text);
    background(`/${request.kind === "history" ? "chart" : "allocation"}`, ctx, async () => {
      const photo = await draw(ctx, answer.render);
      await ctx.replyWithPhoto(photo, { caption: answer.caption, parse_mode: "HTML", reply_markup: chartScreenKeyboard(request) });
    });
  };
  safe.command("chart", (ctx) => sendChart(ctx, parseChartCommand(ctx.match), CHART_USAGE));
  // The files are uploaded in the background, like a chart: other updates are answered meanwhile.
  safe.command("export", (ctx) => {
    const formats = parseExportCommand(ctx.match);
    if (formats === null) return ctx.reply(EXPORT_USAGE);
    const answer = service.exportAnswer(formats);
    if (answer.kind === "text") return ctx.reply(answer.text);
    background("/export", ctx, () => sendExport(ctx, answer.files));
  });
  safe.command("allocation", (ctx) => sendChart(ctx, parseAllocationCommand(ctx.match), ALLOCATION_USAGE));

  // Every button: the same message becomes the screen asked for (navigation.ts).
  safe.on("callback_query", (ctx) => onPress(ctx, { service, log, background, draw }));
  safe.command("frequency", (ctx) => ctx.reply(service.frequency(ctx.match)));
  safe.command("pause", (ctx) => ctx.reply(service.pause()));
  safe.command("resume", (ctx) => ctx.reply(service.resume()));
  safe.command("help", (ctx) => ctx.reply(helpText()));
  safe.command("start", (ctx) => ctx.reply(greeting(options.platformNames)));
  // Anything else from the owner gets one line rather than silence (a stranger got nothing, above). A
  // command addressed to another bot in a group (/status@otherbot) is not ours to answer.
  safe.on("message", (ctx) => {
    const command = /^\/([A-Za-z0-9_]+)(?:@(\w+))?/.exec(ctx.message.text ?? "");
    if (command?.[2] !== undefined && command[2].toLowerCase() !== ctx.me.username.toLowerCase()) return;
    return ctx.reply(command ? `Unknown command /${command[1]}: /help lists the commands.` : "I answer commands only: /help lists them.");
  });

  bot.catch((error) => log.error(`update handling failed: ${error.message}`));
  return { bot, drain: async () => void (await Promise.all([...pending])) };
}

function helpText(): string {
  return ["pfbot commands:", ...commandLines()].join("\n");
}

/** /start: who this is, what it does in one sentence, what to try first, and the commands. */
function greeting(platformNames: readonly string[]): string {
  const where =
    platformNames.length > 1
      ? `${platformNames.slice(0, -1).join(", ")} and ${platformNames.at(-1)}`
      : (platformNames[0] ?? "your platforms");
  return [
    "Hello! I am pfbot, your portfolio bot.",
    `I report what you own on ${where}, in USD and RUB at the Bank of Russia rate, on a schedule and whenever you ask.`,
    "Try /status for a report now.",
    "",
    ...commandLines(),
  ].join("\n");
}

function commandLines(): string[] {
  return COMMANDS.map((c) => `${SYNTAX[c.command]} — ${c.description}`);
}
