import { limitsFor, type RequestLimit } from '../../brokers/limits.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';

/**
 * A simulated broker keeping to its own published limits — the very table the gateway's request
 * budget reads (`src/brokers/<broker>/limits.ts`). Only the limits the broker enforces are
 * enforced; each counts per caller (a token, a user) over a sliding window of its period.
 */

export interface LimitOptions {
  table: readonly RequestLimit[];
  /** Refuse requests past the limits (on in the broker; tests of other things and the benchmark turn it off). */
  enforce: boolean;
  /** Other numbers for some limits, by name: for a test that wants to see a refusal quickly. */
  overrides?: Readonly<Record<string, number | undefined>> | undefined;
  /** The simulator's clock. */
  now: () => number;
}

export interface EnforcedLimit {
  name: string;
  requests: number;
  per: RequestLimit['per'];
}

export type LimitCheck =
  /** `limit`: the route's limit, for brokers that report it (T-Invest's x-ratelimit-limit). */
  | { allowed: true; limit: number | undefined }
  | { allowed: false; limit: number; retryAfterSeconds: number };

export class SimulatedLimits {
  private readonly windows: Record<RequestLimit['per'], SlidingWindowRateLimiter>;

  constructor(private readonly options: LimitOptions) {
    this.windows = { second: new SlidingWindowRateLimiter(1_000, options.now), minute: new SlidingWindowRateLimiter(60_000, options.now) };
  }

  /** The enforced limits a route draws from (its method and its path below the API base). */
  forRoute(method: string, path: string): EnforcedLimit[] {
    return limitsFor(this.options.table, method, path)
      .filter((limit) => limit.enforced)
      .map((limit) => ({ name: limit.name, per: limit.per, requests: this.options.overrides?.[limit.name] ?? limit.requests }));
  }

  /** Counts one request of `caller` against the route's limits, unless one of them is used up. */
  check(caller: string, limits: readonly EnforcedLimit[]): LimitCheck {
    const reported = limits[0]?.requests;
    if (!this.options.enforce) return { allowed: true, limit: reported };
    const key = (limit: EnforcedLimit) => `${caller}:${limit.name}`;
    const full = limits.find((limit) => this.windows[limit.per].isFull(key(limit), limit.requests));
    if (full) return { allowed: false, limit: full.requests, retryAfterSeconds: this.windows[full.per].secondsUntilReset(key(full)) };
    for (const limit of limits) this.windows[limit.per].record(key(limit));
    return { allowed: true, limit: reported };
  }
}
