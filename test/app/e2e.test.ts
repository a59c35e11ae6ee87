// End to end: pfbot's wiring (config → clients → snapshot → JSON/message) against every fake at once, on the
// test's clock, and the compiled binary's --dry-run and --json modes against the same fakes (on the real one).
// Each test has fresh fakes and its own DATA_DIR; IBKR's statement comes from a cache seeded in it, except in
// the tests about the Flex round trip itself.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { createSnapshotTaker } from "../../src/app/wiring.ts";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { historyViewText } from "../../src/history/io.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { POLL_DELAYS_MS } from "../../src/platforms/ibkr/flex.ts";
import { MIN_REQUEST_SPACING_MS } from "../../src/platforms/ibkr/pacer.ts";
import { htmlToText } from "../../src/render/html.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { renderStatus } from "../../src/render/status.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { CBR_PATH, DDOS_GUARD_PAGE, MIRROR_PATH } from "../fakes/fx.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type PfbotProcess, type RunResult, runPfbot, spawnPfbot } from "../support/binary.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { seedIbkrCache } from "../support/ibkr-cache.ts";
import { tempDir } from "../support/temp-dir.ts";

const freshDir = () => tempDir("e2e");

// The compiled binary runs on the real clock: its fakes do too, and IBKR is read from a cached statement.
// Every process starts at once, as the file starts (a start is most of a run's cost), and runs while the
// in-process tests do; each test of "the compiled binary" then reads its own. The one-shot modes start as a
// user at a shell starts them (the JIT on); bot mode as portfolio-bot.service starts it (the JIT off), like
// every other process test.
const SHELL = { as: "shell" } as const;
const TOKEN = "123456789:AAe2eTOKENabcdefghijklmnopqrstuvwx";
let binFakes: AllFakes;
let telegram: TelegramFake;
let runs: { dry: Promise<RunResult>; json: Promise<RunResult>; history: Promise<RunResult>; botWithoutConfig: Promise<RunResult> };
let bot: { child: PfbotProcess; dataDir: string };
const historyDir = freshDir();

beforeAll(async () => {
  [binFakes, telegram] = await Promise.all([startAllFakes({ fxDate: "2026-11-24" }), startTelegramFake({ token: TOKEN })]);
  // Several processes ask OKX's asset-valuation within the same second here; its per-user limit is tested elsewhere.
  binFakes.okx.state.enforceRateLimit = false;
  const cached = freshDir();
  await seedIbkrCache(cached, Date.now() - 60 * 60_000);
  copyFileSync("data/portfolio_history.json", join(historyDir, "portfolio_history.json"));
  const env = { ...binFakes.env, DATA_DIR: cached, TIMEZONE: "Europe/Paris" };
  const botDir = freshDir();
  const botEnv = {
    PATH: process.env.PATH ?? "",
    ...binFakes.env,
    IBKR_FLEX_TOKEN: "",
    IBKR_QUERY_ID: "",
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: "31337",
    TELEGRAM_API_ROOT: telegram.url,
    DATA_DIR: botDir,
  };
  bot = { child: await spawnPfbot([], botEnv), dataDir: botDir };
  runs = {
    dry: runPfbot(["--once", "--dry-run"], env, SHELL),
    json: runPfbot(["--json"], env, SHELL),
    history: runPfbot(["--history"], { DATA_DIR: historyDir, TIMEZONE: "Europe/Paris" }, SHELL),
    botWithoutConfig: runPfbot([], { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: "31337", OKX_API_KEY: "only-the-key" }),
  };
});
afterAll(async () => {
  bot.child.kill("SIGKILL");
  await Promise.all([...Object.values(runs), bot.child.exited]);
  await Promise.all([binFakes.stop(), telegram.stop()]);
});

