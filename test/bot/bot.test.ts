// The real bot (grammY, scheduler, history, settings) against the fake Telegram Bot API and the
// platform fakes.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BotHooks, type BotRuntime, startBot } from "../../src/app/modes/bot.ts";
import type { AppContext } from "../../src/app/run.ts";
import { COMMANDS } from "../../src/bot/bot.ts";
import { FREQUENCY_USAGE } from "../../src/bot/controls.ts";
import type { Config } from "../../src/config/config.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { botContext } from "../support/bot-context.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAtestTOKENabcdefghijklmnopqrstuvw";
const OWNER = 4242;
const STRANGER = 9001;

let clock: FakeClock;
let fakes: AllFakes;
let telegram: TelegramFake;
let runtime: BotRuntime | null = null;
let logLines: string[] = [];

beforeEach(async () => {
  clock = fakeClock();
  logLines = [];
  fakes = await startAllFakes({ now: clock.now });
});
afterEach(async () => {
  await runtime?.stop();
  runtime = null;
  await Promise.all([telegram?.stop(), fakes.stop()]);
});

function contextFor(dataDir: string, extra: Record<string, string> = {}, overrides: Partial<Config> = {}): AppContext {
  return botContext({ fakes, telegram, token: TOKEN, owner: OWNER, dataDir, clock, extra, logLines, overrides });
}

async function start(dataDir = tempDir("bot"), extra: Record<string, string> = {}, hooks: BotHooks = {}, overrides: Partial<Config> = {}) {
  telegram = await startTelegramFake({ token: TOKEN });
  runtime = await startBot(contextFor(dataDir, extra, overrides), hooks);
  return dataDir;
}
const say = (text: string, chatId = OWNER) => telegram.pushMessage({ chatId, text });
const lastReply = async (count: number) => (await telegram.waitForSent(count, 10_000)).at(-1)!;

