import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Config, type ConfigNeeds, KNOWN_VARIABLES, loadConfig } from "../../src/config/config.ts";
import { noEnvFileNote, nonEmptyVariables, readEnvSource } from "../../src/config/env-source.ts";
import { PLATFORMS } from "../../src/platforms/registry.ts";
import { tempDir } from "../support/temp-dir.ts";

const BALANCES: ConfigNeeds = { platforms: true, telegram: false };
const SENDING: ConfigNeeds = { platforms: true, telegram: true };
const HISTORY_ONLY: ConfigNeeds = { platforms: false, telegram: false };
const BYBIT = { BYBIT_API_KEY: "bybit-key-1234", BYBIT_API_SECRET: "bybit-secret-5678" };
const TELEGRAM = { TELEGRAM_BOT_TOKEN: "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ", TELEGRAM_CHAT_ID: "-1001234567890" };

function load(vars: Record<string, string>, needs: ConfigNeeds = BALANCES) {
  return loadConfig({ vars, file: null }, needs);
}
function errorsOf(vars: Record<string, string>, needs: ConfigNeeds = BALANCES): string[] {
  const result = load(vars, needs);
  if (result.ok) throw new Error("expected configuration errors");
  return [...result.errors];
}
/** The settings of an enabled platform, or null when it is not enabled. */
function platformOf(config: Config, id: string) {
  return config.platforms.find((platform) => platform.id === id)?.settings ?? null;
}
function configOf(vars: Record<string, string>, needs: ConfigNeeds = BALANCES) {
  const result = load(vars, needs);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

describe("defaults and valid values", () => {
  test("applies the original bot's defaults", () => {
    const config = configOf(BYBIT);
    expect(config.timeZone).toBe("Europe/Paris");
    expect(config.pollIntervalMinutes).toBe(120);
    expect([config.windowStartHour, config.windowEndHour]).toEqual([8, 20]);
    expect(config.logLevel).toBe("info");
    expect(config.includeCryptoBreakdown).toBe(true);
    expect(config.privacy).toBe(false);
    expect(config.notify).toBe("all");
    expect(config.fx).toEqual({
      provider: "CBR",
      cbrBaseUrl: "https://www.cbr.ru",
      mirrorBaseUrl: "https://www.cbr-xml-daily.ru",
      ttlMinutes: 60,
    });
    expect(config.dataDir).toBe("./data");
    expect(config.platformTimeoutSeconds).toBe(20);
    expect(config.platforms).toEqual([
      { id: "bybit", settings: { apiKey: "bybit-key-1234", apiSecret: "bybit-secret-5678", baseUrl: "https://api.bybit.com" } },
    ]);
    expect(config.telegram).toBeNull();
    expect(config.webhook).toBeNull();
    expect([config.listenHost, config.listenPort]).toEqual(["127.0.0.1", 8080]);
  });

  test("parses every setting and drops a trailing slash from base URLs", () => {
    const config = configOf(
      {
        ...BYBIT,
        ...TELEGRAM,
        OKX_API_KEY: "okx-key",
        OKX_API_SECRET: "okx-secret",
        OKX_API_PASSPHRASE: "okx-pass",
        TBANK_API_TOKEN: "t.tbank-token",
        IBKR_FLEX_TOKEN: "123456789012345678901234",
        IBKR_QUERY_ID: "987654",
        TIMEZONE: "Asia/Yekaterinburg",
        POLL_INTERVAL_MINUTES: "1440",
        WINDOW_START_HOUR: "0",
        WINDOW_END_HOUR: "24",
        LOG_LEVEL: "DEBUG",
        INCLUDE_CRYPTO_BREAKDOWN: "No",
        PRIVACY: "on",
        NOTIFY: "Problems",
        FX_PROVIDER: "cbr_mirror",
        FX_TTL_MINUTES: "30",
        DATA_DIR: "/var/lib/pfbot",
        BYBIT_BASE_URL: "https://api.bybit.nl/",
        OKX_BASE_URL: "https://eea.okx.com",
        TELEGRAM_API_ROOT: "http://127.0.0.1:9000//",
        IBKR_CACHE_MINUTES: "0",
      },
      SENDING,
    );
    expect(config.telegram).toEqual({ token: TELEGRAM.TELEGRAM_BOT_TOKEN, chatId: -1001234567890, apiRoot: "http://127.0.0.1:9000" });
    expect(config.platforms.map((platform) => platform.id)).toEqual(["bybit", "okx", "tbank", "ibkr"]);
    expect(platformOf(config, "okx")?.baseUrl).toBe("https://eea.okx.com");
    expect(platformOf(config, "bybit")?.baseUrl).toBe("https://api.bybit.nl");
    expect(platformOf(config, "tbank")).toEqual({
      token: "t.tbank-token",
      baseUrl: "https://invest-public-api.tbank.ru/rest",
      caFile: null,
    });
    expect(platformOf(config, "ibkr")).toMatchObject({
      token: "123456789012345678901234",
      queryId: "987654",
      cacheMinutes: 0,
      timeoutSeconds: 150,
    });
    expect(config.timeZone).toBe("Asia/Yekaterinburg");
    expect([config.pollIntervalMinutes, config.windowStartHour, config.windowEndHour]).toEqual([1440, 0, 24]);
    expect(config.logLevel).toBe("debug");
    expect(config.includeCryptoBreakdown).toBe(false);
    expect(config.privacy).toBe(true);
    expect(config.notify).toBe("problems");
    expect(config.fx.provider).toBe("CBR_MIRROR");
    expect(config.fx.ttlMinutes).toBe(30);
    expect(config.dataDir).toBe("/var/lib/pfbot");
    expect(config.secrets).toContain("okx-pass");
    expect(config.secrets).toContain(TELEGRAM.TELEGRAM_BOT_TOKEN);
  });

  test.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["YES", true],
    ["false", false],
    ["0", false],
    ["no", false],
  ])("INCLUDE_CRYPTO_BREAKDOWN=%s is %p", (text, expected) => {
    expect(configOf({ ...BYBIT, INCLUDE_CRYPTO_BREAKDOWN: text }).includeCryptoBreakdown).toBe(expected);
  });

  test.each([
    ["on", true],
    ["ON", true],
    ["yes", true],
    ["1", true],
    ["off", false],
    ["false", false],
    ["0", false],
  ])("PRIVACY=%s is %p", (text, expected) => {
    expect(configOf({ ...BYBIT, PRIVACY: text }).privacy).toBe(expected);
  });

  test("any non-empty subset of platforms works, Bybit and OKX not required", () => {
    const config = configOf({ IBKR_FLEX_TOKEN: "tok-abcdef", IBKR_QUERY_ID: "1" });
    expect(config.platforms.map((platform) => platform.id)).toEqual(["ibkr"]);
  });

  test("an empty value counts as unset", () => {
    const config = configOf({ ...BYBIT, OKX_API_KEY: "", OKX_API_SECRET: " ", TIMEZONE: "" });
    expect(platformOf(config, "okx")).toBeNull();
    expect(config.timeZone).toBe("Europe/Paris");
  });

  test("FX_PROVIDER=ECB from the original template is accepted with a warning and uses CBR", () => {
    const config = configOf({ ...BYBIT, FX_PROVIDER: "ECB" });
    expect(config.fx.provider).toBe("CBR");
    expect(config.warnings.join()).toContain("no RUB rate since March 2022");
  });

  test("history modes need neither platforms nor Telegram", () => {
    expect(configOf({}, HISTORY_ONLY).dataDir).toBe("./data");
  });
});

