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

/**
 * Whose doing an error is, which decides what may be done about it: the client's request (wrong
 * input, out of its scope, not offered: repeating it changes nothing), the broker refusing it
 * (funds, price bands: its answer stands), or a failure (the broker or brokerql could not
 * answer: a later attempt may work).
 */
export type ErrorBlame = 'client' | 'broker' | 'failure';

/** What every code means for the rest of brokerql: whose doing it is, and whether a repeat may succeed by default. */
const codeTraits: Record<ErrorCode, { blame: ErrorBlame; retryable: boolean }> = {
  UNAUTHENTICATED: { blame: 'client', retryable: false },
  FORBIDDEN: { blame: 'client', retryable: false },
  NOT_FOUND: { blame: 'client', retryable: false },
  BAD_USER_INPUT: { blame: 'client', retryable: false },
  NOT_SUPPORTED: { blame: 'client', retryable: false },
  UPSTREAM_REJECTED: { blame: 'broker', retryable: false },
  UPSTREAM_UNAVAILABLE: { blame: 'failure', retryable: true },
  UPSTREAM_TIMEOUT: { blame: 'failure', retryable: true },
  RATE_LIMITED: { blame: 'failure', retryable: true },
  UPSTREAM_AUTH: { blame: 'failure', retryable: false },
  INTERNAL: { blame: 'failure', retryable: false },
};

export class BrokerqlError extends Error {
  readonly code: ErrorCode;
  readonly connection: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly mayHaveReachedBroker: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: BrokerqlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.connection = options.connection;
    this.status = options.status;
    this.retryable = options.retryable ?? codeTraits[code].retryable;
    this.mayHaveReachedBroker = options.mayHaveReachedBroker ?? true;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get blame(): ErrorBlame {
    return codeTraits[this.code].blame;
  }

  /**
   * Whether this is the answer to the request itself, so that a repeat (the same idempotency
   * key) must get it again rather than try again: the client's fault or the broker's refusal.
   */
  get definitive(): boolean {
    return this.blame !== 'failure';
  }

  /** HTTP status and headers the whole response takes when this error ends a request before execution (authentication). */
  get http(): { status: number; headers: Record<string, string> } | undefined {
    return undefined;
  }
}

/** The request carried no valid brokerql token: HTTP 401 with a Bearer challenge. */
export class UnauthenticatedError extends BrokerqlError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }

  override get http() {
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="brokerql"' } };
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
    super('UPSTREAM_UNAVAILABLE', message, options);
  }
}

/**
 * The broker's host could not be reached at all (connection refused, unknown host): the request
 * never left this machine. `brokerql check` tells the user to look at the host, not the credential.
 */
export class UpstreamUnreachableError extends UpstreamUnavailableError {
  constructor(message: string, options: BrokerqlErrorOptions = {}) {
    super(message, { ...options, mayHaveReachedBroker: false });
  }
}

export class UpstreamTimeoutError extends BrokerqlError {
  constructor(message: string, options?: BrokerqlErrorOptions) {
    super('UPSTREAM_TIMEOUT', message, options);
  }
}

export interface OrderStateUnknownDetails {
  connection: string | undefined;
  /** What happened, in the broker's terms: "T-Invest did not confirm it". */
  reason: string;
  /**
   * Whether a repeat with the same idempotency key re-checks and cannot place a second order
   * (the broker deduplicates by the key brokerql sends); the message says so only then.
   */
  repeatIsSafe: boolean;
  status?: number | undefined;
  cause?: unknown;
}

/**
 * An order was sent but whether the broker placed it could not be established. Never retryable:
 * repeating it blindly could place a second order. A repeat with the same idempotency key
 * re-checks instead, where the broker makes that safe. Every broker says it in these words.
 */
export class OrderStateUnknownError extends UpstreamTimeoutError {
  /** `stored`: the message of an earlier one, kept in the idempotency ledger and told again to a repeat. */
  constructor(details: OrderStateUnknownDetails | { stored: string; connection: string | undefined }) {
    if ('stored' in details) {
      super(details.stored, { connection: details.connection, retryable: false });
      return;
    }
    const advice = details.repeatIsSafe
      ? "check the account's orders; a retry with the same idempotencyKey checks again and cannot place it twice"
      : "check the account's orders before placing it again";
    super(`whether the order was placed is unknown: ${details.reason}; ${advice}`, {
      connection: details.connection,
      status: details.status,
      cause: details.cause,
      retryable: false,
    });
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
    super('RATE_LIMITED', message, options);
  }
}

/** An address that keeps failing to authenticate is refused for a while: HTTP 429 with Retry-After. */
export class AuthenticationThrottledError extends RateLimitedError {
  constructor(blockedForSeconds: number) {
    super('too many failed authentications from this address; try again later', { retryAfterSeconds: blockedForSeconds, retryable: true });
  }

  override get http() {
    return { status: 429, headers: { 'Retry-After': String(this.retryAfterSeconds) } };
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

  /** The budget of one request says nothing about the order: a repeat with the same key may be sent. */
  override get definitive(): boolean {
    return false;
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

/**
 * The one mapping from anything thrown to the contract code a client sees. brokerql errors carry
 * theirs; GraphQL's own errors (syntax, validation, variable coercion, a malformed request, in
 * whatever shape a result holds them) are the client's input unless they already name a
 * contract code or say the server failed; any other exception is an unexpected failure.
 */
export function clientCode(error: unknown): ErrorCode {
  if (error instanceof BrokerqlError) return error.code;
  if (error instanceof Error && !isGraphQLError(error)) return 'INTERNAL';
  const code = contractCode(error);
  if (code) return code;
  return extensionsRecord(error)['code'] === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : 'BAD_USER_INPUT';
}

/** The extensions a client sees on a brokerql error. */
export function clientExtensions(error: BrokerqlError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.connection !== undefined) {
    extensions['connection'] = error.connection;
    extensions['retryable'] = error.retryable;
  }
  if (error.retryAfterSeconds !== undefined) extensions['retryAfterSeconds'] = error.retryAfterSeconds;
  // Read by yoga for the response's status and headers, and not shown to the client.
  if (error.http) extensions['http'] = error.http;
  return extensions;
}

/**
 * The client-facing error mask (yoga `maskedErrors.maskError`): brokerql errors keep their code
 * and message; GraphQL's own errors get their code from `clientCode`; anything else is an
 * unexpected failure, reported to `onUnexpected` and shown as INTERNAL.
 */
export function createErrorMasker(redact: (text: string) => string, onUnexpected: (error: unknown) => void) {
  return (error: unknown): GraphQLError => {
    const graphQLError = isGraphQLError(error) ? error : undefined;
    const original = graphQLError ? innermostCause(graphQLError) : error;
    if (original instanceof BrokerqlError) {
      // Variable coercion wraps the scalar's error; the wrapper's message also names the variable.
      const message = graphQLError && graphQLError.message !== original.message ? shortenEchoedValue(graphQLError.message, original.message) : original.message;
      return rebuildGraphQLError(graphQLError, redact(String(message)), clientExtensions(original));
    }
    if (graphQLError && (original === graphQLError || isGraphQLError(original))) {
      // Only a real GraphQLError that already carries its code is passed on as it is: a look-alike may not serialize.
      if (contractCode(graphQLError) && graphQLError instanceof GraphQLError) return graphQLError;
      return rebuildGraphQLError(graphQLError, redact(String(graphQLError.message)), { ...extensionsRecord(graphQLError), code: clientCode(graphQLError) });
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
