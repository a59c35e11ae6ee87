// A fake Telegram Bot API on 127.0.0.1 for grammY (`client: { apiRoot: fake.url }`): POST /bot<token>/<method>
// with the real answers and error texts. It checks the token (401), chat ids, message length (4096 UTF-16
// units after entity parsing) and parse_mode HTML like Telegram (telegram-html.ts), validates
// setMyCommands and setWebhook, and long-polls getUpdates (held until an update is pushed or the timeout
// passes; confirmed by offset; 409 while a webhook is set or when a newer poll replaces it). Faults by
// method name (faults.ts): `code` and `message` are the error_code and description of a Bot API error,
// `hang` holds the calls unanswered.
import type { BotCommand, Message, MessageEntity, Update, UserFromGetMe } from "grammy/types";
import { createFaultList, delayOrHold, type Fault, type FaultList, frontAnswer } from "./faults.ts";
import { type RecordedRequest, startFake } from "./server.ts";
import { parseTelegramHtml } from "./telegram-html.ts";
import {
  booleanParam,
  botCommandEntities,
  botUser,
  fail,
  failureResponse,
  integerParam,
  ok,
  type Params,
  readParams,
  scopeKey,
  stringParam,
  structuredParam,
  type TelegramFailure,
  validateCommands,
} from "./telegram-wire.ts";

export interface TelegramFakeOptions {
  readonly token: string;
  /** When set, only this chat and chats seen in pushed updates exist ("chat not found" otherwise). */
  readonly chatId?: number;
  readonly botUsername?: string;
  /** How long a getUpdates is held per second of its `timeout` when nothing is pending: 1000 as Telegram, shorter in tests. */
  readonly pollSecondMs?: number;
}

/** A Bot API error: `code` is its error_code, `message` its description ({{token}} quotes the request's token). */
interface TelegramFault extends Fault {
  /** retry_after (429) or migrate_to_chat_id, as Telegram adds them. */
  readonly parameters?: TelegramFailure["parameters"];
}

interface TelegramCall {
  readonly method: string;
  readonly params: Params;
  readonly contentType: string;
}

export interface SentMessage {
  readonly messageId: number;
  readonly chatId: number;
  /** The text as sent (HTML source when parse_mode is HTML). */
  readonly text: string;
  readonly parseMode: string | null;
  /** The text Telegram shows, after entity parsing. */
  readonly plainText: string;
  readonly entities: MessageEntity[];
  readonly disableNotification: boolean;
  readonly params: Params;
}

interface WebhookState {
  readonly url: string;
  readonly secretToken: string | null;
  readonly maxConnections: number;
}

type NewUpdate = Omit<Update, "update_id"> & { update_id?: number };

