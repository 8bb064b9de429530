import { isLosslessNumber, parse } from 'lossless-json';
import {
  bearerToken,
  SimulatorServer,
  SlidingWindowRateLimiter,
  type HttpMethod,
  type Route,
  type SimulatorRequest,
  type SimulatorResponse,
} from '../common/server.js';
import { clockAndNow, type SimulatorClock } from '../common/clock.js';
import { readOrderCommand } from './commands.js';
import { alorSimulatorRefreshTokens, AccessTokenIssuer, portfoliosOf, type AccessClaims, type TokenCheck } from './token.js';
import { orderBody, orderbookBody, positionBody, moneyBody, quoteBody, riskBody, securityBody, summaryBody, tradeBody } from './responses.js';
import { AlorSimulatorState, type OrderRequest } from './state.js';
import type { SimulatedTrade } from './data.js';
import { historyPage } from './history.js';
import { AlorRejection, duplicateRequestMessage, missingRequestId, unreadableBody } from './wire.js';

export { alorSimulatorRefreshTokens } from './token.js';

/**
 * An ALOR OpenAPI v2 server as ../shared/brokers/alor.md and ALOR's WarpOpenAPIv2.yml describe
 * it. One HTTP server plays both hosts: the OAuth host (`POST /refresh` → a JWT) and the API host
 * (`/md/v2/…` Simple-format reads, `/commandapi/warptrans/TRADE/…` order commands with X-REQID
 * replay). Every API route wants a Bearer JWT this instance issued and that has not expired
 * (else 401), a portfolio listed in the token (else 403), and at most 100 requests per second
 * per user (else 429); only `GET /md/v2/time` is anonymous. Bodies ALOR does not document
 * (401/403/404/429/500) are empty; a GET with an invalid parameter (depth, limit, from, dateFrom,
 * exchange) gets 400 `{"message": …}` — ALOR documents that status without a body.
 */

export interface AlorSimulatorOptions {
  /** Access token lifetime; ALOR's is 30 minutes. Tests shorten it to see expiry. */
  accessTokenLifetimeSeconds?: number;
  /** Enforce ALOR's 100 requests/second per user (on by default; the benchmark turns it off). */
  rateLimits?: boolean;
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
  security: 'GET security',
  quotes: 'GET quotes',
  orderbook: 'GET orderbook',
  marketOrder: 'POST order market',
  limitOrder: 'POST order limit',
  replaceLimitOrder: 'PUT order limit',
  cancelOrder: 'DELETE order',
  cancelAllOrders: 'DELETE all orders',
} as const;

const clients = '/md/v2/Clients/:exchange/:portfolio';
const commands = '/commandapi/warptrans/TRADE/v2/client/orders';

/** A handler's full answer (status, headers, content type), where a plain value means 200 JSON. */
class Reply {
  constructor(readonly response: SimulatorResponse) {}
}

interface Caller {
  claims: AccessClaims;
  portfolios: string[];
}

