// The one list of platforms pfbot knows, in report order. A descriptor is plain data (id, display name,
// kind, the variables it reads, its deadline) plus a factory that loads the platform's code only when a
// client is created: importing this file evaluates no client and no validator, so config, render,
// history and the bot's main thread read it for free.
//
// Adding a platform: its folder under src/platforms/ (client.ts and what it needs), and one entry in
// PLATFORMS. Configuration, secrets, --check, the snapshot, the message, --json and the history all
// follow from the entry.
import { readFileSync } from "node:fs";
import type { Config } from "../config/config.ts";
import type { Logger } from "../lib/log.ts";
import type { ClientDeps, FetchFn, PlatformClient } from "./types.ts";

type PlatformKind = "crypto" | "broker";

/**
 * One environment variable a platform reads, described as data: config.ts builds its validation from this
 * (the registry itself loads no validator). `secret` and `text` are required: a platform is enabled exactly
 * when all of its required variables are set. The others are optional, validated whether or not the platform
 * is enabled.
 */
export type VariableSpec =
  /** Required; never printed, redacted from every output. */
  | { readonly env: string; readonly kind: "secret" }
  /** Required; not a secret, so an error may quote it (an id). */
  | { readonly env: string; readonly kind: "text" }
  /** Optional http(s) URL; trailing slashes are dropped. */
  | { readonly env: string; readonly kind: "url"; readonly default: string }
  /** Optional integer within [min, max]. */
  | { readonly env: string; readonly kind: "int"; readonly min: number; readonly max: number; readonly default: number }
  /** Optional path of a file that must exist; null when unset. `what` completes "the path of an existing …". */
  | { readonly env: string; readonly kind: "file"; readonly what: string };

/** A platform's variables by setting name. `baseUrl` is every platform's address, which the tests point at fakes. */
export type VariableSpecs = { readonly baseUrl: VariableSpec & { readonly kind: "url" } } & Readonly<Record<string, VariableSpec>>;

/** Validated values by setting name, as config.ts builds them from the specs (Config carries them: plain data). */
export type PlatformSettings = Readonly<Record<string, string | number | null>>;

/** The settings keys of `V` whose spec is a secret. */
type SecretKeys<V extends VariableSpecs> = { [K in keyof V]: V[K] extends { readonly kind: "secret" } ? K : never }[keyof V];

/** The typed settings of one platform's specs: int → number, file → string | null, the rest → string. */
type SettingsOf<V extends VariableSpecs> = {
  readonly [K in keyof V]: V[K] extends { readonly kind: "int" } ? number : V[K] extends { readonly kind: "file" } ? string | null : string;
};

/** What the wiring gives every platform: the I/O, injected so tests need no network, clock or real sleeps. */
export interface ClientEnvironment {
  readonly fetch: FetchFn;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly log: Logger;
  readonly version: string;
}

/** What a factory receives besides its settings: the environment, the bound of one request, and DATA_DIR. */
interface ClientContext extends ClientEnvironment, Omit<ClientDeps, "baseUrl"> {
  /** DATA_DIR: where a platform keeps its state files. */
  readonly dataDir: string;
  /** TIMEZONE: the user's calendar day, e.g. for how old a broker's statement is. */
  readonly timeZone: string;
}

