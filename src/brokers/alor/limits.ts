import type { RequestLimit } from '../limits.js';

/**
 * ALOR's published limit (../shared/brokers/alor.md §13): "no more than 100 requests per second
 * from each user" over HTTP; past it ALOR answers 429 with an empty body.
 */
export const alorLimits = [{ name: 'per user', requests: 100, per: 'second', enforced: true }] as const satisfies readonly RequestLimit[];
