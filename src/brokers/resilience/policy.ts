import { limitsFor, type RequestLimit } from '../limits.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { ConnectionQuota, type CallPriority, type QuotaBucket } from './quota.js';

/**
 * How brokerql treats one broker credential: its request budget (the broker's documented
 * limits, see ../shared/brokers/), a circuit breaker, and how often reads are retried.
 * One policy per connection, shared by every client of that connection (ALOR has two hosts).
 */
export interface ConnectionPolicy {
  quota: ConnectionQuota;
  breaker: CircuitBreaker;
  /** Extra attempts for a read after a connection error or a 5xx. */
  readRetries: number;
}

export interface PolicyOptions {
  connection: string;
  brokerLabel: string;
  /** The broker's published limits (its definition's, from its limits.ts; the simulators enforce the same tables). */
  limits: readonly RequestLimit[];
  /** Apply the broker's documented request limits (off only for load tests against simulators). */
  quota: boolean;
  /** Default: `defaultMaxConcurrentRequests(limits)`. */
  maxConcurrentRequests?: number | undefined;
  onCircuitChange?: (state: CircuitState) => void;
  onQuotaGranted?: (priority: CallPriority, waitedMilliseconds: number) => void;
}

/**
 * A token bucket per published limit, enforced by the broker or only asked for (T-Invest's 50
 * a second per address, InstaForex's pace): a per-minute limit refills continuously and allows
 * its whole minute at once after a quiet period, and never more than its number within any one
 * minute (quota.ts). Keys are `${method} ${path}` below the base URL.
 */
export function quotaBuckets(limits: readonly RequestLimit[]): QuotaBucket[] {
  return limits.map((limit) => ({
    name: limit.name,
    ...(limit.routes === undefined
      ? { matches: () => true, everyRoute: true }
      : { matches: (route: string) => limitsFor(limits, ...methodAndPath(route)).includes(limit) }),
    perSecond: limit.per === 'second' ? limit.requests : limit.requests / 60,
    burst: limit.requests,
  }));
}

function methodAndPath(route: string): [string, string] {
  const space = route.indexOf(' ');
  return [route.slice(0, space), route.slice(space + 1)];
}

/**
 * Calls in flight at once on a connection unless the config says otherwise: one second of the
 * broker's published rate — its limit for all routes where it has one (T-Invest 50/s per IP,
 * ALOR 100/s, InstaForex 2/s), else the sum of its per-minute limits (Tinkoff v1, 950 a minute:
 * 16). With calls answered in L seconds, C calls in flight carry C / L calls a second, so this cap
 * holds a connection below its broker's rate only while the broker takes longer than a second to
 * answer; the rate itself is kept by the token buckets (when `quota` is on). A fixed cap would
 * instead tie throughput to latency: 8 in flight against a 50 ms broker is 160 calls/s, whatever
 * the broker allows.
 */
export function defaultMaxConcurrentRequests(limits: readonly RequestLimit[]): number {
  const buckets = quotaBuckets(limits);
  const everyRoute = buckets.find((bucket) => bucket.everyRoute);
  const perSecond = everyRoute ? everyRoute.perSecond : buckets.reduce((sum, bucket) => sum + bucket.perSecond, 0);
  return Math.max(1, Math.ceil(perSecond));
}

export function createConnectionPolicy(options: PolicyOptions): ConnectionPolicy {
  return {
    quota: new ConnectionQuota(options.connection, {
      buckets: options.quota ? quotaBuckets(options.limits) : [],
      maxConcurrent: options.maxConcurrentRequests ?? defaultMaxConcurrentRequests(options.limits),
      onGranted: options.onQuotaGranted,
    }),
    breaker: new CircuitBreaker(options.connection, options.brokerLabel, {
      failureThreshold: 5,
      coolDownMilliseconds: 30_000,
      onStateChange: options.onCircuitChange,
    }),
    readRetries: 2,
  };
}
