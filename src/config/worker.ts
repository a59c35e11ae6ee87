// Worker entry: validates the configuration and posts the result back. The long-running bot
// validates here so that arktype (~20–35 MB resident once imported) lives only in this short-lived
// worker, never in the bot's own heap. Built into the binary as a second entry point (package.json).
import { type ConfigNeeds, loadConfig } from "./config.ts";
import type { EnvSource } from "./env-source.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ source: EnvSource; needs: ConfigNeeds }>) => {
  self.postMessage(loadConfig(event.data.source, event.data.needs));
};
