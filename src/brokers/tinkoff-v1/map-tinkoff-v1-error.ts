import {
  BadUserInputError,
  NotFoundError,
  RateLimitedError,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type BrokerqlError,
} from '../../errors.js';
import { retryAfterSeconds, type UpstreamResponse } from '../http.js';
import { parseJsonExact } from '../json.js';
import { envelopeSchema, errorPayloadSchema, type ErrorPayload } from './wire.js';

/**
 * v1 answers every business error with HTTP 500 and an error envelope, e.g.
 *   500 {"trackingId":"58d80e56ac76e2d3","payload":{"message":"INTERNAL_ERROR","code":"INTERNAL_ERROR"},"status":"Error"}
 *   500 {"trackingId":"…","payload":{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"},"status":"Error"}
 * so `payload.code` (and for a few codes the message) decides the class, through the table
 * below. 401 and 429 come with empty bodies and outages with nginx HTML: there the HTTP status
 * decides. The broker's own message is kept wherever it explains a refusal.
 */

const broker = 'Tinkoff OpenAPI v1';

interface ErrorContext {
  connection: string;
  status: number;
}

type ErrorFactory = (message: string, context: ErrorContext) => BrokerqlError;

const refused: ErrorFactory = (message, context) => new UpstreamRejectedError(`${broker} refused: ${message}`, context);
const notFound: ErrorFactory = (message, context) => new NotFoundError(`${broker}: ${message}`, context);
const invalidParameters: ErrorFactory = (message, context) =>
  new BadUserInputError(`${broker} refused the request parameters: ${message}`, context);
const wrongTokenKind: ErrorFactory = (message, context) =>
  new UpstreamAuthError(
    `${broker} refused the token of connection "${context.connection}" (${message}): a sandbox token works only with the sandbox base URL, a trading token only with the production one; check the connection's token and baseUrl`,
    context,
  );
const internal: ErrorFactory = (message, context) =>
  new UpstreamUnavailableError(`${broker} had an internal error (${message}); try again later`, { ...context, retryable: true });

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

/** An error envelope's payload, whatever HTTP status carried it. */
export function mapTinkoffV1ErrorPayload(payload: ErrorPayload, context: ErrorContext): BrokerqlError {
  const code = payload.code ?? '';
  const message = payload.message || code || 'no error details';
  const rule = Object.hasOwn(byCode, code) ? byCode[code] : undefined;
  if (!rule) return refused(code && code !== message ? `${message} (${code})` : message, context);
  const specific = rule.messages?.find(([pattern]) => pattern.test(message));
  return (specific?.[1] ?? rule.otherwise)(message, context);
}

type StatusFactory = (context: ErrorContext, response: UpstreamResponse) => BrokerqlError;

const rateLimited =
  (what: string): StatusFactory =>
  (context, response) =>
    new RateLimitedError(`${broker} ${what}`, { ...context, retryAfterSeconds: retryAfterSeconds(response) });

/** For answers without a readable error envelope (empty bodies, nginx pages). */
const byStatus: Record<number, StatusFactory> = {
  401: (context) =>
    new UpstreamAuthError(`${broker} refused the token of connection "${context.connection}"; check the token in the config`, context),
  // After the shutdown in 2023 every v1 call was answered 403 with an HTML page.
  403: (context) =>
    new UpstreamAuthError(
      `${broker} denied access to connection "${context.connection}" (HTTP 403); the v1 API was shut down in 2023, consider the T-Invest v2 broker "tinkoff"`,
      context,
    ),
  // Per-address flood protection ("Too Many Connections").
  421: rateLimited('refused: too many connections from this address'),
  429: rateLimited('request limit reached for this token'),
  504: (context) => new UpstreamTimeoutError(`${broker} timed out handling the request`, context),
};

/** Any answer outside 2xx. */
export function mapTinkoffV1HttpError(response: UpstreamResponse, connection: string): BrokerqlError {
  const context = { connection, status: response.status };
  // 401 and 429 are decided by their status: the SDKs never read their (empty) bodies.
  const statusRule = byStatus[response.status];
  if (response.status === 401 || response.status === 429) return statusRule!(context, response);
  const payload = readErrorPayload(response.text);
  if (payload?.code) return mapTinkoffV1ErrorPayload(payload, context);
  if (statusRule) return statusRule(context, response);
  return new UpstreamUnavailableError(`${broker} answered HTTP ${response.status}`, context);
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

