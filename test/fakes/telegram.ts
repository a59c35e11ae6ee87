// A fake Telegram Bot API on 127.0.0.1 for grammY (`client: { apiRoot: fake.url }`): POST /bot<token>/<method>
// with the real answers and error texts. It checks the token (401), chat ids, message length (4096 UTF-16
// units after entity parsing) and parse_mode HTML like Telegram (telegram-html.ts), validates
// setMyCommands and setWebhook, and long-polls getUpdates (held until an update is pushed or the timeout
// passes; confirmed by offset; 409 while a webhook is set or when a newer poll replaces it). Photos
// (sendPhoto, editMessageMedia) and documents (sendDocument) arrive as multipart uploads and are checked
// as Telegram checks them (telegram-media.ts: an image, a non-empty file, 50 MB, a caption of 1024); a message can be edited (editMessageText, editMessageReplyMarkup,
// editMessageMedia) or deleted only while it exists, and only the bot's own; a photo has no text to
// edit, and an edit that changes nothing is refused as Telegram refuses it. A message is pinned
// (pinChatMessage, which posts the service message Telegram posts) and unpinned (unpinChatMessage) while it
// exists, freely in a private chat and elsewhere only with the rights to (`pinRights`). A button press
// (pushCallback, on a message as it stands or on one too old to be shown) must be answered once
// (answerCallbackQuery). Faults by method name
// (faults.ts): `code` and `message` are the error_code and description of a Bot API error, `hang`
// holds the calls unanswered.
import type { BotCommand, InlineKeyboardMarkup, Message, MessageEntity, PhotoSize, Update, UserFromGetMe } from "grammy/types";
import { createFaultList, delayOrHold, type Fault, type FaultList, frontAnswer } from "./faults.ts";
import { type RecordedRequest, startFake } from "./server.ts";
import { parseTelegramHtml } from "./telegram-html.ts";
import { checkPhoto, fileInput, type Image, mimeTypeOf, readCaption, readInlineKeyboard, refuseDocument } from "./telegram-media.ts";
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
  /** The largest document upload taken, in bytes: 50 MB as Telegram ("sendDocument"), smaller to test the refusal. */
  readonly maxUploadBytes?: number;
  /**
   * Group chats (negative ids) where the bot is an administrator allowed to pin ("can_pin_messages"); in a private
   * chat a bot needs no right to pin.
   */
  readonly pinRights?: readonly number[];
}

/** A successful pinChatMessage or unpinChatMessage, as it reached Telegram. */
interface PinCall {
  readonly method: "pinChatMessage" | "unpinChatMessage";
  readonly chatId: number;
  readonly messageId: number;
  readonly disableNotification: boolean;
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
  /** The buttons sent with it (null: none). */
  readonly replyMarkup: InlineKeyboardMarkup | null;
  readonly params: Params;
}

/** A change to a message of the bot's by editMessageText or editMessageReplyMarkup, as it reached Telegram. */
interface EditedMessage {
  readonly method: "editMessageText" | "editMessageReplyMarkup";
  readonly messageId: number;
  readonly chatId: number;
  /** The text as sent (HTML source) and as shown; for editMessageReplyMarkup, the message's text as it stands. */
  readonly text: string;
  readonly plainText: string;
  readonly entities: MessageEntity[];
  readonly replyMarkup: InlineKeyboardMarkup | null;
}

/** A photo as it reached Telegram: by sendPhoto, or replacing a message's content by editMessageMedia. */
export interface SentPhoto {
  readonly method: "sendPhoto" | "editMessageMedia";
  readonly messageId: number;
  readonly chatId: number;
  /** The uploaded bytes (null when an earlier photo's file_id was sent). */
  readonly bytes: Uint8Array | null;
  readonly width: number;
  readonly height: number;
  readonly fileId: string;
  /** The caption as sent (HTML source when parse_mode is HTML), and as shown. */
  readonly caption: string;
  readonly plainCaption: string;
  readonly replyMarkup: InlineKeyboardMarkup | null;
  /** When the fake answered (Date.now()). */
  readonly at: number;
}

