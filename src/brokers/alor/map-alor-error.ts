import { RateLimitedError, UpstreamAuthError, UpstreamRejectedError, UpstreamTimeoutError, UpstreamUnavailableError, type BrokerqlError } from '../../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';
import { parseJsonExact } from '../json.js';
import { failureOptions, mapUpstreamFailure, type BrokerErrorTable, type ErrorFactory } from '../upstream-errors.js';
import { errorBodySchema } from './wire.js';

/**
 * ALOR documents no error bodies except on order commands, whose 400 carries `{code, message}`:
 *   400 {"code":"OrderCreatesUncoveredRisk (400)","message":"Заявка приводит к отрицательной позиции по немаржинальной валюте"}
 *   400 {"code":"OrderToCancelNotFound (404)","message":"Order to cancel not found"}
 * 401/403/404/429/5xx come without a body, so the HTTP status decides the class (404, 408 and
 * 504 by the shared rows of upstream-errors.ts); a few 400 codes are not a refusal but an
 * unknown outcome, and get their own class.
 */

/** How messages name the broker; its definition (index.ts) names it so everywhere else. */
export const alorLabel = 'ALOR';

export interface AlorErrorDetails {
  /** The code's name without ALOR's " (NNN)" suffix, e.g. "OrderToCancelNotFound"; '' when absent. */
  code: string;
  message: string;
}

export interface AlorErrorContext {
  connection: string;
  /** What a 404 is about, for the message: "security MOEX:SBER", "order 41423837024". */
  subject?: string | undefined;
}

/** 400 codes that are not the broker saying no. Keyed by name and by ALOR's number for it. */
const byRejectionCode: Record<string, ErrorFactory> = {
  // The exchange did not confirm in time: the order may or may not exist.
  CommandResponseTimeout: (failure) =>
    new UpstreamTimeoutError(`ALOR got no answer from the exchange in time (${failure.message}); check the orders list before retrying`, failureOptions(failure)),
  '900': (failure) => byRejectionCode['CommandResponseTimeout']!(failure),
  UnknownError: (failure) => new UpstreamUnavailableError(`ALOR failed with an unknown error (${failure.message})`, failureOptions(failure)),
};

export const alorErrors: BrokerErrorTable = {
  readBody: readAlorErrorBody,
  byCode: (failure) => (failure.status === 400 && Object.hasOwn(byRejectionCode, failure.code) ? byRejectionCode[failure.code] : undefined),
  byStatus: {
    400: (failure) =>
      new UpstreamRejectedError(`ALOR refused: ${failure.message}${failure.code ? ` (${failure.code})` : ''}`, failureOptions(failure)),
    401: (failure) =>
      new UpstreamAuthError(
        `ALOR refused the access token of connection "${failure.connection}" even after a refresh; check that apiUrl and authUrl are the same contour (production or test)`,
        failureOptions(failure),
      ),
    403: (failure) =>
      new UpstreamAuthError(
        `ALOR refused access for connection "${failure.connection}": the refresh token lacks the rights for this request or portfolio`,
        failureOptions(failure),
      ),
    // ALOR's limit is per login, not per token.
    429: (failure) =>
      new RateLimitedError('ALOR request limit reached for this login (100 requests per second)', {
        ...failureOptions(failure),
        retryAfterSeconds: retryAfterSeconds(failure.response),
      }),
  },
};

export function mapAlorError(response: UpstreamResponse, context: AlorErrorContext): BrokerqlError {
  return mapUpstreamFailure(response, { label: alorLabel, ...context }, alorErrors);
}

/** `{code, message}`, a bare JSON string, or nothing readable (an empty body, a proxy's HTML). */
export function readAlorErrorBody(text: string): AlorErrorDetails {
  try {
    const json = parseJsonExact(text);
    if (typeof json === 'string' && json.trim()) return { code: '', message: json.trim() };
    const body = errorBodySchema.safeParse(json);
    if (body.success) {
      return { code: alorErrorCodeName(body.data.code ?? ''), message: body.data.message?.trim() || 'no reason given' };
    }
  } catch {
    // Not JSON: ALOR sends most errors without a body.
  }
  return { code: '', message: 'no reason given' };
}

/** "OrderToCancelNotFound (404)" → "OrderToCancelNotFound"; plain names and numbers stay as they are. */
export function alorErrorCodeName(code: string): string {
  return code.replace(/\s*\(\d+\)\s*$/, '').trim();
}
