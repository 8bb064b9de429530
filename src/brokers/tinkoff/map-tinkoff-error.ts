import {
  NotFoundError,
  OrderStateUnknownError,
  RateLimitedError,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../../errors.js';
import { headerValue, type UpstreamResponse } from '../http.js';
import { errorBodySchema } from './wire.js';

/**
 * T-Invest answers errors with an HTTP status and `{code, message, description}`, where
 * `description` is the API error number of tinvest-v2/api_errors.json, e.g.
 *   400 {"code":3,"message":"Not enough balance","description":30034}
 *   401 {"code":16,"message":"authentication token is missing or invalid","description":40003}
 * The HTTP status decides the class; a few 400 numbers are the broker refusing an order
 * (funds, price bands, trading hours) rather than brokerql sending something malformed. The API
 * error numbers whose meaning differs from their status's are looked up first (`byNumber`).
 */
type ErrorFactory = (message: string, connection: string, response: UpstreamResponse) => BrokerqlError;

const rejected: ErrorFactory = (message, connection, response) =>
  new UpstreamRejectedError(`T-Invest refused: ${message}`, { connection, status: response.status });

const byStatus: Record<number, ErrorFactory> = {
  400: rejected,
  401: (message, connection, response) =>
    new UpstreamAuthError(`T-Invest refused the API token of connection "${connection}" (${message}); check the token in the config`, {
      connection,
      status: response.status,
    }),
  403: (message, connection, response) =>
    new UpstreamAuthError(`T-Invest token of connection "${connection}" lacks the rights for this request (${message})`, {
      connection,
      status: response.status,
    }),
  404: (message, connection, response) => new NotFoundError(`T-Invest: ${message}`, { connection, status: response.status }),
  408: (_message, connection, response) =>
    new UpstreamTimeoutError('T-Invest timed out handling the request', { connection, status: response.status }),
  429: (_message, connection, response) => {
    const reset = Number(headerValue(response.headers, 'x-ratelimit-reset'));
    return new RateLimitedError('T-Invest request limit reached for this token', {
      connection,
      status: response.status,
      retryAfterSeconds: Number.isFinite(reset) && reset > 0 ? Math.ceil(reset) : undefined,
    });
  },
  504: (_message, connection, response) =>
    new UpstreamTimeoutError('T-Invest timed out handling the request', { connection, status: response.status }),
};

/** API error numbers (tinvest-v2/api_errors.json) that mean more than their HTTP status says. */
const byNumber: Record<string, ErrorFactory> = {
  // 400 {"code":3,"message":"The order is a duplicate, but the order report was not found","description":30057}
  // T-Invest knows this orderId (so an order with it may well exist) but cannot say what became
  // of it: not a refusal. A repeat with the same key re-checks, and cannot place a second order.
  '30057': (message, connection, response) =>
    new OrderStateUnknownError({
      connection,
      reason: `T-Invest has an order with this request id but no report of it (${message})`,
      repeatIsSafe: true,
      status: response.status,
    }),
};

export function mapTinkoffError(response: UpstreamResponse, connection: string): BrokerqlError {
  const { message, number } = readError(response.text);
  const factory = (number === undefined ? undefined : byNumber[number]) ?? byStatus[response.status];
  if (factory) return factory(message, connection, response);
  return new UpstreamUnavailableError(`T-Invest answered HTTP ${response.status}`, {
    connection,
    status: response.status,
  });
}

/** The message as clients see it ("Not enough balance (30034)") and the API error number, when the body has them. */
function readError(text: string): { message: string; number: string | undefined } {
  try {
    const body = errorBodySchema.safeParse(JSON.parse(text));
    if (body.success && body.data.message) {
      const number = body.data.description === undefined ? undefined : String(body.data.description);
      return { message: number === undefined ? body.data.message : `${body.data.message} (${number})`, number };
    }
  } catch {
    // Not JSON: proxies in front of T-Invest answer some failures with HTML.
  }
  return { message: 'no error details', number: undefined };
}
