// The fallback's wallets, read one by one when Binance's own valuation fails: spot, funding, Simple Earn (flexible and
// locked, paged), cross and isolated margin (net of borrowings), USDⓈ-M and COIN-M futures (margin balances). A wallet
// never opened counts as zero; one that fails is named, so the total says what it leaves out. [binance.md §4.3, §9]

import { describe, type Outcome, settle } from "../outcome.ts";
import { PlatformError, UNREADABLE_AMOUNT } from "../types.ts";
import {
  COINM_PATH,
  type CoinAmount,
  CROSS_MARGIN_PATH,
  FLEXIBLE_PATH,
  ISOLATED_MARGIN_PATH,
  LOCKED_PATH,
  type PriceBook,
  parseCrossMargin,
  parseEarnPage,
  parseFuturesAssets,
  parseIsolatedMargin,
  USDM_PATH,
} from "./parse.ts";
import { type BinanceTransport, binanceBadResponse, KEY_REFUSED_CODE } from "./transport.ts";
import { ldTreatment } from "./value.ts";

interface ReadPart {
  /** The wallet's name as Binance shows it ("Spot", "Cross Margin", "USDⓈ-M Futures"). */
  readonly label: string;
  readonly rows: readonly CoinAmount[];
}

interface MissingPart {
  /** What the total leaves out, in words a user understands. */
  readonly leftOut: string;
  /** One line saying why and what to do. */
  readonly warning: string;
}

export interface Parts {
  readonly read: readonly ReadPart[];
  readonly missing: readonly MissingPart[];
}

/** Simple Earn pages: `size` at most 100 [swagger "Default:10 Max:100"]. */
const EARN_PAGE_SIZE = 100;
/** 50 pages of 100 positions: far beyond a real account; a `total` that never ends is a bad response, not a loop. */
const EARN_MAX_PAGES = 50;
/** Codes of a margin wallet that was never opened [§6]: zero, not a failure. */
const NOT_OPENED: ReadonlyMap<string, number> = new Map([
  ["Cross Margin", -3003],
  ["Isolated Margin", -11001],
]);

/** Reads the wallets that spot and funding (already read) do not cover, and applies the LD rule to spot. */
export async function readParts(
  http: BinanceTransport,
  signal: AbortSignal,
  spot: readonly CoinAmount[],
  funding: Outcome<CoinAmount[]>,
  book: PriceBook,
): Promise<Parts> {
  const [flexible, locked, cross, isolated, usdM, coinM] = await Promise.all([
    settle(() => readEarn(http, "flexible", signal)),
    settle(() => readEarn(http, "locked", signal)),
    settle(async () => parseCrossMargin(await http.signed("GET", "spot", CROSS_MARGIN_PATH, [], signal))),
    settle(async () => parseIsolatedMargin(await http.signed("GET", "spot", ISOLATED_MARGIN_PATH, [], signal))),
    settle(async () => parseFuturesAssets(await http.signed("GET", "usdM", USDM_PATH, [], signal), USDM_PATH)),
    settle(async () => parseFuturesAssets(await http.signed("GET", "coinM", COINM_PATH, [], signal), COINM_PATH)),
  ]);
  const read: ReadPart[] = [];
  const missing: MissingPart[] = [];
  let futuresRefused = false;
  const take = (label: string, outcome: Outcome<readonly CoinAmount[]>): void => {
    if (outcome.ok) {
      read.push({ label, rows: outcome.value });
      return;
    }
    const error = outcome.error;
    if (!(error instanceof PlatformError) || signal.aborted || !isPartFailure(error)) throw error;
    if (NOT_OPENED.get(label) === error.code) return;
    if (label.endsWith("Futures") && error.code === KEY_REFUSED_CODE) {
      // A key created before the futures account was opened "does not support futures API service" [§4.3 g, §5].
      if (!futuresRefused) {
        missing.push({
          leftOut: "Binance futures not read: create a new read-only key (this one cannot read futures)",
          warning:
            "Binance refused futures to this key (code -2015): keys created before the futures account was opened can never read it; create a new read-only key",
        });
      }
      futuresRefused = true;
      return;
    }
    missing.push({ leftOut: `Binance ${label} not read`, warning: `Binance ${label} not counted (${describe(error)}): ${error.message}` });
  };
  // Spot's LD<X> rows mirror flexible positions: skipped when the positions were read, every unpriced one when not.
  const flexibleAssets = flexible.ok ? new Set(flexible.value.map((row) => row.asset)) : null;
  take("Spot", { ok: true, value: spot.filter((row) => ldTreatment(row.asset, flexibleAssets, book) === "coin") });
  take("Funding", funding);
  take("Simple Earn Flexible", flexible);
  take("Simple Earn Locked", locked);
  take("Cross Margin", cross);
  take("Isolated Margin", isolated);
  take("USDⓈ-M Futures", usdM);
  take("COIN-M Futures", coinM);
  return { read, missing };
}

/** Every page of one kind of Simple Earn position, until `current × size ≥ total`. */
async function readEarn(http: BinanceTransport, kind: "flexible" | "locked", signal: AbortSignal): Promise<CoinAmount[]> {
  const path = kind === "flexible" ? FLEXIBLE_PATH : LOCKED_PATH;
  const rows: CoinAmount[] = [];
  for (let current = 1; current <= EARN_MAX_PAGES; current++) {
    const page = parseEarnPage(
      await http.signed(
        "GET",
        "spot",
        path,
        [
          ["current", String(current)],
          ["size", String(EARN_PAGE_SIZE)],
        ],
        signal,
      ),
      kind,
    );
    rows.push(...page.rows);
    if (current * EARN_PAGE_SIZE >= page.total || page.rows.length === 0) return rows;
  }
  throw binanceBadResponse(path, `more than ${EARN_MAX_PAGES} pages of positions`);
}

/**
 * A failure that leaves one wallet out rather than failing Binance: not a corrupt amount (the account's other answers
 * are not trusted then), not a broken key, clock or setup (every wallet would fail alike).
 */
function isPartFailure(error: PlatformError): boolean {
  if (error.code === UNREADABLE_AMOUNT) return false;
  if (error.kind === "auth") return error.code === KEY_REFUSED_CODE || error.code === -1002;
  return error.kind !== "clock-skew" && error.kind !== "config";
}
