import BigConstructor from 'big.js';
import type { Big } from 'big.js';

/**
 * Money is exact: amounts are decimal strings from the moment they leave an upstream JSON
 * body until they are serialized to a client. Arithmetic goes through big.js, whose
 * add/subtract/multiply never round. Strict mode makes big.js refuse JS numbers, so a float
 * can never slip in by accident.
 */
const ExactBig = BigConstructor();
ExactBig.strict = true;
ExactBig.DP = 30;

/** A decimal number in plain notation, as brokerql serializes it: "-12.5", "0", "281.99". */
export type Decimal = string;

const plainDecimalPattern = /^-?\d+(\.\d+)?$/;
/** What JSON (and Java's BigDecimal.toString) may write: "1E+4", "6.76E+3", "-0.5", "12". */
const jsonNumberPattern = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function isPlainDecimal(text: string): boolean {
  return plainDecimalPattern.test(text);
}

/**
 * What a client may write as a decimal (the GraphQL Decimal, a compat JSON number). Generous for
 * any price or amount, and small enough that expanding one costs nothing: `1e100000000` would
 * otherwise become a 100 MB string the moment anything formats it.
 */
export const decimalInputLimits = { significantDigits: 30, exponent: 30, characters: 100 } as const;

export const decimalInputLimitRule =
  `at most ${decimalInputLimits.significantDigits} significant digits, an exponent from -${decimalInputLimits.exponent} to ${decimalInputLimits.exponent} ` +
  `(so 1e-${decimalInputLimits.exponent} ≤ |value| < 1e${decimalInputLimits.exponent + 1}, or 0) and at most ${decimalInputLimits.characters} characters`;

/** Sign, integer digits, fraction digits, exponent: what JSON and plain decimals are made of. */
const numberPartsPattern = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Whether a number's text is within `decimalInputLimits`, decided on the text alone, before any
 * arithmetic or big.js sees it. The exponent is the value's own (1234.5 is 1.2345e3, 0.001 is 1e-3),
 * whichever way it was written, so "1e30" and its 31 plain digits are judged alike. Syntax is
 * not checked here: text that is not a number is within the limits and refused by its own check.
 */
export function isWithinDecimalInputLimits(text: string): boolean {
  if (text.length > decimalInputLimits.characters) return false;
  const parts = numberPartsPattern.exec(text);
  if (!parts) return true;
  const [, integer = '', fraction = '', written = '0'] = parts;
  const digits = integer + fraction;
  const first = digits.search(/[1-9]/);
  if (first === -1) return true; // zero, however it is written
  let last = digits.length - 1;
  while (digits.charCodeAt(last) === 48 /* 0 */) last -= 1;
  // The first significant digit stands for 10^(integer digits before it − 1 + written exponent).
  const exponent = integer.length - 1 - first + Number(written);
  return last - first + 1 <= decimalInputLimits.significantDigits && Math.abs(exponent) <= decimalInputLimits.exponent;
}

function big(value: Decimal): Big {
  return new ExactBig(value);
}

function format(value: Big): Decimal {
  // "-0" is not a useful amount to show anyone.
  return value.eq('0') ? '0' : value.toFixed();
}

/**
 * Reads a number as it appeared in upstream JSON text (including exponent forms such as
 * "1E+4") into a plain decimal string. Throws for anything that is not a number.
 */
export function decimalFromJsonNumber(text: string): Decimal {
  const decimal = decimalFromJsonNumberOrUndefined(text);
  if (decimal === undefined) throw new TypeError(`expected a JSON number, received ${JSON.stringify(text).slice(0, 40)}`);
  return decimal;
}

/** `decimalFromJsonNumber` that answers undefined for anything that is not a number. */
export function decimalFromJsonNumberOrUndefined(text: string): Decimal | undefined {
  // Most upstream numbers are already plain: normalize their text without building a Big.
  if (plainDecimalPattern.test(text)) return normalizePlain(text);
  return jsonNumberPattern.test(text) ? format(big(text)) : undefined;
}

/** Already as big.js would write it: no leading or trailing zeros, no "-0". (Most upstream numbers.) */
const canonicalPattern = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** "012.3400" → "12.34", "-0.0" → "0": the same canonical text big.js would write, by string surgery. */
function normalizePlain(text: string): Decimal {
  if (canonicalPattern.test(text)) return text === '-0' ? '0' : text;
  let result = text;
  if (result.includes('.')) {
    let end = result.length;
    while (result.charCodeAt(end - 1) === 48 /* 0 */) end -= 1;
    if (result.charCodeAt(end - 1) === 46 /* . */) end -= 1;
    result = result.slice(0, end);
  }
  const negative = result.startsWith('-');
  let digits = negative ? result.slice(1) : result;
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48 && digits.charCodeAt(start + 1) !== 46) start += 1;
  digits = digits.slice(start);
  if (/^0(\.0*)?$/.test(digits)) return '0';
  return negative ? `-${digits}` : digits;
}

