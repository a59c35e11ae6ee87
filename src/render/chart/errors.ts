/**
 * @module A chart that cannot be drawn or rendered, with a message saying what to do instead.
 */
import { PfbotError } from "../../lib/errors.ts";

export type ChartErrorKind =
  | "too-few-days" // fewer than 2 days with a value: answer in text instead of drawing an empty chart
  | "no-slices" // nothing positive to put in a donut
  | "bad-input" // days out of order or malformed: a bug in the caller, not in the data
  | "render-failed" // the rasteriser or its renderer process failed
  | "render-timeout"; // the renderer process did not answer in time

export class ChartError extends PfbotError {
  override readonly name = "ChartError";
  constructor(
    readonly kind: ChartErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
