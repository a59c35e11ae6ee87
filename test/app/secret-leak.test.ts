// The secret-leak test (issue #12): the compiled binary, run in every mode against fakes whose errors quote
// the credentials they received, emits no secret: not the value, not its JSON-, HTML- or URL-escaped form, and
// no 6-character piece of any of those (a clipped secret leaves a prefix), on stdout, stderr, in Telegram
// messages, in --json or in any file of DATA_DIR.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { dec } from "../../src/lib/money.ts";
import { createIbkrState } from "../../src/platforms/ibkr/state.ts";
import { signKucoinPassphrase } from "../../src/platforms/kucoin/client.ts";
import { type AllFakes, FAKE_IBKR_QUERY, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type PfbotProcess, spawnPfbot } from "../support/binary.ts";
import { tempDir } from "../support/temp-dir.ts";

const TELEGRAM_TOKEN = "7315550142:AAtgTOKq7Zx9w8e7r6t5y4u3i2o1pLk";
const CHAT_ID = 31337;

/**
 * Every secret holds ", \, <, &, %, +, a space and a non-ASCII letter. Those sent in a header keep to Latin-1
 * (fetch refuses other header bytes); the Telegram token and the webhook secret have the shapes config.ts allows.
 */
const SECRETS = {
  BYBIT_API_KEY: 'BYBkQz7"wL\\9<Rt&%2F+Mn pXü3vKd8sYh2JqWe5',
  BYBIT_API_SECRET: 'BYBsWc4&Pn"Hy\\7<Ga%41+Tr ключ9Fm2Zx6LqAs3',
  OKX_API_KEY: 'OKXkVb5<Jd&8"Ne\\%3C+Rw Yé1Hs7Tm4Qp9UcDf2',
  OKX_API_SECRET: 'OKXsDf6"Kg\\2<Lh&%20+Mj Nk秘密8Pl3Qm5RnTb7',
  OKX_API_PASSPHRASE: 'OKXpQw3 Pass"ph\\rase<&%+ßGz8Wq4Xv6Yb2Kj',
  TBANK_API_TOKEN: 't.TBKtAb3"Cd\\5<Ef&%7+Gh Ijñ9Kl1Mn2Op4Qr6St8Uv0Wx3Yz5Ab7Cd9Ef1Gh3Ij5Kl7Mn9Op',
  IBKR_FLEX_TOKEN: 'IBKt48"15\\16<23&42%+08 ёVc2Bn4Mz6Lp8Rq',
  BINANCE_API_KEY: 'BNCk7"Qw\\3<Zx&%5B+Ty Uö8Ip2Ls4Dg6Hj9Kl',
  BINANCE_API_SECRET: 'BNCs2&Vb"Nm\\4<Qa%2B+Ws Eключ5Rd7Tf9Gy1Hu',
  KUCOIN_API_KEY: 'KUCk5<Er&7"Ty\\%3D+Ui Oä1Pa3Sd5Fg7Hj9Kz',
  KUCOIN_API_SECRET: 'KUCs8"Xc\\6<Vb&%4E+Nm Qw秘密2Er4Ty6Ui8Op',
  KUCOIN_API_PASSPHRASE: 'KUCp Pass"ph\\rase<&%+ßLk3Jh5Gf7Ds9Aq',
  TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
  WEBHOOK_SECRET: "WHk7Zq9-Xw8_Cv7-Bn6Tg",
} as const;

/** Sent instead of a secret, and as secret: KuCoin's KC-API-PASSPHRASE is the passphrase HMAC-signed with the secret. */
const DERIVED = { "KC-API-PASSPHRASE": signKucoinPassphrase(SECRETS.KUCOIN_API_SECRET, SECRETS.KUCOIN_API_PASSPHRASE) } as const;

const BYBIT_PRIVATE_PATHS = [
  "/v5/asset/asset-overview",
  "/v5/account/wallet-balance",
  "/v5/asset/transfer/query-account-coins-balance",
  "/v5/user/query-api",
];

type Run = { code: number; stdout: string; emitted: Emitted[] };

// The fakes, and every pfbot process, start in beforeAll, all at once (a start is most of a run's cost).
let fakes: AllFakes;
let telegram: TelegramFake;
let botTelegram: TelegramFake;
const binDir = tempDir("leak-cwd");
let oneShot: { dirs: string[]; runs: Promise<[Run, Run, Run, Run]> };
let bot: { dir: string; child: PfbotProcess };

