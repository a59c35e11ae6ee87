// --once and --check in-process against the platform fakes and the fake Telegram Bot API, all on the
// test's clock. Each test gets fresh fakes and a fresh DATA_DIR: nothing carries over from another test.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCheckMode } from "../../src/app/modes/check.ts";
import { runSnapshotMode } from "../../src/app/modes/snapshot.ts";
import type { AppContext } from "../../src/app/run.ts";
import { ENV_BACKED } from "../../src/bot/settings.ts";
import { loadConfig } from "../../src/config/config.ts";
import { readEnvSource } from "../../src/config/env-source.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { createLogger } from "../../src/lib/log.ts";
import { dec } from "../../src/lib/money.ts";
import { IBKR_LAST_ANSWER_FILE, IBKR_THROTTLE_FILE } from "../../src/platforms/ibkr/state.ts";
import type { SnapshotJson } from "../../src/render/json.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { seedIbkrCache } from "../support/ibkr-cache.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "987654321:AAonceTOKENabcdefghijklmnopqrstuvw";
const OWNER = 777;
let clock: FakeClock;
let fakes: AllFakes;
let telegram: TelegramFake;

beforeEach(async () => {
  // The rate's date is the clock's today (the default): --once records the day only when the clock agrees with it.
  clock = fakeClock();
  [fakes, telegram] = await Promise.all([startAllFakes({ now: clock.now }), startTelegramFake({ token: TOKEN, chatId: OWNER })]);
});
afterEach(async () => {
  await Promise.all([fakes.stop(), telegram.stop()]);
});

