import { parse } from 'lossless-json';
import { z } from 'zod';
import { decimalFromJsonNumberOrUndefined, type Decimal } from '../decimal.js';

/**
 * Whether somewhere in the text a number may be one a double cannot hold exactly: 16 or more
 * digits in a row (dots between them allowed), or an exponent of three digits after a digit.
 * Strings are skipped: their digits are no numbers, and T-Invest's ids would otherwise send
 * ordinary answers to the slower exact parser (a uid's "…-5e665…" reads like an exponent: the
 * simulated customer's main portfolio, 4.8 KB, took 75 µs to read instead of 30). A loop over
 * character codes: it reads a 300 KB page faster than the equivalent regular expression.
 */
function mayHoldInexactNumber(text: string): boolean {
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      if (++digits >= 16) return true;
    } else if (code === 34 /* " */) {
      index = closingQuote(text, index);
      digits = 0;
    } else if (code !== 46 /* . */) {
      if ((code === 101 || code === 69) /* e E */ && digits > 0 && threeDigitExponent(text, index + 1)) return true;
      digits = 0;
    }
  }
  return false;
}

/** Where the string opened at `opening` ends (the text's end if it never does: the parser then refuses it). */
function closingQuote(text: string, opening: number): number {
  let index = opening;
  for (;;) {
    index = text.indexOf('"', index + 1);
    if (index === -1) return text.length;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === 92 /* \ */) backslashes++;
    if (backslashes % 2 === 0) return index;
  }
}

function threeDigitExponent(text: string, start: number): boolean {
  const sign = text.charCodeAt(start);
  const first = sign === 43 || sign === 45 /* + - */ ? start + 1 : start;
  for (let index = first; index < first + 3; index++) {
    const code = text.charCodeAt(index);
    if (!(code >= 48 && code <= 57)) return false;
  }
  return true;
}

/**
 * Upstream JSON with every number exact, as text: the schemas below turn it into a Decimal string
 * or a safe integer. A number of at most 15 significant digits survives a double unchanged in
 * value, so when the text holds no other kind, the engine's own JSON.parse (several times faster)
 * reads it and each number becomes its shortest text ("1E+4" → "10000", "60.0" → "60": the same
 * value, and Decimals are normalized anyway). Otherwise lossless-json reads every number as the
 * text it was written as.
 */
export function parseJsonExact(text: string): unknown {
  if (mayHoldInexactNumber(text)) return parse(text, undefined, (source: string) => source);
  return numbersAsText(JSON.parse(text) as unknown);
}

function numbersAsText(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object') numbersInside(value as Record<string, unknown>);
  return value;
}

/** In place; only numbers are written, and only objects and arrays are descended into. */
function numbersInside(container: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index++) {
      const item: unknown = container[index];
      if (typeof item === 'number') container[index] = String(item);
      else if (item !== null && typeof item === 'object') numbersInside(item as Record<string, unknown>);
    }
    return;
  }
  for (const key in container) {
    const item = container[key];
    if (typeof item === 'number') container[key] = String(item);
    else if (item !== null && typeof item === 'object') numbersInside(item as Record<string, unknown>);
  }
}

/**
 * A JSON number (or a numeric string) as an exact Decimal: "1E+4" → "10000". One transform that
 * both checks and converts: a broker list holds thousands of these.
 */
export const jsonDecimal = z.string().transform((source, context): Decimal => {
  const decimal = decimalFromJsonNumberOrUndefined(source);
  if (decimal === undefined) {
    context.issues.push({ code: 'custom', message: 'expected a number', input: source });
    return z.NEVER;
  }
  return decimal;
});

/** A JSON number (or numeric string) that must be a whole number within the safe range. */
export const jsonInteger = z
  .string()
  .regex(/^-?\d+(\.0+)?$/, 'expected a whole number')
  .transform(Number)
  .pipe(z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER));
