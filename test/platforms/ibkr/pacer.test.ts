// The IBKR pacer's shared request log: pacers over the same DATA_DIR (as two pfbot processes are) share
// IBKR's per-token budget of 1 request a second and 9 (of IBKR's 10) a minute; the token never reaches
// the disk; a wait ends at the caller's deadline; a DATA_DIR that cannot be written falls back to this
// process alone. Two real processes against the IBKR fake: test/app/ibkr-processes.test.ts.
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFlexPacer, IBKR_PACER_FILE, MIN_REQUEST_SPACING_MS } from "../../../src/platforms/ibkr/pacer.ts";
import { fakeClock } from "../../support/clock.ts";
import { tempDir } from "../../support/temp-dir.ts";

const KEY = "https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService\n493817265509182736450918";
const open = () => new AbortController().signal;

test("two pacers over one DATA_DIR, as two processes, keep IBKR's spacing between them", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  const first = createFlexPacer(clock, { stateDir: dir });
  const second = createFlexPacer(clock, { stateDir: dir });
  await first.turn(KEY, open());
  await second.turn(KEY, open());
  expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS]);
  // A third process, started later, sees both.
  clock.advance(200);
  await createFlexPacer(clock, { stateDir: dir }).turn(KEY, open());
  expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS, MIN_REQUEST_SPACING_MS - 200]);
});

test("the next request is spaced from when IBKR answered the last one, which reached IBKR some time after its booking", async () => {
  for (const stateDir of [tempDir("pacer"), undefined]) {
    const clock = fakeClock();
    const first = createFlexPacer(clock, stateDir === undefined ? {} : { stateDir });
    const second = stateDir === undefined ? first : createFlexPacer(clock, { stateDir });
    const ended = await first.turn(KEY, open());
    // A loaded machine: the request left 300 ms after its turn, and IBKR answered 400 ms later.
    clock.advance(700);
    ended();
    ended(); // a second call changes nothing
    await second.turn(KEY, open());
    expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS]);
  }
});

test("a request that ends later than the next turn is booked keeps that later turn's spacing from its own end", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  const pacer = createFlexPacer(clock, { stateDir: dir });
  const start = clock.now();
  const first = await pacer.turn(KEY, open());
  clock.advance(5_000);
  first();
  const second = await createFlexPacer(clock, { stateDir: dir }).turn(KEY, open());
  expect(clock.now() - start).toBe(5_000 + MIN_REQUEST_SPACING_MS);
  second();
});

test("the minute's budget is shared too: the tenth request of a minute waits for the first to leave it", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  const start = clock.now();
  const pacers = [createFlexPacer(clock, { stateDir: dir }), createFlexPacer(clock, { stateDir: dir })];
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    await pacers[i % 2]!.turn(KEY, open());
    times.push(clock.now() - start);
  }
  expect(times.slice(0, 9)).toEqual(Array.from({ length: 9 }, (_, i) => i * MIN_REQUEST_SPACING_MS));
  // 9 of IBKR's 10 (one left for the portal's "Run"): the 10th goes a minute after the first.
  expect(times[9]).toBe(60_000);
});

test("another token has its own budget", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  await createFlexPacer(clock, { stateDir: dir }).turn(KEY, open());
  await createFlexPacer(clock, { stateDir: dir }).turn(`${KEY}0`, open());
  expect(clock.sleeps).toEqual([]);
});

test("the time booked is read while the shared log is locked: opening or creating the file is not counted in the spacing", async () => {
  // IBKR measures the spacing between requests as they arrive. A time read before the file was opened (created,
  // the first time) would leave that delay between the booking and the request: a request sent late after an
  // early booking, and the next process's right on time, reach IBKR less than a second apart (1018).
  const dir = tempDir("pacer");
  const clock = fakeClock();
  const lockedWhenRead: boolean[] = [];
  const watching = {
    now: () => {
      lockedWhenRead.push(writeLocked(join(dir, IBKR_PACER_FILE)));
      return clock.now();
    },
    sleep: clock.sleep,
  };
  const pacer = createFlexPacer(watching, { stateDir: dir });
  await pacer.turn(KEY, open());
  await pacer.turn(KEY, open());
  // The first turn creates the file; the second waits its 1.1 s and reads the time again for its booking.
  expect(lockedWhenRead).toEqual([true, true, true]);
  expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS]);
});

