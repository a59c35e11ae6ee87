// The platform registry is the one place that names the platforms: nothing else in src/ (outside the
// platforms' own folders) quotes an id, the descriptors are consistent, and importing the registry
// loads no platform code and no validator.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { loadConfig } from "../../src/config/config.ts";
import { SECRET_VARIABLES } from "../../src/config/env-source.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { createClients, PLATFORMS, platformDeadlineMs, requiredVariables } from "../../src/platforms/registry.ts";

const ROOT = join(import.meta.dir, "../..");
const SRC = join(ROOT, "src");
const REGISTRY = join(SRC, "platforms/registry.ts");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe("the registry is the only place that names a platform", () => {
  // The issue asks it of src/ outside src/platforms/; the shared files in src/platforms/ (http.ts, types.ts) keep it too.
  test("no src file outside a platform's own folder contains a quoted platform id, except the registry", () => {
    const ids = PLATFORMS.map((descriptor) => descriptor.id);
    const quoted = new RegExp(`(["'\`])(${ids.join("|")})\\1`);
    const ownFolders = ids.map((id) => `${join(SRC, "platforms", id)}/`);
    const offenders = filesUnder(SRC)
      .filter((file) => file !== REGISTRY && !ownFolders.some((folder) => file.startsWith(folder)))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .flatMap((line, i) => (quoted.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  test("the check sees a quoted id in any quote style", () => {
    const quoted = new RegExp(`(["'\`])(${PLATFORMS.map((d) => d.id).join("|")})\\1`);
    for (const line of [`row.id === "okx"`, `WHERE platform = 'tbank'`, "case `ibkr`:"]) expect(quoted.test(line)).toBe(true);
    for (const line of [`"bybit_usd"`, `"OKX"`, `okx.com`]) expect(quoted.test(line)).toBe(false);
  });
});

describe("descriptors", () => {
  test("ids are unique lowercase words, as the history's day_platforms stores them", () => {
    const ids = PLATFORMS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+$/);
  });

  test("every variable belongs to one platform, and each platform needs at least one set to be enabled", () => {
    const names = PLATFORMS.flatMap((d) => Object.values(d.variables).map((spec) => spec.env));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    for (const descriptor of PLATFORMS) expect(requiredVariables(descriptor).length).toBeGreaterThan(0);
  });

  test("every secret variable of every platform is redacted", () => {
    for (const descriptor of PLATFORMS) {
      for (const spec of Object.values(descriptor.variables)) if (spec.kind === "secret") expect(SECRET_VARIABLES).toContain(spec.env);
    }
  });

  test("a descriptor's factory builds the client of that platform, in registry order, with its own deadline", async () => {
    const vars: Record<string, string> = {
      DATA_DIR: "/nonexistent/pfbot-registry-test",
      PLATFORM_TIMEOUT_SECONDS: "7",
      IBKR_TIMEOUT_SECONDS: "99",
    };
    for (const descriptor of PLATFORMS) for (const name of requiredVariables(descriptor)) vars[name] = `${name.toLowerCase()}-value-123456`;
    const loaded = loadConfig({ vars, file: null }, { platforms: true, telegram: false });
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    const clients = await createClients(loaded.config, { fetch, now: () => 0, sleep: async () => {}, log: silentLogger, version: "test" });
    expect(clients.map((client) => client.id)).toEqual(PLATFORMS.map((d) => d.id));
    // IBKR has a deadline of its own (IBKR_TIMEOUT_SECONDS); a platform without one gets PLATFORM_TIMEOUT_SECONDS.
    expect(platformDeadlineMs(loaded.config, "ibkr")).toBe(99_000);
    for (const d of PLATFORMS.filter((d) => d.deadlineSeconds === undefined)) expect(platformDeadlineMs(loaded.config, d.id)).toBe(7000);
  });
});

test("importing the registry, config's env source, the snapshot, render and history loads no platform code and no validator", async () => {
  // A process of its own: this test process has long loaded every module.
  const script = `
    await import(${JSON.stringify(join(SRC, "platforms/registry.ts"))});
    await import(${JSON.stringify(join(SRC, "config/env-source.ts"))});
    await import(${JSON.stringify(join(SRC, "snapshot/snapshot.ts"))});
    await import(${JSON.stringify(join(SRC, "render/status.ts"))});
    await import(${JSON.stringify(join(SRC, "render/json.ts"))});
    await import(${JSON.stringify(join(SRC, "history/store.ts"))});
    console.log(JSON.stringify(Object.keys(require.cache)));
  `;
  const child = Bun.spawnSync({ cmd: [process.execPath, "-e", script], cwd: ROOT, stderr: "pipe" });
  expect(child.stderr.toString()).toBe("");
  const loaded = (JSON.parse(child.stdout.toString()) as string[]).map((file) => relative(ROOT, file));
  expect(loaded).toContain("src/platforms/registry.ts");
  const platformCode = loaded.filter((file) => PLATFORMS.some((d) => file.startsWith(`src/platforms/${d.id}/`)));
  expect(platformCode).toEqual([]);
  expect(loaded.filter((file) => file.includes("node_modules/arktype") || file.includes("node_modules/@ark"))).toEqual([]);
});
