// A settled read (value or error), so parallel reads can be judged one by one after all have answered.
import type { PlatformError } from "../types.ts";

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function settle<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** "code -2015, auth" for warnings: the code and kind, never the upstream text. */
export function describe(error: PlatformError): string {
  return error.code === undefined ? error.kind : `code ${error.code}, ${error.kind}`;
}
