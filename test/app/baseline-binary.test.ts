// The release for x86-64 CPUs without AVX2 (older servers, small VPSs): built by scripts/build.ts with
// --target bun-linux-x64-baseline, as the deployment guide says, then started as a whole process in
// bot mode against the fake Bot API and the platform fakes. Bun fetches that target's runtime from the
// npm registry the first time and keeps it in its install cache (~/.bun/install/cache); the binary itself is
// built once per state of the sources, like the one the other process tests run (test/support/binary.ts).
// A real process boundary: this test waits in real time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../src/bot/bot.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake } from "../fakes/telegram.ts";
import { BASELINE_RUNS_HERE, BASELINE_TARGET, spawnPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAbaselineTOKENabcdefghijklmnopqrs";
const OWNER = 27182;

let scratch: string;
let fakes: AllFakes;

beforeAll(async () => {
  scratch = tempDir("baseline");
  fakes = await startAllFakes();
});
afterAll(async () => {
  await fakes.stop();
  rmSync(scratch, { recursive: true, force: true });
});

// The baseline runtime is an x86-64 Linux executable: elsewhere it can be built but not started.
describe.skipIf(!BASELINE_RUNS_HERE)(`the ${BASELINE_TARGET} binary`, () => {
  test("starts in bot mode against the fakes, registers its commands, answers /status and stops on SIGTERM", async () => {
    const telegram = await startTelegramFake({ token: TOKEN });
    // IBKR's Flex flow waits 5 s between its requests; the other platforms and the rate cover the snapshot.
    const { IBKR_FLEX_TOKEN: _token, IBKR_QUERY_ID: _query, ...platforms } = fakes.env;
    const env = {
      ...platforms,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: String(OWNER),
      TELEGRAM_API_ROOT: telegram.url,
      DATA_DIR: join(scratch, "data"),
    };
    const child = await spawnPfbot([], env, { cwd: scratch, target: BASELINE_TARGET });
    const stderr = new Response(child.stderr).text();
    try {
      await Promise.race([
        telegram.waitForRequests("getUpdates", 1, 15_000),
        child.exited.then(async (code) => {
          throw new Error(`the baseline binary exited (${code}) before polling: ${await stderr}`);
        }),
      ]);
      expect(telegram.commands().map((c) => c.command)).toEqual(COMMANDS.map((c) => c.command));

      telegram.pushMessage({ chatId: OWNER, text: "/status" });
      const [reply] = await telegram.waitForSent(1, 15_000);
      expect(reply!.chatId).toBe(OWNER);
      expect(reply!.plainText.split("\n")[0]).toBe("$105,689 · ₽8.5M");
      for (const line of ["Bybit $28,545", "OKX $16,445", "T-Bank $24,046"]) expect(reply!.plainText).toContain(`\n${line}\n`);

      child.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(await stderr).toContain("stopped");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await telegram.stop();
    }
  }, 60_000);
});
