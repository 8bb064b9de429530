import { tinkoffLimits } from '../../brokers/tinkoff/limits.js';
import { clockAndNow, type SimulatorClock } from '../common/clock.js';
import { SimulatedLimits } from '../common/limits.js';
import { routeTable } from '../common/routes.js';
import { SimulatorServer, type Route } from '../common/server.js';
import { TinkoffTokens, type Access, type TinkoffCaller, type TinkoffSimulatorToken } from './auth.js';
import {
  accountsBody,
  instrumentBody,
  lastPriceBody,
  orderBookBody,
  orderStateBody,
  portfolioBody,
  positionsBody,
  postedOrderBody,
} from './bodies.js';
import { candlesBody, operationItem, v1Operation } from './history.js';
import { maxLotsBody, orderPriceBody } from './calculator.js';
import { TinkoffApiError, tinkoffErrorResponse, tinkoffErrors } from './errors.js';
import { TinkoffOrders } from './orders.js';
import {
  candlesRequest,
  instrumentBy,
  jsonObject,
  operationFilter,
  operationsPage,
  orderBookDepth,
  postOrderInput,
  requireAccount,
  requireInstrument,
  requireOrderId,
  requireTradingAccount,
  type RequestBody,
} from './requests.js';
import { TinkoffSimulatorState } from './state.js';
import { newTrackingId } from './wire.js';

export { tinkoffSimulatorTokens, type TinkoffSimulatorToken } from './auth.js';

/**
 * A T-Invest API v2 REST server as ../shared/brokers/tinvest-v2/openapi.yaml describes it:
 * POST + JSON to /rest/tinkoff.public.invest.api.contract.v1.<Service>/<Method>, Bearer
 * tokens (full access or read-only), Quotation/MoneyValue numbers, lower-case currencies,
 * `{code, message, description}` error bodies with T-Invest's HTTP statuses, the per-minute
 * limits of src/brokers/tinkoff/limits.ts per token (429, error 80002), and stateful orders on a
 * market that moves (./market.ts). Its streams are served by ./streams/server.ts.
 */

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

export interface TinkoffSimulator {
  server: SimulatorServer;
  state: TinkoffSimulatorState;
  /** How orders change the state (PostOrder, CancelOrder and fills from the market). */
  orders: TinkoffOrders;
  /** Base URL for a `broker: tinkoff` connection (…/rest). */
  readonly baseUrl: string;
  /** GetPortfolio's and GetPositions' answers for an account, for the stream simulator to push. */
  portfolio(accountId: string): Record<string, unknown>;
  positions(accountId: string): Record<string, unknown>;
  /** What a token may do, or undefined for an unknown or revoked one. */
  tokenAccess(token: string): Access | undefined;
  /** Revokes a token: REST answers 40003 from now on (the streams close theirs with it). */
  revokeToken(token: string): void;
}

const contract = '/tinkoff.public.invest.api.contract.v1.';