export interface TelegramFake {
  /** The apiRoot for grammY (no trailing slash). */
  readonly url: string;
  readonly bot: UserFromGetMe;
  /** Every authenticated call, failed ones included, in order. */
  readonly calls: TelegramCall[];
  readonly sent: SentMessage[];
  readonly chatActions: { readonly chatId: number; readonly action: string }[];
  readonly faults: FaultList<TelegramFault>;
  /** The calls of one method (any case), failed ones included. */
  requestsTo(method: string): TelegramCall[];
  /** The command list set for the default scope and no language. */
  commands(): BotCommand[];
  webhook(): WebhookState | null;
  /** Updates queued and not yet confirmed by an offset. */
  pendingUpdates(): Update[];
  pushUpdate(update: NewUpdate): Update;
  /** A text message update; "/commands" get bot_command entities. fromId defaults to chatId (a private chat). */
  pushMessage(message: { chatId: number; text: string; fromId?: number }): Update;
  /** Resolves once `method` has been called `count` times in all (rejects after timeoutMs). */
  waitForRequests(method: string, count?: number, timeoutMs?: number): Promise<TelegramCall[]>;
  /** Resolves once `count` messages have been sent in all. */
  waitForSent(count?: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** POSTs an update to a webhook as Telegram does, with the registered secret header; `url` overrides the registered URL. */
  postToWebhook(update: NewUpdate, url?: string): Promise<Response>;
  stop(): Promise<void>;
}

const MAX_MESSAGE_LENGTH = 4096;
/** Left out of getUpdates unless asked for by allowed_updates ("getUpdates"). */
const OPT_IN_UPDATES = ["chat_member", "message_reaction", "message_reaction_count"];
const CHAT_ACTIONS = [
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
];

export async function startTelegramFake(options: TelegramFakeOptions): Promise<TelegramFake> {
  const bot = botUser(options.token, options.botUsername ?? "pfbot_test_bot");
  const calls: TelegramCall[] = [];
  const sent: SentMessage[] = [];
  const chatActions: { chatId: number; action: string }[] = [];
  const faults = createFaultList<TelegramFault>();
  const commandSets = new Map<string, BotCommand[]>();
  const knownChats = new Set<number>(options.chatId === undefined ? [] : [options.chatId]);
  const listeners = new Set<() => void>();
  let queue: Update[] = [];
  let allowedUpdates: string[] | null = null;
  let webhook: WebhookState | null = null;
  let poll: { limit: number; timer: ReturnType<typeof setTimeout>; resolve: (response: Response) => void } | null = null;
  let nextUpdateId = 700_000_001;
  let nextMessageId = 1;

  const unixNow = () => Math.floor(Date.now() / 1000);
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const endPoll = (response: Response) => {
    if (!poll) return;
    clearTimeout(poll.timer);
    poll.resolve(response);
    poll = null;
  };
  const deliverable = (limit: number): Update[] => {
    queue = queue.filter((update) => {
      const kind = Object.keys(update).find((key) => key !== "update_id") ?? "";
      return allowedUpdates ? allowedUpdates.includes(kind) : !OPT_IN_UPDATES.includes(kind);
    });
    return queue.slice(0, limit);
  };
  const resolveChat = (params: Params): number | Response => {
    const raw = stringParam(params.chat_id)?.trim();
    if (!raw) return fail(400, "Bad Request: chat_id is empty");
    const id = integerParam(raw);
    // "@channelusername" needs a public channel, which this fake never has.
    if (id === undefined || (options.chatId !== undefined && !knownChats.has(id))) return fail(400, "Bad Request: chat not found");
    return id;
  };

  const methods: Record<string, (params: Params) => Response | Promise<Response>> = {
    getme: () => ok(bot),
    getupdates: (params) => {
      if (webhook)
        return fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      const offset = integerParam(params.offset);
      // An offset confirms every update before it; a negative one keeps only the last -offset updates.
      if (offset !== undefined) queue = offset < 0 ? queue.slice(offset) : queue.filter((update) => update.update_id >= offset);
      if (params.allowed_updates !== undefined) {
        const list = structuredParam(params.allowed_updates);
        if (Array.isArray(list)) allowedUpdates = list.length > 0 ? list.map(String) : null;
      }
      const limit = Math.min(Math.max(integerParam(params.limit) ?? 100, 1), 100);
      const timeoutSeconds = Math.max(integerParam(params.timeout) ?? 0, 0);
      endPoll(fail(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
      const ready = deliverable(limit);
      if (ready.length > 0 || timeoutSeconds === 0) return ok(ready);
      return new Promise<Response>((resolve) => {
        poll = { limit, resolve, timer: setTimeout(() => endPoll(ok([])), timeoutSeconds * (options.pollSecondMs ?? 1000)) };
      });
    },
    sendmessage: (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      const text = stringParam(params.text) ?? "";
      const parseMode = stringParam(params.parse_mode) ?? "";
      let plainText = text;
      let entities: MessageEntity[] = [];
      if (parseMode.toLowerCase() === "html") {
        const parsed = parseTelegramHtml(text);
        if ("error" in parsed) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
        ({ text: plainText, entities } = parsed);
      } else if (["markdown", "markdownv2"].includes(parseMode.toLowerCase())) {
        return fail(400, "Bad Request: this fake Telegram API parses only parse_mode HTML");
      } else if (parseMode !== "") {
        return fail(400, "Bad Request: unsupported parse_mode");
      }
      // Telegram trims the text, then counts what is left.
      if (plainText.trim() === "") return fail(400, "Bad Request: message text is empty");
      if (plainText.trim().length > MAX_MESSAGE_LENGTH) return fail(400, "Bad Request: message is too long");
      const message: Message.TextMessage = {
        message_id: nextMessageId++,
        from: bot,
        chat: chatId > 0 ? { id: chatId, type: "private", first_name: "Owner" } : { id: chatId, type: "supergroup", title: "Group" },
        date: unixNow(),
        text: plainText,
        ...(entities.length > 0 ? { entities } : {}),
      };
      sent.push({
        messageId: message.message_id,
        chatId,
        text,
        parseMode: parseMode || null,
        plainText,
        entities,
        disableNotification: booleanParam(params.disable_notification),
        params,
      });
      return ok(message);
    },
    sendchataction: (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      const action = stringParam(params.action) ?? "";
      if (!CHAT_ACTIONS.includes(action)) return fail(400, "Bad Request: wrong parameter action in request");
      chatActions.push({ chatId, action });
      return ok(true);
    },
    setmycommands: (params) => {
      const commands = validateCommands(params.commands);
      if ("error" in commands) return fail(400, `Bad Request: ${commands.error}`);
      commandSets.set(scopeKey(params), commands);
      return ok(true);
    },
    getmycommands: (params) => ok(commandSets.get(scopeKey(params)) ?? []),
    deletewebhook: (params) => {
      if (booleanParam(params.drop_pending_updates)) queue = [];
      const description = webhook ? "Webhook was deleted" : "Webhook is already deleted";
      webhook = null;
      return ok(true, description);
    },
    setwebhook: (params) => {
      const url = stringParam(params.url) ?? "";
      if (url === "") return methods.deletewebhook!(params);
      if (!URL.canParse(url)) return fail(400, "Bad Request: bad webhook: Wrong HTTP URL");
      const parsed = new URL(url);
      if (parsed.protocol !== "https:") return fail(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
      if (!["", "80", "88", "443", "8443"].includes(parsed.port))
        return fail(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
      const secretToken = stringParam(params.secret_token) || null;
      if (secretToken !== null && secretToken.length > 256) return fail(400, "Bad Request: secret token is too long");
      if (secretToken !== null && !/^[A-Za-z0-9_-]+$/.test(secretToken))
        return fail(400, "Bad Request: secret token contains unallowed characters");
      if (booleanParam(params.drop_pending_updates)) queue = [];
      const list = structuredParam(params.allowed_updates);
      if (Array.isArray(list)) allowedUpdates = list.length > 0 ? list.map(String) : null;
      webhook = { url, secretToken, maxConnections: integerParam(params.max_connections) ?? 40 };
      endPoll(fail(409, "Conflict: terminated by setWebhook request"));
      return ok(true, "Webhook was set");
    },
    getwebhookinfo: () =>
      ok({
        url: webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: queue.length,
        ...(webhook ? { max_connections: webhook.maxConnections, ...(allowedUpdates ? { allowed_updates: allowedUpdates } : {}) } : {}),
      }),
  };

  const handle = async (request: RecordedRequest): Promise<Response> => {
    const match = /^\/bot([^/]*)\/([^/]+)$/.exec(request.path);
    if (!match) return fail(404, "Not Found");
    const [, token = "", method = ""] = match;
    // A token of the right shape but wrong value is 401; anything else is not a bot URL at all.
    if (token !== options.token) return /^\d+:[\w-]+$/.test(token) ? fail(401, "Unauthorized") : fail(404, "Not Found");
    const read = await readParams(request);
    if ("error" in read) return fail(400, `Bad Request: ${read.error}`);
    const { params } = read;
    calls.push({ method, params, contentType: request.headers.get("content-type") ?? "" });
    const fault = faults.take(request.path);
    if (fault) {
      notify();
      const faulty = (await delayOrHold(faults, fault)) ?? frontAnswer(fault);
      if (faulty) return faulty;
      if (fault.code !== undefined) {
        const failure: TelegramFailure = {
          error_code: Number(fault.code),
          ...(fault.message === undefined ? {} : { description: fault.message }),
          ...(fault.parameters ? { parameters: fault.parameters } : {}),
        };
        return failureResponse(failure, token);
      }
    }
    const handler = methods[method.toLowerCase()];
    const response = handler ? handler(params) : fail(404, "Not Found");
    notify();
    return response;
  };

  const server = await startFake({ "/*": handle });

  const waitFor = <T>(ready: () => T | null, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const result = ready();
        if (result === null) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(
          new Error(`fake Telegram: timed out waiting for ${what}; calls so far: ${calls.map((call) => call.method).join(", ") || "none"}`),
        );
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  const requestsTo = (method: string) => calls.filter((call) => call.method.toLowerCase() === method.toLowerCase());

  const pushUpdate = (input: NewUpdate): Update => {
    const update: Update = { ...input, update_id: input.update_id ?? nextUpdateId++ };
    const chatId = update.message?.chat.id;
    if (chatId !== undefined) knownChats.add(chatId);
    queue.push(update);
    if (poll) {
      const ready = deliverable(poll.limit);
      if (ready.length > 0) endPoll(ok(ready));
    }
    return update;
  };

  return {
    url: server.url,
    bot,
    calls,
    sent,
    chatActions,
    faults,
    requestsTo,
    commands: () => commandSets.get(scopeKey({})) ?? [],
    webhook: () => webhook,
    pendingUpdates: () => [...queue],
    pushUpdate,
    pushMessage: ({ chatId, text, fromId = chatId }) => {
      const entities = botCommandEntities(text);
      const from = { id: fromId, is_bot: false, first_name: fromId === options.chatId ? "Owner" : "Someone", language_code: "en" } as const;
      const chat =
        chatId > 0
          ? ({ id: chatId, type: "private", first_name: from.first_name } as const)
          : ({ id: chatId, type: "supergroup", title: "Group" } as const);
      const message = {
        message_id: nextMessageId++,
        from,
        chat,
        date: unixNow(),
        text,
        ...(entities.length > 0 ? { entities } : {}),
      } satisfies Message.TextMessage;
      return pushUpdate({ message });
    },
    waitForRequests: (method, count = 1, timeoutMs = 5000) =>
      waitFor(() => (requestsTo(method).length >= count ? requestsTo(method) : null), timeoutMs, `${count} ${method} call(s)`),
    waitForSent: (count = 1, timeoutMs = 5000) =>
      waitFor(() => (sent.length >= count ? [...sent] : null), timeoutMs, `${count} sent message(s)`),
    postToWebhook: async (input, url) => {
      const target = url ?? webhook?.url;
      if (!target) throw new Error("fake Telegram: no webhook is set and no URL was given");
      const update: Update = { ...input, update_id: input.update_id ?? nextUpdateId++ };
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (webhook?.secretToken) headers["x-telegram-bot-api-secret-token"] = webhook.secretToken;
      return fetch(target, { method: "POST", headers, body: JSON.stringify(update) });
    },
    stop: async () => {
      faults.clear();
      endPoll(ok([]));
      await server.stop();
    },
  };
}
