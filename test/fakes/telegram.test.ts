import { afterEach, describe, expect, test } from "bun:test";
import { Bot, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { startTelegramFake, type TelegramFake } from "./telegram.ts";

const TOKEN = "123456:TEST-token_abc";
const OWNER = 4242;

const fakes: TelegramFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});

async function start(): Promise<TelegramFake> {
  const fake = await startTelegramFake({ token: TOKEN, chatId: OWNER });
  fakes.push(fake);
  return fake;
}

interface Answer {
  status: number;
  body: { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

/** A raw Bot API call, JSON by default, so the tests see exactly what grammY would. */
async function call(fake: TelegramFake, method: string, params: Record<string, unknown> = {}, token = TOKEN): Promise<Answer> {
  const response = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const sendHtml = (fake: TelegramFake, text: string) => call(fake, "sendMessage", { chat_id: OWNER, text, parse_mode: "HTML" });

describe("fake Telegram: HTML and length like Telegram", () => {
  test("accepts every tag Telegram supports and reports the parsed text and entities", async () => {
    const fake = await start();
    const html = [
      "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
      '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><a href="https://example.com/?a=1&amp;b=2">link</a>',
      '<code>c</code><pre><code class="language-ts">x</code></pre><blockquote>q</blockquote><blockquote expandable>x</blockquote>',
      '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;5 &gt; 3 &amp; &quot;ok&quot; &#8364;',
    ].join("\n");
    const answer = await sendHtml(fake, html);
    expect(answer.status).toBe(200);
    const sent = fake.sent[0]!;
    expect(sent.plainText.split("\n").at(-1)).toBe('👍 <5 > 3 & "ok" €');
    const types = sent.entities.map((entity) => entity.type);
    for (const type of [
      "bold",
      "italic",
      "underline",
      "strikethrough",
      "spoiler",
      "text_link",
      "code",
      "pre",
      "blockquote",
      "expandable_blockquote",
      "custom_emoji",
    ]) {
      expect(types).toContain(type as (typeof types)[number]);
    }
    expect(sent.entities).toContainEqual({ type: "pre", offset: sent.plainText.indexOf("x"), length: 1, language: "ts" });
    expect(sent.entities).toContainEqual({
      type: "text_link",
      offset: sent.plainText.indexOf("link"),
      length: 4,
      url: "https://example.com/?a=1&b=2",
    });
  });

  test.each([
    ["an unknown tag", "<p>hi</p>", 'Unsupported start tag "p" at byte offset 0'],
    ["an unclosed tag", "<b>bold", `Can't find end tag corresponding to start tag "b"`],
    ["mismatched tags", "<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ["an end tag with nothing open", "x</b>", "Unexpected end tag at byte offset 1"],
    ["a bare <", "1 < 2", 'Unsupported start tag "" at byte offset 2'],
    ["a < at the very end", "a <", "Unclosed start tag at byte offset 2"],
    ["a bare &", "R&D", 'Unescaped "&" at byte offset 1; write it as &amp;'],
    ["a named entity Telegram does not know", "a&nbsp;b", 'Unescaped "&" at byte offset 1; write it as &amp;'],
    ["a span that is not a spoiler", '<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ["a byte offset counted in UTF-8", "é<x>", 'Unsupported start tag "x" at byte offset 2'],
  ])("rejects %s with Telegram's 400", async (_name, html, reason) => {
    const fake = await start();
    const answer = await sendHtml(fake, html);
    expect(answer).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: `Bad Request: can't parse entities: ${reason}` },
    });
    expect(fake.sent).toEqual([]);
  });

  test("limits the text to 4096 characters after entity parsing", async () => {
    const fake = await start();
    expect((await call(fake, "sendMessage", { chat_id: OWNER, text: "x".repeat(4096) })).status).toBe(200);
    expect((await sendHtml(fake, `<b>${"&amp;".repeat(4096)}</b>`)).status).toBe(200);
    const tooLong = await sendHtml(fake, `<b>${"x".repeat(4097)}</b>`);
    expect(tooLong).toEqual({ status: 400, body: { ok: false, error_code: 400, description: "Bad Request: message is too long" } });
    expect((await sendHtml(fake, "<b> </b>")).body.description).toBe("Bad Request: message text is empty");
    expect(fake.sent).toHaveLength(2);
  });

  test("checks chat ids and chat actions", async () => {
    const fake = await start();
    expect((await call(fake, "sendMessage", { text: "hi" })).body.description).toBe("Bad Request: chat_id is empty");
    expect((await call(fake, "sendMessage", { chat_id: 999, text: "hi" })).body.description).toBe("Bad Request: chat not found");
    expect((await call(fake, "sendChatAction", { chat_id: OWNER, action: "typing" })).body.result).toBe(true);
    expect((await call(fake, "sendChatAction", { chat_id: OWNER, action: "dancing" })).body.description).toBe(
      "Bad Request: wrong parameter action in request",
    );
    expect(fake.chatActions).toEqual([{ chatId: OWNER, action: "typing" }]);
  });
});

describe("fake Telegram: requests and errors like the Bot API", () => {
  test("a wrong token gets 401 Unauthorized, an unknown method 404", async () => {
    const fake = await start();
    expect(await call(fake, "getMe", {}, "123456:wrong")).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: "Unauthorized" },
    });
    expect((await call(fake, "getMe")).body.result).toMatchObject({ id: 123456, is_bot: true, username: "pfbot_test_bot" });
    expect((await call(fake, "sendTelepathy")).status).toBe(404);
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe", "sendTelepathy"]);
  });

