// A DATA_DIR that already holds the IBKR statement cache a good Flex answer leaves behind (a product
// feature: IBKR_CACHE_MINUTES), written by the product's own parser and state module from the fake's
// statement. Runs that are not about IBKR then read it from disk: no Flex round trip, no 5 s poll, and
// no dependence on an earlier test having fetched it.
import { createIbkrState } from "../../src/platforms/ibkr/state.ts";
import { readFlexBody, readStatementNav } from "../../src/platforms/ibkr/xml.ts";
import { FAKE_IBKR_QUERY } from "../fakes/all.ts";
import { realisticIbkrStatement } from "../fakes/ibkr-statements.ts";

/** Writes the realistic statement's cache into `dataDir`, as fetched at `savedAt` (ms). */
export async function seedIbkrCache(dataDir: string, savedAt: number): Promise<void> {
  const body = readFlexBody(realisticIbkrStatement().xml);
  if (body.kind !== "statement") throw new Error(`the fake's statement does not read as one (${body.kind})`);
  const nav = readStatementNav(body.response);
  await createIbkrState(dataDir, (problem) => {
    throw new Error(problem);
  }).writeCache({ queryId: FAKE_IBKR_QUERY, savedAt, accounts: nav.accounts, warnings: nav.warnings });
}
