// Issue #19 at the process boundary: the compiled binary against the platform fakes and the fake Bot API, on the
// real clock. `--once` twice with a 10% move between gives exactly one alert (the rule's state outlives the
// process); --once, a cron user's scheduled run, counts for the failure alerts; and the live pinned status is
// pinned once, then edited, by one bot process and by the next. (The bot's own scheduled runs: test/bot/watch.test.ts.)
import { afterAll, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { pfbotBinary, runPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAwatchBINARYtokenabcdefghijklmnop";
const OWNER = 6160;

/** One test's fakes: the tests run at once (each is a sequence of processes), so none shares a fake's state. */
interface World {
  readonly fakes: AllFakes;
  readonly telegram: TelegramFake;
  /** Bybit alone, so that its figure is the whole total; Telegram the fake. */
  env(dataDir: string, extra?: Record<string, string>): Record<string, string>;
  /** Bybit's unified BTC, in USD: 14,250.075 of the account's 28,545.22. */
  setBtcUsd(usd: string): void;
}

const worlds: World[] = [];
afterAll(async () => {
  await Promise.all(worlds.flatMap((world) => [world.fakes.stop(), world.telegram.stop()]));
});

async function world(): Promise<World> {
  const [fakes, telegram] = await Promise.all([startAllFakes(), startTelegramFake({ token: TOKEN, chatId: OWNER })]);
  const created: World = {
    fakes,
    telegram,
    env: (dataDir, extra = {}) => ({
      BYBIT_API_KEY: fakes.env.BYBIT_API_KEY!,
      BYBIT_API_SECRET: fakes.env.BYBIT_API_SECRET!,
      BYBIT_BASE_URL: fakes.env.BYBIT_BASE_URL!,
      CBR_BASE_URL: fakes.env.CBR_BASE_URL!,
      CBR_MIRROR_BASE_URL: fakes.env.CBR_MIRROR_BASE_URL!,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: String(OWNER),
      TELEGRAM_API_ROOT: telegram.url,
      DATA_DIR: dataDir,
      TIMEZONE: "Europe/Paris",
      ...extra,
    }),
    setBtcUsd: (usd) => {
      const [btc, ...others] = fakes.bybit.state.unified.coins;
      fakes.bybit.state.unified.coins = [{ ...btc!, usdValue: usd }, ...others];
    },
  };
  worlds.push(created);
  return created;
}

test.concurrent("--once twice with a 10% move between gives exactly one alert, with sound; a third at the same level none", async () => {
  const { telegram, env, setBtcUsd } = await world();
  const dataDir = tempDir("watch-bin");
  const once = () => runPfbot(["--once"], env(dataDir, { ALERT_MOVE_PERCENT: "5" }));
  setBtcUsd("14250.075");
  expect((await once()).code).toBe(0);
  setBtcUsd("11395.553"); // 28,545.22 → 25,690.70: −10.00%
  const moved = await once();
  expect(moved.code).toBe(0);
  expect((await once()).code).toBe(0);
  const sent = telegram.sent;
  const alerts = sent.filter((message) => message.plainText.startsWith("📉"));
  expect(alerts.map((message) => message.plainText.split("\n")[0])).toEqual(["📉 Portfolio −10.00% (−$2,855) since the last report"]);
  expect(alerts[0]!.disableNotification).toBe(false);
  // Report, report and its alert, report.
  expect(sent).toHaveLength(4);
  expect(sent[2]).toBe(alerts[0]!);
  expect(moved.stderr).toContain("alert delivered kind=move");
});

test.concurrent("--once with OKX refusing its key: the third run in a row gives one failure alert, the fourth none; then one 'back'", async () => {
  const { fakes, telegram, env } = await world();
  const dataDir = tempDir("watch-bin");
  const okx = (secret: string) => ({
    OKX_API_KEY: fakes.env.OKX_API_KEY!,
    OKX_API_SECRET: secret,
    OKX_API_PASSPHRASE: fakes.env.OKX_API_PASSPHRASE!,
    OKX_BASE_URL: fakes.env.OKX_BASE_URL!,
  });
  const once = (secret: string) => runPfbot(["--once"], env(dataDir, okx(secret)));
  const wrongSecret = `${fakes.env.OKX_API_SECRET!.slice(0, -1)}0`;
  const outcomes: string[] = [];
  for (let run = 1; run <= 4; run++) {
    const result = await once(wrongSecret);
    outcomes.push(`${result.code}${result.stderr.includes("alert delivered kind=down") ? " alert" : ""}`);
  }
  const back = await once(fakes.env.OKX_API_SECRET!);
  expect(outcomes).toEqual(["0", "0", "0 alert", "0"]);
  expect(back.stderr).toContain("alert delivered kind=back");
  const sent = telegram.sent;
  const alerts = sent.filter((message) => /^(⚠️|✅) OKX/.test(message.plainText));
  expect(alerts.map((message) => message.plainText.split("\n")[0])).toEqual([
    expect.stringMatching(/^⚠️ OKX is out: it failed 3 scheduled runs in a row, since /),
    expect.stringMatching(/^✅ OKX is back after /),
  ]);
  expect(alerts.every((message) => message.disableNotification === false)).toBe(true);
  // Five reports, the alert after the third and the "back" after the fifth.
  expect(sent).toHaveLength(7);
  expect([sent.indexOf(alerts[0]!), sent.indexOf(alerts[1]!)]).toEqual([3, 6]);
});

test.concurrent("PIN_STATUS=on pins once and then edits the same message; a restart keeps editing it", async () => {
  const current = await world();
  const { telegram, setBtcUsd } = current;
  const dataDir = tempDir("watch-bin");
  const pinnedText = () => {
    const message = telegram.message(OWNER, telegram.pinned(OWNER)[0] ?? 0);
    return message && "text" in message ? (message.text ?? "") : "";
  };

  // First process: /status sends and pins the status; the next /status edits it.
  const first = await startBot(current, dataDir);
  await first.status();
  await telegram.waitForRequests("pinChatMessage", 1, 15_000);
  const pinned = telegram.pinned(OWNER)[0]!;
  expect(pinnedText().split("\n")[0]).toBe("💼 $28,545 · ₽2.3M");
  setBtcUsd("15250.075");
  const edits = telegram.edits.length;
  await first.status();
  await telegram.waitForEdits(edits + 1, 15_000);
  expect(telegram.edits.at(-1)!.messageId).toBe(pinned);
  expect(pinnedText().split("\n")[0]).toBe("💼 $29,545 · ₽2.38M");
  await first.stop();

  // Second process: it reads the pinned message's id from DATA_DIR and edits it; nothing new is pinned.
  setBtcUsd("16250.075");
  const second = await startBot(current, dataDir);
  await second.status();
  await telegram.waitForEdits(edits + 2, 15_000);
  expect(telegram.edits.at(-1)!.messageId).toBe(pinned);
  expect(pinnedText().split("\n")[0]).toBe("💼 $30,545 · ₽2.46M");
  await second.stop();
  expect(telegram.pins.filter((pin) => pin.method === "pinChatMessage")).toHaveLength(1);
  expect(telegram.pinned(OWNER)).toEqual([pinned]);
});

/** The bot binary on `dataDir` with PIN_STATUS=on: `status()` sends /status and waits for the reply. */
async function startBot({ telegram, env }: World, dataDir: string) {
  const polls = telegram.requestsTo("getUpdates").length;
  const child = Bun.spawn([await pfbotBinary()], {
    env: { PATH: process.env.PATH ?? "", ...env(dataDir, { PIN_STATUS: "on" }) },
    cwd: tmpdir(),
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(child.stderr).text();
  await telegram.waitForRequests("getUpdates", polls + 1, 15_000);
  return {
    status: async () => {
      const replies = telegram.sent.filter((message) => message.replyMarkup !== null).length;
      telegram.pushMessage({ chatId: OWNER, text: "/status" });
      const waitForReply = async () => {
        for (;;) {
          const count = telegram.sent.filter((message) => message.replyMarkup !== null).length;
          if (count > replies) return;
          await telegram.waitForSent(telegram.sent.length + 1, 15_000);
        }
      };
      await waitForReply();
    },
    stop: async () => {
      child.kill("SIGTERM");
      const code = await child.exited;
      if (code !== 0) throw new Error(`pfbot exited ${code}: ${await stderr}`);
    },
  };
}
