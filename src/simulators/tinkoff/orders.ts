import Big from 'big.js';
import type { SeedOperation, SimulatedInstrument } from './data.js';

/**
 * The T-Invest simulator's orders and what happens to them: the shapes the state keeps, the
 * REST handlers answer from and the stream simulator announces.
 */

export interface SimulatedOrder {
  orderId: string;
  orderRequestId: string;
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  status:
    | 'EXECUTION_REPORT_STATUS_NEW'
    | 'EXECUTION_REPORT_STATUS_PARTIALLYFILL'
    | 'EXECUTION_REPORT_STATUS_FILL'
    | 'EXECUTION_REPORT_STATUS_CANCELLED'
    | 'EXECUTION_REPORT_STATUS_REJECTED';
  lots: number;
  executedLots: number;
  /** Limit price, or the fill price of a market order. */
  price: string;
  /** The average price of the fills so far (to 9 decimals, as T-Invest's averagePositionPrice). */
  executedPrice: string | undefined;
  /** Σ price × lots of the fills so far, exact: the executed amount is this × the lot size. */
  executedValue: string;
  commission: string;
  orderDate: string;
}

/** One fill of an order, as OrderStateStream reports it. */
export interface SimulatedTrade {
  tradeId: string;
  price: string;
  lots: number;
  time: string;
}

/**
 * What happened to an order: `placed` when the broker takes it (its exchange number is not
 * known yet — orders_state_stream.md), `booked` when it rests at the exchange with nothing
 * filled, one `filled` per fill, and `cancelled` / `rejected`. Listeners run synchronously,
 * while the order still shows this change.
 */
export type TinkoffOrderEvent =
  | { kind: 'placed' | 'booked' | 'cancelled' | 'rejected'; order: SimulatedOrder; time: string }
  | { kind: 'filled'; order: SimulatedOrder; trade: SimulatedTrade; time: string };

export interface PostOrderInput {
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  lots: number;
  price: string | undefined;
  orderRequestId: string;
}

interface FillAccounting {
  price: string;
  units: Big;
  amount: Big;
  fee: string;
  date: string;
  tradeOperationId: string;
  feeOperationId: string;
}

/** What one fill leaves in the account's operations: the trade, and the broker's fee apart. */
export function fillOperations(order: SimulatedOrder, instrument: SimulatedInstrument, fill: FillAccounting): SeedOperation[] {
  const buying = order.direction === 'ORDER_DIRECTION_BUY';
  const common = { accountId: order.accountId, date: fill.date, state: 'OPERATION_STATE_EXECUTED' as const, figi: order.figi, currency: instrument.currency };
  const fee = new Big(fill.fee).times(-1).toFixed();
  return [
    {
      ...common,
      id: fill.tradeOperationId,
      type: buying ? 'OPERATION_TYPE_BUY' : 'OPERATION_TYPE_SELL',
      payment: (buying ? fill.amount.times(-1) : fill.amount).toFixed(),
      price: fill.price,
      quantity: fill.units.toNumber(),
      quantityDone: fill.units.toNumber(),
      commission: fee,
      description: buying ? 'Покупка ценных бумаг' : 'Продажа ценных бумаг',
    },
    { ...common, id: fill.feeOperationId, type: 'OPERATION_TYPE_BROKER_FEE', payment: fee, description: 'Удержание комиссии за операцию' },
  ];
}
