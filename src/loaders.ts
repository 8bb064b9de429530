import DataLoader from 'dataloader';
import { requireMethod, supports } from './brokers/capabilities.js';
import type { ConnectionModel } from './brokers/connection.js';
import { coveringPartsKeys, createPortfolioLoader, type PortfolioLoader } from './portfolio-loader.js';
import type { Decimal, InstrumentInfo, InstrumentRef, Portfolio } from './domain.js';
import {
  toAccountModel,
  toOperationModel,
  toOrderModel,
  toOrderbookModel,
  toPortfolioModel,
  type AccountModel,
  type OperationModel,
  type OrderModel,
  type OrderbookModel,
} from './resolvers/models.js';

/**
 * One set of DataLoaders per GraphQL request: however often and wherever a query asks for the
 * same account's portfolio, orders or operations, or the same instrument, the broker is asked
 * once, and instruments and prices go out in as few calls as each broker's API allows.
 * Instrument metadata and account lists also come from the connection's caches across
 * requests. Batch functions settle every key on its own: one bad key fails only its field.
 */
export interface Loaders {
  accounts: DataLoader<ConnectionModel, AccountModel[], string>;
  portfolio: PortfolioLoader;
  orders: DataLoader<AccountModel, OrderModel[], string>;
  operations: DataLoader<OperationsKey, OperationModel[], string>;
  instrument: DataLoader<InstrumentKey, InstrumentInfo, string>;
  lastPrice: DataLoader<InstrumentKey, Decimal | null, string>;
  orderbook: DataLoader<OrderbookKey, OrderbookModel, string>;
  /** Fill prices the order's own answer did not carry (ALOR), one broker call per account. */
  averageFillPrice: DataLoader<FillPriceKey, Decimal | null, string>;
}