/** Whether another connection (another process) is kept from writing the file now. */
function writeLocked(path: string): boolean {
  if (!existsSync(path)) return false;
  const other = new Database(path);
  try {
    other.run("BEGIN IMMEDIATE");
    other.run("ROLLBACK");
    return false;
  } catch {
    return true;
  } finally {
    other.close();
  }
}

test("a file another process is setting up is waited for, not given up: SQLite refuses the switch to WAL at once then", async () => {
  const dir = tempDir("pacer");
  // Another process creating the file, in its first transaction.
  const other = new Database(join(dir, IBKR_PACER_FILE), { create: true });
  other.run("BEGIN IMMEDIATE");
  const clock = fakeClock();
  const problems: string[] = [];
  const finishing = {
    now: clock.now,
    // The other process finishes while this one waits to try again.
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (other.inTransaction) {
        other.run("COMMIT");
        other.close();
      }
      await clock.sleep(ms, signal);
    },
  };
  await createFlexPacer(finishing, { stateDir: dir, onProblem: (p) => problems.push(p) }).turn(KEY, open());
  expect(problems).toEqual([]);
  expect(clock.sleeps).toHaveLength(1);
  expect(clock.sleeps[0]).toBeLessThan(100);
  const db = new Database(join(dir, IBKR_PACER_FILE), { readonly: true });
  try {
    expect(db.query("SELECT count(*) AS n FROM requests").get()).toEqual({ n: 1 });
  } finally {
    db.close();
  }
});

test("the token is stored only as a hash", async () => {
  const dir = tempDir("pacer");
  await createFlexPacer(fakeClock(), { stateDir: dir }).turn(KEY, open());
  const token = KEY.split("\n")[1]!;
  for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).toString("latin1")).not.toContain(token);
  const db = new Database(join(dir, IBKR_PACER_FILE), { readonly: true });
  try {
    expect(db.query("SELECT budget FROM requests").all()).toEqual([{ budget: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  } finally {
    db.close();
  }
});

test("a wait for the turn ends when the caller's deadline aborts it, without counting a request", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  const other = createFlexPacer(clock, { stateDir: dir });
  for (let i = 0; i < 9; i++) await other.turn(KEY, open());
  const deadline = new AbortController();
  const late = createFlexPacer({ now: clock.now, sleep: async () => deadline.abort() }, { stateDir: dir });
  await late.turn(KEY, deadline.signal);
  expect(deadline.signal.aborted).toBe(true);
  const db = new Database(join(dir, IBKR_PACER_FILE), { readonly: true });
  try {
    expect(db.query("SELECT count(*) AS n FROM requests").get()).toEqual({ n: 9 });
  } finally {
    db.close();
  }
});

test("a clock set back does not keep every turn waiting", async () => {
  const dir = tempDir("pacer");
  const clock = fakeClock();
  await createFlexPacer(clock, { stateDir: dir }).turn(KEY, open());
  clock.advance(-3_600_000);
  const pacer = createFlexPacer(clock, { stateDir: dir });
  await pacer.turn(KEY, open());
  await pacer.turn(KEY, open());
  // The request "an hour ahead" counts as just now, once; then the spacing as usual.
  expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS, MIN_REQUEST_SPACING_MS]);
});

test("a DATA_DIR that cannot be written: this process paces itself, and says so once", async () => {
  // A DATA_DIR under a file: no one can create it, root included.
  const file = join(tempDir("pacer"), "a-file");
  writeFileSync(file, "");
  const dir = join(file, "data");
  const problems: string[] = [];
  const clock = fakeClock();
  const pacer = createFlexPacer(clock, { stateDir: dir, onProblem: (p) => problems.push(p) });
  await pacer.turn(KEY, open());
  await pacer.turn(KEY, open());
  expect(clock.sleeps).toEqual([MIN_REQUEST_SPACING_MS]);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`${join(dir, IBKR_PACER_FILE)} cannot be used`);
  expect(problems[0]).toContain("make DATA_DIR writable");
  expect(problems[0]).not.toContain("493817265509182736450918");
});
