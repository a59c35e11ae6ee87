/**
 * The state machine of systemd's `parse_env_file_internal()` (src/basic/env-file.c, systemd/systemd
 * @ 0002453b101dc85db2be76703a85297a59c646a9), rewritten over bytes, plus what each assignment ran into
 * on the way that a shell or a dotenv-style reader would read differently. systemd-env.ts turns the
 * assignments into the environment; see there for the rest of the path and how this was checked.
 *
 * The rules, as the C code has them (the manual, systemd.exec(5), says less about CR and quotes):
 * - Whitespace is space, tab, LF and CR; a line ends at LF *or* CR, so a CRLF line ends at its CR.
 * - A line whose first non-blank character is `#` or `;` is a comment. Since v254 a comment ending in
 *   `\` ends there like any other; before, it also swallowed the next line.
 * - The name runs to the first `=`; blanks around it are dropped, blanks inside it are kept (so
 *   `export X` is a name, an invalid one). A line that ends before any `=` is dropped.
 * - After `=`, blanks are skipped. Then, any number of times: a `'…'` part (verbatim, may span lines),
 *   a `"…"` part (may span lines; `\` drops itself before `"`, `\`, `` ` `` and `$`, eats a following
 *   LF, and stays otherwise), or an unquoted part to the end of the line, where `\` keeps the next
 *   character (or eats a newline: a continuation) and everything else, `#` and quotes included, is
 *   kept. Blanks between parts are dropped; trailing blanks of an unquoted part are cut.
 * - The end of the file ends an open quote or escape as if the value were complete.
 * @module
 */
import { systemdAcceptsUtf8 } from "./systemd-utf8.ts";

type EnvFileProblemKind =
  | "bom"
  | "nul-byte"
  | "invalid-utf8"
  | "no-equals"
  | "export"
  | "invalid-name"
  | "duplicate"
  | "comment-in-value"
  | "text-after-quote"
  | "unterminated-quote"
  | "multiline-quote"
  | "quoted-whitespace"
  | "escape"
  | "line-continuation"
  | "expansion"
  | "backtick"
  | "stray-cr"
  | "comment-continuation";

export interface EnvFileProblem {
  /** 1-based line (counted by LF) where the assignment, or the offending text, starts. */
  readonly line: number;
  /** The variable's name when the line has a usable one; null otherwise. */
  readonly variable: string | null;
  readonly kind: EnvFileProblemKind;
  /** What systemd does and what to change. Never holds any part of a value. */
  readonly message: string;
}

/** One name=value systemd pushes, in file order, before names are checked. */
export interface Assignment {
  readonly line: number;
  /** The name as pushed; null when it is not valid UTF-8. */
  readonly name: string | null;
  /** "" when the name or value is not valid UTF-8. */
  readonly value: string;
  /** False makes systemd refuse the whole file. */
  readonly utf8Valid: boolean;
}

