import { afterEach, describe, expect, test } from "bun:test";
import { Bot, GrammyError, InputFile } from "grammy";
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

describe("fake Telegram: photos, buttons and edits like the Bot API", () => {
  /** A w × h PNG (only its header is read). */
  const png = (w: number, h: number) => {
    const bytes = new Uint8Array(33);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(bytes.buffer).setUint32(16, w);
    new DataView(bytes.buffer).setUint32(20, h);
    return bytes;
  };
  const keyboard = (data: string) => ({ inline_keyboard: [[{ text: "30", callback_data: data }]] });
  const refused = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof GrammyError)) throw new Error(`expected a Bot API error, got ${String(error)}`);
    return error.description;
  };

  test("sendPhoto takes a multipart upload as grammY sends it, with caption and buttons; then its file_id", async () => {
    const fake = await start();
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const message = await api.sendPhoto(OWNER, new InputFile(png(1280, 720), "chart.png"), {
      caption: "<b>Chart</b> &amp; more",
      parse_mode: "HTML",
      reply_markup: keyboard("chart:90:usd"),
    });
    expect(fake.requestsTo("sendPhoto")[0]!.contentType).toStartWith("multipart/form-data");
    expect(message.photo.at(-1)).toMatchObject({ width: 1280, height: 720 });
    expect(message.photo.map((size) => size.width)).toEqual([90, 320, 800, 1280]);
    expect(message).toMatchObject({ caption: "Chart & more", caption_entities: [{ type: "bold", offset: 0, length: 5 }] });
    expect(fake.photos[0]).toMatchObject({ method: "sendPhoto", messageId: message.message_id, width: 1280, plainCaption: "Chart & more" });
    const again = await api.sendPhoto(OWNER, message.photo.at(-1)!.file_id);
    expect(again.photo.at(-1)?.file_id).toBe(message.photo.at(-1)!.file_id);
  });

  test("refuses what Telegram refuses: no image, a bad size, a long caption, bad button data, an unknown file", async () => {
    const fake = await start();
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const file = (bytes: Uint8Array) => new InputFile(bytes, "x.png");
    expect(await refused(api.sendPhoto(OWNER, file(new TextEncoder().encode("GIF89a not a png at all, sorry"))))).toBe(
      "Bad Request: IMAGE_PROCESS_FAILED",
    );
    expect(await refused(api.sendPhoto(OWNER, file(png(4000, 100))))).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS");
    expect(await refused(api.sendPhoto(OWNER, file(png(9000, 1500))))).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS");
    expect(await refused(api.sendPhoto(OWNER, file(png(10, 10)), { caption: "x".repeat(1025) }))).toBe(
      "Bad Request: message caption is too long",
    );
    expect(await refused(api.sendPhoto(OWNER, file(png(10, 10)), { caption: "<b>x", parse_mode: "HTML" }))).toStartWith(
      "Bad Request: can't parse entities:",
    );
    expect(await refused(api.sendPhoto(OWNER, file(png(10, 10)), { reply_markup: keyboard("x".repeat(65)) }))).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    expect(await refused(api.sendPhoto(OWNER, "AgACAgIAAxkBAAInvented"))).toBe("Bad Request: wrong file identifier/HTTP URL specified");
    expect(await refused(api.sendPhoto(OWNER, "https://example.com/chart.png"))).toBe("Bad Request: failed to get HTTP URL content");
    expect(await refused(api.sendPhoto(9999, file(png(10, 10))))).toBe("Bad Request: chat not found");
    expect(fake.photos).toHaveLength(0);
    // 1024 characters after entity parsing are fine.
    await api.sendPhoto(OWNER, file(png(10, 10)), { caption: `<b>${"x".repeat(1024)}</b>`, parse_mode: "HTML" });
  });

  test("sendDocument takes a multipart upload as grammY sends it: its name, bytes, type and size, a caption and buttons; then its file_id", async () => {
    const fake = await start();
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const bytes = new TextEncoder().encode("\uFEFFDate;Total USD\r\n2026-11-26;391014\r\n");
    const message = await api.sendDocument(OWNER, new InputFile(bytes, "pfbot-history-2026-11-26.csv"), {
      caption: "📊 <b>pfbot history</b> &amp; more",
      parse_mode: "HTML",
      reply_markup: keyboard("exp:csv"),
    });
    expect(fake.requestsTo("sendDocument")[0]!.contentType).toStartWith("multipart/form-data");
    expect(message.document).toMatchObject({ file_name: "pfbot-history-2026-11-26.csv", mime_type: "text/csv", file_size: bytes.length });
    expect(message).toMatchObject({ caption: "📊 pfbot history & more", reply_markup: keyboard("exp:csv") });
    expect(fake.documents[0]).toMatchObject({
      messageId: message.message_id,
      filename: "pfbot-history-2026-11-26.csv",
      plainCaption: message.caption,
    });
    expect(fake.documents[0]!.bytes).toEqual(bytes);
    // A document has no text to edit.
    expect(await refused(api.editMessageText(OWNER, message.message_id, "x"))).toBe("Bad Request: there is no text in the message to edit");
    const again = await api.sendDocument(OWNER, message.document.file_id);
    expect(again.document).toEqual(message.document);
    expect(fake.documents[1]!.bytes).toBeNull();
  });

  test("sendDocument refuses what Telegram refuses: no file, an empty one, one over the limit (nginx's 413), a long caption, an unknown file", async () => {
    const fake = await startTelegramFake({ token: TOKEN, chatId: OWNER, maxUploadBytes: 1000 });
    fakes.push(fake);
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const file = (size: number) => new InputFile(new Uint8Array(size).fill(65), "history.json");
    expect(await refused(api.sendDocument(OWNER, file(0)))).toBe("Bad Request: file must be non-empty");
    expect(await refused(api.sendDocument(OWNER, file(10), { caption: "x".repeat(1025) }))).toBe(
      "Bad Request: message caption is too long",
    );
    expect(await refused(api.sendDocument(OWNER, "BQACAgIAAxkBAAInvented"))).toBe("Bad Request: wrong file identifier/HTTP URL specified");
    expect((await call(fake, "sendDocument", { chat_id: OWNER })).body.description).toBe(
      "Bad Request: there is no document in the request",
    );
    expect(await refused(api.sendDocument(9999, file(10)))).toBe("Bad Request: chat not found");
    // Over the limit the front server answers, in HTML: no Bot API error at all.
    const form = new FormData();
    form.set("chat_id", String(OWNER));
    form.set("document", new File([new Uint8Array(1001)], "big.csv"));
    const big = await fetch(`${fake.url}/bot${TOKEN}/sendDocument`, { method: "POST", body: form });
    expect([big.status, big.headers.get("content-type")]).toEqual([413, "text/html"]);
    expect(await big.text()).toContain("<title>413 Request Entity Too Large</title>");
    expect(fake.documents).toHaveLength(0);
    const fits = await api.sendDocument(OWNER, file(1000), { caption: `<b>${"x".repeat(1024)}</b>`, parse_mode: "HTML" });
    expect(fits.document).toMatchObject({ file_name: "history.json", mime_type: "application/json", file_size: 1000 });
  });

  test("editMessageMedia replaces the bot's own message (a photo, or a text) in place; not a user's, not a deleted one", async () => {
    const fake = await start();
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const photo = await api.sendPhoto(OWNER, new InputFile(png(1280, 720)), { caption: "30 days", reply_markup: keyboard("a") });
    const edited = await api.editMessageMedia(
      OWNER,
      photo.message_id,
      { type: "photo", media: new InputFile(png(640, 360)), caption: "<i>90 days</i>", parse_mode: "HTML" },
      { reply_markup: keyboard("b") },
    );
    expect(edited).toMatchObject({ message_id: photo.message_id, caption: "90 days", reply_markup: keyboard("b") });
    expect(fake.message(OWNER, photo.message_id)).toMatchObject({ caption: "90 days", caption_entities: [{ type: "italic" }] });
    expect(fake.photos.map((p) => [p.method, p.width])).toEqual([
      ["sendPhoto", 1280],
      ["editMessageMedia", 640],
    ]);
    const current = (edited as { photo: { file_id: string }[] }).photo.at(-1)!.file_id;
    expect(
      await refused(
        api.editMessageMedia(
          OWNER,
          photo.message_id,
          { type: "photo", media: current, caption: "90 days" },
          { reply_markup: keyboard("b") },
        ),
      ),
    ).toStartWith("Bad Request: message is not modified:");
    const text = await api.sendMessage(OWNER, "Portfolio");
    const fromText = await api.editMessageMedia(OWNER, text.message_id, { type: "photo", media: new InputFile(png(10, 10)) });
    expect(fromText).toMatchObject({ message_id: text.message_id, photo: [{ width: 10 }] });
    expect("text" in (fake.message(OWNER, text.message_id) ?? {})).toBe(false);
    const users = fake.pushMessage({ chatId: OWNER, text: "hi" }).message!.message_id;
    expect(await refused(api.editMessageMedia(OWNER, users, { type: "photo", media: new InputFile(png(10, 10)) }))).toBe(
      "Bad Request: message can't be edited",
    );
    expect(await refused(api.editMessageMedia(OWNER, photo.message_id, { type: "photo", media: "attach://nothing" }))).toBe(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );
    expect(await api.deleteMessage(OWNER, photo.message_id)).toBe(true);
    expect(fake.message(OWNER, photo.message_id)).toBeNull();
    expect(await refused(api.deleteMessage(OWNER, photo.message_id))).toBe("Bad Request: message to delete not found");
    expect(await refused(api.editMessageMedia(OWNER, photo.message_id, { type: "photo", media: new InputFile(png(10, 10)) }))).toBe(
      "Bad Request: message to edit not found",
    );
  });

  test("editMessageText and editMessageReplyMarkup change the bot's own text message in place, as Telegram checks them", async () => {
    const fake = await start();
    const api = new Bot(TOKEN, { client: { apiRoot: fake.url } }).api;
    const sent = await api.sendMessage(OWNER, "<b>Report</b>", { parse_mode: "HTML", reply_markup: keyboard("st:refresh") });
    expect(fake.sent[0]!.replyMarkup).toEqual(keyboard("st:refresh"));
    expect(await api.editMessageReplyMarkup(OWNER, sent.message_id, { reply_markup: keyboard("busy") })).toMatchObject({
      text: "Report",
      reply_markup: keyboard("busy"),
    });
    const edited = await api.editMessageText(OWNER, sent.message_id, "<i>History</i>", {
      parse_mode: "HTML",
      reply_markup: keyboard("st"),
    });
    expect(edited).toMatchObject({
      message_id: sent.message_id,
      text: "History",
      entities: [{ type: "italic" }],
      reply_markup: keyboard("st"),
    });
    expect(fake.message(OWNER, sent.message_id)).toMatchObject({ text: "History", reply_markup: keyboard("st") });
    expect(fake.edits.map((e) => [e.method, e.messageId, e.plainText])).toEqual([
      ["editMessageReplyMarkup", sent.message_id, "Report"],
      ["editMessageText", sent.message_id, "History"],
    ]);
    const again = api.editMessageText(OWNER, sent.message_id, "<i>History</i>", { parse_mode: "HTML", reply_markup: keyboard("st") });
    expect(await refused(again)).toStartWith("Bad Request: message is not modified:");
    expect(await refused(api.editMessageReplyMarkup(OWNER, sent.message_id, { reply_markup: keyboard("st") }))).toStartWith(
      "Bad Request: message is not modified:",
    );
    expect(await refused(api.editMessageText(OWNER, sent.message_id, "<b>x", { parse_mode: "HTML" }))).toStartWith(
      "Bad Request: can't parse entities:",
    );
    expect(await refused(api.editMessageText(OWNER, sent.message_id, "x".repeat(4097)))).toBe("Bad Request: MESSAGE_TOO_LONG");
    const photo = await api.sendPhoto(OWNER, new InputFile(png(10, 10)));
    expect(await refused(api.editMessageText(OWNER, photo.message_id, "text"))).toBe(
      "Bad Request: there is no text in the message to edit",
    );
    const users = fake.pushMessage({ chatId: OWNER, text: "hi" }).message!.message_id;
    expect(await refused(api.editMessageText(OWNER, users, "text"))).toBe("Bad Request: message can't be edited");
    expect(await refused(api.editMessageText(OWNER, 999, "text"))).toBe("Bad Request: message to edit not found");
    expect(fake.edits).toHaveLength(2);
  });

  test("a press on a message too old to be shown carries only its chat, id and date 0", async () => {
    const fake = await start();
    const query = fake.pushCallback({ chatId: OWNER, messageId: 77, data: "st", inaccessible: true }).callback_query!;
    expect(query.message).toEqual({ chat: { id: OWNER, type: "private", first_name: "Owner" }, message_id: 77, date: 0 });
    expect(await new Bot(TOKEN, { client: { apiRoot: fake.url } }).api.answerCallbackQuery(query.id)).toBe(true);
  });

  test("a pushed button press carries the message as it stands, and is answered once only", async () => {
    const fake = await start();
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.url } });
    const photo = await bot.api.sendPhoto(OWNER, new InputFile(png(10, 10)), { reply_markup: keyboard("chart:90:usd") });
    const update = fake.pushCallback({ chatId: OWNER, messageId: photo.message_id, data: "chart:90:usd" });
    const query = update.callback_query!;
    expect(query).toMatchObject({ data: "chart:90:usd", from: { id: OWNER }, message: { message_id: photo.message_id } });
    expect(await refused(bot.api.answerCallbackQuery(query.id, { text: "x".repeat(201) }))).toBe("Bad Request: MESSAGE_TOO_LONG");
    expect(await bot.api.answerCallbackQuery(query.id, { text: "Done", show_alert: true })).toBe(true);
    expect(fake.callbackAnswers).toEqual([{ callbackQueryId: query.id, text: "Done", showAlert: true }]);
    expect(await refused(bot.api.answerCallbackQuery(query.id))).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect(() => fake.pushCallback({ chatId: OWNER, messageId: 999, data: "x" })).toThrow("no message 999");
  });
});

