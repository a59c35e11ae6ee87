import { describe, expect, test } from "bun:test";
import { createBinanceClient, resolveBinanceHosts } from "../../../src/platforms/binance/client.ts";
import { BINANCE_FAKE_NOW, FAKE_BINANCE_KEY, FAKE_BINANCE_SECRET, realisticBinanceAccount, startBinanceFake } from "../../fakes/binance.ts";
import { expectPlatformError } from "../../support/platform-error.ts";
import { COINM, setup, USDM, WALLET_BALANCE } from "./setup.ts";

describe("BINANCE_BASE_URL", () => {
  test.each([
    ["https://api.binance.com", "https://api.binance.com", "https://fapi.binance.com", "https://dapi.binance.com"],
    ["https://api-gcp.binance.com/", "https://api-gcp.binance.com", "https://fapi.binance.com", "https://dapi.binance.com"],
    ["https://API3.binance.com", "https://api3.binance.com", "https://fapi.binance.com", "https://dapi.binance.com"],
    ["http://127.0.0.1:8123/", "http://127.0.0.1:8123", "http://127.0.0.1:8123", "http://127.0.0.1:8123"],
    ["http://localhost:9000/binance", "http://localhost:9000/binance", "http://localhost:9000/binance", "http://localhost:9000/binance"],
  ])("%s → spot %s, USDⓈ-M %s, COIN-M %s", (base, spot, usdM, coinM) => {
    expect(resolveBinanceHosts(base)).toEqual({ ok: true, hosts: { spot, usdM, coinM } });
  });

  test.each([
    ["https://api.binance.us", "Binance.US, which is a different exchange with a different API"],
    ["https://www.binance.tr", "Binance TR"],
    ["https://api.binance.me", "Binance TR"],
    ["https://testnet.binance.vision", "testnet"],
    ["https://fapi.binance.com", "derives it"],
    ["https://api.bybit.com", "is not a Binance.com API host"],
    ["http://api.binance.com", "must use https"],
    ["https://api.binance.com/api", "without a path"],
    ["api.binance.com", "is not a URL"],
  ])("%s is refused with a message naming what it is", (base, words) => {
    const result = resolveBinanceHosts(base);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(words);
    expect(result.message).toContain("BINANCE_BASE_URL");
    expect(result.message).toContain("https://api.binance.com");
  });

  test("a Binance.US base URL fails every call as config, naming the variable, and nothing is sent", async () => {
    const sent: string[] = [];
    const client = createBinanceClient({
      baseUrl: "https://api.binance.us",
      fetch: async (input) => {
        sent.push(String(input));
        return new Response("[]");
      },
      now: () => BINANCE_FAKE_NOW,
      sleep: async () => {},
      timeoutMs: 1_000,
      apiKey: FAKE_BINANCE_KEY,
      apiSecret: FAKE_BINANCE_SECRET,
    });
    for (const call of [client.fetchBalance, client.auditKey]) {
      const error = await expectPlatformError(call(new AbortController().signal));
      expect(error.kind).toBe("config");
      expect(error.message).toContain("BINANCE_BASE_URL points at Binance.US");
    }
    expect(sent).toEqual([]);
  });

  test("on the real hosts, futures go to fapi/dapi.binance.com and everything else to the Spot host", async () => {
    const state = realisticBinanceAccount();
    state.now = () => BINANCE_FAKE_NOW;
    const fake = await startBinanceFake(state);
    fake.faults.add({ path: WALLET_BALANCE, status: 503 });
    try {
      const hosts: string[] = [];
      const client = createBinanceClient({
        baseUrl: "https://api1.binance.com",
        // Stands in for DNS: every Binance host reaches the fake; the test records which host each path was sent to.
        fetch: (input, init) => {
          const url = new URL(String(input));
          hosts.push(`${url.host} ${url.pathname}`);
          return fetch(`${fake.url}${url.pathname}${url.search}`, init);
        },
        now: () => BINANCE_FAKE_NOW,
        sleep: async () => {},
        timeoutMs: 2_000,
        apiKey: FAKE_BINANCE_KEY,
        apiSecret: FAKE_BINANCE_SECRET,
      });
      await client.fetchBalance(new AbortController().signal);
      expect(hosts).toContain(`fapi.binance.com ${USDM}`);
      expect(hosts).toContain(`dapi.binance.com ${COINM}`);
      expect(hosts).toContain(`api1.binance.com ${WALLET_BALANCE}`);
      expect(hosts.filter((h) => !h.startsWith("api1.binance.com "))).toEqual([`fapi.binance.com ${USDM}`, `dapi.binance.com ${COINM}`]);
    } finally {
      await fake.stop();
    }
  });
});

describe("auditKey (apiRestrictions)", () => {
  test("a read-only key: read-only, no IP restriction shown, its age, and no expiry reported", async () => {
    const { client, signal } = await setup();
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(true);
    expect(audit.permissions).toEqual(["enableReading"]);
    expect(audit.notes).toEqual(["IP-restricted: no (the key works from any IP)", "created 2026-03-02"]);
    expect([audit.expiresAt, audit.expiryNote]).toEqual([null, null]);
  });

  test("a key that can trade and withdraw is flagged loudly, with its IP restriction and trading expiry", async () => {
    const state = realisticBinanceAccount();
    Object.assign(state.key.restrictions, {
      enableSpotAndMarginTrading: true,
      enableFutures: true,
      enableWithdrawals: true,
      ipRestrict: true,
      tradingAuthorityExpirationTime: Date.parse("2026-12-31T00:00:00Z"),
    });
    state.key.ips = ["127.0.0.1"];
    const { client, signal } = await setup(state);
    const audit = await client.auditKey(signal);
    expect(audit.readOnly).toBe(false);
    expect(audit.permissions).toEqual(["enableReading", "enableSpotAndMarginTrading", "enableFutures", "enableWithdrawals"]);
    const notes = audit.notes.join("\n");
    expect(notes).toContain("the key can trade (spot and margin trading, futures): create a read-only key for pfbot");
    expect(notes).toContain("DANGER: the key can withdraw funds");
    expect(notes).toContain("IP-restricted: yes");
    expect(notes).toContain("spot and margin trading permission expires 2026-12-31");
    // That date is the trading permission's, not the key's.
    expect(audit.expiresAt).toBeNull();
  });

  test("internal transfer (master ↔ sub-accounts) makes a key not read-only; Universal Transfer alone is only a note", async () => {
    const internal = realisticBinanceAccount();
    internal.key.restrictions.enableInternalTransfer = true;
    const first = await setup(internal);
    const flagged = await first.client.auditKey(first.signal);
    expect(flagged.readOnly).toBe(false);
    expect(flagged.notes.join("\n")).toContain("sub-accounts");

    const universal = realisticBinanceAccount();
    universal.key.restrictions.permitsUniversalTransfer = true;
    const second = await setup(universal);
    const noted = await second.client.auditKey(second.signal);
    expect(noted.readOnly).toBe(true);
    expect(noted.notes.join("\n")).toContain("Permits Universal Transfer is on");
  });

  test("an answer without enableReading is a bad response, not a read-only key", async () => {
    const state = realisticBinanceAccount();
    const { client, signal } = await setup(state, {
      faults: [{ path: "/sapi/v1/account/apiRestrictions", status: 200, body: JSON.stringify({ ipRestrict: false }) }],
    });
    expect((await expectPlatformError(client.auditKey(signal))).kind).toBe("bad-response");
  });
});
