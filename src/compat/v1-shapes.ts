import { randomBytes } from 'node:crypto';
import { LosslessNumber, stringify } from 'lossless-json';
import { divideDecimals, isZeroDecimal, truncateDecimal } from '../decimal.js';
import type { InstrumentInfo, Money, OperationType, OrderStatus } from '../domain.js';
import type { AccountModel, OperationModel, OrderModel, OrderbookModel, PortfolioModel } from '../resolvers/models.js';

/**
 * The unified model written back in Tinkoff OpenAPI v1's shapes (tinkoff.md §4–§5), so a client
 * of invest_proxy.php reads brokerql's answers unchanged — whichever broker is behind them.
 * Amounts become JSON numbers written from their exact decimal text; optional fields are left
 * out, never null, as v1 did.
 */

export type V1Value = unknown;

const number = (decimal: string) => new LosslessNumber(decimal);
const money = (value: Money) => ({ currency: value.currency, value: number(value.amount) });

/** `{"trackingId":"<16 hex>","payload":…,"status":"Ok"}` in v1's own key order. */
export function okEnvelope(payload: V1Value): string {
  return stringify({ trackingId: randomBytes(8).toString('hex'), payload, status: 'Ok' })!;
}

export function errorEnvelope(code: string, message: string): string {
  return stringify({ trackingId: randomBytes(8).toString('hex'), payload: { message, code }, status: 'Error' })!;
}

/** invest_proxy.php's own refusal when orders are not allowed (note the numeric trackingId). */
export const ordersNotAllowedBody = JSON.stringify({
  trackingId: -1,
  payload: {
    message: 'В настройках <b>TIProxyClient</b> отключена возможность работы с заявками (_ORDERS_ALLOW = false)!',
    code: 'OrderNotAvailable',
  },
  status: 'Error',
});

export function v1Accounts(accounts: AccountModel[]): V1Value {
  return {
    accounts: accounts.map((account) => ({
      brokerAccountType: account.type === 'IIS' ? 'TinkoffIis' : 'Tinkoff',
      brokerAccountId: account.brokerAccountId,
    })),
  };
}

const instrumentTypes: Record<string, string> = { share: 'Stock', bond: 'Bond', etf: 'Etf', currency: 'Currency' };

export function v1InstrumentType(type: string | null | undefined): string {
  return (type && instrumentTypes[type]) ?? 'Stock';
}

/** Positions need names and lot sizes: `instruments` holds the metadata of each position's instrument. */
export function v1Portfolio(portfolio: PortfolioModel, instruments: Map<string, InstrumentInfo>): V1Value {
  return {
    positions: portfolio.positions.map((position) => {
      const info = instruments.get(position.instrument.hint.key);
      const lotSize = info?.lotSize ?? position.instrument.hint.lotSize ?? null;
      const lots = position.lots ?? (lotSize ? truncateDecimal(divideDecimals(position.quantity, String(lotSize))) : '0');
      return {
        figi: info?.figi ?? position.instrument.hint.figi ?? position.instrument.hint.key,
        ticker: info?.ticker ?? position.instrument.hint.ticker,
        instrumentType: v1InstrumentType(info?.type ?? position.instrument.hint.type),
        balance: number(position.quantity),
        expectedYield: position.expectedYield ? money(position.expectedYield) : undefined,
        lots: number(lots),
        averagePositionPrice: position.averagePrice ? money(position.averagePrice) : undefined,
        name: info?.name ?? position.instrument.hint.name ?? position.instrument.hint.ticker ?? position.instrument.hint.key,
      };
    }),
  };
}

export function v1Currencies(portfolio: PortfolioModel): V1Value {
  return { currencies: portfolio.cash.map((cash) => ({ currency: cash.currency, balance: number(cash.amount) })) };
}

export function v1Orderbook(book: OrderbookModel, info: InstrumentInfo, depth: number): V1Value {
  const level = (entry: { price: string; quantity: string }) => ({ price: number(entry.price), quantity: number(entry.quantity) });
  return {
    figi: info.figi ?? info.key,
    depth,
    bids: book.bids.map(level),
    asks: book.asks.map(level),
    tradeStatus: book.bids.length + book.asks.length > 0 ? 'NormalTrading' : 'NotAvailableForTrading',
    minPriceIncrement: number(info.minPriceIncrement ?? '0.01'),
    lastPrice: book.lastPrice === null ? undefined : number(book.lastPrice),
  };
}

