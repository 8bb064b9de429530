import type { AlorConnectionConfig } from './config.js';
import { wholePortfolio, type AdapterDependencies, type BrokerAdapter, type CompleteBrokerAdapter } from '../adapter.js';
import { connectionUpstream } from '../connection-upstream.js';
import type { ClientIdentifiers } from '../identifiers.js';
import { AlorClient } from './client.js';
import { alorExchange, alorOrderNumber, alorPortfolio } from './identifiers.js';
import { readAlorAverageFillPrices } from './fill-prices.js';
import { alorInstrumentAddress, alorInstrumentKey } from './instrument-ref.js';
import { readLastPrices } from './last-prices.js';
import { mapAlorPortfolioType } from './map-alor-enums.js';
import { alorLabel } from './map-alor-error.js';
import { mapAlorOrder } from './map-alor-order.js';
import { mapAlorOrderbook } from './map-alor-orderbook.js';
import { estimateAlorOrder } from './order-estimate.js';
import { heldSecurityRows, mapAlorPortfolio, positionAddress } from './map-alor-portfolio.js';
import { alorPaths } from './paths.js';
import type { AlorSecurity } from './map-alor-instrument.js';
import { SecurityDirectory } from './security-directory.js';
import { TokenKeeper } from './token-keeper.js';
import { readAlorCandles } from './candles.js';
import { listAlorOperations } from './trade-history.js';
import { readAlorOperationsPage } from './trade-history-page.js';
import { AlorTrading } from './trading.js';
import { alorRoutes } from './routes.js';
import { createAlorAccountStreams } from './streams/accounts.js';
import { createAlorMarketFeed } from './streams/market-data.js';
import { orderbookResponseSchema, ordersResponseSchema, positionsResponseSchema, summaryResponseSchema } from './wire.js';

/** MOEX's currency market (CETS): the last price of one unit in roubles. */
const currencyInstruments = { USD: 'MOEX:USD000UTSTOM', EUR: 'MOEX:EUR_RUB__TOM', CNY: 'MOEX:CNYRUB_TOM' };

/** /md/v2/orderbooks accepts depth 1 to 50. */
const maximumOrderbookDepth = 50;

/**
 * ALOR OpenAPI v2 over REST: the refresh token stays here and buys 30-minute access tokens;
 * accounts are the portfolios listed in the access token; client data is read on the configured
 * exchange (MOEX by default).
 */
