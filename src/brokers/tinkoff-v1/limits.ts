import type { CandleLimits, RequestLimit } from '../limits.js';

/**
 * Tinkoff OpenAPI v1's published limits (../shared/brokers/tinkoff.md §3, final version
 * 2021-12), per user and minute, by resource; past one the API answers 429 with an empty body.
 * Paths are below either base (`/openapi` or `/openapi/sandbox`); `/sandbox/…` is the sandbox's
 * account management. `/user/accounts` has no row, so no limit.
 */
export const tinkoffV1Limits = [
  { name: 'portfolio', requests: 120, per: 'minute', routes: [{ path: '/portfolio', below: true }], enforced: true },
  { name: 'market', requests: 240, per: 'minute', routes: [{ path: '/market', below: true }], enforced: true },
  { name: 'orders', requests: 100, per: 'minute', routes: [{ method: 'GET', path: '/orders' }], enforced: true },
  { name: 'limit-order', requests: 100, per: 'minute', routes: [{ path: '/orders/limit-order' }], enforced: true },
  { name: 'market-order', requests: 100, per: 'minute', routes: [{ path: '/orders/market-order' }], enforced: true },
  { name: 'cancel', requests: 50, per: 'minute', routes: [{ path: '/orders/cancel' }], enforced: true },
  { name: 'operations', requests: 120, per: 'minute', routes: [{ path: '/operations', below: true }], enforced: true },
  { name: 'sandbox', requests: 120, per: 'minute', routes: [{ path: '/sandbox', below: true }], enforced: true },
] as const satisfies readonly RequestLimit[];

/**
 * /market/candles' longest period per resolution (v1 swagger, `CandleResolution`: "1min [1 minute,
 * 1 day] … hour [1 hour, 7 days], day [1 day, 1 year], week [7 days, 2 years], month [1 month, 10
 * years]"); past it v1 answers an error envelope. v1 has no limit parameter.
 */
export const tinkoffV1CandleLimits = {
  MINUTE_1: { maximumDays: 1 },
  MINUTE_5: { maximumDays: 1 },
  MINUTE_15: { maximumDays: 1 },
  HOUR_1: { maximumDays: 7 },
  DAY: { maximumDays: 365 },
  WEEK: { maximumDays: 2 * 365 },
  MONTH: { maximumDays: 10 * 365 },
} as const satisfies CandleLimits;
