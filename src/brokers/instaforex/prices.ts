import { decimalPlaces, isZeroDecimal, normalizeDecimal, roundDecimal, type Decimal } from '../../decimal.js';
import { symbolTraits } from './map-instaforex-instrument.js';

/**
 * Some InstaForex records carry prices that were stored as single-precision floats and printed as
 * doubles: 1.23873 arrives as 1.2387299537658691 (§4.5). They are rounded back to the
 * instrument's digits. The API never states the digits, so they are worked out per record:
 *
 * 1. From the symbol, as MT4 brokers quote it: 3 for a JPY quote (USDJPY 153.071), 2 for gold
 *    (XAUUSD 2302.45), 3 for silver, 5 for everything else (EURUSD 1.07041).
 * 2. Raised to the decimals of any clean price in the same record: a price written with few
 *    decimals is how the broker quoted it, so a symbol quoted finer than assumed is not cut.
 *    (Clean prices can only raise the count: Json.NET drops trailing zeros, 2325.50 → 2325.5.)
 * 3. Never more decimals than a float32 holds for that magnitude (7 significant digits): for a
 *    symbol whose digits were guessed too high, 189.83999633789062 still becomes 189.84.
 *
 * Only prices with more decimals than the digits are touched; every other price stays exactly
 * as written.
 */

/** More decimals than any broker quotes: a price written this finely is float-widened, not quoted. */
const cleanPriceDecimals = 6;
const float32SignificantDigits = 7;

export function defaultDigits(symbol: string): number {
  const { baseCurrency, quoteCurrency } = symbolTraits(symbol);
  if (baseCurrency === 'XAU') return 2;
  if (baseCurrency === 'XAG' || quoteCurrency === 'JPY') return 3;
  return 5;
}

/** The digits of one record's prices (open, close, stop loss, take profit), by the rules above. */
export function recordDigits(symbol: string, prices: Decimal[]): number {
  let digits = defaultDigits(symbol);
  for (const price of prices) {
    const places = decimalPlaces(price);
    if (!isZeroDecimal(price) && places <= cleanPriceDecimals) digits = Math.max(digits, places);
  }
  return digits;
}

export function roundPrice(price: Decimal, digits: number): Decimal {
  if (decimalPlaces(price) <= digits) return normalizeDecimal(price);
  const integerPart = normalizeDecimal(price).replace('-', '').split('.')[0]!;
  const integerDigits = integerPart === '0' ? 0 : integerPart.length;
  return roundDecimal(price, Math.min(digits, Math.max(0, float32SignificantDigits - integerDigits)));
}

/** A trade record's open and close prices, rounded to the record's digits. */
export function tradePrices(
  symbol: string,
  record: { openprice: Decimal; closeprice: Decimal; sl: Decimal; tp: Decimal },
): { openPrice: Decimal; closePrice: Decimal } {
  const digits = recordDigits(symbol, [record.openprice, record.closeprice, record.sl, record.tp]);
  return { openPrice: roundPrice(record.openprice, digits), closePrice: roundPrice(record.closeprice, digits) };
}
