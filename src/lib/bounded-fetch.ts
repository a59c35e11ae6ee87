// One HTTP exchange held to two bounds that a broken or hostile server cannot lift.
// - Redirects. fetch's own `redirect: "follow"` re-sends every header (API keys, signatures, a bearer token) and the
//   query (IBKR's token) to whatever host a 3xx names, up to 20 times. Here a redirect is followed only when the
//   caller allows it (requests without credentials), only within the origin the request started at, and at most
//   `maxRedirects` times; anything else is returned as an outcome of its own, and the target is never asked.
// - Size. The body is read as a stream and dropped as soon as its decoded size passes `maxBodyBytes`: a 1 GB
//   gzip bomb costs no more than the cap. The decoding is done here, not by fetch: Bun 1.4.5's fetch inflates
//   whatever compressed bytes it holds when the connection ends, and cancelling the body ends it, so a bomb
//   refused at 4 MiB still took pfbot to 190-430 MiB (bench/bomb.ts). With `decompress: false` fetch hands over
//   the bytes as sent; DecompressionStream inflates them only as fast as they are read. Only gzip and deflate
//   are asked for, so anything else (br, zstd) is a server answering in an encoding nobody accepted.
import type { FetchFn } from "../platforms/types.ts";

export interface BoundedFetchLimits {
  /** Same-origin redirects to follow; with 0 any redirect is returned as a "redirect" outcome. */
  readonly maxRedirects: number;
  /** Largest decoded body accepted, in bytes. */
  readonly maxBodyBytes: number;
}

export type BoundedOutcome =
  | { readonly kind: "response"; readonly status: number; readonly headers: Headers; readonly bytes: Uint8Array }
  | {
      readonly kind: "redirect";
      readonly status: number;
      /** Origin and path that answered with the redirect (never the query, which may hold a token). */
      readonly where: string;
      /** Origin of the redirect's target, or null when its Location is not a URL. */
      readonly target: string | null;
      /** "not-allowed": the caller follows none; "other-origin": it leaves the origin; "too-many": past maxRedirects. */
      readonly reason: "not-allowed" | "other-origin" | "too-many";
    }
  | { readonly kind: "too-large"; readonly status: number; readonly where: string }
  /** A Content-Encoding other than the gzip and deflate asked for. */
  | { readonly kind: "unknown-encoding"; readonly status: number; readonly where: string; readonly encoding: string };

/** Same-origin redirects a request without credentials follows (platform market data, the Bank of Russia feeds). */
export const PUBLIC_MAX_REDIRECTS = 3;

/** Sends `init` to `url` with redirects handled here (never by fetch) and reads the body within the cap. */
export async function boundedFetch(fetchFn: FetchFn, url: string, init: RequestInit, limits: BoundedFetchLimits): Promise<BoundedOutcome> {
  const origin = new URL(url).origin;
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    // Our own abort, so a refused body also closes its connection rather than leaving it to drain.
    const stop = new AbortController();
    const signal = init.signal ? AbortSignal.any([init.signal, stop.signal]) : stop.signal;
    const headers = new Headers(init.headers);
    headers.set("Accept-Encoding", ACCEPTED_ENCODINGS);
    const rawInit: RequestInit & { decompress: boolean } = { ...init, headers, signal, redirect: "manual", decompress: false };
    const response = await fetchFn(current.href, rawInit);
    const where = current.origin + current.pathname;
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
    if (location === null) {
      const encoding = (response.headers.get("content-encoding") ?? "identity").trim().toLowerCase() || "identity";
      const format = DECODERS.get(encoding);
      if (format === undefined) {
        await response.body?.cancel().catch(() => undefined);
        stop.abort();
        return { kind: "unknown-encoding", status: response.status, where, encoding: encoding.slice(0, 40) };
      }
      const body = format === null || response.body === null ? response.body : response.body.pipeThrough(new DecompressionStream(format));
      const bytes = await readWithin(body, limits.maxBodyBytes);
      if (bytes !== null) return { kind: "response", status: response.status, headers: response.headers, bytes };
      stop.abort();
      return { kind: "too-large", status: response.status, where };
    }
    await response.body?.cancel().catch(() => undefined);
    stop.abort();
    const next = URL.parse(location, current.href);
    const refuse = (reason: "not-allowed" | "other-origin" | "too-many"): BoundedOutcome => ({
      kind: "redirect",
      status: response.status,
      where,
      target: next?.origin ?? null,
      reason,
    });
    if (limits.maxRedirects <= 0) return refuse("not-allowed");
    if (next === null || next.origin !== origin) return refuse("other-origin");
    if (redirects >= limits.maxRedirects) return refuse("too-many");
    current = next;
  }
}

/** "4 MiB", "512 KiB": a cap as the user reads it. */
export function describeBytes(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

const MiB = 1024 * 1024;
const ACCEPTED_ENCODINGS = "gzip, deflate";
/** Content-Encoding → DecompressionStream format; null for a body sent as is. */
const DECODERS = new Map<string, "gzip" | "deflate" | null>([
  ["identity", null],
  ["gzip", "gzip"],
  ["x-gzip", "gzip"],
  ["deflate", "deflate"],
]);
/** 3xx answers that carry a Location to go to (300 and 304 do not). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The whole body, or null (and the stream cancelled) once it passes `limit` bytes. */
async function readWithin(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return only;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
