import { v5 as uuidV5 } from 'uuid';
import type { TinkoffConnectionConfig } from './config.js';
import type { InstrumentInfo, InstrumentRef } from '../../domain.js';
import { BrokerqlError, OrderStateUnknownError, isUnansweredSend } from '../../errors.js';
import { wholePortfolio, type AdapterDependencies, type BrokerAdapter, type CompleteBrokerAdapter } from '../adapter.js';
import { connectionUpstream } from '../connection-upstream.js';
import { acceptedOrder } from '../order-outcome.js';
import type { ClientIdentifiers } from '../identifiers.js';
import { TinkoffClient } from './client.js';
import { readTinkoffCandles, readTinkoffOperationsPage } from './history.js';
import { readTinkoffInstrumentKey, tinkoffAccountId, tinkoffInstrumentLookup, tinkoffOrderId } from './identifiers.js';
import { mapTinkoffAccount } from './map-tinkoff-account.js';
import { tinkoffLabel } from './map-tinkoff-error.js';
import { mapTinkoffInstrument } from './map-tinkoff-instrument.js';
import { mapTinkoffOperation } from './map-tinkoff-operation.js';
import { mapTinkoffOrder } from './map-tinkoff-order.js';
import { mapTinkoffOrderbook } from './map-tinkoff-orderbook.js';
import { mapTinkoffPortfolio } from './map-tinkoff-portfolio.js';
import { calculateTinkoffOrder } from './order-calculator.js';
import { tinkoffOrderbookDepth } from './orderbook-depth.js';
import { createTinkoffAccountStreams } from './streams/accounts.js';
import { createTinkoffMarketFeed } from './streams/market-data.js';
import { decimalToQuotation, quotationToDecimal } from './quotation.js';
import {
  accountsResponseSchema,
  cancelOrderResponseSchema,
  instrumentResponseSchema,
  lastPricesResponseSchema,
  operationsByCursorResponseSchema,
  orderBookResponseSchema,
  orderStateSchema,
  ordersResponseSchema,
  portfolioResponseSchema,
  positionsResponseSchema,
} from './wire.js';

/** The currency instruments whose last price is one unit in roubles (T-Invest's FX market, CETS). */
const currencyInstruments = { USD: 'BBG0013HGFT4', EUR: 'BBG0013HJJ31', CNY: 'BBG0013HRTL0' };

/** GetOperationsByCursor's largest page. */
const operationsPageSize = 1000;
/** A safety stop for a cursor that never ends (a million operations). */
const maximumOperationPages = 1000;

/**
 * PostOrder's `orderId` is T-Invest's idempotency key and must be a UUID. A name-based UUID (v5)
 * in brokerql's own namespace maps any idempotency key to the same upstream id every time.
 */
const idempotencyNamespace = '7b846ef0-8a5a-40d5-9623-d6e208dc4c58';
export function tinkoffOrderRequestId(idempotencyKey: string): string {
  return uuidV5(idempotencyKey, idempotencyNamespace);
}