/** env_name_is_valid(): ASCII letters, digits and `_`, not starting with a digit. */
export const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads `bytes` as parse_env_file_internal() does. Problems of single lines only (no duplicates). */
export function scanEnvFile(bytes: Uint8Array): { assignments: Assignment[]; problems: EnvFileProblem[] } {
  const assignments: Assignment[] = [];
  const problems: EnvFileProblem[] = [];
  const startsWithBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let state: State = "preKey";
  let line = 1;
  let commentLine = 1;
  let draft = newDraft(1);

  const note = (kind: EnvFileProblemKind, message: string) => {
    if (!draft.found.has(kind)) draft.found.set(kind, message);
  };
  // The BOM is read as the start of line 1's name; the BOM problem alone speaks for that line.
  const isBomLine = () => startsWithBom && draft.line === 1;
  const finish = () => {
    // systemd cuts trailing blanks only where the line ends in an unquoted part; valueBlankAt is
    // null everywhere else (a backslash resets it, and no quote follows an unquoted part).
    if (draft.valueBlankAt !== null) draft.value.length = draft.valueBlankAt;
    if (draft.keyBlankAt !== null) draft.key.length = draft.keyBlankAt;
    const done = finishAssignment(draft, isBomLine() && assignments.length === 0);
    assignments.push(done.assignment);
    problems.push(...done.problems);
  };
  const endOfLine = (i: number) => {
    if (bytes[i] === CR && bytes[i + 1] !== LF) problems.push({ line, variable: null, kind: "stray-cr", message: STRAY_CR });
  };

  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    switch (state) {
      case "preKey":
        if (c === HASH || c === SEMICOLON) {
          state = "comment";
          commentLine = line;
        } else if (!isBlank(c)) {
          state = "key";
          draft = newDraft(line);
          draft.key.push(c);
        }
        break;

      case "key":
        if (isNewline(c)) {
          endOfLine(i);
          if (!isBomLine()) problems.push(withoutEquals(draft));
          state = "preKey";
        } else if (c === EQUALS) {
          state = "preValue";
        } else {
          if (!isBlank(c)) draft.keyBlankAt = null;
          else if (draft.keyBlankAt === null) draft.keyBlankAt = draft.key.length;
          draft.key.push(c);
        }
        break;

      case "preValue":
        if (isNewline(c)) {
          endOfLine(i);
          finish();
          state = "preKey";
          break;
        }
        if (isBlank(c)) break; // skipped, before the value and between its parts
        if (c === HASH) note("comment-in-value", draft.quoteClosed ? COMMENT_AFTER_QUOTE : COMMENT_IN_VALUE);
        else if (draft.quoteClosed) note("text-after-quote", TEXT_AFTER_QUOTE);
        else if (c === BACKTICK) note("backtick", BACKTICK_QUOTES);
        if (c === SINGLE || c === DOUBLE) {
          state = c === SINGLE ? "single" : "double";
          draft.quoteStart = draft.value.length;
          draft.quoteLine = line;
        } else if (c === BACKSLASH) {
          state = "valueEscape";
        } else {
          if (c === DOLLAR && startsExpansion(bytes[i + 1])) note("expansion", EXPANSION);
          state = "value";
          draft.value.push(c);
          draft.afterBlank = false;
        }
        break;

      case "value":
        if (isNewline(c)) {
          endOfLine(i);
          finish();
          state = "preKey";
        } else if (c === BACKSLASH) {
          state = "valueEscape";
          draft.valueBlankAt = null;
        } else {
          if (c === HASH && draft.afterBlank) note("comment-in-value", COMMENT_IN_VALUE);
          if (c === DOLLAR && startsExpansion(bytes[i + 1])) note("expansion", EXPANSION);
          draft.afterBlank = isBlank(c);
          if (!isBlank(c)) draft.valueBlankAt = null;
          else if (draft.valueBlankAt === null) draft.valueBlankAt = draft.value.length;
          draft.value.push(c);
        }
        break;

      case "valueEscape":
        state = "value";
        draft.afterBlank = false;
        if (isNewline(c)) note("line-continuation", LINE_CONTINUATION);
        else {
          note("escape", UNQUOTED_BACKSLASH);
          draft.value.push(c);
        }
        break;

      case "single":
        if (c === SINGLE) {
          closeQuote(draft, line);
          state = "preValue";
        } else draft.value.push(c);
        break;

      case "double":
        if (c === DOUBLE) {
          closeQuote(draft, line);
          state = "preValue";
        } else if (c === BACKSLASH) {
          state = "doubleEscape";
        } else {
          if (c === DOLLAR && startsExpansion(bytes[i + 1])) note("expansion", EXPANSION);
          draft.value.push(c);
        }
        break;

      case "doubleEscape":
        state = "double";
        if (c === DOUBLE || c === BACKSLASH || c === BACKTICK || c === DOLLAR) {
          note("escape", QUOTED_BACKSLASH);
          draft.value.push(c);
        } else if (c === LF) {
          note("line-continuation", LINE_CONTINUATION);
        } else {
          // Only LF is eaten: a CR (from CRLF) keeps its backslash, like any other character.
          if (c === CR) note("line-continuation", LINE_CONTINUATION);
          if (c === LETTER_N || c === LETTER_R) note("escape", QUOTED_NEWLINE_ESCAPE);
          draft.value.push(BACKSLASH, c);
        }
        break;

      case "comment":
        if (c === BACKSLASH) state = "commentEscape";
        else if (isNewline(c)) {
          endOfLine(i);
          state = "preKey";
        }
        break;

      case "commentEscape":
        // From v254 this newline ends the comment; v249-v253 stayed in the comment for one more line.
        // After CR+LF both read the same: the old code ends the comment at the LF.
        if (c === LF || (c === CR && bytes[i + 1] !== LF)) {
          problems.push({ line: commentLine, variable: null, kind: "comment-continuation", message: COMMENT_CONTINUATION });
        }
        state = isNewline(c) ? "preKey" : "comment";
        break;
    }
    if (c === LF) line++;
  }

  if (state === "single" || state === "double" || state === "doubleEscape") {
    const lastLine = bytes[bytes.length - 1] === LF ? line - 1 : line;
    const swallowed = lastLine - draft.quoteLine;
    const rest =
      swallowed > 0
        ? `the rest of the file (${swallowed} more line${swallowed === 1 ? "" : "s"}, whose settings are lost)`
        : "to the end of the file";
    note("unterminated-quote", `the quote opened on this line is never closed: systemd reads ${rest} into this value; close the quote`);
    finish();
  } else if (state === "preValue" || state === "value" || state === "valueEscape") {
    if (state === "valueEscape") note("line-continuation", LINE_CONTINUATION);
    finish();
  } else if (state === "key" && !isBomLine()) {
    problems.push(withoutEquals(draft));
  }
  if (startsWithBom) problems.push(bomProblem(assignments[0]));
  return { assignments, problems };
}

