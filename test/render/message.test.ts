import { describe, expect, test } from "bun:test";
import type { FxResult } from "../../src/fx/source.ts";
import { dec } from "../../src/lib/money.ts";
import type { PlatformBalance, PlatformId } from "../../src/platforms/types.ts";
import { PlatformError } from "../../src/platforms/types.ts";
import { foldAssets, formatMoney, formatSnapshotHtml, htmlToText, TELEGRAM_TEXT_LIMIT } from "../../src/render/message.ts";
import type { Change } from "../../src/snapshot/report.ts";
import { combine, failedRow, type PlatformRow, rowOf } from "../../src/snapshot/snapshot.ts";

const TAKEN = new Date("2026-11-24T13:05:00Z");
const FX: FxResult = {
  ok: true,
  stale: false,
  warnings: [],
  rates: {
    source: "CBR",
    date: "2026-11-24",
    fetchedAt: TAKEN.getTime(),
    rubPerUnit: new Map([
      ["USD", dec("92.5")],
      ["EUR", dec("101.75")],
    ]),
  },
};

function balance(platform: PlatformId, partial: Partial<PlatformBalance>): PlatformBalance {
  return { platform, holdings: [], assets: [], asOf: null, source: "test", warnings: [], leftOut: [], ...partial };
}
function failed(id: PlatformId, message: string): PlatformRow {
  return failedRow(id, new PlatformError(id, "auth", message), 5);
}

const realisticRows = (): PlatformRow[] => [
  rowOf(
    balance("bybit", {
      holdings: [{ label: "account", money: { currency: "USD", amount: dec("23456.785") }, asOf: null }],
      assets: [
        { asset: "BTC", usd: dec("15000.10") },
        { asset: "ETH", usd: dec("4000.20") },
        { asset: "USDT", usd: dec("2500") },
        { asset: "SOL", usd: dec("1200.5") },
        { asset: "XRP", usd: dec("500") },
        { asset: "DOGE", usd: dec("156.42") },
        { asset: "ADA", usd: dec("99.56") },
      ],
    }),
    FX.ok ? FX.rates : null,
    120,
  ),
  rowOf(
    balance("okx", {
      holdings: [{ label: "account", money: { currency: "USD", amount: dec("8000") }, asOf: null }],
      assets: [
        { asset: "BTC", usd: dec("6000") },
        { asset: "other (Earn, …)", usd: dec("2000") },
      ],
    }),
    FX.ok ? FX.rates : null,
    130,
  ),
  rowOf(
    balance("tbank", {
      holdings: [
        { label: "Брокерский 2001", money: { currency: "RUB", amount: dec("370000.50") }, asOf: null },
        { label: "ИИС 2002", money: { currency: "RUB", amount: dec("92500") }, asOf: null },
      ],
      warnings: ["account Инвесткопилка 2003 not counted: no access (40002)"],
    }),
    FX.ok ? FX.rates : null,
    90,
  ),
  rowOf(
    balance("ibkr", {
      holdings: [{ label: "U1234567", money: { currency: "EUR", amount: dec("36000") }, asOf: "2026-11-23" }],
      asOf: "2026-11-23",
    }),
    FX.ok ? FX.rates : null,
    900,
  ),
];

