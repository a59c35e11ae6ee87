// Hand-made snapshots and histories, as the platforms and the store hand them over: the golden tests of the report
// and of /history pin what they render, and scripts/render-examples.ts screenshots the very same messages.
import type { FxResult } from "../../src/fx/source.ts";
import type { DayRecord } from "../../src/history/store.ts";
import { dec, mul, sum, toPlainString } from "../../src/lib/money.ts";
import { type Holding, type PlatformBalance, PlatformError, type PlatformId } from "../../src/platforms/types.ts";
import type { StatusOptions } from "../../src/render/status.ts";
import { type Changes, snapshotChanges } from "../../src/snapshot/changes.ts";
import { combine, failedRow, type PlatformRow, rowOf, type Snapshot } from "../../src/snapshot/snapshot.ts";

/** Thursday 26 Nov 2026, 13:05 in Paris. */
export const TAKEN = new Date("2026-11-26T12:05:00Z");
export const TODAY = "2026-11-26";
const DEFAULT_ZONE = "Europe/Paris";

export const RATES = {
  source: "CBR" as const,
  date: "2026-11-26",
  fetchedAt: TAKEN.getTime(),
  rubPerUnit: new Map([
    ["USD", dec("80.4500")],
    ["EUR", dec("93.1044")],
  ]),
};
const FX: FxResult = { ok: true, stale: false, warnings: [], rates: RATES };
const FX_DOWN: FxResult = {
  ok: false,
  reason:
    "no USD/RUB rate: CBR: HTTP 503 from www.cbr.ru; CBR mirror: network error: connection refused; no saved rate younger than 4 days, so RUB figures are unavailable",
};

/**
 * The days the report's changes compare with, as the bot recorded them (each platform's USD value), newest first: 1D
 * 25 Nov (up $1,534.20, 0.39%), 7D 19 Nov (up 0.8%), 30D 27 Oct (down 1.2%), YTD 31 Dec 2025 (up 14%).
 */
export function reportHistory(): DayRecord[] {
  return [
    recorded("2026-11-25", { bybit: "122400", okx: "38000", tbank: "183546.03", ibkr: "45533.77" }),
    recorded("2026-11-19", { bybit: "119800", okx: "39100", tbank: "183486.23", ibkr: "45533.77" }),
    recorded("2026-10-27", { bybit: "128900", okx: "37300", tbank: "184660", ibkr: "44900" }),
    recorded("2025-12-31", { bybit: "101000", okx: "30000", tbank: "172000", ibkr: "40000" }),
  ];
}

/** The report's days, 25 Nov and 27 Oct imported (totals only), 19 Nov without OKX, 31 Dec 2025 with Binance. */
export function mixedHistory(): DayRecord[] {
  const [yesterday, week, month, year] = reportHistory() as [DayRecord, DayRecord, DayRecord, DayRecord];
  const totalsOnly = (day: DayRecord): DayRecord => ({ ...day, platforms: new Map(), origin: "import", takenAt: null });
  const { okx: _, ...rest } = Object.fromEntries([...week.platforms].map(([id, value]) => [id, toPlainString(value.usd!)]));
  return [
    totalsOnly(yesterday),
    recorded(week.day, rest),
    totalsOnly(month),
    recorded(year.day, { bybit: "100000", okx: "30000", tbank: "172000", ibkr: "40000", binance: "1000" }),
  ];
}

/** A snapshot's changes against reportHistory() and any `more` days. */
export function changesOf(snapshot: Snapshot, more: readonly DayRecord[] = []): Changes {
  return snapshotChanges(snapshot, { since: () => [...more, ...reportHistory()] });
}

