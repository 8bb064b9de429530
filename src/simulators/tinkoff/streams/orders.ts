import { createHash } from 'node:crypto';
import Big from 'big.js';
import type { SimulatedTrade, TinkoffOrderEvent } from '../state.js';
import { moneyValue, quotation } from '../wire.js';
import { onFirstRequest, type StreamContext } from './context.js';
import { isUid, pingDelay, strings, trackingId } from './protocol.js';

/**
 * `OrdersStreamService/OrderStateStream` and the deprecated `TradesStream` (streams.md §1.1,
 * orders.proto, orders_state_stream.md), driven by the T-Invest simulator's order events.
 *
 * OrderStateStream's quirk, as orders_state_stream.md describes it: "the first message of an
 * order corresponds to the broker receiving it; the exchange number is not yet known, `order_id`
 * carries an internal number". Here that first message's `orderId` is the order's request id;
 * every later message (resting at the exchange, each fill, the cancel) carries the exchange
 * order number PostOrder answered. Both carry `orderRequestId` — the client's key when it was a
 * UID, otherwise a UID the API made up (so a key that is not a UID cannot be linked).
 *
 * ⚠ Choices where the docs are silent: each fill's message lists that fill's trades only;
 * `trades[].quantity` is in units (orders.proto: "количество штук"), not lots; MoneyValue
 * currencies are lower case (ws/README.md's OrderStateStream example shows "RUB", its
 * PositionsStream example "rub"); `initialOrderPrice`, `amount` and `executedOrderPrice` are
 * totals for the order (as GetOrderState's are), `orderPrice` the price per unit; an empty
 * `accounts` list subscribes every account the token reads.
 */

const clientCode = '770083706834';

export function serveOrderStateStream(context: StreamContext): void {
  onFirstRequest(context, (request) => {
    const accounts = subscribe(context, request);
    context.keepAlive(pingDelay(request['pingDelayMillis'], { minimum: 1_000, maximum: 120_000 }));
    const stop = context.simulator.state.events.add((event) => {
      if (!accounts.has(event.order.accountId)) return;
      const message = orderStateMessage(context, event);
      context.send(message, { subscription: `orderState:${event.order.accountId}`, orderEvent: true, time: event.time });
    });
    context.onClose(stop);
  });
}

export function serveTradesStream(context: StreamContext): void {
  onFirstRequest(context, (request) => {
    const accounts = subscribe(context, request);
    context.keepAlive(pingDelay(request['pingDelayMs']));
    const state = context.simulator.state;
    const stop = state.events.add((event) => {
      if (event.kind !== 'filled' || !accounts.has(event.order.accountId)) return;
      const instrument = state.instrument(event.order.figi);
      const message = {
        orderTrades: {
          orderId: event.order.orderId,
          createdAt: event.time,
          direction: event.order.direction,
          figi: instrument.figi,
          trades: [tradeOf(event.trade, instrument.lot)],
          accountId: event.order.accountId,
          instrumentUid: instrument.uid,
        },
      };
      context.send(message, { subscription: `trades:${event.order.accountId}`, orderEvent: true, time: event.time });
    });
    context.onClose(stop);
  });
}

/** Acknowledges with `subscription`; RESULT_SUBSCRIPTION_STATUS_ERROR when an account cannot be read (40002). */
function subscribe(context: StreamContext, request: Record<string, unknown>): Set<string> {
  const asked = strings(request['accounts']);
  const accounts = asked.length > 0 ? asked : context.simulator.state.accounts.map((account) => account.id).filter(context.readableAccount);
  for (const accountId of accounts) context.countSubscribe(`${context.method}:${accountId}`);
  const refused = accounts.filter((accountId) => !context.readableAccount(accountId));
  context.send(
    {
      subscription: {
        trackingId: trackingId(),
        status: refused.length === 0 ? 'RESULT_SUBSCRIPTION_STATUS_OK' : 'RESULT_SUBSCRIPTION_STATUS_ERROR',
        streamId: context.streamId,
        accounts,
        error: refused.length === 0 ? undefined : { code: '40002', message: `Insufficient privileges: ${refused.join(', ')}` },
      },
    },
    { category: 'ack' },
  );
  return new Set(accounts.filter(context.readableAccount));
}

function orderStateMessage(context: StreamContext, event: TinkoffOrderEvent) {
  const { order } = event;
  const instrument = context.simulator.state.instrument(order.figi);
  const currency = instrument.currency;
  const units = new Big(order.lots).times(instrument.lot);
  const requestId = isUid(order.orderRequestId) ? order.orderRequestId : madeUpUid(order.orderId);
  const final = event.kind === 'cancelled' || event.kind === 'rejected' || order.status === 'EXECUTION_REPORT_STATUS_FILL';
  const cancelledLots = order.status === 'EXECUTION_REPORT_STATUS_CANCELLED' ? order.lots - order.executedLots : 0;
  return {
    orderState: {
      orderId: event.kind === 'placed' ? requestId : order.orderId,
      orderRequestId: requestId,
      clientCode,
      createdAt: order.orderDate,
      executionReportStatus: order.status,
      statusInfo: event.kind === 'cancelled' ? 'CAUSE_CANCELLED_BY_CLIENT' : event.kind === 'rejected' ? 'CAUSE_REJECTED_BY_EXCHANGE' : undefined,
      ticker: instrument.ticker,
      classCode: instrument.classCode,
      lotSize: instrument.lot,
      direction: order.direction,
      timeInForce: 'TIME_IN_FORCE_DAY',
      orderType: order.orderType,
      accountId: order.accountId,
      initialOrderPrice: moneyValue(units.times(order.price).toFixed(), currency),
      orderPrice: moneyValue(order.price, currency),
      amount: moneyValue(units.times(order.price).toFixed(), currency),
      executedOrderPrice: moneyValue(new Big(order.executedValue).times(instrument.lot).toFixed(), currency),
      currency,
      lotsRequested: String(order.lots),
      lotsExecuted: String(order.executedLots),
      lotsLeft: String(order.lots - order.executedLots - cancelledLots),
      lotsCancelled: String(cancelledLots),
      marker: 'MARKER_UNKNOWN',
      trades: event.kind === 'filled' ? [tradeOf(event.trade, instrument.lot)] : [],
      completionTime: final ? event.time : undefined,
      exchange: instrument.exchange,
      instrumentUid: instrument.uid,
    },
  };
}

function tradeOf(trade: SimulatedTrade, lotSize: number) {
  return { dateTime: trade.time, price: quotation(trade.price), quantity: String(trade.lots * lotSize), tradeId: trade.tradeId };
}

/** The UID the API substitutes for a key that is not one: stable per order, unknown to the client. */
function madeUpUid(orderId: string): string {
  const hex = createHash('sha256').update(`order-request:${orderId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
