// HTML escaping for Telegram's parse_mode HTML, kept apart from message.ts so that the history view
// (and `pfbot --history`) does not load the snapshot message's formatting and its dependencies.

/** Escapes text for Telegram HTML: &, <, > and " (inside attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
