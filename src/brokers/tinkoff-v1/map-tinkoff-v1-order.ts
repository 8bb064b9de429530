import { isZeroDecimal } from '../../decimal.js';
import type { Order, PlaceOrderRequest } from '../../domain.js';
import { InternalError } from '../../errors.js';
import { mapTinkoffV1OrderSide, mapTinkoffV1OrderStatus, mapTinkoffV1OrderType } from './map-tinkoff-v1-enums.js';
import { tinkoffV1InstrumentHint } from './map-tinkoff-v1-instrument.js';
import type { PlacedOrder, WireOrder } from './wire.js';

// GET /orders?brokerAccountId=… → payload is a bare array; one entry:
// {"orderId":"22901351102","figi":"BBG004730N88","operation":"Sell","status":"PartiallyFill",
//  "requestedLots":5,"executedLots":2,"type":"Limit","price":271.2}
/** v1 orders carry no creation time and no ticker; the instrument is named by FIGI only. */
export function mapTinkoffV1Order(order: WireOrder, connection: string): Order {
  const side = mapTinkoffV1OrderSide(order.operation);
  if (!side) throw new InternalError(`Tinkoff OpenAPI v1 order ${order.orderId} has no side (${order.operation})`, { connection });
  const hasPrice = order.price !== undefined && !isZeroDecimal(order.price);
  const type = mapTinkoffV1OrderType(order.type, hasPrice);
  return {
    id: order.orderId,
    instrument: tinkoffV1InstrumentHint(order),
    side,
    type,
    status: mapTinkoffV1OrderStatus(order.status),
    // A market order's `price` is not a limit (the simulator puts the average fill there).
    price: type === 'LIMIT' && hasPrice ? order.price! : null,
    requestedLots: order.requestedLots,
    executedLots: order.executedLots,
    // v1's order lists and placement answers carry no fill price (only the operations do).
    averageFillPrice: null,
    createdAt: null,
    message: null,
  };
}

// POST /orders/limit-order (and /orders/market-order) → payload:
// {"orderId":"22901344857","operation":"Buy","status":"New","requestedLots":3,"executedLots":0}
// Refused by the exchange (still HTTP 200, envelope "Ok"):
// {"orderId":"…","operation":"Buy","status":"Rejected","rejectReason":"Unknown","message":"Цена вне лимитов по инструменту","requestedLots":1,"executedLots":0}
/** The answer names neither the instrument nor the type or price: those come from the request. */
export function mapTinkoffV1PlacedOrder(placed: PlacedOrder, request: PlaceOrderRequest): Order {
  return {
    id: placed.orderId,
    instrument: { ...request.instrument },
    side: mapTinkoffV1OrderSide(placed.operation) ?? request.side,
    type: request.type,
    status: mapTinkoffV1OrderStatus(placed.status),
    price: request.type === 'LIMIT' ? request.price : null,
    requestedLots: placed.requestedLots,
    executedLots: placed.executedLots,
    averageFillPrice: null,
    createdAt: null,
    // The exchange's reason for a refusal; older answers carried only `rejectReason`.
    message: placed.message || placed.rejectReason || null,
  };
}
