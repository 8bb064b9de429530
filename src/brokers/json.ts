import { parse } from 'lossless-json';
import { z } from 'zod';
import { decimalFromJsonNumber, type Decimal } from '../decimal.js';

/**
 * Upstream JSON with numbers kept exactly as written. JSON.parse would turn 1E+4 and 0.1 into
 * floats; here every JSON number arrives as its source text ("1E+4", "0.1") and the schemas
 * below turn it into a Decimal string or a safe integer.
 */
export function parseJsonExact(text: string): unknown {
  return parse(text, undefined, (source: string) => source);
}

/** A JSON number (or a numeric string) as an exact Decimal: "1E+4" → "10000". */
export const jsonDecimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/, 'expected a number')
  .transform((source): Decimal => decimalFromJsonNumber(source));

/** A JSON number (or numeric string) that must be a whole number within the safe range. */
export const jsonInteger = z
  .string()
  .regex(/^-?\d+(\.0+)?$/, 'expected a whole number')
  .transform(Number)
  .pipe(z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER));
