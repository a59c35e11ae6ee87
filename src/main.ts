// Entry point. Answers --help and --version without loading the rest of pfbot (arktype alone costs
// ~120 ms and ~35 MB at import), then hands over to app.ts.
import { version } from "../package.json" with { type: "json" };
import { parseArgs, USAGE } from "./app/cli.ts";
import { runConfigValidator, VALIDATE_CONFIG_ARG } from "./config/validator.ts";
import { RENDER_CHART_ARG } from "./render/chart/client.ts";

// The one write to process.env (time zones go through lib/zoned-time.ts, never the process's TZ). Bun
// prints every fetch's request headers (API keys, signatures, tokens) to stderr when BUN_CONFIG_VERBOSE_FETCH
// is "curl", "true" or "1", and reads it from process.env at each request (Bun 1.4.5: an empty value turns it
// off, deleting the key does not). Blank it before anything fetches; the configuration gets the environment
// as it was, and warns about it (config.ts).
const startEnv = { ...process.env };
process.env.BUN_CONFIG_VERBOSE_FETCH = "";

// A chart renderer the bot started for one chart (render/chart/client.ts): SVG in, PNG out, nothing else.
if (process.argv[2] === RENDER_CHART_ARG && process.argv.length === 3) {
  const { runChartRenderer } = await import("./render/chart/renderer.ts");
  process.exit(await runChartRenderer());
}

// The bot's configuration validator (config/validator.ts): the environment in, the result out, nothing else.
if (process.argv[2] === VALIDATE_CONFIG_ARG && process.argv.length === 3) process.exit(await runConfigValidator());

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`pfbot: ${parsed.error}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.args.mode.kind === "help") {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (parsed.args.mode.kind === "version") {
  process.stdout.write(`pfbot ${version}\n`);
  process.exit(0);
}
const { runApp } = await import("./app/run.ts");
process.exitCode = await runApp(parsed.args, version, startEnv);
