// portfolio-bot.service and pfbot's exit statuses agree: a configuration error (exit 2) is not restarted, since
// a restart cannot fix it; a crash or a failed run (1) is. CI's .ci/systemd-check also verifies the unit and its
// exposure; this runs the security check too where systemd-analyze exists.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runPfbot } from "../support/binary.ts";

const ROOT = resolve(import.meta.dir, "../..");
const UNIT = readFileSync(join(ROOT, "portfolio-bot.service"), "utf8");
const directives = (name: string) => [...UNIT.matchAll(new RegExp(`^${name}=(.*)$`, "gm"))].map((m) => m[1]);

test("the unit restarts on failure, but not after a configuration error (exit 2)", async () => {
  expect(directives("Restart")).toEqual(["on-failure"]);
  expect(directives("RestartPreventExitStatus")).toEqual(["2"]);
  // What pfbot exits with when the configuration is wrong: the status the unit does not restart on.
  const { code, stderr } = await runPfbot([], { TELEGRAM_BOT_TOKEN: "123456789:AAunitTOKENabcdefghijklmnopqrstuv" });
  expect(code).toBe(2);
  expect(stderr).toContain("configuration problems");
});

test("the unit's exposure stays at or below 2.0 (systemd-analyze security)", async () => {
  if (Bun.which("systemd-analyze") === null) return void console.warn("systemd-analyze not found: exposure not checked");
  const child = Bun.spawn(["systemd-analyze", "security", "--offline=true", "--threshold=20", "portfolio-bot.service"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  const exposure = /Overall exposure level for portfolio-bot\.service: (\d+\.\d)/.exec(out);
  expect(code).toBe(0);
  expect(Number(exposure?.[1])).toBeLessThanOrEqual(2.0);
});
