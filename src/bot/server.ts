// Bun.serve for the optional webhook and GET /healthz. Bound to LISTEN_HOST (127.0.0.1 by default,
// behind a reverse proxy). Thrown errors answer a short 500, never Bun's development error page.

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** POST path and handler of the Telegram webhook (the handler checks the secret token). */
  readonly webhook: { readonly path: string; readonly handle: (request: Request) => Promise<Response> } | null;
  /** The /healthz body; answered with 503 when not ok, so a check that reads only the status sees it too. */
  readonly health: () => { readonly ok: boolean };
  /** Applied to the /healthz body: its problems quote upstream errors, which may echo a secret. */
  readonly redact: (text: string) => string;
  readonly onError: (error: Error) => void;
}

export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

export function startServer(options: ServerOptions): RunningServer {
  const server = Bun.serve({
    hostname: options.host,
    port: options.port,
    development: false,
    // A webhook call may wait for a snapshot (up to the platform timeouts); Bun's 10 s default would cut it.
    idleTimeout: 60,
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (request.method === "GET" && path === "/healthz") {
        const health = options.health();
        return new Response(options.redact(JSON.stringify(health)), {
          status: health.ok ? 200 : 503,
          headers: { "Content-Type": "application/json;charset=utf-8" },
        });
      }
      if (options.webhook && path === options.webhook.path) {
        return request.method === "POST" ? options.webhook.handle(request) : new Response("method not allowed", { status: 405 });
      }
      return new Response("not found", { status: 404 });
    },
    error(error) {
      options.onError(error);
      return new Response("error", { status: 500 });
    },
  });
  return {
    port: server.port ?? options.port,
    stop: async () => {
      await server.stop(true);
    },
  };
}