beforeAll(async () => {
  [fakes, telegram, botTelegram] = await Promise.all([
    startAllFakes(),
    startTelegramFake({ token: TELEGRAM_TOKEN, chatId: CHAT_ID }),
    startTelegramFake({ token: TELEGRAM_TOKEN, chatId: CHAT_ID }),
  ]);
  fakes.bybit.state.key.apiKey = SECRETS.BYBIT_API_KEY;
  fakes.bybit.state.key.apiSecret = SECRETS.BYBIT_API_SECRET;
  fakes.okx.state.apiKey = SECRETS.OKX_API_KEY;
  fakes.okx.state.apiSecret = SECRETS.OKX_API_SECRET;
  fakes.okx.state.passphrase = SECRETS.OKX_API_PASSPHRASE;
  fakes.tbank.state.token = SECRETS.TBANK_API_TOKEN;
  fakes.ibkr.state.token = SECRETS.IBKR_FLEX_TOKEN;
  fakes.ibkr.state.enforceRateLimit = false;
  fakes.binance.state.key.apiKey = SECRETS.BINANCE_API_KEY;
  fakes.binance.state.key.apiSecret = SECRETS.BINANCE_API_SECRET;
  fakes.kucoin.state.key.apiKey = SECRETS.KUCOIN_API_KEY;
  fakes.kucoin.state.key.apiSecret = SECRETS.KUCOIN_API_SECRET;
  fakes.kucoin.state.key.passphrase = SECRETS.KUCOIN_API_PASSPHRASE;
  echoEverywhere();
  telegram.faults.add({ path: "sendChatAction", code: 400, message: "Bad Request: bot {{token}} cannot post here", times: 1 });
  // A DATA_DIR each: processes sharing one take turns at IBKR's 1 request/s (its pacer lives there, a second's
  // real wait per process); IBKR's budget across processes is ibkr-processes.test.ts's subject, not this one's.
  const [botDir, ...oneShotDirs] = await Promise.all([dataDir(), dataDir(), dataDir(), dataDir(), dataDir()]);
  const modes = [["--check"], ["--dry-run"], ["--json"], ["--once"]];
  oneShot = {
    dirs: oneShotDirs,
    runs: Promise.all(modes.map((args, i) => run(args, env(oneShotDirs[i]!, telegram)))) as Promise<[Run, Run, Run, Run]>,
  };
  bot = { dir: botDir, child: await spawnPfbot([], env(botDir, botTelegram), { cwd: binDir }) };
});

afterAll(async () => {
  bot.child.kill("SIGKILL");
  await Promise.all([oneShot.runs, bot.child.exited]);
  await Promise.all([fakes.stop(), telegram.stop(), botTelegram.stop()]);
});

/** Every platform answers every authenticated request with an error that quotes its credentials. */
function echoEverywhere(): void {
  // Bybit: retMsg quoting key and secret (quoted by the client for unknown codes: --check's query-api), and
  // wallets answering a broken body whose start the client quotes, the key where a 40-character excerpt cuts it.
  fakes.bybit.faults.add(
    ...BYBIT_PRIVATE_PATHS.map((path) =>
      path === "/v5/account/wallet-balance" || path === "/v5/asset/transfer/query-account-coins-balance"
        ? { path, status: 200, body: '{"retMsg":"key {{apiKey}} is not valid", "retCode":' }
        : { path, code: 10001, message: "Invalid request for api key {{apiKey}}: signed with secret {{apiSecret}}, check both" },
    ),
  );
  // OKX: "Invalid passphrase … for key …" on every signed endpoint (a code with no rule, so msg is quoted).
  fakes.okx.faults.add({
    code: "50199",
    status: 401,
    message: "Invalid OK-ACCESS-PASSPHRASE {{passphrase}} for key {{apiKey}} (secret {{apiSecret}})",
  });
  // T-Bank: the gateway quotes the bearer token, far enough in for a 120-character excerpt to cut it.
  fakes.tbank.faults.add({ code: "40003", message: "authentication token from the Authorization header is not valid: {{token}}" });
  // IBKR: an unknown code whose message quotes the token raw and URL-encoded, where a 160-character excerpt cuts it.
  fakes.ibkr.faults.add({
    path: "SendRequest",
    code: 1099,
    message:
      "Request rejected: the token is not valid for Flex query 1234567 of this account, or it has expired (token {{token}}); query string received: {{query}}",
  });
  // Binance: a broken body starting with the key (quoted as the start of a body that is not JSON) where the total is
  // read, and an unknown code quoting key and secret (its msg is quoted) where --check reads.
  fakes.binance.faults.add(
    { path: "/sapi/v1/asset/wallet/balance", status: 200, body: '{"msg":"key {{apiKey}} is not valid", "code":' },
    { path: "/api/v3/account", status: 200, body: '{"msg":"key {{apiKey}} is not valid", "code":' },
    { status: 400, body: '{"code":-9999,"msg":"API-key {{apiKey}} signed with {{apiSecret}} is not valid"}' },
  );
  // KuCoin: an HTML page starting with the KC-API-PASSPHRASE received (the signed passphrase, quoted as the start of a
  // body that is not JSON, cut by the clip), and an unknown code whose msg quotes every credential.
  fakes.kucoin.faults.add(
    { path: "/api/v1/accounts", status: 200, body: "<p>{{passphrase}} is not the passphrase of {{apiKey}}</p>" },
    { status: 200, body: '{"code":"499999","msg":"passphrase {{passphrase}} for key {{apiKey}} (secret {{apiSecret}})"}' },
  );
}

