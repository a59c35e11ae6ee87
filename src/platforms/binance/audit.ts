// `--check` for Binance: /sapi/v1/account/apiRestrictions says what the key may do. Read-only means Enable Reading and
// none of the trade, withdraw or internal-transfer flags. Every field is treated as optional: the 2024 swagger and the
// current sample differ. [docs/platforms/binance.md §5]
import { isRecord } from "../../lib/guards.ts";
import type { KeyAudit } from "../types.ts";
import { RESTRICTIONS_PATH } from "./parse.ts";
import { binanceBadResponse } from "./transport.ts";

/** Flags that let the key place orders, by Binance's field name and what the user ticks. */
const TRADE_FLAGS: readonly (readonly [field: string, label: string])[] = [
  ["enableSpotAndMarginTrading", "spot and margin trading"],
  ["enableMargin", "margin"],
  ["enableFutures", "futures"],
  ["enableVanillaOptions", "options"],
  ["enablePortfolioMarginTrading", "portfolio margin trading"],
  ["enableFixApiTrade", "FIX API trading"],
];

const KNOWN_FLAGS: readonly string[] = [
  "enableReading",
  ...TRADE_FLAGS.map(([field]) => field),
  "enableWithdrawals",
  "enableInternalTransfer",
  "permitsUniversalTransfer",
  "enableFixReadOnly",
];

export function parseKeyAudit(body: unknown): KeyAudit {
  if (!isRecord(body)) throw binanceBadResponse(RESTRICTIONS_PATH, "not an object");
  const on = (field: string): boolean => body[field] === true;
  if (typeof body.enableReading !== "boolean") throw binanceBadResponse(RESTRICTIONS_PATH, "no enableReading");
  const permissions = KNOWN_FLAGS.filter(on);
  const trades = TRADE_FLAGS.filter(([field]) => on(field)).map(([, label]) => label);
  const notes: string[] = [];
  if (!on("enableReading"))
    notes.push("the key cannot read (Enable Reading is off): tick Enable Reading on the key behind BINANCE_API_KEY");
  if (trades.length > 0) notes.push(`the key can trade (${trades.join(", ")}): create a read-only key for pfbot`);
  if (on("enableWithdrawals")) notes.push("DANGER: the key can withdraw funds");
  if (on("enableInternalTransfer")) notes.push("the key can move funds between the master account and sub-accounts");
  if (on("permitsUniversalTransfer")) {
    notes.push(
      "Permits Universal Transfer is on: it moves funds only between your own wallets; pfbot needs it only if Binance refuses its wallet valuation",
    );
  }
  notes.push(body.ipRestrict === true ? "IP-restricted: yes" : "IP-restricted: no (the key works from any IP)");
  const created = dateOf(body.createTime);
  if (created !== null) notes.push(`created ${created}`);
  const tradingUntil = dateOf(body.tradingAuthorityExpirationTime);
  if (tradingUntil !== null && on("enableSpotAndMarginTrading")) notes.push(`spot and margin trading permission expires ${tradingUntil}`);
  const readOnly = on("enableReading") && trades.length === 0 && !on("enableWithdrawals") && !on("enableInternalTransfer");
  // tradingAuthorityExpirationTime is when the trading permission lapses; the key itself reports no expiry (§5).
  return { readOnly, permissions, notes, expiresAt: null, expiryNote: null };
}

/** A ms timestamp as a UTC date (YYYY-MM-DD), or null when absent or not a plausible time. */
function dateOf(value: unknown): string | null {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) return null;
  return new Date(value).toISOString().slice(0, 10);
}