function context(vars: Record<string, string>, envFile: string | null = null) {
  const out: string[] = [];
  const logs: string[] = [];
  const loaded = loadConfig(
    {
      vars: { ...fakes.env, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: String(OWNER), TELEGRAM_API_ROOT: telegram.url, ...vars },
      file: envFile,
    },
    { platforms: true, telegram: false },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const log = createLogger({ level: "info", secrets: loaded.config.secrets, write: (line) => logs.push(line), colour: false });
  const ctx: AppContext = { config: loaded.config, log, version: "test", out: (text) => void out.push(log.redact(text)), clock };
  return { ctx, out, logs };
}
/** An empty value is unset: IBKR is left out (its Flex protocol is covered in test/platforms/ibkr/). */
const withoutIbkr = { IBKR_FLEX_TOKEN: "", IBKR_QUERY_ID: "" };

describe("--once", () => {
  test("sends the report to the owner's chat, records the day, exit 0", async () => {
    const dataDir = tempDir("once");
    await seedIbkrCache(dataDir, clock.now() - 60 * 60_000);
    const { ctx } = context({ DATA_DIR: dataDir });
    expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(0);
    expect(telegram.sent).toHaveLength(1);
    const message = telegram.sent[0]!;
    expect(message.chatId).toBe(OWNER);
    expect(message.parseMode).toBe("HTML");
    expect(message.plainText).toStartWith("$427,667 · ₽34.4M\n");
    const store = HistoryStore.open(dataDir, "Europe/Paris", clock.now);
    expect(store.recent(1).map((day) => day.day)).toEqual(["2026-11-24"]);
    store.close();
  });

  test("exit 1 when Telegram does not take the message (the day is still recorded)", async () => {
    const dataDir = tempDir("once");
    const { ctx, logs } = context({ ...withoutIbkr, DATA_DIR: dataDir, TELEGRAM_CHAT_ID: "-100999" });
    expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(1);
    expect(logs.join("\n")).toContain("could not be delivered to Telegram");
    expect(logs.join("\n")).not.toContain(TOKEN);
    const store = HistoryStore.open(dataDir, "Europe/Paris", clock.now);
    expect(store.count()).toBe(1);
    store.close();
  });
});

describe("PRIVACY and the owner's /settings in --once and --dry-run", () => {
  /** The message's text with each spoiler's text blanked out: what a glance shows. */
  const unspoiled = (message: { plainText: string; entities: readonly { type: string; offset: number; length: number }[] }) =>
    message.entities.reduce(
      (text, e) => (e.type === "spoiler" ? text.slice(0, e.offset) + "•".repeat(e.length) + text.slice(e.offset + e.length) : text),
      message.plainText,
    );

  test("--once with PRIVACY=on: no amount on the first line (the notification's), every amount in a spoiler", async () => {
    const { ctx } = context({ ...withoutIbkr, DATA_DIR: tempDir("once"), PRIVACY: "on" });
    expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(0);
    const message = telegram.sent[0]!;
    expect(message.plainText.split("\n").slice(0, 2)).toEqual(["Portfolio", "$105,689 · ₽8.5M"]);
    expect(message.plainText).toContain("\nBybit $28,545\n");
    expect(unspoiled(message)).not.toMatch(/[$₽€]\s?\d/);
  });

  test("--dry-run and --once follow the owner's /settings choices over PRIVACY and INCLUDE_CRYPTO_BREAKDOWN, and leave the bot's settings as they are", async () => {
    const dataDir = tempDir("once");
    const store = HistoryStore.open(dataDir, "Europe/Paris", clock.now);
    const settings = new SettingsStore(store.db);
    // Set in the chat while PRIVACY was off and the breakdown on (their defaults).
    settings.setFromChat(ENV_BACKED.privacy, true, false, Date.parse("2026-11-20T10:00:00Z"));
    settings.setFromChat(ENV_BACKED.breakdown, false, true, Date.parse("2026-11-20T10:00:00Z"));
    const rows = () => store.db.query("SELECT key, value FROM settings WHERE key LIKE 'display.%' ORDER BY key").all();
    const before = rows();

    const dry = context({ ...withoutIbkr, DATA_DIR: dataDir });
    expect(await runSnapshotMode(dry.ctx, { send: false, json: false })).toBe(0);
    expect(dry.out.join("\n")).toStartWith("Portfolio\n$105,689 · ₽8.5M\n\nCrypto $81,643\nBybit $28,545\nOKX $16,445\n");
    const once = context({ ...withoutIbkr, DATA_DIR: dataDir });
    expect(await runSnapshotMode(once.ctx, { send: true, json: false })).toBe(0);
    const message = telegram.sent[0]!;
    expect(message.plainText.split("\n")[0]).toBe("Portfolio");
    expect(unspoiled(message)).not.toMatch(/[$₽€]\s?\d/);
    expect(message.plainText).not.toContain("BTC");
    expect(rows()).toEqual(before);

    // The other way round: privacy turned off in the chat while PRIVACY was on, and PRIVACY still on.
    settings.setFromChat(ENV_BACKED.privacy, false, true, Date.parse("2026-11-21T10:00:00Z"));
    const chatOff = context({ ...withoutIbkr, DATA_DIR: dataDir, PRIVACY: "on" });
    expect(await runSnapshotMode(chatOff.ctx, { send: false, json: false })).toBe(0);
    expect(chatOff.out.join("\n")).toStartWith("$105,689 · ₽8.5M\n");
    store.close();
  });
});

describe("--once and the move alerts", () => {
  /** Bybit alone, so that its figure is the whole total. */
  const bybitOnly = {
    ...withoutIbkr,
    OKX_API_KEY: "",
    OKX_API_SECRET: "",
    OKX_API_PASSPHRASE: "",
    TBANK_API_TOKEN: "",
    BINANCE_API_KEY: "",
    BINANCE_API_SECRET: "",
    KUCOIN_API_KEY: "",
    KUCOIN_API_SECRET: "",
    KUCOIN_API_PASSPHRASE: "",
  };

  test("--once twice with a 10% move between gives exactly one alert, with sound; a third at the same level none", async () => {
    const dataDir = tempDir("once");
    const once = async (total: string) => {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx } = context({ ...bybitOnly, DATA_DIR: dataDir, ALERT_MOVE_PERCENT: "5" });
      return runSnapshotMode(ctx, { send: true, json: false });
    };
    expect(await once("50000")).toBe(0);
    clock.advance(2 * 60 * 60_000);
    expect(await once("45000")).toBe(0);
    clock.advance(2 * 60 * 60_000);
    expect(await once("45000")).toBe(0);
    const texts = telegram.sent.map((m) => m.plainText.split("\n")[0]);
    expect(texts.filter((t) => t?.startsWith("📉"))).toEqual(["📉 Portfolio −10.00% (−$5,000) since the last report"]);
    expect(telegram.sent).toHaveLength(4);
    // Report, report, then the alert right after the report that moved; the third report alone.
    expect(telegram.sent[2]!.plainText).toContain("$50,000 → $45,000\n24 Nov, 10:00 → 12:00");
    expect(telegram.sent[2]!.disableNotification).toBe(false);
  });

  test("with PRIVACY=on the alert gives the move in % only, like the report", async () => {
    const dataDir = tempDir("once");
    const once = async (total: string) => {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx } = context({ ...bybitOnly, DATA_DIR: dataDir, ALERT_MOVE_PERCENT: "5", PRIVACY: "on" });
      return runSnapshotMode(ctx, { send: true, json: false });
    };
    expect(await once("50000")).toBe(0);
    clock.advance(2 * 60 * 60_000);
    expect(await once("45000")).toBe(0);
    expect(telegram.sent).toHaveLength(3);
    const alert = telegram.sent[2]!.plainText;
    expect(alert.split("\n")[0]).toBe("📉 Portfolio −10.00% since the last report");
    expect(alert).not.toMatch(/[$₽]\s?\d|50,000|45,000/);
  });

  test("an alert Telegram refused is delivered by the next --once (exit 1 meanwhile), and never twice", async () => {
    const dataDir = tempDir("once");
    const once = async (total: string) => {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx, logs } = context({ ...bybitOnly, DATA_DIR: dataDir, ALERT_MOVE_PERCENT: "5" });
      return { code: await runSnapshotMode(ctx, { send: true, json: false }), logs };
    };
    expect((await once("50000")).code).toBe(0);
    clock.advance(60 * 60_000);
    // The report goes through; the alert right after it is refused.
    const running = once("40000");
    await telegram.waitForSent(2);
    telegram.faults.add({ path: "sendMessage", code: 403, message: "Forbidden: bot was blocked by the user", times: 1 });
    const refused = await running;
    expect(telegram.sent).toHaveLength(2);
    expect(refused.code).toBe(1);
    expect(refused.logs.at(-1)).toContain("an alert was not");
    clock.advance(60 * 60_000);
    expect((await once("40000")).code).toBe(0);
    clock.advance(60 * 60_000);
    expect((await once("40000")).code).toBe(0);
    const alerts = telegram.sent.filter((m) => m.plainText.startsWith("📉"));
    expect(alerts.map((m) => m.plainText.split("\n")[0])).toEqual(["📉 Portfolio −20.00% (−$10,000) since the last report"]);
  });

  test("a threshold set in the chat applies to --once too, until ALERT_MOVE_PERCENT changes", async () => {
    const dataDir = tempDir("once");
    const store = HistoryStore.open(dataDir, "Europe/Paris", clock.now);
    // 🚨 Alerts → Move 5% while ALERT_MOVE_PERCENT was unset.
    new SettingsStore(store.db).setFromChat(ENV_BACKED.movePercent, 5, 0, Date.parse("2026-11-20T10:00:00Z"));
    store.close();
    const once = async (total: string, vars: Record<string, string> = {}) => {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx } = context({ ...bybitOnly, DATA_DIR: dataDir, ...vars });
      return runSnapshotMode(ctx, { send: true, json: false });
    };
    expect(await once("50000")).toBe(0);
    clock.advance(60 * 60_000);
    expect(await once("47000")).toBe(0);
    // Set to 10 in the env file since: the env's value wins, and a 6% move is no longer one.
    clock.advance(60 * 60_000);
    expect(await once("44180", { ALERT_MOVE_PERCENT: "10" })).toBe(0);
    const alerts = telegram.sent.filter((m) => m.plainText.startsWith("📉")).map((m) => m.plainText.split("\n")[0]);
    expect(alerts).toEqual(["📉 Portfolio −6.00% (−$3,000) since the last report"]);
  });

  test("with PIN_STATUS=on, --once pins the status once, and the next --once edits the same message", async () => {
    const dataDir = tempDir("once");
    for (const total of ["50000", "51000"]) {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx } = context({ ...bybitOnly, DATA_DIR: dataDir, PIN_STATUS: "on" });
      expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(0);
      clock.advance(60 * 60_000);
    }
    expect(telegram.pins).toHaveLength(1);
    const [pinned] = telegram.pinned(OWNER);
    const message = telegram.message(OWNER, pinned!);
    expect(message && "text" in message ? message.text?.split("\n")[0] : null).toBe("💼 $51,000 · ₽4.1M");
    // Two reports and the status message; the second --once edited it.
    expect(telegram.sent).toHaveLength(3);
    expect(telegram.edits.map((edit) => edit.messageId)).toEqual([pinned!]);
  });

  test("without ALERT_MOVE_PERCENT, no alert", async () => {
    const dataDir = tempDir("once");
    for (const total of ["50000", "25000"]) {
      fakes.bybit.state.overviewTotalEquity = total;
      const { ctx } = context({ ...bybitOnly, DATA_DIR: dataDir });
      expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(0);
      clock.advance(60 * 60_000);
    }
    expect(telegram.sent).toHaveLength(2);
  });
});