export interface PlatformDescriptor<Id extends string = string> {
  /** Stable: it keys the history, the --json output and the logs. Lowercase letters and digits. */
  readonly id: Id;
  /** As the report shows it. */
  readonly name: string;
  /** Crypto platforms add up to the report's "Crypto" line. */
  readonly kind: PlatformKind;
  readonly variables: VariableSpecs;
  /** The `int` setting, in seconds, that bounds a whole snapshot of the platform; PLATFORM_TIMEOUT_SECONDS when absent. */
  readonly deadlineSeconds?: string;
  /** The largest decoded response body accepted (default DEFAULT_MAX_BODY_BYTES). */
  readonly maxBodyBytes?: number;
  /** What to check besides the base URL when an answer is larger than that: "keep the Flex query to …". */
  readonly tooLargeAdvice?: string;
  /**
   * The key audit can say when the key expires (KeyAudit.expiresAt): the bot audits such keys once a day for the
   * expiry warnings. The others are not audited by the bot at all (--check still says "expiry not reported").
   */
  readonly reportsKeyExpiry?: boolean;
  /**
   * Values computed from the secret settings that are as secret as they are (a credential sent signed, such as a
   * passphrase HMAC-signed with the API secret, which never changes): redacted everywhere like the secrets. Called,
   * with the values as set, only when every secret variable of the platform is set. Synchronous and loading no
   * platform code, since redaction is set up before anything else.
   */
  derivedSecrets?(secrets: Readonly<Record<string, string>>): readonly string[];
  /** Loads the platform's code and builds its client from validated settings. */
  createClient(settings: PlatformSettings, context: ClientContext): Promise<PlatformClient>;
}

