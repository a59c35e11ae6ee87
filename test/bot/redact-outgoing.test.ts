import { afterEach, expect, test } from "bun:test";
import { createTelegramApi } from "../../src/bot/telegram.ts";
import { makeRedactor } from "../../src/lib/redact.ts";
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
  // The fake has no sendPhoto; the call is recorded all the same.
  await api.sendPhoto(OWNER, "https://example.com/chart.png", { caption: `key ${KEY}` }).catch(() => undefined);
  await api.setWebhook("https://bot.example.com/hook", { secret_token: "WEBHOOKsecret_123" });
  expect(fake.sent[0]!.text).toBe("<b>OKX</b>: Invalid passphrase for key *** and ***…");
  expect(fake.requestsTo("sendPhoto")[0]!.params.caption).toBe("key ***");
  expect(fake.requestsTo("setWebhook")[0]!.params.secret_token).toBe("WEBHOOKsecret_123");
});
