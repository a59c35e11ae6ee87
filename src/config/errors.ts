/**
 * @module A configuration that cannot be used: a variable, the env file, or a credential refused at start-up.
 * The message names the variable or file to fix and never holds a secret's value.
 */
import { PfbotError } from "../lib/errors.ts";

export class ConfigError extends PfbotError {
  override readonly name = "ConfigError";
}
