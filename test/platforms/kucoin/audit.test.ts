import { describe, expect, test } from "bun:test";
import { realisticKucoinAccount } from "../../fakes/kucoin.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { API_KEY, setup } from "./setup.ts";

describe("auditKey (/api/v1/user/api-key)", () => {
  test("a General-only key is read-only; no whitelist, no expiry reported, and the futures trade-off is said", async () => {
    const { client, signal } = await setup();
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(true);
    expect(audit.permissions).toEqual(["General"]);
    expect(audit.notes).toEqual([
      "futures are read only with the Futures permission (which also allows futures trading): without it pfbot leaves them out and says so",
      "IP whitelist: none (the key works from any IP)",
      "created 2026-02-10",
    ]);
    expect([audit.expiresAt, audit.expiryNote]).toEqual([null, null]);
  });

  test("trade, withdraw (Transfer) and inner-transfer permissions are flagged; the masked whitelist is shown as KuCoin reports it", async () => {
    const state = realisticKucoinAccount();
    state.key.permissions = ["General", "Spot", "Futures", "Transfer", "InnerTransfer"];
    state.key.allowedIps = ["127.0.0.1", "203.0.113.154"];
    const { client, signal } = await setup(state);
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(false);
    expect(audit.permissions).toEqual(["General", "Spot", "Futures", "Transfer", "InnerTransfer"]);
    const notes = audit.notes.join("\n");
    expect(notes).toContain("the key can trade (Spot, Futures): create a General-only key for pfbot");
    expect(notes).toContain("DANGER: the key can withdraw funds (Transfer)");
    expect(notes).toContain("the key can move funds inside the account (InnerTransfer)");
    expect(notes).toContain("IP whitelist: 127.**.1, 203.**.154");
    expect(notes).not.toContain("futures are read only");
  });

  test("an unknown permission is not read-only; a version-2 sub-account key says so", async () => {
    const state = realisticKucoinAccount();
    state.key.permissions = ["General", "Copytrading"];
    state.key.apiVersion = 2;
    state.key.isMaster = false;
    state.key.subName = "bots";
    const { client, signal } = await setup(state);
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(false);
    const notes = audit.notes.join("\n");
    expect(notes).toContain("permissions pfbot does not know (Copytrading)");
    expect(notes).toContain("a version-2 key");
    expect(notes).toContain("sub-account key (bots): only that sub-account is counted");
  });

  test("an answer without `permission` is a bad response, not a read-only key", async () => {
    const state = realisticKucoinAccount();
    const { client, signal } = await setup(state, {
      faults: [{ path: API_KEY, status: 200, body: JSON.stringify({ code: "200000", data: { apiKey: "x" } }) }],
    });
    expect((await expectPlatformError(client.auditKey(signal))).kind).toBe("bad-response");
  });
});