describe("golden message", () => {
  test("a realistic snapshot with a change line", () => {
    const snapshot = combine(realisticRows(), FX, TAKEN, "Europe/Paris");
    const change: Change = { kind: "change", usd: dec("1234.5"), pct: dec("1.7"), since: "2026-11-23" };
    expect(formatSnapshotHtml(snapshot, { includeBreakdown: true, change })).toBe(
      [
        "<b>Portfolio</b> · 24 Nov 2026, 14:05 (Europe/Paris)",
        "",
        "Bybit: <b>$23,456.79</b>",
        "OKX: <b>$8,000.00</b>",
        "T-Bank: <b>$5,000.01</b> · ₽ 462,501",
        "IBKR: <b>$39,600.00</b> · €36,000.00 · as of 23 Nov 2026",
        "",
        "Crypto: $31,456.79",
        "Total: <b>$76,056.79</b>",
        "Total: <b>₽ 7,035,253</b>",
        "Change since 23 Nov 2026: +$1,234.50 (+1.70%)",
        "USD/RUB 92.5000 · CBR, 24 Nov 2026",
        "",
        "ℹ️ T-Bank: account Инвесткопилка 2003 not counted: no access (40002)",
        "",
        "<b>Crypto breakdown</b>",
        "Bybit: BTC $15,000.10, ETH $4,000.20, USDT $2,500.00, SOL $1,200.50, XRP $500.00, other coins $255.98",
        "OKX: BTC $6,000.00, other (Earn, …) $2,000.00",
      ].join("\n"),
    );
  });

  test("a failed platform: partial totals naming it, no breakdown when off", () => {
    const rows = realisticRows();
    rows[1] = failed("okx", "OKX rejected the API key (code 50111): check OKX_API_KEY");
    const text = formatSnapshotHtml(combine(rows, FX, TAKEN, "Europe/Paris"), { includeBreakdown: false, change: { kind: "none" } });
    expect(text).toContain("❌ OKX: unavailable — OKX rejected the API key (code 50111): check OKX_API_KEY");
    expect(text).toContain("Total: <b>$68,056.79</b> (partial: without OKX)");
    expect(text).toContain("Change: no comparable day");
    expect(text).not.toContain("breakdown");
  });

  test("a partial platform: the totals name what it leaves out, after the platforms left out whole", () => {
    const rows = realisticRows();
    rows[0] = rowOf(
      balance("bybit", {
        holdings: [{ label: "account", money: { currency: "USD", amount: dec("21461.94") }, asOf: null }],
        leftOut: ["funding and Earn not valued: give the key the Wallet read permission"],
      }),
      FX.ok ? FX.rates : null,
      1,
    );
    rows[1] = rowOf(
      balance("okx", {
        holdings: [{ label: "account", money: { currency: "USD", amount: dec("4991.54") }, asOf: null }],
        leftOut: ["Earn and other OKX accounts not valued"],
      }),
      FX.ok ? FX.rates : null,
      1,
    );
    rows[3] = failed("ibkr", "The IBKR Flex token has expired (1012): generate a new one and set IBKR_FLEX_TOKEN");
    const snapshot = combine(rows, FX, TAKEN, "Europe/Paris");
    const text = htmlToText(formatSnapshotHtml(snapshot, { includeBreakdown: false, change: { kind: "partial" } }));
    const lines = text.split("\n");
    // The platform lines stay as they were: the totals carry the mark.
    expect(lines).toContain("Bybit: $21,461.94");
    expect(lines).toContain("OKX: $4,991.54");
    expect(lines).toContain(
      "Total: $31,453.49 (partial: without IBKR; Bybit funding and Earn not valued: give the key the Wallet read permission; Earn and other OKX accounts not valued)",
    );
    expect(lines).toContain("Total: ₽ 2,909,447 (partial)");
    expect(lines).toContain("Change: not compared, the total is partial");
  });

  test("what a platform leaves out is escaped and clipped like every other line", () => {
    const row = rowOf(
      balance("tbank", {
        holdings: [{ label: "a", money: { currency: "RUB", amount: dec("1000") }, asOf: null }],
        leftOut: [`account <b>Копилка</b> & ${"x".repeat(1000)}`],
      }),
      FX.ok ? FX.rates : null,
      1,
    );
    const html = formatSnapshotHtml(combine([row], FX, TAKEN, "Europe/Paris"), { includeBreakdown: false });
    const total = html.split("\n").find((line) => line.startsWith("Total: <b>$"))!;
    expect(total).toContain("(partial: T-Bank account &lt;b&gt;Копилка&lt;/b&gt; &amp; xxx");
    expect(total.length).toBeLessThan(400);
  });

  test("no FX rate: no RUB total, T-Bank and the EUR account say their USD value is unknown", () => {
    const noFx: FxResult = { ok: false, reason: "no USD/RUB rate: CBR: HTTP 500; CBR mirror: HTTP 500" };
    const rows = realisticRows().map((row) =>
      rowOf(balance(row.id, { holdings: row.holdings, assets: row.assets, asOf: row.asOf }), null, 1),
    );
    const snapshot = combine(rows, noFx, TAKEN, "Europe/Paris");
    expect(snapshot.totalRub).toBeNull();
    const text = htmlToText(formatSnapshotHtml(snapshot, { includeBreakdown: false }));
    expect(text).toContain("T-Bank: USD value unknown (no USD/RUB rate: USD value unknown) · ₽ 462,501");
    expect(text).toContain("Total: $31,456.79 (partial: without T-Bank, IBKR)");
    expect(text).toContain("Total in RUB: unavailable — no USD/RUB rate");
    expect(text).toContain("USD/RUB: unavailable — no USD/RUB rate: CBR: HTTP 500; CBR mirror: HTTP 500");
    expect(text).not.toMatch(/₽ 7,/);
  });
});

