// Fake Bank of Russia feeds on 127.0.0.1: cbr.ru's XML_daily.asp as real windows-1251 bytes with comma decimals,
// and cbr-xml-daily.ru's daily_json.js (brokers.md §3.1, §3.2). Two servers, so a test can see which host was asked.
// Like the real ones, they know more than one day's set: XML_daily.asp?date_req=dd/mm/yyyy answers with the set in
// force on that date (a weekend's is the set dated before it, with its own Date), and the mirror serves each set
// under /archive/YYYY/MM/DD/daily_json.js (404 for a day without one) and names the one before in PreviousDate.
import { dec, div, toFixed, toPlainString } from "../../src/lib/money.ts";
import { createFaultList, delayOrHold, type FaultList, frontAnswer, requestsTo } from "./faults.ts";
import { type FakeServer, type RecordedRequest, startFake } from "./server.ts";

interface FakeCurrency {
  /** CBR internal id, e.g. "R01235" for USD. */
  readonly id: string;
  readonly numCode: string;
  readonly charCode: string;
  readonly nominal: number;
  /** Russian name as the CBR prints it (Cyrillic, so the windows-1251 bytes are really exercised). */
  readonly name: string;
  /** RUB per `nominal` units, dot decimal: "80.4512". */
  readonly value: string;
}

/** The feeds' paths: a fault's `path` picks the feed (faults.ts: `status`, `body`, `delayMs`, `hang`). */
export const CBR_PATH = "/scripts/XML_daily.asp";
export const MIRROR_PATH = "/daily_json.js";

/** The page DDoS-Guard shows instead of the feed (served with status 200, or 403): `{ path, body: DDOS_GUARD_PAGE }`. */
export const DDOS_GUARD_PAGE =
  '<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body><div id="ddg-captcha">Checking your browser before accessing cbr.ru</div></body></html>';

export interface FxFakeState {
  /** YYYY-MM-DD from which the rates are in force: the latest set, what a request without a date gets. */
  date: string;
  currencies: FakeCurrency[];
  /** The older CBR format had no VunitRate element (brokers.md §3.1). */
  vunitRate: boolean;
  /** Earlier sets, each in force from its date until the next set's; absent: only the latest is known. */
  earlier?: FakeRateSet[];
}

/** One day's set of rates. */
interface FakeRateSet {
  /** YYYY-MM-DD from which it is in force. */
  readonly date: string;
  readonly currencies: FakeCurrency[];
}

/** The archive of the mirror: `/archive/YYYY/MM/DD/daily_json.js` (a fault's `path` "daily_json.js" matches it too). */
const MIRROR_ARCHIVE_PREFIX = "/archive/";

export interface FxFake {
  readonly cbrUrl: string;
  readonly mirrorUrl: string;
  readonly state: FxFakeState;
  readonly faults: FaultList;
  readonly cbrRequests: RecordedRequest[];
  readonly mirrorRequests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  stop(): Promise<void>;
}

/** Plausible rates (not any real day's), Nominal ≠ 1 included, for fx tests and later snapshot/demo tests. */
export function presetFxState(): FxFakeState {
  return {
    date: "2025-06-11",
    vunitRate: true,
    currencies: [
      { id: "R01235", numCode: "840", charCode: "USD", nominal: 1, name: "Доллар США", value: "80.4512" },
      { id: "R01239", numCode: "978", charCode: "EUR", nominal: 1, name: "Евро", value: "92.1875" },
      { id: "R01775", numCode: "756", charCode: "CHF", nominal: 1, name: "Швейцарский франк", value: "98.3406" },
      { id: "R01035", numCode: "826", charCode: "GBP", nominal: 1, name: "Фунт стерлингов Соединенного королевства", value: "108.7093" },
      { id: "R01375", numCode: "156", charCode: "CNY", nominal: 1, name: "Китайский юань", value: "11.1928" },
      { id: "R01820", numCode: "392", charCode: "JPY", nominal: 100, name: "Японских иен", value: "55.6041" },
      { id: "R01335", numCode: "398", charCode: "KZT", nominal: 100, name: "Казахстанских тенге", value: "15.7310" },
      { id: "R01670", numCode: "764", charCode: "THB", nominal: 10, name: "Таиландских батов", value: "24.6128" },
      { id: "R01150", numCode: "704", charCode: "VND", nominal: 10000, name: "Вьетнамских донгов", value: "30.8815" },
    ],
  };
}

