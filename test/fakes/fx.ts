// Fake Bank of Russia feeds on 127.0.0.1: cbr.ru's XML_daily.asp as real windows-1251 bytes with comma decimals,
// and cbr-xml-daily.ru's daily_json.js (brokers.md §3.1, §3.2). Two servers, so a test can see which host was asked.
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
  /** YYYY-MM-DD from which the rates are in force. */
  date: string;
  currencies: FakeCurrency[];
  /** The older CBR format had no VunitRate element (brokers.md §3.1). */
  vunitRate: boolean;
}

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
    [`GET ${CBR_PATH}`]: async () =>
      (await faulty(CBR_PATH)) ??
      new Response(encodeWindows1251(cbrDailyXml(state)), { headers: { "Content-Type": "application/xml; charset=windows-1251" } }),
  });
  const mirror: FakeServer = await startFake({
    [`GET ${MIRROR_PATH}`]: async () =>
      (await faulty(MIRROR_PATH)) ??
      new Response(mirrorDailyJson(state), { headers: { "Content-Type": "application/javascript; charset=utf-8" } }),
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

/** The daily_json.js body: numbers as JSON numbers, Date with the Moscow offset. */
export function mirrorDailyJson(state: Pick<FxFakeState, "date" | "currencies">): string {
  const [year, month, day] = state.date.split("-");
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
      PreviousDate: `${state.date}T11:30:00+03:00`,
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