export function createAlorSimulator(options: AlorSimulatorOptions = {}): AlorSimulator {
  const { clock, now } = clockAndNow(options.clock, options.now);
  const state = new AlorSimulatorState(now, { clock, seed: options.marketSeed });
  const issuer = new AccessTokenIssuer(options.accessTokenLifetimeSeconds ?? 1800, now);
  // ALOR: 100 requests per second per user (alor.dev "HTTP API overview").
  const requestsPerSecond = options.requestsPerSecond ?? 100;
  const limiter = new SlidingWindowRateLimiter(1_000, () => now().getTime());
  const rateLimits = options.rateLimits ?? true;
  const refreshTokens = new Set<string>([alorSimulatorRefreshTokens.valid]);

  /** An authenticated, rate-limited API route; handlers return a body (200 JSON) or a full response. */
  function api(
    method: HttpMethod,
    pattern: string,
    name: string,
    handler: (request: SimulatorRequest, caller: Caller) => unknown,
  ): Route {
    return {
      method,
      pattern,
      name,
      handle(request) {
        const token = bearerToken(request.headers);
        // ASP.NET's JwtBearer answers (ALOR runs .NET): an empty 401 with WWW-Authenticate.
        if (!token) return { status: 401, headers: { 'www-authenticate': 'Bearer' } };
        const check = issuer.check(token);
        if (!check.ok) {
          const description = check.reason === 'expired' ? ', error_description="The token expired"' : '';
          return { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token"${description}` } };
        }
        if (rateLimits && !limiter.allow(check.claims.sub, requestsPerSecond)) return { status: 429 };
        try {
          const answer = handler(request, { claims: check.claims, portfolios: portfoliosOf(check.claims) });
          return answer instanceof Reply ? answer.response : { status: 200, body: answer };
        } catch (error) {
          if (error instanceof AlorRejection) return error.toResponse();
          throw error;
        }
      },
    };
  }

  /** The `:exchange` and `:portfolio` of a client route, checked against the token. */
  function account(request: SimulatorRequest, caller: Caller): { exchange: string; portfolio: string } {
    const exchange = exchangeOf(request.params['exchange']);
    const portfolio = request.params['portfolio'] ?? '';
    if (!caller.portfolios.includes(portfolio)) throw new AlorRejection(403);
    return { exchange, portfolio };
  }

  function instrumentOrNotFound(exchange: string, symbol: string | undefined) {
    const instrument = state.instrument(exchange, symbol ?? '');
    if (!instrument) throw new AlorRejection(404);
    return instrument;
  }

  // Past sessions never change: each trade's JSON is written once, not on every page request
  // (a page of a thousand trades is about 330 KB).
  const historyJson = new WeakMap<SimulatedTrade, string>();
  const tradeJson = (trade: SimulatedTrade) => {
    let text = historyJson.get(trade);
    if (text === undefined) historyJson.set(trade, (text = JSON.stringify(tradeBody(trade))));
    return text;
  };

  function historyRoute(pattern: string, name: string): Route {
    return api('GET', pattern, name, (request, caller) => {
      const { exchange, portfolio } = account(request, caller);
      const rows = state.historyTrades.filter((trade) => trade.portfolio === portfolio && trade.exchange === exchange);
      const page = historyPage(rows, request.query, request.params['symbol'], state.instruments);
      return new Reply({ status: 200, body: `[${page.map(tradeJson).join(',')}]` });
    });
  }

  /**
   * POST …/actions/market|limit and PUT …/actions/limit/{id}. X-REQID (or the deprecated
   * X-ALOR-REQID) is required; the first reply to an id is remembered per login, and a repeat
   * gets it back inside ALOR's 400 "already handled" body without placing anything.
   */
  function orderCommand(method: HttpMethod, pattern: string, name: string, type: 'limit' | 'market'): Route {
    return api(method, pattern, name, (request, caller) => {
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
          const order = place(command, request.params['orderId']);
          answer = { status: 200, body: { message: 'success', orderNumber: order.id } };
        } catch (error) {
          if (!(error instanceof AlorRejection)) throw error;
          answer = error.toResponse();
        }
      }
      state.rememberReply(caller.claims.sub, requestId, { statusCode: answer.status, body: answer.body ?? null });
      return new Reply(answer);
    });
  }

  function place(command: OrderRequest, replacing: string | undefined) {
    return replacing === undefined ? state.placeOrder(command) : state.replaceOrder(replacing, command);
  }

  /** `portfolio`, `exchange` (and `stop`) of a cancel, as query parameters. */
  function cancelTarget(request: SimulatorRequest, caller: Caller) {
    const portfolio = request.query.get('portfolio');
    const exchange = request.query.get('exchange');
    if (!portfolio || !exchange) throw new AlorRejection(400, { message: 'Query parameters portfolio, exchange and stop are required' });
    if (!caller.portfolios.includes(portfolio)) throw new AlorRejection(403);
    return { portfolio, exchange: exchangeOf(exchange), stop: request.query.get('stop')?.toLowerCase() === 'true' };
  }

  const success = new Reply({ status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' });

  const server = new SimulatorServer({
    name: 'alor',
    caseInsensitivePaths: true,
    // ALOR documents no bodies for these statuses; clients must go by the status alone.
    errorResponse: (status) => ({ status }),
    routes: [
      {
        method: 'POST',
        pattern: '/refresh',
        name: alorRouteNames.refresh,
        handle(request) {
          const { token, allowedPortfolios } = refreshRequest(request);
          if (!token || !refreshTokens.has(token)) return { status: 403 };
          return { status: 200, body: { AccessToken: issuer.issue(allowedPortfolios) } };
        },
      },
      // Anonymous, as in ALOR: a bare Unix-seconds number.
      { method: 'GET', pattern: '/md/v2/time', name: alorRouteNames.time, handle: () => ({ status: 200, body: Math.floor(now().getTime() / 1000) }) },

      api('GET', `${clients}/summary`, alorRouteNames.summary, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        return summaryBody(state, portfolio, exchange);
      }),
      api('GET', `${clients}/risk`, alorRouteNames.risk, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        return riskBody(state, portfolio, exchange, now().getTime());
      }),
      api('GET', `${clients}/positions`, alorRouteNames.positions, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        const rows: unknown[] = state
          .holdings(portfolio, exchange)
          .map((holding) => positionBody(portfolio, holding, state.instrument(holding.exchange, holding.symbol)!));
        const withoutCurrency = request.query.get('withoutCurrency')?.toLowerCase() === 'true';
        if (!withoutCurrency && exchange === 'MOEX' && state.hasBook(portfolio)) rows.push(moneyBody(portfolio, state.cash(portfolio)));
        return rows;
      }),
      api('GET', `${clients}/positions/:symbol`, alorRouteNames.position, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        const symbol = request.params['symbol'];
        if (symbol === 'RUB' && exchange === 'MOEX' && state.hasBook(portfolio)) return moneyBody(portfolio, state.cash(portfolio));
        const holding = state.holdings(portfolio, exchange).find((candidate) => candidate.symbol === symbol);
        if (!holding) throw new AlorRejection(404);
        return positionBody(portfolio, holding, state.instrument(exchange, holding.symbol)!);
      }),
      api('GET', `${clients}/orders`, alorRouteNames.orders, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        return state.ordersOf(portfolio, exchange).map((order) => orderBody(order, state.instrument(order.exchange, order.symbol)!));
      }),
      api('GET', `${clients}/orders/:orderId`, alorRouteNames.order, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        const order = state.ordersOf(portfolio, exchange).find((candidate) => candidate.id === request.params['orderId']);
        if (!order) throw new AlorRejection(404);
        return orderBody(order, state.instrument(order.exchange, order.symbol)!);
      }),
      api('GET', `${clients}/trades`, alorRouteNames.trades, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        return state.tradesOf(portfolio, exchange).map(tradeBody);
      }),
      api('GET', `${clients}/:symbol/trades`, alorRouteNames.symbolTrades, (request, caller) => {
        const { exchange, portfolio } = account(request, caller);
        return state
          .tradesOf(portfolio, exchange)
          .filter((trade) => trade.symbol === request.params['symbol'])
          .map(tradeBody);
      }),

      historyRoute('/md/v2/Stats/:exchange/:portfolio/history/trades', alorRouteNames.historyTrades),
      historyRoute('/md/v2/Stats/:exchange/:portfolio/history/trades/:symbol', alorRouteNames.historySymbolTrades),
      historyRoute('/md/stats/:exchange/:portfolio/history/trades', alorRouteNames.deprecatedHistoryTrades),

      // Before /Securities/:exchange/:symbol, which has as many segments. SPEC `path_Symbols`:
      // EXCHANGE:SYMBOL pairs separated by commas, in the path as clients write them
      // (MOEX:SBER,MOEX:GAZP). ASP.NET Core decodes %3A and %2C in a route value before the
      // handler sees it, so an encoded list is read alike: neither alor.md nor the spec says it
      // is refused. The request log keeps the path as sent, for tests of what clients write.
      api('GET', '/md/v2/Securities/:symbols/quotes', alorRouteNames.quotes, (request) => {
        const time = now().getTime();
        return (request.params['symbols'] ?? '')
          .split(',')
          .map((pair) => pair.trim())
          .filter(Boolean)
          .map((pair) => {
            const [exchange, symbol] = pair.includes(':') ? pair.split(':', 2) : ['MOEX', pair];
            return state.instrument((exchange ?? '').toUpperCase(), symbol ?? '');
          })
          .filter((instrument) => instrument !== undefined)
          .map((instrument) => quoteBody(state, instrument, time));
      }),
      api('GET', '/md/v2/Securities/:exchange/:symbol', alorRouteNames.security, (request) => {
        const instrument = instrumentOrNotFound(exchangeOf(request.params['exchange']), request.params['symbol']);
        return securityBody(instrument, state.tradingOpen);
      }),
      api('GET', '/md/v2/orderbooks/:exchange/:symbol', alorRouteNames.orderbook, (request) => {
        const instrument = instrumentOrNotFound(exchangeOf(request.params['exchange']), request.params['symbol']);
        const text = request.query.get('depth');
        const depth = text === null || text === '' ? 20 : Number(text);
        if (!Number.isInteger(depth) || depth < 1 || depth > 50) {
          throw new AlorRejection(400, { message: `depth must be an integer from 1 to 50, got ${text}` });
        }
        return orderbookBody(state, instrument, depth, now().getTime());
      }),

      orderCommand('POST', `${commands}/actions/market`, alorRouteNames.marketOrder, 'market'),
      orderCommand('POST', `${commands}/actions/limit`, alorRouteNames.limitOrder, 'limit'),
      orderCommand('PUT', `${commands}/actions/limit/:orderId`, alorRouteNames.replaceLimitOrder, 'limit'),
      // Before …/orders/:orderId.
      api('DELETE', `${commands}/all`, alorRouteNames.cancelAllOrders, (request, caller) => {
        const { portfolio, exchange, stop } = cancelTarget(request, caller);
        // No stop orders are simulated: there is never one to cancel.
        if (stop) throw new AlorRejection(400, { code: 'OrderToCancelNotFound', message: 'Orders to cancel not found' });
        state.cancelAll(portfolio, exchange);
        return success;
      }),
      api('DELETE', `${commands}/:orderId`, alorRouteNames.cancelOrder, (request, caller) => {
        const { portfolio, stop } = cancelTarget(request, caller);
        if (stop) throw new AlorRejection(400, { code: 'OrderToCancelNotFound (404)', message: 'Order to cancel not found' });
        state.cancelOrder(portfolio, request.params['orderId'] ?? '');
        return success;
      }),
    ],
  });

  return {
    server,
    state,
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

/**
 * The refresh token and optional `allowedPortfolios` from the query or a JSON body
 * (`{"token": …}`, or `{"Token": …}` as ALOR's .NET SDK sends it); the body wins.
 */
function refreshRequest(request: SimulatorRequest): { token: string | undefined; allowedPortfolios: string[] | undefined } {
  let body: Record<string, unknown> = {};
  try {
    const parsed = request.body.trim() ? parse(request.body) : undefined;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !isLosslessNumber(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // An unreadable body counts as no body: the query may still carry the token.
  }
  const bodyToken = body['token'] ?? body['Token'];
  const token = typeof bodyToken === 'string' ? bodyToken : (request.query.get('token') ?? undefined);
  const bodyPortfolios = body['allowedPortfolios'];
  let allowedPortfolios: string[] | undefined;
  if (Array.isArray(bodyPortfolios)) allowedPortfolios = bodyPortfolios.filter((item): item is string => typeof item === 'string');
  else {
    // The query form is a JSON array in a string: allowedPortfolios=["D39004","G39004"].
    const queryPortfolios = request.query.get('allowedPortfolios');
    if (queryPortfolios) {
      try {
        const parsed = JSON.parse(queryPortfolios) as unknown;
        if (Array.isArray(parsed)) allowedPortfolios = parsed.filter((item): item is string => typeof item === 'string');
      } catch {
        allowedPortfolios = [];
      }
    }
  }
  return { token, allowedPortfolios };
}

function exchangeOf(value: string | undefined): string {
  const exchange = (value ?? '').toUpperCase();
  if (exchange !== 'MOEX' && exchange !== 'SPBX') throw new AlorRejection(400, { message: `Unknown exchange ${value}: expected MOEX or SPBX` });
  return exchange;
}

function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() ? text.trim() : undefined;
}
