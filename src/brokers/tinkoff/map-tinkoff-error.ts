import { NotFoundError, OrderStateUnknownError, RateLimitedError, UpstreamAuthError, UpstreamRejectedError, type BrokerqlError } from '../../errors.js';
import { headerValue, type UpstreamResponse } from '../http.js';
import { parseJsonExact } from '../json.js';
import { failureOptions, mapUpstreamFailure, type BrokerErrorTable, type ErrorFactory } from '../upstream-errors.js';
import { errorBodySchema } from './wire.js';

/**
 * T-Invest answers errors with an HTTP status and `{code, message, description}`, where
 * `description` is the API error number of tinvest-v2/api_errors.json, e.g.
 *   400 {"code":3,"message":"Not enough balance","description":30034}
 *   401 {"code":16,"message":"authentication token is missing or invalid","description":40003}
 * The HTTP status decides the class; a few 400 numbers are the broker refusing an order
 * (funds, price bands, trading hours) rather than brokerql sending something malformed. The API
 * error numbers whose meaning differs from their status's are looked up first (`byNumber`).
 * 408, 504 and statuses not listed take the shared rows (upstream-errors.ts).
 */

/** How messages name the broker; its definition (index.ts) names it so everywhere else. */
export const tinkoffLabel = 'T-Invest';

/** API error numbers (tinvest-v2/api_errors.json) that mean more than their HTTP status says. */
const byNumber: Record<string, ErrorFactory> = {
  // 400 {"code":3,"message":"The order is a duplicate, but the order report was not found","description":30057}
  // T-Invest knows this orderId (so an order with it may well exist) but cannot say what became
  // of it: not a refusal. A repeat with the same key re-checks, and cannot place a second order.
  '30057': (failure) =>
    new OrderStateUnknownError({
      connection: failure.connection,
      reason: `T-Invest has an order with this request id but no report of it (${failure.message})`,
      repeatIsSafe: true,
      status: failure.status,
    }),
};

export const tinkoffErrors: BrokerErrorTable = {
  readBody: readError,
  byCode: (failure) => (Object.hasOwn(byNumber, failure.code) ? byNumber[failure.code] : undefined),
  byStatus: {
    400: (failure) => new UpstreamRejectedError(`T-Invest refused: ${failure.message}`, failureOptions(failure)),
    401: (failure) =>
      new UpstreamAuthError(
        `T-Invest refused the API token of connection "${failure.connection}" (${failure.message}); check the token in the config`,
        failureOptions(failure),
      ),
    403: (failure) =>
      new UpstreamAuthError(`T-Invest token of connection "${failure.connection}" lacks the rights for this request (${failure.message})`, failureOptions(failure)),
    404: (failure) => new NotFoundError(`T-Invest: ${failure.message}`, failureOptions(failure)),
    // T-Invest says when its window resets in its own header, not in Retry-After.
    429: (failure) => {
      const reset = Number(headerValue(failure.response.headers, 'x-ratelimit-reset'));
      return new RateLimitedError('T-Invest request limit reached for this token', {
        ...failureOptions(failure),
        retryAfterSeconds: Number.isFinite(reset) && reset > 0 ? Math.ceil(reset) : undefined,
      });
    },
  },
};

export function mapTinkoffError(response: UpstreamResponse, connection: string): BrokerqlError {
  return mapUpstreamFailure(response, { label: tinkoffLabel, connection }, tinkoffErrors);
}

/** The message as clients see it ("Not enough balance (30034)") and the API error number, when the body has them. */
function readError(text: string): { message?: string; code?: string } {
  try {
    const body = errorBodySchema.safeParse(parseJsonExact(text));
    if (body.success && body.data.message) {
      const number = body.data.description;
      return { message: number === undefined ? body.data.message : `${body.data.message} (${number})`, code: number };
    }
  } catch {
    // Not JSON: proxies in front of T-Invest answer some failures with HTML.
  }
  return {};
}