describe("fake Telegram: pinned messages like the Bot API", () => {
  const GROUP = -1001234;

  test("a private chat's bot pins its message without rights, and Telegram posts that it did; a re-pin moves it first", async () => {
    const fake = await start();
    const first = ((await sendHtml(fake, "one")).body.result as { message_id: number }).message_id;
    const second = ((await sendHtml(fake, "two")).body.result as { message_id: number }).message_id;
    expect((await call(fake, "pinChatMessage", { chat_id: OWNER, message_id: first, disable_notification: true })).body).toEqual({
      ok: true,
      result: true,
    });
    await call(fake, "pinChatMessage", { chat_id: OWNER, message_id: second });
    expect(fake.pinned(OWNER)).toEqual([second, first]);
    expect(fake.pins.map((pin) => [pin.messageId, pin.disableNotification])).toEqual([
      [first, true],
      [second, false],
    ]);
    // The service message after the second: "pfbot pinned «one»", a message of the bot's with no text.
    const service = fake.message(OWNER, second + 1);
    expect(service && "pinned_message" in service ? service.pinned_message?.message_id : null).toBe(first);
    await call(fake, "pinChatMessage", { chat_id: OWNER, message_id: first });
    expect(fake.pinned(OWNER)).toEqual([first, second]);
  });

  test("refuses what Telegram refuses: a message that is not there, no message id, a group without the right to pin", async () => {
    const fake = await start();
    expect((await call(fake, "pinChatMessage", { chat_id: OWNER, message_id: 999 })).body).toMatchObject({
      error_code: 400,
      description: "Bad Request: message to pin not found",
    });
    expect((await call(fake, "pinChatMessage", { chat_id: OWNER })).body.description).toBe(
      "Bad Request: message identifier is not specified",
    );
    const grouped = await startTelegramFake({ token: TOKEN, chatId: GROUP });
    fakes.push(grouped);
    const id = ((await call(grouped, "sendMessage", { chat_id: GROUP, text: "hi" })).body.result as { message_id: number }).message_id;
    expect((await call(grouped, "pinChatMessage", { chat_id: GROUP, message_id: id })).body.description).toBe(
      "Bad Request: not enough rights to manage pinned messages in the chat",
    );
    const admin = await startTelegramFake({ token: TOKEN, chatId: GROUP, pinRights: [GROUP] });
    fakes.push(admin);
    const pinnable = ((await call(admin, "sendMessage", { chat_id: GROUP, text: "hi" })).body.result as { message_id: number }).message_id;
    expect((await call(admin, "pinChatMessage", { chat_id: GROUP, message_id: pinnable })).body.ok).toBe(true);
    expect(admin.pinned(GROUP)).toEqual([pinnable]);
  });

  test("unpins a pinned message (the latest one without an id), not one that is not pinned; a deleted message is unpinned", async () => {
    const fake = await start();
    const ids: number[] = [];
    for (const text of ["a", "b", "c"]) ids.push(((await sendHtml(fake, text)).body.result as { message_id: number }).message_id);
    const [a, b, c] = ids as [number, number, number];
    for (const id of [a, b, c]) await call(fake, "pinChatMessage", { chat_id: OWNER, message_id: id });
    expect((await call(fake, "unpinChatMessage", { chat_id: OWNER })).body.ok).toBe(true);
    expect(fake.pinned(OWNER)).toEqual([b, a]);
    expect((await call(fake, "unpinChatMessage", { chat_id: OWNER, message_id: c })).body.description).toBe(
      "Bad Request: message to unpin not found",
    );
    await call(fake, "deleteMessage", { chat_id: OWNER, message_id: b });
    fake.deleteByUser(OWNER, a);
    expect(fake.pinned(OWNER)).toEqual([]);
    expect(fake.message(OWNER, a)).toBeNull();
    expect((await call(fake, "editMessageText", { chat_id: OWNER, message_id: a, text: "x" })).body.description).toBe(
      "Bad Request: message to edit not found",
    );
  });
});
