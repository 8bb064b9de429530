import Big from 'big.js';

/**
 * How ALOR writes values on the wire (Simple format), from the simulator's side. Its
 * refusals are in ./errors.ts.
 */

/** `2023-12-11T07:02:48.0000000Z`: ALOR's UTC timestamps carry 7 fractional digits (.NET ticks). */
export function alorTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A day order expires at the end of its trading day: `…T23:59:59.9990000Z`. */
export function endOfDay(milliseconds: number): string {
  return `${new Date(milliseconds).toISOString().slice(0, 10)}T23:59:59.9990000Z`;
}

/**
 * A decimal computed exactly with big.js, sent as a JSON number (ALOR's Simple format has no
 * string decimals). `Number` of the exact decimal text is the double whose shortest form is that
 * same text, so `306.455` goes out as `306.455`, never `306.45500000000004`.
 */
export function decimal(value: Big.BigSource): number {
  return Number(new Big(value).toFixed());
}
