import { alorLimits } from '../../brokers/alor/limits.js';
import { clockAndNow, type SimulatorClock } from '../common/clock.js';
import type { HttpMethod, SimulatorResponse } from '../common/http.js';
import { SimulatedLimits } from '../common/limits.js';
import { Reply, routeTable, type RouteCall } from '../common/routes.js';
import { SimulatorServer } from '../common/server.js';
import { AccessTokenIssuer, alorSimulatorRefreshTokens, type AlorCaller, type TokenCheck } from './auth.js';
import { moneyBody, orderBody, orderbookBody, positionBody, quoteBody, riskBody, securityBody, summaryBody, tradeBody } from './bodies.js';
import { AlorRejection, duplicateRequestMessage, missingRequestId, unreadableBody } from './errors.js';
import { historyCandles, historyTradesReply } from './history.js';
import { estimate } from './calculator.js';
import { AlorOrders } from './orders.js';
import { cancelTarget, clientAccount, headerText, orderbookDepth, pathInstrument, queryInstrument, quotedInstruments, readOrderCommand, refreshRequest } from './requests.js';
import { AlorSimulatorState } from './state.js';

export { alorSimulatorRefreshTokens } from './auth.js';

/**
 * An ALOR OpenAPI v2 server as ../shared/brokers/alor.md and ALOR's WarpOpenAPIv2.yml describe
 * it. One HTTP server plays both hosts: the OAuth host (`POST /refresh` → a JWT) and the API host
 * (`/md/v2/…` Simple-format reads, `/commandapi/warptrans/TRADE/…` order commands with X-REQID
 * replay). Every API route wants a Bearer JWT this instance issued and that has not expired
 * (else 401), a portfolio listed in the token (else 403), and keeps to src/brokers/alor/limits.ts
 * per user (else 429); only `GET /md/v2/time` is anonymous. Bodies ALOR does not document
 * (401/403/404/429/500) are empty; a GET with an invalid parameter (depth, limit, from, dateFrom,
 * exchange) gets 400 `{"message": …}` — ALOR documents that status without a body. Orders
 * trade on a market that moves (./market.ts); the streams are served by ./streams/server.ts.
 */

export interface AlorSimulatorOptions {
  /** Access token lifetime; ALOR's is 30 minutes. Tests shorten it to see expiry. */
  accessTokenLifetimeSeconds?: number;
  /** Enforce ALOR's per-user limit (on by default; the benchmark turns it off). */
  rateLimits?: boolean;
  /** Another number for that limit (100 a second), for a test that wants to see a 429 quickly. */
  requestsPerSecond?: number;
  /** The simulator's clock: token expiry, rate windows, order and trade times. */
  now?: () => Date;
  /** The market's and the streams' clock (`now` follows it unless given). */
  clock?: SimulatorClock;
  /** Seed of the market's random walk. Default 1. */
  marketSeed?: number;
}

export interface AlorSimulator {
  server: SimulatorServer;
  state: AlorSimulatorState;
  /** How orders change the state (the order commands, and fills from the market). */
  orders: AlorOrders;
  /** Base URL for the `apiUrl` of an `alor` connection (the same server as `authUrl`). */
  readonly apiUrl: string;
  /** Base URL for the `authUrl` of an `alor` connection: POST {authUrl}/refresh. */
  readonly authUrl: string;
  /** Refresh tokens /refresh refuses from now on (403), as if revoked in ALOR's cabinet. */
  revokeRefreshToken(token: string): void;
  /** The same check as every API route's, for the stream simulator's per-message `token`. */
  checkAccessToken(token: string): TokenCheck;
  /** Switch: every access token issued so far expires now (REST 401, stream `Invalid JWT token!`). */
  expireAccessTokens(): void;
}

/** Counter names, stable for tests and the benchmark. */
export const alorRouteNames = {
  refresh: 'POST /refresh',
  time: 'GET time',
  summary: 'GET summary',
  risk: 'GET risk',
  positions: 'GET positions',
  position: 'GET position',
  orders: 'GET orders',
  order: 'GET order',
  trades: 'GET trades',
  symbolTrades: 'GET symbol trades',
  historyTrades: 'GET history trades',
  historySymbolTrades: 'GET history symbol trades',
  deprecatedHistoryTrades: 'GET deprecated history trades',
  candles: 'GET history',
  security: 'GET security',
  quotes: 'GET quotes',
  orderbook: 'GET orderbook',
  marketOrder: 'POST order market',
  limitOrder: 'POST order limit',
  replaceLimitOrder: 'PUT order limit',
  cancelOrder: 'DELETE order',
  cancelAllOrders: 'DELETE all orders',
  estimate: 'POST estimate',
  estimateAll: 'POST estimate all',
} as const;

const clients = '/md/v2/Clients/:exchange/:portfolio';
const commands = '/commandapi/warptrans/TRADE/v2/client/orders';