  test("form-encoded, multipart and query-string parameters are read like JSON", async () => {
    const fake = await start();
    const form = await fetch(`${fake.url}/bot${TOKEN}/sendMessage`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: String(OWNER), text: "<i>form</i>", parse_mode: "HTML", disable_notification: "true" }),
    });
    expect(form.status).toBe(200);
    const multipart = new FormData();
    multipart.set("chat_id", String(OWNER));
    multipart.set("text", "multipart");
    expect((await fetch(`${fake.url}/bot${TOKEN}/sendMessage`, { method: "POST", body: multipart })).status).toBe(200);
    expect((await fetch(`${fake.url}/bot${TOKEN}/sendMessage?chat_id=${OWNER}&text=query`)).status).toBe(200);
    expect(fake.sent.map((m) => [m.plainText, m.disableNotification])).toEqual([
      ["form", true],
      ["multipart", false],
      ["query", false],
    ]);
    expect(fake.sent[0]!.entities).toEqual([{ type: "italic", offset: 0, length: 4 }]);
    expect(fake.calls[0]!.contentType).toContain("application/x-www-form-urlencoded");
  });

  test("a fault answers the next calls with the given error, then the fake behaves again", async () => {
    const fake = await start();
    fake.faults.add({ path: "sendMessage", code: 429, parameters: { retry_after: 3 }, times: 2 });
    const first = await call(fake, "sendMessage", { chat_id: OWNER, text: "a" });
    expect(first).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } },
    });
    expect((await call(fake, "sendMessage", { chat_id: OWNER, text: "a" })).status).toBe(429);
    expect((await call(fake, "sendMessage", { chat_id: OWNER, text: "a" })).status).toBe(200);
  });

  test("setMyCommands validates names and descriptions like Telegram", async () => {
    const fake = await start();
    const bad = async (commands: unknown) => (await call(fake, "setMyCommands", { commands })).body.description;
    expect(await bad([{ command: "Status", description: "x" }])).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect(await bad([{ command: "/status", description: "x" }])).toBe("Bad Request: BOT_COMMAND_INVALID");
    expect(await bad([{ command: "a".repeat(33), description: "x" }])).toBe("Bad Request: command length must not exceed 32");
    expect(await bad([{ command: "status", description: "" }])).toBe("Bad Request: command description must be non-empty");
    expect(await bad([{ command: "status" }])).toBe(`Bad Request: can't parse BotCommand: Can't find field "description"`);
    expect(fake.commands()).toEqual([]);
    const commands = [
      { command: "status", description: "Snapshot now" },
      { command: "frequency", description: "Show or set minutes" },
    ];
    expect((await call(fake, "setMyCommands", { commands })).body.result).toBe(true);
    expect(fake.commands()).toEqual(commands);
  });

  test("setWebhook records the URL and secret; getUpdates conflicts until deleteWebhook", async () => {
    const fake = await start();
    expect((await call(fake, "setWebhook", { url: "http://bot.example/tg" })).body.description).toBe(
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    expect((await call(fake, "setWebhook", { url: "https://bot.example/tg", secret_token: "no spaces" })).body.description).toBe(
      "Bad Request: secret token contains unallowed characters",
    );
    expect((await call(fake, "setWebhook", { url: "https://bot.example/tg", secret_token: "s3cr3t_-X" })).body).toEqual({
      ok: true,
      result: true,
      description: "Webhook was set",
    });
    expect(fake.webhook()).toEqual({ url: "https://bot.example/tg", secretToken: "s3cr3t_-X", maxConnections: 40 });
    expect((await call(fake, "getWebhookInfo")).body.result).toMatchObject({ url: "https://bot.example/tg", pending_update_count: 0 });
    expect((await call(fake, "getUpdates")).status).toBe(409);
    expect((await call(fake, "deleteWebhook")).body).toEqual({ ok: true, result: true, description: "Webhook was deleted" });
    expect((await call(fake, "getUpdates")).body).toEqual({ ok: true, result: [] });
  });
});

