// One portfolio snapshot: every enabled platform and the FX rate queried at once, each under its own
// deadline, then combined. A failed platform never sinks the snapshot: its row carries the reason and
// the totals say what they exclude. Amounts stay exact decimals until display.
import { type FxRates, type FxResult, type FxSource, toUsd, usdRub } from "../fx/source.ts";
import { errorMessage, PfbotError } from "../lib/errors.ts";
import { type Decimal, isPlausibleAmount, type Money, mul, sum, sumIfKnown, toPlainString } from "../lib/money.ts";
import { byPlatformOrder, descriptorOf, platformName } from "../platforms/registry.ts";
import {
  type AssetValue,
  type Holding,
  type PlatformBalance,
  type PlatformClient,
  PlatformError,
  type PlatformErrorKind,
  type PlatformId,
} from "../platforms/types.ts";

export interface PlatformRow {
  readonly id: PlatformId;
  readonly ok: boolean;
  /** USD value; null when the platform failed or its currency could not be converted. */
  readonly usd: Decimal | null;
  /** The value in the platform's own currency when that is not USD (T-Bank RUB, an IBKR EUR account). */
  readonly native: Money | null;
  readonly asOf: string | null;
  readonly assets: readonly AssetValue[];
  readonly holdings: readonly Holding[];
  /** One short human line when the platform failed or its USD value is unknown. */
  readonly error: string | null;
  readonly errorKind: PlatformErrorKind | "fx" | "internal" | null;
  readonly warnings: readonly string[];
  readonly source: string | null;
  readonly durationMs: number;
}

interface UsdRubRate {
  readonly rate: Decimal;
  readonly source: string;
  readonly date: string;
  readonly stale: boolean;
}

export interface Snapshot {
  readonly takenAt: Date;
  readonly timeZone: string;
  /** Enabled platforms in report order (the registry's). */
  readonly rows: readonly PlatformRow[];
  /** Every enabled platform answered and has a USD value. */
  readonly complete: boolean;
  readonly cryptoUsd: Decimal | null;
  /** Σ USD over the platforms with a USD value; null when none has one. */
  readonly totalUsd: Decimal | null;
  /** totalUsd × USD/RUB; null without a rate. */
  readonly totalRub: Decimal | null;
  readonly usdRub: UsdRubRate | null;
  /** Why there is no rate (shown instead of RUB figures). */
  readonly fxProblem: string | null;
  readonly warnings: readonly string[];
  readonly durationMs: number;
}

export interface SnapshotDeps {
  readonly clients: readonly PlatformClient[];
  readonly fx: FxSource;
  readonly now: () => number;
  /** Deadline per platform in ms; IBKR's statement generation is slow, so it may have its own. */
  readonly timeoutMs: (id: PlatformId) => number;
  readonly fxTimeoutMs: number;
  readonly timeZone: string;
  /** Aborted when pfbot stops: every platform still running fails at once. */
  readonly signal?: AbortSignal;
}

export async function takeSnapshot(deps: SnapshotDeps): Promise<Snapshot> {
  const started = deps.now();
  const clients = [...deps.clients].sort((a, b) => byPlatformOrder(a.id, b.id));
  const fxPromise = withDeadline(deps.fxTimeoutMs, (signal) => deps.fx.getRates(signal), undefined, deps.signal).catch(
    (error): FxResult => ({ ok: false, reason: `USD/RUB rate unavailable: ${errorMessage(error)}` }),
  );
  const balances = clients.map((client) => {
    const t0 = deps.now();
    return withDeadline(deps.timeoutMs(client.id), (signal) => client.fetchBalance(signal), client.id, deps.signal).then(
      (balance) => ({ client, balance, error: null as unknown, durationMs: deps.now() - t0 }),
      (error: unknown) => ({ client, balance: null, error, durationMs: deps.now() - t0 }),
    );
  });
  const [fx, ...results] = await Promise.all([fxPromise, ...balances]);
  const rates = fx.ok ? fx.rates : null;
  const rows = results.map((r) => (r.balance ? rowOf(r.balance, rates, r.durationMs) : failedRow(r.client.id, r.error, r.durationMs)));
  return combine(rows, fx, new Date(started), deps.timeZone, deps.now() - started);
}

/** Pure: rows + FX → totals. Exported for tests and for rebuilding a snapshot from parts. */
export function combine(rows: readonly PlatformRow[], fx: FxResult, takenAt: Date, timeZone: string, durationMs = 0): Snapshot {
  const valued = rows.flatMap((row) => (row.usd === null ? [] : [{ id: row.id, usd: row.usd }]));
  const crypto = valued.filter((row) => descriptorOf(row.id).kind === "crypto");
  const totalUsd = valued.length > 0 ? sum(valued.map((row) => row.usd)) : null;
  const rate = fx.ok ? usdRub(fx.rates) : null;
  return {
    takenAt,
    timeZone,
    rows,
    complete: rows.length > 0 && valued.length === rows.length,
    cryptoUsd: crypto.length > 0 ? sum(crypto.map((row) => row.usd)) : null,
    totalUsd,
    totalRub: totalUsd !== null && rate !== null ? mul(totalUsd, rate) : null,
    usdRub: fx.ok && rate !== null ? { rate, source: fx.rates.source, date: fx.rates.date, stale: fx.stale } : null,
    fxProblem: fx.ok ? null : fx.reason,
    warnings: fx.ok ? fx.warnings : [],
    durationMs,
  };
}