export async function startFxFake(state: FxFakeState = presetFxState()): Promise<FxFake> {
  const faults = createFaultList();
  const faulty = async (path: string): Promise<Response | null> => {
    const fault = faults.take(path);
    return (await delayOrHold(faults, fault)) ?? frontAnswer(fault);
  };
  const cbr = await startFake({
    [`GET ${CBR_PATH}`]: async (request) => {
      const fault = await faulty(CBR_PATH);
      if (fault) return fault;
      const requested = request.query.get("date_req");
      let set: FakeRateSet | null = latestSet(state);
      if (requested !== null) {
        // The CBR's own answer to a malformed date is not modelled: the fake refuses it so a test notices.
        const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(requested);
        if (!match) return new Response(`fake: date_req must be dd/mm/yyyy, got ${requested}`, { status: 400 });
        set = setInForceOn(state, `${match[3]}-${match[2]}-${match[1]}`);
        if (!set) return new Response(`fake: no set is modelled on or before ${requested}`, { status: 500 });
      }
      const xml = cbrDailyXml({ ...state, ...set });
      return new Response(encodeWindows1251(xml), { headers: { "Content-Type": "application/xml; charset=windows-1251" } });
    },
  });
  const mirror: FakeServer = await startFake({
    [`GET ${MIRROR_PATH}`]: async () => (await faulty(MIRROR_PATH)) ?? mirrorAnswer(state, latestSet(state)),
    [`GET ${MIRROR_ARCHIVE_PREFIX}*`]: async (request) => {
      const fault = await faulty(request.path);
      if (fault) return fault;
      const match = /^\/archive\/(\d{4})\/(\d{2})\/(\d{2})\/daily_json\.js$/.exec(request.path);
      const set = match ? allSets(state).find((candidate) => candidate.date === `${match[1]}-${match[2]}-${match[3]}`) : undefined;
      // Only the days a set is dated: a weekend or a holiday has no archive entry (brokers.md §3.2).
      return set ? mirrorAnswer(state, set) : new Response("<html><body><h1>404 Not Found</h1></body></html>", { status: 404 });
    },
  });
  return {
    cbrUrl: cbr.url,
    mirrorUrl: mirror.url,
    state,
    faults,
    cbrRequests: cbr.requests,
    mirrorRequests: mirror.requests,
    requestsTo: (path) => requestsTo([...cbr.requests, ...mirror.requests], path),
    stop: async () => {
      faults.clear();
      await Promise.all([cbr.stop(), mirror.stop()]);
    },
  };
}

/** Every set the fake knows, newest first. */
function allSets(state: FxFakeState): FakeRateSet[] {
  return [latestSet(state), ...(state.earlier ?? [])].sort((a, b) => b.date.localeCompare(a.date));
}

function latestSet(state: FxFakeState): FakeRateSet {
  return { date: state.date, currencies: state.currencies };
}

/** The set in force on `day`: the newest dated on or before it. */
function setInForceOn(state: FxFakeState, day: string): FakeRateSet | null {
  return allSets(state).find((set) => set.date <= day) ?? null;
}

function mirrorAnswer(state: FxFakeState, set: FakeRateSet): Response {
  const previous = allSets(state).find((candidate) => candidate.date < set.date);
  return new Response(mirrorDailyJson(set, previous?.date), { headers: { "Content-Type": "application/javascript; charset=utf-8" } });
}

/** The XML_daily.asp text, one long line as the CBR sends it: comma decimals, dd.mm.yyyy date. */
export function cbrDailyXml(state: Pick<FxFakeState, "date" | "currencies" | "vunitRate">): string {
  const [year, month, day] = state.date.split("-");
  const rows = state.currencies.map((c) => {
    const vunit = state.vunitRate ? `<VunitRate>${comma(toPlainString(div(dec(c.value), dec(c.nominal))))}</VunitRate>` : "";
    return (
      `<Valute ID="${c.id}"><NumCode>${c.numCode}</NumCode><CharCode>${c.charCode}</CharCode><Nominal>${c.nominal}</Nominal>` +
      `<Name>${c.name}</Name><Value>${comma(toFixed(dec(c.value), 4))}</Value>${vunit}</Valute>`
    );
  });
  return `<?xml version="1.0" encoding="windows-1251"?><ValCurs Date="${day}.${month}.${year}" name="Foreign Currency Market">${rows.join("")}</ValCurs>`;
}

/** The daily_json.js body: numbers as JSON numbers, Date with the Moscow offset; PreviousDate the set before (itself when unknown). */
export function mirrorDailyJson(state: Pick<FxFakeState, "date" | "currencies">, previousDate = state.date): string {
  const [year, month, day] = previousDate.split("-");
  const valute: Record<string, unknown> = {};
  for (const c of state.currencies) {
    const value = Number(c.value);
    valute[c.charCode] = {
      ID: c.id,
      NumCode: c.numCode,
      CharCode: c.charCode,
      Nominal: c.nominal,
      Name: c.name,
      Value: value,
      Previous: value,
    };
  }
  return JSON.stringify(
    {
      Date: `${state.date}T11:30:00+03:00`,
      PreviousDate: `${previousDate}T11:30:00+03:00`,
      PreviousURL: `//www.cbr-xml-daily.ru/archive/${year}/${month}/${day}/daily_json.js`,
      Timestamp: `${state.date}T00:00:00+03:00`,
      Valute: valute,
    },
    null,
    4,
  );
}

/** windows-1251 for ASCII and the Russian alphabet (А..я, Ё, ё), which is all the CBR names use; throws on anything else. */
export function encodeWindows1251(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) out[i] = code;
    else if (code >= 0x410 && code <= 0x44f) out[i] = code - 0x410 + 0xc0;
    else if (code === 0x401) out[i] = 0xa8;
    else if (code === 0x451) out[i] = 0xb8;
    else throw new Error(`no windows-1251 byte for U+${code.toString(16)} in the fake`);
  }
  return out;
}

function comma(text: string): string {
  return text.replace(".", ",");
}
