import { isZeroDecimal } from '../../decimal.js';
import type { Order } from '../../domain.js';
import { InternalError } from '../../errors.js';
import { alorTime } from './alor-time.js';
import { mapAlorOrderStatus, mapAlorOrderType, mapAlorSide } from './map-alor-enums.js';
import { alorInstrumentHint } from './map-alor-instrument.js';
import type { WireOrder } from './wire.js';

// GET /md/v2/Clients/MOEX/D00013/orders → [], one trimmed:
// {"id":"41423837024","symbol":"GAZP","board":"TQBR","brokerSymbol":"MOEX:GAZP","exchange":"MOEX",
//  "comment":"Приказ на продажу","type":"limit","side":"buy","status":"working",
//  "transTime":"2023-12-11T07:02:48.0000000Z","qtyUnits":10,"qtyBatch":1,"qty":1,"filledQtyUnits":0,
//  "filledQtyBatch":0,"filled":0,"price":161.15,"timeInForce":"oneday","volume":1611.5}
export function mapAlorOrder(order: WireOrder, connection: string): Order {
  const side = mapAlorSide(order.side);
  if (!side) throw new InternalError(`ALOR order ${order.id} has no side (${order.side.slice(0, 20)})`, { connection });
  const executedLots = order.filledQtyBatch ?? order.filled ?? '0';
  const type = mapAlorOrderType(order.type, order.price);
  const status = mapAlorOrderStatus(order.status, executedLots);
  return {
    id: order.id,
    instrument: alorInstrumentHint({ exchange: order.exchange.toUpperCase(), symbol: order.symbol }),
    side,
    type,
    status,
    price: type === 'LIMIT' ? (order.price ?? null) : null,
    requestedLots: order.qtyBatch ?? order.qty ?? '0',
    executedLots,
    // An ALOR order carries no fill price; its trades do (the adapter's getAverageFillPrices).
    averageFillPrice: isZeroDecimal(executedLots) ? null : undefined,
    createdAt: alorTime(order.transTime),
    // A rejected order's comment is where ALOR puts the reason; otherwise it is the client's own note.
    message: status === 'REJECTED' ? order.comment || null : null,
  };
}
