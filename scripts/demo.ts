// `bun run demo`: pfbot end to end with no keys and no network. Starts the platform fakes (every platform in
// the registry) and the Bank of Russia fakes on 127.0.0.1 as a healthy, current portfolio
// (scripts/demo-world.ts), builds the binary if it is missing, runs `./pfbot --once --dry-run` against them
// and prints the message. `--scenario NAME` shows one of the failures pfbot reports instead (`--help` lists
// them); `--telegram` sends the report with `--once` to a fake Telegram Bot API and prints what Telegram
// would render, bold as bold.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PLATFORMS } from "../src/platforms/registry.ts";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { ansiMessage } from "./ansi-message.ts";
import { demoUsage, makeHealthy, SCENARIOS, type Scenario } from "./demo-world.ts";

const ROOT = resolve(import.meta.dir, "..");
const BINARY = join(ROOT, "pfbot");

const options = parseDemoArgs(process.argv.slice(2));
if ("error" in options) {
  process.stderr.write(`demo: ${options.error}\n\n${demoUsage()}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${demoUsage()}\n`);
  process.exit(0);
}

if (!existsSync(BINARY)) {
  console.log("Building ./pfbot first (bun run build)…");
  const build = Bun.spawn(["bun", "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if ((await build.exited) !== 0) process.exit(1);
}

const fakes = await startAllFakes();
makeHealthy(fakes, Date.now());
const extraEnv = options.scenario?.apply(fakes) ?? {};
const token = "123456789:AAdemoTOKENnotARealTokenAtAll00000";
const chatId = 1000001;
const telegram = options.telegram ? await startTelegramFake({ token, chatId }) : null;
// A scratch working directory and DATA_DIR: no .env of yours is read, nothing of yours is written.
const scratch = mkdtempSync(join(tmpdir(), "pfbot-demo-"));
const env: Record<string, string> = {
  PATH: process.env.PATH ?? "",
  ...fakes.env,
  DATA_DIR: join(scratch, "data"),
  TIMEZONE: process.env.TIMEZONE ?? "Europe/Paris",
  ...extraEnv,
  ...(telegram ? { TELEGRAM_BOT_TOKEN: token, TELEGRAM_CHAT_ID: String(chatId), TELEGRAM_API_ROOT: telegram.url } : {}),
};

console.log(`Fake ${PLATFORMS.map((d) => d.name).join(", ")} and Bank of Russia servers are up on 127.0.0.1.`);
if (options.scenario) console.log(`Scenario ${options.scenario.name}: ${options.scenario.summary}.`);
console.log(`Running: ./pfbot ${telegram ? "--once" : "--once --dry-run"}  (IBKR generates its statement in a few seconds)\n`);
let code = 1;
try {
  const child = Bun.spawn([BINARY, "--once", ...(telegram ? [] : ["--dry-run"])], { cwd: scratch, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exit] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  code = exit;
  if (telegram) {
    const message = telegram.sent.at(-1);
    const styled = process.env.NO_COLOR === undefined && (process.stdout.isTTY || process.env.FORCE_COLOR !== undefined);
    const shown = message ? (styled ? ansiMessage(message.plainText, message.entities) : message.plainText) : null;
    console.log(
      shown !== null ? `The fake Telegram chat ${chatId} received, as Telegram shows it:\n\n${shown}\n` : "Telegram received nothing.",
    );
  } else {
    process.stdout.write(stdout);
  }
  if (exit !== 0) process.stderr.write(`\npfbot exited with status ${exit}:\n${stderr}`);
} finally {
  await Promise.all([fakes.stop(), telegram?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
console.log(
  `\nThat was the demo${options.scenario ? "" : " (bun run demo --help lists failure scenarios)"}. To use your own accounts: cp .env.example .env, fill in your keys, then ./pfbot --check and ./pfbot --dry-run.`,
);
process.exit(code);

function parseDemoArgs(argv: readonly string[]): { help: boolean; telegram: boolean; scenario: Scenario | null } | { error: string } {
  let help = false;
  let telegram = false;
  let scenario: Scenario | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "--telegram") telegram = true;
    else if (arg === "--scenario" || arg.startsWith("--scenario=")) {
      const name = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      const found = SCENARIOS.find((s) => s.name === name);
      if (!found) return { error: name ? `no scenario named ${name}` : "--scenario needs a name" };
      scenario = found;
    } else return { error: `unknown argument: ${arg}` };
  }
  return { help, telegram, scenario };
}
