// A grammY API transformer that redacts what pfbot says in the chat: the `text` and `caption` of every
// outgoing call (and the captions of a media group), so an upstream error quoting a key never reaches
// Telegram. Other parameters are left alone: they carry no upstream text, and setWebhook's secret_token
// must reach Telegram as it is.
import type { Transformer } from "grammy";
import type { Redact } from "../lib/redact.ts";

export function redactOutgoing(redact: Redact): Transformer {
  return (prev, method, payload, signal) => prev(method, redactPayload(payload, redact), signal);
}

function redactPayload<P>(payload: P, redact: Redact): P {
  if (payload === null || typeof payload !== "object") return payload;
  const record = payload as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...record };
  for (const field of ["text", "caption"]) {
    const value = record[field];
    if (typeof value === "string") copy[field] = redact(value);
  }
  if (Array.isArray(record.media)) copy.media = record.media.map((item: unknown) => redactPayload(item, redact));
  return copy as P;
}
