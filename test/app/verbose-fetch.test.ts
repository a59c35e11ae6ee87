// BUN_CONFIG_VERBOSE_FETCH=curl makes Bun print every request with its headers (API keys, signatures, tokens).
// pfbot turns it off for its own requests and warns, at start-up and in --check. A process boundary, so the
// compiled binary is run, against the fakes, with the variable in its environment and in its env file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { readEnvSource } from "../../src/config/env-source.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { spawnPfbot } from "../support/binary.ts";
import { seedIbkrCache } from "../support/ibkr-cache.ts";
import { tempDir } from "../support/temp-dir.ts";

const TELEGRAM_TOKEN = "123456789:AAverboseTOKENabcdefghijklmnopqrst";
const CHAT = 4242;
/** What Bun's verbose fetch prints: a curl line, or request header lines. */
interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
  readonly all: string;
}

const PRINTED_REQUEST = /curl --http1\.1|X-BAPI-API-KEY|X-BAPI-SIGN|OK-ACCESS-|Authorization:|Bearer /i;

describe("BUN_CONFIG_VERBOSE_FETCH in the configuration", () => {
  test("set in the env file or the environment, it is a start-up warning and a leaky setting", () => {
    const dir = tempDir("verbose");
    writeFileSync(join(dir, ".env"), "BUN_CONFIG_VERBOSE_FETCH=curl\nBYBIT_API_KEY=k\nBYBIT_API_SECRET=s\n", { mode: 0o600 });
    for (const processEnv of [{}, { BUN_CONFIG_VERBOSE_FETCH: "true" }]) {
      const source = readEnvSource(processEnv, dir, null);
      if ("error" in source) throw new Error(source.error);
      const loaded = loadConfig(source, { platforms: true, telegram: false });
      if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
      const value = processEnv.BUN_CONFIG_VERBOSE_FETCH ?? "curl";
      expect(loaded.config.leakySettings).toHaveLength(1);
      expect(loaded.config.leakySettings[0]).toStartWith(
        `BUN_CONFIG_VERBOSE_FETCH=${value} is set: Bun would print every request's headers`,
      );
      expect(loaded.config.warnings).toContain(loaded.config.leakySettings[0]!);
    }
    const clean = loadConfig({ vars: { BYBIT_API_KEY: "k", BYBIT_API_SECRET: "s" }, file: null }, { platforms: true, telegram: false });
    expect(clean.ok && clean.config.leakySettings).toEqual([]);
  });
});

describe("the compiled binary with BUN_CONFIG_VERBOSE_FETCH=curl", () => {
  // The three runs start in beforeAll, at once (a start is most of a run's cost); each test reads its own.
  const dir = tempDir("verbose-bin");
  let fakes: AllFakes;
  let telegram: TelegramFake;
  let json: Promise<Run>;
  let checks: Promise<[Run, Run]>;

  beforeAll(async () => {
    [fakes, telegram] = await Promise.all([
      startAllFakes({ fxDate: "2026-11-24" }),
      startTelegramFake({ token: TELEGRAM_TOKEN, chatId: CHAT }),
    ]);
    // Three processes ask IBKR and OKX's asset-valuation within the same second here; their limits are tested elsewhere.
    fakes.ibkr.state.enforceRateLimit = false;
    fakes.okx.state.enforceRateLimit = false;
    // Each run reads IBKR from a cached statement (no 5 s Flex poll in real time); --check still sends IBKR a
    // request, its audit's SendRequest.
    const cached = async (): Promise<string> => {
      const dataDir = mkdtempSync(join(dir, "data-"));
      await seedIbkrCache(dataDir, Date.now() - 60 * 60_000);
      return dataDir;
    };
    json = run(["--json"], { ...fakes.env, BUN_CONFIG_VERBOSE_FETCH: "curl", DATA_DIR: await cached() });
    const base = { ...fakes.env, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN, TELEGRAM_CHAT_ID: String(CHAT), TELEGRAM_API_ROOT: telegram.url };
    const envFile = join(dir, "pfbot.env");
    writeFileSync(envFile, "BUN_CONFIG_VERBOSE_FETCH=curl\n", { mode: 0o600 });
    checks = Promise.all([
      run(["--check", "--env-file", envFile], { ...base, DATA_DIR: await cached() }),
      run(["--check"], { ...base, BUN_CONFIG_VERBOSE_FETCH: "1", DATA_DIR: await cached() }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([json, checks]);
    await Promise.all([fakes.stop(), telegram.stop()]);
  });

  async function run(args: string[], env: Record<string, string>): Promise<Run> {
    const child = await spawnPfbot(args, env, { cwd: dir });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { stdout, stderr, code, all: stdout + stderr };
  }
  const secrets = () => [
    ...Object.entries(fakes.env)
      .filter(([name]) => /KEY|SECRET|PASSPHRASE|TOKEN/.test(name))
      .map(([, value]) => value),
    TELEGRAM_TOKEN,
  ];

  test("--json prints no request, header or secret, and warns on stderr", async () => {
    const result = await json;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).complete).toBe(true);
    expect(result.all).not.toMatch(PRINTED_REQUEST);
    for (const secret of secrets()) expect(result.all).not.toContain(secret);
    expect(result.stderr).toContain("BUN_CONFIG_VERBOSE_FETCH=curl is set");
  });

  test("--check with it in the env file or the environment: a WARN line, counted as a problem (exit 1)", async () => {
    const [fromFile, fromEnv] = await checks;
    for (const [result, value] of [
      [fromFile, "curl"],
      [fromEnv, "1"],
    ] as const) {
      expect(result.stdout).toContain(`[WARN] BUN_CONFIG_VERBOSE_FETCH=${value} is set`);
      expect(result.stdout).toContain("[ok  ] IBKR: reachable");
      expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("1 problem found.");
      expect(result.code).toBe(1);
      expect(result.all).not.toMatch(PRINTED_REQUEST);
      for (const secret of secrets()) expect(result.all).not.toContain(secret);
    }
  });
});
