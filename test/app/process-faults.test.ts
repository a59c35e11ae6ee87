// The compiled binary when the world misbehaves at a process boundary: Telegram refusing connections
// or hanging (--once and --check give up with exit 1 and a clear line; SIGTERM still ends the bot
// promptly), and a DATA_DIR that refuses writes (the message still arrives; the exit status says the
// day was not recorded).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { pfbotBinary, runPfbot } from "../support/binary.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { refusingUrl } from "../fakes/server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";

const TOKEN = "246813579:AAfaultsTOKENabcdefghijklmnopqrst";
const OWNER = 8080;
let fakes: AllFakes;

beforeAll(async () => {
  fakes = await startAllFakes();
  await pfbotBinary();
}, 60_000);
afterAll(async () => {
  await fakes.stop();
});

/** The platform fakes without IBKR (its statement polling is covered elsewhere), Telegram at `apiRoot`. */
function envFor(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
  return { ...platforms, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: String(OWNER), TELEGRAM_API_ROOT: apiRoot, DATA_DIR: freshDir(), ...extra };
}
const freshDir = () => mkdtempSync(join(tmpdir(), "pfbot-faults-"));
const STACK_LINE = /^\s+at /m;

describe("Telegram refusing connections", () => {
  test("--once gives up within the bound and exits 1 with a clear line; the day is still recorded", async () => {
    const env = envFor(await refusingUrl(), { TELEGRAM_TIMEOUT_SECONDS: "1" });
    const result = await runPfbot(["--once"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ERROR the report could not be delivered to Telegram: Telegram did not answer sendMessage: gave up after");
    expect(result.stderr).toContain("; check this machine's network, and TELEGRAM_API_ROOT if you set it");
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toContain(TOKEN);
    // The snapshot (local fakes) plus the 1 s bound, with room for a slow machine.
    expect(result.ms).toBeLessThan(15_000);
    const store = HistoryStore.open(env.DATA_DIR!, "Europe/Paris");
    expect(store.count()).toBe(1);
    store.close();
  }, 30_000);

  test("--check reports Telegram unreachable and exits 1 within the bound", async () => {
    const result = await runPfbot(["--check"], envFor(await refusingUrl(), { TELEGRAM_TIMEOUT_SECONDS: "1" }));
    expect(result.code).toBe(1);
    const line = result.stdout.split("\n").find((l) => l.includes("Telegram:"));
    expect(line).toStartWith("[FAIL] Telegram: unreachable: Telegram did not answer getMe: gave up after");
    expect(result.stdout).toContain("[ok  ] Bybit: reachable");
    expect(result.stdout.trimEnd()).toEndWith("1 problem found.");
    expect(result.ms).toBeLessThan(15_000);
  }, 30_000);
});

describe("SIGTERM ends the bot promptly", () => {
  let telegram: TelegramFake;
  beforeAll(async () => {
    telegram = await startTelegramFake({ token: TOKEN });
  });
  afterAll(async () => {
    await telegram.stop();
  });

  async function startBotProcess(extra: Record<string, string>) {
    const before = telegram.callsTo("getUpdates").length;
    const child = Bun.spawn([await pfbotBinary()], { env: { PATH: process.env.PATH ?? "", ...envFor(telegram.url, extra) }, stdout: "pipe", stderr: "pipe" });
    await telegram.waitForCalls("getUpdates", before + 1, 15_000);
    return child;
  }
  async function stopped(child: Bun.Subprocess<"ignore", "pipe", "pipe">) {
    const started = performance.now();
    child.kill("SIGTERM");
    const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    return { code, stderr, ms: performance.now() - started };
  }

  test("while a reply is stuck in a Telegram that never answers", async () => {
    const child = await startBotProcess({ TELEGRAM_TIMEOUT_SECONDS: "120" });
    telegram.stall("sendMessage");
    try {
      const before = telegram.callsTo("sendMessage").length;
      telegram.pushMessage({ chatId: OWNER, text: "/help" });
      await telegram.waitForCalls("sendMessage", before + 1, 10_000);
      const result = await stopped(child);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("stopping: SIGTERM");
      expect(result.stderr).toContain("stopped");
      expect(result.ms).toBeLessThan(5_000);
    } finally {
      telegram.stall("sendMessage", false);
      child.kill("SIGKILL");
    }
  }, 30_000);

  test("while Telegram refuses connections", async () => {
    // The bot starts through a relay to the fake; the relay then goes away, so every call is refused.
    const relay = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 60, fetch: (request) => fetch(telegram.url + new URL(request.url).pathname, { method: request.method, headers: request.headers, body: request.body }) });
    const child = await startBotProcess({ TELEGRAM_API_ROOT: `http://127.0.0.1:${relay.port}`, TELEGRAM_TIMEOUT_SECONDS: "120" });
    try {
      await relay.stop(true);
      const result = await stopped(child);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("stopped");
      expect(result.ms).toBeLessThan(5_000);
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});

/**
 * A DATA_DIR that refuses writes, even to root, prepared by `seed` first: read-only (a chmod for a
 * normal user; for root, which ignores modes, a tmpfs remounted read-only) or full (a small tmpfs
 * filled up). Or why this machine cannot make one.
 */
function faultyDirectory(kind: "read-only" | "full", seed: (dir: string) => void): { dir: string; release(): void } | { skip: string } {
  const dir = freshDir();
  let release = () => {};
  if (kind === "read-only" && process.getuid?.() !== 0) {
    seed(dir);
    Bun.spawnSync(["chmod", "555", dir]);
    release = () => void Bun.spawnSync(["chmod", "755", dir]);
  } else {
    const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", dir], { stderr: "pipe" });
    if (mount.exitCode !== 0) return { skip: `a ${kind} DATA_DIR needs a tmpfs${kind === "read-only" ? " when running as root (chmod does not stop root)" : ""}, and none can be mounted here: ${mount.stderr.toString().trim()}` };
    release = () => void Bun.spawnSync(["umount", dir]);
    seed(dir);
    if (kind === "read-only") {
      const remount = Bun.spawnSync(["mount", "-o", "remount,ro", dir], { stderr: "pipe" });
      if (remount.exitCode !== 0) {
        release();
        return { skip: `the tmpfs could not be made read-only: ${remount.stderr.toString().trim()}` };
      }
    } else {
      // Fill what is left; the write that finds the disk full throws, as intended.
      try {
        writeFileSync(join(dir, "filler"), new Uint8Array(1024 * 1024));
      } catch {}
    }
  }
  try {
    writeFileSync(join(dir, ".probe"), "x");
  } catch {
    return { dir, release };
  }
  release();
  return { skip: `${dir} still accepts writes after being made ${kind}` };
}

/** A history that was fine until the disk went read-only or filled up. */
function seedHistory(dir: string): void {
  const store = HistoryStore.open(dir, "Europe/Paris");
  store.importDays([{ day: "2026-01-05", usd: dec("1000"), rub: null }], { overwrite: false });
  store.close();
}

describe.each([
  ["read-only", "is read-only or not writable by pfbot's user", "make it writable, or set DATA_DIR to a writable directory"],
  ["full", "is full", "free some space there"],
] as const)("a %s DATA_DIR", (kind, what, todo) => {
  const dataDir = faultyDirectory(kind, seedHistory);
  let telegram: TelegramFake;
  beforeAll(async () => {
    telegram = await startTelegramFake({ token: TOKEN, chatId: OWNER });
  });
  afterAll(async () => {
    await telegram.stop();
    if ("dir" in dataDir) dataDir.release();
  });
  if ("skip" in dataDir) console.warn(`skipping the ${kind} DATA_DIR test: ${dataDir.skip}`);

  test.skipIf("skip" in dataDir)("--once still delivers the report, then exits 1 saying the day was not recorded and what to do", async () => {
    const dir = "dir" in dataDir ? dataDir.dir : "";
    const result = await runPfbot(["--once"], envFor(telegram.url, { DATA_DIR: dir }));
    expect(telegram.sent).toHaveLength(1);
    expect(telegram.sent[0]!.plainText).toContain("Total: $69,035.77");
    expect(result.code).toBe(1);
    const line = result.stderr.split("\n").find((l) => l.startsWith("ERROR"));
    expect(line).toStartWith("ERROR the report was delivered, but today's totals were not recorded in the history: ");
    expect(line).toContain(what);
    expect(line).toContain(todo);
    expect(result.stderr).not.toMatch(STACK_LINE);
  }, 30_000);
});
