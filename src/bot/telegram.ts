// Sending to the owner's chat through the Bot API (grammY), shared by --once, --check and the bot.
// Every call has a bounded total time, retries and waits included. auto-retry waits out Telegram's 429
// retry_after and retries 5xx with finite caps, but it retries network errors (connection refused, DNS,
// TLS) on a path those caps do not bound, for ever (reference/stack.md §3): so it rethrows them here, and
// boundedCalls retries them itself until the call's deadline, which also cuts a request that hangs.
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, GrammyError, HttpError, type Transformer } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Clock } from "../lib/clock.ts";
import type { Redact } from "../lib/redact.ts";
import type { Shutdown } from "../lib/shutdown.ts";
import { redactOutgoing } from "./redact-outgoing.ts";

const RETRY_LIMITS = { maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true } as const;

export interface TelegramSettings {
  readonly token: string;
  readonly chatId: number;
  readonly apiRoot: string;
}

export interface CallBounds {
  /** The most one call may take, retries and waits included (a long poll adds its own timeout). */
  readonly totalMs: number;
  /** The bot's stop: no retry once it has begun, and every call still running fails when it aborts. */
  readonly shutdown?: Shutdown;
  /** Times the call and waits between retries; the bound itself is a real timer (it cuts a request that hangs). */
  readonly clock: Clock;
}

/** A Telegram call that gave up: unreachable, too slow, or cancelled by the stop. */
// An HttpError, so that grammY's own loops (long polling, deleteWebhook at start) treat it as the
// network problem it is and try again later, instead of stopping the bot.
export class TelegramUnreachableError extends HttpError {
  constructor(message: string, cause: unknown) {
    super(message, cause);
    this.name = "TelegramUnreachableError";
  }
}

/** An Api for the owner's chat; `redact` (the logger's) cleans every text and caption it sends. */
/**
 * grammY's client options for every Api pfbot builds. The bot token travels in the URL's path, so a
 * redirect, which would carry it to another host, is refused rather than followed.
 */
export const CLIENT_OPTIONS = { baseFetchConfig: { redirect: "error" } } as const;

export function createTelegramApi(settings: TelegramSettings, bounds: CallBounds, redact: Redact): Api {
  const api = new Api(settings.token, { ...CLIENT_OPTIONS, apiRoot: settings.apiRoot });
  installApiTransformers(api, bounds, redact);
  return api;
}

/** The one place where pfbot's Bot API transformers are installed (createTelegramApi's Api and the bot's). */
export function installApiTransformers(api: Api, bounds: CallBounds, redact: Redact): void {
  // grammY runs the last transformer installed first: boundedCalls wraps auto-retry, so its deadline
  // covers auto-retry's waits too (auto-retry's pauses end when the signal it is given aborts).
  // redactOutgoing runs first of all, so no retry or error path ever sees an unredacted text.
  api.config.use(autoRetry(RETRY_LIMITS), boundedCalls(bounds), redactOutgoing(redact));
}

/** What to do when Telegram refuses the owner's chat; --check, --once and the bot say the same. */
export const CHAT_REFUSED_HINT = "send /start to the bot from that chat, and check TELEGRAM_CHAT_ID";

/**
 * True when Telegram refused the call because of the chat itself: it does not exist for this bot (400 "chat
 * not found": nobody sent the bot /start there, or the id is wrong), or the bot may not post there (403:
 * blocked, kicked, never started).
 */
export function isChatRefusal(error: unknown): boolean {
  if (!(error instanceof GrammyError)) return false;
  return (
    error.error_code === 403 || (error.error_code === 400 && /chat not found|chat_id is empty|PEER_ID_INVALID/i.test(error.description))
  );
}

/** Sends one HTML message; `silent` for routine reports (no notification sound), `keyboard` for its buttons. */
export async function sendHtml(
  api: Api,
  chatId: number,
  html: string,
  options: { silent?: boolean; keyboard?: InlineKeyboardMarkup } = {},
): Promise<void> {
  await api.sendMessage(chatId, html, {
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    disable_notification: options.silent ?? false,
    ...(options.keyboard ? { reply_markup: options.keyboard } : {}),
  });
}

/** Gives every call a deadline and retries network errors within it (doubling waits from 1 s, at most 8 s apart). */
function boundedCalls(bounds: CallBounds): Transformer {
  return async (prev, method, payload, signal) => {
    const { clock } = bounds;
    const started = clock.now();
    // A long poll is held open by Telegram for `timeout` seconds when there is nothing new.
    const pollMs = method === "getUpdates" ? Math.max(0, Number((payload as { timeout?: unknown }).timeout) || 0) * 1000 : 0;
    const limitMs = bounds.totalMs + pollMs;
    const shutdown = bounds.shutdown;
    const controller = new AbortController();
    const cancel = () => controller.abort();
    const timer = setTimeout(cancel, limitMs);
    signal?.addEventListener("abort", cancel);
    shutdown?.signal.addEventListener("abort", cancel);
    if (signal?.aborted || shutdown?.signal.aborted) cancel();
    // grammY types its signals with the abort-controller package's declarations; at run time (Bun) it is this one.
    const attemptSignal = controller.signal as unknown as Parameters<typeof prev>[2];
    let delayMs = FIRST_RETRY_MS;
    let attempts = 0;
    try {
      for (;;) {
        attempts += 1;
        try {
          return await prev(method, payload, attemptSignal);
        } catch (error) {
          // The caller cancelled (grammY stopping its long poll): its own error is what it expects.
          if (signal?.aborted) throw error;
          const seconds = secondsSince(started, clock);
          if (shutdown?.signal.aborted)
            throw new TelegramUnreachableError(`the call to Telegram (${method}) was cancelled: pfbot is stopping`, error);
          if (controller.signal.aborted) throw gaveUp(method, seconds, attempts, error);
          if (!(error instanceof HttpError) || shutdown?.stopping) throw error;
          // Give up now when the next attempt could not start before the deadline.
          if (clock.now() + delayMs >= started + limitMs) throw gaveUp(method, seconds, attempts, error);
          // Ends early when the bound or the stop aborts; the next attempt then fails at once and ends the loop.
          await clock.sleep(delayMs, controller.signal);
          delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
        }
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
      shutdown?.signal.removeEventListener("abort", cancel);
    }
  };
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 8_000;

function gaveUp(method: string, seconds: number, attempts: number, cause: unknown): TelegramUnreachableError {
  // HttpError's message names the method and the HTTP status, never the URL (which holds the token).
  const last = cause instanceof HttpError ? ` (last error: ${cause.message})` : "";
  return new TelegramUnreachableError(
    `Telegram did not answer ${method}: gave up after ${seconds} s and ${attempts} attempt${attempts === 1 ? "" : "s"}${last}; check this machine's network, and TELEGRAM_API_ROOT if you set it`,
    cause,
  );
}

function secondsSince(started: number, clock: Clock): number {
  return Math.round((clock.now() - started) / 100) / 10;
}
