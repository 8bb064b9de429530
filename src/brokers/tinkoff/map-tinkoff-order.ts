import { isZeroDecimal, multiplyDecimals, normalizeDecimal, type Decimal } from '../../decimal.js';
import type { Order } from '../../domain.js';
import { pricePerUnit } from '../average-price.js';
import { InternalError } from '../../errors.js';
import { mapTinkoffOrderDirection, mapTinkoffOrderStatus, mapTinkoffOrderType } from './map-tinkoff-enums.js';
import { tinkoffInstrumentHint } from './map-tinkoff-instrument.js';
import { quotationToDecimal } from './quotation.js';
import type { OrderState } from './wire.js';

// OrdersService/GetOrders → orders[], one trimmed (PostOrder answers the same fields minus orderDate
// and averagePositionPrice):
// {"orderId":"R281923456","executionReportStatus":"EXECUTION_REPORT_STATUS_NEW","lotsRequested":"2",
//  "lotsExecuted":"0","initialSecurityPrice":{"currency":"rub","units":"250","nano":0},"figi":"BBG004730N88",
//  "direction":"ORDER_DIRECTION_BUY","orderType":"ORDER_TYPE_LIMIT","orderDate":"2024-05-02T07:15:01.152Z","ticker":"SBER"}
/** `lotSize` (units per lot), when the caller knows the instrument, lets the fill price be computed exactly. */
export function mapTinkoffOrder(order: OrderState, connection: string, lotSize?: number | null): Order {
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
    averageFillPrice: tinkoffAverageFillPrice(order, lotSize),
    createdAt: order.orderDate ?? null,
    message: order.message || null,
  };
}

// A real OrderState of a filled futures order (Tinkoff/investAPI#322), trimmed:
// {"lotsExecuted":"30","executedOrderPrice":{"currency":"rub","units":"421232","nano":0},
//  "averagePositionPrice":{"currency":"rub","units":"14041","nano":66666666}}
/**
 * The average price per unit. orders.proto: OrderState.executed_order_price is "the executed price
 * of the order: the average purchase price times the quantity" — the whole executed amount — and
 * average_position_price is "the average price of the position in the trade", per unit, which
 * T-Invest cuts to 9 decimals (14041.066666666 above, of 421232 ÷ 30). So where the units are
 * known (the lot size of the instrument just ordered), the amount divided by the units is the
 * exact figure; elsewhere T-Invest's own per-unit figure. Zero in either means T-Invest does not
 * say (PostOrder's answer usually carries 0 — an answer "by design", investAPI#372).
 */
export function tinkoffAverageFillPrice(order: Pick<OrderState, 'lotsExecuted' | 'executedOrderPrice' | 'averagePositionPrice'>, lotSize?: number | null): Decimal | null {
  if (isZeroDecimal(order.lotsExecuted)) return null;
  if (lotSize && order.executedOrderPrice) {
    const perUnit = pricePerUnit(quotationToDecimal(order.executedOrderPrice), multiplyDecimals(order.lotsExecuted, String(lotSize)));
    if (perUnit !== null) return perUnit;
  }
  const average = order.averagePositionPrice ? quotationToDecimal(order.averagePositionPrice) : '0';
  return isZeroDecimal(average) ? null : normalizeDecimal(average);
}