/** A day the bot recorded with these platforms' USD values (T-Bank's in RUB too, at 80.45), complete. */
export function recorded(day: string, values: Partial<Record<PlatformId, string>>, options: { complete?: boolean } = {}): DayRecord {
  const usd = sum(Object.values(values).map((value) => dec(value)));
  return {
    day,
    usd,
    rub: mul(usd, dec("80.45")),
    usdRub: dec("80.45"),
    usdRubDate: day,
    complete: options.complete ?? true,
    platforms: new Map(
      Object.entries(values).map(([id, value]) => [
        id,
        { usd: dec(value), native: id === "tbank" ? { currency: "RUB", amount: mul(dec(value), dec("80.45")) } : null },
      ]),
    ),
    takenAt: `${day}T12:05:00.000Z`,
    origin: "bot",
  };
}

/** Bybit, OKX, T-Bank's two accounts and one IBKR account in USD: $391,014.00, ₽31.5M. */
export function completePortfolio(timeZone = DEFAULT_ZONE, taken = TAKEN): Snapshot {
  return combine([bybit(), okx(), tbank(), ibkr([usAccount])], FX, taken, timeZone);
}

/** Bybit without its funding and Earn, OKX refusing its key, T-Bank unable to read one account. */
export function partialPortfolio(): Snapshot {
  const rows = [
    bybit(["funding and Earn not valued: give the key the Wallet read permission"]),
    failedRow(
      "okx",
      new PlatformError("okx", "auth", "OKX rejected the API key (code 50111): check OKX_API_KEY, OKX_API_SECRET and OKX_API_PASSPHRASE"),
      5,
    ),
    tbank(true),
    ibkr([usAccount]),
  ];
  return combine(rows, FX, TAKEN, DEFAULT_ZONE);
}

/** The Bank of Russia unreachable and no saved rate: T-Bank's roubles and the EUR account cannot be valued in USD. */
export function fxDownPortfolio(): Snapshot {
  return combine([bybit(), okx(), tbank(), ibkr([usAccount, euAccount])].map(withoutRates), FX_DOWN, TAKEN, DEFAULT_ZONE);
}

/** Two T-Bank accounts, two IBKR accounts (USD base and EUR base), two exchanges. */
export function multiAccountPortfolio(): Snapshot {
  return combine([bybit(), okx(), tbank(), ibkr([usAccount, euAccount])], FX, TAKEN, DEFAULT_ZONE);
}

/** The row as the snapshot makes it without any rate: a holding outside USD has no USD value. */
function withoutRates(row: PlatformRow): PlatformRow {
  const { id: platform, holdings, assets, asOf, warnings, leftOut } = row;
  return rowOf({ platform, holdings, assets, asOf, source: "example", warnings, leftOut }, null, 100);
}

function balance(platform: PlatformId, partial: Partial<PlatformBalance>): PlatformBalance {
  return { platform, holdings: [], assets: [], asOf: null, source: "example", warnings: [], leftOut: [], ...partial };
}

function row(b: PlatformBalance): PlatformRow {
  return rowOf(b, RATES, 100);
}

const usd = (amount: string): Holding => ({ label: "account", money: { currency: "USD", amount: dec(amount) }, asOf: null });

function bybit(leftOut: string[] = []): PlatformRow {
  return row(
    balance("bybit", {
      holdings: [usd(leftOut.length > 0 ? "101456.78" : "123456.78")],
      assets: [
        { asset: "BTC", usd: dec("80210.10") },
        { asset: "ETH", usd: dec("21400.20") },
        { asset: "USDT", usd: dec("12500") },
        { asset: "SOL", usd: dec("5200.5") },
        { asset: "XRP", usd: dec("2500") },
        { asset: "DOGE", usd: dec("856.42") },
        { asset: "ADA", usd: dec("399.56") },
      ].filter((asset) => leftOut.length === 0 || asset.asset !== "USDT"),
      leftOut,
    }),
  );
}

function okx(): PlatformRow {
  // OKX lists the coins of its trading and funding accounts; the rest of its total (Earn) is not itemised.
  return row(
    balance("okx", {
      holdings: [usd("38120.40")],
      assets: [
        { asset: "BTC", usd: dec("24000") },
        { asset: "ETH", usd: dec("6000.40") },
      ],
    }),
  );
}

