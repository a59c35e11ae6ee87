// Honest totals at the snapshot level for the brokers and the rate (issue #14 cases 5-11): T-Bank, IBKR and the
// Bank of Russia fakes behind the real clients and FX source, one snapshot each. A figure that leaves money out,
// or a failed platform, never makes the totals complete; the others keep their value.
import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { createFxSource } from "../../src/fx/source.ts";
import { toPlainString } from "../../src/lib/money.ts";
import { createIbkrClient } from "../../src/platforms/ibkr/client.ts";
import { createFlexPacer } from "../../src/platforms/ibkr/pacer.ts";
import { createTbankClient } from "../../src/platforms/tbank/client.ts";
import { snapshotJson } from "../../src/render/json.ts";
import { type Snapshot, takeSnapshot } from "../../src/snapshot/snapshot.ts";
import type { Fault } from "../fakes/faults.ts";
import { type FxFakeState, presetFxState, startFxFake } from "../fakes/fx.ts";
import { buildFlexStatement, type IbkrFakeState, realisticIbkrStatement, startIbkrFake } from "../fakes/ibkr.ts";
import type { FakeAccount } from "../fakes/ibkr-statements.ts";
import {
  type FakeTbankAccount,
  investBoxAccount,
  realisticTbankAccounts,
  startTbankFake,
  TBANK_FAKE_TOKEN,
  type TbankFault,
} from "../fakes/tbank.ts";
import { fakeClock } from "../support/clock.ts";
import { tempDir } from "../support/temp-dir.ts";

const IBKR_TOKEN = "271828182845904523536028";
const IBKR_QUERY = "314159";
/** Saturday 14 March 2026, 09:00 in Moscow: Friday's close is the latest IBKR statement. */
const SATURDAY = "2026-03-14T06:00:00Z";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Setup {
  readonly at?: string;
  readonly tbank?: FakeTbankAccount[];
  readonly tbankFaults?: TbankFault[];
  readonly ibkr?: Partial<Pick<IbkrFakeState, "statement" | "statementUrl">>;
  readonly fx?: FxFakeState;
  readonly fxFaults?: Fault[];
}

/** T-Bank and IBKR through their real clients, and the rate through the real FX source, all against fakes. */
async function snapshotOf(setup: Setup = {}): Promise<Snapshot> {
  const clock = fakeClock(setup.at ?? SATURDAY);
  const stateDir = tempDir("coverage");
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const fxState = setup.fx ?? { ...presetFxState(), date: "2026-03-14" };
  const [tbank, ibkr, fx] = await Promise.all([
    startTbankFake({ token: TBANK_FAKE_TOKEN, accounts: setup.tbank ?? realisticTbankAccounts() }),
    startIbkrFake({ token: IBKR_TOKEN, queryId: IBKR_QUERY, now: clock.now, ...setup.ibkr }),
    startFxFake(fxState),
  ]);
  cleanups.push(tbank.stop, ibkr.stop, fx.stop);
  tbank.faults.add(...(setup.tbankFaults ?? []));
  fx.faults.add(...(setup.fxFaults ?? []));
  const io = { fetch, now: clock.now, sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal), timeoutMs: 5_000 };
  const clients = [
    createTbankClient({ ...io, baseUrl: tbank.baseUrl, token: TBANK_FAKE_TOKEN }),
    createIbkrClient({
      ...io,
      baseUrl: ibkr.baseUrl,
      token: IBKR_TOKEN,
      queryId: IBKR_QUERY,
      stateDir,
      cacheMinutes: 0,
      userAgent: "pfbot-test/1",
      pacer: createFlexPacer(clock),
    }),
  ];
  const fxSource = createFxSource({
    provider: "CBR",
    cbrBaseUrl: fx.cbrUrl,
    mirrorBaseUrl: fx.mirrorUrl,
    fetch,
    now: clock.now,
    timeoutMs: 5_000,
    ttlMinutes: 60,
  });
  return takeSnapshot({ clients, fx: fxSource, now: clock.now, timeoutMs: () => 20_000, fxTimeoutMs: 10_000, timeZone: "Europe/Moscow" });
}

const row = (snapshot: Snapshot, id: "tbank" | "ibkr") => {
  const found = snapshot.rows.find((r) => r.id === id);
  if (!found) throw new Error(`no ${id} row`);
  return found;
};
const usd = (value: { coef: bigint; scale: number } | null) => (value === null ? null : toPlainString(value));

test("the realistic T-Bank and IBKR accounts give complete totals (the baseline the cases below depart from)", async () => {
  const snapshot = await snapshotOf();
  expect(snapshot.complete).toBe(true);
  expect(snapshot.rows.map((r) => [r.id, r.ok, r.leftOut])).toEqual([
    ["tbank", true, []],
    ["ibkr", true, []],
  ]);
});

