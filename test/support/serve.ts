// Fake servers started by a test and stopped after it, whatever the test's outcome.
import { afterEach } from "bun:test";
import { type FakeServer, startFake } from "../fakes/server.ts";

/** Registers the clean-up in the calling file; returns the function that starts a server for the current test. */
export function servePerTest(): (routes: Parameters<typeof startFake>[0]) => Promise<FakeServer> {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  return async (routes) => {
    const server = await startFake(routes);
    servers.push(server);
    return server;
  };
}
