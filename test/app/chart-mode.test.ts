// `pfbot --chart` and `pfbot --allocation`: in process on the test's clock, and the compiled binary placed
// into an empty directory (no node_modules, nothing beside it), with only DATA_DIR and TIMEZONE set.
import { expect, test } from "bun:test";
import { copyFileSync, linkSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeChartSample } from "../../scripts/chart-samples.ts";
import { runChartMode } from "../../src/app/modes/chart.ts";
import type { HistoryContext } from "../../src/app/modes/history.ts";
import { ENV_BACKED } from "../../src/bot/settings.ts";
import { SettingsStore } from "../../src/history/settings.ts";
import { HistoryStore } from "../../src/history/store.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startAllFakes } from "../fakes/all.ts";
import { type SentPhoto, startTelegramFake } from "../fakes/telegram.ts";
import { pngSize } from "../render/chart/support.ts";
import { pfbotBinary } from "../support/binary.ts";
import { fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAchartBINARYtokenabcdefghijklmnopq";
function context(dataDir: string) {
  const out: string[] = [];
  const logs: string[] = [];
  const ctx: HistoryContext = {
    config: { dataDir, timeZone: "Europe/Paris" },
    log: createLogger({ level: "info", secrets: [], write: (line) => logs.push(line), colour: false }),
    out: (text) => out.push(text),
    err: (text) => out.push(text),
    clock: fakeClock(),
  };
  return { ctx, out, logs };
}

test("--chart writes the PNG and prints its caption; --allocation draws the latest complete snapshot", async () => {
  const dir = tempDir("chart-mode");
  writeChartSample(dir, "2026-11-24");
  const { ctx, out } = context(dir);
  const file = join(dir, "chart.png");
  expect(await runChartMode(ctx, { kind: "chart", file, days: 90, currency: "RUB" }, { privacy: false })).toBe(0);
  expect(pngSize(readFileSync(file))).toEqual({ width: 1280, height: 720 });
  expect(out[0]).toStartWith("Portfolio value, RUB · last 90 days\nNow (24 Nov 2026): ₽");
  expect(out[0]).toContain("Period: 27 Aug – 24 Nov 2026, 90 of 90 days recorded, 1 partial");
  expect(out[1]).toMatch(/^wrote .*chart\.png \(\d+ kB PNG\)$/);
  const donut = join(dir, "donut.png");
  expect(await runChartMode(ctx, { kind: "allocation", file: donut, view: "kind", currency: "USD" }, { privacy: false })).toBe(0);
  expect(pngSize(readFileSync(donut))).toEqual({ width: 1280, height: 720 });
  expect(out[2]?.split("\n").slice(0, 3)).toEqual([
    "Allocation by kind, USD",
    "Total: $201,981",
    "Snapshot: 24 Nov 2026, 10:00 (Europe/Paris)",
  ]);
});

test("--chart follows the owner's /settings privacy over PRIVACY until PRIVACY changes, and leaves the bot's settings as they are", async () => {
  const dir = tempDir("chart-mode");
  writeChartSample(dir, "2026-11-24");
  const store = HistoryStore.open(dir, "Europe/Paris");
  // Privacy turned on in the chat while PRIVACY was off.
  new SettingsStore(store.db).setFromChat(ENV_BACKED.privacy, true, false, Date.parse("2026-11-20T10:00:00Z"));
  const rows = () => store.db.query("SELECT key FROM settings WHERE key LIKE 'display.privacy%' ORDER BY key").all();
  const before = rows();
  const { ctx, out } = context(dir);
  const file = join(dir, "chart.png");
  expect(await runChartMode(ctx, { kind: "chart", file, days: 30, currency: "USD" }, { privacy: false })).toBe(0);
  expect(out[0]).toStartWith("Portfolio value, USD · last 30 days\n");
  expect(out[0]).not.toMatch(/[$₽]\s?\d/);
  // Without the chat's choice the same chart shows amounts.
  new SettingsStore(store.db).delete(ENV_BACKED.privacy.setting);
  expect(await runChartMode(ctx, { kind: "chart", file, days: 30, currency: "USD" }, { privacy: false })).toBe(0);
  expect(out[2]).toMatch(/Now \(24 Nov 2026\): \$[\d,]+/);
  // PRIVACY edited since the chat's choice: the env file wins, and it is the bot's start that forgets the choice.
  new SettingsStore(store.db).setFromChat(ENV_BACKED.privacy, false, true, Date.parse("2026-11-20T10:00:00Z"));
  expect(await runChartMode(ctx, { kind: "chart", file, days: 30, currency: "USD" }, { privacy: false })).toBe(0);
  expect(out[4]).toMatch(/Now \(24 Nov 2026\): \$[\d,]+/);
  expect(rows()).toEqual(before);
  store.close();
});

test("nothing to draw, or a file that cannot be written: exit 1 with an ERROR line, and no file", async () => {
  const empty = tempDir("chart-mode");
  const { ctx, out, logs } = context(empty);
  expect(await runChartMode(ctx, { kind: "chart", file: join(empty, "c.png"), days: 30, currency: "USD" }, { privacy: false })).toBe(1);
  expect(
    await runChartMode(ctx, { kind: "allocation", file: join(empty, "a.png"), view: "platform", currency: "USD" }, { privacy: false }),
  ).toBe(1);
  expect(logs[0]).toContain("ERROR No chart: the last 30 days has no recorded day, and a chart needs 2.");
  expect(logs[1]).toContain("ERROR No allocation yet");
  expect(out).toEqual([]);
  const full = tempDir("chart-mode");
  writeChartSample(full, "2026-11-24");
  const unwritable = context(full);
  const missing = join(full, "no-such-dir", "c.png");
  expect(await runChartMode(unwritable.ctx, { kind: "chart", file: missing, days: 30, currency: "USD" }, { privacy: false })).toBe(1);
  expect(unwritable.logs[0]).toContain(`--chart ${missing}: cannot write it (`);
});

test("the compiled binary draws both charts from an empty directory, as a shell runs it; the bot with the JIT off, as the systemd unit runs it", async () => {
  const home = tempDir("chart-mode");
  const binary = join(home, "pfbot");
  placeBinary(await pfbotBinary(), binary);
  const dataDir = join(home, "data");
  mkdirSync(dataDir);
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
  writeChartSample(dataDir, today);
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const child = Bun.spawn([binary, ...args], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, TIMEZONE: "Europe/Paris", ...extra },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { stdout, stderr, code };
  };
  const [chart, donut, help, photo] = await Promise.all([
    run(["--chart", "chart.png", "--days", "365"]),
    run(["--allocation", join(home, "donut.png"), "--by", "platform"]),
    run(["--help"]),
    botChart(binary, home, dataDir),
  ]);
  // The bot renders in a process of its own: the binary started again with --render-chart.
  expect(photo).toMatchObject({ method: "sendPhoto", width: 1280, height: 720 });
  expect(photo.plainCaption).toStartWith("Portfolio value, USD · last 365 days\n");
  expect(chart).toMatchObject({ code: 0, stderr: "" });
  expect(chart.stdout).toStartWith("Portfolio value, USD · last 365 days\n");
  expect(pngSize(readFileSync(join(home, "chart.png")))).toEqual({ width: 1280, height: 720 });
  expect(donut).toMatchObject({ code: 0, stderr: "" });
  expect(donut.stdout).toContain("T-Bank · Брокерский счёт 2000000101: $30,454 · 15.1%");
  expect(pngSize(readFileSync(join(home, "donut.png")))).toEqual({ width: 1280, height: 720 });
  expect(help.stdout).toContain("--chart FILE.png");
  expect(help.stdout).toContain("--allocation FILE.png");
}, 60_000);

