import { afterEach, expect, test } from "bun:test";
import { InputFile } from "grammy";
import { createTelegramApi } from "../../src/bot/telegram.ts";
import { makeRedactor } from "../../src/lib/redact.ts";
import { renderPng } from "../../src/render/chart/rasterize.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { fakeClock } from "../support/clock.ts";

const TOKEN = "123456:TEST-token_abc";
const OWNER = 4242;
const KEY = 'OKX"key<&>0123456789';
const HTML_KEY = "OKX&quot;key&lt;&amp;&gt;0123456789";

let fake: TelegramFake | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

test("the Telegram Api redacts the text and caption of every call, and only those", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: OWNER });
  const api = createTelegramApi(
    { token: TOKEN, chatId: OWNER, apiRoot: fake.url },
    { totalMs: 10_000, clock: fakeClock() },
    makeRedactor([KEY, "WEBHOOKsecret_123"]),
  );
  await api.sendMessage(OWNER, `<b>OKX</b>: Invalid passphrase for key ${HTML_KEY} and OKX&quot;key&lt;&amp;…`, { parse_mode: "HTML" });
  // The fake cannot fetch a URL (no network): the call is refused, and recorded all the same.
  await api.sendPhoto(OWNER, "https://example.com/chart.png", { caption: `key ${KEY}` }).catch(() => undefined);
  await api.setWebhook("https://bot.example.com/hook", { secret_token: "WEBHOOKsecret_123" });
  expect(fake.sent[0]!.text).toBe("<b>OKX</b>: Invalid passphrase for key *** and ***…");
  expect(fake.requestsTo("sendPhoto")[0]!.params.caption).toBe("key ***");
  expect(fake.requestsTo("setWebhook")[0]!.params.secret_token).toBe("WEBHOOKsecret_123");
});

test("editMessageMedia's caption is redacted inside its medium, and the file is still uploaded", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: OWNER });
  const api = createTelegramApi(
    { token: TOKEN, chatId: OWNER, apiRoot: fake.url },
    { totalMs: 10_000, clock: fakeClock() },
    makeRedactor([KEY]),
  );
  const { message_id } = await api.sendMessage(OWNER, "chart soon");
  const png = await renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>');
  await api.editMessageMedia(OWNER, message_id, { type: "photo", media: new InputFile(png, "chart.png"), caption: `key ${KEY}` });
  expect(fake.photos[0]).toMatchObject({ method: "editMessageMedia", width: 20, height: 10, caption: "key ***" });
});
