// Scratch directories for tests: each under one directory per test process, which the preload removes after
// the last test (removeTempDirs), so a run leaves nothing in the system's temporary directory, whatever each
// test cleans up itself.
import { accessSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Linux's shared-memory tmpfs where there is one: the history's SQLite commits and the atomic file writes fsync,
 * and on a disk those waits were ~2 s of the suite's wall time. No test is about durability across a power
 * loss; the tests of a full or read-only disk mount a file system of their own (process-faults.test.ts).
 */
const RAM_DISK = "/dev/shm";

let root: string | undefined;

/** A new empty directory, named after `purpose` ("pfbot-<purpose>-XXXXXX"). */
export function tempDir(purpose: string): string {
  root ??= mkdtempSync(join(scratchBase(), "pfbot-test-"));
  return mkdtempSync(join(root, `pfbot-${purpose}-`));
}

/** Removes every directory tempDir made in this process. */
export function removeTempDirs(): void {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

function scratchBase(): string {
  try {
    if (statSync(RAM_DISK).isDirectory()) {
      accessSync(RAM_DISK, constants.W_OK);
      return RAM_DISK;
    }
  } catch {
    // No tmpfs at that path (macOS, a container without it): the system's temporary directory.
  }
  return tmpdir();
}