/** The binary at `path`, alone in its directory: a second name for the same file (the binary is 110 MiB), or a copy across file systems. */
function placeBinary(binary: string, path: string): void {
  try {
    linkSync(binary, path);
  } catch {
    copyFileSync(binary, path);
  }
}

/** The binary as the bot, JIT off, answering one /chart 365 against the fake Bot API; its photo. */
async function botChart(binary: string, cwd: string, dataDir: string): Promise<SentPhoto> {
  const [fakes, telegram] = await Promise.all([startAllFakes(), startTelegramFake({ token: TOKEN })]);
  const bot = Bun.spawn([binary], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      ...fakes.env,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: "31337",
      TELEGRAM_API_ROOT: telegram.url,
      DATA_DIR: dataDir,
      TIMEZONE: "Europe/Paris",
      BUN_JSC_useJIT: "0",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    await telegram.waitForRequests("getUpdates", 1, 30_000);
    telegram.pushMessage({ chatId: 31337, text: "/chart 365" });
    const [photo] = await telegram.waitForPhotos(1, 30_000);
    return photo as SentPhoto;
  } catch (error) {
    bot.kill();
    throw new Error(`${String(error)}; the bot said: ${await new Response(bot.stderr).text()}`);
  } finally {
    bot.kill();
    await bot.exited;
    await Promise.all([fakes.stop(), telegram.stop()]);
  }
}
