/**
 * @module Writing a file so that a crash or a power cut leaves either the old content or the new one, never half.
 *
 * The bytes go to a temporary file in the same directory (a rename is atomic only within one file system),
 * which is fsynced before the rename: without that, ext4 and xfs may put the rename on disk before the data and
 * leave an empty file after a power cut. The directory is fsynced after the rename, so the new name is on disk
 * too. On any failure the temporary file is removed and the target is left as it was. A new file is created
 * owner-only (0600) unless told otherwise: pfbot's files sit in DATA_DIR next to the history.
 *
 * Synchronous only: the files are small (an export, the FX cache, IBKR's state), and the bot already waits on
 * fsync synchronously for every history write (bun:sqlite, synchronous=FULL), so an async twin would buy nothing.
 */
import * as nodeFs from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { errorCode } from "./errors.ts";

export interface AtomicWriteOptions {
  /** Permission bits of a newly created file (default 0o600). */
  readonly mode?: number;
  /** Create the directory (and its parents) when missing. */
  readonly createDirectory?: boolean;
  /** The file operations: node:fs by default; tests pass one that fails on cue or records the calls. */
  readonly fs?: AtomicFileSystem;
}

export type AtomicFileSystem = Pick<
  typeof nodeFs,
  "mkdirSync" | "openSync" | "writeSync" | "fsyncSync" | "closeSync" | "renameSync" | "rmSync"
>;

/** Writes `data` (text as UTF-8) to `path` atomically and durably; see the module comment. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const fs = options.fs ?? nodeFs;
  const target = resolve(path);
  const directory = dirname(target);
  // Dot-prefixed, and unique per process and call, so two writers never share a temporary file.
  const temp = join(directory, `.${basename(target)}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  if (options.createDirectory) fs.mkdirSync(directory, { recursive: true });
  try {
    const fd = fs.openSync(temp, "wx", options.mode ?? DEFAULT_MODE);
    try {
      for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, bytes.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(directory, fs);
}

const DEFAULT_MODE = 0o600;
/**
 * Directory fsync errors that only say the file system cannot do it (some network and FUSE file systems): the
 * rename has happened and nothing better can be done, so they are not failures. Any other error is.
 */
const UNSUPPORTED_DIRECTORY_SYNC: ReadonlySet<string> = new Set(["EINVAL", "ENOTSUP", "EOPNOTSUPP", "EISDIR", "EBADF"]);

function syncDirectory(directory: string, fs: AtomicFileSystem): void {
  let fd: number;
  try {
    fd = fs.openSync(directory, "r");
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    fs.fsyncSync(fd);
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    fs.closeSync(fd);
  }
}

function isUnsupported(error: unknown): boolean {
  return UNSUPPORTED_DIRECTORY_SYNC.has(errorCode(error) ?? "");
}