describe("commands from the owner", () => {
  test("the command menu is registered on start and /help lists it", async () => {
    await start();
    expect(telegram.commands().map((c) => c.command)).toEqual(COMMANDS.map((c) => c.command));
    say("/help");
    const reply = await lastReply(1);
    for (const c of COMMANDS) expect(reply.plainText).toMatch(new RegExp(`^/${c.command}( \\[[^\\]]+\\])* — ${c.description}$`, "m"));
    expect(reply.plainText).toContain("/frequency [minutes] — Show or set minutes between reports");
  });

  test("/start greets, says what pfbot does in one sentence, suggests /status and shows each command's syntax", async () => {
    await start();
    say("/start");
    const lines = (await lastReply(1)).plainText.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "Hello! I am pfbot, your portfolio bot.",
      // The enabled platforms (the fakes' Bybit, OKX and T-Bank; IBKR is left out of these tests).
      "I report what you own on Bybit, OKX, T-Bank, Binance and KuCoin, in USD and RUB at the Bank of Russia rate, on a schedule and whenever you ask.",
      "Try /status for a report now.",
    ]);
    expect(lines).toContain("/frequency [minutes] — Show or set minutes between reports");
    expect(lines).toContain("/status — Portfolio snapshot now");
  });

  test("an unknown command or plain text from the owner gets one line pointing to /help", async () => {
    await start();
    say("/balance");
    expect((await lastReply(1)).plainText).toBe("Unknown command /balance: /help lists the commands.");
    say("how much do I have?");
    expect((await lastReply(2)).plainText).toBe("I answer commands only: /help lists them.");
    // A command for another bot in a group chat is not ours to answer; the next reply is /help's.
    say("/status@some_other_bot");
    say("/help");
    expect((await lastReply(3)).plainText).toStartWith("pfbot commands:");
  });

  test("a second /pause says it was already paused; /resume when running says so", async () => {
    await start();
    say("/pause");
    expect((await lastReply(1)).plainText).toStartWith("Scheduled reports paused.");
    say("/pause");
    expect((await lastReply(2)).plainText).toBe("Scheduled reports were already paused. /status still works; /resume starts them again.");
    say("/resume");
    expect((await lastReply(3)).plainText).toStartWith("Scheduled reports resumed.");
    say("/resume");
    expect((await lastReply(4)).plainText).toStartWith("Scheduled reports were not paused. Next report: ");
  });

  test("/status replies with the snapshot after a typing action", async () => {
    await start();
    say("/status");
    const reply = await lastReply(1);
    expect(reply.chatId).toBe(OWNER);
    expect(reply.parseMode).toBe("HTML");
    expect(reply.plainText.split("\n")[0]).toBe("$105,689 · ₽8.5M");
    expect(reply.plainText).toContain("\nBybit $28,545\n");
    expect(telegram.chatActions).toContainEqual({ chatId: OWNER, action: "typing" });
  });

  test("two /status at once take one snapshot", async () => {
    await start();
    const before = fakes.bybit.requests.length;
    say("/status");
    say("/status");
    await lastReply(2);
    const overviewCalls = fakes.bybit.requests.slice(before).filter((r) => r.path === "/v5/asset/asset-overview");
    expect(overviewCalls).toHaveLength(1);
  });

  test("/history shows the imported sample days, as samples", async () => {
    const dir = tempDir("bot");
    await Bun.write(join(dir, "portfolio_history.json"), await Bun.file("data/portfolio_history.json").text());
    await start(dir);
    say("/history");
    const reply = await lastReply(1);
    expect(reply.plainText).toStartWith("Sample history, USD · 19 Nov – 23 Nov");
    expect(reply.plainText).toMatch(/^23\.11 Mon {2}\$42,731 .* s$/m);
  });

  test("/frequency shows, changes and validates", async () => {
    await start();
    say("/frequency");
    expect((await lastReply(1)).plainText).toMatch(/^Reports every 120 minutes \(from POLL_INTERVAL_MINUTES\)\. Next report: /);
    say("/frequency 45");
    expect((await lastReply(2)).plainText).toMatch(
      /^Frequency set to 45 minutes\. Next report: \w{3} \d+ \w{3}, \d\d:\d\d \(Europe\/Paris\)\.$/,
    );
    const bad = ["abc", "0", "-5", "99999", "1.5", "12 minutes"];
    for (const [i, arg] of bad.entries()) {
      say(`/frequency ${arg}`);
      expect((await lastReply(3 + i)).plainText).toBe(FREQUENCY_USAGE);
    }
    say("/frequency");
    expect((await lastReply(3 + bad.length)).plainText).toStartWith("Reports every 45 minutes (set in the chat on 24 Nov).");
  });

  test("/pause and /resume; /frequency says the schedule is paused; /status still works", async () => {
    await start();
    say("/pause");
    expect((await lastReply(1)).plainText).toStartWith("Scheduled reports paused.");
    say("/frequency");
    expect((await lastReply(2)).plainText).toContain("The schedule is paused");
    say("/status");
    expect((await lastReply(3)).plainText).toContain("\nBybit $28,545\n");
    say("/resume");
    expect((await lastReply(4)).plainText).toMatch(/^Scheduled reports resumed\. Next report: /);
  });

  test("the frequency and the pause survive a restart", async () => {
    const dir = await start();
    say("/frequency 30");
    await lastReply(1);
    say("/pause");
    await lastReply(2);
    await runtime!.stop();
    await telegram.stop();
    runtime = null;
    await start(dir);
    say("/frequency");
    expect((await lastReply(1)).plainText).toBe(
      "Reports every 30 minutes (set in the chat on 24 Nov). The schedule is paused: /resume to start it again.",
    );
  });
});

