// Small measuring helpers shared by the benchmark's parts: summaries of repeated runs, process wall
// time and peak RSS, /proc readings, and a description of the machine the figures come from.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import type { TelegramFake } from "../test/fakes/telegram.ts";

/** A repeated measurement: the median is the figure; min, max and the count say how noisy it was. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryMiB: number;
  readonly os: string;
  readonly bun: string;
  readonly date: string;
}

export interface SpawnResult {
  readonly wallMs: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** GNU time from Debian's `time` package: the only reliable peak RSS of a short-lived child here. */
export const GNU_TIME = "/usr/bin/time";

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!), runs: sorted.length };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Milliseconds taken by `work`, with performance.now() on both sides. */
export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

/** Runs a command to its end; the wall time spans Bun.spawn … exited. */
export async function runProcess(cmd: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<SpawnResult> {
  const t0 = performance.now();
  const child = Bun.spawn([...cmd], { cwd: options.cwd, env: options.env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { wallMs: performance.now() - t0, exitCode, stdout, stderr };
}

/** Peak RSS in KiB of one run of `cmd`, from GNU time's %M (the child's ru_maxrss); null without /usr/bin/time. */
export async function peakRssKiB(cmd: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<number | null> {
  if (!existsSync(GNU_TIME)) return null;
  // -o keeps the figure out of the command's own stderr.
  const dir = mkdtempSync(join(os.tmpdir(), "pfbot-bench-time-"));
  try {
    const out = join(dir, "maxrss");
    const result = await runProcess([GNU_TIME, "-f", "%M", "-o", out, ...cmd], options);
    if (result.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited ${result.exitCode}: ${result.stderr.trim()}`);
    const kib = Number.parseInt(readFileSync(out, "utf8").trim().split("\n").at(-1) ?? "", 10);
    if (!Number.isFinite(kib)) throw new Error(`${GNU_TIME} printed no %M figure`);
    return kib;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fields of /proc/<pid>/status in KiB (VmRSS, VmHWM, RssAnon, RssFile …) and Threads, or null once the process is gone. */
export function procStatus(pid: number): Record<string, number> | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const fields: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^(\w+):\s+(\d+)(?: kB)?$/.exec(line);
    if (match) fields[match[1]!] = Number(match[2]);
  }
  return fields;
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / 100 : null;
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    bun: Bun.version,
    date: new Date().toISOString(),
  };
}

export const MiB = 2 ** 20;

export interface QuietBot {
  /** The platform fakes' variables (AllFakes.env). */
  readonly fakesEnv: Record<string, string>;
  readonly telegram: TelegramFake;
  readonly token: string;
  readonly chatId: number;
  readonly dataDir: string;
  readonly timeZone: string;
}

/**
 * The environment of pfbot's bot mode against the fakes, with a one-hour report window opening three hours from
 * now in `timeZone`: no scheduled report runs while the bot is measured.
 */
export function quietBotEnv(bot: QuietBot): Record<string, string> {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: bot.timeZone, hour: "numeric", hourCycle: "h23" }).format(new Date()));
  const start = (hour + 3) % 24;
  return {
    PATH: process.env.PATH ?? "",
    ...bot.fakesEnv,
    TELEGRAM_BOT_TOKEN: bot.token,
    TELEGRAM_CHAT_ID: String(bot.chatId),
    TELEGRAM_API_ROOT: bot.telegram.url,
    DATA_DIR: bot.dataDir,
    TIMEZONE: bot.timeZone,
    WINDOW_START_HOUR: String(start),
    WINDOW_END_HOUR: String(start + 1),
  };
}

/** Resolves at the bot's first getUpdates; fails with what it printed on stderr if it exits before. */
export async function untilPolling(bot: Bun.Subprocess, telegram: TelegramFake, stderr: Promise<string>): Promise<void> {
  await Promise.race([
    telegram.waitForRequests("getUpdates", 1, 30_000),
    bot.exited.then(async (code) => {
      throw new Error(`the bot exited (${code}) before polling: ${(await stderr).trim()}`);
    }),
  ]);
}