describe("fake Telegram: getUpdates long poll", () => {
  test("a held poll returns as soon as an update is pushed, and an offset confirms it", async () => {
    const fake = await start();
    const poll = call(fake, "getUpdates", { timeout: 30, allowed_updates: [] });
    await fake.waitForRequests("getUpdates");
    const pushed = fake.pushMessage({ chatId: OWNER, text: "/status now" });
    const answer = await poll; // with a 30 s timeout, only the push can end this in time
    expect(answer.body.result).toEqual([pushed]);
    const message = (answer.body.result as Update[])[0]!.message!;
    expect(message.entities).toEqual([{ type: "bot_command", offset: 0, length: 7 }]);
    expect(message.chat).toMatchObject({ id: OWNER, type: "private" });
    expect((await call(fake, "getUpdates", { offset: pushed.update_id })).body.result).toEqual([pushed]);
    expect((await call(fake, "getUpdates", { offset: pushed.update_id + 1 })).body.result).toEqual([]);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  test("a newer poll ends the older one with Telegram's 409", async () => {
    const fake = await start();
    const older = call(fake, "getUpdates", { timeout: 30 });
    await fake.waitForRequests("getUpdates");
    const newer = await call(fake, "getUpdates", { timeout: 0 });
    expect(newer.body.result).toEqual([]);
    expect((await older).body.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
  });
});

describe("fake Telegram driven by a real grammY Bot", () => {
  test("bot.api.sendMessage with HTML, and bot.start() answering a pushed /ping until bot.stop()", async () => {
    const fake = await start();
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.url } });
    await bot.api.sendMessage(OWNER, "<b>Hello</b> &amp; welcome", { parse_mode: "HTML" });
    expect(fake.sent[0]).toMatchObject({ plainText: "Hello & welcome", entities: [{ type: "bold", offset: 0, length: 5 }] });
    const rejected = await bot.api.sendMessage(OWNER, "<b>Hello", { parse_mode: "HTML" }).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(GrammyError);
    expect((rejected as GrammyError).description).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );

    bot.command("ping", (ctx) => ctx.reply(`pong ${ctx.match}`));
    const replied = fake.waitForSent(2);
    const polling = bot.start({ onStart: () => void fake.pushMessage({ chatId: OWNER, text: "/ping 123" }) });
    const [, reply] = await replied;
    expect(reply).toMatchObject({ chatId: OWNER, plainText: "pong 123" });
    await bot.stop();
    await polling;
    expect(fake.requestsTo("deleteWebhook")).toHaveLength(1);
    expect(fake.requestsTo("getMe")).toHaveLength(1);
    expect(fake.pendingUpdates()).toEqual([]); // bot.stop() confirmed the update with its last offset
  });
});