describe("all six platforms and the FX rate", () => {
  let clock: FakeClock;
  let fakes: AllFakes;
  beforeEach(async () => {
    clock = fakeClock();
    fakes = await startAllFakes({ fxDate: "2026-11-24", now: clock.now });
  });
  afterEach(async () => {
    await fakes.stop();
  });

  /** `timeoutSeconds`: PLATFORM_TIMEOUT_SECONDS, as set (20 s by default) unless given. */
  function configWith(overrides: Record<string, string>, dataDir: string, timeoutSeconds?: number): Config {
    const loaded = loadConfig(
      { vars: { ...fakes.env, DATA_DIR: dataDir, ...overrides }, file: null },
      { platforms: true, telegram: false },
    );
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    return timeoutSeconds === undefined ? loaded.config : { ...loaded.config, platformTimeoutSeconds: timeoutSeconds };
  }
  /** A snapshot with IBKR read from a statement cached an hour ago. */
  async function snapshotWith(overrides: Record<string, string> = {}, dataDir = freshDir(), timeoutSeconds?: number) {
    await seedIbkrCache(dataDir, clock.now() - 60 * 60_000);
    const snapshot = await (await createSnapshotTaker(configWith(overrides, dataDir, timeoutSeconds), silentLogger, "test", clock)).take();
    return { snapshot, json: snapshotJson(snapshot, null) };
  }

  test("known balances give totals to the cent", async () => {
    const { json, snapshot } = await snapshotWith();
    expect(json.complete).toBe(true);
    expect(json.platforms.map((p) => [p.id, p.ok, p.usd])).toEqual([
      ["bybit", true, 28545.22],
      ["okx", true, 16444.83],
      ["tbank", true, 24045.71],
      ["ibkr", true, 321978.42],
      ["binance", true, 19995.9],
      ["kucoin", true, 16656.86],
    ]);
    expect(json.platforms[2]!.native).toEqual({ currency: "RUB", amount: 1934506.33 });
    expect(json.platforms[3]!.asOf).toBe("2026-11-23");
    expect(json.cryptoUsd).toBe(81642.81);
    expect(json.totalUsd).toBe(427666.94);
    expect(json.totalRub).toBe(34406318.79);
    expect(json.usdRub).toEqual({ rate: 80.4512, source: "CBR", date: "2026-11-24" });
    const view = renderStatus(snapshot, { includeBreakdown: true, privacy: false, changes: null, defaultTimeZone: "Europe/Paris" });
    const text = htmlToText(view.html);
    expect(text).toStartWith("$427,667 · ₽34.4M\n");
    expect(text).toContain("\nUpdated 24 Nov, 10:00\n");
    expect(text).toContain("\nIBKR $321,978 · 23 Nov\n   U•••4321 $251,002\n   U•••4322 €61,940\n");
    expect(text).toContain("\nT-Bank $24,046\n   Брокерский счёт ₽1,523,457\n   ИИС ₽412,300\n   Маржинальный −₽1,251\n");
    // The realistic T-Bank token reads its whole portfolio: nothing to note (an Invest Box would be left out by name).
    expect(text).not.toContain("ℹ️ T-Bank");
    expect(fakes.ibkr.calls).toEqual([]);
  });

  test("one platform failing per kind leaves the others intact and marks the totals partial", async () => {
    fakes.bybit.faults.add({ path: "/v5/asset/asset-overview", status: 500, body: "internal error" });
    fakes.tbank.faults.add({ hang: true });
    fakes.ibkr.faults.add({ path: "SendRequest", code: 1012 });
    // IBKR_CACHE_MINUTES=0: IBKR is asked, and its answer is an expired token. Every fake is local: a short bound
    // keeps the wait for the platform that never answers short, with room for a machine busy with this file's
    // binary runs. (The other tests keep the default bound: nothing of theirs waits for it.)
    const { json } = await snapshotWith({ OKX_API_SECRET: "wrong-secret-0000000000000000000", IBKR_CACHE_MINUTES: "0" }, freshDir(), 0.5);
    const byId = Object.fromEntries(json.platforms.map((p) => [p.id, p]));
    expect(json.complete).toBe(false);
    expect(byId.bybit!.error).toContain("Bybit is unavailable (HTTP 500");
    expect(byId.okx!.error).toContain("OKX_API_SECRET");
    expect(byId.tbank!.error).toContain("did not answer");
    expect(byId.ibkr!.error).toContain("IBKR_FLEX_TOKEN");
    // Binance and KuCoin are intact: the totals hold them alone, marked partial.
    expect([byId.binance!.ok, byId.kucoin!.ok]).toEqual([true, true]);
    expect(json.totalUsd).toBe(36652.75);
    expect(json.cryptoUsd).toBe(36652.75);
  });

  test("a malformed body from one platform is reported, the rest are counted", async () => {
    // An unreadable overview sends Bybit to its fallback, so the wallet answers garbage too.
    for (const path of ["/v5/asset/asset-overview", "/v5/account/wallet-balance"])
      fakes.bybit.faults.add({ path, status: 200, body: '{"retCode":0,"result":' });
    const { json } = await snapshotWith();
    const bybit = json.platforms.find((p) => p.id === "bybit")!;
    expect(bybit.ok).toBe(false);
    expect(bybit.error).toContain("not JSON");
    expect(json.totalUsd).toBe(399121.72);
  });

  test("only OKX failing: the total is the other five, to the cent", async () => {
    const { json } = await snapshotWith({ OKX_API_KEY: "not-the-key" });
    expect(json.platforms.find((p) => p.id === "okx")!.error).toContain("OKX_API_KEY");
    expect(json.complete).toBe(false);
    expect(json.totalUsd).toBe(411222.11);
    expect(json.cryptoUsd).toBe(65197.97);
  });

  test("FX failing: no RUB total, T-Bank keeps its RUB figure without a USD value", async () => {
    fakes.fx.faults.add({ path: CBR_PATH, status: 500 }, { path: MIRROR_PATH, body: DDOS_GUARD_PAGE });
    const { json } = await snapshotWith();
    expect(json.usdRub).toBeNull();
    expect(json.totalRub).toBeNull();
    const tbank = json.platforms.find((p) => p.id === "tbank")!;
    expect(tbank).toMatchObject({ ok: true, usd: null, native: { currency: "RUB", amount: 1934506.33 } });
    expect(json.platforms.find((p) => p.id === "bybit")!.usd).toBe(28545.22);
  });
});

