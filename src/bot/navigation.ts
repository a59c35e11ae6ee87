// The buttons: one message per conversation, changed in place. A press edits the message it is under
// (editMessageText, or editMessageMedia for a chart) and never adds one, except where Telegram refuses
// the edit: a chart (a photo) has no text to become a report, and a message can be too old to edit or
// gone. Then the screen is sent anew and the old message deleted where Telegram still allows it, and a
// press on a message too old says so. Every press is answered (a button keeps spinning until it is),
// at once when the work is quick, before the work when it is not (a snapshot, a chart).
import { type Context, GrammyError, type InputFile, InputMediaBuilder } from "grammy";
import type { CallbackQuery } from "grammy/types";
import type { ExportFormat } from "../history/io.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { ChartRequest } from "./charts.ts";
import { sendExport } from "./export.ts";
import { chartScreenKeyboard, readPress, type Screen, statusKeyboard, updatingKeyboard } from "./keyboards.ts";
import type { BotService } from "./service.ts";

export interface NavigationDeps {
  readonly service: BotService;
  readonly log: Logger;
  /** Runs `work` after the press is answered, tracked for a clean stop; a failure is logged and said. */
  readonly background: (what: string, ctx: Context, work: () => Promise<void>) => void;
  /** Draws a chart while Telegram shows "sending photo…". */
  readonly draw: (ctx: Context, render: () => Promise<Uint8Array>) => Promise<InputFile>;
}

/** The answer to a button no pfbot of this version made (an older pfbot's, or one forged). */
export const STALE_BUTTON = "This button no longer works: send /status again.";
/** The answer when Telegram no longer lets the message be edited (48 hours, or deleted meanwhile). */
export const TOO_OLD = "That message is too old to change: here is a new one.";
const NO_REPORT_YET = "No report since pfbot restarted: taking a new one.";
/** answerCallbackQuery's text: 0–200 characters. */
const ANSWER_LIMIT = 200;

type Press = Context & { readonly callbackQuery: CallbackQuery };

/** Answers one press of an owner's button. */
export async function onPress(ctx: Press, deps: NavigationDeps): Promise<unknown> {
  const { service } = deps;
  const data = ctx.callbackQuery.data;
  const press = data === undefined ? null : readPress(data);
  if (press === null || ctx.callbackQuery.message === undefined) return ctx.answerCallbackQuery({ text: STALE_BUTTON });
  switch (press.kind) {
    case "busy":
      return ctx.answerCallbackQuery({ text: "⏳ Still updating…" });
    case "shown":
      return ctx.answerCallbackQuery({ text: "Already selected." });
    case "refresh":
      return refresh(ctx, deps, null);
    case "status": {
      const screen = service.latestStatusScreen();
      return screen === null ? refresh(ctx, deps, NO_REPORT_YET) : showAndAnswer(ctx, deps, screen, null);
    }
    case "details": {
      const screen = service.detailsScreen();
      if (screen !== null) return showAndAnswer(ctx, deps, screen, null);
      if (service.latestStatusScreen() === null) return refresh(ctx, deps, NO_REPORT_YET);
      return ctx.answerCallbackQuery({ text: "The latest report has no notes." });
    }
    case "history":
      return showAndAnswer(ctx, deps, service.historyScreen(press.request), null);
    case "export":
      return exportAgain(ctx, deps, press.format);
    case "settings":
      return showAndAnswer(ctx, deps, service.controls.screen(), null);
    case "alerts":
      return showAndAnswer(ctx, deps, service.controls.alertsScreen(), null);
    case "set": {
      const result = service.controls.change(press.change);
      return showAndAnswer(ctx, deps, result.screen, result.answer);
    }
    case "chart":
      return chart(ctx, deps, press.request);
  }
}

/**
 * Refresh: "⏳ Updating…" in place of the buttons (the figures stay readable meanwhile), the press answered,
 * then a snapshot (joining one already running) edited into the same message.
 */
