// Scratch directories for tests: each under one directory per test process, which the preload removes after
// the last test (removeTempDirs), so a run leaves nothing in the system's temporary directory, whatever each
// test cleans up itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | undefined;

/** A new empty directory, named after `purpose` ("pfbot-<purpose>-XXXXXX"). */
export function tempDir(purpose: string): string {
  root ??= mkdtempSync(join(tmpdir(), "pfbot-test-"));
  return mkdtempSync(join(root, `pfbot-${purpose}-`));
}

/** Removes every directory tempDir made in this process. */
export function removeTempDirs(): void {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
}
