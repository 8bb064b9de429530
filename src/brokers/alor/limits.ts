import type { RequestLimit } from '../limits.js';

/**
 * ALOR's published limit (../shared/brokers/alor.md §13): "no more than 100 requests per second
 * from each user" over HTTP; past it ALOR answers 429 with an empty body.
 */
export const alorLimits = [{ name: 'per user', requests: 100, per: 'second', enforced: true }] as const satisfies readonly RequestLimit[];

/**
 * ALOR's WebSocket limits (alor.md §13, DOC-WS), per user: "≤ 10 concurrent connections; ≤ 5000
 * subscriptions per session; ≤ 5000 unprocessed messages in server buffer" — past each the
 * connection is dropped.
 */
export const alorStreamLimits = { socketsPerUser: 10, subscriptionsPerSocket: 5000, unsentMessagesPerSocket: 5000 } as const;
