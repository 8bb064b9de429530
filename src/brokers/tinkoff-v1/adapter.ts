import type { TinkoffV1ConnectionConfig } from './config.js';
import type { InstrumentInfo, InstrumentRef, Order } from '../../domain.js';
import {
  BadUserInputError,
  BrokerqlError,
  NotFoundError,
  OrderStateUnknownError,
  isUnansweredSend,
} from '../../errors.js';
import { wholePortfolio, type AdapterDependencies, type BrokerAdapter, type CompleteBrokerAdapter, type PlaceOrderParams } from '../adapter.js';
import { connectionUpstream } from '../connection-upstream.js';
import { acceptedOrder } from '../order-outcome.js';
import type { ClientIdentifiers } from '../identifiers.js';
import { isTinkoffV1BrokerFailure, tinkoffV1Label } from './map-tinkoff-v1-error.js';
import { readTinkoffV1Candles } from './candles.js';
import { TinkoffV1Client } from './client.js';
import { tinkoffV1AccountId, tinkoffV1InstrumentLookup, tinkoffV1OrderId } from './identifiers.js';
import { mapTinkoffV1AccountType } from './map-tinkoff-v1-enums.js';
import { mapTinkoffV1Instrument } from './map-tinkoff-v1-instrument.js';
import { mapTinkoffV1Operation } from './map-tinkoff-v1-operation.js';
import { mapTinkoffV1Order, mapTinkoffV1PlacedOrder } from './map-tinkoff-v1-order.js';
import { mapTinkoffV1Orderbook } from './map-tinkoff-v1-orderbook.js';
import { mapTinkoffV1Portfolio } from './map-tinkoff-v1-portfolio.js';
import { readTinkoffV1OrderEnd } from './order-end.js';
import { limitOrderBody, marketOrderBody } from './order-request-body.js';
import { tinkoffV1Limits } from './limits.js';
import { PollingFeed } from '../../streams/polling-feed.js';
import {
  accountsPayloadSchema,
  currenciesPayloadSchema,
  emptyPayloadSchema,
  instrumentListPayloadSchema,
  instrumentSchema,
  operationsPayloadSchema,
  orderbookPayloadSchema,
  ordersPayloadSchema,
  placedOrderSchema,
  portfolioPayloadSchema,
} from './wire.js';

/** /market/orderbook accepts depth 1..20 (swagger "[1..20]"). */
const maximumOrderbookDepth = 20;

const broker = tinkoffV1Label;

/** What v1 allows for /market/… reads (its limits table): the polled books draw from it. */
const marketRequestsPerMinute = tinkoffV1Limits.find((limit) => limit.name === 'market')!.requests;

/**
 * Tinkoff Investments OpenAPI v1 (REST, deprecated; shut down in 2023). Every account-scoped
 * call passes `brokerAccountId` explicitly: without it v1 silently uses the default brokerage
 * account, and an IIS request would read the wrong account. Instruments are named by FIGI.
 * v1 has no idempotency keys, so the `idempotencyKey` of placeOrder is not sent anywhere;
 * brokerql's own ledger keeps a repeated request from reaching the broker twice.
 */