/** A DATA_DIR holding yesterday's IBKR statement, so IBKR's error becomes a note under a cached figure. */
async function dataDir(): Promise<string> {
  const dir = tempDir("leak-data");
  const yesterday = new Date(Date.now() - 86_400_000);
  await createIbkrState(dir, () => {}).writeCache({
    queryId: FAKE_IBKR_QUERY,
    savedAt: yesterday.getTime(),
    accounts: [
      {
        accountId: "U7654321",
        currency: "USD",
        amount: dec("12345.67"),
        reportDate: yesterday.toISOString().slice(0, 10),
        source: "EquitySummaryByReportDateInBase",
      },
    ],
    warnings: [],
  });
  return dir;
}

function env(dir: string, telegram: TelegramFake): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    ...fakes.env,
    ...SECRETS,
    TELEGRAM_CHAT_ID: String(CHAT_ID),
    TELEGRAM_API_ROOT: telegram.url,
    DATA_DIR: dir,
    TIMEZONE: "Europe/Paris",
    PLATFORM_TIMEOUT_SECONDS: "5",
  };
}

interface Emitted {
  readonly where: string;
  readonly text: string;
}

async function run(args: string[], vars: Record<string, string>): Promise<Run> {
  const child = await spawnPfbot(args, vars, { cwd: binDir });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const name = args.join(" ") || "bot";
  return {
    code,
    stdout,
    emitted: [
      { where: `stdout of ${name}`, text: stdout },
      { where: `stderr of ${name}`, text: stderr },
    ],
  };
}

describe("a run where every platform quotes its credentials in errors", () => {
  test("--check, --dry-run, --json and --once leak no secret to stdout, stderr, Telegram or DATA_DIR", async () => {
    const [check, dry, json, once] = await oneShot.runs;
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("FAIL");
    expect(dry.stdout).toContain("Bybit ❌");
    const parsed = JSON.parse(json.stdout) as { platforms: { id: string; ok: boolean; error: string | null }[] };
    expect(parsed.platforms.filter((p) => !p.ok).map((p) => p.id)).toEqual(["bybit", "okx", "tbank", "binance", "kucoin"]);
    expect(once.emitted[1]!.text).toContain("report sent");
    const calls = telegram.calls;
    expect(calls.some((call) => call.method === "sendMessage")).toBe(true);

    const emitted = [
      ...check.emitted,
      ...dry.emitted,
      ...json.emitted,
      ...once.emitted,
      ...telegramTexts(calls),
      ...oneShot.dirs.flatMap(filesIn),
    ];
    expect(leaks(emitted)).toEqual([]);
    // Every echo did reach pfbot and came out redacted (the test would prove nothing otherwise).
    expect(check.stdout).toContain("Invalid request for api key ***");
    expect(check.stdout).toContain("Bad Request: bot *** cannot post here");
    expect(dry.stdout).toContain('starts "{\\"retMsg\\":\\"key ***…")');
    expect(dry.stdout).toContain("Invalid OK-ACCESS-PASSPHRASE");
    expect(dry.stdout).toContain("authentication token from the Authorization header");
    expect(dry.stdout).toContain("Request rejected: the token is not valid");
    expect(dry.stdout).toContain('starts "{\\"msg\\":\\"key ***…")');
    expect(check.stdout).toContain("API-key *** signed with *** is not valid");
    expect(dry.stdout).toContain('starts "<p>***…")');
    expect(check.stdout).toContain("passphrase *** for key *** (secret ***)");
  });

  test("the bot's /status leaks no secret to the chat, stderr or DATA_DIR", async () => {
    const { child, dir } = bot;
    const output = Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    try {
      await botTelegram.waitForRequests("getUpdates", 1);
      botTelegram.pushMessage({ chatId: CHAT_ID, text: "/status" });
      const [report] = await botTelegram.waitForSent(1);
      // The report: IBKR's total with the partial mark, and each platform's failure named.
      expect(report!.plainText.split("\n")[0]).toBe("$12,346 · ₽993k ⚠️ partial");
      expect(report!.plainText).toContain("\nOKX ❌ key rejected\n");
      // ℹ️ Details puts the platforms' errors in full in the chat, with the credentials they quote.
      botTelegram.pushCallback({ chatId: CHAT_ID, messageId: report!.messageId, data: "st:details" });
      const [details] = await botTelegram.waitForEdits(1);
      expect(details!.plainText).toStartWith("Details\n");
      expect(details!.plainText).toContain("Invalid OK-ACCESS-PASSPHRASE");
      expect(details!.plainText).toContain("***");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await child.exited).toBe(0);
    const [stdout, stderr] = await output;
    const emitted = [
      { where: "stdout of the bot", text: stdout },
      { where: "stderr of the bot", text: stderr },
      ...telegramTexts(botTelegram.calls),
      ...filesIn(dir),
    ];
    expect(leaks(emitted)).toEqual([]);
    expect(stderr).toContain("Invalid OK-ACCESS-PASSPHRASE");
  });
});

