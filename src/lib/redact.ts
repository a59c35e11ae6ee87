// The one redaction step every sink applies to the text it emits (log lines, stdout and stderr, Telegram text
// and captions, --json, anything stored): each configured secret becomes *** in every form it can take on
// the way out, and a leading piece of one that a clip cut short goes too.
// Forms: the secret as an upstream answer may hold it (raw, whitespace-collapsed, URL- or form-encoded, JSON-
// or HTML-escaped), as pfbot may quote that answer (as is, or JSON.stringify'd), and as the sink escapes the
// result (as is, JSON, HTML): a JSON body's excerpt quoted in an error and logged as a field is three layers deep.
// Pieces: a clip cuts a secret where no full form matches any more, so untrusted text is clipped only with
// clip(), which marks the cut with "…"; before a "…", a line end or the end of the text, any trailing piece
// of 6 or more characters that starts a form is replaced.

export type Redact = (text: string) => string;

const REDACTED = "***";
/** Shorter values are not treated as secrets: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** A cut secret's leading piece at least this long is redacted at a clip boundary; a shorter one says too little to matter. */
const MIN_PIECE_LENGTH = 6;
/** What clip() appends where it cut. */
export const CLIP_MARK = "…";

/** Builds the redactor once from the configured secrets (Config.secrets). */
export function makeRedactor(secrets: readonly string[]): Redact {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    // Platform modules collapse runs of whitespace in upstream messages.
    const bases = new Set([secret, secret.replace(/\s+/g, " ")]);
    // Layer by layer, each distinct text encoded once: most secrets read the same in most encodings.
    for (const form of encodeAll(encodeAll(encodeAll(bases, UPSTREAM_ENCODINGS), QUOTINGS), SINK_ENCODINGS)) forms.add(form);
  }
  const ordered = [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  // Forms by their first MIN_PIECE_LENGTH characters, to find a cut piece without listing every prefix.
  const byStart = new Map<string, string[]>();
  for (const form of ordered) {
    if (form.length <= MIN_PIECE_LENGTH) continue;
    const start = form.slice(0, MIN_PIECE_LENGTH);
    byStart.set(start, [...(byStart.get(start) ?? []), form]);
  }
  const longest = ordered[0]?.length ?? 0;
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return redactCutPieces(out, byStart, longest);
  };
}

/**
 * At most `max` characters of untrusted text, cut between code points and marked with "…" so that the
 * redactor still finds a secret the cut went through. Every clip of text that may quote a secret goes here.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max - CLIP_MARK.length) break;
    out += char;
  }
  return out + CLIP_MARK;
}

const identity = (text: string): string => text;
const json = (text: string): string => JSON.stringify(text).slice(1, -1);
/** JSON as serializers that keep to ASCII write it (\u00e9, \/). */
const jsonAscii = (text: string): string =>
  json(text)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
const html = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const lowerHex = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
const formEncoded = (text: string): string => new URLSearchParams({ s: text }).toString().slice(2);

/** How an upstream answer may hold a secret it echoes. */
const UPSTREAM_ENCODINGS: readonly ((text: string) => string)[] = [
  identity,
  encodeURIComponent,
  (text) => lowerHex(encodeURIComponent(text)),
  encodeURI,
  formEncoded,
  (text) => lowerHex(formEncoded(text)),
  json,
  jsonAscii,
  html,
  (text) => html(text).replace(/'/g, "&#39;"),
  (text) => html(text).replace(/'/g, "&#x27;"),
];
/** How a sink escapes the text holding it (log fields, --json, Telegram HTML). */
const SINK_ENCODINGS: readonly ((text: string) => string)[] = [
  identity,
  json,
  jsonAscii,
  html,
  (text) => html(text).replace(/'/g, "&#39;"),
  (text) => html(text).replace(/'/g, "&#x27;"),
];

/** How pfbot may quote an upstream answer: as is, or JSON.stringify'd. */
const QUOTINGS: readonly ((text: string) => string)[] = [identity, json];

/** Every text of `texts` in every encoding of `encodings`. */
function encodeAll(texts: ReadonlySet<string>, encodings: readonly ((text: string) => string)[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts) for (const encode of encodings) out.add(encode(text));
  return out;
}

const BOUNDARIES = new Set([CLIP_MARK, "\n", "\r"]);

/** Replaces, before each "…", line end and the end of the text, the longest trailing piece that starts a form. */
function redactCutPieces(text: string, byStart: ReadonlyMap<string, readonly string[]>, longest: number): string {
  const cuts: [number, number][] = [];
  // Right to left; a boundary inside a piece already replaced is skipped.
  let limit = text.length;
  for (let end = text.length; end >= MIN_PIECE_LENGTH; end--) {
    if (end > limit || (end < text.length && !BOUNDARIES.has(text.charAt(end)))) continue;
    for (let start = Math.max(0, end - longest); start <= end - MIN_PIECE_LENGTH; start++) {
      const candidates = byStart.get(text.slice(start, start + MIN_PIECE_LENGTH));
      if (candidates === undefined) continue;
      const piece = text.slice(start, end);
      if (candidates.some((form) => form.length > piece.length && form.startsWith(piece))) {
        cuts.push([start, end]);
        limit = start;
        break;
      }
    }
  }
  let out = text;
  for (const [start, end] of cuts) out = out.slice(0, start) + REDACTED + out.slice(end);
  return out;
}
