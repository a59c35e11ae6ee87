// The bot's configuration check in a process of its own (config/validator.ts): the compiled binary with
// --validate-config gives exactly what loadConfig gives in process, and a validator that cannot run is a
// ConfigError that says so without quoting a secret.
import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config.ts";
import type { EnvSource } from "../../src/config/env-source.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { VALIDATE_CONFIG_ARG, validateInProcessOfItsOwn } from "../../src/config/validator.ts";
import { makeRedactor } from "../../src/lib/redact.ts";
import { pfbotBinary } from "../support/binary.ts";

const SECRET = "okx-secret-4f7a9c2e1b";
const NEEDS = { platforms: true, telegram: true } as const;
const VALID: EnvSource = {
  vars: {
    OKX_API_KEY: "okx-key-1234",
    OKX_API_SECRET: SECRET,
    OKX_API_PASSPHRASE: "okx-pass-5678",
    TELEGRAM_BOT_TOKEN: "123456789:AAvalidatorTESTtokenabcdefghijklmn",
    TELEGRAM_CHAT_ID: "4242",
    DATA_DIR: "/var/lib/pfbot",
    ALERT_MOVE_PERCENT: "5",
    DIGEST: "sun 18:00",
    UNSET_HERE: undefined,
  },
  file: "/etc/pfbot/pfbot.env",
};
const INVALID: EnvSource = { vars: { OKX_API_KEY: "only-the-key", TELEGRAM_CHAT_ID: "not a number" }, file: null, lookedFor: "/srv/.env" };
const redact = makeRedactor([SECRET]);

test("the compiled validator gives what loadConfig gives in process: a configuration, or its problems", async () => {
  const command = [await pfbotBinary(), VALIDATE_CONFIG_ARG];
  const [valid, invalid] = await Promise.all([
    validateInProcessOfItsOwn(VALID, NEEDS, redact, command),
    validateInProcessOfItsOwn(INVALID, NEEDS, redact, command),
  ]);
  expect(valid).toEqual(loadConfig(VALID, NEEDS));
  expect(valid.ok).toBe(true);
  expect(invalid).toEqual(loadConfig(INVALID, NEEDS));
  expect(invalid.ok).toBe(false);
});

test("a validator that fails, answers no JSON or cannot start is a ConfigError saying so, its words redacted", async () => {
  const failing = validateInProcessOfItsOwn(VALID, NEEDS, redact, [
    "sh",
    "-c",
    `echo 'first line' >&2; echo 'out of memory near ${SECRET}' >&2; exit 1`,
  ]);
  await expect(failing).rejects.toThrow(ConfigError);
  await expect(failing).rejects.toThrow(
    "the configuration check could not run (out of memory near ***): the binary may be incomplete; rebuild it",
  );
  const noJson = validateInProcessOfItsOwn(VALID, NEEDS, redact, ["sh", "-c", "cat >/dev/null; echo '{not json'"]);
  await expect(noJson).rejects.toThrow("the configuration check could not run (its answer was not JSON)");
  const killed = validateInProcessOfItsOwn(VALID, NEEDS, redact, ["sh", "-c", "kill -9 $$"]);
  await expect(killed).rejects.toThrow("the configuration check could not run (killed by SIGKILL)");
  const missing = validateInProcessOfItsOwn(VALID, NEEDS, redact, ["/nonexistent/pfbot", VALIDATE_CONFIG_ARG]);
  await expect(missing).rejects.toThrow(ConfigError);
});
