// A grammY API transformer that redacts what pfbot says in the chat: the `text` and `caption` of every
// outgoing call (and the captions of a media group, or of editMessageMedia's one medium), so an upstream error quoting a key never reaches
// Telegram. Other parameters are left alone: they carry no upstream text, and setWebhook's secret_token
// must reach Telegram as it is.
import type { Transformer } from "grammy";
import type { Redact } from "../lib/redact.ts";

export function redactOutgoing(redact: Redact): Transformer {
  return (prev, method, payload, signal) => prev(method, redactPayload(payload, redact), signal);
}

/** `medium`: an InputMedia inside the payload, whose own `media` is the file (an InputFile, kept as it is). */
function redactPayload<P>(payload: P, redact: Redact, medium = false): P {
  if (payload === null || typeof payload !== "object") return payload;
  const record = payload as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...record };
  for (const field of ["text", "caption"]) {
    const value = record[field];
    if (typeof value === "string") copy[field] = redact(value);
  }
  if (!medium && Array.isArray(record.media)) copy.media = record.media.map((item: unknown) => redactPayload(item, redact, true));
  else if (!medium && typeof record.media === "object" && record.media !== null) copy.media = redactPayload(record.media, redact, true);
  return copy as P;
}
