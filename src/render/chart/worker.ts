/**
 * @module Worker entry: rasterises one SVG and posts the PNG back. The client starts a worker per
 * chart and ends it afterwards, because wasm memory never shrinks inside a process or worker
 * (reference/charts.md, "Memory"): the bot's own heap stays at its idle size. Built into the binary
 * as an entry point of its own (package.json "build").
 */

import { errorMessage } from "../../lib/errors.ts";
import { renderPng } from "./rasterize.ts";

declare const self: Worker;

export interface ChartJob {
  readonly svg: string;
}

export type ChartJobResult = { readonly ok: true; readonly png: Uint8Array } | { readonly ok: false; readonly message: string };

self.onmessage = async (event: MessageEvent<ChartJob>) => {
  let result: ChartJobResult;
  try {
    result = { ok: true, png: await renderPng(event.data.svg) };
  } catch (error) {
    result = { ok: false, message: errorMessage(error) };
  }
  self.postMessage(result, result.ok ? [result.png.buffer as ArrayBuffer] : []);
};
