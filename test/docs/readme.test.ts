// The README's quick start is what a newcomer types on a fresh machine: it must name the packages to
// install, hold no placeholder to type, and lead to the template; --help points to the same table.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { USAGE } from "../../src/app/cli.ts";

const ROOT = resolve(import.meta.dir, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const section = (heading: string) => {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
};
const commands = (text: string) =>
  [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? "").split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()),
  );

test("the quick start installs what a fresh Debian or Ubuntu lacks, then Bun with npm", () => {
  const lines = commands(section("Quick start"));
  const install = lines.findIndex((line) => /^apt-get update && apt-get install -y (?=.*\bgit\b)(?=.*\bnodejs\b)(?=.*\bnpm\b)/.test(line));
  const bun = lines.indexOf("npm install -g bun");
  expect(install).toBeGreaterThanOrEqual(0);
  expect(bun).toBeGreaterThan(install);
  expect(lines.indexOf("bun install")).toBeGreaterThan(bun);
});

test("the quick start holds no placeholder to type, and copies the template it links", () => {
  const quickStart = section("Quick start");
  expect(quickStart).not.toMatch(/<[a-z][^>]*>/);
  expect(quickStart).toContain("[`.env.example`](.env.example)");
  expect(commands(quickStart)).toContain("cp .env.example .env && chmod 600 .env");
  expect(existsSync(join(ROOT, ".env.example"))).toBe(true);
});

test("--help points to the README's configuration table and the template", () => {
  expect(USAGE).toContain('"Configuration" table of README.md');
  expect(USAGE).toContain(".env.example");
  expect(section("Configuration")).toContain("| variable | default | meaning |");
});