describe("--json", () => {
  test("with every platform failing prints each failure, no total, and returns 1", async () => {
    // The IBKR fake answers a wrong token 1015 at SendRequest: a failure with no poll to wait for.
    const wrong = {
      BYBIT_API_KEY: "x-wrong",
      OKX_API_KEY: "x-wrong",
      TBANK_API_TOKEN: "t.wrong-token",
      IBKR_FLEX_TOKEN: "000000000000000000000000",
      BINANCE_API_KEY: "wrong0000000000000000000000000000000000000000000000000000000000",
      KUCOIN_API_KEY: "x-wrong",
    };
    const { ctx, out } = context({ ...wrong, DATA_DIR: tempDir("json") });
    expect(await runSnapshotMode(ctx, { send: false, json: true })).toBe(1);
    const json = JSON.parse(out.join("")) as { platforms: { id: string; ok: boolean }[]; totalUsd: number | null };
    expect(json.platforms.map((p) => [p.id, p.ok])).toEqual([
      ["bybit", false],
      ["okx", false],
      ["tbank", false],
      ["ibkr", false],
      ["binance", false],
      ["kucoin", false],
    ]);
    expect(json.totalUsd).toBeNull();
    expect(fakes.ibkr.calls.map((call) => call.answer)).toEqual([1015]);
  });
});

