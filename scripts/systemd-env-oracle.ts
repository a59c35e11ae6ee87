// Checks src/config/systemd-env.ts against the real systemd: compiles a tiny C program against the
// installed libsystemd-shared (the private library systemd's own tools link to), which calls the two
// functions exec_context_load_environment() calls for EnvironmentFile= (load_env_file(), then
// strv_env_clean_with_callback()), and compares its result with parseEnvFile() on every case in
// test/config/systemd-env-cases.ts and on random files. Needs systemd's library and a C compiler, so it
// is a development tool, not part of `bun test`.
//
//   bun scripts/systemd-env-oracle.ts [random-files=20000] [seed=1]
//
// Exits 1 on any difference. Only what systemd's version decides is excused: before v254 a comment
// ending in a backslash also swallowed the next line. parseEnvFile reads like v254+ and reports such a
// comment, so against an older library a case is compared with its `vars252`, and a random file with
// that problem is skipped.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvFile } from "../src/config/systemd-env.ts";
import { ENV_FILE_CASES } from "../test/config/systemd-env-cases.ts";

const C_SOURCE = String.raw`
#include <stdio.h>
/* Exported by libsystemd-shared-<version>.so (src/basic/env-file.c, src/basic/env-util.c). */
int load_env_file(FILE *f, const char *fname, char ***ret);
char **strv_env_clean_with_callback(char **e, void (*cb)(const char *p, void *u), void *u);

static void put_json_string(const char *s) {
  putchar('"');
  for (const unsigned char *c = (const unsigned char *) s; *c; c++) {
    if (*c == '\\' || *c == '"') printf("\\%c", *c);
    else if (*c < 0x20 || *c == 0x7f) printf("\\u%04x", *c);
    else putchar(*c); /* systemd has already refused anything that is not valid UTF-8 */
  }
  putchar('"');
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    char **l = NULL;
    int r = load_env_file(NULL, argv[i], &l);
    if (r < 0) { printf("{\"error\":%d}\n", r); continue; }
    l = strv_env_clean_with_callback(l, NULL, NULL);
    printf("{\"env\":[");
    for (char **p = l; p && *p; p++) { if (p != l) putchar(','); put_json_string(*p); }
    printf("]}\n");
  }
  return 0;
}
`;

const LIBRARY_DIRS = [
  "/usr/lib/x86_64-linux-gnu/systemd",
  "/usr/lib/aarch64-linux-gnu/systemd",
  "/usr/lib/systemd",
  "/usr/lib64/systemd",
  "/lib/systemd",
];

/** The service's environment from one file; null when systemd refuses the file. */
type Vars = Readonly<Record<string, string>> | null;

function findLibrary(): { dir: string; file: string } | null {
  for (const dir of LIBRARY_DIRS) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const file = names.find((n) => /^libsystemd-shared-\d+.*\.so$/.test(n));
    if (file) return { dir, file };
  }
  return null;
}

function runOracle(binary: string, work: string, contents: readonly (string | Uint8Array)[]): Vars[] {
  const paths = contents.map((content, i) => {
    const path = join(work, `case-${i}.env`);
    writeFileSync(path, content);
    return path;
  });
  const out = spawnSync(binary, paths, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`oracle failed: ${out.stderr}`);
  return out.stdout
    .trimEnd()
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line) as { error?: number; env?: string[] };
      if (parsed.env === undefined) return null;
      return Object.fromEntries(parsed.env.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
    });
}

