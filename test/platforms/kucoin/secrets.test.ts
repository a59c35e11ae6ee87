// KC-API-PASSPHRASE is the passphrase HMAC-signed with the secret: it never changes, so it is as secret as the
// passphrase itself. The registry declares it as a derived secret, and config's secrets (what the logger and every
// sink redact) hold it as soon as the key's secrets are set, valid configuration or not.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/config.ts";
import { secretValues } from "../../../src/config/env-source.ts";
import { createLogger } from "../../../src/lib/log.ts";
import { signKucoinPassphrase } from "../../../src/platforms/kucoin/client.ts";
import { FAKE_KUCOIN_KEY, FAKE_KUCOIN_PASSPHRASE, FAKE_KUCOIN_SECRET } from "../../fakes/kucoin.ts";

const KUCOIN = { KUCOIN_API_KEY: FAKE_KUCOIN_KEY, KUCOIN_API_SECRET: FAKE_KUCOIN_SECRET, KUCOIN_API_PASSPHRASE: FAKE_KUCOIN_PASSPHRASE };
const SIGNED = signKucoinPassphrase(FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE);

describe("the signed KuCoin passphrase is a secret", () => {
  test("config's secrets hold it next to the three variables, exactly as the client sends it", () => {
    const loaded = loadConfig({ vars: KUCOIN, file: null }, { platforms: true, telegram: false });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    expect(loaded.config.secrets).toEqual(expect.arrayContaining([FAKE_KUCOIN_KEY, FAKE_KUCOIN_SECRET, FAKE_KUCOIN_PASSPHRASE, SIGNED]));
  });

  test("values are read as config reads them: trimmed", () => {
    const padded = { ...KUCOIN, KUCOIN_API_SECRET: ` ${FAKE_KUCOIN_SECRET}\t`, KUCOIN_API_PASSPHRASE: `${FAKE_KUCOIN_PASSPHRASE} ` };
    expect(secretValues(padded)).toContain(SIGNED);
  });

  test("a configuration refused for another reason still redacts it", () => {
    const loaded = loadConfig({ vars: { ...KUCOIN, KUCOIN_BASE_URL: "not a url" }, file: null }, { platforms: true, telegram: false });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.secrets).toContain(SIGNED);
  });

  test("nothing is derived until the secret and the passphrase are both set", () => {
    expect(secretValues({ KUCOIN_API_SECRET: FAKE_KUCOIN_SECRET })).toEqual([FAKE_KUCOIN_SECRET]);
    expect(secretValues({ KUCOIN_API_SECRET: FAKE_KUCOIN_SECRET, KUCOIN_API_PASSPHRASE: "  " })).toEqual([FAKE_KUCOIN_SECRET]);
    expect(secretValues({ KUCOIN_API_KEY: FAKE_KUCOIN_KEY, KUCOIN_API_PASSPHRASE: FAKE_KUCOIN_PASSPHRASE })).not.toContain(SIGNED);
  });

  test("the logger built from config's secrets prints it as ***, raw or JSON-escaped", () => {
    const loaded = loadConfig({ vars: KUCOIN, file: null }, { platforms: true, telegram: false });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    const lines: string[] = [];
    const log = createLogger({ level: "debug", secrets: loaded.config.secrets, write: (line) => lines.push(line), colour: false });
    log.warn(`KuCoin said: passphrase header ${SIGNED} refused`, { echoed: JSON.stringify({ header: SIGNED }) });
    expect(lines.join("\n")).not.toContain(SIGNED.slice(0, 12));
    expect(lines.join("\n")).toContain("passphrase header *** refused");
  });
});
