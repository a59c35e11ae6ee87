// Small helpers shared by the platform tests.
import { PlatformError } from "../../src/platforms/types.ts";

/** Awaits a call expected to fail with a PlatformError and returns that error (anything else fails the test). */
export async function expectPlatformError(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${error === null ? "a result" : String(error)}`);
  return error;
}
