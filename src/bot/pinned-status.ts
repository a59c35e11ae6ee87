// The live pinned status (PIN_STATUS=on): one message in the owner's chat, pinned once without a notification and
// edited with every snapshot (render/pinned.ts says what it shows). Its id is kept in the settings table
// (PINNED_STATUS_MESSAGE), so a restart goes on editing the same message. When Telegram no longer lets the bot edit
// it (the owner deleted it, or it is too old), a new one is sent and pinned and the old one unpinned where it still
// is. Turned off, the message is unpinned and forgotten. Changes run one at a time, in the order asked.
import { PINNED_STATUS_MESSAGE, type PinnedStatusMessage } from "../alerts/state.ts";
import { describeHistoryError } from "../history/io.ts";
import type { SettingsStore } from "../history/settings.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import type { OwnerChat } from "./owner-chat.ts";

export interface PinnedStatusDeps {
  /** The owner's chat (TELEGRAM_CHAT_ID): a message kept for another chat (the variable changed) is left alone. */
  readonly chat: OwnerChat;
  readonly settings: SettingsStore;
  readonly dataDir: string;
  readonly log: Logger;
  readonly now: () => number;
}

export class PinnedStatus {
  /** The message as last kept; read from the settings the first time (undefined until then). */
  private current: PinnedStatusMessage | null | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PinnedStatusDeps) {}

  /** Shows `html` in the pinned message: edited in place, or sent and pinned when there is none to edit. Never throws. */
  show(html: string): Promise<void> {
    return this.enqueue("the pinned status was not updated", () => this.update(html));
  }

  /** Unpins the message and forgets it (PIN_STATUS turned off). Never throws. */
  remove(): Promise<void> {
    return this.enqueue("the pinned status was not unpinned", async () => {
      const kept = this.kept();
      if (kept === null) return;
      this.keep(null);
      await this.deps.chat.unpin(kept.messageId).catch((error: unknown) => {
        this.deps.log.info(`the pinned status message was not pinned any more (${errorMessage(error)})`);
      });
    });
  }

  /** Resolves when every change asked so far is done. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async update(html: string): Promise<void> {
    const { chat, log } = this.deps;
    const kept = this.kept();
    if (kept !== null) {
      const outcome = await chat.edit(kept.messageId, html);
      if (outcome !== "gone") return;
      log.info("the pinned status message can no longer be edited (deleted, or too old): sending and pinning a new one", {
        messageId: kept.messageId,
      });
      // Too old to edit but still there: it would go on showing an old figure on top of the chat.
      await chat.unpin(kept.messageId).catch(() => undefined);
    }
    const messageId = await chat.send(html, { silent: true });
    this.keep({ chatId: this.deps.chat.chatId, messageId, sentAt: new Date(this.deps.now()) });
    try {
      await chat.pin(messageId);
    } catch (error) {
      log.warn(
        `the status message was sent but not pinned: ${errorMessage(error)}. In a group, make the bot an administrator allowed to pin messages, or turn the pinned status off (PIN_STATUS, /settings)`,
      );
      return;
    }
    log.info("the pinned status message was sent and pinned", { messageId });
  }

  private enqueue(what: string, work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work).catch((error: unknown) => this.deps.log.warn(`${what}: ${errorMessage(error)}`));
    this.queue = run;
    return run;
  }

  /** The message to edit: the one kept for this chat, else none. */
  private kept(): PinnedStatusMessage | null {
    if (this.current === undefined) {
      try {
        this.current = this.deps.settings.get(PINNED_STATUS_MESSAGE);
      } catch (error) {
        this.deps.log.warn(`the pinned status message's id could not be read: ${describeHistoryError(error, this.deps.dataDir)}`);
        this.current = null;
      }
    }
    return this.current !== null && this.current.chatId === this.deps.chat.chatId ? this.current : null;
  }

  /** Keeps the message in memory, and in the settings so that a restart edits it too (a failed write is logged). */
  private keep(message: PinnedStatusMessage | null): void {
    this.current = message;
    try {
      if (message === null) this.deps.settings.delete(PINNED_STATUS_MESSAGE);
      else this.deps.settings.set(PINNED_STATUS_MESSAGE, message);
    } catch (error) {
      this.deps.log.warn(
        `the pinned status message's id was not saved: after a restart a new one is pinned: ${describeHistoryError(error, this.deps.dataDir)}`,
      );
    }
  }
}
