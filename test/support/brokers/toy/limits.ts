import type { RequestLimit } from '../../../../src/brokers/limits.js';

/** The toy broker's published limit: five requests a second per key, refused past it with 429. Its simulator enforces the same table. */
export const toyLimits = [{ name: 'per key', requests: 5, per: 'second', enforced: true }] as const satisfies readonly RequestLimit[];
