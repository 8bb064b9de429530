import {
  addDecimals,
  decimalFromInteger,
  isPlainDecimal,
  multiplyDecimals,
  negateDecimal,
  truncateDecimal,
  subtractDecimals,
  type Decimal,
} from '../../decimal.js';
import type { Money } from '../../domain.js';
import type { MoneyValue, Quotation } from './wire.js';

/**
 * T-Invest's `Quotation {units, nano}` and `MoneyValue {currency, units, nano}`:
 * value = units + nano × 10⁻⁹, and both parts carry the sign.
 *   114.25 → {"units":"114","nano":250000000}     −0.01 → {"units":"-0","nano":-10000000}
 */
export function quotationToDecimal(quotation: Quotation): Decimal {
  const units = decimalFromInteger(quotation.units);
  const { nano } = quotation;
  if (nano === 0) return units;
  // Both parts carry the same sign, so the nano digits are simply the fraction (every price and
  // amount of a response passes through here). Anything else takes the arithmetic.
  const negative = nano < 0;
  if (units !== '0' && units.startsWith('-') !== negative) {
    return addDecimals(units, multiplyDecimals(decimalFromInteger(nano), '0.000000001'));
  }
  const fraction = String(Math.abs(nano)).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${units.replace(/^-/, '')}.${fraction}`;
}

/** Currencies come lower case from production ("rub"); the schema promises ISO upper case. */
export function moneyValueToMoney(value: MoneyValue): Money {
  return { amount: quotationToDecimal(value), currency: value.currency.toUpperCase() };
}

export function decimalToQuotation(value: Decimal): Quotation {
  if (!isPlainDecimal(value)) throw new TypeError(`not a plain decimal: ${value}`);
  const negative = value.startsWith('-');
  const absolute = negative ? value.slice(1) : value;
  const units = truncateDecimal(absolute);
  const nano = Number(multiplyDecimals(subtractDecimals(absolute, units), '1000000000'));
  if (!Number.isInteger(nano)) throw new TypeError(`${value} has more than 9 decimal places`);
  return negative
    ? { units: units === '0' ? '-0' : negateDecimal(units), nano: nano === 0 ? 0 : -nano }
    : { units, nano };
}