describe("errors", () => {
  test.each([
    ["TIMEZONE", "Mars/Olympus", "TIMEZONE must be a valid IANA time zone"],
    ["POLL_INTERVAL_MINUTES", "0", "POLL_INTERVAL_MINUTES must be at least 1"],
    ["POLL_INTERVAL_MINUTES", "1441", "POLL_INTERVAL_MINUTES must be at most 1440"],
    ["POLL_INTERVAL_MINUTES", "1.5", "POLL_INTERVAL_MINUTES must be a well-formed integer"],
    ["WINDOW_START_HOUR", "-1", "WINDOW_START_HOUR must be"],
    ["WINDOW_END_HOUR", "25", "WINDOW_END_HOUR must be at most 24"],
    ["LOG_LEVEL", "trace", "LOG_LEVEL must be"],
    ["INCLUDE_CRYPTO_BREAKDOWN", "maybe", "INCLUDE_CRYPTO_BREAKDOWN must be true, false, 1, 0, yes or no"],
    ["PRIVACY", "hidden", "PRIVACY must be on or off (or true, false, 1, 0, yes, no)"],
    ["NOTIFY", "never", 'NOTIFY must be "all", "problems" or "silent"'],
    ["FX_PROVIDER", "OANDA", "FX_PROVIDER must be"],
    ["FX_TTL_MINUTES", "abc", "FX_TTL_MINUTES must be"],
    ["OKX_BASE_URL", "ftp://okx.com", "OKX_BASE_URL must be an http(s) URL"],
    ["CBR_BASE_URL", "www.cbr.ru", "CBR_BASE_URL must be an http(s) URL"],
    ["TELEGRAM_CHAT_ID", "@mychannel", "TELEGRAM_CHAT_ID must be a well-formed integer"],
    ["TBANK_CA_FILE", "/nonexistent/ca.pem", "TBANK_CA_FILE must be the path of an existing PEM file"],
  ])("%s=%s is rejected naming the variable", (name, value, message) => {
    const errors = errorsOf({ ...BYBIT, [name]: value });
    expect(errors.some((e) => e.startsWith(message))).toBe(true);
  });

  test("the window must start before it ends", () => {
    expect(errorsOf({ ...BYBIT, WINDOW_START_HOUR: "20", WINDOW_END_HOUR: "8" })).toEqual([
      "WINDOW_START_HOUR must be before WINDOW_END_HOUR (was 20 and 8)",
    ]);
  });

  test("the window's order is reported together with every other problem", () => {
    expect(errorsOf({ ...BYBIT, TIMEZONE: "Nowhere", WINDOW_START_HOUR: "20", WINDOW_END_HOUR: "8", POLL_INTERVAL_MINUTES: "0" })).toEqual([
      'TIMEZONE must be a valid IANA time zone such as Europe/Paris (was "Nowhere")',
      "POLL_INTERVAL_MINUTES must be at least 1 (was 0)",
      "WINDOW_START_HOUR must be before WINDOW_END_HOUR (was 20 and 8)",
    ]);
    // With a default on one side, too.
    expect(errorsOf({ ...BYBIT, WINDOW_START_HOUR: "21", LOG_LEVEL: "loud" })).toContain(
      "WINDOW_START_HOUR must be before WINDOW_END_HOUR (was 21 and 20)",
    );
  });

  test("a partly configured platform names the missing variables", () => {
    const errors = errorsOf({ OKX_API_KEY: "k-123", OKX_API_SECRET: "s-123" });
    expect(errors).toEqual(["OKX is partly configured: set OKX_API_PASSPHRASE too, or unset the rest"]);
    expect(errorsOf({ IBKR_QUERY_ID: "1" })[0]).toContain("set IBKR_FLEX_TOKEN too");
  });

  test("no platform at all is an error in balance modes, naming each platform's variables in report order", () => {
    expect(errorsOf({})).toEqual([
      "no platform is configured: set the variables of at least one of Bybit (BYBIT_API_KEY, BYBIT_API_SECRET), OKX (OKX_API_KEY, OKX_API_SECRET, OKX_API_PASSPHRASE), T-Bank (TBANK_API_TOKEN), IBKR (IBKR_FLEX_TOKEN, IBKR_QUERY_ID), Binance (BINANCE_API_KEY, BINANCE_API_SECRET) or KuCoin (KUCOIN_API_KEY, KUCOIN_API_SECRET, KUCOIN_API_PASSPHRASE)",
    ]);
  });

  test("an optional platform variable is checked even when its platform is not enabled", () => {
    expect(errorsOf({ ...BYBIT, IBKR_TIMEOUT_SECONDS: "5" })).toEqual(["IBKR_TIMEOUT_SECONDS must be at least 10 (was 5)"]);
    expect(errorsOf({ ...BYBIT, IBKR_CACHE_MINUTES: "10081" })).toEqual(["IBKR_CACHE_MINUTES must be at most 10080 (was 10081)"]);
  });

  test("Telegram variables are required only when sending", () => {
    expect(errorsOf(BYBIT, SENDING)).toEqual([
      "TELEGRAM_BOT_TOKEN is required to send messages (or use --dry-run to print instead)",
      "TELEGRAM_CHAT_ID is required to send messages (or use --dry-run to print instead)",
    ]);
    expect(configOf({ ...BYBIT, ...TELEGRAM }, SENDING).telegram?.chatId).toBe(-1001234567890);
  });

  test("all problems are reported at once and no secret value is printed", () => {
    const errors = errorsOf(
      {
        OKX_API_KEY: "okx-secret-key-value",
        TELEGRAM_BOT_TOKEN: "not-a-token-secret",
        WEBHOOK_SECRET: "bad secret with spaces",
        TIMEZONE: "Nowhere",
        LOG_LEVEL: "loud",
      },
      SENDING,
    );
    expect(errors.length).toBeGreaterThanOrEqual(5);
    const text = errors.join("\n");
    for (const secret of ["okx-secret-key-value", "not-a-token-secret", "bad secret with spaces"]) expect(text).not.toContain(secret);
    expect(text).toContain("TELEGRAM_BOT_TOKEN must look like");
    expect(text).toContain("WEBHOOK_SECRET must be");
  });
});

