// What the compiled binary says when the configuration is wrong in a way it can tell: every problem at once
// (the window's order included), a variable that looks like one of pfbot's named with the right name, and
// --once to a chat Telegram refuses with the hint --check gives. (The env file's own problems, and the .env
// looked for: env-file.test.ts.)
import { afterAll, beforeAll, expect, test } from "bun:test";
import { CHAT_REFUSED_HINT } from "../../src/bot/telegram.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type RunResult, runPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAconfigTOKENabcdefghijklmnopqrstu";
const KNOWN_CHAT = 777;
const UNKNOWN_CHAT = 778;

let fakes: AllFakes;
let telegram: TelegramFake;
let runs: Record<"once" | "check" | "everything" | "lookalike", Promise<RunResult>>;

beforeAll(async () => {
  [fakes, telegram] = await Promise.all([startAllFakes(), startTelegramFake({ token: TOKEN, chatId: KNOWN_CHAT })]);
  // Several processes ask OKX's asset-valuation within the same second here; its per-user limit is tested elsewhere.
  fakes.okx.state.enforceRateLimit = false;
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
  const data = () => tempDir("config-errors");
  const toUnknownChat = {
    ...platforms,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: String(UNKNOWN_CHAT),
    TELEGRAM_API_ROOT: telegram.url,
  };
  runs = {
    once: runPfbot(["--once"], { ...toUnknownChat, DATA_DIR: data() }),
    check: runPfbot(["--check"], { ...toUnknownChat, DATA_DIR: data() }),
    everything: runPfbot(["--dry-run"], {
      TBANK_TOKEN: "t-bank-token-value",
      TIMEZONE: "Mars/Olympus",
      WINDOW_START_HOUR: "20",
      WINDOW_END_HOUR: "8",
      DATA_DIR: data(),
    }),
    lookalike: runPfbot(["--dry-run"], { ...platforms, TELEGRAM_TOKEN: TOKEN, DATA_DIR: data() }),
  };
});
afterAll(async () => {
  await Promise.all(Object.values(runs));
  await Promise.all([fakes.stop(), telegram.stop()]);
});

test("--once to a chat Telegram refuses says what --check says to do", async () => {
  const [once, check] = await Promise.all([runs.once, runs.check]);
  expect(once.code).toBe(1);
  expect(once.stderr).toContain(`the report could not be delivered to Telegram: `);
  expect(once.stderr).toContain(`(400: Bad Request: chat not found): ${CHAT_REFUSED_HINT}`);
  expect(check.stdout).toContain(`cannot post to chat ${UNKNOWN_CHAT}`);
  expect(check.stdout).toContain(CHAT_REFUSED_HINT);
});

test("every problem at once, the window's order and a misnamed variable included; the secret not shown", async () => {
  const { code, stderr } = await runs.everything;
  expect(code).toBe(2);
  expect(stderr).toContain('TIMEZONE must be a valid IANA time zone such as Europe/Paris (was "Mars/Olympus")');
  expect(stderr).toContain("WINDOW_START_HOUR must be before WINDOW_END_HOUR (was 20 and 8)");
  expect(stderr).toContain("no platform is configured");
  expect(stderr).toContain("TBANK_TOKEN is not a variable pfbot reads, so it is ignored: did you mean TBANK_API_TOKEN? Rename it");
  expect(stderr).not.toContain("t-bank-token-value");
});

test("a variable that looks like pfbot's is a warning naming the right one, and the run goes on", async () => {
  const { code, stderr, stdout } = await runs.lookalike;
  expect(code).toBe(0);
  expect(stdout).toContain("Bybit");
  expect(stderr).toContain(
    "WARN  TELEGRAM_TOKEN is not a variable pfbot reads, so it is ignored: did you mean TELEGRAM_BOT_TOKEN? Rename it",
  );
  expect(stderr).not.toContain(TOKEN);
});