type State = "preKey" | "key" | "preValue" | "value" | "valueEscape" | "single" | "double" | "doubleEscape" | "comment" | "commentEscape";

/** One assignment being read, and what it ran into. */
interface Draft {
  line: number;
  key: number[];
  /** Where the name's trailing blanks start (systemd cuts them off), or null. */
  keyBlankAt: number | null;
  value: number[];
  /** Where the unquoted part's trailing blanks start (cut off at the line end), or null. */
  valueBlankAt: number | null;
  /** The last raw character of the unquoted part was a blank, so a `#` here starts a shell comment. */
  afterBlank: boolean;
  quoteClosed: boolean;
  quoteStart: number;
  quoteLine: number;
  /** Line of the closing quote of a part that holds a line break, or null. */
  multilineEnd: number | null;
  /** One message per kind: what the value ran into. */
  found: Map<EnvFileProblemKind, string>;
}

function newDraft(line: number): Draft {
  return {
    line,
    key: [],
    keyBlankAt: null,
    value: [],
    valueBlankAt: null,
    afterBlank: false,
    quoteClosed: false,
    quoteStart: 0,
    quoteLine: line,
    multilineEnd: null,
    found: new Map(),
  };
}

function closeQuote(draft: Draft, line: number): void {
  const inside = draft.value.slice(draft.quoteStart);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if ((first !== undefined && isBlank(first)) || (last !== undefined && isBlank(last))) {
    if (!draft.found.has("quoted-whitespace")) draft.found.set("quoted-whitespace", QUOTED_WHITESPACE);
  }
  if (inside.some(isNewline)) draft.multilineEnd = line;
  draft.quoteClosed = true;
}

/** What load_env_file_push() receives, and the problems of this one line. */
function finishAssignment(draft: Draft, bomLine: boolean): { assignment: Assignment; problems: EnvFileProblem[] } {
  const keyBytes = Uint8Array.from(draft.key);
  const valueBytes = Uint8Array.from(draft.value);
  const keyValid = systemdAcceptsUtf8(keyBytes);
  const utf8Valid = keyValid && systemdAcceptsUtf8(valueBytes);
  const name = keyValid ? decode(keyBytes) : null;
  const value = utf8Valid ? decode(valueBytes) : "";
  const assignment: Assignment = { line: draft.line, name, value, utf8Valid };
  // systemd-env.ts reports invalid UTF-8 (it concerns the whole file).
  if (bomLine || !utf8Valid || name === null) return { assignment, problems: [] };

  const problems: EnvFileProblem[] = [];
  const exported = EXPORT_PREFIX.exec(name);
  const ignored = !exported && !VALID_NAME.test(name);
  const variable = exported ? (exported[1] ?? null) : ignored ? (NAME_LIKE.test(name) ? name : null) : name;
  const at = (kind: EnvFileProblemKind, message: string, line = draft.line) => problems.push({ line, variable, kind, message });

  const found = (kind: EnvFileProblemKind) => {
    const message = draft.found.get(kind);
    if (message !== undefined) at(kind, message, kind === "unterminated-quote" ? draft.quoteLine : draft.line);
  };

  if (ignored) {
    at("invalid-name", variable === null ? INVALID_NAME_TEXT : INVALID_NAME);
    // systemd drops the line anyway: only what reaches into other lines matters.
    found("unterminated-quote");
    found("line-continuation");
    return { assignment, problems };
  }
  if (exported) at("export", "systemd ignores a line that starts with 'export'; remove 'export '");
  if (draft.multilineEnd !== null && !draft.found.has("unterminated-quote")) {
    at(
      "multiline-quote",
      `the quoted value runs on to line ${draft.multilineEnd}, and systemd keeps the line breaks in the value; close the quote on this line`,
    );
  }
  if (value.includes("\u{feff}")) at("bom", "the value holds an invisible byte order mark (U+FEFF); delete it");
  for (const kind of draft.found.keys()) found(kind);
  return { assignment, problems };
}

