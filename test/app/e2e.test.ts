// End to end: pfbot's wiring (config → clients → snapshot → JSON/message) against every fake at once,
// and the compiled binary's --dry-run and --json modes against the same fakes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { formatSnapshotHtml, htmlToText } from "../../src/render/message.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { historyViewText } from "../../src/history/io.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { createSnapshotTaker } from "../../src/app/wiring.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake } from "../fakes/telegram.ts";
import { pfbotBinary } from "../support/binary.ts";

let fakes: AllFakes;
const sharedDataDir = mkdtempSync(join(tmpdir(), "pfbot-e2e-"));

beforeAll(async () => {
  fakes = await startAllFakes({ fxDate: "2026-11-24" });
});
afterAll(async () => {
  await fakes.stop();
});

async function snapshotWith(overrides: Record<string, string> = {}, dataDir = sharedDataDir) {
  const loaded = loadConfig({ vars: { ...fakes.env, DATA_DIR: dataDir, PLATFORM_TIMEOUT_SECONDS: "3", ...overrides }, file: null }, { platforms: true, telegram: false });
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const snapshot = await (await createSnapshotTaker(loaded.config, silentLogger, "test")).take();
  return { snapshot, json: snapshotJson(snapshot, null) };
}
const freshDir = () => mkdtempSync(join(tmpdir(), "pfbot-e2e-"));
/** A new DATA_DIR (no FX cache) that keeps the IBKR statement cached by the first test: IBKR allows 10 requests a minute. */
const dirWithIbkrCache = () => {
  const dir = freshDir();
  copyFileSync(join(sharedDataDir, "ibkr-cache.json"), join(dir, "ibkr-cache.json"));
  return dir;
};

describe("all four platforms and the FX rate", () => {
  test("known balances give totals to the cent", async () => {
    const { json, snapshot } = await snapshotWith();
    expect(json.complete).toBe(true);
    expect(json.platforms.map((p) => [p.id, p.ok, p.usd])).toEqual([
      ["bybit", true, 28545.22],
      ["okx", true, 16444.83],
      ["tbank", true, 24045.71],
      ["ibkr", true, 321978.42],
    ]);
    expect(json.platforms[2]!.native).toEqual({ currency: "RUB", amount: 1934506.33 });
    expect(json.platforms[3]!.asOf).toBe("2026-03-13");
    expect(json.cryptoUsd).toBe(44990.05);
    expect(json.totalUsd).toBe(391014.19);
    expect(json.totalRub).toBe(31457560.76);
    expect(json.usdRub).toEqual({ rate: 80.4512, source: "CBR", date: "2026-11-24" });
    const text = htmlToText(formatSnapshotHtml(snapshot, { includeBreakdown: true }));
    expect(text).toContain("IBKR: $321,978.42 · as of 13 Mar 2026");
    expect(text).toContain("T-Bank: $24,045.71 · ₽ 1,934,506");
    expect(text).toContain("Total: ₽ 31,457,561");
    expect(text).toContain("T-Bank: account Инвесткопилка");
  }, 30_000);

  test("one platform failing per kind leaves the others intact and marks the totals partial", async () => {
    fakes.bybit.state.faults.push({ path: "/v5/asset/asset-overview", status: 500, body: "internal error" });
    fakes.tbank.state.delayMs = 5_000;
    fakes.ibkr.state.sendError = 1012;
    try {
      const { json } = await snapshotWith({ OKX_API_SECRET: "wrong-secret-0000000000000000000" }, freshDir());
      const byId = Object.fromEntries(json.platforms.map((p) => [p.id, p]));
      expect(json.complete).toBe(false);
      expect(byId.bybit!.error).toContain("Bybit is unavailable (HTTP 500");
      expect(byId.okx!.error).toContain("OKX_API_SECRET");
      expect(byId.tbank!.error).toContain("did not answer");
      expect(byId.ibkr!.error).toContain("IBKR_FLEX_TOKEN");
      expect(json.totalUsd).toBeNull();
      expect(json.totalRub).toBeNull();
    } finally {
      fakes.bybit.state.faults.length = 0;
      fakes.tbank.state.delayMs = 0;
      fakes.ibkr.state.sendError = null;
    }
  }, 30_000);

  test("a malformed body from one platform is reported, the rest are counted", async () => {
    // An unreadable overview sends Bybit to its fallback, so the wallet answers garbage too.
    for (const path of ["/v5/asset/asset-overview", "/v5/account/wallet-balance"]) fakes.bybit.state.faults.push({ path, status: 200, body: "{\"retCode\":0,\"result\":" });
    try {
      const { json } = await snapshotWith({}, dirWithIbkrCache());
      const bybit = json.platforms.find((p) => p.id === "bybit")!;
      expect(bybit.ok).toBe(false);
      expect(bybit.error).toContain("not JSON");
      expect(json.totalUsd).toBe(362468.97);
    } finally {
      fakes.bybit.state.faults.length = 0;
    }
  }, 30_000);

  test("only OKX failing: the total is the other three, to the cent", async () => {
    const { json } = await snapshotWith({ OKX_API_KEY: "not-the-key" });
    expect(json.platforms.find((p) => p.id === "okx")!.error).toContain("OKX_API_KEY");
    expect(json.complete).toBe(false);
    expect(json.totalUsd).toBe(374569.35);
    expect(json.cryptoUsd).toBe(28545.22);
  }, 30_000);

  test("FX failing: no RUB total, T-Bank keeps its RUB figure without a USD value", async () => {
    fakes.fx.state.cbr = "down";
    fakes.fx.state.mirror = "html";
    try {
      const { json } = await snapshotWith({}, dirWithIbkrCache());
      expect(json.usdRub).toBeNull();
      expect(json.totalRub).toBeNull();
      const tbank = json.platforms.find((p) => p.id === "tbank")!;
      expect(tbank).toMatchObject({ ok: true, usd: null, native: { currency: "RUB", amount: 1934506.33 } });
      expect(json.platforms.find((p) => p.id === "bybit")!.usd).toBe(28545.22);
    } finally {
      fakes.fx.state.cbr = "ok";
      fakes.fx.state.mirror = "ok";
    }
  }, 30_000);
});

