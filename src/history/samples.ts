// The sample days shipped in the repository's data/portfolio_history.json, so that /history has something to
// show on a first try from a clone. The first start imports that file like the original bot's own; these
// days are told apart by their content (each day with its exact USD and RUB totals) and kept apart from the
// owner's history (the sample_days table): shown as samples, never compared with, removed by the first real
// day recorded. A user's own portfolio_history.json holds other figures, and is real history.
import { cmp, type Decimal, dec } from "../lib/money.ts";

interface SampleDay {
  /** YYYY-MM-DD. */
  readonly day: string;
  /** As written in the shipped file. */
  readonly usd: string;
  readonly rub: string;
}

/** data/portfolio_history.json, day by day (test/history/samples.test.ts keeps the two equal). */
export const SAMPLE_DAYS: readonly SampleDay[] = [
  { day: "2026-11-19", usd: "41876.30", rub: "3400355.56" },
  { day: "2026-11-20", usd: "42012.47", rub: "3409311.94" },
  { day: "2026-11-21", usd: "42588.02", rub: "3446222.58" },
  { day: "2026-11-22", usd: "42410.55", rub: "3431861.71" },
  { day: "2026-11-23", usd: "42731.18", rub: "3463362.14" },
];

/** True when this day, with exactly these totals, is one of the shipped sample days. */
export function isSampleDay(day: string, usd: Decimal, rub: Decimal | null): boolean {
  return SAMPLE_DAYS.some(
    (sample) => sample.day === day && cmp(dec(sample.usd), usd) === 0 && rub !== null && cmp(dec(sample.rub), rub) === 0,
  );
}
