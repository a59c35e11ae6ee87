// Loaded before the test files (bunfig.toml): starts building the compiled binaries in the background (unless
// cached), so the process-boundary tests find them ready (test/support/binary.ts): this machine's first, which
// most of them run, then the baseline release. A failed build is reported by the tests that need the binary,
// not here; a build still under way when the run ends is dropped. After the last test it also removes the
// tests' scratch directories (temp-dir.ts).
import { afterAll } from "bun:test";
import { abandonUnfinishedBuild, BASELINE_RUNS_HERE, BASELINE_TARGET, pfbotBinary } from "./binary.ts";
import { removeTempDirs } from "./temp-dir.ts";

pfbotBinary()
  .then(() => (BASELINE_RUNS_HERE ? pfbotBinary(BASELINE_TARGET) : null))
  .catch(() => {});
afterAll(() => {
  abandonUnfinishedBuild();
  removeTempDirs();
});
