// Every Bot API call has a bounded total time, retries included, and the bot's stop cancels it:
// against a port that refuses connections and the fake Bot API made to hang or fail. Waits between
// retries go through the injected clock; only the bound that cuts a hanging request is a real timer.
import { afterEach, expect, test } from "bun:test";
import { createTelegramApi, isChatRefusal, sendHtml, TelegramUnreachableError } from "../../src/bot/telegram.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createShutdown } from "../../src/lib/shutdown.ts";
import { refusingUrl, startFake } from "../fakes/server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { fakeClock } from "../support/clock.ts";

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
  const clock = fakeClock();
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: await refusingUrl() }, { totalMs: 2_500, clock }, (text) => text);
  const { error } = await failure(() => sendHtml(api, CHAT, "<b>hi</b>"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  const message = (error as Error).message;
  expect(message).toBe(
    "Telegram did not answer sendMessage: gave up after 1 s and 2 attempts (last error: Network request for 'sendMessage' failed!); check this machine's network, and TELEGRAM_API_ROOT if you set it",
  );
  expect(message).not.toContain(TOKEN);
  // One retry after 1 s fits; the next would start 2 s later, past the bound, so it gives up then.
  expect(clock.sleeps).toEqual([1_000]);
});

test("a Bot API that never answers is cut at the bound", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.faults.add({ path: "sendMessage", hang: true });
  // The bound is a real timer here: a hanging request is cut by it, whatever the clock says.
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 100, clock: systemClock }, (text) => text);
  const { error, ms } = await failure(() => sendHtml(api, CHAT, "hi"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect((error as Error).message).toMatch(/^Telegram did not answer sendMessage: gave up after 0\.1 s and 1 attempt /);
  expect(ms).toBeGreaterThanOrEqual(95);
  expect(fake.requestsTo("sendMessage")).toHaveLength(1);
});

test("5xx answers are retried by auto-retry only within the bound", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.faults.add({ path: "sendMessage", code: 502, message: "Bad Gateway", times: 10 });
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 50, clock: fakeClock() }, (text) => text);
  // auto-retry would wait 3 s (its own timer) before its second attempt: the bound ends that wait.
  const { error, ms } = await failure(() => sendHtml(api, CHAT, "hi"));
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect(ms).toBeLessThan(1_500);
  expect(fake.requestsTo("sendMessage")).toHaveLength(1);
  expect(fake.sent).toHaveLength(0);
});

test("the stop cancels a call in flight at once; once stopping, a refused call is not retried", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  fake.faults.add({ path: "sendMessage", hang: true });
  const shutdown = createShutdown();
  const api = createTelegramApi(
    { token: TOKEN, chatId: CHAT, apiRoot: fake.url },
    { totalMs: 60_000, shutdown, clock: fakeClock() },
    (text) => text,
  );
  const pending = failure(() => sendHtml(api, CHAT, "hi"));
  await fake.waitForRequests("sendMessage", 1);
  shutdown.abort();
  const { error, ms } = await pending;
  expect(error).toBeInstanceOf(TelegramUnreachableError);
  expect((error as Error).message).toBe("the call to Telegram (sendMessage) was cancelled: pfbot is stopping");
  expect(ms).toBeLessThan(2_000);

  const stopping = createShutdown();
  stopping.begin();
  const clock = fakeClock();
  const refused = createTelegramApi(
    { token: TOKEN, chatId: CHAT, apiRoot: await refusingUrl() },
    { totalMs: 60_000, shutdown: stopping, clock },
    (text) => text,
  );
  const once = await failure(() => refused.getUpdates({ offset: 1, limit: 1 }));
  expect((once.error as Error).message).toContain("Network request for 'getUpdates' failed!");
  expect(clock.sleeps).toEqual([]);
});

test("a long poll gets its own timeout on top of the bound", async () => {
  // Telegram holds getUpdates for `timeout` seconds when nothing is pending: that is not a failure. The fake
  // holds it 100 ms per second asked for, past the 30 ms bound: only the poll's own second lets it through.
  fake = await startTelegramFake({ token: TOKEN, pollSecondMs: 100 });
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 30, clock: fakeClock() }, (text) => text);
  expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
  expect(fake.requestsTo("getUpdates")).toHaveLength(1);
});

test("a redirect from the Bot API is never followed: the token in the path never reaches another host", async () => {
  const elsewhere = await startFake({ "/*": () => Response.json({ ok: true, result: true }) });
  const redirecting = await startFake({
    "/*": (request) => new Response(null, { status: 307, headers: { location: `${elsewhere.url}${request.path}` } }),
  });
  try {
    const api = createTelegramApi(
      { token: TOKEN, chatId: CHAT, apiRoot: redirecting.url },
      { totalMs: 1_500, clock: fakeClock() },
      (text) => text,
    );
    const { error } = await failure(() => sendHtml(api, CHAT, "<b>hi</b>"));
    expect(error).toBeInstanceOf(TelegramUnreachableError);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(redirecting.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toHaveLength(0);
  } finally {
    await Promise.all([elsewhere.stop(), redirecting.stop()]);
  }
});

test("a chat Telegram refuses is told apart from other refusals, for the hint --check and --once give", async () => {
  fake = await startTelegramFake({ token: TOKEN, chatId: CHAT });
  const api = createTelegramApi({ token: TOKEN, chatId: CHAT, apiRoot: fake.url }, { totalMs: 5_000, clock: fakeClock() }, (t) => t);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error,
    );
  // No such chat for this bot (nobody sent it /start there, or a wrong id).
  expect(isChatRefusal(await refusal(sendHtml(api, CHAT + 1, "hi")))).toBe(true);
  // The bot was blocked, or never started, in that chat.
  fake.faults.add({
    path: "sendMessage",
    times: 1,
    status: 403,
    body: '{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}',
  });
  expect(isChatRefusal(await refusal(sendHtml(api, CHAT, "hi")))).toBe(true);
  // pfbot's own mistake, not the chat's.
  expect(isChatRefusal(await refusal(sendHtml(api, CHAT, "<b>unclosed")))).toBe(false);
  expect(isChatRefusal(new Error("chat not found"))).toBe(false);
});
