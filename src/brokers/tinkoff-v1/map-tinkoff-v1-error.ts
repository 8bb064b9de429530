import {
  BadUserInputError,
  NotFoundError,
  RateLimitedError,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';
import { parseJsonExact } from '../json.js';
import { failureOptions, mapUpstreamFailure, type BrokerErrorTable, type ErrorFactory, type UpstreamFailure } from '../upstream-errors.js';
import { envelopeSchema, errorPayloadSchema, type ErrorPayload } from './wire.js';

/**
 * v1 answers every business error with HTTP 500 and an error envelope, e.g.
 *   500 {"trackingId":"58d80e56ac76e2d3","payload":{"message":"INTERNAL_ERROR","code":"INTERNAL_ERROR"},"status":"Error"}
 *   500 {"trackingId":"…","payload":{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"},"status":"Error"}
 * so `payload.code` (and for a few codes the message) decides the class, through the table
 * below. 401 and 429 come with empty bodies and outages with nginx HTML: there the HTTP status
 * decides (504 and 429 by the shared rows of upstream-errors.ts). The broker's own message is
 * kept wherever it explains a refusal.
 */

/** How messages name the broker; its definition (index.ts) names it so everywhere else. */
export const tinkoffV1Label = 'Tinkoff OpenAPI v1';
const broker = tinkoffV1Label;

const refused: ErrorFactory = (failure) => new UpstreamRejectedError(`${broker} refused: ${failure.message}`, failureOptions(failure));
const notFound: ErrorFactory = (failure) => new NotFoundError(`${broker}: ${failure.message}`, failureOptions(failure));
const invalidParameters: ErrorFactory = (failure) =>
  new BadUserInputError(`${broker} refused the request parameters: ${failure.message}`, failureOptions(failure));
const wrongTokenKind: ErrorFactory = (failure) =>
  new UpstreamAuthError(
    `${broker} refused the token of connection "${failure.connection}" (${failure.message}): a sandbox token works only with the sandbox base URL, a trading token only with the production one; check the connection's token and baseUrl`,
    failureOptions(failure),
  );
const internal: ErrorFactory = (failure) =>
  new UpstreamUnavailableError(`${broker} had an internal error (${failure.message}); try again later`, { ...failureOptions(failure), retryable: true });

interface CodeRule {
  /** Messages that say more than the code does, checked in order. */
  messages?: Array<[pattern: RegExp, factory: ErrorFactory]>;
  otherwise: ErrorFactory;
}

/** payload.code → error class (tinkoff.md §2.4). Codes not listed are refusals with the code kept in the message. */
const byCode: Record<string, CodeRule> = {
  // "Cannot process request, not enough balance on security=USD"
  NOT_ENOUGH_BALANCE: { otherwise: refused },
  // "Cannot find order by id 22901344857": the order is not (or no longer) active.
  ORDER_ERROR: { messages: [[/cannot find order/i, notFound]], otherwise: refused },
  // "[price]: 1.0 has invalid scale, minPriceIncrement=0.095834", "[figi]: Instrument not found by figi=XXX"
  VALIDATION_ERROR: { messages: [[/instrument not found/i, notFound]], otherwise: invalidParameters },
  GATEWAY_REQUEST_DATA_ERROR: {
    messages: [
      [/unknown account/i, notFound],
      [/invalid token scopes/i, wrongTokenKind],
    ],
    otherwise: refused,
  },
  // "Invalid account" (what /portfolio/currencies says for an unknown brokerAccountId)
  REQUEST_DATA_ERROR: { messages: [[/invalid account/i, notFound]], otherwise: refused },
  // "Cannot find market instrument by figi"
  NOT_FOUND: { otherwise: notFound },
  INTERNAL_ERROR: { otherwise: internal },
  // "Broker account not found for type=Tinkoff" (a sandbox call before /sandbox/register)
  USER_ERROR: { messages: [[/account not found/i, notFound]], otherwise: refused },
  // "Cannot find security by id demo"
  INSTRUMENT_ERROR: { messages: [[/cannot find/i, notFound]], otherwise: refused },
};

/** The row for an error envelope's code; a code not listed is a refusal that names it. */
function payloadRow(failure: UpstreamFailure): ErrorFactory {
  const rule = Object.hasOwn(byCode, failure.code) ? byCode[failure.code] : undefined;
  if (!rule) {
    const { code, message } = failure;
    return () => refused({ ...failure, message: code && code !== message ? `${message} (${code})` : message });
  }
  return rule.messages?.find(([pattern]) => pattern.test(failure.message))?.[1] ?? rule.otherwise;
}

export const tinkoffV1Errors: BrokerErrorTable = {
  readBody: (text) => {
    const payload = readErrorPayload(text);
    return { message: payload?.message || payload?.code, code: payload?.code };
  },
  // 401 and 429 are decided by their status: the SDKs never read their (empty) bodies.
  byCode: (failure) => (failure.status === 401 || failure.status === 429 || !failure.code ? undefined : payloadRow(failure)),
  byStatus: {
    401: (failure) =>
      new UpstreamAuthError(`${broker} refused the token of connection "${failure.connection}"; check the token in the config`, failureOptions(failure)),
    // After the shutdown in 2023 every v1 call was answered 403 with an HTML page.
    403: (failure) =>
      new UpstreamAuthError(
        `${broker} denied access to connection "${failure.connection}" (HTTP 403); the v1 API was shut down in 2023, consider the T-Invest v2 broker "tinkoff"`,
        failureOptions(failure),
      ),
    // A bare 404 is nginx's page for a path v1 does not have (a wrong base URL), not an unknown resource.
    404: (failure) => new UpstreamUnavailableError(`${broker} answered HTTP ${failure.status}`, failureOptions(failure)),
    // Per-address flood protection ("Too Many Connections").
    421: (failure) =>
      new RateLimitedError(`${broker} refused: too many connections from this address`, {
        ...failureOptions(failure),
        retryAfterSeconds: retryAfterSeconds(failure.response),
      }),
  },
};

/** An error envelope's payload, whatever HTTP status carried it (proxies echo them with 200). */
export function mapTinkoffV1ErrorPayload(payload: ErrorPayload, context: { connection: string; status: number }): BrokerqlError {
  const code = payload.code ?? '';
  const failure: UpstreamFailure = {
    label: broker,
    ...context,
    response: { status: context.status, headers: {}, text: '' },
    message: payload.message || code || 'no error details',
    code,
  };
  return payloadRow(failure)(failure);
}

/** Any answer outside 2xx. */
export function mapTinkoffV1HttpError(response: UpstreamResponse, connection: string): BrokerqlError {
  return mapUpstreamFailure(response, { label: broker, connection }, tinkoffV1Errors);
}

/**
 * Whether an answer means the broker itself is failing, as opposed to answering. v1 sends every
 * business refusal (unknown account, unknown FIGI, not enough balance) as HTTP 500 with an error
 * envelope; of those only INTERNAL_ERROR is the broker failing. Meant for the transport's
 * retries and circuit breaker, which otherwise count each refusal as an outage.
 */
export function isTinkoffV1BrokerFailure(response: UpstreamResponse): boolean {
  if (response.status < 500) return false;
  if (response.status !== 500) return true;
  const code = readErrorPayload(response.text)?.code;
  return !code || code === 'INTERNAL_ERROR';
}

function readErrorPayload(text: string): ErrorPayload | undefined {
  try {
    const envelope = envelopeSchema.safeParse(parseJsonExact(text));
    if (!envelope.success || envelope.data.status.toLowerCase() !== 'error') return undefined;
    const payload = errorPayloadSchema.safeParse(envelope.data.payload);
    return payload.success ? payload.data : undefined;
  } catch {
    // Not JSON: nginx pages during outages, empty bodies.
    return undefined;
  }
}