export function createTinkoffAdapter(
  config: TinkoffConnectionConfig,
  dependencies: AdapterDependencies,
): CompleteBrokerAdapter & Required<Pick<BrokerAdapter, 'listOperationsPage' | 'getCandles'>> {
  dependencies.secrets.add(config.token);
  const http = connectionUpstream(config, dependencies, { brokerLabel: tinkoffLabel, baseUrl: config.baseUrl });
  const client = new TinkoffClient(http, config.token);
  const connection = config.id;

  /** Account ids come from GetAccounts; checked all the same before one goes into a request. */
  const accountOf = (brokerAccountId: string) => tinkoffAccountId.parse(brokerAccountId, 'accountId', connection);
  const identifiers: ClientIdentifiers = {
    checkInstrumentRef: (ref) => void tinkoffInstrumentLookup(ref, connection),
    checkOrderId: (orderId) => void tinkoffOrderId.parse(orderId, 'orderId', connection),
  };

  async function getInstrument(ref: InstrumentRef, signal?: AbortSignal): Promise<InstrumentInfo> {
    const request = tinkoffInstrumentLookup(ref, connection);
    const response = await client.call('InstrumentsService/GetInstrumentBy', { ...request }, instrumentResponseSchema, signal);
    return mapTinkoffInstrument(response.instrument);
  }

  /** FIGI or uid for the methods that take `instrumentId`; a ticker ref costs one lookup. */
  async function instrumentId(ref: InstrumentRef, signal?: AbortSignal): Promise<string> {
    const lookup = tinkoffInstrumentLookup(ref, connection);
    return lookup.idType === 'INSTRUMENT_ID_TYPE_TICKER' ? (await getInstrument(ref, signal)).key : lookup.id;
  }

  /**
   * PostOrder was sent but no answer came back. Ask for the order by our request id; if T-Invest
   * does not know it, send it again with the same orderId — T-Invest deduplicates by it, so the
   * resend cannot place a second order. Only if that too goes unanswered is the state unknown.
   * When T-Invest itself said it has the orderId but no report (30057), a resend would only get
   * the same answer: the state is unknown unless GetOrderState finds the order.
   */
  async function reconcileOrder(body: Record<string, unknown>, signal: AbortSignal | undefined, cause: unknown) {
    const unknown = () => new OrderStateUnknownError({ connection, reason: 'T-Invest did not confirm it', repeatIsSafe: true });
    try {
      return await client.call(
        'OrdersService/GetOrderState',
        { accountId: body['accountId'], orderId: body['orderId'], orderIdType: 'ORDER_ID_TYPE_REQUEST' },
        orderStateSchema,
        signal,
      );
    } catch (error) {
      if (!(error instanceof BrokerqlError) || error.code !== 'NOT_FOUND') throw unknown();
    }
    if (cause instanceof OrderStateUnknownError) throw cause;
    try {
      return await client.call('OrdersService/PostOrder', body, orderStateSchema, signal, 'order');
    } catch (error) {
      // A 30057 to the resend says more than "no answer": keep T-Invest's own words.
      throw isUnansweredSend(error) && !(error instanceof OrderStateUnknownError) ? unknown() : error;
    }
  }

  return {
    identifiers,
    // GetLastPrices takes many instruments at once; 100 keeps each request small.
    batchLimits: { lastPrices: 100 },
    currencyInstruments,

    async listAccounts({ signal }) {
      const response = await client.call('UsersService/GetAccounts', {}, accountsResponseSchema, signal);
      return response.accounts.flatMap((account) => mapTinkoffAccount(account) ?? []);
    },

    async getPortfolio({ brokerAccountId, parts = wholePortfolio, signal }) {
      const body = { accountId: accountOf(brokerAccountId) };
      // GetPortfolio carries the positions and the account's valuation; GetPositions only adds
      // the cash (free and blocked), so it is asked for only when cash is.
      const [portfolio, positions] = await Promise.all([
        parts.positions || parts.valuation ? client.call('OperationsService/GetPortfolio', body, portfolioResponseSchema, signal) : undefined,
        parts.cash ? client.call('OperationsService/GetPositions', body, positionsResponseSchema, signal) : undefined,
      ]);
      return mapTinkoffPortfolio(
        portfolio?.positions ?? [],
        portfolio?.totalAmountPortfolio,
        positions?.money ?? [],
        positions?.blocked ?? [],
        new Date().toISOString(),
      );
    },

    getInstrument: ({ ref, signal }) => getInstrument(ref, signal),

    async getOrderbook({ instrument, depth, signal }) {
      const body = { instrumentId: await instrumentId(instrument, signal), depth: tinkoffOrderbookDepth(depth) };
      const book = await client.call('MarketDataService/GetOrderBook', body, orderBookResponseSchema, signal);
      return mapTinkoffOrderbook(book, Math.min(depth, 50), new Date().toISOString());
    },

    async listOrders({ brokerAccountId, signal }) {
      const response = await client.call('OrdersService/GetOrders', { accountId: accountOf(brokerAccountId) }, ordersResponseSchema, signal);
      return response.orders.map((order) => mapTinkoffOrder(order, connection));
    },

    async listOperations({ brokerAccountId, from, to, instrument, signal }) {
      const operations = [];
      let cursor = '';
      for (let page = 0; page < maximumOperationPages; page++) {
        const body: Record<string, unknown> = { accountId: accountOf(brokerAccountId), from, to, limit: operationsPageSize };
        if (instrument) body['instrumentId'] = instrument.key;
        if (cursor) body['cursor'] = cursor;
        const response = await client.call('OperationsService/GetOperationsByCursor', body, operationsByCursorResponseSchema, signal);
        operations.push(...response.items.map(mapTinkoffOperation));
        if (!response.hasNext || !response.nextCursor) break;
        cursor = response.nextCursor;
      }
      return operations;
    },

    listOperationsPage: (params) => readTinkoffOperationsPage(client, accountOf(params.brokerAccountId), params),

    getCandles: (params) => readTinkoffCandles(client, connection, params),

    async placeOrder({ brokerAccountId, instrument, side, type, lots, price, idempotencyKey, signal }) {
      const body: Record<string, unknown> = {
        accountId: accountOf(brokerAccountId),
        instrumentId: instrument.key,
        quantity: String(lots),
        direction: side === 'BUY' ? 'ORDER_DIRECTION_BUY' : 'ORDER_DIRECTION_SELL',
        orderType: type === 'LIMIT' ? 'ORDER_TYPE_LIMIT' : 'ORDER_TYPE_MARKET',
        orderId: tinkoffOrderRequestId(idempotencyKey),
      };
      if (type === 'LIMIT' && price !== null) body['price'] = decimalToQuotation(price);
      let response;
      try {
        response = await client.call('OrdersService/PostOrder', body, orderStateSchema, signal, 'order');
      } catch (error) {
        if (!isUnansweredSend(error)) throw error;
        response = await reconcileOrder(body, signal, error);
      }
      return acceptedOrder(mapTinkoffOrder(response, connection, instrument.lotSize), { label: tinkoffLabel, connection });
    },

    async cancelOrder({ brokerAccountId, orderId, signal }) {
      const body = { accountId: accountOf(brokerAccountId), orderId: tinkoffOrderId.parse(orderId, 'orderId', connection) };
      await client.call('OrdersService/CancelOrder', body, cancelOrderResponseSchema, signal, 'order');
      const state = await client.call('OrdersService/GetOrderState', body, orderStateSchema, signal);
      return mapTinkoffOrder(state, connection);
    },

    async getLastPrices({ keys, signal }) {
      // Only FIGIs and uids are asked for; anything else is an instrument T-Invest could not know.
      const askable = keys.filter((key) => readTinkoffInstrumentKey(key)?.id === key);
      if (askable.length === 0) return new Map();
      const response = await client.call('MarketDataService/GetLastPrices', { instrumentId: askable }, lastPricesResponseSchema, signal);
      const prices = new Map<string, string>();
      for (const entry of response.lastPrices) {
        if (!entry.price) continue;
        const price = quotationToDecimal(entry.price);
        // Answer under whichever id was asked for: the FIGI or the instrument uid.
        for (const key of [entry.figi, entry.instrumentUid]) if (key && keys.includes(key)) prices.set(key, price);
      }
      return prices;
    },

    previewOrder: (params) => calculateTinkoffOrder(client, accountOf(params.brokerAccountId), params),
    createStreamFeed: (options) => createTinkoffMarketFeed(config, options),
    createAccountStreams: (options) => createTinkoffAccountStreams(config, options),

    async getOrder({ brokerAccountId, orderId, byRequestId, signal }) {
      const body = {
        accountId: accountOf(brokerAccountId),
        // Exchange numbers are digits, request ids the UIDs brokerql sends: the one grammar takes both.
        orderId: tinkoffOrderId.parse(orderId, 'orderId', connection),
        ...(byRequestId ? { orderIdType: 'ORDER_ID_TYPE_REQUEST' } : {}),
      };
      return mapTinkoffOrder(await client.call('OrdersService/GetOrderState', body, orderStateSchema, signal), connection);
    },

    close: () => http.close(),
  };
}