describe("--json changes", () => {
  test("carries each period vs the history: by total vs an imported day, platforms named vs another set", async () => {
    const dataDir = tempDir("json");
    const store = HistoryStore.open(dataDir, "Europe/Paris", () => Date.parse("2026-11-17T12:00:00Z"));
    // A week back the bot saw Bybit alone; yesterday is a day of the original bot's file (totals only).
    store.recordSnapshot({
      takenAt: new Date("2026-11-17T09:00:00Z"),
      usd: dec("1000"),
      rub: dec("80000"),
      usdRub: dec("80"),
      complete: true,
      platforms: new Map([["bybit", { usd: dec("1000"), native: null }]]),
      rateDate: "2026-11-17",
    });
    store.importDays([{ day: "2026-11-23", usd: dec("100000"), rub: dec("8000000") }], { overwrite: false });
    store.close();
    const { ctx, out } = context({ ...withoutIbkr, DATA_DIR: dataDir });
    expect(await runSnapshotMode(ctx, { send: false, json: true })).toBe(0);
    const json = JSON.parse(out.join("")) as SnapshotJson;
    expect(json.complete).toBe(true);
    const [totalUsd, totalRub] = [json.totalUsd!, json.totalRub!];
    expect(json.changes).toEqual({
      "1d": {
        since: "2026-11-23",
        usd: Math.round((totalUsd - 100000) * 100) / 100,
        rub: Math.round((totalRub - 8000000) * 100) / 100,
        pct: Math.round((totalUsd / 100000 - 1) * 10000) / 100,
        vsImported: true,
      },
      "7d": null,
      "30d": null,
      ytd: null,
    });
    const others = json.platforms.map((p) => p.id).filter((id) => id !== "bybit");
    expect(json.platformsChanged).toEqual({ "7d": { since: "2026-11-17", added: others, removed: [] } });
  });
});

describe("a damaged history never costs the report", () => {
  const damaged = () => {
    const dataDir = tempDir("once");
    writeFileSync(join(dataDir, "pfbot.sqlite"), "not a database ".repeat(400));
    return dataDir;
  };

  test("--once delivers, then exits 1 saying the day was not recorded, which file is damaged and what to do", async () => {
    const dataDir = damaged();
    const { ctx, logs } = context({ ...withoutIbkr, DATA_DIR: dataDir });
    expect(await runSnapshotMode(ctx, { send: true, json: false })).toBe(1);
    expect(telegram.sent).toHaveLength(1);
    expect(telegram.sent[0]!.plainText).toStartWith("$105,689 · ₽8.5M\n");
    expect(logs.at(-1)).toBe(
      `ERROR the report was delivered, but today's totals were not recorded in the history: ${join(dataDir, "pfbot.sqlite")} is damaged (file is not a database): stop pfbot, move the file aside, then restore a backup or --import your last --export`,
    );
  });

  test("--dry-run prints the report without a change line, and warns", async () => {
    const { ctx, out, logs } = context({ ...withoutIbkr, DATA_DIR: damaged() });
    expect(await runSnapshotMode(ctx, { send: false, json: false })).toBe(0);
    expect(out.join("\n")).toStartWith("$105,689 · ₽8.5M\n\nCrypto ");
    expect(logs.some((line) => line.startsWith("WARN  no change line:") && line.includes("is damaged"))).toBe(true);
  });
});