describe("the alert settings", () => {
  test("are off by default, but for failure alerts after 3 runs", () => {
    expect(configOf(BYBIT).alerts).toEqual({ movePercent: null, movePercentDay: null, failures: 3, digest: null, pinStatus: false });
  });

  test("take a percentage, a run count, a weekday and time, and on or off", () => {
    const config = configOf({
      ...BYBIT,
      ALERT_MOVE_PERCENT: "2.5",
      ALERT_MOVE_PERCENT_DAY: "10%",
      ALERT_FAILURES: "0",
      DIGEST: "Sun 19:00",
      PIN_STATUS: "on",
    });
    expect(config.alerts).toEqual({
      movePercent: 2.5,
      movePercentDay: 10,
      failures: 0,
      digest: { weekday: 0, hour: 19, minute: 0 },
      pinStatus: true,
    });
    expect(configOf({ ...BYBIT, DIGEST: "off", PIN_STATUS: "false" }).alerts).toMatchObject({ digest: null, pinStatus: false });
  });

  test("a bad value is an error saying what the variable takes, every one at once", () => {
    expect(
      errorsOf({
        ...BYBIT,
        ALERT_MOVE_PERCENT: "0",
        ALERT_MOVE_PERCENT_DAY: "five",
        ALERT_FAILURES: "-1",
        DIGEST: "sunday evening",
        PIN_STATUS: "maybe",
      }).sort(),
    ).toEqual([
      "ALERT_FAILURES must be non-negative (was -1)",
      'ALERT_MOVE_PERCENT must be a percentage above 0 and at most 100, such as 5 or 2.5 (was "0")',
      'ALERT_MOVE_PERCENT_DAY must be a percentage above 0 and at most 100, such as 5 or 2.5 (was "five")',
      'DIGEST must be a weekday and a time in TIMEZONE, such as sun 19:00 (or off) (was "sunday evening")',
      'PIN_STATUS must be on or off (or true, false, 1, 0, yes, no) (was "maybe")',
    ]);
    for (const bad of ["101", "2.555", "1e2", "-5"]) expect(errorsOf({ ...BYBIT, ALERT_MOVE_PERCENT: bad })).toHaveLength(1);
    expect(errorsOf({ ...BYBIT, ALERT_FAILURES: "101" })).toEqual(["ALERT_FAILURES must be at most 100 (was 101)"]);
  });
});

