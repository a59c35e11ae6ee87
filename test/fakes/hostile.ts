// Answers a hostile or broken server gives, for any fake's routes: redirects, bodies far larger than any real
// answer, and gzip bombs. Used by the tests and by bench/bomb.ts. Nothing here is stored on disk: the bomb is
// built from zeros when asked for.

export const MiB = 1024 * 1024;

/** A redirect to `location` (absolute, or relative to the request). */
export function redirectTo(location: string, status = 307): Response {
  return new Response("moved", { status, headers: { Location: location } });
}

/** What a streamed body has sent so far: a client that stops reading leaves it short of the total. */
export interface SentCounter {
  bytes: number;
}

/** `total` bytes of JSON-looking text, streamed 1 MiB at a time as the client reads (no Content-Length). */
export function hugeBody(total: number, counter: SentCounter = { bytes: 0 }, contentType = "application/json"): Response {
  const chunk = new TextEncoder().encode(`{"pad":"${" ".repeat(MiB - 10)}"},`.slice(0, MiB));
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (counter.bytes >= total) return controller.close();
        const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - counter.bytes));
        counter.bytes += piece.byteLength;
        controller.enqueue(piece.slice());
      },
    }),
    { headers: { "Content-Type": contentType } },
  );
}

/**
 * A gzip body that inflates to `decodedBytes` of zeros: 16 MiB of zeros gzipped once with Bun.gzipSync (about
 * 16 KB) and sent as many times as needed. Back-to-back gzip members are one valid gzip stream, which fetch
 * inflates member after member: 1 GiB decoded is about 1 MB on the wire.
 */
export function gzipBomb(decodedBytes: number, contentType = "application/json"): Response {
  const member = bombMember();
  let members = Math.ceil(decodedBytes / BOMB_MEMBER_BYTES);
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (members-- <= 0) return controller.close();
        controller.enqueue(member.slice());
      },
    }),
    { headers: { "Content-Type": contentType, "Content-Encoding": "gzip" } },
  );
}

const BOMB_MEMBER_BYTES = 16 * MiB;
let cachedMember: Uint8Array | null = null;

function bombMember(): Uint8Array {
  cachedMember ??= Bun.gzipSync(new Uint8Array(BOMB_MEMBER_BYTES), { level: 9 });
  return cachedMember;
}
