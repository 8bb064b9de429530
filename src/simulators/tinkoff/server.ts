import Big from 'big.js';
import {
  bearerToken,
  SlidingWindowRateLimiter,
  parseJsonBody,
  SimulatorServer,
  type Route,
  type SimulatorRequest,
  type SimulatorResponse,
} from '../common/server.js';
import { clockAndNow, type SimulatorClock } from '../common/clock.js';
import type { BookLevel } from '../common/market.js';
import type { SimulatedInstrument } from './data.js';
import { TinkoffSimulatorState, type SimulatedOrder } from './state.js';
import { errorBody, moneyValue, quotation, readQuotation, TinkoffApiError, tinkoffErrors, type TinkoffErrorName } from './wire.js';

/**
 * A T-Invest API v2 REST server as ../shared/brokers/tinvest-v2/openapi.yaml describes it:
 * POST + JSON to /rest/tinkoff.public.invest.api.contract.v1.<Service>/<Method>, Bearer
 * tokens (full access or read-only), Quotation/MoneyValue numbers, lower-case currencies,
 * `{code, message, description}` error bodies with T-Invest's HTTP statuses, per-token
 * per-minute limits answered with 429, and stateful orders.
 */

export interface TinkoffSimulatorToken {
  token: string;
  access: 'full' | 'readonly';
}

export interface TinkoffSimulatorOptions {
  tokens?: TinkoffSimulatorToken[];
  /** Enforce T-Invest's per-minute request limits (on by default; the benchmark turns them off). */
  rateLimits?: boolean;
  now?: () => Date;
  /** The market's and the streams' clock (`now` follows it unless given). */
  clock?: SimulatorClock;
  /** Seed of the market's random walk. Default 1. */
  marketSeed?: number;
}

export const tinkoffSimulatorTokens = {
  full: 't.simulator-full-access-token-3f9a1c',
  readonly: 't.simulator-readonly-token-7d2e4b',
} as const;

/** REST limits per minute and token (T-Invest docs, "limits"); unlisted methods use their service's. */
const limitsPerMinute: Record<string, number> = {
  UsersService: 50,
  OperationsService: 100,
  MarketDataService: 150,
  InstrumentsService: 100,
  OrdersService: 50,
  'OrdersService/GetOrders': 100,
  'OrdersService/PostOrder': 150,
  'OrdersService/GetOrderState': 100,
};

const prefix = '/rest/tinkoff.public.invest.api.contract.v1.';

export interface TinkoffSimulator {
  server: SimulatorServer;
  state: TinkoffSimulatorState;
  /** Base URL for a `broker: tinkoff` connection (…/rest). */
  readonly baseUrl: string;
  /** GetPortfolio's and GetPositions' answers for an account, for the stream simulator to push. */
  portfolio(accountId: string): Record<string, unknown>;
  positions(accountId: string): Record<string, unknown>;
  /** What a token may do, or undefined for an unknown or revoked one. */
  tokenAccess(token: string): 'full' | 'readonly' | undefined;
  /** Revokes a token: REST answers 40003 from now on (the streams close theirs with it). */
  revokeToken(token: string): void;
}

