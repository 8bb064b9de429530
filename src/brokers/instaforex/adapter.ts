import type { InstaforexConnectionConfig } from './config.js';
import type { InstrumentInfo, InstrumentRef } from '../../domain.js';
import { BadUserInputError, NotFoundError } from '../../errors.js';
import type { ClientIdentifiers } from '../identifiers.js';
import { wholePortfolio, type AdapterDependencies, type BrokerAdapter } from '../adapter.js';
import { connectionUpstream } from '../connection-upstream.js';
import { InstaforexClient } from './client.js';
import { instaforexLabel } from './map-instaforex-error.js';
import { instaforexSymbol, instaforexTicket } from './identifiers.js';
import { instaforexInstrument } from './map-instaforex-instrument.js';
import { mapInstaforexOperation } from './map-instaforex-operation.js';
import { mapInstaforexOrder } from './map-instaforex-order.js';
import { accountCurrency, mapInstaforexPortfolio } from './map-instaforex-portfolio.js';
import { toUnixSeconds } from './time.js';
import { balanceSchema, tradeRecordsSchema } from './wire.js';

/**
 * A read-only MT4 account at InstaForex: one connection is one trading account (its login), read
 * through the Client Cabinet API with the API password set in the cabinet.
 */
export function createInstaforexAdapter(
  config: InstaforexConnectionConfig,
  dependencies: AdapterDependencies,
): BrokerAdapter & Required<Pick<BrokerAdapter, 'listOperations'>> {
  dependencies.secrets.add(config.password);
  const http = connectionUpstream(config, dependencies, { brokerLabel: instaforexLabel, baseUrl: config.baseUrl });
  const client = new InstaforexClient(http, config, dependencies.secrets);
  /** An account's currency never changes: read once from the balance, then reused for operations. */
  let knownCurrency: string | undefined;
  // Portfolio, orders and operations of one query read the same two methods at the same moment:
  // one call each, shared through the connection's calls in flight (when it shares any).
  const sharedRead = <Value>(key: string, read: () => Promise<Value>) => (dependencies.inFlight ? dependencies.inFlight.run(key, read) : read());

  async function readBalance(_signal: AbortSignal | undefined) {
    const balance = await sharedRead('instaforex|balance', () => client.get('balance', balanceSchema));
    knownCurrency = accountCurrency(balance);
    return balance;
  }

  function readOpenTrades() {
    return sharedRead('instaforex|openTrades', () => client.get('openTrades', tradeRecordsSchema));
  }

  /** Only this connection's own login is an account here; any other id is not one of ours. */
  function checkAccount(brokerAccountId: string): void {
    if (brokerAccountId !== config.login) {
      throw new NotFoundError(`InstaForex connection "${config.id}" has only account ${config.login}`, { connection: config.id });
    }
  }

  function symbolOf(ref: InstrumentRef): string {
    if (ref.key !== undefined) return instaforexSymbol.parse(ref.key, 'id', config.id);
    if (ref.symbol !== undefined) return instaforexSymbol.parse(ref.symbol, 'symbol', config.id);
    throw new BadUserInputError('InstaForex names instruments by their MT4 symbol: use { symbol: "EURUSD" } or { id: "<connection>:EURUSD" } (there is no FIGI)', {
      connection: config.id,
    });
  }

  const identifiers: ClientIdentifiers = {
    checkInstrumentRef: (ref) => void symbolOf(ref),
    // The Client Cabinet API cannot cancel orders (capabilities); an MT4 ticket is what one would be.
    checkOrderId: (orderId) => void instaforexTicket.parse(orderId, 'orderId', config.id),
  };

  return {
    identifiers,

    async listAccounts() {
      await client.authenticate();
      return [{ brokerAccountId: config.login, name: null, type: 'MT4' }];
    },

    async getPortfolio({ brokerAccountId, parts = wholePortfolio, signal }) {
      checkAccount(brokerAccountId);
      // Open trades are the positions; the balance is the cash and the valuation (equity), and
      // names the account's currency, which positions need only until it is known.
      const needsBalance = parts.cash || parts.valuation || knownCurrency === undefined;
      const [balance, trades] = await Promise.all([needsBalance ? readBalance(signal) : undefined, parts.positions ? readOpenTrades() : []]);
      return mapInstaforexPortfolio(balance ?? null, trades, new Date().toISOString(), balance ? accountCurrency(balance) : knownCurrency);
    },

    /**
     * Answered from the symbol alone: the API has no instrument catalogue, so an unlisted symbol
     * (a CFD such as #AAPL) cannot be told from one that does not exist. Refusing it would keep
     * clients from filtering operations by it; it gets its ticker and nulls instead.
     */
    async getInstrument({ ref }): Promise<InstrumentInfo> {
      return instaforexInstrument(symbolOf(ref));
    },

    async listOrders({ brokerAccountId }) {
      checkAccount(brokerAccountId);
      const trades = await readOpenTrades();
      return trades.flatMap((record) => mapInstaforexOrder(record) ?? []);
    },

    /**
     * The period goes upstream as unix seconds in `from`/`to` (§3: the clientmobile convention;
     * the real closed-trades method is unconfirmed). Rows are filtered here as well, so a server
     * that ignores or names the parameters differently still yields only the period asked for.
     */
    async listOperations({ brokerAccountId, from, to, instrument, signal }) {
      checkAccount(brokerAccountId);
      const query = { from: toUnixSeconds(from, 'down'), to: toUnixSeconds(to, 'up') };
      const [records, currency] = await Promise.all([
        client.get('closedTrades', tradeRecordsSchema, { query, signal }),
        knownCurrency ?? readBalance(signal).then(accountCurrency),
      ]);
      const start = Date.parse(from);
      const end = Date.parse(to);
      return records
        .flatMap((record) => mapInstaforexOperation(record, currency) ?? [])
        .filter((operation) => {
          const time = Date.parse(operation.date);
          return time >= start && time <= end;
        })
        .filter((operation) => !instrument || operation.instrument?.key === instrument.key);
    },

    close: () => http.close(),
  };
}
