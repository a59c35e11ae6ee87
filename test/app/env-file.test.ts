// The env file through the compiled binary: pfbot reads it exactly as systemd's EnvironmentFile= does, and
// refuses every line a shell or a dotenv reader would read differently. --check lists them (file, line,
// variable, never the value) and exits 1; every other mode refuses to start with the same lines (exit 2).
// The cases: quotes, `#` inside and after values, trailing spaces, CRLF line endings, a BOM, `export`,
// line continuations, empty values and duplicate keys.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { type RunResult, runPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "123456789:AAenvfileTOKENabcdefghijklmnopqrst";
/** Values the file holds that no output may show, whole or in part. */
const FILE_VALUES = ["Correct-Horse-7", "from OKX", "tbank-file-secret", "bybit-file-secret", "bybit-file-", "ibkr-line-two"];

// Line by line: what systemd does differs from what a shell or a dotenv reader does.
const TROUBLED = [
  "\u{feff}TIMEZONE=Europe/Paris", // 1: a BOM, so systemd reads the name "\u{feff}TIMEZONE" and drops it
  "OKX_API_PASSPHRASE=Correct-Horse-7   # from OKX", // 2: the comment stays in systemd's value
  "export TBANK_API_TOKEN=tbank-file-secret", // 3: systemd ignores the line
  'BYBIT_API_SECRET="bybit-file-secret" # note', // 4: systemd glues "# note" to the value
  "BYBIT_API_KEY=bybit-file-\\", // 5: a line continuation…
  "ibkr-line-two", // 6: …that swallows this line
  "LOG_LEVEL=info", // 7
  "LOG_LEVEL=warn", // 8: a duplicate: systemd keeps the last one
  'FX_TTL_MINUTES=" 60 "', // 9: systemd keeps the blanks inside quotes
  "POLL_INTERVAL_MINUTES=60\rWINDOW_START_HOUR=9", // 10: a lone CR ends systemd's line
  "",
].join("\n");

const EXPECTED = [
  ":1: TIMEZONE: the file starts with a UTF-8 byte order mark (BOM), which systemd does not skip",
  ":2: OKX_API_PASSPHRASE: systemd keeps everything after '=' in the value, including what looks like a '# …' comment",
  ":3: TBANK_API_TOKEN: systemd ignores a line that starts with 'export'",
  ":4: BYBIT_API_SECRET: systemd appends the '# …' after the closing quote to the value",
  ":5: BYBIT_API_KEY: the line ends with a backslash, which systemd reads as a line continuation",
  ":8: LOG_LEVEL: already set on line 7; systemd uses the last one (line 8)",
  ":9: FX_TTL_MINUTES: the quoted value starts or ends with whitespace",
  ":10: a carriage return (CR) that is not part of a Windows line ending",
];

const dir = tempDir("envfile");
const troubled = join(dir, "troubled.env");
writeFileSync(troubled, TROUBLED);
chmodSync(troubled, 0o600);
// The bot reads ./.env from its working directory; the last run has none at all.
const botDir = tempDir("envfile-bot");
writeFileSync(join(botDir, ".env"), TROUBLED);
const emptyDir = tempDir("envfile-none");

let fakes: AllFakes;
let runs: Record<"check" | "dryRun" | "bot" | "history" | "clean" | "noEnv", Promise<RunResult>>;

