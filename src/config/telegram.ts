// The Telegram part of the configuration, apart from config.ts so that the modes that send can ask for it
// without loading the validator (the bot validates in a process of its own to keep arktype out of its memory).
import { ConfigError } from "./errors.ts";

export interface TelegramConfig {
  readonly token: string;
  readonly chatId: number;
  readonly apiRoot: string;
}

/** The Telegram settings of a mode that sends; config validation refused to start such a mode without them. */
export function telegramOf(config: { readonly telegram: TelegramConfig | null }): TelegramConfig {
  if (config.telegram === null) throw new ConfigError("TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are required to send messages");
  return config.telegram;
}
