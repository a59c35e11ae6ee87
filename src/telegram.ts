// Sending to the owner's chat through the Bot API (grammY), shared by --once and the bot.
// auto-retry waits out Telegram's 429 retry_after and retries 5xx, with finite caps (its defaults are
// unbounded: reference/stack.md §3).
import { autoRetry } from "@grammyjs/auto-retry";
import { Api } from "grammy";
import type { Redact } from "./redact.ts";
import { redactOutgoing } from "./telegram-redact.ts";

export const RETRY_LIMITS = { maxRetryAttempts: 3, maxDelaySeconds: 30 } as const;

export interface TelegramSettings {
  readonly token: string;
  readonly chatId: number;
  readonly apiRoot: string;
}

/** An Api for the owner's chat; `redact` (the logger's) cleans every text and caption it sends. */
export function createTelegramApi(settings: TelegramSettings, redact: Redact): Api {
  const api = new Api(settings.token, { apiRoot: settings.apiRoot });
  api.config.use(autoRetry(RETRY_LIMITS));
  api.config.use(redactOutgoing(redact));
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
