// Runs code under other process time zones, to show an answer does not depend on the machine's TZ. The code
// runs in a fresh Bun process that sets TZ itself before each run (Bun applies a TZ change at once), so this
// test process's own TZ is never touched.
import { resolve } from "node:path";

/** Process zones with offsets of their own: New York has DST on other days than Europe, Chatham is +12:45/+13:45. */
export const PROCESS_ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Chatham"] as const;

/** A repository file's path as a string literal for a script's `await import(...)`. */
export const repoModule = (path: string): string => JSON.stringify(resolve(import.meta.dir, "../..", path));

export interface ZoneRun<T> {
  readonly zone: string;
  /** The process's offset (Date#getTimezoneOffset on 1 January 2026) while the code ran: proof the zone took effect. */
  readonly offsetMinutes: number;
  readonly value: T;
}

/** Runs `body` (an async function body ending in `return <JSON-able value>`) once under each zone of PROCESS_ZONES. */
export function runUnderProcessZones<T>(body: string): ZoneRun<T>[] {
  const script = `
    const compute = async () => { ${body} };
    const runs = [];
    for (const zone of ${JSON.stringify(PROCESS_ZONES)}) {
      process.env.TZ = zone;
      runs.push({ zone, offsetMinutes: new Date(2026, 0, 1).getTimezoneOffset(), value: await compute() });
    }
    process.stdout.write(JSON.stringify(runs));
  `;
  const child = Bun.spawnSync([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  if (child.exitCode !== 0) throw new Error(`the zone runs failed: ${child.stderr.toString()}`);
  return JSON.parse(child.stdout.toString()) as ZoneRun<T>[];
}
