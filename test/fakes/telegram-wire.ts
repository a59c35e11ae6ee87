// The Bot API's wire format for the fake Telegram server: parameters from the query string and a JSON,
// urlencoded or multipart body ("Making requests": all four ways are accepted, and in the string forms
// arrays and objects are JSON-serialized), the {ok, result} / {ok, error_code, description} answers,
// setMyCommands' validation, and bot_command entities for the messages tests push.
import type { BotCommand, MessageEntity, UserFromGetMe } from "grammy/types";
import { fillEchoes, type RecordedRequest } from "./server.ts";

export type Params = Record<string, unknown>;

export interface TelegramFailure {
  readonly error_code: number;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/** All parameters of a request, or the description of a body the fake could not read. */
export async function readParams(request: RecordedRequest): Promise<{ params: Params } | { error: string }> {
  const params: Params = Object.fromEntries(request.query);
  if (request.bodyBytes.length === 0) return { params };
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return { error: "can't parse JSON object" };
    }
    if (!isRecord(body)) return { error: "JSON object expected" };
    return { params: Object.assign(params, body) };
  }
  if (mediaType === "application/x-www-form-urlencoded")
    return { params: Object.assign(params, Object.fromEntries(new URLSearchParams(request.body))) };
  if (mediaType === "multipart/form-data") {
    const form = await new Response(request.bodyBytes, { headers: { "content-type": contentType } }).formData();
    for (const [key, value] of form) params[key] = value;
  }
  return { params };
}

export function ok(result: unknown, description?: string): Response {
  return Response.json(description === undefined ? { ok: true, result } : { ok: true, result, description });
}

export function fail(errorCode: number, description: string, parameters?: TelegramFailure["parameters"]): Response {
  const body = parameters
    ? { ok: false, error_code: errorCode, description, parameters }
    : { ok: false, error_code: errorCode, description };
  return Response.json(body, { status: errorCode });
}

/** An injected failure with Telegram's usual description for its code; {{token}} in a description quotes the request's token. */
export function failureResponse(failure: TelegramFailure, token: string): Response {
  const description = failure.description === undefined ? defaultDescription(failure) : fillEchoes(failure.description, { token });
  return fail(failure.error_code, description, failure.parameters);
}

/** A string parameter (numbers and booleans from JSON count, as Telegram converts them). */
export function stringParam(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

export function integerParam(value: unknown): number | undefined {
  const text = stringParam(value)?.trim();
  return text !== undefined && /^-?\d{1,16}$/.test(text) ? Number(text) : undefined;
}

export function booleanParam(value: unknown): boolean {
  return value === true || (typeof value === "string" && ["true", "1"].includes(value.toLowerCase()));
}

/** An array or object parameter, JSON-serialized when it came as a string; undefined if unreadable. */
export function structuredParam(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** setMyCommands' list, or the Bad Request description Telegram gives for it ("BotCommand", "setMyCommands"). */
export function validateCommands(value: unknown): BotCommand[] | { error: string } {
  // Without the parameter Telegram sets an empty list (tdlib/telegram-bot-api#98).
  const list = value === undefined ? [] : structuredParam(value);
  if (!Array.isArray(list)) return { error: "can't parse commands JSON object" };
  if (list.length > 100) return { error: "BOT_COMMANDS_TOO_MUCH" };
  const commands: BotCommand[] = [];
  for (const item of list) {
    if (!isRecord(item)) return { error: "can't parse BotCommand: expected an Object" };
    const { command, description } = item;
    if (typeof command !== "string") return { error: `can't parse BotCommand: Can't find field "command"` };
    if (typeof description !== "string") return { error: `can't parse BotCommand: Can't find field "description"` };
    if (command === "") return { error: "command must be non-empty" };
    if (command.length > 32) return { error: "command length must not exceed 32" };
    // Only lowercase English letters, digits and underscores; "/start" and "Start" are refused.
    if (!/^[a-z0-9_]+$/.test(command)) return { error: "BOT_COMMAND_INVALID" };
    if (description.trim() === "") return { error: "command description must be non-empty" };
    if (description.length > 256) return { error: "command description length must not exceed 256" };
    commands.push({ command, description });
  }
  return commands;
}

/** bot_command entities as Telegram marks them in incoming text: "/cmd" or "/cmd@bot" between word boundaries. */
export function botCommandEntities(text: string): MessageEntity[] {
  const pattern = /(?<![\p{L}\p{N}_/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>@])/gu;
  return [...text.matchAll(pattern)].map((match) => ({ type: "bot_command", offset: match.index, length: match[0].length }));
}

/** getMe's answer; the bot id is the token's number part, as in real tokens. */
export function botUser(token: string, username: string): UserFromGetMe {
  return {
    id: Number(token.split(":")[0]) || 1,
    is_bot: true,
    first_name: "pfbot test",
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** Commands are kept per scope and language ("setMyCommands": scope defaults to BotCommandScopeDefault). */
export function scopeKey(params: Params): string {
  const scope = structuredParam(params.scope) ?? { type: "default" };
  return `${JSON.stringify(scope)}|${stringParam(params.language_code) ?? ""}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function defaultDescription(failure: TelegramFailure): string {
  switch (failure.error_code) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden: bot was blocked by the user";
    case 409:
      return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
    case 429:
      return `Too Many Requests: retry after ${failure.parameters?.retry_after ?? 1}`;
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    default:
      return "Error";
  }
}
