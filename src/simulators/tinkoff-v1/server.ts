import { tinkoffV1Limits } from '../../brokers/tinkoff-v1/limits.js';
import type { HttpMethod, SimulatorRequest } from '../common/http.js';
import { SimulatedLimits } from '../common/limits.js';
import { routeTable } from '../common/routes.js';
import { SimulatorServer, type Route } from '../common/server.js';
import { TinkoffV1Tokens, type TinkoffV1Caller, type TinkoffV1SimulatorToken } from './auth.js';
import {
  accountsPayload,
  currenciesPayload,
  instrumentListPayload,
  operationPayload,
  orderbookPayload,
  orderPayload,
  placedOrderPayload,
  portfolioPayload,
  searchInstrumentPayload,
} from './bodies.js';
import type { InstrumentType } from './data.js';
import { tinkoffV1ErrorResponse, tinkoffV1Errors } from './errors.js';
import { candlesPayload } from './market.js';
import { TinkoffV1Orders } from './orders.js';
import {
  currenciesAccount,
  optionalRequestBody,
  requiredAccountType,
  requestBody,
  requiredBalance,
  requiredCurrency,
  requiredInteger,
  requiredLots,
  requiredPrice,
  requiredSide,
  requiredText,
  requiredTimestamp,
  type RequestBody,
} from './requests.js';
import { TinkoffV1SimulatorState, type BrokerAccount, type Environment } from './state.js';
import { okEnvelope, responseHeaders } from './wire.js';

export { tinkoffV1SimulatorTokens, type TinkoffV1SimulatorToken } from './auth.js';

/**
 * A Tinkoff Investments OpenAPI v1 REST server as ../shared/brokers/tinkoff.md describes it:
 * the production base /openapi and the sandbox base /openapi/sandbox (sandbox management under
 * /openapi/sandbox/sandbox/…), Bearer tokens of two kinds that only work on their own base,
 * `{trackingId, payload, status}` envelopes, every business error as HTTP 500 with an error
 * envelope, 401 and 429 with empty bodies, the per-resource minute limits of
 * src/brokers/tinkoff-v1/limits.ts per token, and stateful orders.
 */

/** The resource groups of the v1 per-user limits (their names in src/brokers/tinkoff-v1/limits.ts). */
export type RateLimitGroup = (typeof tinkoffV1Limits)[number]['name'];

export interface TinkoffV1SimulatorOptions {
  tokens?: TinkoffV1SimulatorToken[];
  /** Enforce the per-minute limits (on by default; the benchmark turns them off). */
  rateLimits?: boolean;
  /** Lower (or raise) some limits, e.g. for a test that wants to see a 429 quickly. */
  rateLimitsPerMinute?: Partial<Record<RateLimitGroup, number>>;
  /** Send seeded amounts in the Java-BigDecimal text real payloads had (`1E+4`); on by default. */
  exponentNumbers?: boolean;
  /** The clock for operation dates and the rate-limit window. */
  now?: () => Date;
}

export interface TinkoffV1Simulator {
  server: SimulatorServer;
  state: TinkoffV1SimulatorState;
  /** Switches that change how answers are written, readable and settable while running. */
  quirks: { exponentNumbers: boolean };
  /** http://127.0.0.1:<port>/openapi */
  readonly baseUrl: string;
  /** http://127.0.0.1:<port>/openapi/sandbox */
  readonly sandboxBaseUrl: string;
}

/** What a v1 handler works with: the caller, the query and body, and the account the request means. */
interface Call<Body> extends TinkoffV1Caller {
  query: URLSearchParams;
  body: Body;
  /** `brokerAccountId`, else the "Tinkoff" brokerage account. */
  account(): BrokerAccount;
}

interface Endpoint<Body> {
  method: HttpMethod;
  /** Below the base, e.g. `/orders/limit-order`. */
  path: string;
  /** Which bases serve it: market data and trading both (the default), sandbox management only the sandbox. */
  environments?: Environment[];
  body?: (text: string) => Body;
  handle(call: Call<Body>): unknown;
}

