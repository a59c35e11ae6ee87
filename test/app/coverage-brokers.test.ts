// Honest totals, end to end, for the brokers and the rate (issue #14 cases 5-11): T-Bank, IBKR and the Bank of
// Russia against their fakes through the real wiring, the scheduled run (message, sound, history), pfbot --json and
// --check. As in coverage.test.ts, a complete day is recorded first. A run that leaves money out must then be marked
// in the headline, ring, leave that day as it was and not be compared with it. A run whose case pfbot now handles
// (a retired statement URL, a CNH base, a retried internal error, an evening's rates) must be complete: silent,
// recorded, compared.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { runCheckMode } from "../../src/app/modes/check.ts";
import { runSnapshotMode } from "../../src/app/modes/snapshot.ts";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import type { FetchFn } from "../../src/platforms/types.ts";
import { htmlToText } from "../../src/render/html.ts";
import type { SnapshotJson } from "../../src/render/json.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { CBR_PATH } from "../fakes/fx.ts";
import { RETIRED_STATEMENT_PATH } from "../fakes/ibkr.ts";
import { buildFlexStatement, type FakeAccount, realisticIbkrStatement } from "../fakes/ibkr-statements.ts";
import { investBoxAccount } from "../fakes/tbank.ts";
import { type FakeClock, fakeClock } from "../support/clock.ts";
import { scheduledBot } from "../support/scheduled-bot.ts";
import { tempDir } from "../support/temp-dir.ts";

let clock: FakeClock;
let fakes: AllFakes;
beforeEach(async () => {
  clock = fakeClock("2026-11-23T09:00:00Z");
  // The statement's latest close is Friday 20 November (the last business day before the fakes start, a Monday).
  fakes = await startAllFakes({ fxDate: "2026-11-23", now: clock.now });
});
afterEach(async () => {
  await fakes.stop();
});

/** T-Bank, IBKR and the rate only: the exchanges' coverage is coverage.test.ts's. */
function configFor(dataDir: string): Config {
  const { TBANK_API_TOKEN, TBANK_BASE_URL, IBKR_FLEX_TOKEN, IBKR_QUERY_ID, IBKR_FLEX_BASE_URL, CBR_BASE_URL, CBR_MIRROR_BASE_URL } =
    fakes.env;
  const vars = { TBANK_API_TOKEN, TBANK_BASE_URL, IBKR_FLEX_TOKEN, IBKR_QUERY_ID, IBKR_FLEX_BASE_URL, CBR_BASE_URL, CBR_MIRROR_BASE_URL };
  const loaded = loadConfig(
    {
      // No statement cache: each run asks IBKR, so the statement a case arranges is the one the next run reads.
      vars: { ...(vars as Record<string, string>), IBKR_CACHE_MINUTES: "0", DATA_DIR: dataDir },
      file: null,
    },
    { platforms: true, telegram: false },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  return loaded.config;
}

/** fetch for the fakes only: an address on the real internet (IBKR's host in a statement <Url>) fails instead of being asked. */
const fakesOnly: FetchFn = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== "127.0.0.1") return Promise.reject(new Error(`test: ${url.origin} is not a fake`));
  return fetch(input, init);
};

interface Run {
  readonly outcome: string;
  /** The message's lines, and whether it was sent without sound. */
  readonly lines: string[];
  readonly silent: boolean;
  /** The "ℹ️ Details" view's text, null when there is none. */
  readonly details: string | null;
  /** The exact USD figures behind the message's whole dollars: the total, each platform's. */
  readonly usd: Readonly<Record<string, string | null>>;
  /** What the run logged at info level and above. */
  readonly log: readonly string[];
}