export function createTinkoffSimulator(options: TinkoffSimulatorOptions = {}): TinkoffSimulator {
  const { clock, now } = clockAndNow(options.clock, options.now);
  const state = new TinkoffSimulatorState({ clock, seed: options.marketSeed });
  const orders = new TinkoffOrders(state, now);
  const tokens = new TinkoffTokens(options.tokens);

  const route = routeTable<TinkoffCaller, true>({
    base: '/rest',
    authenticate: (request) => tokens.check(request),
    limits: new SimulatedLimits({ table: tinkoffLimits, enforce: options.rateLimits ?? true, now: () => now().getTime() }),
    limitKey: (caller) => caller.token,
    limited: ({ retryAfterSeconds }) => ({
      ...new TinkoffApiError(tinkoffErrors.requestLimit).response,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(retryAfterSeconds) },
    }),
    success: (value) => ({ status: 200, body: value }),
    headers: (limit) => ({ 'x-tracking-id': newTrackingId(), ...(limit === undefined ? {} : { 'x-ratelimit-limit': String(limit) }) }),
  });

  /** One unary method: POST …/<Service>/<Method> with a JSON object body, counted as `<Service>/<Method>`. */
  const method = (name: string, handle: (body: RequestBody, caller: TinkoffCaller) => unknown) =>
    route({ method: 'POST', path: `${contract}${name}`, name, auth: true, body: jsonObject, handle: ({ body, caller }) => handle(body, caller) });

  const endpoints: Route[] = [
    method('UsersService/GetAccounts', (_body, { access }) => accountsBody(state, access)),

    method('OperationsService/GetPortfolio', (body) => portfolioBody(state, requireAccount(state, body))),
    method('OperationsService/GetPositions', (body) => positionsBody(state, requireAccount(state, body))),

    method('InstrumentsService/GetInstrumentBy', (body) => ({ instrument: instrumentBody(instrumentBy(state, body), state.tradingOpen) })),

    method('MarketDataService/GetOrderBook', (body) => {
      const instrument = requireInstrument(state, body);
      return orderBookBody(state, instrument, orderBookDepth(body), now().toISOString());
    }),
    method('MarketDataService/GetLastPrices', (body) => {
      const ids = Array.isArray(body['instrumentId']) ? (body['instrumentId'] as unknown[]) : [];
      const time = now().toISOString();
      const known = ids.map((id) => (typeof id === 'string' ? state.findInstrument(id) : undefined));
      return { lastPrices: known.filter((instrument) => instrument !== undefined).map((instrument) => lastPriceBody(instrument, time)) };
    }),

    method('OrdersService/GetOrders', (body) => ({
      orders: state.activeOrders(requireAccount(state, body)).map((order) => orderStateBody(state, order)),
    })),
    method('OrdersService/GetOrderState', (body) => {
      const accountId = requireAccount(state, body);
      const orderId = body['orderId'];
      const byRequest = body['orderIdType'] === 'ORDER_ID_TYPE_REQUEST';
      const order = [...state.orders.values()].find(
        (candidate) => candidate.accountId === accountId && (byRequest ? candidate.orderRequestId : candidate.orderId) === orderId,
      );
      if (!order || state.reportsDelayed) throw new TinkoffApiError(tinkoffErrors.orderNotFound);
      return orderStateBody(state, order);
    }),
    method('OrdersService/PostOrder', (body, { access }) => {
      const order = orders.post(postOrderInput(state, body, access));
      return postedOrderBody(state, order, now().toISOString());
    }),
    method('OrdersService/CancelOrder', (body, { access }) => {
      const accountId = requireTradingAccount(state, body, access);
      orders.cancel(accountId, requireOrderId(body));
      const time = now().toISOString();
      return { time, responseMetadata: { trackingId: newTrackingId(), serverTime: time } };
    }),

    method('OrdersService/GetOrderPrice', (body) => orderPriceBody(state, body)),
    method('OrdersService/GetMaxLots', (body) => maxLotsBody(state, body)),

    method('OperationsService/GetOperationsByCursor', (body) => {
      const accountId = requireAccount(state, body);
      state.history.beforeRead();
      const filter = operationFilter(state, body);
      const { start, limit } = operationsPage(state, body);
      const rows = state
        .operationsOf(accountId, filter)
        .filter((operation) => !(body['withoutCommissions'] === true && operation.type === 'OPERATION_TYPE_BROKER_FEE'));
      const hasNext = start + limit < rows.length;
      state.history.afterRead(filter.from, filter.to);
      return {
        hasNext,
        nextCursor: hasNext ? String(start + limit) : '',
        items: rows.slice(start, start + limit).map((operation, index) => operationItem(state, operation, String(start + index + 1))),
      };
    }),
    method('MarketDataService/GetCandles', (body) => {
      const request = candlesRequest(state, body);
      const candles = state.candles.candles(request.figi, request.interval, request.from, request.to, now().getTime());
      // ⚠ Which candles a `limit` keeps is not documented; `limit` without `from` (30228) reads as counting back from `to`.
      return candlesBody(request.limit === undefined ? candles : candles.slice(-request.limit));
    }),
    method('OperationsService/GetOperations', (body) => ({
      operations: state.operationsOf(requireAccount(state, body), operationFilter(state, body)).map((operation) => v1Operation(state, operation)),
    })),
  ];

  const server = new SimulatorServer({ name: 'tinkoff', errorResponse: tinkoffErrorResponse, routes: endpoints });
  return {
    server,
    state,
    orders,
    get baseUrl() {
      return `${server.url}/rest`;
    },
    portfolio: (accountId) => portfolioBody(state, accountId),
    positions: (accountId) => positionsBody(state, accountId),
    tokenAccess: (token) => tokens.access(token),
    revokeToken: (token) => tokens.revoke(token),
  };
}
