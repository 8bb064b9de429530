import { isZeroDecimal } from '../../decimal.js';
import type { Order } from '../../domain.js';
import { InternalError } from '../../errors.js';
import { mapTinkoffOrderDirection, mapTinkoffOrderStatus, mapTinkoffOrderType } from './map-tinkoff-enums.js';
import { tinkoffInstrumentHint } from './map-tinkoff-instrument.js';
import { quotationToDecimal } from './quotation.js';
import type { OrderState } from './wire.js';

// OrdersService/GetOrders → orders[], one trimmed (PostOrder answers the same fields minus orderDate):
// {"orderId":"R281923456","executionReportStatus":"EXECUTION_REPORT_STATUS_NEW","lotsRequested":"2",
//  "lotsExecuted":"0","initialSecurityPrice":{"currency":"rub","units":"250","nano":0},"figi":"BBG004730N88",
//  "direction":"ORDER_DIRECTION_BUY","orderType":"ORDER_TYPE_LIMIT","orderDate":"2024-05-02T07:15:01.152Z","ticker":"SBER"}
export function mapTinkoffOrder(order: OrderState, connection: string): Order {
  const side = mapTinkoffOrderDirection(order.direction);
  if (!side) throw new InternalError(`T-Invest order ${order.orderId} has no direction (${order.direction})`, { connection });
  const price = order.initialSecurityPrice ? quotationToDecimal(order.initialSecurityPrice) : null;
  const hasPrice = price !== null && !isZeroDecimal(price);
  const type = mapTinkoffOrderType(order.orderType, hasPrice);
  return {
    id: order.orderId,
    instrument: tinkoffInstrumentHint(order),
    side,
    type,
    status: mapTinkoffOrderStatus(order.executionReportStatus),
    price: type === 'LIMIT' && hasPrice ? price : null,
    requestedLots: order.lotsRequested,
    executedLots: order.lotsExecuted,
    createdAt: order.orderDate ?? null,
    message: order.message || null,
  };
}
