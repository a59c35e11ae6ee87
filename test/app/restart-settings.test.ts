// Settings across restarts of the compiled bot, as docs/deploy.md has users change them: /frequency is
// remembered while POLL_INTERVAL_MINUTES stays as it was; once the env value changes, a restart uses it and
// the log says so; /frequency says where its value comes from; a paused bot says at start that reports are
// paused, and every /status reply while paused ends with one line saying so.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PAUSED_NOTE } from "../../src/bot/service.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { spawnPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AArestartTOKENabcdefghijklmnopqrst";
const OWNER = 5150;

let fakes: AllFakes;
let telegram: TelegramFake;
const dataDir = tempDir("restart");
/** What each start of the bot answered, and what it logged. */
const starts: { replies: string[]; log: string }[] = [];

/** Starts the bot with `pollInterval`, sends `commands` one by one, waits for each reply, then stops it with SIGTERM. */
async function session(pollInterval: string | null, commands: readonly string[]): Promise<void> {
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...platforms,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: String(OWNER),
    TELEGRAM_API_ROOT: telegram.url,
    DATA_DIR: dataDir,
    TIMEZONE: "Europe/Paris",
    ...(pollInterval === null ? {} : { POLL_INTERVAL_MINUTES: pollInterval }),
  };
  const polls = telegram.calls.filter((call) => call.method === "getUpdates").length;
  const child = await spawnPfbot([], env);
  const stderr = new Response(child.stderr).text();
  await telegram.waitForRequests("getUpdates", polls + 1, 15_000);
  const replies: string[] = [];
  for (const text of commands) {
    const before = telegram.sent.length;
    telegram.pushMessage({ chatId: OWNER, text });
    replies.push((await telegram.waitForSent(before + 1, 15_000)).at(-1)!.plainText);
  }
  child.kill("SIGTERM");
  expect(await child.exited).toBe(0);
  starts.push({ replies, log: await stderr });
}

beforeAll(async () => {
  [fakes, telegram] = await Promise.all([startAllFakes(), startTelegramFake({ token: TOKEN, chatId: OWNER })]);
  // The restarted bots ask OKX's asset-valuation within the same second here; its per-user limit is tested elsewhere.
  fakes.okx.state.enforceRateLimit = false;
  await session(null, ["/frequency", "/frequency 45", "/pause"]);
  // Restarted with the env file as it was: /frequency's choice and the pause stay.
  await session(null, ["/frequency", "/status"]);
  // The owner edits POLL_INTERVAL_MINUTES and restarts, as docs/deploy.md says: the env value wins.
  await session("60", ["/frequency", "/resume", "/status"]);
  // And stays: the same env at the next start is no change.
  await session("60", ["/frequency"]);
});
afterAll(async () => {
  await Promise.all([fakes.stop(), telegram.stop()]);
});

const today = () => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", day: "numeric", month: "short" }).format(new Date());

test("/frequency says the value comes from POLL_INTERVAL_MINUTES until it is set in the chat", () => {
  const [first] = starts;
  expect(first!.replies[0]).toStartWith("Reports every 120 minutes (from POLL_INTERVAL_MINUTES).");
  expect(first!.replies[1]).toStartWith("Frequency set to 45 minutes.");
});

test("a restart with the env unchanged keeps /frequency's value and says when it was set; a paused bot says so", () => {
  const second = starts[1]!;
  expect(second.replies[0]).toBe(
    `Reports every 45 minutes (set in the chat on ${today()}). The schedule is paused: /resume to start it again.`,
  );
  expect(second.log).toContain("scheduled reports are paused (/pause): none is sent until /resume; /status still works");
  expect(second.log).not.toContain("changed since the chat set");
  // /status while paused: the report, then one line saying so.
  expect(second.replies[1]!.split("\n")[0]).toBe("$105,689 · ₽8.5M");
  expect(second.replies[1]).toContain("\nBybit $28,545\n");
  expect(second.replies[1]!.trimEnd().split("\n").at(-1)).toBe(PAUSED_NOTE);
});

test("a restart with POLL_INTERVAL_MINUTES changed uses the env value, and the log says so", () => {
  const third = starts[2]!;
  expect(third.log).toContain(
    `POLL_INTERVAL_MINUTES changed since the chat set the frequency to 45 minutes on ${today()} (the env file had 120, it has 60): the frequency is 60 minutes, from POLL_INTERVAL_MINUTES`,
  );
  expect(third.replies[0]).toStartWith("Reports every 60 minutes (from POLL_INTERVAL_MINUTES).");
  // Resumed: /status no longer ends with the paused line.
  expect(third.replies[1]).toStartWith("Scheduled reports resumed.");
  expect(third.replies[2]).not.toContain(PAUSED_NOTE);
  const fourth = starts[3]!;
  expect(fourth.replies[0]).toStartWith("Reports every 60 minutes (from POLL_INTERVAL_MINUTES).");
  expect(fourth.log).not.toContain("changed since the chat set");
  expect(fourth.log).not.toContain("are paused");
});
