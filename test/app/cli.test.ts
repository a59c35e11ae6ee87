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
  expect(mode("--export").mode).toEqual({ kind: "export", file: null, format: "json" });
  expect(mode("--export", "out.json").mode).toEqual({ kind: "export", file: "out.json", format: "json" });
  expect(mode("--export=out.json").mode).toEqual({ kind: "export", file: "out.json", format: "json" });
  expect(mode("--import", "h.json", "--overwrite").mode).toEqual({ kind: "import", file: "h.json", overwrite: true });
  expect(mode("--check").mode).toEqual({ kind: "check" });
});

test("--export's format follows the file's extension, and --format wins over it", () => {
  expect(mode("--export", "history.csv").mode).toEqual({ kind: "export", file: "history.csv", format: "csv" });
  expect(mode("--export", "HISTORY.CSV").mode).toMatchObject({ format: "csv" });
  expect(mode("--export", "history.txt").mode).toMatchObject({ format: "json" });
  expect(mode("--export", "--format", "csv").mode).toEqual({ kind: "export", file: null, format: "csv" });
  expect(mode("--format=csv-plain", "--export", "history.csv").mode).toMatchObject({ format: "csv-plain" });
  expect(mode("--export", "history.csv", "--format", "JSON").mode).toMatchObject({ format: "json" });
  expect(error("--export", "--format", "xlsx")).toBe("--format needs json, csv or csv-plain");
  expect(error("--export", "--format")).toBe("--format needs json, csv or csv-plain");
  expect(error("--history", "--format", "csv")).toBe("--format goes with --export");
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

test("--chart and --allocation with their options", () => {
  expect(mode("--chart", "out.png").mode).toEqual({ kind: "chart", file: "out.png", days: 30, currency: "USD" });
  expect(mode("--chart=out.png", "--days", "365", "--currency", "RUB").mode).toEqual({
    kind: "chart",
    file: "out.png",
    days: 365,
    currency: "RUB",
  });
  expect(mode("--days=all", "--chart", "a.png").mode).toMatchObject({ days: "all" });
  expect(mode("--allocation", "d.png").mode).toEqual({ kind: "allocation", file: "d.png", view: "platform", currency: "USD" });
  expect(mode("--allocation", "d.png", "--by", "kind", "--currency", "rub").mode).toEqual({
    kind: "allocation",
    file: "d.png",
    view: "kind",
    currency: "RUB",
  });
});

test("chart options out of place or out of range are usage errors", () => {
  expect(error("--chart")).toBe("--chart needs a file to write the PNG to");
  expect(error("--chart", "a.png", "--days", "1")).toBe("--days needs a number of days from 2 to 36500, or all");
  expect(error("--chart", "a.png", "--days", "36501")).toBe("--days needs a number of days from 2 to 36500, or all");
  expect(error("--chart", "a.png", "--days", "1e3")).toBe("--days needs a number of days from 2 to 36500, or all");
  expect(error("--chart", "a.png", "--currency", "eur")).toBe("--currency needs usd or rub");
  expect(error("--allocation", "a.png", "--by", "coin")).toBe("--by needs platform or kind");
  expect(error("--days", "30")).toBe("--days goes with --chart");
  expect(error("--allocation", "a.png", "--days", "30")).toBe("--days goes with --chart");
  expect(error("--chart", "a.png", "--by", "kind")).toBe("--by goes with --allocation");
  expect(error("--history", "--currency", "rub")).toBe("--currency goes with --chart or --allocation");
  expect(error("--chart", "a.png", "--allocation", "b.png")).toBe("choose one mode, not --chart and --allocation");
  expect(error("--chart", "a.png", "--history")).toBe("choose one mode, not --history and --chart");
});
