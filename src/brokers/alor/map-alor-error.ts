import {
  NotFoundError,
  RateLimitedError,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../../errors.js';
import { parseJsonExact } from '../json.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';
import { errorBodySchema } from './wire.js';

/**
 * ALOR documents no error bodies except on order commands, whose 400 carries `{code, message}`:
 *   400 {"code":"OrderCreatesUncoveredRisk (400)","message":"Заявка приводит к отрицательной позиции по немаржинальной валюте"}
 *   400 {"code":"OrderToCancelNotFound (404)","message":"Order to cancel not found"}
 * 401/403/404/429/5xx come without a body, so the HTTP status decides the class; a few 400 codes
 * are not a refusal but an unknown outcome, and get their own class.
 */

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

type ErrorFactory = (details: AlorErrorDetails, context: AlorErrorContext, response: UpstreamResponse) => BrokerqlError;

const refused: ErrorFactory = (details, { connection }, response) =>
  new UpstreamRejectedError(`ALOR refused: ${details.message}${details.code ? ` (${details.code})` : ''}`, {
    connection,
    status: response.status,
  });

const timedOut: ErrorFactory = (_details, { connection }, response) =>
  new UpstreamTimeoutError('ALOR timed out handling the request', { connection, status: response.status });

/** 400 codes that are not the broker saying no. Keyed by name and by ALOR's number for it. */
const byRejectionCode: Record<string, ErrorFactory> = {
  // The exchange did not confirm in time: the order may or may not exist.
  CommandResponseTimeout: (details, { connection }, response) =>
    new UpstreamTimeoutError(`ALOR got no answer from the exchange in time (${details.message}); check the orders list before retrying`, {
      connection,
      status: response.status,
    }),
  '900': (details, context, response) => byRejectionCode['CommandResponseTimeout']!(details, context, response),
  UnknownError: (details, { connection }, response) =>
    new UpstreamUnavailableError(`ALOR failed with an unknown error (${details.message})`, { connection, status: response.status }),
};

const byStatus: Record<number, ErrorFactory> = {
  400: (details, context, response) => (byRejectionCode[details.code] ?? refused)(details, context, response),
  401: (_details, { connection }, response) =>
    new UpstreamAuthError(
      `ALOR refused the access token of connection "${connection}" even after a refresh; check that apiUrl and authUrl are the same contour (production or test)`,
      { connection, status: response.status },
    ),
  403: (_details, { connection }, response) =>
    new UpstreamAuthError(`ALOR refused access for connection "${connection}": the refresh token lacks the rights for this request or portfolio`, {
      connection,
      status: response.status,
    }),
  404: (_details, { connection, subject }, response) =>
    new NotFoundError(`ALOR does not know ${subject ?? 'the requested resource'}`, { connection, status: response.status }),
  408: timedOut,
  429: (_details, { connection }, response) =>
    new RateLimitedError('ALOR request limit reached for this login (100 requests per second)', {
      connection,
      status: response.status,
      retryAfterSeconds: retryAfterSeconds(response),
    }),
  504: timedOut,
};

export function mapAlorError(response: UpstreamResponse, context: AlorErrorContext): BrokerqlError {
  const factory = byStatus[response.status];
  if (factory) return factory(readAlorErrorBody(response.text), context, response);
  return new UpstreamUnavailableError(`ALOR answered HTTP ${response.status}`, { connection: context.connection, status: response.status });
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