describe("robustness", () => {
  test("a stranger gets no answer and nothing leaks; the log has the chat id, not the text", async () => {
    await start();
    logLines.length = 0;
    say("/status secret-question", STRANGER);
    say("plain secret-question", STRANGER);
    say("/unknown secret-question", STRANGER);
    say("/help");
    await lastReply(1);
    expect(telegram.sent.every((m) => m.chatId === OWNER)).toBe(true);
    expect(telegram.chatActions.every((a) => a.chatId === OWNER)).toBe(true);
    const warning = logLines.find((line) => line.includes("not TELEGRAM_CHAT_ID"));
    expect(warning).toContain(`chatId=${STRANGER}`);
    expect(logLines.join("\n")).not.toContain("secret-question");
  });

  test("a 429 from Telegram is waited out and the reply still arrives", async () => {
    await start();
    // retry_after 0: auto-retry waits it out on a timer of its own, which no injected clock reaches.
    telegram.faults.add({
      path: "sendMessage",
      code: 429,
      message: "Too Many Requests: retry after 0",
      parameters: { retry_after: 0 },
      times: 1,
    });
    say("/help");
    const reply = await lastReply(1);
    expect(reply.plainText).toContain("/status");
    expect(telegram.requestsTo("sendMessage").length).toBe(2);
  });

  test("no secret appears in any log line", async () => {
    await start();
    say("/status");
    await lastReply(1);
    const text = logLines.join("\n");
    for (const secret of [TOKEN, fakes.env.OKX_API_SECRET!, fakes.env.BYBIT_API_SECRET!, fakes.env.TBANK_API_TOKEN!])
      expect(text).not.toContain(secret);
  });
});

