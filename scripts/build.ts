// The one place pfbot's compile flags and entry points live. `bun run build`, `build:all`, the tests,
// the bench and the deployment guide all build through here.
//
//   bun scripts/build.ts                          ./pfbot for this machine
//   bun scripts/build.ts --all                    dist/pfbot-linux-x64 and dist/pfbot-linux-arm64
//   bun scripts/build.ts --target bun-linux-x64-baseline --outfile dist/pfbot-baseline
import { resolve } from "node:path";

/** pfbot's one entry: the chart renderer and the configuration validator are pfbot itself, started with an internal argument. */
export const ENTRY_POINTS = ["src/main.ts"] as const;

/** The release targets of `--all`, with their output names. */
export const RELEASE_TARGETS = [
  { target: "bun-linux-x64", outfile: "dist/pfbot-linux-x64" },
  { target: "bun-linux-arm64", outfile: "dist/pfbot-linux-arm64" },
] as const;

export interface BuildOptions {
  /** Where the binary goes (relative to the repository root, or absolute). */
  readonly outfile: string;
  /** A Bun compile target such as "bun-linux-x64-baseline"; the running machine's when absent. */
  readonly target?: string;
  /** Entry points other than pfbot's own (the bench's one-dependency probes); ENTRY_POINTS by default. */
  readonly entryPoints?: readonly string[];
  /** Runtime flags baked into the binary (the bench compares `--smol`); none for a release. */
  readonly execArgv?: readonly string[];
  /** Bundler plugins (the chart bench's build without the chart code); none for a release. */
  readonly plugins?: readonly Bun.BunPlugin[];
}

const ROOT = resolve(import.meta.dir, "..");

/**
 * The chart renderer's wasm and fonts (render/chart/rasterize.ts imports them `with { type: "file" }`) are
 * embedded gzipped: 3.2 MB become 1.3 MB, in the binary and in the pages of it the bot reads, which stay in
 * its RSS after the first chart. rasterize.ts gunzips them natively (a few ms, with or without the JIT).
 */
const GZIP_EMBEDDED_FILES: Bun.BunPlugin = {
  name: "gzip-embedded-files",
  setup(build) {
    build.onLoad({ filter: /\.(wasm|ttf)$/ }, async (args) => ({
      contents: Bun.gzipSync(await Bun.file(args.path).bytes(), { level: 9 }),
      loader: "file",
    }));
  },
};

/** Builds one binary; throws with Bun's messages when the build fails. */
export async function buildBinary(options: BuildOptions): Promise<string> {
  const outfile = resolve(ROOT, options.outfile);
  const result = await Bun.build({
    entrypoints: (options.entryPoints ?? ENTRY_POINTS).map((entry) => resolve(ROOT, entry)),
    compile: {
      outfile,
      ...(options.target ? { target: options.target as Bun.Build.CompileTarget } : {}),
      ...(options.execArgv ? { execArgv: [...options.execArgv] } : {}),
      // A bunfig.toml or .env next to the binary on a server must never change how it runs: pfbot
      // reads its own env file (config/), and bunfig.toml is for the repository's tests only.
      autoloadBunfig: false,
      autoloadDotenv: false,
    },
    // Bytecode skips parsing at start (--version in ~10 ms instead of ~37 ms); it needs ESM output.
    bytecode: true,
    format: "esm",
    minify: true,
    plugins: [GZIP_EMBEDDED_FILES, ...(options.plugins ?? [])],
  });
  if (!result.success) throw new Error(`bun build failed:\n${result.logs.map(String).join("\n")}`);
  return outfile;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const jobs: BuildOptions[] = args.includes("--all")
    ? RELEASE_TARGETS.map((release) => ({ ...release }))
    : [
        {
          outfile: value("--outfile") ?? (value("--target") ? `dist/pfbot-${value("--target")!.replace(/^bun-/, "")}` : "pfbot"),
          target: value("--target"),
        },
      ];
  for (const job of jobs) {
    const started = performance.now();
    const outfile = await buildBinary(job);
    console.log(`built ${outfile}${job.target ? ` (${job.target})` : ""} in ${Math.round(performance.now() - started)} ms`);
  }
}
