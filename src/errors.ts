/**
 * The one error tree of brokerql. Adapters, loaders and resolvers throw these; each class says
 * what it means for the rest of brokerql (its code, whose doing it is, whether a repeat may
 * succeed). client-errors.ts is the only place that turns them into what a client sees
 * (extensions.code and friends); anything that is not a BrokerqlError is masked as INTERNAL.
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
  'RISK_LIMIT_EXCEEDED',
  'TRADING_HALTED',
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
  RISK_LIMIT_EXCEEDED: { blame: 'client', retryable: false },
  TRADING_HALTED: { blame: 'client', retryable: false },
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
 * A TRADE token's policy refused the order (trading/guard.ts): nothing was sent to a broker.
 * `rule` is the policy key that refused it (or `valueUnknown`), `limit` and `value` what it
 * allows and what this order would have made of it, as text. Not definitive: the key of a
 * refused order is released, so a retry (tomorrow, after a policy change) runs the checks again.
 */
export class RiskLimitExceededError extends BrokerqlError {
  constructor(
    message: string,
    readonly rule: string,
    readonly limit: string | null,
    readonly value: string | null,
  ) {
    super('RISK_LIMIT_EXCEEDED', message, { retryable: false, mayHaveReachedBroker: false });
  }

  override get definitive(): boolean {
    return false;
  }
}

/** The kill switch is on for this token or account (`brokerql halt`): nothing was sent. A repeat after `resume` may be sent. */
export class TradingHaltedError extends BrokerqlError {
  constructor(message: string) {
    super('TRADING_HALTED', message, { retryable: false, mayHaveReachedBroker: false });
  }

  override get definitive(): boolean {
    return false;
  }
}
