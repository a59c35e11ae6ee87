// Pure parsers for the two Bank of Russia rate feeds (brokers.md §3.1, §3.2) and for pfbot's own FX cache file.
// Every rate comes out as RUB per ONE unit, exact, keyed by the ISO code; RUB itself is not listed by the CBR.
import { XMLParser } from "fast-xml-parser";
import { errorMessage } from "../lib/errors.ts";
import { isRecord } from "../lib/guards.ts";
import { cmp, type Decimal, dec, div, isPlausibleAmount, parseDecimal, toPlainString, ZERO } from "../lib/money.ts";
import { clip } from "../lib/redact.ts";

/** What a feed says: the date the rates are in force (YYYY-MM-DD) and RUB per unit of each currency. */
interface ParsedRates {
  readonly date: string;
  readonly rubPerUnit: ReadonlyMap<string, Decimal>;
  /** Entries that could not be read (code or position), left out instead of failing the whole feed. */
  readonly skipped: readonly string[];
}

export type ParseOutcome = { readonly ok: true; readonly rates: ParsedRates } | { readonly ok: false; readonly problem: string };

/**
 * CBR `XML_daily.asp`: windows-1251 bytes, `<ValCurs Date="dd.mm.yyyy">` with `<Valute>` rows whose `Value` is RUB per
 * `Nominal` units with a comma decimal. `Value / Nominal` is used rather than `VunitRate`: VunitRate only exists in
 * responses since about 2023 (brokers.md §3.1), and Value/Nominal gives the same number in both formats.
 */
export function parseCbrXml(bytes: Uint8Array): ParseOutcome {
  const text = decodeWindows1251(bytes);
  // DDoS-Guard answers with an HTML challenge page (brokers.md §3.1): say so instead of a parser error.
  if (/^\s*(<!doctype html|<html)/i.test(text))
    return { ok: false, problem: `an HTML page instead of the rates XML (starts ${quote(text)})` };
  let doc: unknown;
  try {
    doc = XML.parse(text);
  } catch (error) {
    return { ok: false, problem: `unreadable XML (${errorMessage(error)})` };
  }
  const root = isRecord(doc) ? doc.ValCurs : undefined;
  if (!isRecord(root)) return { ok: false, problem: `no <ValCurs> root element (starts ${quote(text)})` };
  const date = typeof root.Date === "string" ? dottedToIso(root.Date) : null;
  if (date === null) return { ok: false, problem: `<ValCurs Date> is missing or not dd.mm.yyyy (${quote(String(root.Date ?? ""))})` };
  const rows = Array.isArray(root.Valute) ? root.Valute : [];
  return collect(date, rows, (row) => {
    if (!isRecord(row)) return null;
    const value = typeof row.Value === "string" ? parseDecimal(row.Value.replace(",", ".")) : null;
    return { code: row.CharCode, nominal: parseNominal(row.Nominal), value };
  });
}

/**
 * cbr-xml-daily.ru `daily_json.js`: `{Date: "2022-02-03T11:30:00+03:00", Valute: {USD: {CharCode, Nominal, Value}}}`
 * with JSON numbers (brokers.md §3.2). `Date` carries the Moscow offset, so its first ten characters are the in-force date.
 */
export function parseCbrMirrorJson(text: string): ParseOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, problem: `not JSON (starts ${quote(text)})` };
  }
  if (!isRecord(doc) || !isRecord(doc.Valute)) return { ok: false, problem: "no Valute object in the JSON" };
  const rawDate = doc.Date;
  const date =
    typeof rawDate === "string" && /^\d{4}-\d{2}-\d{2}T/.test(rawDate) && isRealDate(rawDate.slice(0, 10)) ? rawDate.slice(0, 10) : null;
  if (date === null) return { ok: false, problem: `Date is missing or not ISO (${quote(String(rawDate ?? ""))})` };
  return collect(date, Object.entries(doc.Valute), ([key, row]) => {
    if (!isRecord(row)) return null;
    return { code: row.CharCode ?? key, nominal: parseNominal(row.Nominal), value: jsonNumberToDecimal(row.Value) };
  });
}

