import type { Decimal } from '../../decimal.js';
import { averageFillPrice } from '../average-price.js';
import type { AverageFillPricesParams } from '../adapter.js';
import type { AlorClient } from './client.js';
import type { AlorExchange, AlorPortfolio } from './identifiers.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { tradesResponseSchema } from './wire.js';

// GET /md/v2/Clients/MOEX/D39004/trades → today's trades, one trimmed:
// {"id":"159","orderno":"41423837024","symbol":"SBER","exchange":"MOEX","date":"2023-12-11T07:31:48.0000000Z",
//  "qtyUnits":20,"qtyBatch":2,"qty":2,"price":305.5,"side":"buy","existing":true}
/**
 * An ALOR order says how much was filled but not at what price; its trades do (`orderno`). One
 * call for the portfolio's trades of the current session — ALOR's order list is the session's
 * too — gives every asked order its volume-weighted average price per unit.
 */
export async function readAlorAverageFillPrices(
  client: AlorClient,
  paths: AlorPaths,
  exchange: AlorExchange,
  portfolio: AlorPortfolio,
  { orderIds, signal }: AverageFillPricesParams,
): Promise<Map<string, Decimal>> {
  const trades = await client.get(
    { path: paths.clientData(exchange, portfolio, 'trades'), route: alorRoutes.sessionTrades, signal },
    tradesResponseSchema,
  );
  const wanted = new Set(orderIds);
  const fills = new Map<string, Array<{ price: Decimal; quantity: Decimal }>>();
  for (const trade of trades) {
    if (!trade.orderno || !wanted.has(trade.orderno)) continue;
    const orderFills = fills.get(trade.orderno) ?? [];
    orderFills.push({ price: trade.price, quantity: trade.qtyUnits });
    fills.set(trade.orderno, orderFills);
  }
  const prices = new Map<string, Decimal>();
  for (const [orderId, orderFills] of fills) {
    const average = averageFillPrice(orderFills);
    if (average !== null) prices.set(orderId, average);
  }
  return prices;
}
