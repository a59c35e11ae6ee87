/**
 * @module Headless Chromium from Debian's package, run as a plain command: `--dump-dom` to read what a
 * page measured about itself, `--screenshot` to capture it. Each run gets a new, empty profile that is
 * removed afterwards, and every background service that would reach the network is switched off; the
 * pages it opens are local files that load nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM_INSTALL =
  "apt-get update && apt-get install -y chromium fonts-noto-color-emoji fonts-noto-core fonts-noto-mono fonts-roboto-unhinted";

export class ChromiumError extends Error {
  override readonly name = "ChromiumError";
}

export interface ChromiumOptions {
  /** The browser binary; default: $CHROMIUM, else `chromium` on PATH. */
  readonly binary?: string;
  /** Give up on one browser run after this long (default 60 s). */
  readonly timeoutMs?: number;
}

/** The page's DOM after its scripts ran, serialized. */
export async function dumpDom(fileUrl: string, width: number, height: number, options: ChromiumOptions = {}): Promise<string> {
  return run([`--window-size=${width},${height}`, "--dump-dom", fileUrl], options);
}

/** A PNG of the top `width` × `height` CSS px of the page, at `scale` device pixels per CSS px. */
export async function screenshot(
  fileUrl: string,
  out: string,
  width: number,
  height: number,
  scale: number,
  options: ChromiumOptions = {},
): Promise<void> {
  await run(
    [`--window-size=${width},${height}`, `--force-device-scale-factor=${scale}`, "--hide-scrollbars", `--screenshot=${out}`, fileUrl],
    options,
  );
}

const FLAGS = [
  "--headless",
  // Root in a container has no user namespace for the sandbox; the page is our own local file.
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--mute-audio",
];

async function run(args: readonly string[], options: ChromiumOptions): Promise<string> {
  const binary = options.binary ?? process.env.CHROMIUM ?? Bun.which("chromium") ?? Bun.which("chromium-browser");
  if (!binary)
    throw new ChromiumError(
      `Chromium not found. Install it (a dev tool; CI does not need it): ${CHROMIUM_INSTALL}\nor set CHROMIUM=/path/to/chromium.`,
    );
  const profile = mkdtempSync(join(tmpdir(), "pfbot-chromium-"));
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    let child: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
    try {
      child = Bun.spawn([binary, ...FLAGS, `--user-data-dir=${profile}`, ...args], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    } catch (error) {
      throw new ChromiumError(
        `Cannot start ${binary} (${error instanceof Error ? error.message : String(error)}). Install Chromium: ${CHROMIUM_INSTALL}`,
      );
    }
    const timer = setTimeout(() => child.kill(), timeoutMs);
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    clearTimeout(timer);
    if (child.signalCode) throw new ChromiumError(`Chromium did not finish within ${timeoutMs / 1000} s (${binary} ${args.join(" ")})`);
    if (code !== 0)
      throw new ChromiumError(`Chromium exited with status ${code}:\n${stderr.split("\n").filter(useful).slice(-15).join("\n")}`);
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Chromium in a container complains about D-Bus and the like on every run; those lines say nothing about a failure. */
function useful(line: string): boolean {
  return line.trim() !== "" && !/dbus|Fontconfig|unexpected operator/i.test(line);
}
