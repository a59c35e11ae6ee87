// HTML escaping for Telegram's parse_mode HTML, kept apart from status.ts so that the history view
// (and `pfbot --history`) does not load the snapshot message's formatting and its dependencies.

/** Escapes text for Telegram HTML: &, <, > and " (inside attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Telegram HTML → plain text for a terminal: tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
