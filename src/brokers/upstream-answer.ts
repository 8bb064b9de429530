import type { z } from 'zod';
import { UpstreamUnavailableError } from '../errors.js';
import type { UpstreamResponse } from './http.js';
import { parseJsonExact } from './json.js';
import { mapUpstreamFailure, type BrokerErrorTable } from './upstream-errors.js';

/**
 * The one pipeline from an upstream HTTP answer to a value or a typed error, used by every
 * broker's client: status → the broker's error table → exact JSON → (the broker's envelope) →
 * minimal schema → one "cannot read" error. A broker's quirks are its table and its `unwrap`.
 */

/** An answer brokerql cannot read: an outage page, a changed format, a proxy's own body. Retryable like any unavailability. */
export class UpstreamUnreadableError extends UpstreamUnavailableError {}

export interface AnswerSource {
  /** The broker's human label: "T-Invest". */
  label: string;
  connection: string;
  /** What was asked for, for messages: a route ("OperationsService/GetPortfolio") or a configured path. */
  what: string;
  /** What a 404 is about: "security MOEX:SBER". */
  subject?: string | undefined;
}

/** The one "cannot read" error: which broker, what was asked for, and what was wrong with the answer. */
export function unreadableAnswer(source: AnswerSource, status: number | undefined, problem = 'a body brokerql cannot read'): UpstreamUnreadableError {
  return new UpstreamUnreadableError(`${source.label} answered ${source.what} with ${problem}`, { connection: source.connection, status });
}

export interface AnswerReading<Schema extends z.ZodType> extends AnswerSource {
  errors: BrokerErrorTable;
  schema: Schema;
  /**
   * Between the JSON and the schema: Tinkoff v1's `{trackingId, status, payload}` envelope,
   * InstaForex's keys in any case. May throw the broker's typed error (an error envelope) or
   * call `fail` when the shape around the value is not readable.
   */
  unwrap?: ((json: unknown, fail: (problem?: string) => never) => unknown) | undefined;
}

export function isSuccess(response: UpstreamResponse): boolean {
  return response.status >= 200 && response.status <= 299;
}

/** Whether a 2xx answer carried nothing: an empty body or a bare `null`. */
export function isEmptyAnswer(response: UpstreamResponse): boolean {
  const body = response.text.trim();
  return isSuccess(response) && (body === '' || body === 'null');
}

export function readAnswer<Schema extends z.ZodType>(response: UpstreamResponse, reading: AnswerReading<Schema>): z.output<Schema> {
  if (!isSuccess(response)) throw mapUpstreamFailure(response, reading, reading.errors);
  const fail = (problem?: string): never => {
    throw unreadableAnswer(reading, response.status, problem);
  };
  if (isEmptyAnswer(response)) fail('an empty body');
  let json: unknown;
  try {
    json = parseJsonExact(response.text);
  } catch {
    fail('a body that is not JSON');
  }
  const parsed = reading.schema.safeParse(reading.unwrap ? reading.unwrap(json, fail) : json);
  if (!parsed.success) return fail();
  return parsed.data;
}
