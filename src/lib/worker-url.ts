// Where a worker entry point is, from source and inside the compiled binary alike.
//
// From source (bun run, bun test) the entry is a file under src/. In the compiled binary every module
// is bundled into the main entry at the root of the embedded file system, while each worker entry, an
// entry point of its own, keeps its path relative to src/: the common folder of the build's entry
// points (scripts/build.ts). So the path is given relative to src/ and resolved from whichever applies.

/** The URL of the worker entry `pathFromSrc` (e.g. "config/worker.ts"), for `new Worker(…)`. */
export function workerUrl(pathFromSrc: string, moduleUrl: string = import.meta.url): string {
  const fromSource = moduleUrl.endsWith("/lib/worker-url.ts");
  return new URL(fromSource ? `../${pathFromSrc}` : `./${pathFromSrc}`, moduleUrl).href;
}
