// Whether the history and the settings beside it can be written. A failure is logged once per event and
// kept: every message says it, health() reports it, and a changed setting says it will not outlive a
// restart, until a write works again. A history opened in memory (DATA_DIR unusable at start) stays so
// until pfbot restarts: nothing is written to it as if it would last.
import { describeHistoryError } from "../history/io.ts";
import type { Logger } from "../lib/log.ts";
import { escapeHtml } from "../render/html.ts";

export class StorageState {
  private current: string | null;

  /** `inMemory`: why DATA_DIR's history could not be opened (the stores are stand-ins in memory); null when it was. */
  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    private readonly inMemory: string | null,
  ) {
    this.current = inMemory;
  }

  /** Why the history cannot be written now, saying what to do; null when the last write worked. */
  problem(): string | null {
    return this.current;
  }

  /** True while the stores live in memory only. */
  isInMemory(): boolean {
    return this.inMemory !== null;
  }

  /** A write worked: the problem, if any, is over (not for stores in memory). */
  worked(): void {
    if (this.inMemory === null) this.current = null;
  }

  /** Keeps and logs why a read or write failed; `what` says what was lost ("history not recorded"). */
  failed(error: unknown, what: string): void {
    this.current = describeHistoryError(error, this.dataDir);
    this.log.error(`${what}: ${this.current}`);
  }

  /** Saves a setting (`write`); returns "" or a sentence saying that it will not outlive a restart. */
  persist(write: () => void): string {
    if (this.inMemory === null) {
      try {
        write();
        this.worked();
        return "";
      } catch (error) {
        this.failed(error, "setting not saved");
      }
    }
    return ` (Not remembered after a restart: ${this.current}.)`;
  }

  /** Said under every message while the history cannot be written, so the owner does not miss it. */
  note(): string {
    return this.current === null ? "" : `\n\n⚠️ The history is not being saved: ${escapeHtml(this.current)}`;
  }
}
