import DataLoader from 'dataloader';
import type { ConnectionModel } from '../../src/brokers/connection.js';
import type { LoaderFactory, Loaders } from '../../src/loaders.js';
import type {
  AccountModel,
  InstrumentModel,
  OrderModel,
  OperationModel,
  OrderbookModel,
  PortfolioModel,
  toOperationModel as toOperationModelType,
} from '../../src/resolvers/models.js';

/**
 * The benchmark's baseline: what a gateway without brokerql's care for broker calls does. Given
 * to `createGateway` as its loader factory (bench/baseline/serve-naive.ts), built on the real
 * loaders so that only the care differs:
 * - no batching and no de-duplication: every load gets loaders of its own, so each key is its
 *   own broker call, however often a query asks for it;
 * - the whole portfolio, as a resolver blind to the selection would read it;
 * - no instrument hints: every instrument field reads the instrument's metadata itself, as a
 *   resolver without DataLoader and without what the row already said would.
 * The rest of the baseline is in its config and options: no caches (TTL 0), no calls shared in
 * flight, no broker-call budget.
 */
export interface BuiltParts {
  createLoaders: LoaderFactory;
  toOperationModel: typeof toOperationModelType;
}

export function naiveLoaders({ createLoaders, toOperationModel }: BuiltParts): LoaderFactory {
  /** Rebuilt by brokerql's own builder: a statistics query holds thousands, and a spread that replaces a field takes V8's slow path. */
  const withoutOperationHint = (operation: OperationModel): OperationModel =>
    operation.instrument ? toOperationModel(operation.account, { ...operation, instrument: { key: operation.instrument.hint.key } }) : operation;
  return (options) => {
    const fresh = (): Loaders => createLoaders(options);
    /** A loader whose every key is loaded alone, through loaders made just for it. */
    const alone = <Key, Value>(load: (loaders: Loaders, key: Key) => Promise<Value>) =>
      new DataLoader<Key, Value, Key>((keys) => Promise.all(keys.map((key) => load(fresh(), key).catch((error: unknown) => error as Error))), {
        batch: false,
        cache: false,
      });
    return {
      accounts: alone((loaders, connection: ConnectionModel) => loaders.accounts.load(connection)),
      portfolio: {
        load: (account: AccountModel) => fresh().portfolio.load(account, { positions: true, cash: true, valuation: true }).then(withoutHintsInPortfolio),
      },
      orders: alone((loaders, account: AccountModel) => loaders.orders.load(account).then((orders) => orders.map(withoutHint<OrderModel>))),
      operations: alone((loaders, key: Parameters<Loaders['operations']['load']>[0]) =>
        loaders.operations.load(key).then((operations) => operations.map(withoutOperationHint)),
      ),
      instrument: alone((loaders, key: Parameters<Loaders['instrument']['load']>[0]) => loaders.instrument.load(key)),
      lastPrice: alone((loaders, key: Parameters<Loaders['lastPrice']['load']>[0]) => loaders.lastPrice.load(key)),
      orderbook: alone((loaders, key: Parameters<Loaders['orderbook']['load']>[0]) => loaders.orderbook.load(key).then(withoutHint<OrderbookModel>)),
      averageFillPrice: alone((loaders, key: Parameters<Loaders['averageFillPrice']['load']>[0]) => loaders.averageFillPrice.load(key)),
    } as unknown as Loaders;
  };
}

function bare(instrument: InstrumentModel): InstrumentModel {
  return { connection: instrument.connection, hint: { key: instrument.hint.key } };
}

function withoutHint<Model extends { instrument: InstrumentModel }>(model: Model): Model {
  return { ...model, instrument: bare(model.instrument) };
}

function withoutHintsInPortfolio(portfolio: PortfolioModel): PortfolioModel {
  return { ...portfolio, positions: portfolio.positions.map(withoutHint) };
}
