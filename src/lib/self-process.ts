// pfbot starting itself for one job whose memory must not stay in the bot (the chart renderer, the
// configuration validator): the same binary with an internal argument, or from source Bun with src/main.ts.
import { clip } from "./redact.ts";

/** A failed process's words kept for an error: its own last line, never its whole stderr. */
const MAX_LAST_WORDS = 300;

/** The command line of pfbot itself with `internalArg` (main.ts answers it before anything else). */
export function pfbotItself(internalArg: string): string[] {
  const fromSource = import.meta.url.endsWith("/lib/self-process.ts");
  return fromSource ? [process.execPath, new URL("../main.ts", import.meta.url).pathname, internalArg] : [process.execPath, internalArg];
}

/** Why a process ended with `code`, in one line: the last line it wrote to stderr (clipped), or how it ended. */
export function lastWords(stderr: string, child: Pick<Bun.Subprocess, "signalCode">, code: number): string {
  return (
    clip(stderr.trim().split("\n").at(-1) ?? "", MAX_LAST_WORDS) ||
    (child.signalCode ? `killed by ${child.signalCode}` : `exit status ${code}`)
  );
}
