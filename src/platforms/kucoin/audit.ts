// `--check` for KuCoin: /api/v1/user/api-key reports the key's permissions, IP whitelist (masked by KuCoin), version
// and owner. Read-only means the permission set is exactly {General}; anything else, unknown names included, can do
// more than read. KuCoin reports no expiry. [docs/platforms/kucoin.md §7]
import { isRecord } from "../../lib/guards.ts";
import type { KeyAudit } from "../types.ts";
import { API_KEY_PATH } from "./parse.ts";
import { kucoinBadResponse } from "./transport.ts";

const TRADE = ["Spot", "Margin", "Futures"];
const MOVE = ["InnerTransfer", "Earn"];
const KNOWN = new Set(["General", "Transfer", ...TRADE, ...MOVE]);

export function parseKeyAudit(data: unknown): KeyAudit {
  if (!isRecord(data) || typeof data.permission !== "string") throw kucoinBadResponse(API_KEY_PATH, "no permission");
  const permissions = data.permission
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const has = (name: string): boolean => permissions.includes(name);
  const notes: string[] = [];
  if (!has("General")) notes.push("the key lacks General (read) permission: tick General on the key behind KUCOIN_API_KEY");
  const trades = TRADE.filter(has);
  if (trades.length > 0) notes.push(`the key can trade (${trades.join(", ")}): create a General-only key for pfbot`);
  if (has("Transfer")) notes.push("DANGER: the key can withdraw funds (Transfer)");
  const moves = MOVE.filter(has);
  if (moves.length > 0) notes.push(`the key can move funds inside the account (${moves.join(", ")})`);
  const unknown = permissions.filter((p) => !KNOWN.has(p));
  if (unknown.length > 0)
    notes.push(`the key has permissions pfbot does not know (${unknown.join(", ")}), so it is not treated as read-only`);
  if (!has("Futures"))
    notes.push(
      "futures are read only with the Futures permission (which also allows futures trading): without it pfbot leaves them out and says so",
    );
  const whitelist =
    typeof data.ipWhitelist === "string"
      ? data.ipWhitelist
          .split(",")
          .map((ip) => ip.trim())
          .filter((ip) => ip !== "")
      : [];
  notes.push(whitelist.length > 0 ? `IP whitelist: ${whitelist.join(", ")}` : "IP whitelist: none (the key works from any IP)");
  const created = data.createdAt;
  if (typeof created === "number" && Number.isSafeInteger(created) && created > 0)
    notes.push(`created ${new Date(created).toISOString().slice(0, 10)}`);
  if (data.apiVersion === 2) notes.push("a version-2 key: KuCoin's newer APIs refuse those, so create a new key if a call is refused");
  if (data.isMaster === false) {
    const sub = typeof data.subName === "string" && data.subName !== "" ? ` (${data.subName})` : "";
    notes.push(`sub-account key${sub}: only that sub-account is counted`);
  }
  const readOnly = permissions.length === 1 && has("General");
  // The api-key answer has no expiry field (docs/platforms/kucoin.md §7).
  return { readOnly, permissions, notes, expiresAt: null, expiryNote: null };
}
