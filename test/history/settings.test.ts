import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDataDirDatabase } from "../../src/history/db.ts";
import { deleteSetting, getSetting, setSetting } from "../../src/history/settings.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pfbot-settings-"));
  dirs.push(dir);
  return dir;
}

test("an unset key reads as null; set, replace and delete work", () => {
  const db = openDataDirDatabase(tempDir());
  expect(getSetting(db, "schedule.frequency")).toBeNull();
  setSetting(db, "schedule.frequency", "120");
  expect(getSetting(db, "schedule.frequency")).toBe("120");
  setSetting(db, "schedule.frequency", "60");
  expect(getSetting(db, "schedule.frequency")).toBe("60");
  expect(getSetting(db, "paused")).toBeNull();
  deleteSetting(db, "schedule.frequency");
  expect(getSetting(db, "schedule.frequency")).toBeNull();
  db.close();
});

test("settings survive closing and reopening the database", () => {
  const dataDir = tempDir();
  const first = openDataDirDatabase(dataDir);
  setSetting(first, "paused", "true");
  setSetting(first, "empty", "");
  first.close();
  const second = openDataDirDatabase(dataDir);
  expect(getSetting(second, "paused")).toBe("true");
  expect(getSetting(second, "empty")).toBe("");
  second.close();
});
