// runApp: the exit status and the stderr line of a mode that cannot start, in-process (the binary's own
// exit statuses are covered at the process boundary in e2e.test.ts and process-faults.test.ts).
import { expect, spyOn, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runApp } from "../../src/app/run.ts";
import { tempDir } from "../support/temp-dir.ts";

test("a partly configured platform is a configuration error: exit 2, the problem named, the value not shown", async () => {
  // An empty env file of its own, so that no .env in the working directory takes part.
  const envFile = join(tempDir("run"), "pfbot.env");
  writeFileSync(envFile, "", { mode: 0o600 });
  const written: string[] = [];
  const stderr = spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let code: number;
  try {
    code = await runApp({ mode: { kind: "snapshot", send: false, json: false }, envFile }, "test", { OKX_API_KEY: "only-the-key" });
  } finally {
    stderr.mockRestore();
  }
  expect(code).toBe(2);
  expect(written.join("")).toContain("OKX is partly configured");
  expect(written.join("")).not.toContain("only-the-key");
});
