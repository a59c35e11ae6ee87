// Honest totals, end to end: Bybit and OKX against their fakes through the real wiring, the scheduled run
// (message, sound, history) and --check, for each way a platform answers yet leaves money out. A complete day
// is recorded first; then a partial run must be marked in the headline, ring, leave that day as it was, and not
// be compared with it.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { runCheckMode } from "../../src/app/modes/check.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { scheduledBot } from "../support/scheduled-bot.ts";
import { tempDir } from "../support/temp-dir.ts";

let clock: FakeClock;
let fakes: AllFakes;
beforeEach(async () => {
  clock = fakeClock("2026-11-23T09:00:00Z");
  fakes = await startAllFakes({ fxDate: "2026-11-23", now: clock.now });
});
afterEach(async () => {
  await fakes.stop();
});

/** Bybit, OKX and the rate only: the brokers' coverage is tested with their clients. */
function configFor(dataDir: string) {
  const { BYBIT_API_KEY, BYBIT_API_SECRET, BYBIT_BASE_URL, OKX_API_KEY, OKX_API_SECRET, OKX_API_PASSPHRASE, OKX_BASE_URL } = fakes.env;
  const vars = { BYBIT_API_KEY, BYBIT_API_SECRET, BYBIT_BASE_URL, OKX_API_KEY, OKX_API_SECRET, OKX_API_PASSPHRASE, OKX_BASE_URL };
  const loaded = loadConfig(
    {
      vars: {
        ...(vars as Record<string, string>),
        CBR_BASE_URL: fakes.env.CBR_BASE_URL!,
        CBR_MIRROR_BASE_URL: fakes.env.CBR_MIRROR_BASE_URL!,
        DATA_DIR: dataDir,
      },
      file: null,
    },
    { platforms: true, telegram: false },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

/** The scheduled runs of a bot on the test's clock, with what reached Telegram and the history they wrote. */
function bot() {
  return scheduledBot(configFor(tempDir("coverage")), clock);
}

interface Case {
  /** Makes the fakes answer as the real service does in this case. */
  readonly arrange: (fakes: AllFakes) => void;
  /** The partial platform's line, the headline (line 1: both totals with the partial mark) and the note saying what is left out. */
  readonly platformLine: string;
  /** The exact figures the message rounds: the partial platform's and the total. */
  readonly usd: Readonly<Record<string, string>>;
  readonly headline: string;
  readonly note: string;
}

// A complete account: Bybit $28,545.22 (asset-overview) + OKX $16,444.83 (asset-valuation) = $44,990.05.
const CASES: Record<string, Case> = {
  "1. OKX asset-valuation rate-limited (another app on the account), asked again and still limited": {
    arrange: (f) => f.okx.faults.add({ path: "/api/v5/asset/asset-valuation", code: "50011", message: "Too Many Requests", status: 429 }),
    platformLine: "OKX $14,611 ⚠️",
    usd: { okx: "14610.55", total: "43155.77" },
    headline: "$43,156 · ₽3.47M ⚠️ partial",
    note: "⚠️ Earn and other OKX accounts not valued",
  },
  "1. OKX asset-valuation answering $0 while the trading and funding accounts hold $14,610.55": {
    arrange: (f) => {
      f.okx.state.valuationTotal = "0";
    },
    platformLine: "OKX $14,611 ⚠️",
    usd: { okx: "14610.55", total: "43155.77" },
    headline: "$43,156 · ₽3.47M ⚠️ partial",
    note: "⚠️ Earn and other OKX accounts not valued",
  },
  "2. Bybit asset-overview refused with a business code (a regional account): the wallets' figure": {
    arrange: (f) =>
      f.bybit.faults.add({ path: "/v5/asset/asset-overview", code: 10001, message: "This endpoint does not support regional accounts" }),
    platformLine: "Bybit $25,715 ⚠️",
    usd: { bybit: "25714.56", total: "42159.40" },
    headline: "$42,159 · ₽3.39M ⚠️ partial",
    note: "⚠️ Earn, bots and other Bybit accounts not valued",
  },
  "3. Bybit asset-overview empty with retCode 0: the wallets' figure, never $0": {
    arrange: (f) => {
      f.bybit.state.emptyOverview = true;
    },
    platformLine: "Bybit $25,715 ⚠️",
    usd: { bybit: "25714.56", total: "42159.40" },
    headline: "$42,159 · ₽3.39M ⚠️ partial",
    note: "⚠️ Earn, bots and other Bybit accounts not valued",
  },
  "3. Bybit asset-overview answering $0 while the wallets hold $25,714.56: the wallets' figure": {
    arrange: (f) => {
      f.bybit.state.overviewTotalEquity = "0";
    },
    platformLine: "Bybit $25,715 ⚠️",
    usd: { bybit: "25714.56", total: "42159.40" },
    headline: "$42,159 · ₽3.39M ⚠️ partial",
    note: "⚠️ Earn, bots and other Bybit accounts not valued",
  },
  "4. a Bybit key without the Wallet area (10005 on every /v5/asset/* call): the unified wallet": {
    arrange: (f) => {
      f.bybit.state.key.permissions.Wallet = [];
    },
    platformLine: "Bybit $21,462 ⚠️",
    usd: { bybit: "21461.94", total: "37906.77" },
    headline: "$37,907 · ₽3.05M ⚠️ partial",
    note: "⚠️ Bybit funding and Earn not valued: give the key the Wallet read permission",
  },
};

describe("a platform that answers but leaves money out", () => {
  for (const [name, { arrange, platformLine, usd, headline, note }] of Object.entries(CASES)) {
    test(`${name}: partial row and headline, with sound; the complete day stays and is not compared`, async () => {
      const { runAt, day, close } = await bot();
      try {
        expect((await runAt("2026-11-23T09:00:00Z")).outcome).toBe("ok");
        const complete = await runAt("2026-11-24T08:00:00Z");
        expect(complete.outcome).toBe("ok");
        expect(complete.silent).toBe(true);
        expect(complete.lines.slice(0, 2)).toEqual(["$44,990 · ₽3.62M", "± $0 (0.00%) since 23 Nov"]);
        expect(complete.usd).toEqual({ total: "44990.05", bybit: "28545.22", okx: "16444.83" });
        expect(day("2026-11-24")).toEqual({ usd: "44990.05", complete: true });

        arrange(fakes);
        const partial = await runAt("2026-11-24T10:00:00Z");
        expect(partial.outcome).toBe("partial");
        expect(partial.lines[0]).toBe(headline);
        expect(partial.lines).toContain(platformLine);
        expect(partial.usd).toMatchObject(usd);
        expect(partial.lines).toContain(note);
        // With sound, like a failed platform.
        expect(partial.silent).toBe(false);
        // The complete day is not replaced by the smaller figure, and the gap is never shown as a loss.
        expect(day("2026-11-24")).toEqual({ usd: "44990.05", complete: true });
        expect(partial.lines[1]).toBe("Change not shown: total is partial");
        expect(partial.lines.join("\n")).not.toMatch(/[▲▼±]|since/);
      } finally {
        close();
      }
    });
  }

  test("a partial first run of the day is recorded as partial, then a complete run replaces it", async () => {
    const { runAt, day, close } = await bot();
    try {
      fakes.bybit.state.key.permissions.Wallet = [];
      expect((await runAt("2026-11-24T08:00:00Z")).outcome).toBe("partial");
      expect(day("2026-11-24")).toEqual({ usd: "37906.77", complete: false });
      fakes.bybit.state.key.permissions.Wallet = ["AccountTransfer"];
      const complete = await runAt("2026-11-24T10:00:00Z");
      expect([complete.outcome, complete.silent]).toEqual(["ok", true]);
      expect(day("2026-11-24")).toEqual({ usd: "44990.05", complete: true });
    } finally {
      close();
    }
  });
});

describe("--check says the same as the report", () => {
  test("a Bybit key without the Wallet area: coverage partial, in the report's words, exit 1", async () => {
    fakes.bybit.state.key.permissions.Wallet = [];
    const dataDir = tempDir("coverage");
    const config = configFor(dataDir);
    const out: string[] = [];
    const log = createLogger({ level: "info", secrets: config.secrets, write: () => {}, colour: false });
    const code = await runCheckMode({ config, log, version: "test", out: (line) => void out.push(line), clock });
    expect(code).toBe(1);
    expect(out).toContain("[WARN] Bybit: coverage partial, funding and Earn not valued: give the key the Wallet read permission");
    // The key itself is fine: readable, read-only.
    expect(out.some((line) => line.startsWith("[ok  ] Bybit: reachable, credentials accepted, read-only"))).toBe(true);
    expect(out).toContain("[ok  ] OKX: coverage complete, the whole account is valued (asset-valuation)");
  });

  test("OKX still rate-limited after asking again: partial, naming Earn", async () => {
    fakes.okx.faults.add({ path: "/api/v5/asset/asset-valuation", code: "50011", message: "Too Many Requests", status: 429 });
    const dataDir = tempDir("coverage");
    const config = configFor(dataDir);
    const out: string[] = [];
    const log = createLogger({ level: "info", secrets: config.secrets, write: () => {}, colour: false });
    expect(await runCheckMode({ config, log, version: "test", out: (line) => void out.push(line), clock })).toBe(1);
    expect(out).toContain("[WARN] OKX: coverage partial, Earn and other OKX accounts not valued");
    expect(out).toContain("[ok  ] Bybit: coverage complete, the whole account is valued (asset-overview)");
  });
});
