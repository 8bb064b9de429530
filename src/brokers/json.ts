import { parse } from 'lossless-json';
import { z } from 'zod';
import { decimalFromJsonNumber, type Decimal } from '../decimal.js';

/**
 * Somewhere in the text a number may be one a double cannot hold exactly: 16 or more digits in a
 * row (a dot between them allowed), or an exponent of three digits. Digits inside strings match
 * too; that only costs the slower exact parser.
 */
const possiblyInexactNumber = /(?:\d\.?){16}|[eE][+-]?\d{3}/;

/**
 * Upstream JSON with every number exact, as text: the schemas below turn it into a Decimal string
 * or a safe integer. A number of at most 15 significant digits survives a double unchanged in
 * value, so when the text holds no other kind, the engine's own JSON.parse (several times faster)
 * reads it and each number becomes its shortest text ("1E+4" → "10000", "60.0" → "60": the same
 * value, and Decimals are normalized anyway). Otherwise lossless-json reads every number as the
 * text it was written as.
 */
export function parseJsonExact(text: string): unknown {
  if (possiblyInexactNumber.test(text)) return parse(text, undefined, (source: string) => source);
  return numbersAsText(JSON.parse(text) as unknown);
}

function numbersAsText(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = numbersAsText(value[index]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = numbersAsText(record[key]);
  return record;
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