/**
 * A platform's balance → its row: each holding converted to USD once, then summed. An amount of 10^15 or more, in
 * the platform's currency or in USD, is a corrupt answer (money.ts IMPLAUSIBLE_AMOUNT), so the row fails.
 */
export function rowOf(balance: PlatformBalance, rates: FxRates | null, durationMs: number): PlatformRow {
  const converted = balance.holdings.map((h) => convert(h.money, rates));
  const implausible = implausibleAmount(balance, converted);
  if (implausible !== null) return failedRow(balance.platform, implausible, durationMs);
  const unconverted = balance.holdings.filter((_, i) => converted[i] === null);
  const currencies = new Set(balance.holdings.map((h) => h.money.currency.toUpperCase()));
  const only = currencies.size === 1 ? ([...currencies][0] ?? null) : null;
  const native: Money | null =
    only !== null && only !== "USD" ? { currency: only, amount: sum(balance.holdings.map((h) => h.money.amount)) } : null;
  const missing = [...new Set(unconverted.map((h) => h.money.currency.toUpperCase()))];
  return {
    id: balance.platform,
    ok: true,
    usd: sumIfKnown(converted),
    native,
    asOf: balance.asOf,
    assets: balance.assets,
    holdings: balance.holdings,
    error:
      unconverted.length === 0
        ? null
        : rates
          ? `no ${missing.join("/")} rate from the Bank of Russia: USD value unknown`
          : "no USD/RUB rate: USD value unknown",
    errorKind: unconverted.length === 0 ? null : "fx",
    warnings: balance.warnings,
    source: balance.source,
    durationMs,
  };
}

/** The bad-response error for the first amount of `balance` that no portfolio can hold, or null. */
function implausibleAmount(balance: PlatformBalance, converted: readonly (Decimal | null)[]): PlatformError | null {
  const amounts: [string, Decimal | null][] = [
    ...balance.holdings.map((h): [string, Decimal] => [`${h.label}: ${h.money.currency}`, h.money.amount]),
    ...balance.holdings.map((h, i): [string, Decimal | null] => [`${h.label}: in USD`, converted[i] ?? null]),
    ...balance.assets.map((a): [string, Decimal] => [`${a.asset}: in USD`, a.usd]),
    ["total in USD", sumIfKnown(converted)],
  ];
  const found = amounts.flatMap(([what, amount]) => (amount !== null && !isPlausibleAmount(amount) ? [{ what, amount }] : []))[0];
  if (!found) return null;
  const digits = toPlainString(found.amount).replace(/\..*$/, "").replace("-", "").length;
  return new PlatformError(
    balance.platform,
    "bad-response",
    `${platformName(balance.platform)} reported an implausible amount (${found.what}, a ${digits}-digit number; no portfolio reaches 10^15), so it is left out: try again later and report it if it persists`,
  );
}

function failedRow(id: PlatformId, error: unknown, durationMs: number): PlatformRow {
  const known = error instanceof PlatformError;
  return {
    id,
    ok: false,
    usd: null,
    native: null,
    asOf: null,
    assets: [],
    holdings: [],
    error: known ? error.message : `${platformName(id)} failed unexpectedly: ${errorMessage(error)}`,
    errorKind: known ? error.kind : "internal",
    warnings: [],
    source: null,
    durationMs,
  };
}

function convert(money: Money, rates: FxRates | null): Decimal | null {
  if (money.currency.toUpperCase() === "USD") return money.amount;
  return rates ? toUsd(money, rates) : null;
}

/**
 * Runs `work` with an AbortSignal that fires after `ms`, and gives up at the deadline even if the
 * work ignores the signal, so one stuck platform cannot hold the snapshot.
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  platform?: PlatformId,
  stop?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onStop: (() => void) | undefined;
  const what = platform ? platformName(platform) : "The request";
  const fail = (text: string) => (platform ? new PlatformError(platform, "timeout", text) : new PfbotError(text));
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(fail(`${what} did not answer within ${Number((ms / 1000).toFixed(1))} s; try again later`));
    }, ms);
    onStop = () => {
      controller.abort();
      reject(fail(`${what} was not waited for: pfbot is stopping`));
    };
    if (stop?.aborted) onStop();
    else stop?.addEventListener("abort", onStop);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener("abort", onStop);
  }
}
