// Environment → typed, validated Config (arktype). Values come from the process environment merged
// over an env file (env-source.ts). Every problem is reported at once, one line each, and a secret's
// value is never echoed.
import "./arktype-setup.ts";
import { existsSync } from "node:fs";
import { type } from "arktype";
import { type DigestSchedule, parseDigestSchedule } from "../alerts/digest.ts";
import { parsePercent } from "../alerts/move.ts";
import type { FxProvider } from "../fx/source.ts";
import type { LogLevel } from "../lib/log.ts";
import {
  PLATFORMS,
  type PlatformDescriptor,
  type PlatformId,
  type PlatformSettings,
  requiredVariables,
  type VariableSpec,
} from "../platforms/registry.ts";
import { type EnvSource, noEnvFileNote, nonEmptyVariables, SECRET_VARIABLES, secretValues } from "./env-source.ts";
import { type BasicVariable, DATA_DIR, LOG_LEVEL, PRIVACY, TIMEZONE } from "./history-config.ts";
import { lookalikeWarnings } from "./lookalikes.ts";
import { NOTIFY, type NotifyMode } from "./notify.ts";
import type { TelegramConfig } from "./telegram.ts";

export interface Config {
  readonly telegram: TelegramConfig | null;
  /** The enabled platforms (every required variable set), in registry order. */
  readonly platforms: readonly PlatformConfig[];
  readonly fx: { readonly provider: FxProvider; readonly cbrBaseUrl: string; readonly mirrorBaseUrl: string; readonly ttlMinutes: number };
  readonly timeZone: string;
  readonly pollIntervalMinutes: number;
  readonly windowStartHour: number;
  readonly windowEndHour: number;
  readonly logLevel: LogLevel;
  readonly includeCryptoBreakdown: boolean;
  /** PRIVACY: no amount on the report's first line, every amount in a spoiler, /history in % only. */
  readonly privacy: boolean;
  /** NOTIFY: which scheduled reports are sent, and which ring. */
  readonly notify: NotifyMode;
  readonly dataDir: string;
  readonly platformTimeoutSeconds: number;
  /** The most one Telegram call may take, its retries included. */
  readonly telegramTimeoutSeconds: number;
  readonly webhook: { readonly url: string; readonly secret: string | null } | null;
  readonly healthServer: boolean;
  readonly listenHost: string;
  readonly listenPort: number;
  /** What the bot watches for on the owner's behalf (README, "Alerts"); each is off unless configured, but ALERT_FAILURES. */
  readonly alerts: AlertSettings;
  /** Every configured secret value, for log redaction. */
  readonly secrets: readonly string[];
  /** Accepted but worth saying (e.g. FX_PROVIDER=ECB); logged at start-up. Includes `leakySettings` and `lookalikes`. */
  readonly warnings: readonly string[];
  /** Settings that make Bun print secrets (BUN_CONFIG_VERBOSE_FETCH): a problem for --check. */
  readonly leakySettings: readonly string[];
  /** Variables that look like pfbot's but are not (TBANK_TOKEN), each with the right name: a problem for --check. */
  readonly lookalikes: readonly string[];
  /** The env file that was read, if any (for --check's permission audit). */
  readonly envFile: string | null;
  /** With no env file read, which one was looked for (--check says it). */
  readonly envFileNote: string | null;
  /**
   * The env file's lines that systemd reads differently from a shell or a dotenv reader (env-source.ts).
   * Only --check runs with them, to list them as failures; every other mode refuses to start.
   */
  readonly envFileProblems: readonly string[];
}

export interface AlertSettings {
  /** ALERT_MOVE_PERCENT: a move of the complete total since the last complete report that alerts, in %; null: off. */
  readonly movePercent: number | null;
  /** ALERT_MOVE_PERCENT_DAY: the same against the day's first complete report; null: off. */
  readonly movePercentDay: number | null;
  /** ALERT_FAILURES: scheduled runs a platform fails in a row before one alert; 0: never. */
  readonly failures: number;
  /** DIGEST: the weekly digest's weekday and time in TIMEZONE; null: off. */
  readonly digest: DigestSchedule | null;
  /** PIN_STATUS: keep one pinned message with the headline, edited with every snapshot. */
  readonly pinStatus: boolean;
}

/** An enabled platform: its id and its validated settings by name, as its registry entry describes them. */
export interface PlatformConfig {
  readonly id: PlatformId;
  readonly settings: PlatformSettings;
}

/** What a mode needs: balance modes need at least one platform; sending modes need Telegram. */
export interface ConfigNeeds {
  readonly platforms: boolean;
  readonly telegram: boolean;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly errors: readonly string[]; readonly secrets: readonly string[] };

