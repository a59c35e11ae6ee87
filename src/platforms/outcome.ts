// A settled read (value or error), so parallel reads can be judged one by one after all have answered.
import type { PlatformError } from "./types.ts";

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function settle<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The value, or the read's error thrown again: for a read the result cannot do without. */
export function valueOrThrow<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

/** "code 50111, auth" (or just the kind when there is no code) for warnings: never the upstream text. */
export function describe(error: PlatformError): string {
  return error.code === undefined ? error.kind : `code ${error.code}, ${error.kind}`;
}
