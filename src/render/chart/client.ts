/**
 * @module Renders a chart's PNG off the main thread: one short-lived Worker per chart, ended once the
 * PNG is back, so that the main thread never holds resvg's wasm memory (which never shrinks) and
 * keeps answering other updates meanwhile.
 */

import { errorMessage } from "../../lib/errors.ts";
import { workerUrl } from "../../lib/worker-url.ts";
import { ChartError } from "./errors.ts";
import type { ChartJob, ChartJobResult } from "./worker.ts";

export interface RenderChartOptions {
  /**
   * Gives up after this long. Default 30 s: with the JIT off (BUN_JSC_useJIT=0, as the systemd unit
   * runs) a chart takes 1–2 s, the worker's first wasm instantiation some more.
   */
  readonly timeoutMs?: number;
  /** The worker entry; defaults to render/chart/worker.ts. */
  readonly workerUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** SVG → PNG in a worker started for this job. Rejects with ChartError "render-failed" or "render-timeout". */
export async function renderChartPng(svg: string, options: RenderChartOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let worker: Worker | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ChartError("render-timeout", `the chart took longer than ${timeoutMs} ms to render: try again, or send the text report`),
          ),
        timeoutMs,
      );
      worker = new Worker(options.workerUrl ?? workerUrl("render/chart/worker.ts"));
      worker.onmessage = (event: MessageEvent<ChartJobResult>) => {
        if (event.data.ok) resolve(event.data.png);
        else reject(new ChartError("render-failed", event.data.message));
      };
      worker.onerror = (event) => reject(new ChartError("render-failed", `the chart worker failed: ${event.message}`));
      worker.postMessage({ svg } satisfies ChartJob);
    });
  } catch (error) {
    if (error instanceof ChartError) throw error;
    throw new ChartError("render-failed", `could not start the chart worker: ${errorMessage(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    worker?.terminate();
  }
}
