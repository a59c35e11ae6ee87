// The compiled binary when the world misbehaves at a process boundary: Telegram refusing connections
// or hanging (--once and --check give up with exit 1 and a clear line; SIGTERM still ends the bot
// promptly), and a DATA_DIR that refuses writes (the message still arrives; the exit status says the
// day was not recorded).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import { HistoryStore } from "../../src/history/store.ts";
import { dec } from "../../src/lib/money.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { refusingUrl } from "../fakes/server.ts";
import { type SentMessage, startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type PfbotProcess, pfbotBinary, type RunResult, runPfbot, spawnPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "246813579:AAfaultsTOKENabcdefghijklmnopqrst";
const OWNER = 8080;
const STACK_LINE = /^\s+at /m;
const DATA_DIR_FAULTS = [
  ["read-only", "is read-only or not writable by pfbot's user", "make it writable, or set DATA_DIR to a writable directory"],
  ["full", "is full", "free some space there"],
] as const;

// Every process starts in beforeAll, all at once (a start is most of a run's cost); each test then reads or
// drives its own.
let fakes: AllFakes;
let refusing: { once: Promise<RunResult>; check: Promise<RunResult>; onceDataDir: string };
let stuck: { telegram: TelegramFake; child: PfbotProcess };
let cutOff: { telegram: TelegramFake; relay: Server<undefined>; child: PfbotProcess };
const faultyDirs = DATA_DIR_FAULTS.map(([kind]) => ({ kind, dataDir: faultyDirectory(kind, seedHistory) }));
const faultyRuns = new Map<string, Promise<{ sent: SentMessage[]; result: RunResult }>>();
for (const { kind, dataDir } of faultyDirs) if ("skip" in dataDir) console.warn(`skipping the ${kind} DATA_DIR test: ${dataDir.skip}`);

beforeAll(async () => {
  const [all, , first, second] = await Promise.all([
    startAllFakes(),
    pfbotBinary(),
    startTelegramFake({ token: TOKEN }),
    startTelegramFake({ token: TOKEN }),
  ]);
  fakes = all;
  // Several processes ask OKX's asset-valuation within the same second here; its per-user limit is tested elsewhere.
  fakes.okx.state.enforceRateLimit = false;
  const onceEnv = envFor(await refusingUrl(), { TELEGRAM_TIMEOUT_SECONDS: "1" });
  refusing = {
    once: runPfbot(["--once"], onceEnv),
    check: runPfbot(["--check"], envFor(await refusingUrl(), { TELEGRAM_TIMEOUT_SECONDS: "1" })),
    onceDataDir: onceEnv.DATA_DIR!,
  };
  for (const { kind, dataDir } of faultyDirs) {
    if ("dir" in dataDir) faultyRuns.set(kind, onceWithTelegram(dataDir.dir));
  }
  // This bot reaches Telegram through a relay; the relay then goes away, so every call is refused.
  const relay = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    fetch: (request) =>
      fetch(second.url + new URL(request.url).pathname, { method: request.method, headers: request.headers, body: request.body }),
  });
  const [stuckChild, cutOffChild] = await Promise.all([
    startPfbotProcess(first, { TELEGRAM_TIMEOUT_SECONDS: "120" }),
    startPfbotProcess(second, { TELEGRAM_API_ROOT: `http://127.0.0.1:${relay.port}`, TELEGRAM_TIMEOUT_SECONDS: "120" }),
  ]);
  stuck = { telegram: first, child: stuckChild };
  cutOff = { telegram: second, relay, child: cutOffChild };
});
afterAll(async () => {
  for (const child of [stuck.child, cutOff.child]) child.kill("SIGKILL");
  await Promise.all([refusing.once, refusing.check, ...faultyRuns.values()]);
  await Promise.all([fakes.stop(), stuck.telegram.stop(), cutOff.telegram.stop(), cutOff.relay.stop(true)]);
  for (const { dataDir } of faultyDirs) if ("dir" in dataDir) dataDir.release();
});

/** The platform fakes without IBKR (its statement polling is covered elsewhere), Telegram at `apiRoot`. */
function envFor(apiRoot: string, extra: Record<string, string> = {}): Record<string, string> {
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
  return {
    ...platforms,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: String(OWNER),
    TELEGRAM_API_ROOT: apiRoot,
    DATA_DIR: freshDir(),
    ...extra,
  };
}
function freshDir(): string {
  return tempDir("faults");
}