/** Validates the merged environment for a mode. */
export function loadConfig(source: EnvSource, needs: ConfigNeeds): ConfigResult {
  const env = nonEmptyVariables(source.vars);
  const errors: string[] = [];
  const secrets = secretValues(env);
  const parsed = Settings(env);
  if (parsed instanceof type.errors) {
    for (const problem of parsed) errors.push(describeProblem(problem.path[0], problem.expected, problem.actual));
  }
  const settings = parsed instanceof type.errors ? null : parsed;
  const platformValues = platformVariableValues(env, errors);
  errors.push(...windowOrderProblems(env));
  errors.push(...platformProblems(env, needs));
  errors.push(...telegramProblems(env, needs));
  if (env.WEBHOOK_SECRET !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(env.WEBHOOK_SECRET)) {
    errors.push("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule; value not shown)");
  }
  const lookalikes = lookalikeWarnings(Object.keys(env), KNOWN_VARIABLES);
  // A misnamed variable is often why something else is missing ("no platform is configured"): said with the errors.
  if (errors.length > 0 || !settings) return { ok: false, errors: [...errors, ...lookalikes], secrets };

  const leakySettings = leakySettingsIn(env);
  const warnings: string[] = [...leakySettings, ...lookalikes];
  let provider: FxProvider = "CBR";
  if (settings.FX_PROVIDER === "ECB") {
    warnings.push("FX_PROVIDER=ECB: the ECB has published no RUB rate since March 2022; using the Bank of Russia (CBR) instead");
  } else provider = settings.FX_PROVIDER;
  const has = (...names: string[]) => names.every((name) => env[name] !== undefined);
  const platforms = PLATFORMS.filter((descriptor) => has(...requiredVariables(descriptor))).map(
    (descriptor): PlatformConfig => ({ id: descriptor.id, settings: settingsOf(descriptor, env, platformValues) }),
  );
  const token = env.TELEGRAM_BOT_TOKEN;
  const config: Config = {
    telegram:
      token !== undefined && settings.TELEGRAM_CHAT_ID !== undefined
        ? { token, chatId: settings.TELEGRAM_CHAT_ID, apiRoot: settings.TELEGRAM_API_ROOT }
        : null,
    platforms,
    fx: { provider, cbrBaseUrl: settings.CBR_BASE_URL, mirrorBaseUrl: settings.CBR_MIRROR_BASE_URL, ttlMinutes: settings.FX_TTL_MINUTES },
    timeZone: settings.TIMEZONE,
    pollIntervalMinutes: settings.POLL_INTERVAL_MINUTES,
    windowStartHour: settings.WINDOW_START_HOUR,
    windowEndHour: settings.WINDOW_END_HOUR,
    logLevel: settings.LOG_LEVEL,
    includeCryptoBreakdown: settings.INCLUDE_CRYPTO_BREAKDOWN,
    privacy: settings.PRIVACY,
    notify: settings.NOTIFY,
    dataDir: settings.DATA_DIR,
    platformTimeoutSeconds: settings.PLATFORM_TIMEOUT_SECONDS,
    telegramTimeoutSeconds: settings.TELEGRAM_TIMEOUT_SECONDS,
    webhook: settings.WEBHOOK_URL !== undefined ? { url: settings.WEBHOOK_URL, secret: env.WEBHOOK_SECRET ?? null } : null,
    healthServer: settings.HEALTH_SERVER,
    listenHost: settings.LISTEN_HOST,
    listenPort: settings.LISTEN_PORT,
    alerts: {
      movePercent: settings.ALERT_MOVE_PERCENT ?? null,
      movePercentDay: settings.ALERT_MOVE_PERCENT_DAY ?? null,
      failures: settings.ALERT_FAILURES,
      digest: settings.DIGEST ?? null,
      pinStatus: settings.PIN_STATUS,
    },
    secrets,
    warnings,
    leakySettings,
    lookalikes,
    envFile: source.file,
    envFileNote: noEnvFileNote(source),
    envFileProblems: source.fileProblems ?? [],
  };
  return { ok: true, config };
}

const TRUE_WORDS = new Set(["true", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "0", "no"]);

const httpUrl = type("string")
  .narrow((text, ctx) => isHttpUrl(text) || ctx.mustBe("an http(s) URL"))
  .pipe((text) => text.replace(/\/+$/, ""));
const intIn = (min: number, max: number) => type("string.integer.parse").to(`${min} <= number.integer <= ${max}`);
const boolean = type("string")
  .narrow(
    (text, ctx) => TRUE_WORDS.has(text.toLowerCase()) || FALSE_WORDS.has(text.toLowerCase()) || ctx.mustBe("true, false, 1, 0, yes or no"),
  )
  .pipe((text) => TRUE_WORDS.has(text.toLowerCase()));