export function createTinkoffV1Adapter(
  config: TinkoffV1ConnectionConfig,
  dependencies: AdapterDependencies,
): CompleteBrokerAdapter & Required<Pick<BrokerAdapter, 'getCandles'>> {
  dependencies.secrets.add(config.token);
  // v1 answers ordinary refusals (unknown FIGI, no funds) with 500 too: only real failures count.
  const http = connectionUpstream(config, dependencies, { brokerLabel: broker, baseUrl: config.baseUrl, isBrokerFailure: isTinkoffV1BrokerFailure });
  const client = new TinkoffV1Client(http, config.token);
  const connection = config.id;
  /** Account ids come from /user/accounts; checked all the same before one goes into a query. */
  const accountOf = (brokerAccountId: string) => tinkoffV1AccountId.parse(brokerAccountId, 'accountId', connection);
  const identifiers: ClientIdentifiers = {
    checkInstrumentRef: (ref) => void tinkoffV1InstrumentLookup(ref, connection),
    checkOrderId: (orderId) => void tinkoffV1OrderId.parse(orderId, 'orderId', connection),
  };

  async function getInstrument(ref: InstrumentRef, signal?: AbortSignal): Promise<InstrumentInfo> {
    const lookup = tinkoffV1InstrumentLookup(ref, connection);
    if ('ticker' in lookup) return findByTicker(lookup.ticker, signal);
    const query = { figi: lookup.figi };
    const instrument = await client.call({ method: 'GET', path: '/market/search/by-figi', query, payload: instrumentSchema, signal });
    return mapTinkoffV1Instrument(instrument);
  }

  /** Tickers are not unique in v1 (the same ticker on several exchanges): only an unambiguous one is accepted. */
  async function findByTicker(ticker: string, signal?: AbortSignal): Promise<InstrumentInfo> {
    const { instruments } = await client.call({
      method: 'GET',
      path: '/market/search/by-ticker',
      query: { ticker },
      payload: instrumentListPayloadSchema,
      signal,
    });
    const [first, ...others] = instruments;
    if (!first) throw new NotFoundError(`${broker} knows no instrument with ticker "${ticker.slice(0, 40)}"`, { connection });
    if (others.length > 0) {
      const figis = instruments.map((instrument) => instrument.figi).join(', ');
      throw new BadUserInputError(
        `ticker "${ticker.slice(0, 40)}" names ${instruments.length} instruments at ${broker} (FIGI ${figis}); name one by { figi }`,
        { connection },
      );
    }
    return mapTinkoffV1Instrument(first);
  }

  async function figiOf(ref: InstrumentRef, signal?: AbortSignal): Promise<string> {
    const lookup = tinkoffV1InstrumentLookup(ref, connection);
    return 'figi' in lookup ? lookup.figi : (await getInstrument(ref, signal)).key;
  }

  async function activeOrders(brokerAccountId: string, signal?: AbortSignal) {
    const query = { brokerAccountId: accountOf(brokerAccountId) };
    const orders = await client.call({ method: 'GET', path: '/orders', query, payload: ordersPayloadSchema, signal });
    return orders.map((order) => mapTinkoffV1Order(order, connection));
  }

  async function readOrderbook(instrument: InstrumentRef, depth: number, signal?: AbortSignal) {
    const upstreamDepth = Math.min(Math.max(Math.trunc(depth), 1), maximumOrderbookDepth);
    const figi = await figiOf(instrument, signal);
    const book = await client.call({ method: 'GET', path: '/market/orderbook', query: { figi, depth: upstreamDepth }, payload: orderbookPayloadSchema, signal });
    return mapTinkoffV1Orderbook(book, upstreamDepth, new Date().toISOString());
  }

  return {
    identifiers,

    async listAccounts({ signal }) {
      const { accounts } = await client.call({ method: 'GET', path: '/user/accounts', payload: accountsPayloadSchema, signal });
      return accounts.map((account) => ({
        brokerAccountId: account.brokerAccountId,
        // v1 gives accounts no names.
        name: null,
        type: mapTinkoffV1AccountType(account.brokerAccountType),
      }));
    },

    async getPortfolio({ brokerAccountId, parts = wholePortfolio, signal }) {
      const query = { brokerAccountId: accountOf(brokerAccountId) };
      // /portfolio has the positions, /portfolio/currencies the cash; v1 values no account as a whole.
      const [portfolio, currencies] = await Promise.all([
        parts.positions || !parts.cash ? client.call({ method: 'GET', path: '/portfolio', query, payload: portfolioPayloadSchema, signal }) : undefined,
        parts.cash ? client.call({ method: 'GET', path: '/portfolio/currencies', query, payload: currenciesPayloadSchema, signal }) : undefined,
      ]);
      return mapTinkoffV1Portfolio(portfolio?.positions ?? [], currencies?.currencies ?? [], new Date().toISOString());
    },

    getInstrument: ({ ref, signal }) => getInstrument(ref, signal),

    getOrderbook: ({ instrument, depth, signal }) => readOrderbook(instrument, depth, signal),

    listOrders: ({ brokerAccountId, signal }) => activeOrders(brokerAccountId, signal),
    getOrder: ({ brokerAccountId, orderId, known, signal }) =>
      readTinkoffV1OrderEnd(client, connection, { brokerAccountId: accountOf(brokerAccountId), orderId: tinkoffV1OrderId.parse(orderId, 'orderId', connection), known, signal }),

    async listOperations({ brokerAccountId, from, to, instrument, signal }) {
      // URLSearchParams writes the offset's "+" as %2B: a bare "+" would arrive as a space.
      const query = { from, to, figi: instrument ? (instrument.figi ?? instrument.key) : undefined, brokerAccountId: accountOf(brokerAccountId) };
      const { operations } = await client.call({ method: 'GET', path: '/operations', query, payload: operationsPayloadSchema, signal });
      return operations.map(mapTinkoffV1Operation);
    },

    getCandles: (params) => readTinkoffV1Candles(client, connection, params),

    async placeOrder(request) {
      const { brokerAccountId, instrument, side, type, lots, price, signal } = request;
      if (type === 'LIMIT' && price === null) throw new BadUserInputError('a LIMIT order needs a price', { connection });
      const attemptedAt = Date.now();
      let placed;
      try {
        placed = await client.call({
          method: 'POST',
          path: type === 'LIMIT' ? '/orders/limit-order' : '/orders/market-order',
          query: { figi: instrument.figi ?? instrument.key, brokerAccountId: accountOf(brokerAccountId) },
          body: type === 'LIMIT' ? limitOrderBody(lots, side, price!) : marketOrderBody(lots, side),
          payload: placedOrderSchema,
          signal,
          kind: 'order',
        });
      } catch (error) {
        const unknown = outcomeUnknown(error);
        if (unknown === error) throw error;
        // v1 cannot be asked twice safely (no idempotency), so look for what the attempt left behind.
        const found = await findPlacedOrder(request, attemptedAt).catch(() => undefined);
        if (found) return found;
        throw unknown;
      }
      // The exchange's refusal comes as HTTP 200 with status "Rejected" and the reason in `message`.
      return acceptedOrder(mapTinkoffV1PlacedOrder(placed, request), { label: broker, connection });
    },

    /**
     * v1 has no order-state method and /orders/cancel answers `{}`, so the order is read from
     * the active orders first: that tells whether it can be cancelled at all and gives the
     * state that is returned, as CANCELLED, once the broker confirmed the cancellation.
     */
    async cancelOrder({ brokerAccountId, orderId: requested, signal }) {
      const orderId = tinkoffV1OrderId.parse(requested, 'orderId', connection);
      const order = (await activeOrders(brokerAccountId, signal)).find((candidate) => candidate.id === orderId);
      if (!order) {
        throw new NotFoundError(
          `${broker} has no active order "${orderId.slice(0, 40)}" in account ${brokerAccountId}; it may be filled or cancelled already`,
          { connection },
        );
      }
      await client.call({
        method: 'POST',
        path: '/orders/cancel',
        query: { orderId, brokerAccountId: accountOf(brokerAccountId) },
        payload: emptyPayloadSchema,
        signal,
        kind: 'order',
      });
      return { ...order, status: 'CANCELLED' };
    },

    // v1's streaming API is gone: live books and prices are its REST book, polled within half of its
    // "market" quota (the other half stays for queries).
    createStreamFeed: (options) =>
      new PollingFeed({
        ...options,
        connection,
        brokerLabel: broker,
        callsPerSecond: marketRequestsPerMinute / 60 / 2,
        readBook: (instrument, depth, signal) => readOrderbook({ key: instrument.key }, depth, signal),
      }),

    close: () => http.close(),
  };

  /**
   * After a placement whose answer was lost: the broker books every order as an operation with
   * the order's id (io#376), in progress while it rests. Exactly one Buy/Sell operation of this
   * instrument dated from the attempt on is this order; none or several leave the state unknown.
   */
  async function findPlacedOrder(request: PlaceOrderParams, attemptedAt: number): Promise<Order | undefined> {
    const skew = 120_000;
    const query = {
      from: new Date(attemptedAt - skew).toISOString(),
      to: new Date(Date.now() + skew).toISOString(),
      figi: request.instrument.figi ?? request.instrument.key,
      brokerAccountId: accountOf(request.brokerAccountId),
    };
    const { operations } = await client.call({ method: 'GET', path: '/operations', query, payload: operationsPayloadSchema, signal: request.signal });
    const lotSize = request.instrument.lotSize;
    const units = lotSize ? String(request.lots * lotSize) : null;
    const candidates = operations
      .map(mapTinkoffV1Operation)
      .filter((operation) => operation.type === request.side && Date.parse(operation.date) >= attemptedAt - skew)
      .filter((operation) => units === null || operation.quantity === null || operation.quantity === units);
    const [operation] = candidates;
    if (!operation || candidates.length !== 1) return undefined;
    const status = operation.status === 'DONE' ? 'FILLED' : operation.status === 'DECLINED' ? 'REJECTED' : 'NEW';
    return {
      id: operation.id,
      instrument: { key: request.instrument.key, figi: request.instrument.figi, ticker: request.instrument.ticker },
      side: request.side,
      type: request.type,
      status,
      price: request.price,
      requestedLots: String(request.lots),
      executedLots: status === 'FILLED' ? String(request.lots) : '0',
      // The operation's price is the average of its trades, per unit.
      averageFillPrice: status === 'FILLED' ? operation.price : null,
      createdAt: operation.date,
      message: null,
    };
  }
}

/**
 * v1 has no idempotency, and a failed or unanswered placement may still have created the order
 * (io#315). Such an error must not invite a blind retry; one that provably never reached the
 * broker (connection refused, circuit open, budget used up) may be retried as it is.
 */
function outcomeUnknown(error: unknown): unknown {
  if (!(error instanceof BrokerqlError) || !isUnansweredSend(error)) return error;
  return new OrderStateUnknownError({
    connection: error.connection,
    reason: `${error.message}, and it is not among the account's recent operations yet`,
    repeatIsSafe: false,
    status: error.status,
    cause: error,
  });
}
