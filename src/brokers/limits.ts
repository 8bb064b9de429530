/**
 * A broker's published request limits, as data. Each broker's table is
 * `src/brokers/<broker>/limits.ts`; the gateway's request budget (resilience/policy.ts) and the
 * broker's simulator both read it, so the two cannot disagree. The tables import nothing but
 * these types: published limits are facts about the broker, not adapter code, which is why the
 * simulators — which never import adapter code — may read them (test/simulator-imports.test.ts).
 */

export type LimitedMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Requests a limit counts: a path below the connection's base URL, one method or any. */
export interface LimitedRoutes {
  /** Any method when absent. */
  method?: LimitedMethod;
  /** Below the base URL a connection's `baseUrl` (or `apiUrl`) names, e.g. `/orders/cancel`. */
  path: string;
  /** The path and everything below it (`/market` covers `/market/orderbook`); only the path itself when absent. */
  below?: boolean;
}

export interface RequestLimit {
  /** The broker's own name for what is limited: a service, a method, a resource group. */
  name: string;
  requests: number;
  per: 'second' | 'minute';
  /** Which requests count against it; every request of the credential when absent. */
  routes?: readonly LimitedRoutes[];
  /**
   * True when the broker refuses requests past the limit (its 429), false for a rate the broker
   * only asks its clients to keep to. brokerql keeps to both; a simulator refuses only the first.
   */
  enforced: boolean;
}

/**
 * The limits one request draws from: every limit without routes, and the first of the others
 * that covers it. Tables list a method's own limit before its service's (T-Invest's PostOrder
 * has 300 a minute of its own, the rest of OrdersService shares 100).
 */
export function limitsFor(limits: readonly RequestLimit[], method: string, path: string): RequestLimit[] {
  const scoped = limits.find((limit) => limit.routes?.some((routes) => covers(routes, method, path)));
  return limits.filter((limit) => limit.routes === undefined || limit === scoped);
}

function covers(routes: LimitedRoutes, method: string, path: string): boolean {
  if (routes.method !== undefined && routes.method !== method) return false;
  return path === routes.path || (routes.below === true && path.startsWith(`${routes.path}/`));
}

/** The candle lengths brokerql asks for (the GraphQL CandleInterval values, spelled out: this file imports nothing). */
export type CandleLimitInterval = 'MINUTE_1' | 'MINUTE_5' | 'MINUTE_15' | 'HOUR_1' | 'DAY' | 'WEEK' | 'MONTH';

/** How much one candles request may ask for, per candle length. */
export interface CandleWindowLimit {
  /** The longest `to − from` one request may span, in days (a broker refuses a longer one). */
  maximumDays: number;
  /** The most candles one request may ask for (T-Invest's `limit`); absent where the broker has no such parameter. */
  maximumCandles?: number;
}

export type CandleLimits = Readonly<Record<CandleLimitInterval, CandleWindowLimit>>;
