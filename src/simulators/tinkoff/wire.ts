import { randomUUID } from 'node:crypto';
import Big from 'big.js';

/**
 * How T-Invest writes numbers on the wire, from the simulator's side: Quotation
 * `{units: int64-as-string, nano: int32}` with the sign on both parts, and MoneyValue adding a
 * lower-case currency, as production sends it.
 */
export interface WireQuotation {
  units: string;
  nano: number;
}

export interface WireMoneyValue extends WireQuotation {
  currency: string;
}

export function quotation(value: string): WireQuotation {
  const amount = new Big(value);
  const negative = amount.lt(0);
  const absolute = amount.abs();
  const whole = absolute.round(0, Big.roundDown);
  const nano = Number(absolute.minus(whole).times(1_000_000_000).toFixed(0));
  if (!negative) return { units: whole.toFixed(0), nano };
  // −0.01 is {"units":"-0","nano":-10000000}: the sign travels on both parts, even a zero one.
  return { units: whole.eq(0) ? '-0' : `-${whole.toFixed(0)}`, nano: nano === 0 ? 0 : -nano };
}

export function moneyValue(value: string, currency: string): WireMoneyValue {
  return { currency: currency.toLowerCase(), ...quotation(value) };
}

/** Reads a Quotation the client sent (PostOrder price). */
export function readQuotation(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { units, nano } = value as { units?: unknown; nano?: unknown };
  const unitsText = units === undefined ? '0' : String(units);
  const nanoNumber = nano === undefined ? 0 : Number(nano);
  if (!/^-?\d+$/.test(unitsText) || !Number.isInteger(nanoNumber) || Math.abs(nanoNumber) > 999_999_999) return undefined;
  return new Big(unitsText).plus(new Big(nanoNumber).div(1_000_000_000)).toFixed();
}

/** A tracking id as T-Invest sends it in `x-tracking-id`: 32 hex digits. */
export function newTrackingId(): string {
  return randomUUID().replaceAll('-', '');
}