describe("the compiled binary", () => {
  const binDir = mkdtempSync(join(tmpdir(), "pfbot-bin-"));
  let binary: string;

  beforeAll(async () => {
    binary = await pfbotBinary();
  }, 60_000);

  async function run(args: string[], env: Record<string, string>) {
    const child = Bun.spawn([binary, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, cwd: binDir, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { stdout, stderr, code };
  }

  test("--once --dry-run prints the message and --json the snapshot, exit 0", async () => {
    const env = { ...fakes.env, DATA_DIR: sharedDataDir, TIMEZONE: "Europe/Paris" };
    const dry = await run(["--once", "--dry-run"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Total: $391,014.19");
    expect(dry.stdout).not.toContain("<b>");
    const json = await run(["--json"], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.totalUsd).toBe(391014.19);
    expect(parsed.complete).toBe(true);
    for (const secret of [fakes.env.OKX_API_SECRET!, fakes.env.IBKR_FLEX_TOKEN!, fakes.env.TBANK_API_TOKEN!]) {
      expect(dry.stderr + json.stderr + dry.stdout + json.stdout).not.toContain(secret);
    }
  }, 60_000);

  test("every platform failing exits 1; a config error exits 2", async () => {
    const everyFailing = { ...fakes.env, DATA_DIR: freshDir(), BYBIT_API_KEY: "x-wrong", OKX_API_KEY: "x-wrong", TBANK_API_TOKEN: "t.wrong-token", IBKR_FLEX_TOKEN: "000000000000000000000000" };
    fakes.ibkr.state.sendError = 1015;
    try {
      const result = await run(["--json"], everyFailing);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).platforms.every((p: { ok: boolean }) => !p.ok)).toBe(true);
    } finally {
      fakes.ibkr.state.sendError = null;
    }
    const bad = await run(["--dry-run"], { OKX_API_KEY: "only-the-key" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("OKX is partly configured");
    expect(bad.stderr).not.toContain("only-the-key");
  }, 60_000);

  test("--history prints the history view after importing the original bot's file on first start", async () => {
    const dataDir = freshDir();
    copyFileSync("data/portfolio_history.json", join(dataDir, "portfolio_history.json"));
    const result = await run(["--history"], { DATA_DIR: dataDir, TIMEZONE: "Europe/Paris" });
    expect(result.code).toBe(0);
    const store = HistoryStore.open(dataDir, "Europe/Paris");
    try {
      expect(result.stdout.trimEnd()).toBe(historyViewText(store).trimEnd());
      expect(store.count()).toBe(5);
    } finally {
      store.close();
    }
    expect(result.stdout).toContain("Mon 23.11.2026  $42,731.18");
    expect(result.stderr).toContain("5 days added");
  }, 60_000);

  test("bot mode starts (configuration checked in its worker), long-polls and stops on SIGTERM", async () => {
    const token = "123456789:AAe2eTOKENabcdefghijklmnopqrstuvwx";
    const telegram = await startTelegramFake({ token });
    try {
      const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
      const env = { PATH: process.env.PATH ?? "", ...platforms, TELEGRAM_BOT_TOKEN: token, TELEGRAM_CHAT_ID: "31337", TELEGRAM_API_ROOT: telegram.url, DATA_DIR: freshDir() };
      const child = Bun.spawn([binary], { env, cwd: binDir, stdout: "pipe", stderr: "pipe" });
      await telegram.waitForCalls("getUpdates", 1, 15_000);
      telegram.pushMessage({ chatId: 31337, text: "/help" });
      expect((await telegram.waitForSent(1, 10_000))[0]!.plainText).toContain("/status");
      child.kill("SIGTERM");
      const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
      expect(code).toBe(0);
      expect(stderr).toContain("stopped");
      const bad = await run([], { TELEGRAM_BOT_TOKEN: token, TELEGRAM_CHAT_ID: "31337", OKX_API_KEY: "only-the-key" });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("OKX is partly configured");
    } finally {
      await telegram.stop();
    }
  }, 60_000);
});
