import type { RequestLimit } from '../limits.js';

/**
 * InstaForex publishes no request limit (../shared/brokers/instaforex.md §5); two requests a
 * second is what its own clients keep to, so brokerql does too. Nothing is refused past it.
 */
export const instaforexLimits = [{ name: 'client pace', requests: 2, per: 'second', enforced: false }] as const satisfies readonly RequestLimit[];
