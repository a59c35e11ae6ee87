// What /chart, /allocation and their buttons answer: the chart's caption and a render() that draws it in a
// renderer process, one chart at a time, or the text to answer instead (too few days, no complete snapshot
// yet, the history unreadable). The value chart reads the history; the donut, the latest complete
// snapshot's allocation, kept here (in memory, and in the settings so that it outlives a restart).
import { type Allocation, LATEST_ALLOCATION, saveLatestAllocation } from "../history/allocation.ts";
import { describeHistoryError } from "../history/io.ts";
import type { SettingsStore } from "../history/settings.ts";
import type { HistoryStore } from "../history/store.ts";
import type { Logger } from "../lib/log.ts";
import { allocationChart } from "../render/chart/allocation-chart.ts";
import { renderChartPng } from "../render/chart/client.ts";
import { type ChartView, historyChart } from "../render/chart/history-chart.ts";
import { allocationOf } from "../snapshot/allocation.ts";
import type { Snapshot } from "../snapshot/snapshot.ts";
import type { ChartRequest } from "./charts.ts";
import type { StorageState } from "./storage.ts";

/** What /chart and /allocation answer: a photo, drawn by `render()`, or a short text instead. */
export type ChartAnswer =
  | { readonly kind: "photo"; readonly caption: string; render(): Promise<Uint8Array> }
  | { readonly kind: "text"; readonly text: string };

export interface ChartAnswersDeps {
  readonly history: HistoryStore;
  readonly settings: SettingsStore;
  readonly storage: StorageState;
  readonly dataDir: string;
  readonly timeZone: string;
  readonly log: Logger;
  /** SVG → PNG off the main thread, ended when `signal` aborts (default: a renderer process per chart, render/chart/client.ts). */
  readonly renderChart?: (svg: string, signal?: AbortSignal) => Promise<Uint8Array>;
  /** Aborted when pfbot stops: a chart being drawn is abandoned. */
  readonly shutdown?: AbortSignal;
}

export class ChartAnswers {
  /** The latest complete snapshot's allocation; undefined until first read from the settings. */
  private allocation: Allocation | null | undefined;
  /** Charts render one at a time: each renderer process holds resvg's wasm memory (~60 MB) while it runs. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ChartAnswersDeps) {}

  /** The chart `request` asks for; `privacy` (the setting as it is now) leaves every amount out. */
  answer(request: ChartRequest, privacy: boolean): ChartAnswer {
    let view: ChartView;
    try {
      if (request.kind === "history") {
        const history = this.deps.history;
        // At most one record a day: days + 1 covers a window that ends with a day imported for tomorrow.
        const records = request.days === "all" ? history.all() : history.recent(request.days + 1);
        view = historyChart(records, request, { today: history.today(), privacy });
      } else {
        view = allocationChart(this.latestAllocation(), request, { timeZone: this.deps.timeZone, privacy });
      }
    } catch (error) {
      this.deps.storage.failed(error, "history not readable");
      return { kind: "text", text: `The history cannot be read: ${this.deps.storage.problem() ?? ""}` };
    }
    if (view.kind === "text") return view;
    const svg = view.svg;
    return { kind: "photo", caption: view.caption, render: () => this.draw(svg) };
  }

  /** Draws one chart's PNG, after the charts already asked for (the weekly digest's too). */
  draw(svg: string): Promise<Uint8Array> {
    const render = this.deps.renderChart ?? ((chart: string, signal?: AbortSignal) => renderChartPng(chart, signal ? { signal } : {}));
    const job = this.queue.then(() => render(svg, this.deps.shutdown));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Keeps a complete snapshot's allocation (in memory, and in the settings when they can be written). */
  keep(snapshot: Snapshot): void {
    const allocation = allocationOf(snapshot);
    if (allocation === null) return;
    const current = this.allocation ?? null;
    if (current === null || current.takenAt.getTime() <= allocation.takenAt.getTime()) this.allocation = allocation;
    try {
      saveLatestAllocation(this.deps.settings, allocation);
    } catch (error) {
      // /allocation still has it in memory; the history's own problems are reported by the run that records it.
      this.deps.log.warn(`the allocation was not saved: ${describeHistoryError(error, this.deps.dataDir)}`);
    }
  }

  /** The allocation /allocation draws, from memory or else from the settings. */
  private latestAllocation(): Allocation | null {
    this.allocation ??= this.deps.settings.get(LATEST_ALLOCATION);
    return this.allocation;
  }
}