/** A document as it reached Telegram by sendDocument. */
interface SentDocument {
  readonly messageId: number;
  readonly chatId: number;
  /** The uploaded bytes (null when an earlier document's file_id was sent). */
  readonly bytes: Uint8Array | null;
  /** The name the upload gave it (Telegram's file_name), "" when it gave none. */
  readonly filename: string;
  readonly mimeType: string;
  readonly fileId: string;
  /** The caption as sent (HTML source when parse_mode is HTML), and as shown. */
  readonly caption: string;
  readonly plainCaption: string;
  readonly replyMarkup: InlineKeyboardMarkup | null;
}

interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly text: string | null;
  readonly showAlert: boolean;
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
  /** Every photo sent or put in place of a message's content, in order. */
  readonly photos: SentPhoto[];
  /** Every successful editMessageText and editMessageReplyMarkup, in order. */
  readonly edits: EditedMessage[];
  /** Every document sent, in order. */
  readonly documents: SentDocument[];
  readonly callbackAnswers: CallbackAnswer[];
  /** Every successful pin and unpin, in order. */
  readonly pins: PinCall[];
  readonly faults: FaultList<TelegramFault>;
  /** A message of the bot as it stands now (null once deleted, or never sent). */
  message(chatId: number, messageId: number): Message | null;
  /** The chat's pinned messages, the latest pinned first. */
  pinned(chatId: number): number[];
  /** The owner deletes a message of the bot's from the chat (it is unpinned with it). */
  deleteByUser(chatId: number, messageId: number): void;
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
  /**
   * A press on an inline button of the bot's message `messageId`: a callback_query update carrying the message
   * as it stands, or with `inaccessible` as Telegram gives a message too old to be shown (chat, id and date 0;
   * the message need not exist here then).
   */
  pushCallback(press: { chatId: number; messageId: number; data: string; fromId?: number; inaccessible?: boolean }): Update;
  /** Resolves once `count` photos have been sent or edited in, in all. */
  waitForPhotos(count?: number, timeoutMs?: number): Promise<SentPhoto[]>;
  /** Resolves once `count` documents have been sent, in all. */
  waitForDocuments(count?: number, timeoutMs?: number): Promise<SentDocument[]>;
  /** Resolves once `count` callback queries have been answered, in all. */
  waitForCallbackAnswers(count?: number, timeoutMs?: number): Promise<CallbackAnswer[]>;
  /** Resolves once `count` edits (editMessageText, editMessageReplyMarkup) have succeeded, in all. */
  waitForEdits(count?: number, timeoutMs?: number): Promise<EditedMessage[]>;
  /** Resolves once `method` has been called `count` times in all (rejects after timeoutMs). */
  waitForRequests(method: string, count?: number, timeoutMs?: number): Promise<TelegramCall[]>;
  /** Resolves once `count` messages have been sent in all. */
  waitForSent(count?: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** POSTs an update to a webhook as Telegram does, with the registered secret header; `url` overrides the registered URL. */
  postToWebhook(update: NewUpdate, url?: string): Promise<Response>;
  stop(): Promise<void>;
}

const MAX_MESSAGE_LENGTH = 4096;
/** "Bots can currently send files of any type of up to 50 MB in size" (sendDocument). */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const NO_PIN_RIGHTS = "Bad Request: not enough rights to manage pinned messages in the chat";
const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
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

/** The sizes Telegram keeps of a photo: thumbnails with the longer side at 90, 320 and 800 px, and the photo up to 1280 px. */
function photoSizes(fileId: string, image: Image): PhotoSize[] {
  const longer = Math.max(image.width, image.height);
  const sides = [90, 320, 800, 1280].filter((side) => side < longer);
  return [...sides, Math.min(longer, 2560)].map((side, i) => {
    const scale = Math.min(1, side / longer);
    return {
      file_id: i === sides.length ? fileId : `${fileId}_${side}`,
      file_unique_id: `${fileId.slice(-8)}${i}`,
      width: Math.round(image.width * scale),
      height: Math.round(image.height * scale),
    };
  });
}

function chatOf(chatId: number): Message["chat"] {
  return chatId > 0 ? { id: chatId, type: "private", first_name: "Owner" } : { id: chatId, type: "supergroup", title: "Group" };
}

