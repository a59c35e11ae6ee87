// `pfbot --chart FILE.png [--days N] [--currency usd|rub]` and `pfbot --allocation FILE.png [--by
// platform|kind] [--currency usd|rub]`: the PNGs /chart and /allocation send, written to a file, with
// their caption on stdout. Like the history modes they need only DATA_DIR and TIMEZONE (no platform, no
// Telegram, no network), and they render in this process: it ends right after, so resvg's memory goes
// with it. Exit codes: 0 written; 1 nothing to draw (fewer than 2 days, no complete snapshot yet), or
// the file could not be written, with an ERROR line saying which.
import { ENV_BACKED } from "../../bot/settings.ts";
import { LATEST_ALLOCATION } from "../../history/allocation.ts";
import { openHistory } from "../../history/io.ts";
import { SettingsStore } from "../../history/settings.ts";
import { writeFileAtomic } from "../../lib/atomic-file.ts";
import { errorMessage } from "../../lib/errors.ts";
import { allocationChart } from "../../render/chart/allocation-chart.ts";
import { type ChartView, historyChart } from "../../render/chart/history-chart.ts";
import { renderPng } from "../../render/chart/rasterize.ts";
import { htmlToText } from "../../render/html.ts";
import type { Mode } from "../cli.ts";
import type { HistoryContext } from "./history.ts";

export type ChartMode = Extract<Mode, { readonly kind: "chart" | "allocation" }>;

export interface ChartModeOptions {
  /**
   * PRIVACY as configured: no amount in the image or the caption, % only. The owner's choice in /settings wins
   * over it until PRIVACY changes (the bot's rule), read without changing the bot's settings.
   */
  readonly privacy: boolean;
}

export async function runChartMode(context: HistoryContext, mode: ChartMode, options: ChartModeOptions): Promise<number> {
  const { config, log } = context;
  const store = openHistory(config.dataDir, config.timeZone, log, () => context.clock.now());
  let view: ChartView;
  try {
    const settings = new SettingsStore(store.db);
    const privacy = settings.peek(ENV_BACKED.privacy, options.privacy).value;
    if (mode.kind === "chart") {
      // At most one record a day: days + 1 covers a window that ends with a day imported for tomorrow.
      const records = mode.days === "all" ? store.all() : store.recent(mode.days + 1);
      view = historyChart(records, mode, { today: store.today(), privacy });
    } else {
      view = allocationChart(settings.get(LATEST_ALLOCATION), mode, { timeZone: config.timeZone, privacy });
    }
  } finally {
    store.close();
  }
  if (view.kind === "text") {
    log.error(view.text);
    return 1;
  }
  const png = await renderPng(view.svg);
  try {
    writeFileAtomic(mode.file, png);
  } catch (error) {
    log.error(
      `${mode.kind === "chart" ? "--chart" : "--allocation"} ${mode.file}: cannot write it (${errorMessage(error)}); check the directory exists and is writable`,
    );
    return 1;
  }
  context.out(htmlToText(view.caption));
  context.out(`wrote ${mode.file} (${Math.round(png.length / 1000)} kB PNG)`);
  return 0;
}
