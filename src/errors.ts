import { GraphQLError } from 'graphql';

/**
 * The one error tree of brokerql. Adapters, loaders and resolvers throw these; the error mask
 * (`createErrorMasker`) below is the only place that turns them into what a client sees
 * (extensions.code and friends).
 * Anything that is not a BrokerqlError reaching a client is masked as INTERNAL.
 */
export const errorCodes = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'NOT_SUPPORTED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'RATE_LIMITED',
  'UPSTREAM_REJECTED',
  'UPSTREAM_AUTH',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface BrokerqlErrorOptions {
  /** The connection id whose broker caused this error. */
  connection?: string | undefined;
  /** The upstream HTTP status, kept for logs and metrics; never shown to clients. */
  status?: number | undefined;
  cause?: unknown;
  /** Whether the same request may succeed if repeated later. */
  retryable?: boolean | undefined;
  /**
   * Whether the broker may have received the request. False when it provably did not (the
   * connection was refused, the circuit was open, the budget was used up): an order that
   * failed that way was not placed. Defaults to true, the safe assumption.
   */
  mayHaveReachedBroker?: boolean | undefined;
  /** Seconds until repeating the request makes sense, when known (a 429's Retry-After, an open circuit). */
  retryAfterSeconds?: number | undefined;
}

export class BrokerqlError extends Error {
  readonly code: ErrorCode;
  readonly connection: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly mayHaveReachedBroker: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: BrokerqlErrorOptions = {}, defaultRetryable = false) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.connection = options.connection;
    this.status = options.status;
    this.retryable = options.retryable ?? defaultRetryable;
    this.mayHaveReachedBroker = options.mayHaveReachedBroker ?? true;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ForbiddenError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('FORBIDDEN', message, options);
  }
}

export class NotFoundError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

export class BadUserInputError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('BAD_USER_INPUT', message, options);
  }
}

export class NotSupportedError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('NOT_SUPPORTED', message, options);
  }
}

export class UpstreamUnavailableError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('UPSTREAM_UNAVAILABLE', message, options, true);
  }
}

export class UpstreamTimeoutError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('UPSTREAM_TIMEOUT', message, options, true);
  }
}

/**
 * An order was sent but whether the broker placed it could not be established. Never retryable:
 * repeating it blindly could place a second order. A repeat with the same idempotency key
 * re-checks instead, where the broker makes that safe.
 */
export class OrderStateUnknownError extends UpstreamTimeoutError {
  constructor(message: string, options: BrokerqlErrorOptions = {}) {
    super(message, { ...options, retryable: false });
  }
}

/**
 * Sent, but no usable answer came back (a timeout, a reset after the request left): the broker
 * may or may not have acted on it. The one test of whether an order needs reconciling.
 */
export function isUnansweredSend(error: unknown): boolean {
  return error instanceof BrokerqlError && error.mayHaveReachedBroker && (error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'UPSTREAM_TIMEOUT');
}

export class RateLimitedError extends BrokerqlError {
  constructor(message: string, options: BrokerqlErrorOptions = {}) {
    super('RATE_LIMITED', message, options, true);
  }
}

/**
 * A request asked for more broker calls than one request may make. It says nothing about the
 * broker: a call shared with other requests (brokers/single-flight.ts) is made again for them.
 */
export class BrokerCallBudgetError extends BrokerqlError {
  readonly scopedToRequest = true as const;

  constructor(readonly limit: number) {
    super(
      'BAD_USER_INPUT',
      `this request needs more than ${limit} broker calls, the most one request may make (server.limits.maxBrokerCallsPerRequest): this field was not read. Ask for fewer accounts, aliases or periods at once`,
      { retryable: false, mayHaveReachedBroker: false },
    );
  }
}

export class UpstreamRejectedError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('UPSTREAM_REJECTED', message, options);
  }
}

export class UpstreamAuthError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('UPSTREAM_AUTH', message, options);
  }
}

export class InternalError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('INTERNAL', message, options);
  }
}

/**
 * A GraphQL error that keeps where `error` happened (nodes, positions, path) with a new message
 * and extensions. Whatever shape `error` has (another copy of graphql, a hand-made object), only
 * well-formed parts are kept: building the client's answer must not fail on a malformed error.
 */
