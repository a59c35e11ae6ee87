// A fake HTTP service on 127.0.0.1 (port 0) for tests: routes by "METHOD /path" or "/path",
// records every request, and stops cleanly. Platform fakes are built on it.
import type { Server } from "bun";

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The raw query string as sent, without "?" (what exchanges sign). */
  readonly rawQuery: string;
  readonly headers: Headers;
  readonly body: string;
  readonly bodyBytes: Uint8Array;
  readonly receivedAt: number;
}

export type FakeHandler = (request: RecordedRequest) => Response | Promise<Response>;

export interface FakeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Replaces or adds a route while running. */
  route(key: string, handler: FakeHandler): void;
  stop(): Promise<void>;
}

export interface FakeOptions {
  /** Delay before every answer (simulated network latency). */
  readonly latencyMs?: number;
  readonly hostname?: string;
}

export async function startFake(routes: Record<string, FakeHandler>, options: FakeOptions = {}): Promise<FakeServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server: Server<undefined> = Bun.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: 0,
    development: false,
    // Long polls and slow-answer tests hold requests open; Bun's 10 s default would cut them.
    idleTimeout: 120,
    async fetch(req) {
      const url = new URL(req.url);
      const bodyBytes = new Uint8Array(await req.arrayBuffer());
      const recorded: RecordedRequest = {
        method: req.method,
        url,
        path: url.pathname,
        query: url.searchParams,
        rawQuery: url.search.replace(/^\?/, ""),
        headers: req.headers,
        body: new TextDecoder().decode(bodyBytes),
        bodyBytes,
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      if (options.latencyMs) await Bun.sleep(options.latencyMs);
      const handler = table.get(`${req.method} ${url.pathname}`) ?? table.get(url.pathname) ?? findPrefix(table, req.method, url.pathname);
      if (!handler) return Response.json({ error: `no fake route for ${req.method} ${url.pathname}` }, { status: 404 });
      return handler(recorded);
    },
    error(error) {
      return new Response(`fake server error: ${error.message}`, { status: 500 });
    },
  });
  const port = server.port ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (key, handler) => void table.set(key, handler),
    stop: async () => {
      await server.stop(true);
    },
  };
}

/**
 * A fault's text with `{{name}}` placeholders filled from what the request carried ({{apiKey}}, {{token}} …):
 * how a test makes an upstream error quote the caller's credentials, as some APIs and proxies do. `escape`
 * encodes each value for where it lands (JSON, XML), as a server building its answer would.
 */
export function fillEchoes(
  text: string,
  values: Readonly<Record<string, string>>,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : encode(value);
  });
}

/** A value as it appears inside a JSON string literal. */
export const jsonEscape = (value: string): string => JSON.stringify(value).slice(1, -1);

/** Routes ending in "/*" match any path below them. */
function findPrefix(table: Map<string, FakeHandler>, method: string, path: string): FakeHandler | undefined {
  for (const [key, handler] of table) {
    const pattern = key.startsWith("/") ? key : key.slice(key.indexOf(" ") + 1);
    const keyMethod = key.startsWith("/") ? null : key.slice(0, key.indexOf(" "));
    if (!pattern.endsWith("/*") || (keyMethod !== null && keyMethod !== method)) continue;
    if (path.startsWith(pattern.slice(0, -1))) return handler;
  }
  return undefined;
}

/** A base URL on 127.0.0.1 where nothing listens: a port opened, then closed (connection refused). */
export async function refusingUrl(): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const url = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
  return url;
}
