import type { StreamMethod } from './context.js';

/**
 * T-Invest's stream limits (tinvest-v2/limits.md, grades 1–3 — the simulator's user is grade 1).
 * Counted per user: every token of one user shares them ("Лимитная политика распространяется на
 * все аккаунты пользователя").
 */

/** Which counter a method's streams use: the market-data service counts its streams together, the others per method. */
export function limitGroupOf(method: StreamMethod): string {
  return method === 'MarketDataStream' || method === 'MarketDataServerSideStream' ? 'MarketDataStreamService' : method;
}

/** Open streams per user and counter; one more is refused with 80001. */
export const openStreamLimits: Record<string, number> = {
  // "Активных stream-соединений сервиса котировок": 16.
  MarketDataStreamService: 16,
  // "… на каждый метод сервиса ордеров": 10.
  OrderStateStream: 10,
  TradesStream: 10,
  // "… на каждый метод сервиса операций": 2.
  PortfolioStream: 2,
  PositionsStream: 2,
};

/**
 * Subscriptions per market-data stream: 300, "counted over candles, order books and trades
 * together; info subscriptions have no limit" (limits.md). ⚠ Last prices are not named either
 * way; the simulator counts them too, so a client that stays within 300 here stays within it there.
 */
export const subscriptionsPerStream = 300;
export const countedKinds: ReadonlySet<string> = new Set(['orderbook', 'candles', 'trades', 'lastPrice']);

/** limits.md, "Ограничения по доставке данных в стримах": one orderbook message per subscription per 100 ms. */
export const orderbookIntervalMilliseconds = 100;

/** streams.md §1.3: a market-data stream with no subscriptions is closed after about 2 minutes (80004). */
export const idleCloseMilliseconds = 120_000;
