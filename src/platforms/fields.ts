// Readers for the fields of a platform's JSON answer, at the edge: a missing object, list or required amount is a
// bad-response error naming the endpoint, and an amount that is present but not a number fails the platform
// (UNREADABLE_AMOUNT), never 0.
import { isRecord } from "../lib/guards.ts";
import { type Decimal, readAmount } from "../lib/money.ts";
import { type PlatformId, unexpectedResponse, unreadableAmount } from "./types.ts";

export interface FieldReaders {
  /** `value` as an object, else a bad response from `where`; `what` says what came instead. */
  record(value: unknown, where: string, what: string): Record<string, unknown>;
  /** `value` as a list, else a bad response from `where`; `what` says what came instead. */
  array(value: unknown, where: string, what: string): unknown[];
  /** An amount field: null when missing, null or ""; a decimal string or finite number; anything else fails. */
  amount(row: Record<string, unknown>, field: string, where: string): Decimal | null;
  /** An amount the figure depends on: absent is a bad response, unreadable fails as UNREADABLE_AMOUNT. */
  required(row: Record<string, unknown>, field: string, where: string): Decimal;
}

/** The readers for `platform`'s answers: their errors name it. */
export function fieldReaders(platform: PlatformId): FieldReaders {
  const amount = (row: Record<string, unknown>, field: string, where: string): Decimal | null =>
    readAmount(row[field], unreadableAmount(platform, where, field));
  return {
    record(value, where, what) {
      if (!isRecord(value)) throw unexpectedResponse(platform, where, what);
      return value;
    },
    array(value, where, what) {
      if (!Array.isArray(value)) throw unexpectedResponse(platform, where, what);
      return value;
    },
    amount,
    required(row, field, where) {
      const value = amount(row, field, where);
      if (value === null) throw unexpectedResponse(platform, where, `an entry without ${field}`);
      return value;
    },
  };
}