describe("IBKR's Flex round trip through the wiring", () => {
  let clock: FakeClock;
  let fakes: AllFakes;
  beforeEach(async () => {
    clock = fakeClock();
    fakes = await startAllFakes({ fxDate: "2026-11-24", now: clock.now, ibkrInProgressPolls: 1 });
  });
  afterEach(async () => {
    await fakes.stop();
  });

  /** Only IBKR configured (the others' timestamp windows do not see the clock jump over IBKR's polls), no cache. */
  function ibkrOnly(dataDir = freshDir()): Config {
    const vars = {
      IBKR_FLEX_TOKEN: fakes.env.IBKR_FLEX_TOKEN!,
      IBKR_QUERY_ID: fakes.env.IBKR_QUERY_ID!,
      IBKR_FLEX_BASE_URL: fakes.env.IBKR_FLEX_BASE_URL!,
      CBR_BASE_URL: fakes.env.CBR_BASE_URL!,
      CBR_MIRROR_BASE_URL: fakes.env.CBR_MIRROR_BASE_URL!,
      DATA_DIR: dataDir,
      IBKR_CACHE_MINUTES: "0",
    };
    const loaded = loadConfig({ vars, file: null }, { platforms: true, telegram: false });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    return loaded.config;
  }

  test("the statement is polled on the injected clock: its waits cost no real time", async () => {
    const started = performance.now();
    const snapshot = await (await createSnapshotTaker(ibkrOnly(), silentLogger, "test", clock)).take();
    expect(snapshotJson(snapshot, null).platforms).toEqual([expect.objectContaining({ id: "ibkr", ok: true, usd: 321978.42 })]);
    expect(fakes.ibkr.calls.map((call) => `${call.step}:${call.answer}`)).toEqual([
      "SendRequest:ticket",
      "GetStatement:1019",
      "GetStatement:statement",
    ]);
    // 5 s before the first poll, 5 s before the next: waited on the fake clock, not in real time.
    expect(clock.sleeps.slice(0, 2)).toEqual(POLL_DELAYS_MS.slice(0, 2));
    expect(performance.now() - started).toBeLessThan(POLL_DELAYS_MS[0]!);
    expect(fakes.ibkr.violations).toEqual([]);
  });

  test("one taker keeps one pacer: snapshots back to back never send IBKR two requests within a second", async () => {
    const taker = await createSnapshotTaker(ibkrOnly(), silentLogger, "test", clock);
    for (let i = 0; i < 3; i++) expect((await taker.take()).rows[0]!.ok).toBe(true);
    const times = fakes.ibkr.calls.map((call) => call.at);
    expect(times).toHaveLength(9);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(MIN_REQUEST_SPACING_MS);
    expect(fakes.ibkr.violations).toEqual([]);
  });
});

