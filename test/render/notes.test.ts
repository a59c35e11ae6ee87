// The short form of a note: what a phone shows in one or two rows, the platform and what to do, with the
// details (parenthesised codes, API method names and paths, long ids) left to "Details" and the log.
import { expect, test } from "bun:test";
import { dec } from "../../src/lib/money.ts";
import type { PlatformId } from "../../src/platforms/types.ts";
import { SHORT_NOTE_MAX, shortNote, snapshotNotes } from "../../src/render/notes.ts";
import { combine, rowOf } from "../../src/snapshot/snapshot.ts";

test("details in parentheses, nested too, and API method names go; what happened and what to do stay", () => {
  expect(
    shortNote(
      "T-Bank denied OperationsService/GetPortfolio (HTTP 403, code 40002, no access (account 2001)): the token has no access to it; check TBANK_API_TOKEN covers this account",
      "T-Bank",
    ),
  ).toBe("T-Bank denied: check TBANK_API_TOKEN covers this account");
  expect(
    shortNote("T-Bank had an internal error on OperationsService/GetPortfolio (HTTP 500, code 70001); try again later", "T-Bank"),
  ).toBe("T-Bank had an internal error: try again later");
});

test("a long id and an API path go: the log has them", () => {
  expect(shortNote("account Инвесткопилка 2000000104 not counted: check TBANK_API_TOKEN covers it", "T-Bank")).toBe(
    "T-Bank: account Инвесткопилка not counted: check TBANK_API_TOKEN covers it",
  );
  expect(shortNote("KuCoin sent an unexpected response from /api/v1/accounts (not JSON); try again later", "KuCoin")).toBe(
    "KuCoin sent an unexpected response: try again later",
  );
  // Not a path: a pair of currencies.
  expect(shortNote("no USD/RUB rate: USD value unknown", "T-Bank")).toBe("T-Bank: no USD/RUB rate: USD value unknown");
});

test("without a clause saying what to do, the second clause says more of what happened", () => {
  expect(shortNote("account Копилка not counted: T-Bank's API cannot read an Invest Box", "T-Bank")).toBe(
    "T-Bank: account Копилка not counted: T-Bank's API cannot read an Invest Box",
  );
  expect(shortNote("Bybit sent a response that is not JSON (HTTP 200 from /v5/account/wallet-balance)", "Bybit")).toBe(
    "Bybit sent a response that is not JSON",
  );
});

test("the platform leads the line once: as the sentence's subject, or before it; a leading 'Name:' is not repeated", () => {
  expect(shortNote("OKX rejected the API key (code 50111): check OKX_API_KEY", "OKX")).toBe("OKX rejected the API key: check OKX_API_KEY");
  expect(shortNote("T-Bank: no open account could be read (a: x; b: y); check TBANK_API_TOKEN", "T-Bank")).toBe(
    "T-Bank: no open account could be read: check TBANK_API_TOKEN",
  );
  expect(shortNote("funding and Earn not valued: give the key the Wallet read permission", "Bybit")).toBe(
    "Bybit: funding and Earn not valued: give the key the Wallet read permission",
  );
});

test("a long note is cut between words, with the clip mark, within the limit; what happened gives way to what to do", () => {
  const note = shortNote(`IBKR ${"statement ".repeat(30)}: set the Flex query's period`, "IBKR");
  expect([...note].length).toBeLessThanOrEqual(SHORT_NOTE_MAX);
  expect(note).toMatch(/^IBKR statement( statement)*…: set the Flex query's period$/);
  // Without a clause saying what to do, the line itself is cut.
  const told = shortNote(`IBKR ${"statement ".repeat(30)}: the statement is long`, "IBKR");
  expect([...told].length).toBeLessThanOrEqual(SHORT_NOTE_MAX);
  expect(told).toMatch(/statement…$/);
});

test("a note too long for a phone keeps what to do: 'tick the section …' of IBKR's Flex query, for one", () => {
  const note = shortNote(
    'The IBKR Flex statement for U3000003 cannot be valued (its base currency CNH has no Bank of Russia rate): tick the section "Conversion Rates" in the Flex query',
    "IBKR",
  );
  expect([...note].length).toBeLessThanOrEqual(SHORT_NOTE_MAX);
  expect(note).toEndWith(': tick the section "Conversion Rates" in the Flex query');
});

test("what to do that is itself too long keeps its start, without its why, after what happened in brief", () => {
  const note = shortNote(
    'IBKR U•••0003 is valued in CNH, for which the Bank of Russia publishes no rate, and the statement has no Conversion Rates section: tick the section "Conversion Rates" (ConversionRate) with the fields ReportDate, FromCurrency, ToCurrency and Rate in the Flex query (IBKR_QUERY_ID), so pfbot can use IBKR\'s own rate',
    "IBKR",
  );
  expect([...note].length).toBeLessThanOrEqual(SHORT_NOTE_MAX);
  expect(note).toBe('IBKR U•••0003 is valued in…: tick the section "Conversion Rates" with the fields ReportDate…');
  // A why after what to do goes even when the note fits: it is in the Details view.
  expect(shortNote("OKX refused the key: turn on Read in the key's settings, so that pfbot can read the balance", "OKX")).toBe(
    "OKX refused the key: turn on Read in the key's settings",
  );
});

test("a part left out is a note naming its platform once, where the platform's words name it or first", () => {
  const partial = (platform: PlatformId, leftOut: string) =>
    rowOf(
      {
        platform,
        holdings: [{ label: "account", money: { currency: "USD", amount: dec("100") }, asOf: null }],
        assets: [],
        asOf: null,
        source: "test",
        warnings: [],
        leftOut: [leftOut],
      },
      null,
      1,
    );
  const snapshot = combine(
    [
      partial("okx", "Earn and other OKX accounts not valued"),
      partial("bybit", "funding and Earn not valued: give the key the Wallet read permission"),
    ],
    {
      ok: true,
      stale: false,
      warnings: [],
      rates: { source: "CBR", date: "2026-11-24", fetchedAt: 0, rubPerUnit: new Map([["USD", dec("80")]]) },
    },
    new Date("2026-11-24T09:00:00Z"),
    "Europe/Paris",
  );
  expect(snapshotNotes(snapshot).map((note) => [note.short, note.full])).toEqual([
    ["Earn and other OKX accounts not valued", "Partial: Earn and other OKX accounts not valued"],
    [
      "Bybit funding and Earn not valued: give the key the Wallet read permission",
      "Partial: Bybit funding and Earn not valued: give the key the Wallet read permission",
    ],
  ]);
});