async function refresh(ctx: Press, deps: NavigationDeps, why: string | null): Promise<void> {
  const marked = await ctx.editMessageReplyMarkup({ reply_markup: updatingKeyboard() }).then(
    () => true,
    (error: unknown) => {
      if (isNotModified(error)) return true;
      if (refusal(error) !== null) return false;
      throw error;
    },
  );
  await ctx.answerCallbackQuery({ text: why ?? (marked ? "⏳ Updating…" : TOO_OLD) });
  deps.background("Refresh", ctx, async () => {
    let screen: Screen;
    try {
      screen = await deps.service.statusScreen();
    } catch (error) {
      deps.log.error(`Refresh failed: ${errorMessage(error)}`);
      screen = {
        html: "⚠️ The snapshot failed; see the log for details. 🔄 Refresh tries again.",
        keyboard: statusKeyboard({ details: false }),
      };
    }
    await show(ctx, screen, deps.log);
  });
}

async function showAndAnswer(ctx: Press, deps: NavigationDeps, screen: Screen, answer: string | null): Promise<unknown> {
  const shown = await show(ctx, screen, deps.log);
  const text = [shown === "anew, too old" ? TOO_OLD : null, answer].filter((part) => part !== null).join(" ");
  return ctx.answerCallbackQuery(text === "" ? undefined : { text: clip(text, ANSWER_LIMIT) });
}

/** Puts `screen` in place of the pressed message, or sends it anew where Telegram refuses the edit. */
async function show(ctx: Press, screen: Screen, log: Logger): Promise<"edited" | "anew" | "anew, too old"> {
  const options = { parse_mode: "HTML", reply_markup: screen.keyboard, link_preview_options: { is_disabled: true } } as const;
  try {
    await ctx.editMessageText(screen.html, options);
    return "edited";
  } catch (error) {
    if (isNotModified(error)) return "edited";
    const refused = refusal(error);
    if (refused === null) throw error;
    if (refused === "too old") log.info(`a message could not be edited in place (${errorMessage(error)}): sending it anew`);
    await ctx.reply(screen.html, options);
    await ctx.deleteMessage().catch(() => undefined);
    return refused === "photo" ? "anew" : "anew, too old";
  }
}

/** A button under a chart, or 📈/🥧 under a report: the same message becomes that chart (editMessageMedia). */
async function chart(ctx: Press, deps: NavigationDeps, request: ChartRequest): Promise<unknown> {
  const answer = deps.service.chart(request);
  if (answer.kind === "text") return ctx.answerCallbackQuery({ text: clip(answer.text, ANSWER_LIMIT), show_alert: true });
  await ctx.answerCallbackQuery();
  deps.background("a chart button", ctx, async () => {
    const photo = await deps.draw(ctx, answer.render);
    const markup = chartScreenKeyboard(request);
    try {
      await ctx.editMessageMedia(InputMediaBuilder.photo(photo, { caption: answer.caption, parse_mode: "HTML" }), { reply_markup: markup });
    } catch (error) {
      // The message was deleted meanwhile, or can no longer be edited: send the chart anew, and remove
      // the old one where Telegram still allows it.
      if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
      deps.log.info(`a chart could not be edited in place (${error.description}): sending it anew`);
      await ctx.replyWithPhoto(photo, { caption: answer.caption, parse_mode: "HTML", reply_markup: markup });
      await ctx.deleteMessage().catch(() => undefined);
    }
  });
}

/** A button under /export's files: that format sent anew, the press answered first. */
async function exportAgain(ctx: Press, deps: NavigationDeps, format: ExportFormat): Promise<unknown> {
  const answer = deps.service.exportAnswer([format]);
  if (answer.kind === "text") return ctx.answerCallbackQuery({ text: clip(answer.text, ANSWER_LIMIT), show_alert: true });
  await ctx.answerCallbackQuery({ text: `📤 Sending ${answer.files.map((file) => file.filename).join(", ")}` });
  deps.background("an /export button", ctx, () => sendExport(ctx, answer.files));
}

function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/**
 * Why Telegram refused to edit the message's text, when sending it anew is the way: a photo has no text
 * ("there is no text in the message to edit"); a message too old or deleted ("message can't be edited",
 * "message to edit not found"). Null for anything else (a mistake of ours, which sending anew would repeat).
 */
function refusal(error: unknown): "photo" | "too old" | null {
  if (!(error instanceof GrammyError) || error.error_code !== 400) return null;
  if (/no text in the message to edit/i.test(error.description)) return "photo";
  if (/message can't be edited|message to edit not found|MESSAGE_ID_INVALID/i.test(error.description)) return "too old";
  return null;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