describe("the compiled binary", () => {
  test("--once --dry-run prints the message and --json the snapshot, exit 0", async () => {
    const [dry, json] = await Promise.all([runs.dry, runs.json]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toStartWith("$427,667 · ₽34.4M\n");
    expect(dry.stdout).not.toContain("<b>");
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.totalUsd).toBe(427666.94);
    expect(parsed.complete).toBe(true);
    for (const name of ["OKX_API_SECRET", "IBKR_FLEX_TOKEN", "TBANK_API_TOKEN", "BINANCE_API_SECRET", "KUCOIN_API_PASSPHRASE"]) {
      const secret = binFakes.env[name]!;
      expect(dry.stderr + json.stderr + dry.stdout + json.stdout).not.toContain(secret);
    }
    expect(binFakes.ibkr.calls).toEqual([]);
  });

  test("--history in a clone prints the shipped sample days as samples, kept out of the history", async () => {
    const result = await runs.history;
    expect(result.code).toBe(0);
    const store = HistoryStore.open(historyDir, "Europe/Paris");
    try {
      expect(result.stdout.trimEnd()).toBe(historyViewText(store).trimEnd());
      expect(store.count()).toBe(0);
      expect(store.samples()).toHaveLength(5);
    } finally {
      store.close();
    }
    expect(result.stdout).toStartWith("Sample history, USD · 19 Nov – 23 Nov\n");
    expect(result.stdout).toContain("\n23.11 Mon  $42,731   ▲0.8% s\n");
    expect(result.stderr).toContain("5 sample days (pfbot's data/portfolio_history.json, not your history) kept apart");
  });

  test("bot mode starts (configuration checked in a process of its own), long-polls, and SIGTERM stops it cleanly: exit 0, the database closed", async () => {
    await telegram.waitForRequests("getUpdates", 1);
    telegram.pushMessage({ chatId: 31337, text: "/help" });
    expect((await telegram.waitForSent(1))[0]!.plainText).toContain("/status");
    bot.child.kill("SIGTERM");
    const [code, stderr] = await Promise.all([bot.child.exited, new Response(bot.child.stderr).text()]);
    expect(code).toBe(0);
    expect(stderr).toContain("stopping: SIGTERM");
    expect(stderr).toContain("stopped");
    expect(stderr).not.toContain(TOKEN);
    // WAL mode: a clean close folds the -wal file back into the database.
    expect(await Bun.file(join(bot.dataDir, "pfbot.sqlite")).exists()).toBe(true);
    expect(await Bun.file(join(bot.dataDir, "pfbot.sqlite-wal")).exists()).toBe(false);
  });

  test("bot mode with a configuration error exits 2 from its configuration check, naming the problem", async () => {
    const bad = await runs.botWithoutConfig;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("OKX is partly configured");
    expect(bad.stderr).not.toContain("only-the-key");
  });
});