/** A variable the history modes also read, declared once in history-config.ts (default, check, wording). */
const basic = <T>(variable: BasicVariable<T>) =>
  type("string")
    .narrow((text, ctx) => variable.parse(text) !== null || ctx.mustBe(variable.expected))
    .pipe((text) => variable.parse(text) as T);
/** on/off as well as the boolean words: the alert settings read "PIN_STATUS=on". */
const onOff = type("string")
  .narrow(
    (text, ctx) =>
      ON_WORDS.has(text.toLowerCase()) || OFF_WORDS.has(text.toLowerCase()) || ctx.mustBe("on or off (or true, false, 1, 0, yes, no)"),
  )
  .pipe((text) => ON_WORDS.has(text.toLowerCase()));
const ON_WORDS = new Set([...TRUE_WORDS, "on"]);
const OFF_WORDS = new Set([...FALSE_WORDS, "off"]);
const percent = type("string")
  .narrow((text, ctx) => parsePercent(text) !== null || ctx.mustBe("a percentage above 0 and at most 100, such as 5 or 2.5"))
  .pipe((text) => parsePercent(text) as number);
const digest = type("string")
  .narrow((text, ctx) => parseDigestSchedule(text) !== null || ctx.mustBe("a weekday and a time in TIMEZONE, such as sun 19:00 (or off)"))
  .pipe((text) => {
    const schedule = parseDigestSchedule(text);
    return schedule === "off" ? null : schedule;
  });
const fxProvider = type("string")
  .pipe((text) => text.toUpperCase())
  .to("'CBR' | 'CBR_MIRROR' | 'ECB'");
const existingFile = (what: string) =>
  type("string").narrow((path, ctx) => existsSync(path) || ctx.mustBe(`the path of an existing ${what}`));

const SETTINGS = {
  "TELEGRAM_CHAT_ID?": "string.integer.parse",
  TELEGRAM_API_ROOT: httpUrl.default("https://api.telegram.org"),
  TIMEZONE: basic(TIMEZONE).default(TIMEZONE.fallback),
  POLL_INTERVAL_MINUTES: intIn(1, 1440).default("120"),
  WINDOW_START_HOUR: intIn(0, 24).default("8"),
  WINDOW_END_HOUR: intIn(0, 24).default("20"),
  LOG_LEVEL: basic(LOG_LEVEL).default(LOG_LEVEL.fallback),
  INCLUDE_CRYPTO_BREAKDOWN: boolean.default("true"),
  PRIVACY: basic(PRIVACY).default(PRIVACY.fallback),
  NOTIFY: basic(NOTIFY).default(NOTIFY.fallback),
  FX_PROVIDER: fxProvider.default("CBR"),
  FX_TTL_MINUTES: intIn(1, 1440).default("60"),
  DATA_DIR: basic(DATA_DIR).default(DATA_DIR.fallback),
  PLATFORM_TIMEOUT_SECONDS: intIn(1, 300).default("20"),
  TELEGRAM_TIMEOUT_SECONDS: intIn(1, 300).default("60"),
  CBR_BASE_URL: httpUrl.default("https://www.cbr.ru"),
  CBR_MIRROR_BASE_URL: httpUrl.default("https://www.cbr-xml-daily.ru"),
  "WEBHOOK_URL?": httpUrl,
  HEALTH_SERVER: boolean.default("false"),
  LISTEN_HOST: type("string").default("127.0.0.1"),
  // 0 picks any free port (tests).
  LISTEN_PORT: intIn(0, 65535).default("8080"),
  "ALERT_MOVE_PERCENT?": percent,
  "ALERT_MOVE_PERCENT_DAY?": percent,
  ALERT_FAILURES: intIn(0, 100).default("3"),
  "DIGEST?": digest,
  PIN_STATUS: onOff.default("off"),
} as const;
const Settings = type(SETTINGS).onUndeclaredKey("delete");

/**
 * Every variable pfbot is configured with: its own settings, the two secrets read apart from them, and
 * every platform's from the registry. The lookalike warnings and the .env.example test use it.
 */
export const KNOWN_VARIABLES: readonly string[] = [
  "TELEGRAM_BOT_TOKEN",
  ...Object.keys(SETTINGS).map((key) => key.replace(/\?$/, "")),
  "WEBHOOK_SECRET",
  ...PLATFORMS.flatMap((descriptor) => Object.values(descriptor.variables).map((spec) => spec.env)),
];

interface PlatformValidator {
  readonly spec: VariableSpec;
  readonly validate: (text: string) => unknown;
}

