import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { loadHistoryConfig } from "../../src/config/history-config.ts";

const ROOT = resolve(import.meta.dir, "../..");
const historyOnly = { platforms: false, telegram: false } as const;

function both(vars: Record<string, string>) {
  return { light: loadHistoryConfig({ vars, file: null }), full: loadConfig({ vars, file: null }, historyOnly) };
}

test("the history modes read DATA_DIR, TIMEZONE, LOG_LEVEL and PRIVACY as config.ts does: same defaults, trimming and blanks", () => {
  const cases: Record<string, string>[] = [
    {},
    { DATA_DIR: " /var/lib/pfbot ", TIMEZONE: "\tAsia/Tokyo ", LOG_LEVEL: "WARN", PRIVACY: " ON " },
    { DATA_DIR: "", TIMEZONE: "  ", LOG_LEVEL: "", PRIVACY: "" },
    { PRIVACY: "yes" },
    { PRIVACY: "Off" },
    { TIMEZONE: "UTC" },
  ];
  for (const vars of cases) {
    const { light, full } = both(vars);
    if (!light.ok || !full.ok) throw new Error(`expected ${JSON.stringify(vars)} to be valid`);
    expect(light.config).toEqual({
      dataDir: full.config.dataDir,
      timeZone: full.config.timeZone,
      logLevel: full.config.logLevel,
      privacy: full.config.privacy,
      secrets: full.config.secrets,
    });
  }
});

test("a bad TIMEZONE, LOG_LEVEL or PRIVACY gives config.ts's own lines, all at once", () => {
  const cases: Record<string, string>[] = [
    { TIMEZONE: "Mars/Olympus" },
    { TIMEZONE: "CET", LOG_LEVEL: "trace" },
    { TIMEZONE: "+03:00" },
    { PRIVACY: "maybe" },
  ];
  for (const vars of cases) {
    const { light, full } = both(vars);
    if (light.ok || full.ok) throw new Error(`expected ${JSON.stringify(vars)} to be refused`);
    expect(light.errors).toEqual(full.errors);
  }
  const { light } = both({ TIMEZONE: "Mars/Olympus", LOG_LEVEL: "loud" });
  expect(light.ok || light.errors).toEqual([
    'TIMEZONE must be a valid IANA time zone such as Europe/Paris (was "Mars/Olympus")',
    'LOG_LEVEL must be "debug", "error", "info" or "warn" (was "loud")',
  ]);
});

test("the history modes ignore the settings they do not use, and still know the secrets to redact", () => {
  const light = loadHistoryConfig({
    vars: { POLL_INTERVAL_MINUTES: "often", OKX_API_KEY: "half-configured-okx-key", DATA_DIR: "/data" },
    file: null,
  });
  expect(light).toEqual({
    ok: true,
    config: { dataDir: "/data", timeZone: "Europe/Paris", logLevel: "info", privacy: false, secrets: ["half-configured-okx-key"] },
  });
});

test("--history, --export and --import load neither config.ts, arktype, grammY, date-fns nor platform code", () => {
  // What runApp and the history mode import before they run (type-only imports vanish at build time;
  // json.ts requires arktype inside the function that validates an imported file, so only --import
  // loads it, and only then).
  const { files, packages } = staticImports([join(ROOT, "src/app/run.ts"), join(ROOT, "src/app/modes/history.ts")]);
  const sources = files.map((file) => relative(ROOT, file));
  // The registry is data (its client factories import lazily): it names the secrets to redact.
  const platformCode = (file: string) => file.startsWith("src/platforms/") && file !== "src/platforms/registry.ts";
  expect(
    sources.filter(
      (file) => file === "src/config/config.ts" || platformCode(file) || file.startsWith("src/bot/") || file === "src/render/status.ts",
    ),
  ).toEqual([]);
  expect(packages).toEqual(["bun:sqlite", "node:fs", "node:path"]);
});

/** Every module reached from `entries` through static imports: repository files, and packages by name (not followed). */
function staticImports(entries: readonly string[]): { files: string[]; packages: string[] } {
  const transpiler = new Bun.Transpiler({ loader: "ts" });
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const { kind, path } of transpiler.scan(readFileSync(file, "utf8")).imports) {
      if (kind === "dynamic-import") continue;
      if (path.startsWith(".")) pending.push(resolve(dirname(file), path));
      else packages.add(path);
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
