import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { join } from "node:path";
import { type AtomicFileSystem, writeFileAtomic } from "../../src/lib/atomic-file.ts";
import { tempDir } from "../support/temp-dir.ts";

type Step = keyof AtomicFileSystem;

/**
 * node:fs with every call recorded as "step path-or-fd", and one step made to fail on cue, as a full disk
 * (ENOSPC), a failing disk (EIO) or a file system without directory fsync (EINVAL) would.
 */
function recordingFs(failAt?: { step: Step; code: string; onDirectory?: boolean }): { fs: AtomicFileSystem; calls: string[] } {
  const calls: string[] = [];
  const fdPaths = new Map<number, string>();
  const fail = (step: Step, path: string) => {
    if (failAt?.step !== step) return;
    const isDirectory = fs.statSync(path).isDirectory();
    if ((failAt.onDirectory ?? false) !== isDirectory) return;
    throw Object.assign(new Error(`${failAt.code}: injected ${step} failure`), { code: failAt.code });
  };
  const recording: AtomicFileSystem = {
    mkdirSync: ((path: string, options: fs.MakeDirectoryOptions) => {
      calls.push(`mkdir ${path}`);
      return fs.mkdirSync(path, options);
    }) as AtomicFileSystem["mkdirSync"],
    openSync: ((path: string, flags: string, mode?: number) => {
      const fd = fs.openSync(path, flags, mode);
      fdPaths.set(fd, path);
      calls.push(`open ${path} ${flags}`);
      return fd;
    }) as AtomicFileSystem["openSync"],
    writeSync: ((fd: number, data: Uint8Array, offset: number, length: number) => {
      fail("writeSync", fdPaths.get(fd)!);
      // Write at most 3 bytes a call, as a real write may stop short: the writer must loop.
      const written = fs.writeSync(fd, data, offset, Math.min(length, 3));
      calls.push(`write ${fdPaths.get(fd)} ${written}`);
      return written;
    }) as AtomicFileSystem["writeSync"],
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${fdPaths.get(fd)}`);
      fail("fsyncSync", fdPaths.get(fd)!);
      fs.fsyncSync(fd);
    },
    closeSync: (fd: number) => {
      calls.push(`close ${fdPaths.get(fd)}`);
      fs.closeSync(fd);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      calls.push(`rename ${String(from)} ${String(to)}`);
      fail("renameSync", String(from));
      fs.renameSync(from, to);
    },
    rmSync: (path: fs.PathLike, options?: fs.RmOptions) => {
      calls.push(`rm ${String(path)}`);
      fs.rmSync(path, options);
    },
  };
  return { fs: recording, calls };
}

const entries = (dir: string) => fs.readdirSync(dir).sort();

describe("writeFileAtomic", () => {
  test("writes the text, replacing what was there, owner-only, and leaves no temporary file", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "export.json");
    fs.writeFileSync(path, "old content that is longer than the new one");
    writeFileAtomic(path, "new — ünïcode");
    expect(fs.readFileSync(path, "utf8")).toBe("new — ünïcode");
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
    expect(entries(dir)).toEqual(["export.json"]);
  });

  test("writes bytes as they are, with the mode asked for", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "blob.bin");
    writeFileAtomic(path, new Uint8Array([0, 255, 10, 13]), { mode: 0o640 });
    expect([...fs.readFileSync(path)]).toEqual([0, 255, 10, 13]);
    expect(fs.statSync(path).mode & 0o777).toBe(0o640 & ~process.umask());
  });

  test("fsyncs the whole temporary file before the rename, and the directory after it", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "cache.json");
    const { fs: recording, calls } = recordingFs();
    writeFileAtomic(path, "0123456789", { fs: recording });
    const temp = calls[0]!.split(" ")[1]!;
    expect(temp).toStartWith(join(dir, ".cache.json."));
    expect(temp).toEndWith(".tmp");
    expect(calls).toEqual([
      `open ${temp} wx`,
      `write ${temp} 3`,
      `write ${temp} 3`,
      `write ${temp} 3`,
      `write ${temp} 1`,
      `fsync ${temp}`,
      `close ${temp}`,
      `rename ${temp} ${path}`,
      `open ${dir} r`,
      `fsync ${dir}`,
      `close ${dir}`,
    ]);
    expect(fs.readFileSync(path, "utf8")).toBe("0123456789");
  });

  for (const step of ["writeSync", "fsyncSync", "renameSync"] as const) {
    test(`a failure at ${step} removes the temporary file, keeps the old content and is thrown as it was`, () => {
      const dir = tempDir("atomic");
      const path = join(dir, "state.json");
      fs.writeFileSync(path, "old");
      const { fs: recording, calls } = recordingFs({ step, code: "ENOSPC" });
      expect(() => writeFileAtomic(path, "new", { fs: recording })).toThrow(/ENOSPC: injected/);
      expect(fs.readFileSync(path, "utf8")).toBe("old");
      expect(entries(dir)).toEqual(["state.json"]);
      expect(calls.at(-1)).toStartWith(`rm ${join(dir, ".state.json.")}`);
      // The file descriptor is closed even when the write or the fsync failed.
      expect(calls.filter((call) => call.startsWith("open")).length).toBe(calls.filter((call) => call.startsWith("close")).length);
    });
  }

  test("a missing directory is an error (ENOENT), unless it is to be created", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "a", "b", "ibkr-cache.json");
    expect(() => writeFileAtomic(path, "{}")).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(entries(dir)).toEqual([]);
    writeFileAtomic(path, "{}", { createDirectory: true });
    expect(fs.readFileSync(path, "utf8")).toBe("{}");
  });

  test("a file system that cannot fsync a directory (EINVAL) still gets the file", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "fx-cache.json");
    const { fs: recording } = recordingFs({ step: "fsyncSync", code: "EINVAL", onDirectory: true });
    writeFileAtomic(path, "rates", { fs: recording });
    expect(fs.readFileSync(path, "utf8")).toBe("rates");
  });

  test("a directory fsync that fails for real (EIO) is reported", () => {
    const dir = tempDir("atomic");
    const { fs: recording, calls } = recordingFs({ step: "fsyncSync", code: "EIO", onDirectory: true });
    expect(() => writeFileAtomic(join(dir, "x.json"), "x", { fs: recording })).toThrow(/EIO: injected/);
    expect(calls.at(-1)).toBe(`close ${dir}`);
  });

  test("each write uses a temporary file of its own, so two writers never share one", () => {
    const dir = tempDir("atomic");
    const path = join(dir, "same.json");
    const first = recordingFs();
    const second = recordingFs();
    writeFileAtomic(path, "first", { fs: first.fs });
    writeFileAtomic(path, "second", { fs: second.fs });
    expect(first.calls[0]).not.toBe(second.calls[0]);
    expect(fs.readFileSync(path, "utf8")).toBe("second");
  });
});
