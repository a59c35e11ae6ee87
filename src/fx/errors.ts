/**
 * @module An exchange rate that cannot be used. Rate sources that do not answer are not errors (FxResult says
 * why, and the report shows no RUB figures); this is for rates that must exist by the time they are used.
 */
import { PfbotError } from "../lib/errors.ts";

export class FxError extends PfbotError {
  override readonly name = "FxError";
}
