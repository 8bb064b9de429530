import { addDecimals, decimalPlaces, divideDecimals, isZeroDecimal, multiplyDecimals, roundDecimal, type Decimal } from '../decimal.js';

/**
 * Decimals an average price keeps: T-Invest's own precision (Quotation nano) and finer than any
 * exchange's price step. An average of fills (Σ price × quantity ÷ Σ quantity) need not end — two
 * fills at 1.00 and one at 1.01 average 1.00333… — so one that does not end within these decimals
 * is rounded half up at the last. (The quotient is first computed to 30 places; rounding it again
 * at 9 cannot go wrong for any quantity below 10^21, whose fractions cannot run 21 nines long.)
 */
const averageDecimals = 9;

/** `amount` ÷ `units` as a price per unit; null when either is zero (nothing filled, or the broker does not say). */
export function pricePerUnit(amount: Decimal, units: Decimal): Decimal | null {
  if (isZeroDecimal(units) || isZeroDecimal(amount)) return null;
  const quotient = divideDecimals(amount, units);
  return decimalPlaces(quotient) <= averageDecimals ? quotient : roundDecimal(quotient, averageDecimals);
}

/** The volume-weighted average price per unit of an order's fills; null when there are none. */
export function averageFillPrice(fills: ReadonlyArray<{ price: Decimal; quantity: Decimal }>): Decimal | null {
  if (fills.length === 0) return null;
  const amount = addDecimals(...fills.map((fill) => multiplyDecimals(fill.price, fill.quantity)));
  return pricePerUnit(amount, addDecimals(...fills.map((fill) => fill.quantity)));
}
