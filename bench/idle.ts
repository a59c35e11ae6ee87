// Figure 3: memory of the running bot at rest. The compiled binary runs in bot mode (long polling)
// against the fake Telegram Bot API and every platform fake, with a report window set hours away so no
// scheduled run happens during the measure; after the idle time its /proc status is read, then it gets
// SIGTERM and must stop cleanly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAllFakes } from "../test/fakes/all.ts";
import { startTelegramFake } from "../test/fakes/telegram.ts";
import { cpuSeconds, procStatus, quietBotEnv, round, untilPolling } from "./measure.ts";

export interface IdleOptions {
  readonly binary: string;
  readonly idleSeconds: number;
  /** Added to the bot's environment (e.g. BUN_JSC_useJIT=0). */
  readonly env?: Record<string, string>;
  readonly sampleEverySeconds?: number;
}

export interface IdleResult {
  /** VmRSS after the idle time (MiB): the figure (goal ≤ 60 MB). */
  readonly rssMiB: number;
  /** Peak RSS over the process's life so far (VmHWM, MiB): start-up included. */
  readonly hwmMiB: number;
  readonly rssAnonMiB: number | null;
  readonly rssFileMiB: number | null;
  readonly threads: number | null;
  /** CPU seconds used while idle (after the first getUpdates). */
  readonly idleCpuSeconds: number | null;
  /** Process start to its first getUpdates (ms): configuration, history, getMe, setMyCommands. */
  readonly readyMs: number;
  readonly idleSeconds: number;
  readonly samples: readonly { readonly atSeconds: number; readonly rssMiB: number }[];
  readonly getUpdatesCalls: number;
  /** Messages the bot sent while idle: should be 0 (no scheduled run in the window). */
  readonly messagesSent: number;
  /** SIGTERM to exit (ms), and the exit status. */
  readonly stopMs: number;
  readonly exitCode: number | null;
  readonly window: string;
}

const TOKEN = "123456789:AAbenchTOKENnotARealTokenAtAll000000";
const CHAT_ID = 1000002;

export async function measureIdle(options: IdleOptions): Promise<IdleResult> {
  const fakes = await startAllFakes();
  const telegram = await startTelegramFake({ token: TOKEN, chatId: CHAT_ID });
  const scratch = mkdtempSync(join(tmpdir(), "pfbot-bench-idle-"));
  const quiet = quietBotEnv({
    fakesEnv: fakes.env,
    telegram,
    token: TOKEN,
    chatId: CHAT_ID,
    dataDir: join(scratch, "data"),
    timeZone: "UTC",
  });
  const env = { ...quiet, ...options.env };
  const t0 = performance.now();
  const child = Bun.spawn([options.binary], { cwd: scratch, env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const stderr = new Response(child.stderr).text();
  const stdout = new Response(child.stdout).text();
  try {
    await untilPolling(child, telegram, stderr);
    const readyMs = performance.now() - t0;
    const cpuAtReady = cpuSeconds(child.pid);
    const samples: { atSeconds: number; rssMiB: number }[] = [];
    const every = (options.sampleEverySeconds ?? 30) * 1000;
    const idleStart = performance.now();
    const idleEnd = idleStart + options.idleSeconds * 1000;
    while (performance.now() < idleEnd) {
      await Bun.sleep(Math.min(every, idleEnd - performance.now()));
      const status = procStatus(child.pid);
      if (!status) throw new Error(`the bot exited while idle: ${(await stderr).trim()}`);
      samples.push({ atSeconds: Math.round((performance.now() - idleStart) / 1000), rssMiB: mib(status.VmRSS) });
    }
    const status = procStatus(child.pid);
    const cpuAtEnd = cpuSeconds(child.pid);
    if (!status) throw new Error(`the bot exited while idle: ${(await stderr).trim()}`);
    const stopStarted = performance.now();
    child.kill("SIGTERM");
    const exitCode = await Promise.race([child.exited, Bun.sleep(20_000).then(() => null)]);
    const stopMs = performance.now() - stopStarted;
    if (exitCode === null) child.kill("SIGKILL");
    await Promise.all([stdout, stderr]);
    return {
      rssMiB: mib(status.VmRSS),
      hwmMiB: mib(status.VmHWM),
      rssAnonMiB: status.RssAnon === undefined ? null : mib(status.RssAnon),
      rssFileMiB: status.RssFile === undefined ? null : mib(status.RssFile),
      threads: status.Threads ?? null,
      idleCpuSeconds: cpuAtReady !== null && cpuAtEnd !== null ? round(cpuAtEnd - cpuAtReady) : null,
      readyMs: round(readyMs, 0),
      idleSeconds: options.idleSeconds,
      samples,
      getUpdatesCalls: telegram.requestsTo("getUpdates").length,
      messagesSent: telegram.sent.length,
      stopMs: round(stopMs, 0),
      exitCode,
      window: `${quiet.WINDOW_START_HOUR}:00-${quiet.WINDOW_END_HOUR}:00 UTC`,
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all([fakes.stop(), telegram.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function mib(kib: number | undefined): number {
  return round((kib ?? 0) / 1024, 1);
}
