// `bun run demo`: pfbot end to end with no keys and no network. Starts the platform fakes (every platform in
// the registry) and the Bank of Russia fakes on 127.0.0.1 with plausible balances, builds the
// binary if it is missing, runs `./pfbot --once --dry-run` against them and prints the message.
// `bun run demo --telegram` instead sends it with `--once` to a fake Telegram Bot API and prints what
// that received.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PLATFORMS } from "../src/platforms/registry.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "pfbot");
const viaTelegram = process.argv.includes("--telegram");

if (!existsSync(BINARY)) {
  console.log("Building ./pfbot first (bun run build)…");
  const build = Bun.spawn(["bun", "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if ((await build.exited) !== 0) process.exit(1);
}

const fakes = await startAllFakes();
const token = "123456789:AAdemoTOKENnotARealTokenAtAll00000";
const chatId = 1000001;
const telegram = viaTelegram ? await startTelegramFake({ token, chatId }) : null;
// A scratch working directory and DATA_DIR: no .env of yours is read, nothing of yours is written.
const scratch = mkdtempSync(join(tmpdir(), "pfbot-demo-"));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  ...fakes.env,
  DATA_DIR: join(scratch, "data"),
  TIMEZONE: process.env.TIMEZONE ?? "Europe/Paris",
  ...(telegram ? { TELEGRAM_BOT_TOKEN: token, TELEGRAM_CHAT_ID: String(chatId), TELEGRAM_API_ROOT: telegram.url } : {}),
};

console.log(`Fake ${PLATFORMS.map((d) => d.name).join(", ")} and Bank of Russia servers are up on 127.0.0.1.`);
console.log(`Running: ./pfbot ${viaTelegram ? "--once" : "--once --dry-run"}  (IBKR generates its statement in a few seconds)\n`);
let code = 1;
try {
  const child = Bun.spawn([BINARY, "--once", ...(viaTelegram ? [] : ["--dry-run"])], { cwd: scratch, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exit] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  code = exit;
  if (telegram) {
    const message = telegram.sent.at(-1);
    console.log(message ? `The fake Telegram chat ${chatId} received:\n\n${message.plainText}\n` : "Telegram received nothing.");
  } else {
    process.stdout.write(stdout);
  }
  if (exit !== 0) process.stderr.write(`\npfbot exited with status ${exit}:\n${stderr}`);
} finally {
  await Promise.all([fakes.stop(), telegram?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
console.log("\nThat was the demo. To use your own accounts: create .env (see README), then ./pfbot --check and ./pfbot --dry-run.");
process.exit(code);
