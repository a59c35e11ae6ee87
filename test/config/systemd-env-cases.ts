// Env files and what systemd's EnvironmentFile= makes of them. Every `vars` below is what
// libsystemd-shared 252 (Debian 12) returned for the same bytes through load_env_file() and
// strv_env_clean_with_callback(), the two calls exec_context_load_environment() makes; run
// `bun scripts/systemd-env-oracle.ts` on a machine with systemd to check them again.
// Used by test/config/systemd-env.test.ts and by that script.

export interface EnvFileCase {
  readonly name: string;
  readonly content: string | Uint8Array;
  /** The service's environment from this file; null when systemd refuses the file (the unit fails). */
  readonly vars: Readonly<Record<string, string>> | null;
  /** Where systemd 252 differs from 254+ (the reading this module follows). */
  readonly vars252?: Readonly<Record<string, string>>;
  /** Each expected problem as "LINE kind" or "LINE kind VARIABLE", in line order. */
  readonly problems: readonly string[];
}

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

export const ENV_FILE_CASES: readonly EnvFileCase[] = [
  { name: "plain assignments", content: "A=1\nB=two words\n", vars: { A: "1", B: "two words" }, problems: [] },
  {
    name: "a comment after an unquoted value stays in the value",
    content: "OKX_API_PASSPHRASE=Correct-Horse-7   # from OKX\n",
    vars: { OKX_API_PASSPHRASE: "Correct-Horse-7   # from OKX" },
    problems: ["1 comment-in-value OKX_API_PASSPHRASE"],
  },
  { name: "a # inside a word is part of the value", content: "A=abc#def\n", vars: { A: "abc#def" }, problems: [] },
  {
    name: "a # inside quotes is part of the value",
    content: "A=\"abc # def\"\nB='x #y'\n",
    vars: { A: "abc # def", B: "x #y" },
    problems: [],
  },
  {
    name: "a value that starts with #",
    content: "A= # nothing\nB=#x\n",
    vars: { A: "# nothing", B: "#x" },
    problems: ["1 comment-in-value A", "2 comment-in-value B"],
  },
  {
    name: "a comment after a quoted value is glued to it",
    content: 'A="abc" # note\n',
    vars: { A: "abc# note" },
    problems: ["1 comment-in-value A"],
  },
  {
    name: "double and single quotes",
    content: 'A="two words"\nB=\'it is\'\nC="it\'s"\nD=\'say "hi"\'\n',
    vars: { A: "two words", B: "it is", C: "it's", D: 'say "hi"' },
    problems: [],
  },
  { name: "quotes inside an unquoted value are kept", content: 'A=it\'s\nB=a"b"\n', vars: { A: "it's", B: 'a"b"' }, problems: [] },
  {
    name: "whitespace inside quotes is kept",
    content: "A=\" padded \"\nB='\tx'\n",
    vars: { A: " padded ", B: "\tx" },
    problems: ["1 quoted-whitespace A", "2 quoted-whitespace B"],
  },
  {
    name: "text after the closing quote is appended",
    content: "A=\"x\"y\nB='It\\'s'\nC=\"a\"'b'\n",
    vars: { A: "xy", B: "It\\s'", C: "ab" },
    problems: ["1 text-after-quote A", "2 text-after-quote B", "3 text-after-quote C"],
  },
  {
    name: "leading and trailing spaces and tabs around names and unquoted values are dropped",
    content: 'A=abc   \nB=x \t \n  C  =  c d  \nD="q"   \n',
    vars: { A: "abc", B: "x", C: "c d", D: "q" },
    problems: [],
  },
  {
    name: "an escaped trailing space is kept",
    content: "A=a \\ \nB=a\\  \n",
    vars: { A: "a  ", B: "a " },
    problems: ["1 escape A", "2 escape B"],
  },
  {
    name: "CRLF line endings",
    content: "A=1\r\nB=\"two words\"\r\nC='x'\r\n# comment\r\nD=\r\nE=e  \r\n",
    vars: { A: "1", B: "two words", C: "x", D: "", E: "e" },
    problems: [],
  },
  {
    name: "CRLF with a comment after the value",
    content: "A=1 # c\r\nB=2\r\n",
    vars: { A: "1 # c", B: "2" },
    problems: ["1 comment-in-value A"],
  },
  {
    name: "CRLF breaks a line continuation",
    content: "A=foo\\\r\nbar\r\nB=2\r\n",
    vars: { A: "foo", B: "2" },
    problems: ["1 line-continuation A", "2 no-equals"],
  },
  {
    name: "CRLF inside a multi-line quoted value keeps the CR",
    content: 'A="x\r\ny"\r\n',
    vars: { A: "x\r\ny" },
    problems: ["1 multiline-quote A"],
  },
  { name: "a lone CR ends the line", content: "A=x\ry\nB=2\n", vars: { A: "x", B: "2" }, problems: ["1 stray-cr", "1 no-equals"] },
  { name: "a byte order mark hides the first variable", content: "\u{feff}A=1\nB=2\n", vars: { B: "2" }, problems: ["1 bom A"] },
  { name: "a byte order mark before a comment", content: "\u{feff}# settings\nB=2\n", vars: { B: "2" }, problems: ["1 bom"] },
  { name: "a byte order mark inside a value is kept", content: "A=x\u{feff}y\n", vars: { A: "x\u{feff}y" }, problems: ["1 bom A"] },
  { name: "export lines are ignored", content: "export A=1\nexport\tB=2\nC=3\n", vars: { C: "3" }, problems: ["1 export A", "2 export B"] },
  {
    name: "a line continuation joins the next line",
    content: "A=foo\\\nbar\nB=2\n",
    vars: { A: "foobar", B: "2" },
    problems: ["1 line-continuation A"],
  },
  {
    name: "a line continuation inside double quotes",
    content: 'A="foo\\\nbar"\n',
    vars: { A: "foobar" },
    problems: ["1 line-continuation A"],
  },
  { name: "a backslash at the end of the file", content: "A=b\\", vars: { A: "b" }, problems: ["1 line-continuation A"] },
  {
    name: "empty values",
    content: "A=\nB=\"\"\nC=''\nD=   \nE=",
    vars: { A: "", B: "", C: "", D: "", E: "" },
    problems: [],
  },
  {
    name: "a duplicate key: the last one wins",
    content: "A=1\nB=2\nA=3\nA=4\n",
    vars: { A: "4", B: "2" },
    problems: ["3 duplicate A", "4 duplicate A"],
  },
  { name: "backslashes in an unquoted value", content: "A=a\\b\\\\c\\ d\n", vars: { A: "ab\\c d" }, problems: ["1 escape A"] },
  {
    name: "escapes inside double quotes",
    content: 'A="q\\"q \\\\ \\` \\$ \\n \\x"\nB="tab\\there"\n',
    vars: { A: 'q"q \\ ` $ \\n \\x', B: "tab\\there" },
    problems: ["1 escape A"],
  },
  { name: "\\n inside double quotes stays two characters", content: 'A="one\\ntwo"\n', vars: { A: "one\\ntwo" }, problems: ["1 escape A"] },
  { name: "single quotes keep backslashes", content: "A='a\\b\\\"c\\n'\n", vars: { A: 'a\\b\\"c\\n' }, problems: [] },
  {
    name: "a multi-line double-quoted value",
    content: 'A="line one\nline two"\nB=2\n',
    vars: { A: "line one\nline two", B: "2" },
    problems: ["1 multiline-quote A"],
  },
  { name: "a multi-line single-quoted value", content: "A='one\n  two'\n", vars: { A: "one\n  two" }, problems: ["1 multiline-quote A"] },
  {
    name: "an unclosed quote swallows the rest of the file",
    content: 'A="open\nB=2\n',
    vars: { A: "open\nB=2\n" },
    problems: ["1 unterminated-quote A"],
  },
  {
    name: "an unclosed quote on an ignored line still swallows the rest",
    content: 'MY-KEY="open\nB=2\n',
    vars: {},
    problems: ["1 invalid-name MY-KEY", "1 unterminated-quote MY-KEY"],
  },
  { name: "an export line with a comment", content: "export A=1 # c\n", vars: {}, problems: ["1 export A", "1 comment-in-value A"] },
  { name: "a line without =", content: "JUSTTEXT\nA=1\nB\n", vars: { A: "1" }, problems: ["1 no-equals", "3 no-equals"] },
  {
    name: "invalid names are ignored",
    content: "MY-KEY=1\n1A=2\nmy.key=3\nA B=4\n=5\n==6\nok_1=7\n",
    vars: { ok_1: "7" },
    problems: ["1 invalid-name MY-KEY", "2 invalid-name 1A", "3 invalid-name my.key", "4 invalid-name", "5 invalid-name", "6 invalid-name"],
  },
  {
    name: "no variable expansion",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${B} is the shell syntax under test, not a template.
    content: 'A=$HOME/x\nB="${B}"\nC=\'$C\'\nD=price$\nE="\\$HOME"\n',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the value systemd keeps literally.
    vars: { A: "$HOME/x", B: "${B}", C: "$C", D: "price$", E: "$HOME" },
    problems: ["1 expansion A", "2 expansion B", "5 escape E"],
  },
  { name: "backticks are not quotes", content: "A=`x y`\n", vars: { A: "`x y`" }, problems: ["1 backtick A"] },
  { name: "comments with # and ;", content: "# one\n  ; two\n\t# three\nA=1\n", vars: { A: "1" }, problems: [] },
  {
    name: "a comment ending in a backslash",
    content: "# note \\\nA=1\nB=2\n",
    vars: { A: "1", B: "2" },
    vars252: { B: "2" },
    problems: ["1 comment-continuation"],
  },
  { name: "a comment ending in a backslash before CRLF", content: "# note \\\r\nA=1\r\n", vars: { A: "1" }, problems: [] },
  { name: "the last line without a newline", content: "A=1\nB=2", vars: { A: "1", B: "2" }, problems: [] },
  { name: "a variable named __proto__", content: "__proto__=x\n", vars: { ["__proto__"]: "x" }, problems: [] },
  { name: "non-ASCII UTF-8 values", content: "A=пароль ✓ 🙂\n", vars: { A: "пароль ✓ 🙂" }, problems: [] },
  { name: "a NUL byte refuses the file", content: bytes("A=1\nB=x", [0], "y\n"), vars: null, problems: ["2 nul-byte"] },
  { name: "invalid UTF-8 refuses the file", content: bytes("A=1\nB=", [0xff], "\n"), vars: null, problems: ["2 invalid-utf8 B"] },
  { name: "a noncharacter refuses the file", content: "A=\u{fdd0}\n", vars: null, problems: ["1 invalid-utf8 A"] },
  {
    name: "a noncharacter at the end of a plane refuses the file",
    content: "A=\u{fffe}\nB=\u{1ffff}\n",
    vars: null,
    problems: ["1 invalid-utf8 A", "2 invalid-utf8 B"],
  },
  {
    name: "an encoded surrogate refuses the file",
    content: bytes("A=", [0xed, 0xa0, 0x80], "\n"),
    vars: null,
    problems: ["1 invalid-utf8 A"],
  },
  { name: "a truncated sequence refuses the file", content: bytes("A=", [0xe2, 0x82], "\n"), vars: null, problems: ["1 invalid-utf8 A"] },
  {
    name: "a code point above U+10FFFF refuses the file",
    content: bytes("A=", [0xf4, 0x90, 0x80, 0x80], "\n"),
    vars: null,
    problems: ["1 invalid-utf8 A"],
  },
  { name: "the highest allowed code point", content: "A=\u{10fffd}\n", vars: { A: "\u{10fffd}" }, problems: [] },
  {
    name: "U+FFFD and control characters are accepted",
    content: "A=\u{fffd}\u{1}\u{7f}\n",
    vars: { A: "\u{fffd}\u{1}\u{7f}" },
    problems: [],
  },
  { name: "an overlong encoding refuses the file", content: bytes("A=", [0xc0, 0xaf], "\n"), vars: null, problems: ["1 invalid-utf8 A"] },
  { name: "invalid UTF-8 in a name refuses the file", content: bytes("A", [0xe9], "=1\n"), vars: null, problems: ["1 invalid-utf8"] },
  { name: "invalid UTF-8 in a comment is harmless", content: bytes("# caf", [0xe9], "\nA=1\n"), vars: { A: "1" }, problems: [] },
];
