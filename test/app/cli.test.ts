import { expect, test } from "bun:test";
import { parseArgs } from "../../src/app/cli.ts";

const mode = (...argv: string[]) => {
  const result = parseArgs(argv);
  if (!result.ok) throw new Error(result.error);
  return result.args;
};
const error = (...argv: string[]) => {
  const result = parseArgs(argv);
  if (result.ok) throw new Error("expected an error");
  return result.error;
};

test("no flag runs the bot", () => {
  expect(mode()).toEqual({ mode: { kind: "bot" }, envFile: null });
});

test("snapshot modes: --once sends, --dry-run prints, --json implies --dry-run", () => {
  expect(mode("--once").mode).toEqual({ kind: "snapshot", send: true, json: false });
  expect(mode("--dry-run").mode).toEqual({ kind: "snapshot", send: false, json: false });
  expect(mode("--once", "--dry-run").mode).toEqual({ kind: "snapshot", send: false, json: false });
  expect(mode("--json").mode).toEqual({ kind: "snapshot", send: false, json: true });
});

test("history modes and their arguments", () => {
  expect(mode("--history").mode).toEqual({ kind: "history" });
  expect(mode("--export").mode).toEqual({ kind: "export", file: null });
  expect(mode("--export", "out.json").mode).toEqual({ kind: "export", file: "out.json" });
  expect(mode("--export=out.json").mode).toEqual({ kind: "export", file: "out.json" });
  expect(mode("--import", "h.json", "--overwrite").mode).toEqual({ kind: "import", file: "h.json", overwrite: true });
  expect(mode("--check").mode).toEqual({ kind: "check" });
});

test("--env-file in both spellings", () => {
  expect(mode("--env-file", "/etc/pfbot/pfbot.env", "--once").envFile).toBe("/etc/pfbot/pfbot.env");
  expect(mode("--env-file=x.env").envFile).toBe("x.env");
});

test("--help and --version", () => {
  expect(mode("--help").mode.kind).toBe("help");
  expect(mode("-V").mode.kind).toBe("version");
});

test("bad arguments are usage errors", () => {
  expect(error("--bogus")).toBe("unknown argument: --bogus");
  expect(error("--env-file")).toBe("--env-file needs a path");
  expect(error("--import")).toBe("--import needs a file");
  expect(error("--overwrite")).toBe("--overwrite goes with --import");
  expect(error("--once", "--check")).toBe("choose one mode, not snapshot and --check");
  expect(error("--once=1")).toBe("--once takes no value");
});
