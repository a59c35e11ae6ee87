// The history-only modes: --history, --import FILE [--overwrite], --export [FILE] [--format]. They need only
// DATA_DIR and TIMEZONE (no platform, no Telegram) and never touch the network.
// Exit codes: 0 ok; 1 the export could not be written; 2 the import file is unreadable or invalid
// (nothing was written).
import type { HistoryConfig } from "../../config/history-config.ts";
import { type ExportFormat, historyViewText, openHistory, runExport, runImport } from "../../history/io.ts";
import type { Clock } from "../../lib/clock.ts";
import { errorMessage } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";

export type HistoryMode =
  | { readonly kind: "history" }
  | { readonly kind: "import"; readonly file: string; readonly overwrite: boolean }
  | { readonly kind: "export"; readonly file: string | null; readonly format: ExportFormat };

/** What these modes get: an AppContext would do, but they are started without the full configuration. */
export interface HistoryContext {
  readonly config: Pick<HistoryConfig, "dataDir" | "timeZone">;
  readonly log: Logger;
  readonly out: (text: string) => void;
  /** stderr, redacted like the log, for a report of several lines (the log keeps each event on one line). */
  readonly err: (text: string) => void;
  readonly clock: Clock;
}

export function runHistoryMode(context: HistoryContext, mode: HistoryMode): number {
  const { config, log } = context;
  const store = openHistory(config.dataDir, config.timeZone, log, () => context.clock.now());
  try {
    switch (mode.kind) {
      case "history":
        context.out(historyViewText(store));
        return 0;
      case "import": {
        const result = runImport(store, mode.file, { overwrite: mode.overwrite });
        if (!result.ok) {
          // One problem per line: the log would join them with ⏎ into one unreadable line.
          context.err(result.error);
          return 2;
        }
        context.out(result.summary);
        return 0;
      }
      case "export":
        try {
          // To stdout the JSON gets a final newline from out() (the CSV already ends in CRLF); a FILE is
          // written exactly as the format says (the JSON as the original bot wrote it: no final newline).
          context.out(runExport(store, mode.file, mode.format));
          return 0;
        } catch (error) {
          log.error(`--export ${mode.file}: cannot write it (${errorMessage(error)}); check the directory exists and is writable`);
          return 1;
        }
    }
  } finally {
    store.close();
  }
}
