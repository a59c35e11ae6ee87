// What BINANCE_BASE_URL means: the Spot/SAPI base of Binance.com. The futures hosts are derived from it (fapi for
// USDⓈ-M, dapi for COIN-M); a loopback base serves every prefix (/api, /sapi, /fapi, /dapi never collide), so one fake
// can stand in for all three. Regional exchanges (Binance.US, Binance TR, …) run different APIs and are refused with a
// message that says so, never reported later as "invalid key". [docs/platforms/binance.md §1]

export const BINANCE_DEFAULT_BASE_URL = "https://api.binance.com";

export interface BinanceHosts {
  /** /api and /sapi. */
  readonly spot: string;
  /** /fapi (USDⓈ-M futures). */
  readonly usdM: string;
  /** /dapi (COIN-M futures). */
  readonly coinM: string;
}

export type BinanceHostsResult = { readonly ok: true; readonly hosts: BinanceHosts } | { readonly ok: false; readonly message: string };

/** The documented Spot/SAPI hosts of Binance.com [rest-api.md §General API Information]. */
const SPOT_HOSTS: ReadonlySet<string> = new Set([
  "api.binance.com",
  "api-gcp.binance.com",
  "api1.binance.com",
  "api2.binance.com",
  "api3.binance.com",
  "api4.binance.com",
]);

/** Other Binance entities and hosts, by domain suffix: what the user set, named in the refusal. */
const NOT_BINANCE_COM: readonly (readonly [suffix: string, what: string])[] = [
  ["binance.us", "Binance.US, which is a different exchange with a different API"],
  ["binance.tr", "Binance TR, which is a different exchange with its own API"],
  ["binance.me", "Binance TR, which is a different exchange with its own API"],
  ["binance.th", "Binance TH, which is a separate regional exchange"],
  ["binance.co.jp", "Binance Japan, which is a separate regional exchange"],
  ["testnet.binance.vision", "the Spot testnet, whose keys and balances are not your account"],
  ["data-api.binance.vision", "Binance's public market-data host, which serves no account data"],
  ["fapi.binance.com", "the USDⓈ-M futures host; pfbot derives it from the Spot host"],
  ["dapi.binance.com", "the COIN-M futures host; pfbot derives it from the Spot host"],
];

const FIX = `pfbot's Binance platform reads Binance.com only: set BINANCE_BASE_URL to ${BINANCE_DEFAULT_BASE_URL} (or api-gcp, api1–api4.binance.com), or leave it unset`;

/** Resolves BINANCE_BASE_URL into the three bases, or says why it cannot be used. Pure: config can call it too. */
export function resolveBinanceHosts(baseUrl: string): BinanceHostsResult {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, message: `BINANCE_BASE_URL is not a URL; ${FIX}` };
  }
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/\/+$/, "");
  if (isLoopback(host)) {
    const base = url.origin + path;
    return { ok: true, hosts: { spot: base, usdM: base, coinM: base } };
  }
  const other = NOT_BINANCE_COM.find(([suffix]) => host === suffix || host.endsWith(`.${suffix}`));
  if (other) return { ok: false, message: `BINANCE_BASE_URL points at ${other[1]} (${host}); ${FIX}` };
  if (!SPOT_HOSTS.has(host)) return { ok: false, message: `BINANCE_BASE_URL (${host}) is not a Binance.com API host; ${FIX}` };
  if (url.protocol !== "https:") return { ok: false, message: `BINANCE_BASE_URL must use https (${host}); ${FIX}` };
  if (path !== "" || url.port !== "")
    return { ok: false, message: `BINANCE_BASE_URL must be the host only, without a path or port (${host}); ${FIX}` };
  return { ok: true, hosts: { spot: `https://${host}`, usdM: "https://fapi.binance.com", coinM: "https://dapi.binance.com" } };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