const bases: Record<Environment, string> = { trading: '/openapi', sandbox: '/openapi/sandbox' };

export function createTinkoffV1Simulator(options: TinkoffV1SimulatorOptions = {}): TinkoffV1Simulator {
  const now = options.now ?? (() => new Date());
  const state = new TinkoffV1SimulatorState();
  const orders = new TinkoffV1Orders(state, now);
  const quirks = { exponentNumbers: options.exponentNumbers ?? true };
  const tokens = new TinkoffV1Tokens(options.tokens);
  const limits = new SimulatedLimits({
    table: tinkoffV1Limits,
    enforce: options.rateLimits ?? true,
    overrides: options.rateLimitsPerMinute,
    now: () => now().getTime(),
  });
  const tableOf = (environment: Environment) =>
    routeTable<TinkoffV1Caller, Environment>({
      base: bases[environment],
      authenticate: (request, required) => tokens.check(request, required),
      limits,
      limitKey: (caller) => caller.token,
      limited: () => ({ status: 429 }),
      success: (payload) => ({ status: 200, body: okEnvelope(payload, quirks.exponentNumbers), contentType: 'application/json' }),
      headers: () => responseHeaders,
    });
  const tables = { trading: tableOf('trading'), sandbox: tableOf('sandbox') };

  /** The endpoint on each base that serves it, counted as `[sandbox ]METHOD /path`. */
  function serve<Body = undefined>(endpoint: Endpoint<Body>): Route[] {
    return (endpoint.environments ?? ['trading', 'sandbox']).map((environment) =>
      tables[environment]<Body>({
        method: endpoint.method,
        path: endpoint.path,
        name: `${environment === 'sandbox' ? 'sandbox ' : ''}${endpoint.method} ${endpoint.path}`,
        auth: environment,
        body: endpoint.body,
        handle: ({ request, caller, body }) => endpoint.handle(call(request, caller, body)),
      }),
    );
  }

  function call<Body>(request: SimulatorRequest, caller: TinkoffV1Caller, body: Body): Call<Body> {
    const account = () => state.resolveAccount(caller.environment, caller.token, request.query.get('brokerAccountId') || undefined);
    return { ...caller, query: request.query, body, account };
  }

  const marketList = (path: string, type: InstrumentType) =>
    serve({ method: 'GET', path, handle: () => instrumentListPayload(state.instruments.filter((instrument) => instrument.type === type)) });

  const routes: Route[][] = [
    serve({ method: 'GET', path: '/user/accounts', handle: ({ environment, token }) => accountsPayload(state.accounts(environment, token)) }),
    serve({ method: 'GET', path: '/portfolio', handle: ({ account }) => portfolioPayload(state, account()) }),
    serve({ method: 'GET', path: '/portfolio/currencies', handle: ({ account }) => currenciesPayload(state, currenciesAccount(account)) }),

    serve({
      method: 'GET',
      path: '/market/orderbook',
      handle({ query }) {
        const figi = requiredText(query, 'figi');
        const depth = requiredInteger(query.get('depth'), 'depth');
        if (depth < 1 || depth > 20) throw tinkoffV1Errors.validation('depth', 'must be between 1 and 20');
        return orderbookPayload(state.instrument(figi), depth);
      },
    }),
    serve({
      method: 'GET',
      path: '/market/search/by-figi',
      handle({ query }) {
        const instrument = state.findInstrument(requiredText(query, 'figi'));
        if (!instrument) throw tinkoffV1Errors.marketInstrumentNotFound();
        return searchInstrumentPayload(instrument);
      },
    }),
    serve({
      method: 'GET',
      path: '/market/search/by-ticker',
      handle({ query }) {
        const ticker = requiredText(query, 'ticker');
        return instrumentListPayload(state.instruments.filter((instrument) => instrument.ticker === ticker));
      },
    }),
    serve({ method: 'GET', path: '/market/candles', handle: ({ query }) => candlesPayload(state, query, now().getTime()) }),
    marketList('/market/stocks', 'Stock'),
    marketList('/market/bonds', 'Bond'),
    marketList('/market/etfs', 'Etf'),
    marketList('/market/currencies', 'Currency'),

    serve({ method: 'GET', path: '/orders', handle: ({ account }) => state.activeOrders(account()).map(orderPayload) }),
    serve({
      method: 'POST',
      path: '/orders/limit-order',
      body: requestBody,
      handle({ account, query, body }) {
        const target = account();
        const figi = requiredText(query, 'figi');
        state.instrument(figi);
        const [lots, operation, price] = [requiredLots(body['lots']), requiredSide(body['operation']), requiredPrice(body['price'])];
        return placedOrderPayload(orders.place(target, { figi, operation, lots, price }));
      },
    }),
    serve({
      method: 'POST',
      path: '/orders/market-order',
      body: requestBody,
      handle({ account, query, body }) {
        const target = account();
        const figi = requiredText(query, 'figi');
        state.instrument(figi);
        const [lots, operation] = [requiredLots(body['lots']), requiredSide(body['operation'])];
        return placedOrderPayload(orders.place(target, { figi, operation, lots }));
      },
    }),
    serve({
      method: 'POST',
      path: '/orders/cancel',
      handle({ account, query }) {
        orders.cancel(account(), requiredText(query, 'orderId'));
        return {};
      },
    }),
    serve({
      method: 'GET',
      path: '/operations',
      handle({ account, query }) {
        const from = requiredTimestamp(query, 'from');
        const to = requiredTimestamp(query, 'to');
        if (from > to) throw tinkoffV1Errors.validation('from', 'must not be after to');
        return { operations: state.readOperations(account(), from, to, query.get('figi') || undefined).map(operationPayload) };
      },
    }),

    // ---- sandbox management (sandbox base only) -----------------------------------------
    serve({
      method: 'POST',
      path: '/sandbox/register',
      environments: ['sandbox'],
      body: optionalRequestBody,
      handle({ token, body }) {
        const account = state.registerSandbox(token, requiredAccountType(body['brokerAccountType']));
        return { brokerAccountType: account.brokerAccountType, brokerAccountId: account.brokerAccountId };
      },
    }),
    serve({
      method: 'POST',
      path: '/sandbox/currencies/balance',
      environments: ['sandbox'],
      body: requestBody,
      handle(call) {
        const account = sandboxAccount(call);
        state.setSandboxCurrencyBalance(account, requiredCurrency(call.body['currency']), requiredBalance(call.body['balance']));
        return {};
      },
    }),
    serve({
      method: 'POST',
      path: '/sandbox/positions/balance',
      environments: ['sandbox'],
      body: requestBody,
      handle(call) {
        const account = sandboxAccount(call);
        const figi = call.body['figi'];
        if (typeof figi !== 'string' || !figi) throw tinkoffV1Errors.validation('figi', 'must not be null');
        state.setSandboxPositionBalance(account, figi, requiredBalance(call.body['balance']));
        return {};
      },
    }),
    serve({
      method: 'POST',
      path: '/sandbox/clear',
      environments: ['sandbox'],
      handle({ account }) {
        state.clearSandbox(account());
        return {};
      },
    }),
    serve({
      method: 'POST',
      path: '/sandbox/remove',
      environments: ['sandbox'],
      handle({ token, account }) {
        state.removeSandbox(token, account());
        return {};
      },
    }),
  ];

  /** The Go SDK sends brokerAccountId in the balance bodies instead of the query; accept both. */
  function sandboxAccount(call: Call<RequestBody>): BrokerAccount {
    const fromBody = call.body['brokerAccountId'];
    if (call.query.get('brokerAccountId') || typeof fromBody !== 'string' || !fromBody) return call.account();
    return state.resolveAccount('sandbox', call.token, fromBody);
  }

  const server = new SimulatorServer({ name: 'tinkoff-v1', errorResponse: tinkoffV1ErrorResponse, routes: routes.flat() });
  return {
    server,
    state,
    quirks,
    get baseUrl() {
      return `${server.url}/openapi`;
    },
    get sandboxBaseUrl() {
      return `${server.url}/openapi/sandbox`;
    },
  };
}
