import type { Order } from '../../domain.js';
import { mt4Command } from './map-instaforex-command.js';
import { instaforexInstrument } from './map-instaforex-instrument.js';
import { tradePrices } from './prices.js';
import type { TradeRecord } from './wire.js';

// client/RequestOpenTrades/{login} → one pending order, trimmed:
// {"Ticket":48213502,"Login":2100123,"Symbol":"GBPUSD","Cmd":3,"Volume":0.05,"OpenTime":1714652100,"OpenPrice":1.258,
//  "Sl":1.263,"Tp":1.25,"ClosePrice":0.0,"Commission":0.0,"Swap":0.0,"Profit":0.0,"Comment":""}
/**
 * A pending MT4 order (Cmd 2–5) is an active order. Its status is NEW, as for a resting order at
 * every other broker: MT4 has accepted it and it waits for its price with nothing filled. (PENDING
 * would read as "not yet acknowledged by the broker"; MT4's "pending" only means not triggered.)
 * MT4 fills an order whole, so executedLots is 0 while it is listed here. See map-instaforex-command
 * for why stop orders are MARKET without a price.
 */
export function mapInstaforexOrder(record: TradeRecord): Order | null {
  const command = mt4Command(record.cmd);
  if (command.role !== 'pending' || !command.side || !command.orderType || !record.symbol) return null;
  const symbol = record.symbol.toUpperCase();
  const { openPrice } = tradePrices(symbol, record);
  return {
    id: record.ticket,
    instrument: instaforexInstrument(symbol),
    side: command.side,
    type: command.orderType,
    status: 'NEW',
    price: command.orderType === 'LIMIT' ? openPrice : null,
    requestedLots: record.volume,
    executedLots: '0',
    averageFillPrice: null,
    createdAt: record.opentime,
    message: null,
  };
}
