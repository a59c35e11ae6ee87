/**
 * @module The root of pfbot's errors, and the one way to turn anything thrown into a line of text.
 *
 * Every failure pfbot reports to its user is a PfbotError, or one of its subclasses per concern: PlatformError
 * (platforms/types.ts), ConfigError (config/errors.ts), FxError (fx/errors.ts), HistoryError (history/errors.ts),
 * ChartError (render/chart/errors.ts). Its message says what to do and never holds a secret; the lower error it
 * wraps stays available as `cause`, so no module has to read another's message text. A `cause` is for code to
 * inspect, not for display: it may quote what a library said verbatim. Plain Error and RangeError are left for
 * broken invariants, that is bugs.
 */
import { isRecord } from "./guards.ts";

export class PfbotError extends Error {
  override readonly name: string = "PfbotError";
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The message of anything thrown: an Error's message, an error-like object's `message`, else the value as text.
 * Never throws, whatever was thrown (an object whose toString throws, a Symbol).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (isRecord(error) && typeof error.message === "string") return error.message;
  try {
    return String(error);
  } catch {
    return "an error that cannot be shown as text";
  }
}

/** The system's code of an error ("ENOENT", "EACCES", "SQLITE_FULL"), read from its `code`; undefined when it has none. */
export function errorCode(error: unknown): string | undefined {
  return isRecord(error) && (typeof error.code === "string" || typeof error.code === "number") ? String(error.code) : undefined;
}