export function createTinkoffSimulator(options: TinkoffSimulatorOptions = {}): TinkoffSimulator {
  const { clock, now } = clockAndNow(options.clock, options.now);
  const state = new TinkoffSimulatorState(now, { clock, seed: options.marketSeed });
  const tokens = new Map(
    (options.tokens ?? [
      { token: tinkoffSimulatorTokens.full, access: 'full' },
      { token: tinkoffSimulatorTokens.readonly, access: 'readonly' },
    ]).map((entry) => [entry.token, entry.access]),
  );
  const limiter = new SlidingWindowRateLimiter(60_000);
  const rateLimits = options.rateLimits ?? true;

  type Handler = (body: Record<string, unknown>, access: 'full' | 'readonly') => unknown;

  function method(service: string, name: string, handler: Handler): Route {
    const methodName = `${service}/${name}`;
    return {
      method: 'POST',
      pattern: `${prefix}${methodName}`,
      name: methodName,
      handle(request: SimulatorRequest): SimulatorResponse {
        const trackingId = state.newTrackingId();
        const headers: Record<string, string> = { 'x-tracking-id': trackingId };
        const token = bearerToken(request.headers);
        const access = token ? tokens.get(token) : undefined;
        if (!access) return failure('unauthenticated', headers);
        const limit = limitsPerMinute[methodName] ?? limitsPerMinute[service] ?? 100;
        const limitKey = `${token}:${limitsPerMinute[methodName] ? methodName : service}`;
        headers['x-ratelimit-limit'] = String(limit);
        if (rateLimits && !limiter.allow(limitKey, limit)) {
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = String(limiter.secondsUntilReset(limitKey));
          return failure('requestLimit', headers);
        }
        const parsed = parseJsonBody(request.body);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return { status: 400, body: { code: 3, message: 'invalid request body', description: 0 }, headers };
        }
        try {
          return { status: 200, body: handler(parsed as Record<string, unknown>, access), headers };
        } catch (error) {
          if (error instanceof TinkoffApiError) return { status: error.error.status, body: errorBody(error.error), headers };
          throw error;
        }
      },
    };
  }

  function failure(name: TinkoffErrorName, headers: Record<string, string>): SimulatorResponse {
    const error = tinkoffErrors[name];
    return { status: error.status, body: errorBody(error), headers };
  }

  function requireAccount(body: Record<string, unknown>): string {
    const accountId = body['accountId'];
    if (typeof accountId !== 'string' || !accountId) throw new TinkoffApiError(tinkoffErrors.missingAccountId);
    const account = state.accounts.find((candidate) => candidate.id === accountId);
    if (!account) throw new TinkoffApiError(tinkoffErrors.accountNotFound);
    if (account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_NO_ACCESS') throw new TinkoffApiError(tinkoffErrors.insufficientPrivileges);
    return accountId;
  }

  /** Orders need a full-access token on an open account (40002 for read-only, 40004 for closed). */
  function requireTradingAccount(body: Record<string, unknown>, access: 'full' | 'readonly'): string {
    const accountId = requireAccount(body);
    const account = state.accounts.find((candidate) => candidate.id === accountId)!;
    if (access !== 'full' || account.accessLevel !== 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS') {
      throw new TinkoffApiError(tinkoffErrors.insufficientPrivileges);
    }
    if (account.status !== 'ACCOUNT_STATUS_OPEN') throw new TinkoffApiError(tinkoffErrors.ordersNotAvailable);
    return accountId;
  }

  function requireInstrument(body: Record<string, unknown>): SimulatedInstrument {
    const id = body['instrumentId'] ?? body['figi'];
    if (typeof id !== 'string' || !id) throw new TinkoffApiError(tinkoffErrors.missingInstrument);
    return state.instrument(id);
  }

  const server = new SimulatorServer({
    name: 'tinkoff',
    errorResponse: (status) => {
      const known = Object.values(tinkoffErrors).find((error) => error.status === status);
      return known
        ? { status, body: errorBody(known) }
        : { status, body: { code: 2, message: 'Unknown', description: 0 } };
    },
    routes: [
      method('UsersService', 'GetAccounts', (_body, access) => ({
        accounts: state.accounts.map((account) => ({
          id: account.id,
          type: account.type,
          name: account.name,
          status: account.status,
          openedDate: account.openedDate,
          ...(account.closedDate ? { closedDate: account.closedDate } : {}),
          // "Determined by the token": a read-only token reads at most.
          accessLevel:
            access === 'readonly' && account.accessLevel === 'ACCOUNT_ACCESS_LEVEL_FULL_ACCESS' ? 'ACCOUNT_ACCESS_LEVEL_READ_ONLY' : account.accessLevel,
        })),
      })),

      method('OperationsService', 'GetPortfolio', (body) => portfolio(requireAccount(body))),

      method('OperationsService', 'GetPositions', (body) => positions(requireAccount(body))),

      method('InstrumentsService', 'GetInstrumentBy', (body) => {
        const { idType, id, classCode } = body as { idType?: unknown; id?: unknown; classCode?: unknown };
        if (typeof id !== 'string' || !id) throw new TinkoffApiError(tinkoffErrors.missingId);
        let instrument: SimulatedInstrument | undefined;
        switch (idType) {
          case 'INSTRUMENT_ID_TYPE_FIGI':
            instrument = state.instruments.find((candidate) => candidate.figi === id);
            break;
          case 'INSTRUMENT_ID_TYPE_UID':
            instrument = state.instruments.find((candidate) => candidate.uid === id);
            break;
          case 'INSTRUMENT_ID_TYPE_POSITION_UID':
            instrument = state.instruments.find((candidate) => candidate.positionUid === id);
            break;
          case 'INSTRUMENT_ID_TYPE_TICKER':
            if (typeof classCode !== 'string' || !classCode) throw new TinkoffApiError(tinkoffErrors.classCodeRequired);
            instrument = state.findByTicker(id, classCode);
            break;
          default:
            throw new TinkoffApiError(tinkoffErrors.invalidIdType);
        }
        if (!instrument) throw new TinkoffApiError(tinkoffErrors.instrumentNotFound);
        return { instrument: instrumentBody(instrument) };
      }),

      method('MarketDataService', 'GetOrderBook', (body) => {
        const instrument = requireInstrument(body);
        const depth = body['depth'];
        if (typeof depth !== 'number' || ![1, 10, 20, 30, 40, 50].includes(depth)) {
          throw new TinkoffApiError(tinkoffErrors.invalidDepth);
        }
        const time = now().toISOString();
        // The market's book: it moves with the random walk and the customers' orders.
        const book = state.market.book(instrument.figi, depth);
        const level = (entry: BookLevel) => ({ price: quotation(entry.price), quantity: String(entry.quantity) });
        const band = state.limits(instrument);
        return {
          figi: instrument.figi,
          depth,
          bids: book.bids.map(level),
          asks: book.asks.map(level),
          lastPrice: quotation(instrument.lastPrice),
          closePrice: quotation(instrument.lastPrice),
          limitUp: quotation(band.up),
          limitDown: quotation(band.down),
          lastPriceTs: time,
          closePriceTs: time,
          orderbookTs: time,
          instrumentUid: instrument.uid,
          ticker: instrument.ticker,
          classCode: instrument.classCode,
        };
      }),

      method('MarketDataService', 'GetLastPrices', (body) => {
        const ids = Array.isArray(body['instrumentId']) ? (body['instrumentId'] as unknown[]) : [];
        const time = now().toISOString();
        return {
          lastPrices: ids
            .map((id) => (typeof id === 'string' ? state.findInstrument(id) : undefined))
            .filter((instrument): instrument is SimulatedInstrument => instrument !== undefined)
            .map((instrument) => ({
              figi: instrument.figi,
              price: quotation(instrument.lastPrice),
              time,
              instrumentUid: instrument.uid,
              ticker: instrument.ticker,
              classCode: instrument.classCode,
              lastPriceType: 'LAST_PRICE_EXCHANGE',
            })),
        };
      }),

      method('OrdersService', 'GetOrders', (body) => ({
        orders: state.activeOrders(requireAccount(body)).map(orderState),
      })),

      method('OrdersService', 'GetOrderState', (body) => {
        const accountId = requireAccount(body);
        const orderId = body['orderId'];
        const byRequest = body['orderIdType'] === 'ORDER_ID_TYPE_REQUEST';
        const order = [...state.orders.values()].find(
          (candidate) => candidate.accountId === accountId && (byRequest ? candidate.orderRequestId : candidate.orderId) === orderId,
        );
        if (!order || state.reportsDelayed) throw new TinkoffApiError(tinkoffErrors.orderNotFound);
        return orderState(order);
      }),

      method('OrdersService', 'PostOrder', (body, access) => {
        const accountId = requireTradingAccount(body, access);
        const instrument = requireInstrument(body);
        const orderRequestId = body['orderId'];
        if (typeof orderRequestId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(orderRequestId)) {
          throw new TinkoffApiError(tinkoffErrors.invalidOrderId);
        }
        const lots = Number(body['quantity']);
        if (!Number.isInteger(lots) || lots <= 0) throw new TinkoffApiError(tinkoffErrors.invalidQuantity);
        const direction = body['direction'];
        const orderType = body['orderType'];
        if (direction !== 'ORDER_DIRECTION_BUY' && direction !== 'ORDER_DIRECTION_SELL') {
          throw new TinkoffApiError(tinkoffErrors.missingDirection);
        }
        if (orderType !== 'ORDER_TYPE_LIMIT' && orderType !== 'ORDER_TYPE_MARKET') throw new TinkoffApiError(tinkoffErrors.invalidOrderType);
        const price = body['price'] === undefined ? undefined : readQuotation(body['price']);
        if (body['price'] !== undefined && price === undefined) throw new TinkoffApiError(tinkoffErrors.invalidPrice);
        const order = state.postOrder({ accountId, figi: instrument.figi, direction, orderType, lots, price, orderRequestId });
        const { orderDate: _orderDate, stages: _stages, averagePositionPrice: _average, serviceCommission: _service, ...response } = orderState(order);
        return { ...response, message: '', responseMetadata: { trackingId: state.newTrackingId(), serverTime: now().toISOString() } };
      }),

      method('OrdersService', 'CancelOrder', (body, access) => {
        const accountId = requireTradingAccount(body, access);
        const orderId = body['orderId'];
        if (typeof orderId !== 'string' || !orderId) throw new TinkoffApiError(tinkoffErrors.missingOrderId);
        state.cancelOrder(accountId, orderId);
        const time = now().toISOString();
        return { time, responseMetadata: { trackingId: state.newTrackingId(), serverTime: time } };
      }),

      method('OperationsService', 'GetOperationsByCursor', (body) => {
        const accountId = requireAccount(body);
        const limit = body['limit'] === undefined ? 100 : Number(body['limit']);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TinkoffApiError(tinkoffErrors.invalidLimit);
        const start = body['cursor'] ? Number(body['cursor']) : 0;
        const rows = operationsFor(accountId, body).filter(
          (operation) => !(body['withoutCommissions'] === true && operation.type === 'OPERATION_TYPE_BROKER_FEE'),
        );
        const page = rows.slice(start, start + limit);
        const hasNext = start + limit < rows.length;
        return {
          hasNext,
          nextCursor: hasNext ? String(start + limit) : '',
          items: page.map((operation, index) => operationItem(operation, String(start + index + 1))),
        };
      }),

      method('OperationsService', 'GetOperations', (body) => ({
        operations: operationsFor(requireAccount(body), body).map(v1Operation),
      })),
    ],
  });

  function positions(accountId: string) {
    const blocked = state.blockedCash(accountId);
    return {
      money: [...state.totalCash(accountId)].map(([currency, total]) =>
        moneyValue(new Big(total).minus(blocked.get(currency) ?? '0').toFixed(), currency),
      ),
      blocked: [...blocked].map(([currency, amount]) => moneyValue(amount, currency)),
      securities: [...state.securities(accountId)].map(([figi, holding]) => {
        const instrument = state.instrument(figi);
        const blockedUnits = state.blockedUnits(accountId, figi);
        return {
          figi,
          blocked: blockedUnits,
          balance: new Big(holding.quantity).minus(blockedUnits).toFixed(),
          positionUid: instrument.positionUid,
          instrumentUid: instrument.uid,
          ticker: instrument.ticker,
          classCode: instrument.classCode,
          exchangeBlocked: false,
          instrumentType: instrument.instrumentType,
        };
      }),
      limitsLoadingInProgress: false,
      futures: [],
      options: [],
      accountId,
    };
  }

  function portfolio(accountId: string) {
    const usdRate = state.instrument('BBG0013HGFT4').lastPrice;
    const toRub = (amount: Big, currency: string) => (currency === 'usd' ? amount.times(usdRate) : amount);
    let shares = new Big(0);
    let bonds = new Big(0);
    let etfs = new Big(0);
    const positions = [...state.securities(accountId)].map(([figi, holding]) => {
      const instrument = state.instrument(figi);
      const quantity = new Big(holding.quantity);
      const value = toRub(quantity.times(instrument.lastPrice), instrument.currency);
      if (instrument.instrumentType === 'share') shares = shares.plus(value);
      if (instrument.instrumentType === 'bond') bonds = bonds.plus(value);
      if (instrument.instrumentType === 'etf') etfs = etfs.plus(value);
      return positionBody(instrument, holding.quantity, holding.averagePrice, instrument.lastPrice, instrument.currency, state.blockedUnits(accountId, figi));
    });
    let currencies = new Big(0);
    for (const [currency, total] of state.totalCash(accountId)) {
      const instrument = currency === 'usd' ? state.instrument('BBG0013HGFT4') : state.instrument('RUB000UTSTOM');
      currencies = currencies.plus(toRub(new Big(total), currency));
      const price = currency === 'usd' ? instrument.lastPrice : '1';
      positions.push(positionBody(instrument, total, currency === 'usd' ? '88.5' : '1', price, 'rub', '0'));
    }
    const total = shares.plus(bonds).plus(etfs).plus(currencies);
    const rub = (amount: Big) => moneyValue(amount.round(2, Big.roundHalfUp).toFixed(), 'rub');
    return {
      totalAmountShares: rub(shares),
      totalAmountBonds: rub(bonds),
      totalAmountEtf: rub(etfs),
      totalAmountCurrencies: rub(currencies),
      totalAmountFutures: rub(new Big(0)),
      expectedYield: quotation('0'),
      positions,
      accountId,
      totalAmountOptions: rub(new Big(0)),
      totalAmountSp: rub(new Big(0)),
      totalAmountPortfolio: rub(total),
      virtualPositions: [],
    };
  }

  function positionBody(
    instrument: SimulatedInstrument,
    quantity: string,
    averagePrice: string,
    currentPrice: string,
    priceCurrency: string,
    blockedUnits: string,
  ) {
    const units = new Big(quantity);
    return {
      figi: instrument.figi,
      instrumentType: instrument.instrumentType,
      quantity: quotation(quantity),
      averagePositionPrice: moneyValue(averagePrice, priceCurrency),
      expectedYield: quotation(units.times(new Big(currentPrice).minus(averagePrice)).round(2, Big.roundHalfUp).toFixed()),
      currentNkd: instrument.instrumentType === 'bond' ? moneyValue('3.74', 'rub') : undefined,
      currentPrice: moneyValue(currentPrice, priceCurrency),
      averagePositionPriceFifo: moneyValue(averagePrice, priceCurrency),
      quantityLots: quotation(units.div(instrument.lot).round(0, Big.roundDown).toFixed()),
      blocked: false,
      blockedLots: quotation(new Big(blockedUnits).div(instrument.lot).round(0, Big.roundDown).toFixed()),
      positionUid: instrument.positionUid,
      instrumentUid: instrument.uid,
      varMargin: moneyValue('0', priceCurrency),
      expectedYieldFifo: quotation(units.times(new Big(currentPrice).minus(averagePrice)).round(2, Big.roundHalfUp).toFixed()),
      ticker: instrument.ticker,
      classCode: instrument.classCode,
    };
  }

  function instrumentBody(instrument: SimulatedInstrument) {
    return {
      figi: instrument.figi,
      ticker: instrument.ticker,
      classCode: instrument.classCode,
      isin: instrument.isin,
      lot: instrument.lot,
      currency: instrument.currency,
      name: instrument.name,
      exchange: instrument.exchange,
      countryOfRisk: instrument.currency === 'usd' ? 'US' : 'RU',
      instrumentType: instrument.instrumentType,
      tradingStatus: state.tradingOpen ? 'SECURITY_TRADING_STATUS_NORMAL_TRADING' : 'SECURITY_TRADING_STATUS_NOT_AVAILABLE_FOR_TRADING',
      otcFlag: false,
      buyAvailableFlag: true,
      sellAvailableFlag: true,
      minPriceIncrement: quotation(instrument.minPriceIncrement),
      apiTradeAvailableFlag: true,
      uid: instrument.uid,
      realExchange: instrument.exchange === 'SPB' ? 'REAL_EXCHANGE_RTS' : 'REAL_EXCHANGE_MOEX',
      positionUid: instrument.positionUid,
      forIisFlag: true,
      forQualInvestorFlag: false,
      weekendFlag: false,
      blockedTcaFlag: false,
      instrumentKind: instrument.instrumentKind,
    };
  }

  function orderState(order: SimulatedOrder) {
    const instrument = state.instrument(order.figi);
    const units = new Big(order.lots).times(instrument.lot);
    return {
      orderId: order.orderId,
      executionReportStatus: order.status,
      lotsRequested: String(order.lots),
      lotsExecuted: String(order.executedLots),
      initialOrderPrice: moneyValue(units.times(order.price).toFixed(), instrument.currency),
      // The whole executed amount (orders.proto: average price × quantity), of what is filled so far.
      executedOrderPrice: moneyValue(
        new Big(order.executedValue).times(instrument.lot).toFixed(),
        instrument.currency,
      ),
      totalOrderAmount: moneyValue(units.times(order.price).toFixed(), instrument.currency),
      averagePositionPrice: moneyValue(order.executedPrice ?? '0', instrument.currency),
      initialCommission: moneyValue(units.times(order.price).times('0.0005').round(2, Big.roundHalfUp).toFixed(), instrument.currency),
      executedCommission: moneyValue(order.commission, instrument.currency),
      figi: order.figi,
      direction: order.direction,
      initialSecurityPrice: moneyValue(order.orderType === 'ORDER_TYPE_MARKET' ? '0' : order.price, instrument.currency),
      stages: [],
      serviceCommission: moneyValue('0', instrument.currency),
      currency: instrument.currency,
      orderType: order.orderType,
      orderDate: order.orderDate,
      instrumentUid: instrument.uid,
      orderRequestId: order.orderRequestId,
      ticker: instrument.ticker,
      classCode: instrument.classCode,
    };
  }

  function operationsFor(accountId: string, body: Record<string, unknown>) {
    const from = typeof body['from'] === 'string' ? Date.parse(body['from']) : Number.NEGATIVE_INFINITY;
    const to = typeof body['to'] === 'string' ? Date.parse(body['to']) : Number.POSITIVE_INFINITY;
    const instrumentId = body['instrumentId'] ?? body['figi'];
    const filterFigi = typeof instrumentId === 'string' && instrumentId ? state.findInstrument(instrumentId)?.figi ?? instrumentId : undefined;
    return state.operations
      .filter((operation) => operation.accountId === accountId)
      .filter((operation) => {
        const time = Date.parse(operation.date);
        return time >= from && time <= to;
      })
      .filter((operation) => filterFigi === undefined || operation.figi === filterFigi)
      .sort((left, right) => Date.parse(right.date) - Date.parse(left.date));
  }

  function operationItem(operation: (typeof state.operations)[number], cursor: string) {
    const instrument = operation.figi ? state.findInstrument(operation.figi) : undefined;
    const quantity = operation.quantity ?? 0;
    const done = operation.quantityDone ?? quantity;
    return {
      cursor,
      brokerAccountId: operation.accountId,
      id: operation.id,
      parentOperationId: '',
      name: operation.description,
      date: operation.date,
      type: operation.type,
      description: operation.description,
      state: operation.state,
      instrumentUid: instrument?.uid ?? '',
      figi: operation.figi ?? '',
      instrumentType: instrument?.instrumentType ?? '',
      instrumentKind: instrument?.instrumentKind ?? 'INSTRUMENT_TYPE_UNSPECIFIED',
      positionUid: instrument?.positionUid ?? '',
      ticker: instrument?.ticker ?? '',
      classCode: instrument?.classCode ?? '',
      payment: moneyValue(operation.payment, operation.currency),
      price: moneyValue(operation.price ?? '0', operation.currency),
      commission: moneyValue(operation.commission ?? '0', operation.currency),
      yield: moneyValue('0', operation.currency),
      yieldRelative: quotation('0'),
      accruedInt: moneyValue('0', operation.currency),
      quantity: String(quantity),
      quantityRest: String(quantity - done),
      quantityDone: String(done),
      cancelDateTime: operation.state === 'OPERATION_STATE_CANCELED' ? operation.date : undefined,
      cancelReason: operation.state === 'OPERATION_STATE_CANCELED' ? 'Отменено биржей' : '',
      tradesInfo: { trades: [] },
      assetUid: '',
      childOperations: [],
    };
  }

  function v1Operation(operation: (typeof state.operations)[number]) {
    const instrument = operation.figi ? state.findInstrument(operation.figi) : undefined;
    const quantity = operation.quantity ?? 0;
    return {
      id: operation.id,
      parentOperationId: '',
      currency: operation.currency,
      payment: moneyValue(operation.payment, operation.currency),
      price: moneyValue(operation.price ?? '0', operation.currency),
      state: operation.state,
      quantity: String(quantity),
      quantityRest: String(quantity - (operation.quantityDone ?? quantity)),
      figi: operation.figi ?? '',
      instrumentType: instrument?.instrumentType ?? '',
      date: operation.date,
      type: operation.description,
      operationType: operation.type,
      trades: [],
      assetUid: '',
      positionUid: instrument?.positionUid ?? '',
      instrumentUid: instrument?.uid ?? '',
      childOperations: [],
    };
  }

  return {
    server,
    state,
    get baseUrl() {
      return `${server.url}/rest`;
    },
    portfolio,
    positions,
    tokenAccess: (token) => tokens.get(token),
    revokeToken: (token) => void tokens.delete(token),
  };
}