export async function startTelegramFake(options: TelegramFakeOptions): Promise<TelegramFake> {
  const bot = botUser(options.token, options.botUsername ?? "pfbot_test_bot");
  const calls: TelegramCall[] = [];
  const sent: SentMessage[] = [];
  const chatActions: { chatId: number; action: string }[] = [];
  const photos: SentPhoto[] = [];
  const edits: EditedMessage[] = [];
  const documents: SentDocument[] = [];
  const callbackAnswers: CallbackAnswer[] = [];
  const pins: PinCall[] = [];
  /** Pinned message ids by chat, the latest pinned first. */
  const pinnedByChat = new Map<number, number[]>();
  const faults = createFaultList<TelegramFault>();
  /** The bot's messages that exist, by "chat:id"; the users' messages, which the bot cannot edit, by the same key. */
  const botMessages = new Map<string, Message>();
  const userMessages = new Set<string>();
  /** file_id → the photo's size, for photos sent again by file_id. */
  const files = new Map<string, Image>();
  /** file_id → a document's name, type and size, for documents sent again by file_id. */
  const documentFiles = new Map<string, { filename: string; mimeType: string; size: number }>();
  /** Callback queries pushed and not yet answered. */
  const openCallbacks = new Set<string>();
  let nextFileId = 1;
  let nextCallbackId = 1;
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

  /** A message's text as Telegram reads it: HTML parsed into text and entities, checked for emptiness and length; its buttons. */
  const textContent = (
    params: Params,
    tooLong: string,
  ):
    | Response
    | {
        text: string;
        plainText: string;
        entities: MessageEntity[];
        parseMode: string | null;
        markup: InlineKeyboardMarkup | undefined;
      } => {
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
    if (plainText.trim().length > MAX_MESSAGE_LENGTH) return fail(400, tooLong);
    const markup = readInlineKeyboard(params.reply_markup);
    if (markup !== undefined && "error" in markup) return fail(400, `Bad Request: ${markup.error}`);
    return { text, plainText, entities, parseMode: parseMode || null, markup };
  };
  /** The bot's message an edit names (chat_id and message_id), or Telegram's answer when there is none to edit. */
  const editTarget = (params: Params): Response | { chatId: number; messageId: number; key: string; current: Message } => {
    if (params.inline_message_id !== undefined) return fail(400, "Bad Request: this fake Telegram API edits chat messages only");
    const chatId = resolveChat(params);
    if (chatId instanceof Response) return chatId;
    const messageId = integerParam(params.message_id);
    if (messageId === undefined) return fail(400, "Bad Request: message identifier is not specified");
    const key = `${chatId}:${messageId}`;
    const current = botMessages.get(key);
    if (!current)
      return fail(400, userMessages.has(key) ? "Bad Request: message can't be edited" : "Bad Request: message to edit not found");
    return { chatId, messageId, key, current };
  };

  /** pinChatMessage's chat and message, or Telegram's answer when the bot may not pin there. */
  const pinTarget = (params: Params): Response | { chatId: number; messageId: number } => {
    const chatId = resolveChat(params);
    if (chatId instanceof Response) return chatId;
    if (chatId < 0 && !pinRights.has(chatId)) return fail(400, NO_PIN_RIGHTS);
    const messageId = integerParam(params.message_id);
    if (messageId === undefined) return fail(400, "Bad Request: message identifier is not specified");
    return { chatId, messageId };
  };
  const unpin = (chatId: number, messageId: number) => {
    const left = (pinnedByChat.get(chatId) ?? []).filter((id) => id !== messageId);
    pinnedByChat.set(chatId, left);
  };
  const pinRights = new Set(options.pinRights ?? []);

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
      const content = textContent(params, "Bad Request: message is too long");
      if (content instanceof Response) return content;
      const { text, plainText, entities, parseMode, markup } = content;
      const message: Message.TextMessage = {
        message_id: nextMessageId++,
        from: bot,
        chat: chatOf(chatId),
        date: unixNow(),
        text: plainText,
        ...(entities.length > 0 ? { entities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      };
      botMessages.set(`${chatId}:${message.message_id}`, message);
      sent.push({
        messageId: message.message_id,
        chatId,
        text,
        parseMode,
        plainText,
        entities,
        disableNotification: booleanParam(params.disable_notification),
        replyMarkup: markup ?? null,
        params,
      });
      return ok(message);
    },
    editmessagetext: (params) => {
      const target = editTarget(params);
      if (target instanceof Response) return target;
      const { chatId, messageId, key, current } = target;
      if (!("text" in current) || current.text === undefined) return fail(400, "Bad Request: there is no text in the message to edit");
      const content = textContent(params, "Bad Request: MESSAGE_TOO_LONG");
      if (content instanceof Response) return content;
      const { text, plainText, entities, markup } = content;
      const unchanged =
        current.text === plainText &&
        JSON.stringify(current.entities ?? []) === JSON.stringify(entities) &&
        JSON.stringify(current.reply_markup ?? null) === JSON.stringify(markup ?? null);
      if (unchanged) return fail(400, NOT_MODIFIED);
      const { entities: _e, reply_markup: _rm, ...kept } = current as Message.TextMessage;
      const message: Message.TextMessage = {
        ...kept,
        text: plainText,
        ...(entities.length > 0 ? { entities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
        edit_date: unixNow(),
      };
      botMessages.set(key, message);
      edits.push({ method: "editMessageText", messageId, chatId, text, plainText, entities, replyMarkup: markup ?? null });
      return ok(message);
    },
    editmessagereplymarkup: (params) => {
      const target = editTarget(params);
      if (target instanceof Response) return target;
      const { chatId, messageId, key, current } = target;
      const markup = readInlineKeyboard(params.reply_markup);
      if (markup !== undefined && "error" in markup) return fail(400, `Bad Request: ${markup.error}`);
      if (JSON.stringify(current.reply_markup ?? null) === JSON.stringify(markup ?? null)) return fail(400, NOT_MODIFIED);
      const { reply_markup: _rm, ...kept } = current;
      const message = { ...kept, ...(markup ? { reply_markup: markup } : {}), edit_date: unixNow() } as Message;
      botMessages.set(key, message);
      const text = "text" in message && typeof message.text === "string" ? message.text : "";
      edits.push({
        method: "editMessageReplyMarkup",
        messageId,
        chatId,
        text,
        plainText: text,
        entities: "entities" in message ? (message.entities ?? []) : [],
        replyMarkup: markup ?? null,
      });
      return ok(message);
    },
    sendphoto: async (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      const content = await photoContent(params, params.photo, params.caption, params.parse_mode, params.reply_markup);
      if (content instanceof Response) return content;
      const message: Message.PhotoMessage = {
        message_id: nextMessageId++,
        from: bot,
        chat: chatOf(chatId),
        date: unixNow(),
        ...content.fields,
      };
      botMessages.set(`${chatId}:${message.message_id}`, message);
      photos.push({ ...content.photo, method: "sendPhoto", messageId: message.message_id, chatId, at: Date.now() });
      return ok(message);
    },
    senddocument: async (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      const input = await fileInput(params, params.document, "document");
      if ("error" in input) return fail(400, `Bad Request: ${input.error}`);
      let file: { filename: string; mimeType: string; size: number };
      let fileId: string;
      if (input.kind === "upload") {
        const refused = refuseDocument(input.bytes, options.maxUploadBytes ?? MAX_UPLOAD_BYTES);
        if (refused instanceof Response) return refused;
        if (refused !== null) return fail(400, `Bad Request: ${refused.error}`);
        file = { filename: input.filename, mimeType: mimeTypeOf(input.filename), size: input.bytes.length };
        fileId = `BQACAgIAAxkBAAI${String(nextFileId++).padStart(6, "0")}`;
        documentFiles.set(fileId, file);
      } else {
        const known = documentFiles.get(input.fileId);
        if (!known) return fail(400, "Bad Request: wrong file identifier/HTTP URL specified");
        file = known;
        fileId = input.fileId;
      }
      const read = readCaption(params.caption, params.parse_mode);
      if ("error" in read) return fail(400, `Bad Request: ${read.error}`);
      const markup = readInlineKeyboard(params.reply_markup);
      if (markup !== undefined && "error" in markup) return fail(400, `Bad Request: ${markup.error}`);
      const message: Message.DocumentMessage = {
        message_id: nextMessageId++,
        from: bot,
        chat: chatOf(chatId),
        date: unixNow(),
        document: {
          file_id: fileId,
          file_unique_id: fileId.slice(-8),
          ...(file.filename !== "" ? { file_name: file.filename } : {}),
          mime_type: file.mimeType,
          file_size: file.size,
        },
        ...(read.plainText !== "" ? { caption: read.plainText } : {}),
        ...(read.entities.length > 0 ? { caption_entities: read.entities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      };
      botMessages.set(`${chatId}:${message.message_id}`, message);
      documents.push({
        messageId: message.message_id,
        chatId,
        bytes: input.kind === "upload" ? input.bytes : null,
        filename: file.filename,
        mimeType: file.mimeType,
        fileId,
        caption: read.text,
        plainCaption: read.plainText,
        replyMarkup: markup ?? null,
      });
      return ok(message);
    },
    editmessagemedia: async (params) => {
      const target = editTarget(params);
      if (target instanceof Response) return target;
      const { chatId, messageId, key, current } = target;
      const media = structuredParam(params.media);
      if (typeof media !== "object" || media === null || Array.isArray(media))
        return fail(400, "Bad Request: can't parse InputMedia JSON object");
      const medium = media as Record<string, unknown>;
      if (medium.type !== "photo") return fail(400, "Bad Request: this fake Telegram API edits in photos only");
      const content = await photoContent(params, medium.media, medium.caption, medium.parse_mode, params.reply_markup);
      if (content instanceof Response) return content;
      const unchanged =
        "photo" in current &&
        current.photo?.at(-1)?.file_id === content.fields.photo.at(-1)?.file_id &&
        (current.caption ?? "") === (content.fields.caption ?? "") &&
        JSON.stringify(current.reply_markup ?? null) === JSON.stringify(content.fields.reply_markup ?? null);
      if (unchanged) return fail(400, NOT_MODIFIED);
      const {
        text: _text,
        entities: _entities,
        caption: _caption,
        caption_entities: _ce,
        reply_markup: _rm,
        ...kept
      } = current as Message.PhotoMessage & Message.TextMessage;
      const message = { ...kept, ...content.fields, edit_date: unixNow() } as Message.PhotoMessage;
      botMessages.set(key, message);
      photos.push({ ...content.photo, method: "editMessageMedia", messageId, chatId, at: Date.now() });
      return ok(message);
    },
    answercallbackquery: (params) => {
      const id = stringParam(params.callback_query_id) ?? "";
      if (!openCallbacks.has(id)) return fail(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
      const text = stringParam(params.text) ?? null;
      if (text !== null && text.length > 200) return fail(400, "Bad Request: MESSAGE_TOO_LONG");
      openCallbacks.delete(id);
      callbackAnswers.push({ callbackQueryId: id, text, showAlert: booleanParam(params.show_alert) });
      return ok(true);
    },
    deletemessage: (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      const messageId = integerParam(params.message_id);
      // In a private chat a bot deletes only its own messages (and the user's, within 48 hours: not needed here).
      if (!botMessages.delete(`${chatId}:${messageId ?? ""}`)) return fail(400, "Bad Request: message to delete not found");
      if (messageId !== undefined) unpin(chatId, messageId);
      return ok(true);
    },
    pinchatmessage: (params) => {
      const target = pinTarget(params);
      if (target instanceof Response) return target;
      const { chatId, messageId } = target;
      const key = `${chatId}:${messageId}`;
      const message = botMessages.get(key);
      if (!message && !userMessages.has(key)) return fail(400, "Bad Request: message to pin not found");
      const disableNotification = booleanParam(params.disable_notification);
      pinnedByChat.set(chatId, [messageId, ...(pinnedByChat.get(chatId) ?? []).filter((id) => id !== messageId)]);
      pins.push({ method: "pinChatMessage", chatId, messageId, disableNotification });
      // Telegram posts a service message saying what was pinned (without a sound when asked).
      if (message) {
        const service: Message.PinnedMessageMessage = {
          message_id: nextMessageId++,
          from: bot,
          chat: chatOf(chatId),
          date: unixNow(),
          pinned_message: message as Message.PinnedMessageMessage["pinned_message"],
        };
        botMessages.set(`${chatId}:${service.message_id}`, service);
      }
      return ok(true);
    },
    unpinchatmessage: (params) => {
      const chatId = resolveChat(params);
      if (chatId instanceof Response) return chatId;
      if (chatId < 0 && !pinRights.has(chatId)) return fail(400, NO_PIN_RIGHTS);
      const current = pinnedByChat.get(chatId) ?? [];
      // Without message_id, the latest pinned message.
      const messageId = params.message_id === undefined ? current[0] : integerParam(params.message_id);
      if (messageId === undefined || !current.includes(messageId)) return fail(400, "Bad Request: message to unpin not found");
      unpin(chatId, messageId);
      pins.push({ method: "unpinChatMessage", chatId, messageId, disableNotification: false });
      return ok(true);
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

  /** sendPhoto's and editMessageMedia's content: the photo, its caption and the buttons, or the Bad Request answer. */
  async function photoContent(
    params: Params,
    photo: unknown,
    caption: unknown,
    parseMode: unknown,
    replyMarkup: unknown,
  ): Promise<
    | Response
    | {
        fields: Pick<Message.PhotoMessage, "photo" | "caption" | "caption_entities" | "reply_markup">;
        photo: Omit<SentPhoto, "method" | "messageId" | "chatId" | "at">;
      }
  > {
    const input = await fileInput(params, photo);
    if ("error" in input) return fail(400, `Bad Request: ${input.error}`);
    let image: Image;
    let fileId: string;
    if (input.kind === "upload") {
      const checked = checkPhoto(input.bytes);
      if ("error" in checked) return fail(400, `Bad Request: ${checked.error}`);
      image = checked;
      fileId = `AgACAgIAAxkBAAI${String(nextFileId++).padStart(6, "0")}`;
      files.set(fileId, image);
    } else {
      const known = files.get(input.fileId);
      if (!known) return fail(400, "Bad Request: wrong file identifier/HTTP URL specified");
      image = known;
      fileId = input.fileId;
    }
    const read = readCaption(caption, parseMode);
    if ("error" in read) return fail(400, `Bad Request: ${read.error}`);
    const markup = readInlineKeyboard(replyMarkup);
    if (markup !== undefined && "error" in markup) return fail(400, `Bad Request: ${markup.error}`);
    return {
      fields: {
        photo: photoSizes(fileId, image),
        ...(read.plainText !== "" ? { caption: read.plainText } : {}),
        ...(read.entities.length > 0 ? { caption_entities: read.entities } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      },
      photo: {
        bytes: input.kind === "upload" ? input.bytes : null,
        width: image.width,
        height: image.height,
        fileId,
        caption: read.text,
        plainCaption: read.plainText,
        replyMarkup: markup ?? null,
      },
    };
  }

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
    // Once for the call (a long poll is held), and again when an answer that took time is ready.
    notify();
    if (response instanceof Promise) void response.then(notify, notify);
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
    if (update.message) userMessages.add(`${update.message.chat.id}:${update.message.message_id}`);
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
    photos,
    edits,
    documents,
    callbackAnswers,
    pins,
    faults,
    message: (chatId, messageId) => botMessages.get(`${chatId}:${messageId}`) ?? null,
    pinned: (chatId) => [...(pinnedByChat.get(chatId) ?? [])],
    deleteByUser: (chatId, messageId) => {
      if (!botMessages.delete(`${chatId}:${messageId}`))
        throw new Error(`fake Telegram: no message ${messageId} of the bot in chat ${chatId}`);
      unpin(chatId, messageId);
    },
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
    pushCallback: ({ chatId, messageId, data, fromId = chatId, inaccessible = false }) => {
      const message = inaccessible
        ? { chat: chatOf(chatId), message_id: messageId, date: 0 as const }
        : botMessages.get(`${chatId}:${messageId}`);
      if (!message) throw new Error(`fake Telegram: no message ${messageId} of the bot in chat ${chatId} to press a button on`);
      const id = String(4_000_000_000_000 + nextCallbackId++);
      openCallbacks.add(id);
      const from = { id: fromId, is_bot: false, first_name: fromId === options.chatId ? "Owner" : "Someone", language_code: "en" } as const;
      return pushUpdate({ callback_query: { id, from, message, chat_instance: `-${Math.abs(chatId)}`, data } });
    },
    waitForPhotos: (count = 1, timeoutMs = 5000) =>
      waitFor(() => (photos.length >= count ? [...photos] : null), timeoutMs, `${count} photo(s)`),
    waitForDocuments: (count = 1, timeoutMs = 5000) =>
      waitFor(() => (documents.length >= count ? [...documents] : null), timeoutMs, `${count} document(s)`),
    waitForCallbackAnswers: (count = 1, timeoutMs = 5000) =>
      waitFor(() => (callbackAnswers.length >= count ? [...callbackAnswers] : null), timeoutMs, `${count} callback answer(s)`),
    waitForEdits: (count = 1, timeoutMs = 5000) =>
      waitFor(() => (edits.length >= count ? [...edits] : null), timeoutMs, `${count} edit(s)`),
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