/** Decodes CBR bytes; the ASCII fields read the same through latin1 if this runtime lacks windows-1251 (Bun < 1.4). */
function decodeWindows1251(bytes: Uint8Array): string {
  try {
    return new TextDecoder("windows-1251").decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** "02.11.2023" → "2023-11-02"; null unless it is a real calendar date. */
function dottedToIso(text: string): string | null {
  const match = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const iso = `${match[3]}-${match[2]}-${match[1]}`;
  return isRealDate(iso) ? iso : null;
}

/** The cache file body: decimals as strings so nothing passes through a float. */
export function serializeRatesCache(rates: {
  source: string;
  date: string;
  fetchedAt: number;
  rubPerUnit: ReadonlyMap<string, Decimal>;
}): string {
  const table: Record<string, string> = {};
  for (const [code, rate] of rates.rubPerUnit) table[code] = toPlainString(rate);
  return JSON.stringify(
    { format: CACHE_FORMAT, source: rates.source, date: rates.date, fetchedAt: rates.fetchedAt, rubPerUnit: table },
    null,
    1,
  );
}

/** Reads a cache file body back; null when it is not one this version wrote (then it is ignored and refetched). */
export function parseRatesCache(
  text: string,
): { source: string; date: string; fetchedAt: number; rubPerUnit: Map<string, Decimal> } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(doc) || doc.format !== CACHE_FORMAT || !isRecord(doc.rubPerUnit)) return null;
  const { source, date, fetchedAt } = doc;
  if (typeof source !== "string" || typeof date !== "string" || !isRealDate(date)) return null;
  if (typeof fetchedAt !== "number" || !Number.isSafeInteger(fetchedAt)) return null;
  const rubPerUnit = new Map<string, Decimal>();
  for (const [code, raw] of Object.entries(doc.rubPerUnit)) {
    const rate = typeof raw === "string" ? parseDecimal(raw) : null;
    if (!CODE_RE.test(code) || rate === null || cmp(rate, ZERO) <= 0 || !isPlausibleAmount(rate)) return null;
    rubPerUnit.set(code, rate);
  }
  return rubPerUnit.has("USD") ? { source, date, fetchedAt, rubPerUnit } : null;
}

const CACHE_FORMAT = 1;
const CODE_RE = /^[A-Z]{3}$/;

// Numbers stay strings (stack.md §9); the feed needs no DTD, so entities are not expanded at all.
const XML = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  ignoreDeclaration: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name, _jpath, _isLeaf, isAttribute) => !isAttribute && name === "Valute",
});

interface RawRow {
  readonly code: unknown;
  readonly nominal: Decimal | null;
  readonly value: Decimal | null;
}

function collect<T>(date: string, rows: readonly T[], read: (row: T) => RawRow | null): ParseOutcome {
  const rubPerUnit = new Map<string, Decimal>();
  const skipped: string[] = [];
  rows.forEach((row, index) => {
    const raw = read(row);
    const code = raw && typeof raw.code === "string" && CODE_RE.test(raw.code) ? raw.code : null;
    // A rate of 10^15 RUB or more is a corrupt row, not a currency: it would make every holding in it worthless in USD.
    if (!raw || code === null || raw.nominal === null || raw.value === null || cmp(raw.value, ZERO) <= 0 || !isPlausibleAmount(raw.value)) {
      skipped.push(code ?? `#${index + 1}`);
      return;
    }
    // Nominals are 1, 10, …, 10000 and values have 4 decimals, so 12 places keep the quotient exact.
    rubPerUnit.set(code, div(raw.value, raw.nominal));
  });
  if (!rubPerUnit.has("USD")) return { ok: false, problem: `no readable USD rate among ${rows.length} currencies` };
  return { ok: true, rates: { date, rubPerUnit, skipped } };
}

function parseNominal(raw: unknown): Decimal | null {
  const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  return /^[1-9]\d{0,8}$/.test(text) ? dec(text) : null;
}

/** JSON numbers print as the shortest text that reads back the same, i.e. the digits the mirror sent ("76.4849"). */
function jsonNumberToDecimal(raw: unknown): Decimal | null {
  return typeof raw === "number" && Number.isFinite(raw) ? parseDecimal(String(raw)) : null;
}

function isRealDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === iso;
}

function quote(text: string): string {
  return JSON.stringify(clip(text.trim(), 40));
}