describe("when Telegram or the disk fails", () => {
  /** The scheduler's interval is never armed: the test sets the clock and ticks by hand. */
  const byHand: BotHooks = { setInterval: () => 0, clearInterval: () => {} };
  const healthz = async () => {
    const response = await fetch(`http://127.0.0.1:${runtime!.server!.port}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const withHealth = { HEALTH_SERVER: "true", LISTEN_PORT: "0", POLL_INTERVAL_MINUTES: "60" };

  test("a scheduled report Telegram never takes gives up at the bound, /healthz says not ok, and the next slot runs and delivers", async () => {
    clock.set("2026-11-24T08:59:00Z");
    // The bound is a real timer (it cuts a request that hangs): 0.1 s, where the setting allows whole seconds.
    await start(undefined, withHealth, byHand, { telegramTimeoutSeconds: 0.1 });
    telegram.faults.add({ path: "sendMessage", hang: true });
    logLines.length = 0;
    clock.set("2026-11-24T09:00:01Z");
    await runtime!.scheduler.tick();
    const failed = logLines.find((line) => line.includes("scheduled run failed"));
    // The time it says is the injected clock's, which stands still while the request hangs.
    expect(failed).toMatch(
      /the report could not be delivered to Telegram: Telegram did not answer sendMessage: gave up after 0 s and 1 attempt/,
    );
    const down = await healthz();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ok: false,
      lastRun: { slot: "2026-11-24T09:00:00.000Z", outcome: "failed", delivered: false },
      running: null,
    });
    expect(down.body.nextRun).toBe("2026-11-24T10:00:00.000Z");

    telegram.faults.clear();
    clock.set("2026-11-24T10:00:01Z");
    await runtime!.scheduler.tick();
    expect(telegram.sent.at(-1)!.plainText.split("\n")[0]).toBe("$105,689 · ₽8.5M");
    const up = await healthz();
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ ok: true, problems: [], lastRun: { slot: "2026-11-24T10:00:00.000Z", delivered: true } });
  });

  test("a stop while a scheduled send hangs cancels it after the grace instead of waiting for Telegram", async () => {
    clock.set("2026-11-24T08:59:00Z");
    await start(undefined, { TELEGRAM_TIMEOUT_SECONDS: "120" }, { ...byHand, stopGraceMs: 50 });
    telegram.faults.add({ path: "sendMessage", hang: true });
    clock.set("2026-11-24T09:00:01Z");
    const run = runtime!.scheduler.tick();
    await telegram.waitForRequests("sendMessage", 1);
    const started = performance.now();
    await runtime!.stop();
    const stoppedMs = performance.now() - started;
    await run;
    const scheduler = runtime!.scheduler;
    runtime = null;
    expect(stoppedMs).toBeLessThan(2_000);
    expect(logLines.some((line) => line.includes("still busy 0.05 s after the stop began: cancelling"))).toBe(true);
    expect(scheduler.lastRun()?.error).toBe(
      "the report could not be delivered to Telegram: the call to Telegram (sendMessage) was cancelled: pfbot is stopping",
    );
  });

  test("a DATA_DIR that cannot hold the history: the bot still starts and answers, and /status and /healthz say the history is not saved", async () => {
    const dir = tempDir("bot");
    writeFileSync(join(dir, "not-a-dir"), "");
    const dataDir = join(dir, "not-a-dir", "data");
    await start(dataDir, withHealth);
    expect(logLines.find((line) => line.includes("history not available"))).toContain(`DATA_DIR ${dataDir} is not a directory`);
    say("/status");
    const reply = await lastReply(1);
    expect(reply.plainText.split("\n")[0]).toBe("$105,689 · ₽8.5M");
    expect(reply.plainText).toContain(`⚠️ The history is not being saved: DATA_DIR ${dataDir} is not a directory`);
    say("/pause");
    expect((await lastReply(2)).plainText).toContain("(Not remembered after a restart: DATA_DIR");
    const health = await healthz();
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      ok: false,
      historyWritable: false,
      problems: [expect.stringContaining(`history not recorded: DATA_DIR ${dataDir} is not a directory`)],
    });
  });
});

describe("webhook", () => {
  test("registers the webhook with a secret; right secret is processed, wrong or missing gets 401; /healthz answers", async () => {
    await start(undefined, { WEBHOOK_URL: "https://bot.example.org/tg/hook", WEBHOOK_SECRET: "s3cr3t-token_value", LISTEN_PORT: "0" });
    const registered = telegram.webhook();
    expect(registered).toMatchObject({ url: "https://bot.example.org/tg/hook", secretToken: "s3cr3t-token_value" });
    const local = `http://127.0.0.1:${runtime!.server!.port}/tg/hook`;
    const update = {
      message: {
        message_id: 1,
        date: 0,
        chat: { id: OWNER, type: "private" as const, first_name: "O" },
        from: { id: OWNER, is_bot: false, first_name: "O" },
        text: "/help",
        entities: [{ type: "bot_command" as const, offset: 0, length: 5 }],
      },
    };
    const wrong = await fetch(local, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "nope" },
      body: JSON.stringify({ update_id: 1, ...update }),
    });
    expect(wrong.status).toBe(401);
    const missing = await fetch(local, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ update_id: 2, ...update }),
    });
    expect(missing.status).toBe(401);
    expect(telegram.sent).toHaveLength(0);
    const right = await telegram.postToWebhook({ update_id: 3, ...update }, local);
    expect(right.status).toBe(200);
    expect((await lastReply(1)).plainText).toContain("/frequency");
    const health = (await (await fetch(`http://127.0.0.1:${runtime!.server!.port}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, version: "test", lastRun: null, paused: false });
    expect(typeof health.nextRun).toBe("string");
    expect(JSON.stringify(health)).not.toMatch(/\$|USD|secret/i);
  });
});

describe("start-up", () => {
  test("a token Telegram refuses ends the start with a ConfigError naming TELEGRAM_BOT_TOKEN, keeping Telegram's answer as cause", async () => {
    telegram = await startTelegramFake({ token: "987654321:AAanotherTOKENabcdefghijklmnopqrstu" });
    const error = await startBot(contextFor(tempDir("bot"))).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toStartWith(
      "Telegram did not accept the bot (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT): ",
    );
    expect((error as ConfigError).message).toContain("Unauthorized");
    expect((error as ConfigError).message).not.toContain(TOKEN);
    expect((error as ConfigError).cause).toBeInstanceOf(Error);
  });
});