/** For integers that arrive as JS numbers (counts, int32 parts): exact by construction. */
export function decimalFromInteger(value: number | bigint | string): Decimal {
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw new TypeError(`expected an integer, received ${text.slice(0, 40)}`);
  return normalizePlain(text);
}

export function normalizeDecimal(value: Decimal): Decimal {
  return plainDecimalPattern.test(value) ? normalizePlain(value) : format(big(value));
}

export function addDecimals(...values: Decimal[]): Decimal {
  // A sum with one non-zero term (a trade's volume plus no accrued interest) needs no arithmetic.
  const terms = values.filter((value) => !isZeroDecimal(value));
  if (terms.length <= 1) return terms.length === 0 ? '0' : normalizeDecimal(terms[0]!);
  return format(terms.reduce<Big>((sum, value) => sum.plus(value), big('0')));
}

export function subtractDecimals(left: Decimal, right: Decimal): Decimal {
  return format(big(left).minus(right));
}

export function multiplyDecimals(left: Decimal, right: Decimal): Decimal {
  return format(big(left).times(right));
}

/** Exact division, for unit conversions that are known to divide evenly (units → lots). */
export function divideDecimals(left: Decimal, right: Decimal): Decimal {
  return format(big(left).div(right));
}

/** Flips the sign by string surgery: exact, and thousands of operations per query allocate no Big. */
export function negateDecimal(value: Decimal): Decimal {
  const normalized = normalizeDecimal(value);
  if (normalized === '0') return '0';
  return normalized.startsWith('-') ? normalized.slice(1) : `-${normalized}`;
}

export function compareDecimals(left: Decimal, right: Decimal): -1 | 0 | 1 {
  return big(left).cmp(right) as -1 | 0 | 1;
}

const plainZeroPattern = /^-?0+(\.0+)?$/;

export function isZeroDecimal(value: Decimal): boolean {
  if (plainDecimalPattern.test(value)) return plainZeroPattern.test(value);
  return big(value).eq('0');
}

export function isPositiveDecimal(value: Decimal): boolean {
  return big(value).gt('0');
}

/** True when `value` is a whole multiple of `step` (a price step, a lot size). */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  const stepBig = big(step);
  if (stepBig.eq('0')) return true;
  return big(value).mod(stepBig).eq('0');
}

/** Rounds half away from zero to `places` decimals (for float-widened upstream prices). */
export function roundDecimal(value: Decimal, places: number): Decimal {
  return format(big(value).round(places, ExactBig.roundHalfUp));
}

/** Truncates toward zero to an integer (units → whole lots). */
export function truncateDecimal(value: Decimal): Decimal {
  return format(big(value).round(0, ExactBig.roundDown));
}

/** Number of digits after the decimal point of a plain decimal ("0.0025" → 4). */
export function decimalPlaces(value: Decimal): number {
  const fraction = normalizeDecimal(value).split('.')[1];
  return fraction === undefined ? 0 : fraction.length;
}

/**
 * `left / right` rounded up (away from zero) to `places` decimals: for a conversion that cannot
 * be exact (an amount through an inverted exchange rate) and must not come out smaller than it is.
 */
export function divideRoundingUp(left: Decimal, right: Decimal, places: number): Decimal {
  return format(big(left).div(right).round(places, ExactBig.roundUp));
}

/** A constructor whose division truncates to whole numbers: the exact integer part of a quotient. */
const WholeBig = BigConstructor();
WholeBig.strict = true;
WholeBig.DP = 0;
WholeBig.RM = ExactBig.roundDown;

/**
 * `left / right` rounded half to even at `places` decimals, exactly: the quotient's digits beyond
 * `places` are never rounded on the way (big.js's own division would round at its DP first, and
 * a second rounding of a rounded number can land on the wrong side of a half).
 */
export function divideRoundingHalfEven(left: Decimal, right: Decimal, places: number): Decimal {
  const scale = new ExactBig('10').pow(places);
  const numerator = big(left).times(scale);
  const denominator = big(right);
  if (denominator.eq('0')) throw new RangeError('division by zero');
  const whole = big(new WholeBig(numerator.toFixed()).div(new WholeBig(denominator.toFixed())).toFixed());
  const twiceRemainder = numerator.minus(whole.times(denominator)).abs().times('2');
  const comparison = twiceRemainder.cmp(denominator.abs());
  const negative = numerator.lt('0') !== denominator.lt('0');
  const awayFromZero = comparison > 0 || (comparison === 0 && !whole.mod('2').eq('0'));
  const rounded = awayFromZero ? whole.plus(negative ? '-1' : '1') : whole;
  return format(rounded.div(scale));
}
