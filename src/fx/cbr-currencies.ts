/**
 * @module The currencies the Bank of Russia's daily set lists (XML_daily.asp of 2 November 2023, brokers.md §3.1).
 * A platform that reports in another currency (an IBKR account whose base is CNH, ILS or MXN) must bring its own rate
 * to USD. The list only decides who must: should the CBR drop one of these, that holding shows "no rate" as before;
 * should it add one, the platform's own rate is still used for it.
 */
const CBR_DAILY_CURRENCIES: ReadonlySet<string> = new Set(
  (
    "AUD AZN GBP AMD BYN BGN BRL HUF VND HKD GEL DKK AED USD EUR EGP INR IDR KZT CAD QAR KGS CNY MDL NZD NOK PLN RON " +
    "XDR SGD TJS THB TRY TMT UZS UAH CZK SEK CHF RSD ZAR KRW JPY"
  ).split(" "),
);

/** Whether the Bank of Russia's daily set lists `currency` (ISO code, any case). */
export function isListedByCbr(currency: string): boolean {
  return CBR_DAILY_CURRENCIES.has(currency.toUpperCase());
}