describe("T-Bank", () => {
  test("case 5: no open account is a failed row with its reason, never $0.00; the totals are not complete", async () => {
    const snapshot = await snapshotOf({ tbank: [{ ...realisticTbankAccounts()[0]!, status: "ACCOUNT_STATUS_CLOSED" }] });
    const tbank = row(snapshot, "tbank");
    expect(tbank.ok).toBe(false);
    expect(tbank.usd).toBeNull();
    expect(tbank.error).toContain("no open account is visible to this token; a brand-new account appears in the API within a few hours");
    expect(snapshot.complete).toBe(false);
    expect(usd(snapshot.totalUsd)).toBe(usd(row(snapshot, "ibkr").usd));
  });

  test("case 6: an Invest Box left out keeps T-Bank's value in the total, but the totals are not complete", async () => {
    const complete = await snapshotOf();
    const partial = await snapshotOf({ tbank: [...realisticTbankAccounts(), investBoxAccount()] });
    expect(row(partial, "tbank").leftOut).toEqual(["T-Bank Инвесткопилка"]);
    expect(usd(row(partial, "tbank").usd)).toBe(usd(row(complete, "tbank").usd));
    expect(usd(partial.totalUsd)).toBe(usd(complete.totalUsd));
    expect(partial.complete).toBe(false);
    expect(snapshotJson(partial, null).complete).toBe(false);
  });

  test("case 7: an internal error fails the row with a short line, no tracking id; the totals are not complete", async () => {
    const snapshot = await snapshotOf({ tbankFaults: [{ path: "GetPortfolio", code: "70002" }] });
    const tbank = row(snapshot, "tbank");
    expect(tbank.ok).toBe(false);
    expect(tbank.error).toBe(
      "T-Bank had an internal error on OperationsService/GetPortfolio (HTTP 500, code 70002, internal network error); try again later",
    );
    expect(snapshot.complete).toBe(false);
  });
});

describe("IBKR", () => {
  const cnh: FakeAccount = {
    accountId: "U3000003",
    currency: "CNH",
    days: [{ date: "2026-03-13", total: "723450" }],
    conversionRates: [{ date: "2026-03-13", from: "USD", to: "CNH", rate: "7.2345" }],
  };

  test("case 8: a CNH base is in the total at IBKR's own rate, named in --json; complete", async () => {
    const snapshot = await snapshotOf({ ibkr: { statement: buildFlexStatement({ accounts: [cnh] }) } });
    expect(usd(row(snapshot, "ibkr").usd)).toBe("100000");
    expect(snapshot.complete).toBe(true);
    const json = snapshotJson(snapshot, null).platforms.find((p) => p.id === "ibkr");
    expect(json?.rates).toEqual([
      { label: "U3000003", currency: "CNH", amount: 723450, usdPerUnit: 0.13822655, source: "IBKR ConversionRates", date: "2026-03-13" },
    ]);
    // A platform converted by the report's one rate has no such field.
    expect(snapshotJson(snapshot, null).platforms.find((p) => p.id === "tbank")).not.toHaveProperty("rates");
  });

  test("case 8: without Conversion Rates, the CNH account fails the row with the section to add; not complete", async () => {
    const snapshot = await snapshotOf({ ibkr: { statement: buildFlexStatement({ accounts: [{ ...cnh, conversionRates: undefined }] }) } });
    expect(row(snapshot, "ibkr").ok).toBe(false);
    expect(row(snapshot, "ibkr").error).toContain('tick the section "Conversion Rates"');
    expect(snapshot.complete).toBe(false);
  });

  test("case 9: a retired statement <Url> still gives the statement, not a deadline; complete", async () => {
    const snapshot = await snapshotOf({ ibkr: { statementUrl: "retired" } });
    expect(row(snapshot, "ibkr").ok).toBe(true);
    expect(snapshot.complete).toBe(true);
  });

  test("case 10: a statement of a fixed past period keeps its value in the total, but the totals are not complete", async () => {
    const snapshot = await snapshotOf({ ibkr: { statement: realisticIbkrStatement("2026-02-27").xml } });
    const ibkr = row(snapshot, "ibkr");
    expect(ibkr.ok).toBe(true);
    expect(ibkr.asOf).toBe("2026-02-27");
    expect(ibkr.leftOut).toEqual(["IBKR statement is 15 days old: set the Flex query's period to Last Business Day"]);
    expect(snapshot.complete).toBe(false);
  });
});

describe("the rate", () => {
  test("case 11: a Friday-evening snapshot is valued at Friday's set, not Saturday's published that afternoon", async () => {
    const friday = presetFxState();
    const saturday = friday.currencies.map((c) => (c.charCode === "USD" ? { ...c, value: "79.9003" } : c));
    const snapshot = await snapshotOf({
      at: "2026-03-13T17:00:00Z", // 20:00 in Moscow
      fx: { ...friday, date: "2026-03-14", currencies: saturday, earlier: [{ date: "2026-03-13", currencies: friday.currencies }] },
      ibkr: { statement: realisticIbkrStatement("2026-03-12").xml },
    });
    expect(snapshot.usdRub).toMatchObject({ source: "CBR", date: "2026-03-13" });
    expect(usd(snapshot.usdRub?.rate ?? null)).toBe("80.4512");
    expect(snapshot.complete).toBe(true);
  });
});