export function createAlorAdapter(
  config: AlorConnectionConfig,
  dependencies: AdapterDependencies,
): CompleteBrokerAdapter & Required<Pick<BrokerAdapter, 'listOperationsPage' | 'getCandles'>> {
  const connection = config.id;
  // One budget and breaker for both hosts: ALOR's 100 requests/s are per login.
  const upstream = (baseUrl: string) => connectionUpstream(config, dependencies, { brokerLabel: alorLabel, baseUrl });
  const api = upstream(config.apiUrl);
  const auth = upstream(config.authUrl);
  // One token keeper for REST and the stream: both send the same current access token.
  const tokens = new TokenKeeper(auth, config.refreshToken, dependencies.secrets);
  const client = new AlorClient(api, tokens);
  const paths = alorPaths;
  // Validated by the config schema already; parsed here so that paths can be built from it.
  const exchange = alorExchange.parse(config.exchange, 'exchange', connection);
  const securities = new SecurityDirectory(client, paths, dependencies.caches?.instrumentDetails<AlorSecurity>());
  const trading = new AlorTrading(client, paths, exchange);
  /** Portfolios come from ALOR's own token; checked all the same before one goes into a path. */
  const portfolioOf = (brokerAccountId: string) => alorPortfolio.parse(brokerAccountId, 'accountId', connection);
  const identifiers: ClientIdentifiers = {
    checkInstrumentRef: (ref) => void alorInstrumentAddress(ref, exchange, connection),
    checkOrderId: (orderId) => void alorOrderNumber.parse(orderId, 'orderId', connection),
  };

  return {
    identifiers,
    currencyInstruments,

    async listAccounts() {
      const portfolios = await client.portfolios();
      return portfolios.map((portfolio) => ({ brokerAccountId: portfolio, name: null, type: mapAlorPortfolioType(portfolio) }));
    },

    async getPortfolio({ brokerAccountId, parts = wholePortfolio, signal }) {
      const portfolio = portfolioOf(brokerAccountId);
      // The positions rows hold both the securities and the money; the summary only the valuation.
      const [rows, summary] = await Promise.all([
        parts.positions || parts.cash
          ? client.get({ path: paths.clientData(exchange, portfolio, 'positions'), route: alorRoutes.positions, signal }, positionsResponseSchema)
          : [],
        parts.valuation
          ? client.get({ path: paths.clientData(exchange, portfolio, 'summary'), route: alorRoutes.summary, signal }, summaryResponseSchema)
          : undefined,
      ]);
      const held = parts.positions ? await securities.findAll(heldSecurityRows(rows).map((row) => positionAddress(row, exchange))) : new Map();
      return mapAlorPortfolio(parts.positions ? rows : rows.filter((row) => row.isCurrency), summary?.portfolioLiquidationValue, exchange, held, new Date().toISOString());
    },

    async getInstrument({ ref }) {
      return (await securities.get(alorInstrumentAddress(ref, exchange, connection))).info;
    },

    async getOrderbook({ instrument, depth, signal }) {
      const address = alorInstrumentAddress(instrument, exchange, connection);
      const upstreamDepth = Math.min(maximumOrderbookDepth, Math.max(1, Math.floor(depth)));
      const book = await client.get(
        {
          path: paths.orderbook(address),
          query: { depth: upstreamDepth },
          route: alorRoutes.orderbook,
          signal,
          subject: `instrument ${alorInstrumentKey(address)}`,
        },
        orderbookResponseSchema,
      );
      return mapAlorOrderbook(book, address, upstreamDepth, new Date().toISOString());
    },

    async listOrders({ brokerAccountId, signal }) {
      const path = paths.clientData(exchange, portfolioOf(brokerAccountId), 'orders');
      const orders = await client.get({ path, route: alorRoutes.orders, signal }, ordersResponseSchema);
      // ALOR lists the whole session's orders; only `working` ones are still active.
      return orders.filter((order) => order.status.toLowerCase() === 'working').map((order) => mapAlorOrder(order, connection));
    },

    listOperations: async (params) => listAlorOperations({ client, paths, securities, exchange }, portfolioOf(params.brokerAccountId), params),

    listOperationsPage: async (params) => readAlorOperationsPage({ client, paths, securities, exchange }, portfolioOf(params.brokerAccountId), params),

    getCandles: (params) => readAlorCandles(client, exchange, params),

    getLastPrices: ({ keys, signal }) => readLastPrices(client, paths, keys, exchange, signal),

    getAverageFillPrices: (params) => readAlorAverageFillPrices(client, paths, exchange, portfolioOf(params.brokerAccountId), params),

    placeOrder: async (params) => trading.place(portfolioOf(params.brokerAccountId), params),

    previewOrder: (params) => estimateAlorOrder(client, paths, exchange, portfolioOf(params.brokerAccountId), params),

    cancelOrder: async (params) =>
      trading.cancel(portfolioOf(params.brokerAccountId), alorOrderNumber.parse(params.orderId, 'orderId', connection), params.signal),

    createStreamFeed: (options) => createAlorMarketFeed(config, tokens, options),
    createAccountStreams: (options) => createAlorAccountStreams(config, tokens, securities, options),

    // ALOR keeps the session's orders, finished ones included, under the portfolio.
    getOrder: async ({ brokerAccountId, orderId, signal }) =>
      trading.read(exchange, portfolioOf(brokerAccountId), alorOrderNumber.parse(orderId, 'orderId', connection), signal),

    async close() {
      await Promise.all([api.close(), auth.close()]);
    },
  };
}
