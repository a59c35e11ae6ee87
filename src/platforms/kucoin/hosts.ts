// What KUCOIN_BASE_URL means: the spot base (spot, margin, Earn, key info). Futures live on their own host, derived
// from it: api-futures.kucoin.com for the global site, the same origin for a loopback fake (the paths pfbot uses do
// not collide), and none for any other host, a regional entity such as KuCoin TR, which offers no futures there.
// [docs/platforms/kucoin.md §1]

export const KUCOIN_DEFAULT_BASE_URL = "https://api.kucoin.com";
const GLOBAL_SPOT_HOST = "api.kucoin.com";
const GLOBAL_FUTURES_BASE = "https://api-futures.kucoin.com";

export interface KucoinHosts {
  readonly spot: string;
  /** null: this KuCoin offers no futures (a regional host); they are skipped without making the row partial. */
  readonly futures: string | null;
  /** Not the global site: margin or Earn answering 404000 there means "not offered", not a failure. */
  readonly regional: boolean;
}

export type KucoinHostsResult = { readonly ok: true; readonly hosts: KucoinHosts } | { readonly ok: false; readonly message: string };

/** Resolves KUCOIN_BASE_URL, or says why it cannot be used. Pure: config can call it too. */
export function resolveKucoinHosts(baseUrl: string): KucoinHostsResult {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, message: `KUCOIN_BASE_URL is not a URL: set it to ${KUCOIN_DEFAULT_BASE_URL}, or leave it unset` };
  }
  const host = url.hostname.toLowerCase();
  const base = url.origin + url.pathname.replace(/\/+$/, "");
  if (isLoopback(host)) return { ok: true, hosts: { spot: base, futures: base, regional: false } };
  if (url.protocol !== "https:")
    return { ok: false, message: `KUCOIN_BASE_URL must use https (${host}): set it to ${KUCOIN_DEFAULT_BASE_URL}, or leave it unset` };
  if (host === "api-futures.kucoin.com" || host === "api.kumex.com") {
    return {
      ok: false,
      message: `KUCOIN_BASE_URL points at KuCoin's futures host (${host}); pfbot derives it: set KUCOIN_BASE_URL to ${KUCOIN_DEFAULT_BASE_URL}`,
    };
  }
  if (host === GLOBAL_SPOT_HOST) return { ok: true, hosts: { spot: base, futures: GLOBAL_FUTURES_BASE, regional: false } };
  return { ok: true, hosts: { spot: base, futures: null, regional: true } };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
