import { compareDecimals, divideDecimals, isZeroDecimal, multiplyDecimals } from '../../decimal.js';

/** `dividend ÷ divisor` when the quotient is an exact decimal (checked by multiplying back), else null. */
export function exactQuotient(dividend: string, divisor: string): string | null {
  if (isZeroDecimal(divisor)) return null;
  const quotient = divideDecimals(dividend, divisor);
  return compareDecimals(multiplyDecimals(quotient, divisor), dividend) === 0 ? quotient : null;
}

/**
 * The price per unit behind a value ALOR computed, in the units prices are quoted in (RUB for a
 * share, % of face value for a bond): value × minstep ÷ (pricestep × units), since one `minstep` of
 * price is worth `pricestep` of money per unit. Null unless that comes out exact — a price that
 * needed rounding would be a price nobody quoted.
 */
export function pricePerUnit(value: string, units: string, priceStep: string, priceStepValue: string): string | null {
  return exactQuotient(multiplyDecimals(value, priceStep), multiplyDecimals(priceStepValue, units));
}