/**
 * The decoded body cap when a descriptor names none: well above any real JSON answer (every Bybit or OKX spot
 * ticker at once is under 0.5 MB) and far below the unit's MemoryMax=256M.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

// Each factory spells out its return type: PlatformClient's ids are PlatformId, derived from this very list,
// and an inferred return type would make the list's type depend on itself.
export const PLATFORMS = [
  platform({
    id: "bybit",
    name: "Bybit",
    kind: "crypto",
    variables: {
      apiKey: { env: "BYBIT_API_KEY", kind: "secret" },
      apiSecret: { env: "BYBIT_API_SECRET", kind: "secret" },
      baseUrl: { env: "BYBIT_BASE_URL", kind: "url", default: "https://api.bybit.com" },
    },
    // query-api's expiredAt: a key without a bound IP expires 90 days after it was made.
    reportsKeyExpiry: true,
    createClient: async (settings, context): Promise<PlatformClient> =>
      (await import("./bybit/client.ts")).createBybitClient({ ...context, ...settings }),
  }),
  platform({
    id: "okx",
    name: "OKX",
    kind: "crypto",
    variables: {
      apiKey: { env: "OKX_API_KEY", kind: "secret" },
      apiSecret: { env: "OKX_API_SECRET", kind: "secret" },
      passphrase: { env: "OKX_API_PASSPHRASE", kind: "secret" },
      baseUrl: { env: "OKX_BASE_URL", kind: "url", default: "https://www.okx.com" },
    },
    createClient: async (settings, context): Promise<PlatformClient> =>
      (await import("./okx/client.ts")).createOkxClient({ ...context, ...settings }),
  }),
  platform({
    id: "tbank",
    name: "T-Bank",
    kind: "broker",
    variables: {
      token: { env: "TBANK_API_TOKEN", kind: "secret" },
      baseUrl: { env: "TBANK_BASE_URL", kind: "url", default: "https://invest-public-api.tbank.ru/rest" },
      caFile: { env: "TBANK_CA_FILE", kind: "file", what: "PEM file" },
    },
    createClient: async ({ caFile, ...settings }, context): Promise<PlatformClient> =>
      (await import("./tbank/client.ts")).createTbankClient({
        ...context,
        ...settings,
        extraCaPem: caFile !== null ? [readFileSync(caFile, "utf8")] : [],
      }),
  }),
  platform({
    id: "ibkr",
    name: "IBKR",
    kind: "broker",
    variables: {
      token: { env: "IBKR_FLEX_TOKEN", kind: "secret" },
      queryId: { env: "IBKR_QUERY_ID", kind: "text" },
      baseUrl: {
        env: "IBKR_FLEX_BASE_URL",
        kind: "url",
        default: "https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService",
      },
      cacheMinutes: { env: "IBKR_CACHE_MINUTES", kind: "int", min: 0, max: 10080, default: 240 },
      // Flex polls its statement generation for up to ~90 s.
      timeoutSeconds: { env: "IBKR_TIMEOUT_SECONDS", kind: "int", min: 10, max: 600, default: 150 },
    },
    deadlineSeconds: "timeoutSeconds",
    // A Flex statement with the sections pfbot reads is tens of kilobytes, but a query that also holds a year of
    // trades can reach megabytes.
    maxBodyBytes: 16 * 1024 * 1024,
    tooLargeAdvice: "keep the Flex query (IBKR_QUERY_ID) to the sections pfbot reads: Account Information, NAV in Base, Change in NAV",
    createClient: async (settings, context): Promise<PlatformClient> =>
      (await import("./ibkr/client.ts")).createIbkrClient({
        ...context,
        ...settings,
        stateDir: context.dataDir,
        userAgent: `pfbot/${context.version}`,
        // One pacer per wiring (the factory runs once per snapshot taker); its request times live in DATA_DIR, so
        // every pfbot process on the machine shares IBKR's per-token budget.
        pacer: (await import("./ibkr/pacer.ts")).createFlexPacer(context, {
          stateDir: context.dataDir,
          onProblem: (message) => context.log.warn(`IBKR: ${message}`),
        }),
      }),
  }),
  platform({
    id: "binance",
    name: "Binance",
    kind: "crypto",
    variables: {
      apiKey: { env: "BINANCE_API_KEY", kind: "secret" },
      apiSecret: { env: "BINANCE_API_SECRET", kind: "secret" },
      // Binance.com only: the client refuses Binance.US and the other regional exchanges with a message that says so.
      baseUrl: { env: "BINANCE_BASE_URL", kind: "url", default: "https://api.binance.com" },
    },
    // Its largest answer, the every-symbol price list, is ~0.2 MB; a snapshot reads 4 answers at once, so a tighter cap
    // keeps 4 oversized ones (a gzip bomb) within the memory Bybit's and OKX's 3 × 4 MiB take.
    maxBodyBytes: 2 * 1024 * 1024,
    createClient: async (settings, context): Promise<PlatformClient> =>
      (await import("./binance/client.ts")).createBinanceClient({ ...context, ...settings }),
  }),
  platform({
    id: "kucoin",
    name: "KuCoin",
    kind: "crypto",
    variables: {
      apiKey: { env: "KUCOIN_API_KEY", kind: "secret" },
      apiSecret: { env: "KUCOIN_API_SECRET", kind: "secret" },
      passphrase: { env: "KUCOIN_API_PASSPHRASE", kind: "secret" },
      baseUrl: { env: "KUCOIN_BASE_URL", kind: "url", default: "https://api.kucoin.com" },
    },
    // Its largest answer, allTickers, is well under 1 MB; a snapshot reads up to 7 answers at once, so a tighter cap
    // keeps 7 oversized ones (a gzip bomb) near the memory Bybit's and OKX's 3 × 4 MiB take.
    maxBodyBytes: 2 * 1024 * 1024,
    // KC-API-PASSPHRASE of a version-2/3 key: base64 HMAC-SHA256(secret, passphrase), as kucoin/transport.ts's
    // signKucoinPassphrase sends it on every request (a test keeps the two equal).
    derivedSecrets: ({ apiSecret, passphrase }) => [new Bun.CryptoHasher("sha256", apiSecret).update(passphrase).digest("base64")],
    createClient: async (settings, context): Promise<PlatformClient> =>
      (await import("./kucoin/client.ts")).createKucoinClient({ ...context, ...settings }),
  }),
];

/** The id of a platform in PLATFORMS. */
export type PlatformId = (typeof PLATFORMS)[number]["id"];