/** A line systemd drops because no `=` came (a leading `=` is read as the name's first character). */
function withoutEquals(draft: Draft): EnvFileProblem {
  if (draft.key[0] === EQUALS) return { line: draft.line, variable: null, kind: "invalid-name", message: INVALID_NAME_TEXT };
  return {
    line: draft.line,
    variable: null,
    kind: "no-equals",
    message: "no '=' on this line, so systemd ignores it; write NAME=value, or start the line with # to make it a comment",
  };
}

function bomProblem(first: Assignment | undefined): EnvFileProblem {
  const name = first?.line === 1 && first.name !== null ? first.name.slice(1) : null;
  const lost = name !== null && VALID_NAME.test(name) ? name : null;
  const effect = lost === null ? "it becomes part of the first line" : `it becomes part of the first name, so systemd ignores ${lost}`;
  return {
    line: 1,
    variable: lost,
    kind: "bom",
    message: `the file starts with a UTF-8 byte order mark (BOM), which systemd does not skip: ${effect}; save the file as UTF-8 without BOM`,
  };
}

/** Shown in a message only when it looks like a name someone meant, never arbitrary text (a secret?). */
const NAME_LIKE = /^[A-Za-z0-9_.-]{1,64}$/;
const EXPORT_PREFIX = /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)$/;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DOUBLE = 0x22;
const HASH = 0x23;
const DOLLAR = 0x24;
const SINGLE = 0x27;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const LETTER_N = 0x6e;
const LETTER_R = 0x72;

/** WHITESPACE in systemd's string-util: " \t\n\r". */
const isBlank = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;
/** NEWLINE in systemd's string-util: "\n\r". */
const isNewline = (c: number) => c === LF || c === CR;
/** After `$`, what a shell would substitute: a name, `{`, `(`, a digit or a special parameter. */
const startsExpansion = (c: number | undefined) => c !== undefined && /[A-Za-z0-9_{(@*#?!$-]/.test(String.fromCharCode(c));

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
/** Lossless for bytes systemdAcceptsUtf8() passed: systemd's UTF-8 is a subset of WHATWG's. */
const decode = (bytes: Uint8Array) => decoder.decode(bytes);

const INVALID_NAME = "systemd ignores this line: not a valid variable name (ASCII letters, digits and _, not starting with a digit)";
const INVALID_NAME_TEXT =
  "systemd ignores this line: the text before '=' is not a valid variable name (ASCII letters, digits and _, not starting with a digit)";
const COMMENT_IN_VALUE =
  "systemd keeps everything after '=' in the value, including what looks like a '# …' comment; move the comment to its own line";
const COMMENT_AFTER_QUOTE = "systemd appends the '# …' after the closing quote to the value; move the comment to its own line";
const TEXT_AFTER_QUOTE = "text after the closing quote: systemd appends it to the value; put the whole value inside one pair of quotes";
const BACKTICK_QUOTES = "systemd does not treat backticks as quotes and keeps them in the value; use single or double quotes";
const QUOTED_WHITESPACE =
  "the quoted value starts or ends with whitespace, which systemd keeps in the value; remove it if it is not part of the value";
const UNQUOTED_BACKSLASH =
  "a backslash in an unquoted value: systemd drops it and keeps the next character (other .env readers keep the backslash); put the value in single quotes";
const QUOTED_BACKSLASH =
  'inside double quotes systemd turns \\" \\\\ \\` and \\$ into the character alone (other .env readers keep the backslash); put the value in single quotes';
const QUOTED_NEWLINE_ESCAPE =
  "inside double quotes systemd keeps \\n and \\r as a backslash and a letter (other .env readers make them a line break); write the value without them";
const LINE_CONTINUATION =
  "the line ends with a backslash, which systemd reads as a line continuation (other .env readers keep the backslash); remove it and put the whole value on one line";
const EXPANSION =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the shell syntax ${NAME}; it is not a template.
  "systemd does not expand $NAME or ${NAME}: the value keeps the '$' text as written; write the value itself, or single-quote it if the '$' is meant literally";
const STRAY_CR =
  "a carriage return (CR) that is not part of a Windows line ending: systemd ends the line there and reads the rest as a new line; remove it";
const COMMENT_CONTINUATION =
  "this comment ends with a backslash: systemd before version 254 (Debian 12, Ubuntu 22.04) also ignores the next line; remove the backslash";