/** The scheduled runs of a bot on the test's clock, pfbot --json in the same DATA_DIR, and the history they wrote. */
async function bot() {
  const dataDir = tempDir("coverage");
  const config = configFor(dataDir);
  const logged: string[] = [];
  const log = createLogger({ level: "info", secrets: config.secrets, write: (line) => void logged.push(line), colour: false });
  const scheduled = await scheduledBot(config, clock, { log, fetch: fakesOnly });
  /** One scheduled run at `iso`. */
  const runAt = async (iso: string): Promise<Run> => {
    logged.length = 0;
    const run = await scheduled.runAt(iso);
    const details = scheduled.service.detailsScreen();
    return { ...run, details: details && htmlToText(details.html), log: [...logged] };
  };
  /** pfbot --json a minute after the run, as a second process would run it: its own clients, the same DATA_DIR. */
  const json = async (): Promise<SnapshotJson> => {
    // Not at once: the clock is shared, so a T-Bank retry pause taken while an IBKR request was on its way makes the
    // IBKR fake see that request up to seconds after the pacer booked it, and a next request at once would look too soon.
    clock.advance(60_000);
    const out: string[] = [];
    const code = await runSnapshotMode(
      { config, log, version: "test", out: (text) => void out.push(text), clock },
      { send: false, json: true },
    );
    expect(code).toBe(0);
    return JSON.parse(out.join("")) as SnapshotJson;
  };
  const close = () => {
    scheduled.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { runAt, json, day: scheduled.day, close };
}

/**
 * The complete account every case starts from: T-Bank ₽1,934,506.33 at 80.4512 = $24,045.71 (its closed account and
 * debit card are outside the portfolio), IBKR $251,002.48 + €61,940.066 = $321,978.42 as of Friday's close.
 */
const COMPLETE = { total: "346024.13", tbank: "24045.71", ibkr: "321978.42" };
const COMPLETE_HEADLINE = "$346,024 · ₽27.8M";

/** Records the complete day, 24 November, after the 23rd's: the day each case's run must leave alone or replace. */
async function recordCompleteDay(runAt: (iso: string) => Promise<Run>, day: (d: string) => unknown) {
  expect((await runAt("2026-11-23T09:00:00Z")).outcome).toBe("ok");
  const complete = await runAt("2026-11-24T08:00:00Z");
  expect([complete.outcome, complete.silent]).toEqual(["ok", true]);
  expect(complete.lines.slice(0, 2)).toEqual([COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"]);
  expect(complete.usd).toEqual(COMPLETE);
  expect(day("2026-11-24")).toEqual({ usd: COMPLETE.total, complete: true });
}

type BrokerId = "tbank" | "ibkr";

/** T-Bank's own account, refused by GetPortfolio with 40002 while the others are read (a token limited to some accounts). */
const REFUSED_ACCOUNT = {
  id: "2000000107",
  type: "ACCOUNT_TYPE_TINKOFF",
  name: "Счёт жены",
  status: "ACCOUNT_STATUS_OPEN",
  accessLevel: "ACCOUNT_ACCESS_LEVEL_READ_ONLY",
  portfolioError: "40002",
};

const TRACKING_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

/** An IBKR account in CNH, which XML_daily does not list: ¥723,450 at IBKR's 7.2345 CNH per USD is $100,000. */
function cnhAccount(conversionRates: FakeAccount["conversionRates"]): FakeAccount {
  return { accountId: "U3000003", currency: "CNH", days: [{ date: "2026-11-20", total: "723450" }], conversionRates };
}
const withCnhAccount = (f: AllFakes, account: FakeAccount) => {
  f.ibkr.state.statement = buildFlexStatement({ accounts: [...realisticIbkrStatement("2026-11-20").accounts, account] });
};

interface LeftOutCase {
  /** Makes the fakes answer as the real service does in this case. */
  readonly arrange: (fakes: AllFakes) => void;
  readonly platform: BrokerId;
  readonly coverage: "partial" | "failed";
  /** The platform's line in the message. */
  readonly platformLine: string;
  /** The exact figures the message rounds: each platform's (null: no value) and the total. */
  readonly usd: Readonly<Record<string, string | null>>;
  /** Line 1: both totals with the partial mark. */
  readonly headline: string;
  /** The note saying what is left out, or why the platform failed. */
  readonly note: string;
  /** --json: the platform's fields, and what the totals leave out. */
  readonly json: Readonly<Record<string, unknown>>;
  readonly totalsLeaveOut: readonly string[];
}

const LEFT_OUT: Record<string, LeftOutCase> = {
  "5. T-Bank with no open account (all closed): failed with its reason, never $0.00": {
    arrange: (f) => {
      f.tbank.state.accounts = f.tbank.state.accounts.map((account) => ({ ...account, status: "ACCOUNT_STATUS_CLOSED" }));
    },
    platform: "tbank",
    coverage: "failed",
    platformLine: "T-Bank ❌ no access",
    usd: { tbank: null, total: COMPLETE.ibkr },
    headline: "$321,978 · ₽25.9M ⚠️ partial",
    note: "❌ T-Bank: no open account is visible to this token: a brand-new account appears in the API…",
    json: {
      ok: false,
      leftOut: [],
      usd: null,
      error:
        "T-Bank: no open account is visible to this token; a brand-new account appears in the API within a few hours, otherwise check TBANK_API_TOKEN",
    },
    totalsLeaveOut: ["T-Bank"],
  },
  "6. T-Bank with an Invest Box, which GetPortfolio refuses: partial, the account named": {
    arrange: (f) => void f.tbank.state.accounts.push(investBoxAccount()),
    platform: "tbank",
    coverage: "partial",
    platformLine: "T-Bank $24,046 ⚠️",
    usd: { tbank: COMPLETE.tbank, total: COMPLETE.total },
    headline: `${COMPLETE_HEADLINE} ⚠️ partial`,
    note: "⚠️ T-Bank: account Инвесткопилка not counted: T-Bank's API cannot read an Invest Box",
    json: { ok: true, leftOut: ["T-Bank Инвесткопилка"], usd: 24045.71, error: null },
    totalsLeaveOut: ["T-Bank Инвесткопилка"],
  },
  "6. T-Bank refusing one account with 40002 while the others are read: partial, the account named": {
    arrange: (f) => void f.tbank.state.accounts.push(REFUSED_ACCOUNT),
    platform: "tbank",
    coverage: "partial",
    platformLine: "T-Bank $24,046 ⚠️",
    usd: { tbank: COMPLETE.tbank, total: COMPLETE.total },
    headline: `${COMPLETE_HEADLINE} ⚠️ partial`,
    note: "⚠️ T-Bank: account Счёт жены not counted: check TBANK_API_TOKEN covers this account",
    json: { ok: true, leftOut: ["T-Bank Счёт жены"], usd: 24045.71, error: null },
    totalsLeaveOut: ["T-Bank Счёт жены"],
  },
  "7. T-Bank answering an internal error (70001 as HTTP 500) to every try: failed, one short line": {
    arrange: (f) => f.tbank.faults.add({ path: "GetPortfolio", code: "70001", headers: { "x-tracking-id": TRACKING_ID } }),
    platform: "tbank",
    coverage: "failed",
    platformLine: "T-Bank ❌ unavailable",
    usd: { tbank: null, total: COMPLETE.ibkr },
    headline: "$321,978 · ₽25.9M ⚠️ partial",
    note: "❌ T-Bank had an internal error: try again later",
    json: {
      ok: false,
      leftOut: [],
      usd: null,
      error: "T-Bank had an internal error on OperationsService/GetPortfolio (HTTP 500, code 70001, internal error); try again later",
    },
    totalsLeaveOut: ["T-Bank"],
  },
  "8. an IBKR account in CNH without the Conversion Rates section: failed, naming the section to add": {
    arrange: (f) => withCnhAccount(f, cnhAccount(undefined)),
    platform: "ibkr",
    coverage: "failed",
    platformLine: "IBKR ❌ setup problem",
    usd: { ibkr: null, total: COMPLETE.tbank },
    headline: "$24,046 · ₽1.93M ⚠️ partial",
    note: '❌ IBKR U•••0003 is valued in…: tick the section "Conversion Rates" with the fields ReportDate…',
    json: {
      ok: false,
      leftOut: [],
      usd: null,
      error:
        'IBKR U•••0003 is valued in CNH, for which the Bank of Russia publishes no rate, and the statement has no Conversion Rates section: tick the section "Conversion Rates" (ConversionRate) with the fields ReportDate, FromCurrency, ToCurrency and Rate in the Flex query (IBKR_QUERY_ID), so pfbot can use IBKR\'s own rate',
    },
    totalsLeaveOut: ["IBKR"],
  },
  "10. an IBKR statement of a fixed past period (13 Nov, 7 business days old): partial, saying how to fix the query": {
    arrange: (f) => {
      f.ibkr.state.statement = realisticIbkrStatement("2026-11-13").xml;
    },
    platform: "ibkr",
    coverage: "partial",
    platformLine: "IBKR $321,978 ⚠️ · 13 Nov",
    usd: { ibkr: COMPLETE.ibkr, total: COMPLETE.total },
    headline: `${COMPLETE_HEADLINE} ⚠️ partial`,
    note: "⚠️ IBKR statement is 11 days old: set the Flex query's period to Last Business Day",
    json: {
      ok: true,
      leftOut: ["IBKR statement is 11 days old: set the Flex query's period to Last Business Day"],
      usd: 321978.42,
      asOf: "2026-11-13",
      error: null,
    },
    totalsLeaveOut: ["IBKR statement is 11 days old: set the Flex query's period to Last Business Day"],
  },
};

describe("a broker that answers but leaves money out, or fails", () => {
  for (const [name, c] of Object.entries(LEFT_OUT)) {
    test(`${name}: ${c.coverage} row, partial headline, with sound; the complete day stays and is not compared`, async () => {
      const { runAt, json, day, close } = await bot();
      try {
        await recordCompleteDay(runAt, day);

        c.arrange(fakes);
        const run = await runAt("2026-11-24T10:00:00Z");
        expect(run.outcome).toBe("partial");
        expect(run.lines[0]).toBe(c.headline);
        expect(run.lines).toContain(c.platformLine);
        expect(run.usd).toMatchObject(c.usd);
        expect(run.lines).toContain(c.note);
        // With sound, like any report that is not complete.
        expect(run.silent).toBe(false);
        // The complete day is not replaced by the smaller figure, and the gap is never shown as a loss.
        expect(day("2026-11-24")).toEqual({ usd: COMPLETE.total, complete: true });
        expect(run.lines[1]).toBe("Change not shown: total is partial");
        expect(run.lines.join("\n")).not.toMatch(/[▲▼±]|since/);

        const printed = await json();
        expect(printed.platforms.find((p) => p.id === c.platform)).toMatchObject({ coverage: c.coverage, ...c.json });
        expect(printed.platforms.find((p) => p.id !== c.platform)).toMatchObject({ coverage: "complete", leftOut: [] });
        expect([printed.complete, printed.leftOut, printed.change]).toEqual([false, [...c.totalsLeaveOut], null]);
        expect(printed.changes["1d"]).toBeNull();
      } finally {
        close();
      }
    });
  }

  test("7. the internal error's log line keeps the T-Invest code and the x-tracking-id; the chat carries neither", async () => {
    const { runAt, day, close } = await bot();
    try {
      await recordCompleteDay(runAt, day);
      const before = fakes.tbank.requestsTo("GetPortfolio").length;
      fakes.tbank.faults.add({ path: "GetPortfolio", code: "70001", headers: { "x-tracking-id": TRACKING_ID } });
      const run = await runAt("2026-11-24T10:00:00Z");
      // One line per account that GetPortfolio refused, after the HTTP helper's retries of each.
      const refused = run.log.filter((line) => line.includes("T-Bank refused"));
      expect(refused).toHaveLength(3);
      for (const line of refused) {
        expect(line).toContain("method=OperationsService/GetPortfolio");
        expect(line).toContain("code=70001");
        expect(line).toContain(`trackingId=${TRACKING_ID}`);
      }
      // Three open accounts, each asked three times (the HTTP helper's retries of a 5xx), never more.
      expect(fakes.tbank.requestsTo("GetPortfolio").length - before).toBe(9);
      const message = run.lines.join("\n");
      expect(message).toContain("❌ T-Bank had an internal error: try again later");
      expect(message).not.toContain("70001");
      expect(message).not.toContain(TRACKING_ID);
      // Details has the whole error, the code included (what to quote), but the tracking id stays in the log.
      expect(run.details).toContain(
        "T-Bank had an internal error on OperationsService/GetPortfolio (HTTP 500, code 70001, internal error)",
      );
      expect(run.details).not.toContain(TRACKING_ID);
    } finally {
      close();
    }
  });
});

interface WholeCase {
  readonly arrange: (fakes: AllFakes) => void;
  /** When the run is taken (default 10:00 UTC, 11:00 in Paris). */
  readonly at?: string;
  /** The exact figures: the total (what the day then holds) and each platform's. */
  readonly usd: { readonly total: string; readonly [platform: string]: string };
  /** Lines 1 and 2: the totals without a mark, and the change since the last complete day. */
  readonly head: readonly [string, string];
  /** Lines the message must hold besides. */
  readonly lines: readonly string[];
  /** What else the case shows: the fakes' requests, the log, --json. */
  readonly also?: (fakes: AllFakes, run: Run, printed: SnapshotJson) => void;
}

const EVENING = "2026-11-24T17:00:00Z"; // 20:00 in Moscow, 18:00 in Paris

/**
 * The Bank of Russia in the evening of 24 November: the set in force on the 24th (the same rates as the 23rd's), and
 * the 25th's, published that afternoon and the one a request without a date gets, with a dearer rouble.
 */
function evening(f: AllFakes) {
  const inForce = f.fx.state.currencies;
  const tomorrow = inForce.map((c) =>
    c.charCode === "USD" ? { ...c, value: "79.9003" } : c.charCode === "EUR" ? { ...c, value: "91.5011" } : c,
  );
  f.fx.state.earlier = [
    { date: "2026-11-24", currencies: inForce },
    { date: "2026-11-23", currencies: inForce },
  ];
  f.fx.state.date = "2026-11-25";
  f.fx.state.currencies = tomorrow;
}

const MADE_WHOLE: Record<string, WholeCase> = {
  "6. a savings account (ACCOUNT_TYPE_SAVING) is outside the portfolio: not left out, T-Bank stays complete": {
    arrange: (f) =>
      void f.tbank.state.accounts.push({
        id: "5000000108",
        type: "ACCOUNT_TYPE_SAVING",
        name: "Накопительный счёт",
        status: "ACCOUNT_STATUS_OPEN",
        accessLevel: "ACCOUNT_ACCESS_LEVEL_READ_ONLY",
        total: "250000",
      }),
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["T-Bank $24,046"],
    also: (f) => expect(f.tbank.requestsTo("GetPortfolio").map((r) => JSON.parse(r.body).accountId)).not.toContain("5000000108"),
  },
  "7. T-Bank's internal error (70001 as HTTP 500) once, then its answer: the retry makes it complete": {
    arrange: (f) => f.tbank.faults.add({ path: "GetPortfolio", code: "70001", times: 1, headers: { "x-tracking-id": TRACKING_ID } }),
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["T-Bank $24,046"],
    also: (f, run) => {
      expect(f.tbank.faults.active()).toEqual([]);
      expect(run.log.some((line) => line.includes("T-Bank refused"))).toBe(false);
    },
  },
  "7. T-Bank's internal error carried by an HTTP 400 once: pfbot retries it itself, complete": {
    arrange: (f) => f.tbank.faults.add({ path: "GetPortfolio", code: "70002", status: 400, times: 1 }),
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["T-Bank $24,046"],
    also: (f) => expect(f.tbank.faults.active()).toEqual([]),
  },
  "8. an IBKR account in CNH with the statement's ConversionRates: in the total at IBKR's rate, named in --json and the log": {
    arrange: (f) => withCnhAccount(f, cnhAccount([{ date: "2026-11-20", from: "USD", to: "CNH", rate: "7.2345" }])),
    usd: { ibkr: "421978.42", total: "446024.13" },
    head: ["$446,024 · ₽35.9M", "▲ $100,000 (28.90%) since 23 Nov"],
    lines: ["IBKR $421,978 · 20 Nov", "   U•••0003 CNH 723,450"],
    also: (_f, run, printed) => {
      expect(printed.platforms.find((p) => p.id === "ibkr")?.rates).toEqual([
        { label: "U3000003", currency: "CNH", amount: 723450, usdPerUnit: 0.13822655, source: "IBKR ConversionRates", date: "2026-11-20" },
      ]);
      expect(run.log.filter((line) => line.includes("valued in USD at IBKR's own rate"))).toEqual([
        'INFO  IBKR: valued in USD at IBKR\'s own rate account=U3000003 currency=CNH usdPerUnit=0.138226553321 rateDate=2026-11-20 source="IBKR ConversionRates"',
      ]);
    },
  },
  "9. SendRequest naming the retired statement servlet on IBKR's host: the configured GetStatement is asked instead": {
    arrange: (f) => {
      f.ibkr.state.statementUrl = "retired-ibkr";
    },
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["IBKR $321,978 · 20 Nov"],
    also: (f) => {
      const configured = `${new URL(f.ibkr.baseUrl).pathname}/GetStatement`;
      const statements = f.ibkr.calls.filter((call) => call.step === "GetStatement");
      expect(statements.map((call) => [call.path, call.answer])).toEqual(statements.map(() => [configured, "statement"]));
      expect(f.ibkr.calls.some((call) => call.path === RETIRED_STATEMENT_PATH)).toBe(false);
      expect(f.ibkr.violations).toEqual([]);
    },
  },
  "11. an evening run, once the CBR has published tomorrow's rates: valued at the rate in force today (date_req)": {
    arrange: evening,
    at: EVENING,
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["USD/RUB 80.45 · CBR 24 Nov", "Updated 24 Nov, 18:00"],
    also: (f, _run, printed) => {
      expect(printed.usdRub).toEqual({ rate: 80.4512, source: "CBR", date: "2026-11-24" });
      // Each run asks for its own day in Moscow, never for "the latest" (which is the 25th's set by now).
      expect(f.fx.cbrRequests.map((r) => r.query.get("date_req"))).toEqual(["23/11/2026", "24/11/2026", "24/11/2026"]);
      expect(f.fx.mirrorRequests).toEqual([]);
    },
  },
  "11. the same evening with cbr.ru down: the mirror's archive of today's set, not its latest (tomorrow's)": {
    arrange: (f) => {
      evening(f);
      f.fx.faults.add({ path: CBR_PATH, status: 503 });
    },
    at: EVENING,
    usd: COMPLETE,
    head: [COMPLETE_HEADLINE, "± $0 (0.00%) since 23 Nov"],
    lines: ["USD/RUB 80.45 · CBR mirror 24 Nov"],
    also: (f, _run, printed) => {
      expect(printed.usdRub).toEqual({ rate: 80.4512, source: "CBR mirror", date: "2026-11-24" });
      expect(f.fx.mirrorRequests.map((r) => r.path)).toEqual(["/daily_json.js", "/archive/2026/11/24/daily_json.js"]);
    },
  },
};

describe("a broker case pfbot now handles: the run is complete", () => {
  for (const [name, c] of Object.entries(MADE_WHOLE)) {
    test(`${name}: complete and silent, recorded and compared`, async () => {
      const { runAt, json, day, close } = await bot();
      try {
        await recordCompleteDay(runAt, day);

        c.arrange(fakes);
        const run = await runAt(c.at ?? "2026-11-24T10:00:00Z");
        expect([run.outcome, run.silent]).toEqual(["ok", true]);
        expect(run.usd).toMatchObject(c.usd);
        expect(run.lines.slice(0, 2)).toEqual([...c.head]);
        for (const line of c.lines) expect(run.lines).toContain(line);
        expect(run.lines.join("\n")).not.toContain("⚠️");
        // A complete run is today's figure: it replaces the morning's complete one.
        expect(day("2026-11-24")).toEqual({ usd: c.usd.total, complete: true });

        const printed = await json();
        expect(printed.complete).toBe(true);
        expect(printed.leftOut).toEqual([]);
        expect(printed.platforms.map((p) => [p.id, p.coverage, p.leftOut])).toEqual([
          ["tbank", "complete", []],
          ["ibkr", "complete", []],
        ]);
        c.also?.(fakes, run, printed);
      } finally {
        close();
      }
    });
  }
});

describe("--check says the same as the report", () => {
  async function check(): Promise<{ code: number; out: string[] }> {
    const dataDir = tempDir("coverage");
    const config = configFor(dataDir);
    const out: string[] = [];
    const log = createLogger({ level: "info", secrets: config.secrets, write: () => {}, colour: false });
    try {
      const code = await runCheckMode({ config, log, version: "test", out: (line) => void out.push(line), clock });
      return { code, out };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  test("6. an Invest Box and a refused account are listed as not readable, exit 1", async () => {
    fakes.tbank.state.accounts.push(investBoxAccount(), REFUSED_ACCOUNT);
    const { code, out } = await check();
    expect(code).toBe(1);
    expect(out).toContain("[WARN] T-Bank: coverage partial, T-Bank Инвесткопилка; T-Bank Счёт жены");
    expect(out.some((line) => line.startsWith("[ok  ] IBKR: coverage complete"))).toBe(true);
  });

  test("5. no open account: a failure with the report's reason, the platform named once, exit 1", async () => {
    fakes.tbank.state.accounts = fakes.tbank.state.accounts.map((account) => ({ ...account, status: "ACCOUNT_STATUS_CLOSED" }));
    const { code, out } = await check();
    expect(code).toBe(1);
    // The key's audit fails for the same reason, and says it: no coverage line repeats it.
    expect(out.filter((line) => line.startsWith("[FAIL] T-Bank"))).toEqual([
      "[FAIL] T-Bank: no open account is visible to this token; a brand-new account appears in the API within a few hours, otherwise check TBANK_API_TOKEN",
    ]);
  });

  test("10. an old IBKR statement: coverage partial, saying how to fix the query, exit 1", async () => {
    fakes.ibkr.state.statement = realisticIbkrStatement("2026-11-13").xml;
    clock.set("2026-11-24T10:00:00Z");
    const { code, out } = await check();
    expect(code).toBe(1);
    expect(out).toContain("[WARN] IBKR: coverage partial, IBKR statement is 11 days old: set the Flex query's period to Last Business Day");
    expect(out.some((line) => line.startsWith("[ok  ] T-Bank: coverage complete"))).toBe(true);
  });
});
