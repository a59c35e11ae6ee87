// The context a bot test starts the real bot with: pfbot's configuration read from variables pointing at the
// platform fakes (IBKR left out: its 5 s Flex polling is covered elsewhere) and the fake Bot API, on the test's
// clock, with a logger that keeps its lines for the test; and the world it runs in, fresh for each test.
import { afterEach, beforeEach } from "bun:test";
import type { BotRuntime } from "../../src/app/modes/bot.ts";
import type { AppContext } from "../../src/app/run.ts";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { createLogger, type LogLevel } from "../../src/lib/log.ts";
import { type AllFakes, startAllFakes } from "../fakes/all.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram.ts";
import { type FakeClock, fakeClock } from "./clock.ts";

export interface BotContextOptions {
  readonly fakes: AllFakes;
  readonly telegram: TelegramFake;
  readonly token: string;
  readonly owner: number;
  readonly dataDir: string;
  readonly clock: FakeClock;
  /** More variables, or other values for these. */
  readonly extra?: Readonly<Record<string, string>>;
  /** Where the log lines go (at `level`, "debug" by default); nowhere without it. */
  readonly logLines?: string[];
  readonly level?: LogLevel;
  /** Configuration values no variable sets (bounds a test shortens). */
  readonly overrides?: Partial<Config>;
}

export function botContext(options: BotContextOptions): AppContext {
  const { IBKR_FLEX_TOKEN: _token, IBKR_QUERY_ID: _query, ...platforms } = options.fakes.env;
  const loaded = loadConfig(
    {
      vars: {
        ...platforms,
        TELEGRAM_BOT_TOKEN: options.token,
        TELEGRAM_CHAT_ID: String(options.owner),
        TELEGRAM_API_ROOT: options.telegram.url,
        DATA_DIR: options.dataDir,
        ...options.extra,
      },
      file: null,
    },
    { platforms: true, telegram: true },
  );
  if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
  const lines = options.logLines;
  const log = createLogger({
    level: options.level ?? "debug",
    secrets: loaded.config.secrets,
    write: (line) => lines?.push(line),
    colour: false,
  });
  return { config: { ...loaded.config, ...options.overrides }, log, version: "test", out: () => {}, clock: options.clock };
}

/** What a bot test runs against, made anew before each test (botTestWorld). */
export interface BotTestWorld {
  clock: FakeClock;
  fakes: AllFakes;
  telegram: TelegramFake;
  /** The bot's log lines, for a context that keeps them. */
  logLines: string[];
  /** The bot the test started, stopped after the test. */
  runtime: BotRuntime | null;
}

/**
 * Registers, for the calling test file, a fresh world before each test (a fake clock, every platform fake on it,
 * the fake Bot API for `token`) and its teardown after: the bot the test started, then the fakes.
 */
export function botTestWorld(token: string): BotTestWorld {
  const world = { logLines: [], runtime: null } as unknown as BotTestWorld;
  beforeEach(async () => {
    world.clock = fakeClock();
    world.logLines = [];
    [world.fakes, world.telegram] = await Promise.all([startAllFakes({ now: world.clock.now }), startTelegramFake({ token })]);
  });
  afterEach(async () => {
    await world.runtime?.stop();
    world.runtime = null;
    await Promise.all([world.telegram.stop(), world.fakes.stop()]);
  });
  return world;
}
