/**
 * Stable labels of ALOR calls, for metrics, logs and "cannot read" messages — never the URL,
 * whose query may carry the refresh token.
 */
export const alorRoutes = {
  refresh: 'POST /refresh',
  positions: 'GET positions',
  summary: 'GET summary',
  orders: 'GET orders',
  order: 'GET order',
  sessionTrades: 'GET trades',
  historyTrades: 'GET history trades',
  candles: 'GET history',
  security: 'GET security',
  quotes: 'GET quotes',
  orderbook: 'GET orderbook',
  limitOrder: 'POST order limit',
  marketOrder: 'POST order market',
  cancelOrder: 'DELETE order',
  estimate: 'POST estimate',
} as const;
