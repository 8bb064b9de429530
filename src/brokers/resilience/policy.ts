import type { BrokerKind } from '../../domain.js';
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
  broker: BrokerKind;
  brokerLabel: string;
  /** Apply the broker's documented request limits (off only for load tests against simulators). */
  quota: boolean;
  /** Default: `defaultMaxConcurrentRequests(broker)`. */
  maxConcurrentRequests?: number | undefined;
  onCircuitChange?: (state: CircuitState) => void;
  onQuotaGranted?: (priority: CallPriority, waitedMilliseconds: number) => void;
}

const perMinute = (name: string, limit: number, matches: (key: string) => boolean): QuotaBucket => ({
  name,
  matches,
  perSecond: limit / 60,
  burst: limit,
});
const perSecond = (name: string, limit: number): QuotaBucket => ({ name, matches: () => true, everyRoute: true, perSecond: limit, burst: limit });
const contains = (fragment: string) => (key: string) => key.includes(fragment);

/**
 * Keys are `${method} ${path}`. T-Invest v2: per-minute limits per service or method and
 * 50 requests/s per IP (T-Invest docs "limits"). Tinkoff v1: per-minute limits per resource
 * (tinkoff.md §3). ALOR: 100 requests/s per user (alor.md §13). InstaForex publishes none;
 * two a second is what its own clients keep to (instaforex.md §5).
 */
export const brokerQuotaBuckets: Record<BrokerKind, QuotaBucket[]> = {
  tinkoff: [
    perSecond('per second', 50),
    perMinute('UsersService', 50, contains('.UsersService/')),
    perMinute('OperationsService', 100, contains('.OperationsService/')),
    perMinute('MarketDataService', 150, contains('.MarketDataService/')),
    perMinute('InstrumentsService', 100, contains('.InstrumentsService/')),
    perMinute('GetOrders', 100, contains('OrdersService/GetOrders')),
    perMinute('PostOrder', 150, contains('OrdersService/PostOrder')),
    perMinute('CancelOrder', 50, contains('OrdersService/CancelOrder')),
    perMinute('GetOrderState', 50, contains('OrdersService/GetOrderState')),
  ],
  'tinkoff-v1': [
    perMinute('/portfolio', 120, contains(' /portfolio')),
    perMinute('/market', 240, contains(' /market/')),
    perMinute('/orders', 100, (key) => key.startsWith('GET ') && key.endsWith('/orders')),
    perMinute('/orders/limit-order', 100, contains('/orders/limit-order')),
    perMinute('/orders/market-order', 100, contains('/orders/market-order')),
    perMinute('/orders/cancel', 50, contains('/orders/cancel')),
    perMinute('/operations', 120, contains(' /operations')),
  ],
  alor: [perSecond('per second', 100)],
  instaforex: [perSecond('per second', 2)],
};

/**
 * Calls in flight at once on a connection unless the config says otherwise: one second of the
 * broker's published rate — its limit for all routes where it has one (T-Invest 50/s per IP,
 * ALOR 100/s, InstaForex 2/s), else the sum of its per-minute limits (Tinkoff v1, 830 a minute:
 * 14). With calls answered in L seconds, C calls in flight carry C / L calls a second, so this cap
 * holds a connection below its broker's rate only while the broker takes longer than a second to
 * answer; the rate itself is kept by the token buckets (when `quota` is on). A fixed cap would
 * instead tie throughput to latency: 8 in flight against a 50 ms broker is 160 calls/s, whatever
 * the broker allows.
 */
export function defaultMaxConcurrentRequests(broker: BrokerKind): number {
  const buckets = brokerQuotaBuckets[broker];
  const everyRoute = buckets.find((bucket) => bucket.everyRoute);
  const perSecond = everyRoute ? everyRoute.perSecond : buckets.reduce((sum, bucket) => sum + bucket.perSecond, 0);
  return Math.max(1, Math.ceil(perSecond));
}

export function createConnectionPolicy(options: PolicyOptions): ConnectionPolicy {
  return {
    quota: new ConnectionQuota(options.connection, {
      buckets: options.quota ? brokerQuotaBuckets[options.broker] : [],
      maxConcurrent: options.maxConcurrentRequests ?? defaultMaxConcurrentRequests(options.broker),
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
