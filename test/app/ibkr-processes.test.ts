// IBKR's rate limit is per token, not per process: several pfbot processes started at once (the README's
// `--check` then `--dry-run`, or a --once while the bot runs) share the request times in DATA_DIR, so the
// later ones wait their turn instead of earning error 1018 and a 10-minute penalty. The compiled binary,
// two processes at once, against the IBKR fake, which enforces IBKR's limits on the real clock. The fake
// refuses the token (1012) so that each process makes exactly one request and ends: a statement would
// cost each process Flex's real 5 s generation wait, and the spacing is what is under test.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { IBKR_PACER_FILE } from "../../src/platforms/ibkr/pacer.ts";
import { type IbkrFake, startIbkrFake } from "../fakes/ibkr.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type RunResult, runPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const FLEX_TOKEN = "271828182845904523536028";
const QUERY_ID = "3141592";
const BOT_TOKEN = "123456789:AApacerTOKENabcdefghijklmnopqrstu";
const PROCESSES = 2;

let ibkr: IbkrFake;
let telegram: TelegramFake;
let results: RunResult[];
const dataDir = tempDir("pacer-processes");

beforeAll(async () => {
  [ibkr, telegram] = await Promise.all([
    startIbkrFake({ token: FLEX_TOKEN, queryId: QUERY_ID, now: () => Date.now() }),
    startTelegramFake({ token: BOT_TOKEN, chatId: 4242 }),
  ]);
  const env = {
    IBKR_FLEX_TOKEN: FLEX_TOKEN,
    IBKR_QUERY_ID: QUERY_ID,
    IBKR_FLEX_BASE_URL: ibkr.baseUrl,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_CHAT_ID: "4242",
    TELEGRAM_API_ROOT: telegram.url,
    DATA_DIR: dataDir,
  };
  ibkr.faults.add({ path: "SendRequest", code: 1012 });
  // Started together: without a shared budget, their SendRequests land within the same second.
  results = await Promise.all(Array.from({ length: PROCESSES }, () => runPfbot(["--check"], env)));
});
afterAll(async () => {
  await Promise.all([ibkr.stop(), telegram.stop()]);
});

test("every process gets IBKR's own answer, never a 1018: IBKR's spacing kept across processes", () => {
  for (const { code, stdout, stderr } of results) {
    expect(`${stdout}${stderr}`).not.toContain("1018");
    expect(stdout).toContain("The IBKR Flex token has expired (1012)");
    expect(code).toBe(1);
  }
  expect(ibkr.violations).toEqual([]);
  expect(ibkr.calls).toHaveLength(PROCESSES);
  const times = ibkr.calls.map((call) => call.at).sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  expect(existsSync(join(dataDir, IBKR_PACER_FILE))).toBe(true);
});