describe("variables that look like pfbot's", () => {
  test("each gets a warning naming the variable pfbot reads instead", () => {
    const config = configOf({
      ...BYBIT,
      TBANK_TOKEN: "t-1",
      BYBIT_KEY: "k-1",
      OKX_PASSPHRASE: "p-1",
      TELEGRAM_TOKEN: "x",
      IBKR_TOKEN: "y",
      TELEGRAM_CHATID: "1",
      timezone: "UTC",
      POLL_INTERVAL_MINUTE: "60",
    });
    expect(config.lookalikes).toEqual([
      "TBANK_TOKEN is not a variable pfbot reads, so it is ignored: did you mean TBANK_API_TOKEN? Rename it",
      "BYBIT_KEY is not a variable pfbot reads, so it is ignored: did you mean BYBIT_API_KEY? Rename it",
      "OKX_PASSPHRASE is not a variable pfbot reads, so it is ignored: did you mean OKX_API_PASSPHRASE? Rename it",
      "TELEGRAM_TOKEN is not a variable pfbot reads, so it is ignored: did you mean TELEGRAM_BOT_TOKEN? Rename it",
      "IBKR_TOKEN is not a variable pfbot reads, so it is ignored: did you mean IBKR_FLEX_TOKEN? Rename it",
      "TELEGRAM_CHATID is not a variable pfbot reads, so it is ignored: did you mean TELEGRAM_CHAT_ID? Rename it",
      "timezone is not a variable pfbot reads, so it is ignored: did you mean TIMEZONE? Rename it",
      "POLL_INTERVAL_MINUTE is not a variable pfbot reads, so it is ignored: did you mean POLL_INTERVAL_MINUTES? Rename it",
    ]);
    expect(config.warnings).toEqual(expect.arrayContaining([...config.lookalikes]));
  });

  test("the names come from the registry: every platform's variables are known, a lookalike of each is caught", () => {
    for (const descriptor of PLATFORMS) {
      for (const spec of Object.values(descriptor.variables)) {
        expect(KNOWN_VARIABLES).toContain(spec.env);
        // The name with its second word dropped (BYBIT_API_KEY → BYBIT_KEY) is the usual slip.
        const words = spec.env.split("_");
        if (words.length < 3) continue;
        const slip = [words[0], ...words.slice(2)].join("_");
        if (KNOWN_VARIABLES.includes(slip)) continue;
        expect(configOf({ ...BYBIT, [slip]: "x" }).lookalikes).toEqual([
          `${slip} is not a variable pfbot reads, so it is ignored: did you mean ${spec.env}? Rename it`,
        ]);
      }
    }
  });

  test("are reported with the errors when the configuration is refused: often the reason something is missing", () => {
    const errors = errorsOf({ TBANK_TOKEN: "t-1" });
    expect(errors[0]).toStartWith("no platform is configured");
    expect(errors.slice(1)).toEqual([
      "TBANK_TOKEN is not a variable pfbot reads, so it is ignored: did you mean TBANK_API_TOKEN? Rename it",
    ]);
  });

  test("the rest of the environment is left alone", () => {
    const config = configOf({
      ...BYBIT,
      PATH: "/bin",
      HOME: "/root",
      LISTEN_PID: "1",
      LISTEN_FDS: "1",
      LOGNAME: "me",
      TZ: "UTC",
      LANG: "C",
    });
    expect(config.lookalikes).toEqual([]);
  });
});