function show(vars: Vars): string {
  return vars === null ? "refused" : JSON.stringify(Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function mine(content: string | Uint8Array): { vars: Vars; versionDependent: boolean } {
  const reading = parseEnvFile(content, "case.env");
  return { vars: reading.refused ? null : reading.vars, versionDependent: reading.problems.some((p) => p.kind === "comment-continuation") };
}

/** Small random files over the characters the parser treats specially. */
function randomFiles(count: number, seed: number): Uint8Array[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const pieces: (string | number[])[] = [
    "A",
    "B",
    "_x",
    "1",
    "=",
    "==",
    " ",
    "\t",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "#",
    ";",
    "\\",
    '"',
    "'",
    "`",
    "$",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax the fuzzer feeds systemd, not a template.
    "${A}",
    "export ",
    "é",
    [0xef, 0xbb, 0xbf],
    [0xff],
    [0xef, 0xb7, 0x90],
    [0],
    "A=",
    "B=",
    "\nA=",
    "\nB=",
  ];
  const files: Uint8Array[] = [];
  for (let f = 0; f < count; f++) {
    const bytes: number[] = [];
    const length = Math.floor(next() * 24);
    for (let k = 0; k < length; k++) {
      const piece = pieces[Math.floor(next() * pieces.length)] ?? "";
      bytes.push(...(typeof piece === "string" ? new TextEncoder().encode(piece) : piece));
    }
    files.push(Uint8Array.from(bytes));
  }
  return files;
}

function main(): number {
  const library = findLibrary();
  if (!library) {
    console.log(`no libsystemd-shared-*.so in ${LIBRARY_DIRS.join(", ")}: nothing to compare against`);
    return 1;
  }
  const work = mkdtempSync(join(tmpdir(), "systemd-env-oracle-"));
  try {
    writeFileSync(join(work, "oracle.c"), C_SOURCE);
    const binary = join(work, "oracle");
    const cc = spawnSync(
      "cc",
      ["-O1", "-o", binary, join(work, "oracle.c"), `-L${library.dir}`, `-l:${library.file}`, `-Wl,-rpath,${library.dir}`],
      { encoding: "utf8" },
    );
    if (cc.status !== 0) {
      console.log(`cannot compile the oracle against ${library.file}: ${cc.stderr || cc.error}`);
      return 1;
    }
    const version = Number(/^libsystemd-shared-(\d+)/.exec(library.file)?.[1]);
    const before254 = version < 254;
    console.log(`oracle: ${join(library.dir, library.file)} (systemd ${version})`);
    let failures = 0;

    const expected = runOracle(
      binary,
      work,
      ENV_FILE_CASES.map((c) => c.content),
    );
    ENV_FILE_CASES.forEach((c, i) => {
      const real = expected[i] ?? null;
      const ours = mine(c.content);
      // parseEnvFile follows v254+ (c.vars); c.vars252 is what older versions do where they differ.
      const stated = before254 ? (c.vars252 ?? c.vars) : c.vars;
      if (show(real) !== show(stated)) {
        failures++;
        console.log(`case "${c.name}": the case says ${show(stated)}, systemd says ${show(real)}`);
      }
      const ourTarget = before254 && c.vars252 !== undefined ? c.vars : real;
      if (!(before254 && ours.versionDependent && c.vars252 === undefined) && show(ours.vars) !== show(ourTarget)) {
        failures++;
        console.log(`case "${c.name}": parseEnvFile says ${show(ours.vars)}, expected ${show(ourTarget)}`);
      }
    });
    console.log(`${ENV_FILE_CASES.length} cases compared`);

    const count = Number(process.argv[2] ?? 20000);
    const seed = Number(process.argv[3] ?? 1);
    const files = randomFiles(count, seed);
    let compared = 0;
    for (let start = 0; start < files.length; start += 2000) {
      const batch = files.slice(start, start + 2000);
      const real = runOracle(binary, work, batch);
      batch.forEach((content, i) => {
        const ours = mine(content);
        if (before254 && ours.versionDependent) return;
        compared++;
        const theirs = real[i] ?? null;
        if (show(ours.vars) !== show(theirs)) {
          failures++;
          if (failures <= 20)
            console.log(
              `random file ${JSON.stringify(Buffer.from(content).toString("latin1"))}: parseEnvFile says ${show(ours.vars)}, systemd says ${show(theirs)}`,
            );
        }
      });
    }
    console.log(
      `${compared} random files compared${compared < count ? ` (${count - compared} skipped: a comment ending in a backslash reads differently before v254)` : ""}`,
    );
    console.log(failures === 0 ? "no differences" : `${failures} differences`);
    return failures === 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exit(main());
