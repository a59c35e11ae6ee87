/**
 * @module Dev tool: a sample DATA_DIR for the charts (a year of history with a gap and partial days, and
 * the allocation of a complete snapshot of hand-made balances), and the PNGs pfbot draws from it.
 *
 *   bun scripts/chart-samples.ts [--out-dir docs] [--binary ./pfbot] [--data-dir DIR]
 *
 * Writes OUT/chart.png (`pfbot --chart … --days 365`) and OUT/allocation.png (`pfbot --allocation …`),
 * the README's examples, with the binary (built by scripts/build.ts when missing), so they are exactly
 * what a user gets. bench/chart.ts uses writeChartSample for its DATA_DIR.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { FxResult } from "../src/fx/source.ts";
import { saveLatestAllocation } from "../src/history/allocation.ts";
import { SettingsStore } from "../src/history/settings.ts";
import { HistoryStore } from "../src/history/store.ts";
import { type Decimal, dec } from "../src/lib/money.ts";
import { addDays } from "../src/lib/zoned-time.ts";
import type { PlatformBalance, PlatformId } from "../src/platforms/types.ts";
import { allocationOf } from "../src/snapshot/allocation.ts";
import { combine, rowOf } from "../src/snapshot/snapshot.ts";
import { buildBinary } from "./build.ts";

const TIME_ZONE = "Europe/Paris";

/**
 * Fills `dataDir` with `days` days of history ending `today` (a deterministic walk from $150k, RUB at a
 * drifting rate; days 100–106 missing; a few partial days, lower by the platform they left out) and the
 * allocation of a complete snapshot taken `today` at 09:00 UTC.
 */
export function writeChartSample(dataDir: string, today: string, days = 365): void {
  const store = HistoryStore.open(dataDir, TIME_ZONE, () => Date.parse(`${today}T12:00:00Z`));
  try {
    let value = 150_000;
    let rate = 92;
    let seed = 3;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const entries: { day: string; usd: Decimal; rub: Decimal }[] = [];
    const partial: string[] = [];
    for (let i = 0; i < days; i++) {
      value *= 1 + (random() - 0.47) * 0.03;
      rate *= 1 + (random() - 0.5) * 0.006;
      if (i >= 100 && i <= 106) continue;
      const day = addDays(today, i - days + 1);
      const isPartial = [200, 201, 202, 300].includes(i);
      if (isPartial) partial.push(day);
      const usd = isPartial ? value * 0.82 : value;
      entries.push({ day, usd: dec(usd.toFixed(2)), rub: dec((usd * rate).toFixed(2)) });
    }
    store.importDays(entries, { overwrite: true });
    // Imported days are complete; these are as a run records a day some platform did not answer.
    const mark = store.db.query("UPDATE days SET complete = 0, origin = 'bot' WHERE day = ?1");
    for (const day of partial) mark.run(day);
    const allocation = allocationOf(sampleSnapshot(new Date(`${today}T09:00:00Z`)));
    if (allocation === null) throw new Error("the sample snapshot is not complete");
    saveLatestAllocation(new SettingsStore(store.db), allocation);
  } finally {
    store.close();
  }
}

function sampleSnapshot(takenAt: Date) {
  const fx: FxResult = {
    ok: true,
    stale: false,
    warnings: [],
    rates: {
      source: "CBR",
      date: takenAt.toISOString().slice(0, 10),
      fetchedAt: takenAt.getTime(),
      rubPerUnit: new Map([["USD", dec("80.45")]]),
    },
  };
  const rates = fx.ok ? fx.rates : null;
  const balance = (platform: PlatformId, holdings: [label: string, currency: string, amount: string][]): PlatformBalance => ({
    platform,
    holdings: holdings.map(([label, currency, amount]) => ({ label, money: { currency, amount: dec(amount) }, asOf: null })),
    assets: [],
    asOf: null,
    source: "sample",
    warnings: [],
    leftOut: [],
  });
  const rows = [
    balance("bybit", [["account", "USD", "61234.56"]]),
    balance("okx", [["account", "USD", "18120.40"]]),
    balance("tbank", [
      ["Брокерский счёт 2000000101", "RUB", "2450000.00"],
      ["ИИС 2000000102", "RUB", "640500.00"],
    ]),
    balance("ibkr", [["U1234567", "USD", "84210.55"]]),
  ].map((b) => rowOf(b, rates, 100));
  return combine(rows, fx, takenAt, TIME_ZONE);
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      "out-dir": { type: "string", default: "docs" },
      binary: { type: "string", default: "./pfbot" },
      "data-dir": { type: "string" },
    },
  });
  const root = resolve(import.meta.dir, "..");
  const binary = resolve(values.binary);
  if (!existsSync(binary)) await buildBinary({ outfile: binary });
  const dataDir = values["data-dir"] ?? mkdtempSync(join(tmpdir(), "pfbot-chart-sample-"));
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date());
  writeChartSample(dataDir, today);
  const outDir = resolve(root, values["out-dir"]);
  for (const args of [
    ["--chart", join(outDir, "chart.png"), "--days", "365"],
    ["--allocation", join(outDir, "allocation.png")],
  ]) {
    const run = Bun.spawnSync([binary, ...args], { env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, TIMEZONE: TIME_ZONE } });
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    if (run.exitCode !== 0) process.exit(run.exitCode ?? 1);
  }
  if (values["data-dir"] === undefined) rmSync(dataDir, { recursive: true, force: true });
}