beforeAll(async () => {
  fakes = await startAllFakes();
  // The clean file's OKX credentials hold a `#` and a `$`; the fake OKX checks them (the HMAC and the passphrase).
  fakes.okx.state.apiSecret = "okx#secret#7D3E1F0A";
  fakes.okx.state.passphrase = "Correct Horse #7 $pecial";
  const clean = join(dir, "clean.env");
  writeFileSync(
    clean,
    [
      "# Written on Windows: CRLF line endings",
      `OKX_API_KEY=${fakes.okx.state.apiKey}   `, // trailing blanks: systemd drops them, as a shell does
      "OKX_API_SECRET=okx#secret#7D3E1F0A", // a # inside a word is part of the value
      "OKX_API_PASSPHRASE='Correct Horse #7 $pecial'", // single quotes: taken literally
      'TIMEZONE="Asia/Tokyo"',
      "BYBIT_API_KEY=", // empty: unset, so Bybit stays off
      "BYBIT_API_SECRET=",
      "",
    ].join("\r\n"),
  );
  chmodSync(clean, 0o600);
  // Only the process environment's base URLs point at the fakes; the troubled runs get every platform's keys
  // from it (it wins over the file), so that the file's lines are the only problem.
  const urls = Object.fromEntries(Object.entries(fakes.env).filter(([name]) => name.endsWith("_BASE_URL")));
  const { IBKR_FLEX_TOKEN: _t, IBKR_QUERY_ID: _q, ...platforms } = fakes.env;
  const data = () => ({ DATA_DIR: tempDir("envfile-data") });
  const telegram = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: "4242", TELEGRAM_API_ROOT: "http://127.0.0.1:9" };
  runs = {
    check: runPfbot(["--check", "--env-file", troubled], { ...platforms, ...data() }),
    dryRun: runPfbot(["--dry-run", "--env-file", troubled], { ...platforms, ...data() }),
    bot: runPfbot([], { ...platforms, ...telegram, ...data() }, { cwd: botDir }),
    history: runPfbot(["--history", "--env-file", troubled], data()),
    clean: runPfbot(["--json", "--env-file", clean], { ...urls, ...data() }),
    noEnv: runPfbot(["--dry-run"], data(), { cwd: emptyDir }),
  };
});
afterAll(async () => {
  await Promise.all(Object.values(runs));
  await fakes.stop();
});

function expectEveryProblem(output: string, file: string): void {
  for (const line of EXPECTED) expect(output).toContain(`${file}${line}`);
  for (const value of FILE_VALUES) expect(output).not.toContain(value);
}

describe("a file systemd reads differently", () => {
  test("--check names the file, the line and the variable of each, never the value, and exits 1", async () => {
    const { code, stdout, stderr } = await runs.check;
    expect(code).toBe(1);
    expectEveryProblem(stdout, troubled);
    expect(stdout).toContain("pfbot reads the env file exactly as systemd's EnvironmentFile= does");
    for (const line of EXPECTED) expect(stdout).toContain(`[FAIL] ${troubled}${line}`);
    // The rest of the check still ran, on systemd's reading of the file.
    expect(stdout).toContain("[ok  ] Bybit: reachable, credentials accepted");
    expect(stderr).not.toContain("Correct-Horse");
  });

  test("--dry-run refuses to start with the same lines (exit 2), before asking any platform", async () => {
    const { code, stdout, stderr } = await runs.dryRun;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toStartWith("pfbot: configuration problems:\n");
    expectEveryProblem(stderr, troubled);
    expect(stderr).toContain("pfbot reads the env file exactly as systemd's EnvironmentFile= does");
  });

  test("the bot refuses to start on ./.env with the same lines (exit 2)", async () => {
    const { code, stderr } = await runs.bot;
    expect(code).toBe(2);
    expectEveryProblem(stderr, join(botDir, ".env"));
  });

  test("so do the history modes", async () => {
    const { code, stderr } = await runs.history;
    expect(code).toBe(2);
    expectEveryProblem(stderr, troubled);
  });
});

test("a file both readers agree on is read as systemd reads it: CRLF, trailing blanks, # and $ in values, quotes, empty values", async () => {
  const { code, stdout, stderr } = await runs.clean;
  expect(stderr).not.toContain("configuration problems");
  expect(code).toBe(0);
  const json = JSON.parse(stdout) as { timezone: string; platforms: { id: string; ok: boolean }[] };
  // OKX answered: its key, its secret with '#' and its passphrase with ' #' and '$' arrived exactly.
  expect(json.platforms.map((p) => [p.id, p.ok])).toEqual([["okx", true]]);
  expect(json.timezone).toBe("Asia/Tokyo");
});

test("with no .env, a configuration error says which path was looked for", async () => {
  const { code, stderr } = await runs.noEnv;
  expect(code).toBe(2);
  expect(stderr).toContain("no platform is configured");
  expect(stderr).toContain(`no env file was read (there is no ${join(emptyDir, ".env")}; --env-file PATH names another)`);
});
