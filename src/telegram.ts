// Sending to the owner's chat through the Bot API (grammY), shared by --once and the bot.
// auto-retry waits out Telegram's 429 retry_after and retries 5xx, with finite caps (its defaults are
// unbounded: reference/stack.md §3).
import { autoRetry } from "@grammyjs/auto-retry";
import { Api } from "grammy";

export const RETRY_LIMITS = { maxRetryAttempts: 3, maxDelaySeconds: 30 } as const;

export interface TelegramSettings {
  readonly token: string;
  readonly chatId: number;
  readonly apiRoot: string;
}

export function createTelegramApi(settings: TelegramSettings): Api {
  const api = new Api(settings.token, { apiRoot: settings.apiRoot });
  api.config.use(autoRetry(RETRY_LIMITS));
  return api;
}

/** Sends one HTML message; `silent` for routine reports (no notification sound). */
export async function sendHtml(api: Api, chatId: number, html: string, options: { silent?: boolean } = {}): Promise<void> {
  await api.sendMessage(chatId, html, {
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    disable_notification: options.silent ?? false,
  });
}