/** Every string pfbot sent to Telegram (text, captions, any parameter), as sent and as JSON. */
function telegramTexts(calls: readonly { method: string; params: Record<string, unknown> }[]): Emitted[] {
  return calls.flatMap((call) => [
    { where: `Telegram ${call.method}`, text: JSON.stringify(call.params) },
    ...Object.entries(call.params)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .map(([name, value]) => ({ where: `Telegram ${call.method} ${name}`, text: value })),
  ]);
}

/** Every file under `dir` (database, WAL, caches), read as UTF-8 and as Latin-1. */
function filesIn(dir: string): Emitted[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .flatMap((path) => {
      const bytes = readFileSync(path);
      return [
        { where: path, text: bytes.toString("utf8") },
        { where: `${path} (Latin-1)`, text: bytes.toString("latin1") },
      ];
    });
}

/**
 * Where a secret or any 6-character piece of it (its prefix, or a later piece) appears, in the text or in the
 * text unescaped once or twice (HTML, JSON, URL and form encoding): an escaped form, whole or clipped, shows up
 * as the raw piece in one of those views. One line per secret and place.
 */
function leaks(emitted: readonly Emitted[]): string[] {
  const found: string[] = [];
  const viewed = emitted.map(({ where, text }) => ({ where, views: unescapedViews(text) }));
  for (const [name, secret] of Object.entries({ ...SECRETS, ...DERIVED })) {
    const pieces: string[] = [secret];
    for (let i = 0; i + 6 <= secret.length; i++) pieces.push(secret.slice(i, i + 6));
    for (const { where, views } of viewed) {
      for (const view of views) {
        const piece = pieces.find((candidate) => view.includes(candidate));
        if (piece === undefined) continue;
        const at = view.indexOf(piece);
        found.push(`${name} ${JSON.stringify(piece)} in ${where}: ${JSON.stringify(view.slice(Math.max(0, at - 50), at + 20))}`);
        break;
      }
    }
  }
  return found;
}

const DECODERS: readonly ((text: string) => string)[] = [
  (text) =>
    text.replace(
      /&(amp|lt|gt|quot|#39|#x27);/g,
      (_whole, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" })[name] ?? "",
    ),
  (text) =>
    text.replace(/\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/g, (_whole, code: string) =>
      code.length === 5
        ? String.fromCharCode(parseInt(code.slice(1), 16))
        : (({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[code] ?? code),
    ),
  (text) => percentDecode(text),
  (text) => percentDecode(text.replace(/\+/g, " ")),
];

/** The text and what it reads as after up to two rounds of unescaping. */
function unescapedViews(text: string): string[] {
  const views = new Set([text]);
  let round = [text];
  for (let depth = 0; depth < 2; depth++) {
    round = round.flatMap((view) => DECODERS.map((decode) => decode(view))).filter((view) => !views.has(view));
    for (const view of round) views.add(view);
  }
  return [...views];
}

/** %XX runs decoded as UTF-8 where they form valid UTF-8; anything else left as it is. */
function percentDecode(text: string): string {
  return text.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
