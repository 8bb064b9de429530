import DataLoader from 'dataloader';
import { notSupported } from './brokers/adapter.js';
import type { InstrumentInfo, InstrumentRef } from './domain.js';
import {
  toAccountModel,
  toOperationModel,
  toOrderModel,
  toOrderbookModel,
  toPortfolioModel,
  type AccountModel,
  type ConnectionModel,
  type OperationModel,
  type OrderModel,
  type OrderbookModel,
  type PortfolioModel,
} from './models.js';

/**
 * One set of DataLoaders per GraphQL request: however often and wherever a query asks for the
 * same account's portfolio, orders or operations, or the same instrument, the broker is asked
 * once. Batch functions settle every key on its own, so one failing key fails only its field.
 */
export interface Loaders {
  accounts: DataLoader<ConnectionModel, AccountModel[], string>;
  portfolio: DataLoader<AccountModel, PortfolioModel, string>;
  orders: DataLoader<AccountModel, OrderModel[], string>;
  operations: DataLoader<OperationsKey, OperationModel[], string>;
  instrument: DataLoader<InstrumentKey, InstrumentInfo, string>;
  orderbook: DataLoader<OrderbookKey, OrderbookModel, string>;
}

export interface OperationsKey {
  account: AccountModel;
  from: string;
  to: string;
  instrument: InstrumentInfo | null;
}

export interface InstrumentKey {
  connection: ConnectionModel;
  ref: InstrumentRef;
}

export interface OrderbookKey extends InstrumentKey {
  depth: number;
}

export function instrumentCacheKey({ connection, ref }: InstrumentKey): string {
  if (ref.key) return `${connection.id}|key|${ref.key}`;
  if (ref.figi) return `${connection.id}|figi|${ref.figi}`;
  return `${connection.id}|symbol|${ref.exchange ?? ''}|${ref.symbol ?? ''}`;
}

/** Runs `load` for every key independently; a failure becomes that key's Error. */
function settleEach<Key, Value>(load: (key: Key) => Promise<Value>) {
  return (keys: readonly Key[]): Promise<Array<Value | Error>> =>
    Promise.all(
      keys.map((key) =>
        load(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ),
    );
}

export function createLoaders(signal: AbortSignal): Loaders {
  const instrument: Loaders['instrument'] = new DataLoader(
    settleEach(async (key: InstrumentKey) => {
      const info = await key.connection.adapter.getInstrument({ ref: key.ref, signal });
      // A lookup by FIGI or symbol also answers later lookups by the broker's key.
      if (!key.ref.key) instrument.prime({ connection: key.connection, ref: { key: info.key } }, info);
      return info;
    }),
    { cacheKeyFn: instrumentCacheKey },
  );

  return {
    accounts: new DataLoader(
      settleEach(async (connection: ConnectionModel) => {
        const accounts = await connection.adapter.listAccounts({ signal });
        return accounts.map((account) => toAccountModel(connection, account));
      }),
      { cacheKeyFn: (connection) => connection.id },
    ),
    portfolio: new DataLoader(
      settleEach(async (account: AccountModel) => {
        const portfolio = await account.connection.adapter.getPortfolio({ brokerAccountId: account.brokerAccountId, signal });
        return toPortfolioModel(account, portfolio);
      }),
      { cacheKeyFn: (account) => account.id },
    ),
    orders: new DataLoader(
      settleEach(async (account: AccountModel) => {
        const orders = await account.connection.adapter.listOrders({ brokerAccountId: account.brokerAccountId, signal });
        return orders.map((order) => toOrderModel(account, order));
      }),
      { cacheKeyFn: (account) => account.id },
    ),
    operations: new DataLoader(
      settleEach(async ({ account, from, to, instrument: filter }: OperationsKey) => {
        const operations = await account.connection.adapter.listOperations({
          brokerAccountId: account.brokerAccountId,
          from,
          to,
          instrument: filter,
          signal,
        });
        return operations.map((operation) => toOperationModel(account, operation));
      }),
      { cacheKeyFn: ({ account, from, to, instrument: filter }) => `${account.id}|${from}|${to}|${filter?.key ?? ''}` },
    ),
    instrument,
    orderbook: new DataLoader(
      settleEach(async (key: OrderbookKey) => {
        if (!key.connection.adapter.capabilities.orderbook) throw notSupported(key.connection, 'orderbooks');
        const book = await key.connection.adapter.getOrderbook({ instrument: key.ref, depth: key.depth, signal });
        return toOrderbookModel(key.connection, book);
      }),
      { cacheKeyFn: (key) => `${instrumentCacheKey(key)}|${key.depth}` },
    ),
  };
}