/** The validator of each optional platform variable (url, int, file), built from its registry spec. */
const PLATFORM_VALIDATORS: readonly PlatformValidator[] = PLATFORMS.flatMap((descriptor) =>
  Object.values(descriptor.variables).flatMap((spec): PlatformValidator[] => {
    switch (spec.kind) {
      case "url":
        return [{ spec, validate: httpUrl }];
      case "int":
        return [{ spec, validate: intIn(spec.min, spec.max) }];
      case "file":
        return [{ spec, validate: existingFile(spec.what) }];
      default:
        return [];
    }
  }),
);

/**
 * The value of every optional platform variable (its default when unset; null for an unset file), by variable
 * name. Like the other settings, each is checked whether or not its platform is enabled; problems go to `errors`.
 */
function platformVariableValues(env: Record<string, string>, errors: string[]): Map<string, string | number | null> {
  const values = new Map<string, string | number | null>();
  for (const { spec, validate } of PLATFORM_VALIDATORS) {
    const text = env[spec.env] ?? ("default" in spec ? String(spec.default) : undefined);
    if (text === undefined) {
      values.set(spec.env, null);
      continue;
    }
    const out = validate(text);
    if (out instanceof type.errors) for (const problem of out) errors.push(describeProblem(spec.env, problem.expected, problem.actual));
    else values.set(spec.env, out as string | number);
  }
  return values;
}

/** A platform's settings by name: required variables as set, optional ones validated (platformVariableValues). */
function settingsOf(
  descriptor: PlatformDescriptor,
  env: Record<string, string>,
  values: ReadonlyMap<string, string | number | null>,
): PlatformSettings {
  return Object.fromEntries(
    Object.entries(descriptor.variables).map(([name, spec]) => [
      name,
      spec.kind === "secret" || spec.kind === "text" ? (env[spec.env] ?? null) : (values.get(spec.env) ?? null),
    ]),
  );
}

function describeProblem(key: PropertyKey | undefined, expected: string, actual: string): string {
  const name = String(key ?? "configuration");
  const secret = SECRET_VARIABLES.includes(name);
  return `${name} must be ${expected}${secret ? " (value not shown)" : ` (was ${actual})`}`;
}

function platformProblems(env: Record<string, string>, needs: ConfigNeeds): string[] {
  const problems: string[] = [];
  let enabled = 0;
  for (const descriptor of PLATFORMS) {
    const names = requiredVariables(descriptor);
    const missing = names.filter((name) => env[name] === undefined);
    if (missing.length === 0) enabled += 1;
    else if (missing.length < names.length)
      problems.push(`${descriptor.name} is partly configured: set ${missing.join(" and ")} too, or unset the rest`);
  }
  if (env.TELEGRAM_BOT_TOKEN !== undefined && !/^\d+:[\w-]{20,}$/.test(env.TELEGRAM_BOT_TOKEN)) {
    problems.push("TELEGRAM_BOT_TOKEN must look like 123456789:AA… as BotFather gives it (value not shown)");
  }
  if (needs.platforms && enabled === 0 && problems.length === 0) {
    const choices = PLATFORMS.map((descriptor) => `${descriptor.name} (${requiredVariables(descriptor).join(", ")})`);
    problems.push(
      `no platform is configured: set the variables of at least one of ${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`,
    );
  }
  return problems;
}

/** The window's order, checked on its own so that it is reported with every other problem. */
function windowOrderProblems(env: Record<string, string>): string[] {
  const hour = intIn(0, 24);
  const start = hour(env.WINDOW_START_HOUR ?? "8");
  const end = hour(env.WINDOW_END_HOUR ?? "20");
  if (typeof start !== "number" || typeof end !== "number" || start < end) return [];
  return [`WINDOW_START_HOUR must be before WINDOW_END_HOUR (was ${start} and ${end})`];
}

function telegramProblems(env: Record<string, string>, needs: ConfigNeeds): string[] {
  if (!needs.telegram) return [];
  return ["TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"]
    .filter((name) => env[name] === undefined)
    .map((name) => `${name} is required to send messages (or use --dry-run to print instead)`);
}

/**
 * Bun prints every fetch's request headers (API keys, signatures, bearer tokens) to stderr, and so to the journal,
 * when BUN_CONFIG_VERBOSE_FETCH is "curl", "true" or "1". main.ts turns it off for pfbot's own requests; it is still
 * reported, from the environment or the env file, since it has no place in either.
 */
function leakySettingsIn(env: Record<string, string>): string[] {
  const verbose = env.BUN_CONFIG_VERBOSE_FETCH;
  if (verbose === undefined) return [];
  return [
    `BUN_CONFIG_VERBOSE_FETCH=${verbose.slice(0, 20)} is set: Bun would print every request's headers, API keys and signatures included; pfbot turns it off for its own requests, but remove it from the environment and the env file`,
  ];
}

/** "5", "2.5", "5%" → 5, 2.5, 5: above 0, at most 100, at most 2 decimals; else null. */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
