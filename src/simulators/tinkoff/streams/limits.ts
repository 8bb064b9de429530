import type { tinkoffStreamLimits } from '../../../brokers/tinkoff/limits.js';
import type { StreamMethod } from './context.js';

/**
 * How T-Invest counts its stream limits (the numbers are src/brokers/tinkoff/limits.ts's
 * `tinkoffStreamLimits`, per user: every token of one user shares them).
 */

/** Which counter a method's streams use: the market-data service counts its streams together, the others per method. */
export type LimitGroup = keyof typeof tinkoffStreamLimits.openStreams;

export function limitGroupOf(method: StreamMethod): LimitGroup {
  return method === 'MarketDataStream' || method === 'MarketDataServerSideStream' ? 'MarketDataStreamService' : method;
}

/**
 * The subscriptions that count against a market-data stream's limit: "candles, order books and
 * trades together; info subscriptions have no limit" (limits.md). ⚠ Last prices are not named
 * either way; the simulator counts them too, so a client that stays within the limit here stays
 * within it there.
 */
export const countedKinds: ReadonlySet<string> = new Set(['orderbook', 'candles', 'trades', 'lastPrice']);