describe("the time in the header", () => {
  test("is the wall clock of TIMEZONE, whatever the process's zone: Paris 02:30 on New York's DST night", () => {
    // The suite also runs under TZ=America/New_York, where 02:30 on 8 March 2026 does not exist locally.
    const text = htmlToText(
      formatSnapshotHtml(combine(realisticRows(), FX, new Date("2026-03-08T01:30:00Z"), "Europe/Paris"), { includeBreakdown: false }),
    );
    expect(text.split("\n")[0]).toBe("Portfolio · 8 Mar 2026, 02:30 (Europe/Paris)");
  });
});

describe("escaping and limits", () => {
  test("hostile strings are escaped", () => {
    const rows = [failed("bybit", "Bybit said <b>boom</b> & <script>alert(1)</script>")];
    const html = formatSnapshotHtml(combine(rows, FX, TAKEN, "Europe/Paris"), { includeBreakdown: true });
    expect(html).toContain("Bybit said &lt;b&gt;boom&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(htmlToText(html)).toContain("Bybit said <b>boom</b> & <script>alert(1)</script>");
  });

  test("hundreds of assets and huge error texts still fit in 4096 characters", () => {
    const assets = Array.from({ length: 500 }, (_, i) => ({ asset: `COIN${i}<&>`.repeat(5), usd: dec(`${1000 - i}.5`) }));
    const rows: PlatformRow[] = [
      rowOf(
        balance("bybit", {
          holdings: [{ label: "a", money: { currency: "USD", amount: dec("1") }, asOf: null }],
          assets,
          warnings: Array.from({ length: 100 }, (_, i) => `warning ${i} ${"&".repeat(500)}`),
        }),
        null,
        1,
      ),
      rowOf(balance("okx", { holdings: [{ label: "a", money: { currency: "USD", amount: dec("1") }, asOf: null }], assets }), null, 1),
      failed("tbank", "x".repeat(10_000)),
      failed("ibkr", "<".repeat(10_000)),
    ];
    const html = formatSnapshotHtml(combine(rows, FX, TAKEN, "Europe/Paris"), { includeBreakdown: true, topAssets: 400 });
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(html).toContain("Total: <b>$2.00</b>");
    expect(html).toMatch(/… and \d+ more notes \(see the log\)$/m);
    expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });
});

test("money formats", () => {
  expect(formatMoney({ currency: "USD", amount: dec("12345.674") })).toBe("$12,345.67");
  expect(formatMoney({ currency: "RUB", amount: dec("1234567.49") })).toBe("₽ 1,234,567");
  expect(formatMoney({ currency: "CHF", amount: dec("-1000") })).toBe("-CHF 1,000.00");
  expect(formatMoney({ currency: "USD", amount: dec("-0.001") })).toBe("$0.00");
});

test("assets beyond the top five fold into other", () => {
  const folded = foldAssets(
    [1, 7, 3, 9, 5, 2, 8].map((n) => ({ asset: `C${n}`, usd: dec(n) })),
    5,
  );
  expect(folded.map((a) => `${a.asset}=${a.usd.coef}`)).toEqual(["C9=9", "C8=8", "C7=7", "C5=5", "C3=3", "other coins=3"]);
});

test("the breakdown adds up: what the total holds beyond the listed coins is shown once, escaped names too", () => {
  const row = rowOf(
    balance("bybit", {
      holdings: [{ label: "a", money: { currency: "USD", amount: dec("1000") }, asOf: null }],
      assets: [
        { asset: "A&B", usd: dec("600") },
        { asset: "ETH", usd: dec("100") },
      ],
    }),
    null,
    1,
  );
  const html = formatSnapshotHtml(combine([row], FX, TAKEN, "Europe/Paris"), { includeBreakdown: true });
  expect(html).toContain("Bybit: A&amp;B $600.00, ETH $100.00, not itemised $300.00");
});
