// Every Bot API call has a bounded total time, retries included, and the bot's stop cancels it:
// against a port that refuses connections and the fake Bot API made to hang or fail.
import { afterEach, expect, test } from "bun:test";
import { refusingUrl, startFake } from "../fakes/server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { createShutdown } from "../../src/lib/shutdown.ts";
import { createTelegramApi, sendHtml, TelegramUnreachableError } from "../../src/bot/telegram.ts";

const TOKEN = "555000111:AAboundedTOKENabcdefghijklmnopqrs";
const CHAT = 1234;
let fake: TelegramFake | null = null;

afterEach(async () => {
  await fake?.stop();
  fake = null;
});

/** Runs `call`, which must fail; returns its error and how long it took. */
async function failure(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call().then(
    () => null,
    (reason: unknown) => reason,
  );
  if (error === null) throw new Error("expected the call to fail");
  return { error, ms: performance.now() - started };
}

test("Telegram refusing connections: the send is retried, then gives up at the bound with a line naming the call", async () => {
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: await refusingUrl() }, { totalMs: 2_500 }, (text) => text);
  const { error, ms } = await failure(() => sendHtml(api, CHAT, "<b>hi</b>"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  const message = (error as Error).message;
  expect(message).toMatch(/^Telegram did not answer sendMessage: gave up after 1(\.\d)? s and 2 attempts \(last error: Network request for 'sendMessage' failed!\); check this machine's network, and TELEGRAM_API_ROOT if you set it$/);
  expect(message).not.toContain(TOKEN);
  // One retry after 1 s fits; the next would start 2 s later, past the bound, so it gives up then.
  expect(ms).toBeGreaterThan(900);
  expect(ms).toBeLessThan(3_500);
}, 10_000);

test("a Bot API that never answers is cut at the bound", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.stall("sendMessage");
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 400 }, (text) => text);
  const { error, ms } = await failure(() => sendHtml(api, CHAT, "hi"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect((error as Error).message).toMatch(/^Telegram did not answer sendMessage: gave up after 0\.[45] s and 1 attempt /);
  expect(ms).toBeGreaterThanOrEqual(390);
  expect(ms).toBeLessThan(1_500);
  expect(fake.callsTo("sendMessage")).toHaveLength(1);
}, 10_000);

test("5xx answers are retried by auto-retry only within the bound", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 10);
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 400 }, (text) => text);
  // auto-retry would wait 3 s before its second attempt: the bound ends that wait.
  const { error, ms } = await failure(() => sendHtml(api, CHAT, "hi"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect(ms).toBeLessThan(1_500);
  expect(fake.callsTo("sendMessage")).toHaveLength(1);
  expect(fake.sent).toHaveLength(0);
}, 10_000);

test("the stop cancels a call in flight at once; once stopping, a refused call is not retried", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.stall("sendMessage");
  const shutdown = createShutdown();
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 60_000, shutdown }, (text) => text);
  const pending = failure(() => sendHtml(api, CHAT, "hi"));
  await fake.waitForCalls("sendMessage", 1);
  shutdown.abort();
  const { error, ms } = await pending;
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect((error as Error).message).toBe("the call to Telegram (sendMessage) was cancelled: pfbot is stopping");
  expect(ms).toBeLessThan(2_000);

  const stopping = createShutdown();
  stopping.begin();
  const refused = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: await refusingUrl() }, { totalMs: 60_000, shutdown: stopping }, (text) => text);
  const once = await failure(() => refused.getUpdates({ offset: 1, limit: 1 }));
  expect((once.error as Error).message).toContain("Network request for 'getUpdates' failed!");
  expect(once.ms).toBeLessThan(900);
}, 10_000);

test("a long poll gets its own timeout on top of the bound", async () => {
  fake = await startTelegramFake({ token: TOKEN });
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 500 }, (text) => text);
  // Telegram holds getUpdates for `timeout` seconds when nothing is pending: that is not a failure.
  expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
}, 10_000);

test("a redirect from the Bot API is never followed: the token in the path never reaches another host", async () => {
  const elsewhere = await startFake({ "/*": () => Response.json({ ok: true, result: true }) });
  const redirecting = await startFake({ "/*": (request) => new Response(null, { status: 307, headers: { location: `${elsewhere.url}${request.path}` } }) });
  try {
    const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: redirecting.url }, { totalMs: 1_500 }, (text) => text);
    const { error } = await failure(() => sendHtml(api, CHAT, "<b>hi</b>"));
    expect(error).toBeInstanceOf(TelegramUnreachableError);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(redirecting.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toHaveLength(0);
  } finally {
    await Promise.all([elsewhere.stop(), redirecting.stop()]);
  }
}, 10_000);
