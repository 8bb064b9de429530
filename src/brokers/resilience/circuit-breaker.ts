import { UpstreamUnavailableError } from '../../errors.js';

/**
 * One breaker per connection. After `failureThreshold` consecutive failures (the broker is down,
 * failing or timing out — not a refusal of one request) the circuit opens: calls fail fast with
 * UPSTREAM_UNAVAILABLE for `coolDownMilliseconds`, so a dead broker costs other queries nothing.
 * Then one probe call is let through: success closes the circuit, failure opens it again.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  coolDownMilliseconds: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

export interface CircuitSnapshot {
  state: CircuitState;
  /** When the current run of failures began (ISO), if failing. */
  failingSince: string | null;
  /** When the last call succeeded (ISO), if ever. */
  lastSuccessAt: string | null;
  consecutiveFailures: number;
}

export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private failingSince: number | null = null;
  private lastSuccessAt: number | null = null;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(
    private readonly connection: string,
    private readonly brokerLabel: string,
    private readonly options: CircuitBreakerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  snapshot(): CircuitSnapshot {
    return {
      state: this.currentState(),
      failingSince: this.failingSince === null ? null : new Date(this.failingSince).toISOString(),
      lastSuccessAt: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      consecutiveFailures: this.consecutiveFailures,
    };
  }

  /** Throws when the circuit is open; otherwise the call may go ahead. */
  check(): void {
    const state = this.currentState();
    if (state === 'closed') return;
    if (state === 'half-open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return;
    }
    const seconds = Math.max(1, Math.ceil((this.openedAt + this.options.coolDownMilliseconds - this.now()) / 1000));
    throw new UpstreamUnavailableError(
      `${this.brokerLabel} is failing; brokerql stopped calling it for a while (next try in about ${seconds}s)`,
      { connection: this.connection, mayHaveReachedBroker: false, retryAfterSeconds: seconds },
    );
  }

  recordSuccess(): void {
    this.lastSuccessAt = this.now();
    this.consecutiveFailures = 0;
    this.failingSince = null;
    this.probeInFlight = false;
    this.transition('closed');
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    this.failingSince ??= this.now();
    const state = this.currentState();
    if (state === 'half-open' || this.consecutiveFailures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.probeInFlight = false;
      this.transition('open');
    }
  }

  private currentState(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.coolDownMilliseconds) this.transition('half-open');
    return this.state;
  }

  private transition(state: CircuitState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
