/**
 * @module The history database in DATA_DIR cannot be used as it is: a schema from a newer pfbot, a value edited by
 * hand. The message says what to do; a lower error (SQLite's) stays available as `cause`.
 */
import { PfbotError } from "../lib/errors.ts";

export class HistoryError extends PfbotError {
  override readonly name = "HistoryError";
}