/** The descriptor of a known platform. */
export function descriptorOf(id: PlatformId): PlatformDescriptor<PlatformId> {
  const descriptor = PLATFORMS.find((candidate) => candidate.id === id);
  // PlatformId is derived from PLATFORMS, so only a cast from untrusted text gets here.
  if (!descriptor) throw new RangeError(`unknown platform id ${JSON.stringify(id)}`);
  return descriptor;
}

/** The display name of a platform: "T-Bank". */
export function platformName(id: PlatformId): string {
  return descriptorOf(id).name;
}

/** Orders platforms as the report shows them (registry order). */
export function byPlatformOrder(a: PlatformId, b: PlatformId): number {
  return PLATFORMS.findIndex((d) => d.id === a) - PLATFORMS.findIndex((d) => d.id === b);
}

/** The variables a platform needs set to be enabled (secret and text), in the order a message lists them. */
export function requiredVariables(descriptor: PlatformDescriptor): string[] {
  return Object.values(descriptor.variables)
    .filter((spec) => spec.kind === "secret" || spec.kind === "text")
    .map((spec) => spec.env);
}

/** Every platform variable whose value is a secret, in registry order. */
export function platformSecretVariables(): string[] {
  return PLATFORMS.flatMap((descriptor) =>
    Object.values(descriptor.variables)
      .filter((spec) => spec.kind === "secret")
      .map((spec) => spec.env),
  );
}

/**
 * The values every platform derives from its secrets (PlatformDescriptor.derivedSecrets), from variables as set;
 * `value` gives a variable's value, undefined when unset.
 */
export function platformDerivedSecrets(value: (env: string) => string | undefined): string[] {
  return PLATFORMS.flatMap((descriptor) => {
    if (!descriptor.derivedSecrets) return [];
    const secrets: Record<string, string> = {};
    for (const [name, spec] of Object.entries(descriptor.variables)) {
      if (spec.kind !== "secret") continue;
      const set = value(spec.env);
      if (set === undefined) return [];
      secrets[name] = set;
    }
    return descriptor.derivedSecrets(secrets);
  });
}

/** Builds the client of every enabled platform (Config.platforms), loading only their code. */
export async function createClients(config: Config, env: ClientEnvironment): Promise<PlatformClient[]> {
  const context: ClientContext = {
    ...env,
    timeoutMs: config.platformTimeoutSeconds * 1000,
    dataDir: config.dataDir,
    timeZone: config.timeZone,
  };
  return Promise.all(config.platforms.map(({ id, settings }) => descriptorOf(id).createClient(settings, context)));
}

/** The snapshot deadline of a platform: its own setting when its descriptor names one, else PLATFORM_TIMEOUT_SECONDS. */
export function platformDeadlineMs(config: Config, id: PlatformId): number {
  const key = descriptorOf(id).deadlineSeconds;
  const seconds = key !== undefined ? config.platforms.find((p) => p.id === id)?.settings[key] : undefined;
  return (typeof seconds === "number" ? seconds : config.platformTimeoutSeconds) * 1000;
}

/** Settings keys of `V` whose spec is an `int`. */
type IntKeys<V extends VariableSpecs> = { [K in keyof V]: V[K] extends { readonly kind: "int" } ? K : never }[keyof V] & string;

/** Checks an entry against its own specs (settings typed, deadline an int setting), then keeps it as plain data. */
function platform<const Id extends string, const V extends VariableSpecs>(
  entry: Omit<PlatformDescriptor<Id>, "variables" | "deadlineSeconds" | "derivedSecrets" | "createClient"> & {
    readonly variables: V;
    readonly deadlineSeconds?: IntKeys<V>;
    derivedSecrets?(secrets: { readonly [K in SecretKeys<V>]: string }): readonly string[];
    createClient(settings: SettingsOf<V>, context: ClientContext): Promise<PlatformClient>;
  },
): PlatformDescriptor<Id> {
  // config.ts builds each platform's settings from these same specs, so they have the shape SettingsOf<V>.
  return entry as unknown as PlatformDescriptor<Id>;
}