describe("--check", () => {
  test("read-only keys and a working Telegram pass with exit 0", async () => {
    const { ctx, out } = context({ DATA_DIR: tempDir("check") });
    expect(await runCheckMode(ctx)).toBe(0);
    for (const name of ["Bybit", "OKX", "T-Bank", "IBKR"])
      expect(out.some((l) => l.startsWith(`[ok  ] ${name}: reachable, credentials accepted, read-only`))).toBe(true);
    expect(out).toContain("[ok  ] Telegram: bot @pfbot_test_bot can post to chat 777");
    expect(out.at(-1)).toBe("All good.");
  });

  test("each platform's coverage follows its audit; IBKR's statement answers its audit, so IBKR gets one SendRequest", async () => {
    const { ctx, out } = context({ DATA_DIR: tempDir("check"), IBKR_CACHE_MINUTES: "0" });
    expect(await runCheckMode(ctx)).toBe(0);
    for (const [name, source] of [
      ["Bybit", "asset-overview"],
      ["OKX", "asset-valuation"],
      ["T-Bank", "GetPortfolio"],
      ["IBKR", "flex statement"],
    ]) {
      const at = out.findIndex((l) => l.startsWith(`[ok  ] ${name}: reachable`));
      expect(out[at + 2]).toStartWith(`[ok  ] ${name}: coverage complete, the whole account is valued (${source}`);
    }
    expect(out.find((l) => l.startsWith("[ok  ] IBKR: reachable"))).toContain("token and query IBKR_QUERY_ID accepted (statement of");
    expect(fakes.ibkr.calls.map((call) => call.step)).toEqual(["SendRequest", "GetStatement"]);
    // No balance in the output: --check says what is covered, never how much.
    expect(out.join("\n")).not.toMatch(/\$\d|USD \d/);
  });

  test("each key's expiry as its platform reports it, or that it does not; a key expiring within 14 days is a problem", async () => {
    const { ctx, out } = context({ DATA_DIR: tempDir("check") });
    expect(await runCheckMode(ctx)).toBe(0);
    const expiry = out.filter((l) => / expir/.test(l) && !l.includes("reachable"));
    // The fake Bybit key has no IP bound: Bybit dates its expiry 83 days ahead (the clock is 24 Nov 2026, 10:00 Paris).
    expect(expiry).toEqual([
      "[ok  ] Bybit: key expires on 15 Feb 2027, 10:00 (Europe/Paris), in 83 days (query-api expiredAt)",
      "[ok  ] OKX: expiry not reported by OKX",
      "[ok  ] T-Bank: expiry not reported by T-Bank (a T-Invest token lapses 3 months after its last use, and every report uses it)",
      "[ok  ] IBKR: expiry not reported by IBKR (the Client Portal shows it under Flex Web Service Configuration)",
      "[ok  ] Binance: expiry not reported by Binance",
      "[ok  ] KuCoin: expiry not reported by KuCoin",
    ]);
    fakes.bybit.state.key.deadlineDay = 3;
    const soon = context({ DATA_DIR: tempDir("check") });
    expect(await runCheckMode(soon.ctx)).toBe(1);
    expect(soon.out.filter((l) => l.includes("Bybit: the key"))).toEqual([
      "[WARN] Bybit: the key expires in 3 days, on 27 Nov 2026, 10:00 (Europe/Paris): create a new read-only key, put it in BYBIT_API_KEY and BYBIT_API_SECRET, and restart pfbot",
    ]);
  });

  test("an IBKR token refused while reading the balance fails once, without a second request for the audit", async () => {
    fakes.ibkr.faults.add({ path: "SendRequest", code: 1012 });
    const { ctx, out } = context({ DATA_DIR: tempDir("check"), IBKR_CACHE_MINUTES: "0" });
    expect(await runCheckMode(ctx)).toBe(1);
    const ibkr = out.filter((l) => l.includes("IBKR"));
    expect(ibkr).toHaveLength(1);
    expect(ibkr[0]).toStartWith("[FAIL] IBKR: ");
    expect(ibkr[0]).toContain("IBKR_FLEX_TOKEN");
    expect(fakes.ibkr.calls.map((call) => [call.step, call.answer])).toEqual([["SendRequest", 1012]]);
    expect(out.at(-1)).toBe("1 problem found.");
  });

  test("a Bybit key that can trade, an OKX key with trade and a T-Bank full-access account each warn, exit 1", async () => {
    fakes.bybit.state.key.readOnly = 0;
    fakes.bybit.state.key.permissions.Spot = ["SpotTrade"];
    fakes.okx.state.perm = "read_only,trade";
    const account = fakes.tbank.state.accounts[0]!;
    fakes.tbank.state.accounts[0] = { ...account, accessLevel: "ACCOUNT_ACCESS_LEVEL_FULL_ACCESS" };
    const { ctx, out } = context({ ...withoutIbkr, DATA_DIR: tempDir("check") });
    expect(await runCheckMode(ctx)).toBe(1);
    for (const name of ["Bybit", "OKX", "T-Bank"]) {
      const line = out.find((l) => l.startsWith(`[WARN] ${name}:`));
      expect(line).toContain("NOT read-only");
      expect(line).toContain("create a read-only key");
    }
    expect(out.find((l) => l.startsWith("[WARN] Bybit"))).toContain("SpotTrade");
    expect(out.find((l) => l.startsWith("[WARN] OKX"))).toContain("trade");
    expect(out.at(-1)).toBe("3 problems found.");
  });

  test("a rejected key fails its line; a world-readable env file warns", async () => {
    const dir = tempDir("check");
    const envFile = join(dir, ".env");
    writeFileSync(envFile, `OKX_API_KEY=not-the-okx-key\n`);
    chmodSync(envFile, 0o644);
    const source = readEnvSource({}, dir, null);
    if ("error" in source) throw new Error(source.error);
    const { ctx, out } = context({ ...withoutIbkr, ...(source.vars as Record<string, string>), DATA_DIR: dir }, source.file);
    expect(await runCheckMode(ctx)).toBe(1);
    expect(out).toContain(`[WARN] env file ${envFile} is readable by group or others (permissions 644): run chmod 600 ${envFile}`);
    expect(out.find((l) => l.startsWith("[FAIL] OKX:"))).toContain("OKX_API_KEY");
    chmodSync(envFile, 0o600);
    const again = context({ ...withoutIbkr, DATA_DIR: dir }, envFile);
    await runCheckMode(again.ctx);
    expect(again.out).toContain(`[ok  ] env file ${envFile}: permissions 600`);
  });

  test("during an IBKR penalty the last answer decides: an expired token fails with exit 1, without asking IBKR", async () => {
    const dataDir = tempDir("check");
    const now = clock.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    // What an earlier run left: IBKR answered 1012, then a 1018 put the token in the penalty box.
    writeFileSync(
      join(dataDir, IBKR_LAST_ANSWER_FILE),
      JSON.stringify({
        at: iso(now - 120_000),
        ok: false,
        kind: "auth",
        code: 1012,
        message: "The IBKR Flex token has expired (1012): generate a new one and set IBKR_FLEX_TOKEN",
      }),
    );
    writeFileSync(
      join(dataDir, IBKR_THROTTLE_FILE),
      JSON.stringify({ throttledUntil: iso(now + 10 * 60_000), recordedAt: iso(now - 60_000), code: 1018 }),
    );
    const { ctx, out } = context({ DATA_DIR: dataDir });
    expect(await runCheckMode(ctx)).toBe(1);
    const line = out.find((l) => l.includes("IBKR:"))!;
    expect(line).toStartWith("[FAIL] IBKR: not checked: IBKR asked us to wait until ");
    expect(line).toContain("was an error: The IBKR Flex token has expired (1012)");
    expect(out.at(-1)).toBe("1 problem found.");
    expect(fakes.ibkr.calls).toEqual([]);
  });

  test("a wrong Telegram token fails the Telegram line", async () => {
    const { ctx, out } = context({
      ...withoutIbkr,
      DATA_DIR: tempDir("check"),
      TELEGRAM_BOT_TOKEN: "111111111:AAwrongTOKENabcdefghijklmnopqrstu",
    });
    expect(await runCheckMode(ctx)).toBe(1);
    const line = out.find((l) => l.includes("Telegram:"))!;
    expect(line).toStartWith("[FAIL] Telegram: the bot token was rejected");
    expect(line).not.toContain("AAwrongTOKEN");
  });
});
