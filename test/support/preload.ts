// Loaded before the test files (bunfig.toml): starts building the compiled binary in the background, so the
// process-boundary tests find it ready (test/support/binary.ts). A failed build is reported by the tests that
// need the binary, not here; a build still under way when the run ends is dropped.
import { afterAll } from "bun:test";
import { abandonUnfinishedBuild, pfbotBinary } from "./binary.ts";

pfbotBinary().catch(() => {});
afterAll(abandonUnfinishedBuild);
