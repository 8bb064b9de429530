import type { ConnectionModel } from '../brokers/connection.js';
import type {
  BrokerAccount,
  Decimal,
  InstrumentHint,
  Operation,
  Order,
  OrderEvent,
  Orderbook,
  Portfolio,
  Position,
} from '../domain.js';
import { scopedId } from '../ids.js';

/**
 * The parent objects GraphQL resolvers receive (codegen `mappers`): the broker-neutral domain
 * objects of `domain.ts`, plus the connection and account they belong to, so that nested
 * fields (Position.instrument, Order.account, ...) can be resolved without another lookup.
 * (The two other parents live where they mean something: `Connection` is the runtime
 * connection of brokers/connection.ts, `Viewer` the token of auth/viewer.ts.)
 */

export interface AccountModel extends BrokerAccount {
  /** `<connection id>:<broker account id>` */
  id: string;
  connection: ConnectionModel;
}

export interface InstrumentModel {
  connection: ConnectionModel;
  hint: InstrumentHint;
}

export interface PositionModel extends Omit<Position, 'instrument'> {
  instrument: InstrumentModel;
}

export interface PortfolioModel extends Omit<Portfolio, 'positions'> {
  account: AccountModel;
  positions: PositionModel[];
}

export interface OrderModel extends Omit<Order, 'instrument'> {
  account: AccountModel;
  instrument: InstrumentModel;
}

export interface OperationModel extends Omit<Operation, 'instrument'> {
  account: AccountModel;
  instrument: InstrumentModel | null;
}

export interface OrderbookModel extends Omit<Orderbook, 'instrument'> {
  instrument: InstrumentModel;
}

export function toAccountModel(connection: ConnectionModel, account: BrokerAccount): AccountModel {
  return { ...account, id: scopedId(connection.id, account.brokerAccountId), connection };
}

export function toInstrumentModel(connection: ConnectionModel, hint: InstrumentHint): InstrumentModel {
  return { connection, hint };
}

export function toPortfolioModel(account: AccountModel, portfolio: Portfolio): PortfolioModel {
  return {
    ...portfolio,
    account,
    positions: portfolio.positions.map((position) => ({
      ...position,
      instrument: toInstrumentModel(account.connection, position.instrument),
    })),
  };
}

export function toOrderModel(account: AccountModel, order: Order): OrderModel {
  return { ...order, account, instrument: toInstrumentModel(account.connection, order.instrument) };
}

/**
 * Written out field by field: a statistics query builds thousands of these, and a spread that then
 * replaces one of its own fields (`instrument`) takes V8's slow path, several times slower.
 */
export function toOperationModel(account: AccountModel, operation: Operation): OperationModel {
  return {
    id: operation.id,
    type: operation.type,
    brokerType: operation.brokerType,
    status: operation.status,
    date: operation.date,
    quantity: operation.quantity,
    price: operation.price,
    payment: operation.payment,
    commission: operation.commission,
    account,
    instrument: operation.instrument ? toInstrumentModel(account.connection, operation.instrument) : null,
  };
}

export function toOrderbookModel(connection: ConnectionModel, orderbook: Orderbook): OrderbookModel {
  return { ...orderbook, instrument: toInstrumentModel(connection, orderbook.instrument) };
}

/** One instrument's last trade price, as a live subscription delivers it. */
export interface LastPriceModel {
  instrument: InstrumentModel;
  price: Decimal;
  asOf: string;
}

/** One change of an order, as `Subscription.orderEvents` delivers it. */
export interface OrderEventModel extends Omit<OrderEvent, 'order'> {
  order: OrderModel;
}

export function toOrderEventModel(account: AccountModel, event: OrderEvent): OrderEventModel {
  return { ...event, order: toOrderModel(account, event.order) };
}
