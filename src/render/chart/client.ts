/**
 * @module Renders a chart's PNG in a process of its own, started for the one chart: pfbot itself with the
 * internal argument --render-chart (app/cli.ts), the SVG on its stdin, the PNG on its stdout. resvg's wasm
 * memory never shrinks inside a process, and a Worker ended after each chart still left the bot ~10% above
 * its idle RSS (the runtime's native code and the embedded files it had touched stay resident in the bot's
 * own mapping of the binary, bench/chart.ts); a process takes all of it with it when it exits. The bot's
 * main thread keeps answering other updates meanwhile.
 */
import { errorMessage } from "../../lib/errors.ts";
import { lastWords, pfbotItself } from "../../lib/self-process.ts";
import { ChartError } from "./errors.ts";

/** The argument that makes pfbot a chart renderer (main.ts). */
export const RENDER_CHART_ARG = "--render-chart";

export interface RenderChartOptions {
  /**
   * Gives up (and kills the renderer) after this long. Default 30 s: with the JIT off (BUN_JSC_useJIT=0,
   * as the systemd unit runs) a chart takes 0.5–1 s, on a loaded machine some more.
   */
  readonly timeoutMs?: number;
  /** The renderer's command line; default: this pfbot with RENDER_CHART_ARG (from source: bun src/main.ts …). */
  readonly command?: readonly string[];
  /** Kills the renderer when it aborts (pfbot is stopping): rejects with "render-failed". */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** SVG → PNG in a renderer process. Rejects with ChartError "render-failed" or "render-timeout". */
export async function renderChartPng(svg: string, options: RenderChartOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let child: Bun.Subprocess<Uint8Array, "pipe", "pipe">;
  try {
    // The environment is inherited: BUN_JSC_useJIT=0 must reach the renderer as it reached the bot.
    child = Bun.spawn([...(options.command ?? pfbotItself(RENDER_CHART_ARG))], {
      stdin: new TextEncoder().encode(svg),
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (error) {
    throw new ChartError("render-failed", `could not start the chart renderer: ${errorMessage(error)}`, { cause: error });
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const stop = () => child.kill("SIGKILL");
  options.signal?.addEventListener("abort", stop);
  if (options.signal?.aborted) stop();
  try {
    const [png, stderr, code] = await Promise.all([new Response(child.stdout).bytes(), new Response(child.stderr).text(), child.exited]);
    if (timedOut) {
      throw new ChartError("render-timeout", `the chart took longer than ${timeoutMs} ms to render: try again, or send the text report`);
    }
    if (code !== 0) throw new ChartError("render-failed", `the chart renderer failed: ${lastWords(stderr, child, code)}`);
    return png;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