async function startPfbotProcess(telegram: TelegramFake, extra: Record<string, string>): Promise<PfbotProcess> {
  const child = await spawnPfbot([], envFor(telegram.url, extra));
  await telegram.waitForRequests("getUpdates", 1);
  return child;
}

async function stopped(child: PfbotProcess) {
  const started = performance.now();
  child.kill("SIGTERM");
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  return { code, stderr, ms: performance.now() - started };
}

/** --once into `dataDir` with a Telegram of its own: what reached the chat, and how the run ended. */
async function onceWithTelegram(dataDir: string): Promise<{ sent: SentMessage[]; result: RunResult }> {
  const telegram = await startTelegramFake({ token: TOKEN, chatId: OWNER });
  try {
    const result = await runPfbot(["--once"], envFor(telegram.url, { DATA_DIR: dataDir }));
    return { sent: telegram.sent, result };
  } finally {
    await telegram.stop();
  }
}

describe("Telegram refusing connections", () => {
  test("--once and --check give up within the bound and exit 1 with a clear line; --once still records the day", async () => {
    const [once, check] = await Promise.all([refusing.once, refusing.check]);
    expect(once.code).toBe(1);
    expect(once.stderr).toContain(
      "ERROR the report could not be delivered to Telegram: Telegram did not answer sendMessage: gave up after",
    );
    expect(once.stderr).toContain("; check this machine's network, and TELEGRAM_API_ROOT if you set it");
    expect(once.stderr).not.toMatch(STACK_LINE);
    expect(once.stderr).not.toContain(TOKEN);
    const store = HistoryStore.open(refusing.onceDataDir, "Europe/Paris");
    expect(store.count()).toBe(1);
    store.close();

    expect(check.code).toBe(1);
    const line = check.stdout.split("\n").find((l) => l.includes("Telegram:"));
    expect(line).toStartWith("[FAIL] Telegram: unreachable: Telegram did not answer getMe: gave up after");
    expect(check.stdout).toContain("[ok  ] Bybit: reachable");
    expect(check.stdout.trimEnd()).toEndWith("1 problem found.");
    // The 1 s bound: refused at once, and a retry 1 s later would end past it, so none is made.
    for (const result of [once, check]) expect(result.ms).toBeLessThan(5_000);
  });
});

describe("SIGTERM ends the bot promptly", () => {
  test("while a reply is stuck in a Telegram that never answers", async () => {
    const { telegram, child } = stuck;
    telegram.faults.add({ path: "sendMessage", hang: true });
    telegram.pushMessage({ chatId: OWNER, text: "/help" });
    await telegram.waitForRequests("sendMessage", 1);
    const result = await stopped(child);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("stopping: SIGTERM");
    expect(result.stderr).toContain("stopped");
    expect(result.ms).toBeLessThan(5_000);
  });

  test("while Telegram refuses connections", async () => {
    await cutOff.relay.stop(true);
    const result = await stopped(cutOff.child);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("stopped");
    expect(result.ms).toBeLessThan(5_000);
  });
});

describe("a DATA_DIR that refuses writes", () => {
  for (const [kind, what, todo] of DATA_DIR_FAULTS) {
    const { dataDir } = faultyDirs.find((made) => made.kind === kind)!;
    test.skipIf("skip" in dataDir)(
      `${kind}: --once still delivers the report, then exits 1 saying the day was not recorded and what to do`,
      async () => {
        const { sent, result } = await faultyRuns.get(kind)!;
        expect(sent).toHaveLength(1);
        expect(sent[0]!.plainText).toStartWith("$105,689 · ₽8.5M\n");
        expect(result.code).toBe(1);
        const line = result.stderr.split("\n").find((l) => l.startsWith("ERROR"));
        expect(line).toStartWith("ERROR the report was delivered, but today's totals were not recorded in the history: ");
        expect(line).toContain(what);
        expect(line).toContain(todo);
        expect(result.stderr).not.toMatch(STACK_LINE);
      },
    );
  }
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
    if (mount.exitCode !== 0)
      return {
        skip: `a ${kind} DATA_DIR needs a tmpfs${kind === "read-only" ? " when running as root (chmod does not stop root)" : ""}, and none can be mounted here: ${mount.stderr.toString().trim()}`,
      };
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
