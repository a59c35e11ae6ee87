/**
 * @module What the report has to tell besides the figures, as notes (pure): one per failed platform, per thing a
 * partial figure leaves out, per platform warning, and the rate's. Each note has a short form for the message (one
 * line on a phone: the platform, what happened, what to do) and its full text for the "Details" view. The short
 * form is cut from the full text the platforms write ("<what happened> (<details>): <what to do>"): details in
 * parentheses and API method names ("OperationsService/GetPortfolio") stay in the full text and the log.
 */
import { CLIP_MARK } from "../lib/redact.ts";
import { platformName } from "../platforms/registry.ts";
import { describeGap, type Snapshot } from "../snapshot/snapshot.ts";

export interface Note {
  readonly icon: "❌" | "⚠️" | "ℹ️";
  /** One line for the message; null when the message already says it another way (the rate line). */
  readonly short: string | null;
  /** The whole text, for "Details". */
  readonly full: string;
}

/** Every note of a snapshot, in report order: each platform's (failure, what it leaves out, warnings), then the rate's. */
export function snapshotNotes(snapshot: Snapshot): Note[] {
  const notes: Note[] = [];
  // Platforms without a USD value for the same reason (no USD/RUB rate) share one note.
  const unvalued = new Map<string, string[]>();
  for (const row of snapshot.rows) {
    if (row.ok && row.error !== null) unvalued.set(row.error, [...(unvalued.get(row.error) ?? []), platformName(row.id)]);
  }
  for (const row of snapshot.rows) {
    const name = platformName(row.id);
    if (!row.ok && row.error !== null) {
      const full = named(name, row.error);
      notes.push({ icon: "❌", short: shortNote(full, name), full });
    }
    const sharing = row.ok && row.error !== null ? unvalued.get(row.error) : undefined;
    if (row.error !== null && sharing?.[0] === name) {
      const full = `${sharing.join(", ")}: ${row.error}`;
      notes.push({ icon: "⚠️", short: shortNote(full, null), full });
    }
    // A part left out that a warning of the platform names is said once, by the warning, which also says why.
    const bare = (part: string) => (startsWith(part, `${name} `) ? part.slice(name.length + 1) : part);
    const names = (warning: string) => row.leftOut.some((part) => warning.includes(bare(part)));
    for (const part of row.leftOut.filter((part) => !row.warnings.some((warning) => warning.includes(bare(part))))) {
      // describeGap names the platform already, where the platform wrote it ("Earn and other OKX accounts not
      // valued") or first: "OKX: Earn and other OKX accounts" would say it twice.
      const full = describeGap({ platform: row.id, part });
      notes.push({ icon: "⚠️", short: shortNote(full, null), full: `Partial: ${full}` });
    }
    for (const warning of row.warnings) {
      const full = named(name, warning);
      notes.push({ icon: names(warning) ? "⚠️" : "ℹ️", short: shortNote(full, name), full });
    }
  }
  for (const warning of snapshot.warnings) notes.push({ icon: "ℹ️", short: shortNote(warning, null), full: warning });
  if (snapshot.fxProblem !== null) notes.push({ icon: "⚠️", short: null, full: capitalized(snapshot.fxProblem) });
  return notes;
}

/** The longest short note, in characters with its icon: under three rows of a phone's message text. */
export const SHORT_NOTE_MAX = 96;

/**
 * The note in one line: details in parentheses and method names dropped; what happened (the first clause) and what
 * to do (the last clause, when it starts with a verb saying so; else the second clause says more of what happened);
 * at most SHORT_NOTE_MAX characters, cut between words. `name` is the platform the note is about: it leads the line.
 */
export function shortNote(full: string, name: string | null): string {
  let text = full;
  // Innermost parentheses first, until none is left: "(HTTP 403, code 40002 (…))" goes whole.
  for (let previous = ""; previous !== text; ) {
    previous = text;
    text = text.replace(/\s*\([^()]*\)/g, "");
  }
  text = text
    .replace(METHOD_NAME, "")
    .replace(LONG_ID, "")
    .replace(URL_PATH, "")
    .replace(/\s+([:;,.])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  const body = name !== null && startsWith(text, `${name}:`) ? text.slice(name.length + 1).trim() : text;
  const clauses = body.split(/[:;]\s+/).filter((clause) => clause !== "");
  const first = clauses[0] ?? body;
  const last = clauses.length > 1 ? (clauses.at(-1) ?? "") : "";
  // What to do, without the why that may follow it (", so pfbot can …"): the Details view keeps that.
  const action = ACTION.test(last) ? last.replace(PURPOSE, "") : "";
  const second = action !== "" ? action : (clauses[1] ?? "");
  const line = second !== "" ? `${first}: ${second}` : first;
  const subject = name !== null && !startsWith(line, name) ? `${name}: ${line}` : line;
  if ([...subject].length <= SHORT_NOTE_MAX || action === "") return clipWords(capitalized(subject), SHORT_NOTE_MAX);
  // Too long, and it says what to do: what to do is the point of a note, so what happened gives up the room.
  const prefix = subject.slice(0, subject.length - line.length);
  const room = SHORT_NOTE_MAX - [...prefix].length - [...action].length - 2;
  if (room >= MIN_WHAT_HAPPENED) return capitalized(`${prefix}${clipWords(first, room)}: ${action}`);
  // What to do is itself too long: it keeps its start (the verb and its object), after what happened in brief.
  const clippedAction = clipWords(action, SHORT_NOTE_MAX - [...prefix].length - MIN_WHAT_HAPPENED - 2);
  const rest = SHORT_NOTE_MAX - [...prefix].length - [...clippedAction].length - 2;
  return capitalized(`${prefix}${clipWords(first, rest)}: ${clippedAction}`);
}

/** The fewest characters of what happened worth keeping in front of what to do. */
const MIN_WHAT_HAPPENED = 24;

/** "Service/Method" as a gRPC-style API names its methods, with the preposition before it: "on UsersService/GetAccounts". */
const METHOD_NAME = /(?:\s+(?:on|from|for|of|to|by))?\s+[A-Z][A-Za-z]*Service\/[A-Z][A-Za-z]*/g;

/** An id of 8 digits or more (an account number, a reference code): it tells the reader nothing on a phone. */
const LONG_ID = /\s\d{8,}\b/g;

/** An API path, with the preposition before it: "from /api/v1/accounts" (the log has it). */
const URL_PATH = /(?:\s+(?:on|from|for|of|to|at))?\s+\/[\w\-./]+/g;

/** The reason a clause of what to do may end with: ", so pfbot can use IBKR's own rate". */
const PURPOSE = /,\s+so\s+(?:that\s+)?\S.*$/i;

/** A clause that tells the reader what to do. */
const ACTION =
  /^(?:add|allow|ask|bind|change|check|choose|confirm|contact|create|delete|edit|enable|ensure|fix|free|generate|get|give|grant|install|issue|keep|log in|make|move|open|point|put|recreate|regenerate|remove|renew|replace|report|request|reset|restore|revoke|rotate|run|save|select|set|sign in|stop|sync|tick|try|turn|untick|update|upgrade|use|wait)\b/i;

function named(name: string, text: string): string {
  return startsWith(text, name) ? text : `${name}: ${text}`;
}

function startsWith(text: string, prefix: string): boolean {
  return text.toLowerCase().startsWith(prefix.toLowerCase());
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** At most `max` characters, cut at the last space that leaves room for "…". */
function clipWords(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join("");
  const space = head.lastIndexOf(" ");
  return `${(space > max / 2 ? head.slice(0, space) : head).replace(/[\s,;:]+$/, "")}${CLIP_MARK}`;
}
