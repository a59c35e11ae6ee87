// Entry point. Answers --help and --version without loading the rest of pfbot (arktype alone costs
// ~120 ms and ~35 MB at import), then hands over to app.ts.
import { version } from "../package.json" with { type: "json" };
import { USAGE, parseArgs } from "./cli.ts";

// Schedule and day arithmetic must not depend on the host's TZ (date-fns-tz resolves ambiguous
// wall times through the process zone).
process.env.TZ = "UTC";

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`pfbot: ${parsed.error}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.args.mode.kind === "help") {
  process.stdout.write(USAGE + "\n");
  process.exit(0);
}
if (parsed.args.mode.kind === "version") {
  process.stdout.write(`pfbot ${version}\n`);
  process.exit(0);
}
const { runApp } = await import("./app.ts");
process.exitCode = await runApp(parsed.args, version);