describe("env file and process environment", () => {
  const dir = tempDir("config");
  writeFileSync(
    join(dir, ".env"),
    [
      "# comments on lines of their own",
      "BYBIT_API_KEY=file-key",
      "BYBIT_API_SECRET='file secret # kept'",
      "TIMEZONE=Europe/Moscow",
      "LOG_LEVEL=warn",
    ].join("\n"),
  );
  writeFileSync(join(dir, "other.env"), "OKX_API_KEY=other-key\nOKX_API_SECRET=other-secret\nOKX_API_PASSPHRASE=other-pass\n");

  test(".env in the working directory is read as systemd reads it: quotes and comments", () => {
    const source = readEnvSource({}, dir, null);
    if ("error" in source) throw new Error(source.error);
    expect(source.file).toBe(join(dir, ".env"));
    expect(source.fileProblems).toEqual([]);
    const config = configOf(source.vars as Record<string, string>);
    expect(platformOf(config, "bybit")).toMatchObject({ apiKey: "file-key", apiSecret: "file secret # kept" });
    expect(config.timeZone).toBe("Europe/Moscow");
  });

  test("a line a shell or dotenv reads differently is read as systemd reads it, and reported without its value", () => {
    const shellish = tempDir("config");
    writeFileSync(
      join(shellish, ".env"),
      ["export BYBIT_API_KEY=file-key", "BYBIT_API_SECRET=file-secret", "TIMEZONE=Europe/Moscow # comment"].join("\n"),
    );
    const source = readEnvSource({}, shellish, null);
    if ("error" in source) throw new Error(source.error);
    // systemd ignores the export line, and keeps the comment in the value.
    expect(source.vars.BYBIT_API_KEY).toBeUndefined();
    expect(source.vars.TIMEZONE).toBe("Europe/Moscow # comment");
    const file = join(shellish, ".env");
    expect(source.fileProblems).toEqual([
      `${file}:1: BYBIT_API_KEY: systemd ignores a line that starts with 'export'; remove 'export '`,
      `${file}:3: TIMEZONE: systemd keeps everything after '=' in the value, including what looks like a '# …' comment; move the comment to its own line`,
    ]);
    expect(source.fileProblems?.join("\n")).not.toContain("file-key");
  });

  test("the process environment wins over the file", () => {
    const source = readEnvSource({ LOG_LEVEL: "error", BYBIT_API_KEY: "process-key" }, dir, null);
    if ("error" in source) throw new Error(source.error);
    expect(source.vars.LOG_LEVEL).toBe("error");
    expect(source.vars.BYBIT_API_KEY).toBe("process-key");
    expect(source.vars.TIMEZONE).toBe("Europe/Moscow");
  });

  test("--env-file replaces .env", () => {
    const source = readEnvSource({}, dir, "other.env");
    if ("error" in source) throw new Error(source.error);
    expect(source.vars.OKX_API_KEY).toBe("other-key");
    expect(source.vars.BYBIT_API_KEY).toBeUndefined();
  });

  test("--env-file must exist", () => {
    expect(readEnvSource({}, dir, "missing.env")).toEqual({ error: "--env-file missing.env: cannot read it (no such file)" });
  });

  test("a variable set empty or blank in the process environment does not hide the file's value", () => {
    const source = readEnvSource({ LOG_LEVEL: "  ", TIMEZONE: "" }, dir, null);
    if ("error" in source) throw new Error(source.error);
    expect(source.vars.LOG_LEVEL).toBe("warn");
    expect(source.vars.TIMEZONE).toBe("Europe/Moscow");
  });

  test("no .env is fine, and the path looked for is kept to be said", () => {
    const empty = tempDir("noenv");
    const source = readEnvSource({ A: "1" }, empty, null);
    expect(source).toEqual({ vars: { A: "1" }, file: null, lookedFor: join(empty, ".env"), fileProblems: [] });
    if ("error" in source) throw new Error(source.error);
    expect(noEnvFileNote(source)).toBe(
      `no env file was read (there is no ${join(empty, ".env")}; --env-file PATH names another): the settings came from the process environment only`,
    );
  });
});

test("nonEmptyVariables trims values and drops unset, empty and blank ones", () => {
  expect(nonEmptyVariables({ A: " x ", B: "", C: "   ", D: undefined, E: "a b" })).toEqual({ A: "x", E: "a b" });
});