export interface FillPriceKey {
  account: AccountModel;
  orderId: string;
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

export interface LoaderOptions {
  signal: AbortSignal;
  /**
   * The account's portfolio from its live stream (`cache.liveAccounts`, streams/accounts/), when
   * there is a trustworthy one: then no broker is asked. Absent or undefined: the broker is asked.
   */
  livePortfolio?: ((account: AccountModel) => Portfolio | undefined) | undefined;
}

/** Builds one request's loaders (`createLoaders`, or a baseline the benchmark compares it with). */
export type LoaderFactory = (options: LoaderOptions) => Loaders;

/** A cache key for an instrument ref, without the connection (caches are per connection). */
export function instrumentRefKey(ref: InstrumentRef): string {
  if (ref.key) return `key|${ref.key}`;
  if (ref.figi) return `figi|${ref.figi}`;
  return `symbol|${ref.exchange ?? ''}|${ref.symbol ?? ''}`;
}

export function instrumentCacheKey({ connection, ref }: InstrumentKey): string {
  return `${connection.id}|${instrumentRefKey(ref)}`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `load` for every key independently; a failure becomes that key's Error. */
function settleEach<Key, Value>(load: (key: Key) => Promise<Value>) {
  return (keys: readonly Key[]): Promise<Array<Value | Error>> => Promise.all(keys.map((key) => load(key).catch(asError)));
}

/** Splits a batch by connection, lets `load` answer each group, and puts the answers back in key order. */
function byConnection<Key extends { connection: ConnectionModel }, Value>(
  load: (connection: ConnectionModel, keys: Key[]) => Promise<Array<Value | Error>>,
) {
  return async (keys: readonly Key[]): Promise<Array<Value | Error>> => {
    const groups = new Map<ConnectionModel, number[]>();
    keys.forEach((key, index) => {
      const group = groups.get(key.connection);
      if (group) group.push(index);
      else groups.set(key.connection, [index]);
    });
    const results: Array<Value | Error> = new Array(keys.length);
    await Promise.all(
      [...groups].map(async ([connection, indexes]) => {
        const values = await load(connection, indexes.map((index) => keys[index]!)).catch((error: unknown) =>
          indexes.map(() => asError(error)),
        );
        // By position, not by `??`: null is a legitimate answer (a broker with no last price).
        indexes.forEach((index, position) => (results[index] = position < values.length ? (values[position] as Value | Error) : new Error('no answer for this key')));
      }),
    );
    return results;
  };
}

/**
 * Runs one broker read through the connection's calls in flight, so that requests asking the same
 * thing at the same moment share it (brokers/single-flight.ts says when a request may join).
 * `keys` name the read, then reads whose answer would do as well. Sharing happens here, below
 * every access check: a token reaches a loader only for accounts and connections it may see.
 */
function shared<Value>(
  connection: ConnectionModel,
  keys: string | string[],
  signal: AbortSignal,
  read: (signal: AbortSignal) => Promise<Value>,
): Promise<Value> {
  return connection.inFlight ? connection.inFlight.run(keys, read, signal) : read(signal);
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

export function createLoaders({ signal, livePortfolio }: LoaderOptions): Loaders {
  async function loadInstruments(connection: ConnectionModel, keys: InstrumentKey[]): Promise<Array<InstrumentInfo | Error>> {
    const cache = connection.caches.instruments;
    // No broker has a multi-instrument metadata call: one getInstrument per key the cache lacks.
    const cachedResults = keys.map((key) => cache?.get(instrumentRefKey(key.ref)));
    const results = await Promise.all(
      keys.map(
        (key, index) =>
          cachedResults[index] ??
          shared(connection, `instrument|${instrumentRefKey(key.ref)}`, signal, (callSignal) =>
            connection.adapter.getInstrument({ ref: key.ref, signal: callSignal }),
          ).catch(asError),
      ),
    );
    for (const [index, result] of results.entries()) {
      if (result instanceof Error) continue;
      // A lookup by FIGI or symbol also answers later lookups by the broker's key. Only fresh
      // answers are stored: storing a hit again would restart its TTL on every use.
      if (cachedResults[index] === undefined) {
        cache?.set(instrumentRefKey(keys[index]!.ref), result);
        cache?.set(instrumentRefKey({ key: result.key }), result);
      }
      if (!keys[index]!.ref.key) instrument.prime({ connection, ref: { key: result.key } }, result);
    }
    return results;
  }

  async function loadLastPrices(connection: ConnectionModel, keys: InstrumentKey[]): Promise<Array<Decimal | null | Error>> {
    const { adapter } = connection;
    const instrumentKeys = keys.map((key) => key.ref.key!);
    if (adapter.getLastPrices) {
      const prices = new Map<string, Decimal>();
      for (const group of chunks([...new Set(instrumentKeys)], adapter.batchLimits?.lastPrices ?? 100)) {
        const answer = await shared(connection, `lastPrices|${[...group].sort().join(',')}`, signal, (callSignal) =>
          adapter.getLastPrices!({ keys: group, signal: callSignal }),
        );
        for (const [key, price] of answer) prices.set(key, price);
      }
      return instrumentKeys.map((key) => prices.get(key) ?? null);
    }
    // No multi-key method: the top of each book carries the last price; a broker without books has none.
    if (!supports(connection, 'getOrderbook')) return instrumentKeys.map(() => null);
    const getOrderbook = requireMethod(connection, 'getOrderbook');
    return Promise.all(
      keys.map((key) =>
        getOrderbook({ instrument: key.ref, depth: 1, signal })
          .then((book) => book.lastPrice)
          .catch(asError),
      ),
    );
  }

  async function loadAverageFillPrices(keys: readonly FillPriceKey[]): Promise<Array<Decimal | null | Error>> {
    const byAccount = new Map<AccountModel, string[]>();
    for (const { account, orderId } of keys) byAccount.set(account, [...(byAccount.get(account) ?? []), orderId]);
    const answers = new Map<AccountModel, Map<string, Decimal> | Error>();
    await Promise.all(
      [...byAccount].map(async ([account, orderIds]) => {
        const { adapter } = account.connection;
        const prices = adapter.getAverageFillPrices
          ? adapter.getAverageFillPrices({ brokerAccountId: account.brokerAccountId, orderIds, signal }).catch(asError)
          : new Map<string, Decimal>();
        answers.set(account, await prices);
      }),
    );
    return keys.map(({ account, orderId }) => {
      const prices = answers.get(account)!;
      return prices instanceof Error ? prices : (prices.get(orderId) ?? null);
    });
  }

  const instrument: Loaders['instrument'] = new DataLoader(byConnection(loadInstruments), { cacheKeyFn: instrumentCacheKey });

  return {
    accounts: new DataLoader(
      settleEach(async (connection: ConnectionModel) => {
        const cache = connection.caches.accounts;
        const accounts =
          cache?.get('accounts') ??
          (await shared(connection, 'accounts', signal, async (callSignal) => {
            const listed = await connection.adapter.listAccounts({ signal: callSignal });
            cache?.set('accounts', listed);
            return listed;
          }));
        return accounts.map((account) => toAccountModel(connection, account));
      }),
      { cacheKeyFn: (connection) => connection.id },
    ),
    portfolio: createPortfolioLoader(async (account, parts) => {
      // The live state holds every part; its asOf is the time of the state, not of this query.
      const live = livePortfolio?.(account);
      if (live) return toPortfolioModel(account, live);
      const keys = coveringPartsKeys(parts).map((partsKey) => `portfolio|${account.brokerAccountId}|${partsKey}`);
      const portfolio = await shared(account.connection, keys, signal, (callSignal) =>
        account.connection.adapter.getPortfolio({ brokerAccountId: account.brokerAccountId, parts, signal: callSignal }),
      );
      return toPortfolioModel(account, portfolio);
    }),
    orders: new DataLoader(
      settleEach(async (account: AccountModel) => {
        const orders = await shared(account.connection, `orders|${account.brokerAccountId}`, signal, (callSignal) =>
          account.connection.adapter.listOrders({ brokerAccountId: account.brokerAccountId, signal: callSignal }),
        );
        return orders.map((order) => toOrderModel(account, order));
      }),
      { cacheKeyFn: (account) => account.id },
    ),
    operations: new DataLoader(
      settleEach(async ({ account, from, to, instrument: filter }: OperationsKey) => {
        const listOperations = requireMethod(account.connection, 'listOperations');
        const key = `operations|${account.brokerAccountId}|${from}|${to}|${filter?.key ?? ''}`;
        const operations = await shared(account.connection, key, signal, (callSignal) =>
          listOperations({ brokerAccountId: account.brokerAccountId, from, to, instrument: filter, signal: callSignal }),
        );
        return operations.map((operation) => toOperationModel(account, operation));
      }),
      {
        cacheKeyFn: ({ account, from, to, instrument: filter }) => `${account.id}|${from}|${to}|${filter?.key ?? ''}`,
        // Dispatched ahead of the other loaders' batches: paged trade histories are the one chain
        // of dependent broker calls in a wide query, so their first pages should leave first.
        batchScheduleFn: (dispatch) => queueMicrotask(dispatch),
      },
    ),
    instrument,
    lastPrice: new DataLoader(byConnection(loadLastPrices), { cacheKeyFn: instrumentCacheKey }),
    orderbook: new DataLoader(
      settleEach(async (key: OrderbookKey) => {
        const getOrderbook = requireMethod(key.connection, 'getOrderbook');
        const book = await shared(key.connection, `orderbook|${instrumentRefKey(key.ref)}|${key.depth}`, signal, (callSignal) =>
          getOrderbook({ instrument: key.ref, depth: key.depth, signal: callSignal }),
        );
        return toOrderbookModel(key.connection, book);
      }),
      { cacheKeyFn: (key) => `${instrumentCacheKey(key)}|${key.depth}` },
    ),
    averageFillPrice: new DataLoader(loadAverageFillPrices, { cacheKeyFn: (key) => `${key.account.id}|${key.orderId}` }),
  };
}