export function createAlorSimulator(options: AlorSimulatorOptions = {}): AlorSimulator {
  const { clock, now } = clockAndNow(options.clock, options.now);
  const state = new AlorSimulatorState({ clock, seed: options.marketSeed });
  const orders = new AlorOrders(state, now);
  const issuer = new AccessTokenIssuer(options.accessTokenLifetimeSeconds ?? 1800, now);
  const refreshTokens = new Set<string>([alorSimulatorRefreshTokens.valid]);
  const limitName = alorLimits[0].name;

  const route = routeTable<AlorCaller, true>({
    authenticate: (request) => issuer.authenticate(request),
    limits: new SimulatedLimits({
      table: alorLimits,
      enforce: options.rateLimits ?? true,
      overrides: { [limitName]: options.requestsPerSecond },
      now: () => now().getTime(),
    }),
    limitKey: (caller) => caller.claims.sub,
    limited: () => ({ status: 429 }),
    success: (value) => ({ status: 200, body: value }),
  });

  /** An authenticated API read: the handler's value is the 200 JSON body. */
  const read = (path: string, name: string, handle: (call: RouteCall<AlorCaller, undefined>) => unknown) =>
    route({ method: 'GET', path, name, auth: true, handle });

  const history = (path: string, name: string) => read(path, name, ({ request, caller }) => historyTradesReply(state, request, caller));

  /**
   * POST …/actions/market|limit and PUT …/actions/limit/{id}. X-REQID (or the deprecated
   * X-ALOR-REQID) is required; the first reply to an id is remembered per login, and a repeat
   * gets it back inside ALOR's 400 "already handled" body without placing anything.
   */
  const orderCommand = (method: HttpMethod, path: string, name: string, type: 'limit' | 'market') =>
    route({
      method,
      path,
      name,
      auth: true,
      handle({ request, caller }) {
        const requestId = headerText(request.headers['x-reqid']) ?? headerText(request.headers['x-alor-reqid']);
        if (!requestId) return new Reply({ status: 400, body: missingRequestId });
        const previous = state.replyFor(caller.claims.sub, requestId);
        if (previous) return new Reply({ status: 400, body: { message: duplicateRequestMessage, oldResponse: previous } });

        const command = readOrderCommand(request.body, type);
        if (command && !caller.portfolios.includes(command.portfolio)) throw new AlorRejection(403);
        let answer: SimulatorResponse;
        if (!command) answer = { status: 400, body: unreadableBody };
        else {
          try {
            const replacing = request.params['orderId'];
            const order = replacing === undefined ? orders.place(command) : orders.replace(replacing, command);
            answer = { status: 200, body: { message: 'success', orderNumber: order.id } };
          } catch (error) {
            if (!(error instanceof AlorRejection)) throw error;
            answer = error.response;
          }
        }
        state.rememberReply(caller.claims.sub, requestId, { statusCode: answer.status, body: answer.body ?? null });
        return new Reply(answer);
      },
    });

  const success = new Reply({ status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' });

  const server = new SimulatorServer({
    name: 'alor',
    caseInsensitivePaths: true,
    // ALOR documents no bodies for these statuses; clients must go by the status alone.
    errorResponse: (status) => ({ status }),
    routes: [
      route({
        method: 'POST',
        path: '/refresh',
        name: alorRouteNames.refresh,
        auth: false,
        handle({ request }) {
          const { token, allowedPortfolios } = refreshRequest(request);
          if (!token || !refreshTokens.has(token)) throw new AlorRejection(403);
          return { AccessToken: issuer.issue(allowedPortfolios) };
        },
      }),
      // Anonymous, as in ALOR: a bare Unix-seconds number.
      route({ method: 'GET', path: '/md/v2/time', name: alorRouteNames.time, auth: false, handle: () => Math.floor(now().getTime() / 1000) }),

      read(`${clients}/summary`, alorRouteNames.summary, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        return summaryBody(state, portfolio, exchange);
      }),
      read(`${clients}/risk`, alorRouteNames.risk, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        return riskBody(state, portfolio, exchange, now().getTime());
      }),
      read(`${clients}/positions`, alorRouteNames.positions, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        const rows: unknown[] = state
          .holdings(portfolio, exchange)
          .map((holding) => positionBody(portfolio, holding, state.instrument(holding.exchange, holding.symbol)!));
        const withoutCurrency = request.query.get('withoutCurrency')?.toLowerCase() === 'true';
        if (!withoutCurrency && exchange === 'MOEX' && state.hasBook(portfolio)) rows.push(moneyBody(portfolio, state.cash(portfolio)));
        return rows;
      }),
      read(`${clients}/positions/:symbol`, alorRouteNames.position, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        const symbol = request.params['symbol'];
        if (symbol === 'RUB' && exchange === 'MOEX' && state.hasBook(portfolio)) return moneyBody(portfolio, state.cash(portfolio));
        const holding = state.holdings(portfolio, exchange).find((candidate) => candidate.symbol === symbol);
        if (!holding) throw new AlorRejection(404);
        return positionBody(portfolio, holding, state.instrument(exchange, holding.symbol)!);
      }),
      read(`${clients}/orders`, alorRouteNames.orders, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        return state.ordersOf(portfolio, exchange).map((order) => orderBody(order, state.instrument(order.exchange, order.symbol)!));
      }),
      read(`${clients}/orders/:orderId`, alorRouteNames.order, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        const order = state.ordersOf(portfolio, exchange).find((candidate) => candidate.id === request.params['orderId']);
        if (!order) throw new AlorRejection(404);
        return orderBody(order, state.instrument(order.exchange, order.symbol)!);
      }),
      read(`${clients}/trades`, alorRouteNames.trades, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        return state.tradesOf(portfolio, exchange).map(tradeBody);
      }),
      read(`${clients}/:symbol/trades`, alorRouteNames.symbolTrades, ({ request, caller }) => {
        const { exchange, portfolio } = clientAccount(request, caller);
        return state
          .tradesOf(portfolio, exchange)
          .filter((trade) => trade.symbol === request.params['symbol'])
          .map(tradeBody);
      }),

      history('/md/v2/Stats/:exchange/:portfolio/history/trades', alorRouteNames.historyTrades),
      history('/md/v2/Stats/:exchange/:portfolio/history/trades/:symbol', alorRouteNames.historySymbolTrades),
      history('/md/stats/:exchange/:portfolio/history/trades', alorRouteNames.deprecatedHistoryTrades),

      // ⚠ ALOR also answers it anonymously (15 minutes late); here it wants the JWT brokerql always sends.
      read('/md/v2/history', alorRouteNames.candles, ({ request }) => historyCandles(state.candles, request.query, queryInstrument(state, request), now().getTime())),

      // Before /Securities/:exchange/:symbol, which has as many segments.
      read('/md/v2/Securities/:symbols/quotes', alorRouteNames.quotes, ({ request }) => {
        const time = now().getTime();
        return quotedInstruments(state, request.params['symbols'] ?? '').map((instrument) => quoteBody(state, instrument, time));
      }),
      read('/md/v2/Securities/:exchange/:symbol', alorRouteNames.security, ({ request }) => {
        return securityBody(pathInstrument(state, request), state.tradingOpen);
      }),
      read('/md/v2/orderbooks/:exchange/:symbol', alorRouteNames.orderbook, ({ request }) => {
        return orderbookBody(state, pathInstrument(state, request), orderbookDepth(request), now().getTime());
      }),

      orderCommand('POST', `${commands}/actions/market`, alorRouteNames.marketOrder, 'market'),
      orderCommand('POST', `${commands}/actions/limit`, alorRouteNames.limitOrder, 'limit'),
      orderCommand('PUT', `${commands}/actions/limit/:orderId`, alorRouteNames.replaceLimitOrder, 'limit'),
      // Before …/orders/:orderId and …/all, which have as many segments.
      route({ method: 'POST', path: `${commands}/estimate/all`, name: alorRouteNames.estimateAll, auth: true, handle: estimate(state, true) }),
      route({ method: 'POST', path: `${commands}/estimate`, name: alorRouteNames.estimate, auth: true, handle: estimate(state, false) }),
      // Before …/orders/:orderId.
      route({
        method: 'DELETE',
        path: `${commands}/all`,
        name: alorRouteNames.cancelAllOrders,
        auth: true,
        handle({ request, caller }) {
          const { portfolio, exchange, stop } = cancelTarget(request, caller);
          // No stop orders are simulated: there is never one to cancel.
          if (stop) throw new AlorRejection(400, { code: 'OrderToCancelNotFound', message: 'Orders to cancel not found' });
          orders.cancelAll(portfolio, exchange);
          return success;
        },
      }),
      route({
        method: 'DELETE',
        path: `${commands}/:orderId`,
        name: alorRouteNames.cancelOrder,
        auth: true,
        handle({ request, caller }) {
          const { portfolio, stop } = cancelTarget(request, caller);
          if (stop) throw new AlorRejection(400, { code: 'OrderToCancelNotFound (404)', message: 'Order to cancel not found' });
          orders.cancel(portfolio, request.params['orderId'] ?? '');
          return success;
        },
      }),
    ],
  });

  return {
    server,
    state,
    orders,
    get apiUrl() {
      return server.url;
    },
    get authUrl() {
      return server.url;
    },
    revokeRefreshToken(token: string) {
      refreshTokens.delete(token);
    },
    checkAccessToken: (token) => issuer.check(token),
    expireAccessTokens: () => issuer.expireAll(),
  };
}
