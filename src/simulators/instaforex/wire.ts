import Big from 'big.js';
import { LosslessNumber, stringify } from 'lossless-json';
import type { SimulatorResponse } from '../common/http.js';

/**
 * How InstaForex's ASP.NET Web API writes things on the wire, from the simulator's side.
 * Json.NET prints a .NET double with a decimal point even when it is whole (`0.0`, `500.0`),
 * so every amount and price goes out as exact text built from a decimal string — never through
 * a JavaScript float. Bodies are serialised with lossless-json so that text survives as a number.
 * Its refusals are in ./errors.ts.
 */

export const jsonContentType = 'application/json; charset=utf-8';

export type TimestampFormat = 'unix' | 'iso';

/** A .NET double as Json.NET prints it, from an exact decimal string: `1.5`, `0.0`, `-8.2`. */
export function netDouble(value: Big | string): LosslessNumber {
  const amount = new Big(value);
  if (amount.eq(0)) return new LosslessNumber('0.0');
  const text = amount.toFixed();
  return new LosslessNumber(text.includes('.') ? text : `${text}.0`);
}

/**
 * A price that the server stored as a single-precision float and Json.NET printed as a double:
 * 1.23873 becomes 1.2387299537658691. This is deliberately produced lossy text (real payloads
 * carry it), so it is the one place a float is involved.
 */
export function float32Widened(value: string): LosslessNumber {
  const widened = String(Math.fround(Number(value)));
  return netDouble(widened);
}

export function netInteger(value: number): LosslessNumber {
  return new LosslessNumber(String(Math.trunc(value)));
}

/** Unix seconds, or the Json.NET default for an unzoned DateTime (`2024-05-02T10:15:00`, UTC wall clock). */
export function wireTime(unixSeconds: number, format: TimestampFormat): LosslessNumber | string {
  if (format === 'unix') return netInteger(unixSeconds);
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19);
}

export function toUnixSeconds(isoTime: string): number {
  return Math.floor(Date.parse(isoTime) / 1000);
}

export function json(status: number, value: unknown): SimulatorResponse {
  return { status, body: stringify(value) ?? 'null', contentType: jsonContentType };
}