function tbank(restricted = false): PlatformRow {
  const account = (label: string, display: string, amount: string): Holding => ({
    label,
    display,
    money: { currency: "RUB", amount: dec(amount) },
    asOf: null,
  });
  return row(
    balance("tbank", {
      holdings: [account("Брокерский счёт 2000000101", "Брокерский счёт", "11870000.50"), account("ИИС 2000000102", "ИИС", "2925000")],
      warnings: restricted
        ? [
            "account Инвесткопилка 2000000104 not counted: T-Bank denied OperationsService/GetPortfolio (HTTP 403, code 40002, no access to account): the token has no access to it; check TBANK_API_TOKEN covers this account",
          ]
        : [],
      leftOut: restricted ? ["T-Bank Инвесткопилка"] : [],
    }),
  );
}

const usAccount: Holding = {
  label: "U1234567",
  display: "U•••4567",
  money: { currency: "USD", amount: dec("45533.77") },
  asOf: "2026-11-25",
};
const euAccount: Holding = { label: "U7654321", display: "U•••4321", money: { currency: "EUR", amount: dec("12000") }, asOf: "2026-11-25" };

function ibkr(holdings: Holding[]): PlatformRow {
  return row(balance("ibkr", { holdings, asOf: "2026-11-25" }));
}

/**
 * 32 days of history ending today, newest first, as HistoryStore.recent hands them: two missing days (21 and 22 Nov,
 * a weekend the machine was off), then 9 to 11 Nov; 24 Nov partial (OKX down); 18 Nov without a rate.
 */
export function historyWithGaps(): DayRecord[] {
  const days: DayRecord[] = [];
  for (let i = 0; i < 32; i++) {
    const day = new Date(Date.UTC(2026, 10, 26 - i)).toISOString().slice(0, 10);
    if (["2026-11-21", "2026-11-22", "2026-11-09", "2026-11-10", "2026-11-11"].includes(day)) continue;
    const wave = Math.round(Math.sin(i * 1.7) * 1800 + Math.cos(i * 0.45) * 2600);
    const partial = day === "2026-11-24";
    // Today and yesterday are the report's: $391,014.00, up $1,534.20 since 25 Nov (CHANGES).
    const value = i === 0 ? "391014.00" : i === 1 ? "389479.80" : (391014 - i * 420 + wave - (partial ? 38120 : 0)).toFixed(2);
    const noRate = day === "2026-11-18";
    days.push({
      day,
      usd: dec(value),
      rub: noRate ? null : dec((Number(value) * 80.45).toFixed(2)),
      usdRub: noRate ? null : dec("80.45"),
      complete: !partial,
      platforms: new Map(),
      takenAt: null,
      origin: "bot",
    });
  }
  return days;
}

/** The sample days pfbot ships (data/portfolio_history.json's shape): shown, marked, until the owner has days. */
export function sampleDays(): DayRecord[] {
  return [
    ["2026-11-20", "50210.33", "4039421.05"],
    ["2026-11-19", "49875.10", "4012451.80"],
    ["2026-11-18", "50102.64", "4030757.39"],
  ].map(([day, value, rub]) => ({
    day: day as string,
    usd: dec(value as string),
    rub: dec(rub as string),
    usdRub: null,
    complete: true,
    platforms: new Map(),
    takenAt: null,
    origin: "import" as const,
  }));
}

// Last: these call the functions above, which need every constant of this file.
/** The complete portfolio's changes: 1D, 7D, 30D and YTD all compared. */
const CHANGES: Changes = changesOf(completePortfolio());

export const OPTIONS: StatusOptions = { includeBreakdown: false, privacy: false, changes: CHANGES, defaultTimeZone: DEFAULT_ZONE };