const orderStatuses: Record<OrderStatus, string> = {
  NEW: 'New',
  PARTIALLY_FILLED: 'PartiallyFill',
  FILLED: 'Fill',
  CANCELLED: 'Cancelled',
  REJECTED: 'Rejected',
  PENDING: 'PendingNew',
  UNKNOWN: 'New',
};

export function v1Orders(orders: OrderModel[]): V1Value {
  return orders.map((order) => ({
    orderId: order.id,
    figi: order.instrument.hint.figi ?? order.instrument.hint.key,
    operation: order.side === 'BUY' ? 'Buy' : 'Sell',
    status: orderStatuses[order.status],
    requestedLots: number(order.requestedLots),
    executedLots: number(order.executedLots),
    type: order.type === 'LIMIT' ? 'Limit' : 'Market',
    price: number(order.price ?? '0'),
  }));
}

/** The answer to limit-order / market-order (PlacedLimitOrder / PlacedMarketOrder). */
export function v1PlacedOrder(order: OrderModel): V1Value {
  return {
    orderId: order.id,
    operation: order.side === 'BUY' ? 'Buy' : 'Sell',
    status: orderStatuses[order.status],
    requestedLots: number(order.requestedLots),
    executedLots: number(order.executedLots),
    message: order.message ?? undefined,
  };
}

/**
 * v1's operationType for a unified operation: a v1 connection's own name is kept; other
 * brokers' are translated. INTEREST and OTHER have no v1 name and go without one (it is
 * optional in v1).
 */
const operationTypes: Partial<Record<OperationType, string>> = {
  BUY: 'Buy',
  SELL: 'Sell',
  DIVIDEND: 'Dividend',
  COUPON: 'Coupon',
  REPAYMENT: 'PartRepayment',
  COMMISSION: 'BrokerCommission',
  TAX: 'Tax',
  DEPOSIT: 'PayIn',
  WITHDRAWAL: 'PayOut',
  SECURITY_IN: 'SecurityIn',
  SECURITY_OUT: 'SecurityOut',
};

const commissionTypes: Record<string, string> = {
  OPERATION_TYPE_SERVICE_FEE: 'ServiceCommission',
  OPERATION_TYPE_MARGIN_FEE: 'MarginCommission',
  OPERATION_TYPE_DIVIDEND_TAX: 'TaxDividend',
  OPERATION_TYPE_BOND_TAX: 'TaxCoupon',
};

export function v1OperationType(operation: OperationModel): string | undefined {
  if (operation.account.connection.broker === 'tinkoff-v1') return operation.brokerType;
  return commissionTypes[operation.brokerType] ?? operationTypes[operation.type];
}

const operationStatuses: Record<OperationModel['status'], string> = {
  DONE: 'Done',
  DECLINED: 'Decline',
  IN_PROGRESS: 'Progress',
  UNKNOWN: 'Progress',
};

export function v1Operations(operations: OperationModel[], withoutCommissions: boolean): V1Value {
  const rows = operations
    .map((operation) => ({ operation, operationType: v1OperationType(operation) }))
    .filter(({ operationType }) => !(withoutCommissions && operationType === 'BrokerCommission'));
  return {
    operations: rows.map(({ operation, operationType }) => ({
      operationType,
      date: operation.date,
      isMarginCall: false,
      instrumentType: operation.instrument ? v1InstrumentType(operation.instrument.hint.type) : undefined,
      figi: operation.instrument ? (operation.instrument.hint.figi ?? operation.instrument.hint.key) : undefined,
      quantity: operation.quantity === null ? undefined : number(operation.quantity),
      price: operation.price === null ? undefined : number(operation.price),
      payment: number(operation.payment.amount),
      currency: operation.payment.currency,
      commission: operation.commission && !isZeroDecimal(operation.commission.amount) ? money(operation.commission) : undefined,
      status: operationStatuses[operation.status],
      id: operation.id,
    })),
  };
}
