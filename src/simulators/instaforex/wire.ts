import Big from 'big.js';
import { LosslessNumber, stringify } from 'lossless-json';
import type { SimulatorResponse } from '../common/server.js';

/**
 * How InstaForex's ASP.NET Web API writes things on the wire, from the simulator's side.
 * Json.NET prints a .NET double with a decimal point even when it is whole (`0.0`, `500.0`),
 * so every amount and price goes out as exact text built from a decimal string — never through
 * a JavaScript float. Bodies are serialised with lossless-json so that text survives as a number.
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

/**
 * Reads a `from`/`to` query value: unix seconds, or ISO-8601 (a date, or a date-time with or
 * without a zone; no zone means UTC, as the server's own ISO output has none). A `+` in an
 * unencoded offset arrives as a space and is put back.
 */
export function parseTimeParameter(text: string): number | undefined {
  const value = text.trim().replace(' ', '+');
  if (/^-?\d+$/.test(value)) return Number(value);
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value);
  if (!match) return undefined;
  const [, date, time = 'T00:00:00', zone = 'Z'] = match;
  const milliseconds = Date.parse(`${date}${time}${zone}`);
  return Number.isNaN(milliseconds) ? undefined : Math.floor(milliseconds / 1000);
}

export function json(status: number, value: unknown): SimulatorResponse {
  return { status, body: stringify(value) ?? 'null', contentType: jsonContentType };
}

/** ASP.NET Web API's own error texts (HttpError `Message`). */
export const aspNetMessages = {
  denied: 'Authorization has been denied for this request.',
  invalid: 'The request is invalid.',
  error: 'An error has occurred.',
} as const;

export function notFoundMessage(uri: string): string {
  return `No HTTP resource was found that matches the request URI '${uri}'.`;
}

export function methodNotAllowedMessage(method: string): string {
  return `The requested resource does not support http method '${method}'.`;
}

/** HTTP.sys answers 503 itself (the application pool is down), in HTML, before ASP.NET sees the request. */
const serviceUnavailableHtml =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n' +
  '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Service Unavailable</h2>\r\n' +
  '<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n' +
  '</BODY></HTML>\r\n';

/** The body InstaForex sends for an error status (faults, unmatched requests). */
export function aspNetError(status: number, requestUri: string, method = 'GET'): SimulatorResponse {
  switch (status) {
    case 400:
      return json(400, { Message: aspNetMessages.invalid });
    case 401:
    case 403:
      return json(status, { Message: aspNetMessages.denied });
    case 404:
      return json(404, { Message: notFoundMessage(requestUri) });
    case 405:
      return json(405, { Message: methodNotAllowedMessage(method) });
    case 503:
      return { status, body: serviceUnavailableHtml, contentType: 'text/html; charset=us-ascii' };
    default:
      return json(status, { Message: aspNetMessages.error });
  }
}
