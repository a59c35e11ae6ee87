// What the watch (bot/watch.ts) does in the owner's chat besides sending reports: a message whose id it keeps,
// edited in place and pinned (the live pinned status), and a photo (the digest's chart). A thin adapter over the
// Bot API (grammY's Api with pfbot's bounds and redaction, bot/telegram.ts), so the watch is tested against the
// fake Bot API as it is, and Telegram's refusals are read here once.
import { type Api, GrammyError, InputFile } from "grammy";

/** What an edit came to: the message changed, already showed that, or can no longer be edited (gone, or too old). */
type EditOutcome = "edited" | "unchanged" | "gone";

export interface OwnerChat {
  /** TELEGRAM_CHAT_ID. */
  readonly chatId: number;
  /** Sends an HTML message without buttons; resolves to its message id. */
  send(html: string, options: { readonly silent: boolean }): Promise<number>;
  /** Replaces the text of the bot's message `messageId`; throws for any refusal but those EditOutcome names. */
  edit(messageId: number, html: string): Promise<EditOutcome>;
  /** Pins the message without a notification. */
  pin(messageId: number): Promise<void>;
  unpin(messageId: number): Promise<void>;
  /** Sends a PNG with an HTML caption. */
  sendPhoto(png: Uint8Array, caption: string, options: { readonly silent: boolean }): Promise<void>;
}

export function ownerChat(api: Api, chatId: number): OwnerChat {
  const html = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;
  return {
    chatId,
    send: async (text, { silent }) => (await api.sendMessage(chatId, text, { ...html, disable_notification: silent })).message_id,
    edit: async (messageId, text) => {
      try {
        await api.editMessageText(chatId, messageId, text, html);
        return "edited";
      } catch (error) {
        const refused = editRefusal(error);
        if (refused === null) throw error;
        return refused;
      }
    },
    pin: async (messageId) => void (await api.pinChatMessage(chatId, messageId, { disable_notification: true })),
    unpin: async (messageId) => void (await api.unpinChatMessage(chatId, messageId)),
    sendPhoto: async (png, caption, { silent }) =>
      void (await api.sendPhoto(chatId, new InputFile(png, "chart.png"), { caption, parse_mode: "HTML", disable_notification: silent })),
  };
}

/**
 * Telegram's answers to an edit that are not a fault of ours: "message is not modified" (the text is the same),
 * "message to edit not found" (deleted), "message can't be edited" (too old, or not the bot's), MESSAGE_ID_INVALID.
 */
function editRefusal(error: unknown): Exclude<EditOutcome, "edited"> | null {
  if (!(error instanceof GrammyError) || error.error_code !== 400) return null;
  if (/message is not modified/i.test(error.description)) return "unchanged";
  if (/message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(error.description)) return "gone";
  return null;
}