export function rebuildGraphQLError(error: GraphQLError | undefined, message: string, extensions: Record<string, unknown>): GraphQLError {
  const positions = Array.isArray(error?.positions) && error.source ? error.positions : undefined;
  return new GraphQLError(message, {
    nodes: Array.isArray(error?.nodes) ? error.nodes : undefined,
    source: positions ? error?.source : undefined,
    positions,
    path: Array.isArray(error?.path) ? error.path : undefined,
    extensions,
  });
}

/** An error's extensions as a record; absent or malformed extensions are none. */
export function extensionsRecord(error: unknown): Record<string, unknown> {
  const extensions = typeof error === 'object' && error !== null ? (error as { extensions?: unknown }).extensions : undefined;
  return typeof extensions === 'object' && extensions !== null && !Array.isArray(extensions) ? (extensions as Record<string, unknown>) : {};
}

/** The contract code an error already carries, if any. */
export function contractCode(error: unknown): ErrorCode | undefined {
  const code = extensionsRecord(error)['code'];
  return typeof code === 'string' && (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : undefined;
}

/** The extensions a client sees on a brokerql error. */
function extensionsOf(error: BrokerqlError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.connection !== undefined) {
    extensions['connection'] = error.connection;
    extensions['retryable'] = error.retryable;
  }
  if (error.retryAfterSeconds !== undefined) extensions['retryAfterSeconds'] = error.retryAfterSeconds;
  return extensions;
}

/**
 * The client-facing error mask (yoga `maskedErrors.maskError`): brokerql errors keep their code
 * and message; GraphQL's own errors (syntax, validation, variable coercion) are BAD_USER_INPUT;
 * anything else is an unexpected failure, reported to `onUnexpected` and shown as INTERNAL.
 */
export function createErrorMasker(redact: (text: string) => string, onUnexpected: (error: unknown) => void) {
  return (error: unknown): GraphQLError => {
    const graphQLError = isGraphQLError(error) ? error : undefined;
    const original = graphQLError ? innermostCause(graphQLError) : error;
    if (original instanceof BrokerqlError) {
      // Variable coercion wraps the scalar's error; the wrapper's message also names the variable.
      const message = graphQLError && graphQLError.message !== original.message ? shortenEchoedValue(graphQLError.message, original.message) : original.message;
      return rebuildGraphQLError(graphQLError, redact(String(message)), extensionsOf(original));
    }
    if (graphQLError && (original === graphQLError || isGraphQLError(original))) {
      const code = contractCode(graphQLError);
      // Only a real GraphQLError is passed on as it is: a look-alike may not serialize.
      if (code && graphQLError instanceof GraphQLError) return graphQLError;
      return rebuildGraphQLError(graphQLError, redact(String(graphQLError.message)), { ...extensionsRecord(graphQLError), code: code ?? 'BAD_USER_INPUT' });
    }
    onUnexpected(original);
    return rebuildGraphQLError(graphQLError, 'Unexpected error.', { code: 'INTERNAL' });
  };
}

/** How much of the value graphql-js echoes into a coercion message is kept: a 90 KB price is not repeated back. */
const longestEcho = 60;
const echoPattern = /^((?:Variable "\$[^"]+" got invalid value|Expected value of type "[^"]+", found) )([\s\S]*?)((?: at "[^"]*")?; (?:Expected type "[^"]+"\. )?)$/;

/**
 * GraphQL executors write the whole offending value into a coercion error ("Variable "$price"
 * got invalid value "1000…0"; <the scalar's message>"); a long one is cut to a preview, as the
 * scalar's own message already quotes it.
 */
export function shortenEchoedValue(wrapper: string, message: string): string {
  if (!wrapper.endsWith(message)) return wrapper;
  const parts = echoPattern.exec(wrapper.slice(0, wrapper.length - message.length));
  if (!parts || parts[2]!.length <= longestEcho) return wrapper;
  return `${parts[1]}${parts[2]!.slice(0, longestEcho)}… (${parts[2]!.length} characters)${parts[3]}${message}`;
}

/**
 * What a GraphQL error wraps, through every layer: graphql-js wraps a scalar's error in a
 * GraphQLError ("Expected type …") and that again for the variable ("Variable "$x" got …").
 */
function innermostCause(error: GraphQLError): unknown {
  let cause: unknown = error.originalError ?? error;
  while (isGraphQLError(cause) && cause.originalError) cause = cause.originalError;
  return cause;
}

/** By name, not instanceof: a second copy of graphql (CJS beside ESM) must not turn user errors into INTERNAL. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}
