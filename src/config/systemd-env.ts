/**
 * Reads an env file exactly as systemd's `EnvironmentFile=` does, and lists every line where that
 * reading would surprise someone who wrote the file for a shell or a dotenv-style reader (a comment
 * after a value, `export`, quotes, escapes, `$VAR`, duplicates, a BOM, CR…). Pure: bytes in, variables
 * and problems out. A problem's message never holds any part of a value.
 *
 * The path a service's env file takes in systemd (systemd/systemd, read for this port):
 * - src/core/execute.c @ b93d4b602506bc4eb8aa356d847c330ff2b6520d, `exec_context_load_environment()`:
 *   `load_env_file()`, then `strv_env_clean_with_callback()`, which drops (and logs) every
 *   assignment that `env_assignment_is_valid()` refuses: a name that is not `env_name_is_valid()`.
 *   When the load fails, the unit fails to start (or, with a `-` prefix, the whole file is skipped).
 * - src/basic/env-file.c @ 0002453b101dc85db2be76703a85297a59c646a9: `load_env_file()` reads the file
 *   (src/basic/fileio.c `read_full_stream_full()`: a NUL byte anywhere fails the load with EBADMSG;
 *   no byte order mark is skipped anywhere), runs `parse_env_file_internal()` (systemd-env-scan.ts),
 *   and `load_env_file_push()` fails the load on a name or value that is not valid UTF-8
 *   (`check_utf8ness_and_warn()`, systemd-utf8.ts), else sets it with `strv_env_replace_consume()`:
 *   a later assignment of the same name replaces the earlier one.
 * - src/basic/env-util.c @ e86708b83e3050ac0d7433d28dbc28714f692cef: `env_name_is_valid()`.
 * - man/systemd.exec.xml @ 004e3ed11aea1bd8644711055a97abf072a509cb, "EnvironmentFile=".
 * Checked against the real thing: scripts/systemd-env-oracle.ts runs systemd's own load_env_file() and
 * strv_env_clean_with_callback() (libsystemd-shared 252, Debian 12) on every case in
 * test/config/systemd-env-cases.ts and on 200,000 random files: the same environment every time, except
 * where v252 and v254+ differ (a comment ending in `\`), which this module reads like v254+ and reports.
 * Not modelled: the ARG_MAX (about 2 MB) limits on one name or value.
 * @module
 */
import { type Assignment, type EnvFileProblem, scanEnvFile, VALID_NAME } from "./systemd-env-scan.ts";

export interface EnvFileReading {
  readonly file: string;
  /** Exactly what systemd puts in the service's environment from this file; {} when it refuses the file. */
  readonly vars: Readonly<Record<string, string>>;
  /** systemd refuses the whole file (NUL byte, invalid UTF-8): the service does not start. */
  readonly refused: boolean;
  /** Sorted by line. Empty when systemd, a shell and a dotenv reader agree on every line. */
  readonly problems: readonly EnvFileProblem[];
}

/**
 * Reads `content` as systemd's EnvironmentFile= would. Pass the file's raw bytes: a string has already
 * lost any invalid UTF-8 (which makes systemd refuse the file) to U+FFFD. `file` names it in messages.
 */
export function parseEnvFile(content: string | Uint8Array, file: string): EnvFileReading {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const scan = scanEnvFile(bytes);
  const problems = [...scan.problems];
  const nulLines = linesWithNul(bytes);
  for (const line of nulLines) {
    problems.push({
      line,
      variable: null,
      kind: "nul-byte",
      message:
        "this line holds a NUL byte: systemd refuses to read the whole file and the service does not start; remove it (the file must be plain UTF-8 text)",
    });
  }
  const badText = scan.assignments.filter((a) => !a.utf8Valid);
  for (const { line, name } of badText) {
    const variable = name !== null && VALID_NAME.test(name) ? name : null;
    problems.push({
      line,
      variable,
      kind: "invalid-utf8",
      message:
        "the name or value is not valid UTF-8 (or holds a Unicode noncharacter): systemd refuses to read the whole file and the service does not start; save the file as UTF-8",
    });
  }
  const { vars, duplicates } = environment(scan.assignments);
  problems.push(...duplicates);
  problems.sort((a, b) => a.line - b.line);
  const refused = nulLines.length > 0 || badText.length > 0;
  return { file, vars: refused ? Object.create(null) : vars, refused, problems };
}

/** One line per problem: `FILE:LINE: VARIABLE: message`, or `FILE:LINE: message` when no variable is named. */
export function formatEnvFileProblems(reading: Pick<EnvFileReading, "file" | "problems">): string[] {
  return reading.problems.map((p) => `${reading.file}:${p.line}: ${p.variable === null ? "" : `${p.variable}: `}${p.message}`);
}

/** The last assignment of each valid name wins; every earlier one is a duplicate to report. */
function environment(assignments: readonly Assignment[]): { vars: Record<string, string>; duplicates: EnvFileProblem[] } {
  // Null prototype: a variable named __proto__ stays an ordinary key.
  const vars: Record<string, string> = Object.create(null);
  const lines = new Map<string, number[]>();
  for (const { line, name, value, utf8Valid } of assignments) {
    if (!utf8Valid || name === null || !VALID_NAME.test(name)) continue;
    vars[name] = value;
    lines.set(name, [...(lines.get(name) ?? []), line]);
  }
  const duplicates: EnvFileProblem[] = [];
  for (const [name, [first, ...later]] of lines) {
    const last = later[later.length - 1];
    for (const line of later) {
      duplicates.push({
        line,
        variable: name,
        kind: "duplicate",
        message: `already set on line ${first}; systemd uses the last one (line ${last}): keep only one`,
      });
    }
  }
  return { vars, duplicates };
}

function linesWithNul(bytes: Uint8Array): number[] {
  const lines: number[] = [];
  let line = 1;
  for (const b of bytes) {
    if (b === 0 && lines[lines.length - 1] !== line) lines.push(line);
    if (b === 0x0a) line++;
  }
  return lines;
}
