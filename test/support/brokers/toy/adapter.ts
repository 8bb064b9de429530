import type { AdapterDependencies, BrokerAdapter } from '../../../../src/brokers/adapter.js';
import { connectionUpstream } from '../../../../src/brokers/connection-upstream.js';
import type { ClientIdentifiers } from '../../../../src/brokers/identifiers.js';
import { BadUserInputError } from '../../../../src/errors.js';
import type { InstrumentRef } from '../../../../src/domain.js';
import { accountsSchema, cashSchema, instrumentSchema, toyAccountNumber, ToyClient, toyLabel, toyOrderNumber, toySymbol } from './client.js';
import type { ToyConnectionConfig } from './config.js';

/**
 * The toy broker's adapter: accounts, their cash and instruments by symbol, through the same
 * transport and upstream pipeline as the real brokers. It cannot trade (its definition says so),
 * so it has no optional methods, and it holds no orders.
 */
export function createToyAdapter(config: ToyConnectionConfig, dependencies: AdapterDependencies): BrokerAdapter {
  dependencies.secrets.add(config.key);
  const client = new ToyClient(connectionUpstream(config, dependencies, { brokerLabel: toyLabel, baseUrl: config.baseUrl }), config.key);
  const connection = config.id;

  function symbolOf(ref: InstrumentRef): string {
    const symbol = ref.key ?? ref.symbol;
    if (symbol === undefined) throw new BadUserInputError('the toy broker names instruments by symbol: use { symbol: "TOY" }', { connection });
    return toySymbol.parse(symbol, ref.key === undefined ? 'symbol' : 'id', connection);
  }

  const identifiers: ClientIdentifiers = {
    checkInstrumentRef: (ref) => void symbolOf(ref),
    checkOrderId: (orderId) => void toyOrderNumber.parse(orderId, 'orderId', connection),
  };

  return {
    identifiers,

    async listAccounts({ signal }) {
      const { accounts } = await client.get('/accounts', 'accounts', accountsSchema, signal);
      return accounts.map((account) => ({ brokerAccountId: account.number, name: account.title, type: null }));
    },

    async getPortfolio({ brokerAccountId, signal }) {
      const account = toyAccountNumber.parse(brokerAccountId, 'accountId', connection);
      const cash = await client.get(`/accounts/${account}/cash`, 'cash', cashSchema, signal, `account ${account}`);
      // The toy broker holds cash only.
      return { positions: [], cash: [{ amount: cash.amount, currency: cash.currency }], valuation: null, asOf: new Date().toISOString() };
    },

    async getInstrument({ ref, signal }) {
      const symbol = symbolOf(ref);
      const instrument = await client.get(`/instruments/${symbol}`, 'instrument', instrumentSchema, signal, `instrument ${symbol}`);
      return {
        key: instrument.symbol,
        ticker: instrument.symbol,
        figi: null,
        exchange: null,
        name: instrument.name,
        type: 'share',
        currency: null,
        lotSize: instrument.lot,
        minPriceIncrement: null,
      };
    },

    // It takes no orders (no trading capability), so it has none to list.
    listOrders: async () => [],

    close: () => client.close(),
  };
}
