// .env.example, the template the README's quick start copies: every variable pfbot reads (its own and every
// registry platform's, so a new platform cannot be forgotten), in the README table's order, safe for systemd
// and for a shell alike, and the defaults it shows are the real ones.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { KNOWN_VARIABLES, loadConfig } from "../../src/config/config.ts";
import { parseEnvFile } from "../../src/config/systemd-env.ts";
import { PLATFORMS } from "../../src/platforms/registry.ts";

const ROOT = resolve(import.meta.dir, "../..");
const EXAMPLE = readFileSync(join(ROOT, ".env.example"), "utf8");
/** Every `NAME=value` or `# NAME=value` line, in file order. */
const LINES = [...EXAMPLE.matchAll(/^(# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, commented, name, value]) => ({
  commented: commented !== undefined,
  name: name ?? "",
  value: value ?? "",
}));
const NAMES = LINES.map((line) => line.name);

describe(".env.example", () => {
  test("reads the same in systemd, a shell and pfbot: no problem on any line", () => {
    const reading = parseEnvFile(new TextEncoder().encode(EXAMPLE), ".env.example");
    expect(reading.problems).toEqual([]);
    expect(reading.refused).toBe(false);
  });

  test("holds every variable pfbot reads, once, and nothing else", () => {
    expect(NAMES.toSorted()).toEqual([...KNOWN_VARIABLES].sort());
  });

  test("holds every registry platform's variables, each default as the registry has it", () => {
    for (const descriptor of PLATFORMS) {
      for (const spec of Object.values(descriptor.variables)) {
        const line = LINES.find((candidate) => candidate.name === spec.env);
        if (line === undefined) throw new Error(`${spec.env} (${descriptor.name}) is missing from .env.example`);
        if ("default" in spec) expect(line).toEqual({ commented: true, name: spec.env, value: String(spec.default) });
        // A platform's keys are there to fill in: empty, and so unset until they are.
        if (spec.kind === "secret" || spec.kind === "text") expect(line).toEqual({ commented: false, name: spec.env, value: "" });
      }
    }
  });

  test("lists them in the order of README.md's configuration table", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Configuration"), readme.indexOf("\n## ", readme.indexOf("\n## Configuration") + 1));
    const tableOrder = section
      .split("\n")
      .filter((row) => row.startsWith("| `"))
      .flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1] ?? ""));
    expect(NAMES).toEqual(tableOrder);
  });

  test("copied as it is, configures nothing: every value set is empty", () => {
    const { vars } = parseEnvFile(EXAMPLE, ".env.example");
    expect(Object.values(vars).every((value) => value === "")).toBe(true);
  });

  test("the defaults it shows are pfbot's: uncommented, they change nothing", () => {
    // Examples rather than defaults: a file that must exist, a webhook that turns webhooks on, an empty secret.
    const examples = new Set(["TBANK_CA_FILE", "WEBHOOK_URL", "WEBHOOK_SECRET"]);
    const shown = Object.fromEntries(LINES.filter((l) => l.commented && !examples.has(l.name)).map((l) => [l.name, l.value]));
    expect(Object.keys(shown).length).toBeGreaterThan(20);
    const needs = { platforms: false, telegram: false };
    expect(loadConfig({ vars: shown, file: null }, needs)).toEqual(loadConfig({ vars: {}, file: null }, needs));
  });
});
