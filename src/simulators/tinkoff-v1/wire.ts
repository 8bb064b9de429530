import { randomBytes } from 'node:crypto';
import Big from 'big.js';

/**
 * How Tinkoff OpenAPI v1 writes its answers, from the simulator's side: the
 * `{trackingId, payload, status}` envelope in that key order, optional fields left out (never
 * null), JSON numbers that may carry Java-BigDecimal text such as `1E+4` or `60.0`, and
 * Moscow-offset timestamps. Its refusals are in ./errors.ts.
 */

/**
 * A JSON number written exactly as `text`. JSON.stringify cannot produce `1E+4` or `60.0`, and
 * real v1 payloads contained both, so every amount travels as one of these and the serializer
 * below decides whether to keep the text or normalize it.
 */
export class DecimalText {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?(E[+-]\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
  }
}

/** An amount for the wire (any decimal string Big accepts). */
export function decimal(value: string | Big): DecimalText {
  return new DecimalText(typeof value === 'string' ? value : plain(value));
}

/** Plain decimal text without exponent or trailing zeros; never "-0". */
export function plain(value: Big | string): string {
  const text = new Big(value).toFixed();
  return text === '-0' ? '0' : text;
}

/**
 * Serializes a payload tree. Objects keep their key order and drop `undefined` members (v1 omits
 * absent optionals); DecimalText is written verbatim when `verbatimNumbers` is on (the
 * exponent-number quirk), else in plain form.
 */
export function toWireJson(value: unknown, verbatimNumbers: boolean): string {
  if (value instanceof DecimalText) return verbatimNumbers ? value.text : plain(value.text);
  if (Array.isArray(value)) return `[${value.map((item) => toWireJson(item, verbatimNumbers)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${JSON.stringify(key)}:${toWireJson(member, verbatimNumbers)}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in a payload');
  return JSON.stringify(value);
}

/** 16 lower-case hex characters, like `a075df5d357b192a`. */
export function newTrackingId(): string {
  return randomBytes(8).toString('hex');
}

export function okEnvelope(payload: unknown, verbatimNumbers: boolean): string {
  return toWireJson({ trackingId: newTrackingId(), payload, status: 'Ok' }, verbatimNumbers);
}

/** Headers seen on real v1 answers (io#408). */
export const responseHeaders: Record<string, string> = {
  server: 'nginx',
  'cache-control': 'no-store, no-cache, must-revalidate',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,HEAD,POST,DELETE,OPTIONS,PUT,PATCH',
  'access-control-allow-headers': 'accept, content-type, authorization, access-control-allow-headers, x-requested-with',
};

/**
 * Java's Double.toString, which the v1 server used when it echoed numbers into validation
 * messages ("[price]: 1.0 has invalid scale, minPriceIncrement=0.095834").
 */
export function javaDouble(value: string): string {
  const amount = new Big(value);
  const magnitude = amount.abs();
  if (magnitude.eq(0)) return '0.0';
  if (magnitude.gte('0.001') && magnitude.lt('10000000')) {
    const text = plain(amount);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = amount.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** `2021-03-15T11:02:10.514+03:00`: Moscow time, trailing zeros of the fraction dropped. */
export function moscowTimestamp(date: Date): string {
  const shifted = new Date(date.getTime() + 3 * 60 * 60 * 1000).toISOString();
  const [seconds = '', fraction = ''] = shifted.slice(0, -1).split('.');
  const digits = fraction.replace(/0+$/, '');
  return `${seconds}${digits ? `.${digits}` : ''}+03:00`;
}

/** ISO-8601 with an offset (or Z), as the `from`/`to` query parameters must be. */
export function parseOffsetDateTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  // Date.parse keeps milliseconds only; v1 timestamps never needed more for filtering.
  const time = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(time) ? undefined : time;
}
