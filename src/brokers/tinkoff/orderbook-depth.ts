/** The depths T-Invest serves a book at, by GetOrderBook and by MarketDataStream alike (marketdata.proto). */
const orderbookDepths = [1, 10, 20, 30, 40, 50];

/** The shallowest depth T-Invest serves that holds `depth` levels (50 at most). */
export function tinkoffOrderbookDepth(depth: number): number {
  return orderbookDepths.find((allowed) => allowed >= depth) ?? 50;
}
