import Big from 'big.js';
import {
  bearerToken,
  SlidingWindowRateLimiter,
  parseJsonBody,
  SimulatorServer,
  type HttpMethod,
  type Route,
  type SimulatorRequest,
  type SimulatorResponse,
} from '../common/server.js';
import { currencies, type BrokerAccountType, type Currency, type InstrumentType, type OperationSide } from './data.js';
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
} from './payloads.js';
import { TinkoffV1SimulatorState, type BrokerAccount, type Environment } from './state.js';
import {
  errorEnvelope,
  nginxPage,
  okEnvelope,
  parseOffsetDateTime,
  responseHeaders,
  TinkoffV1ApiError,
  tinkoffV1Errors,
} from './wire.js';

/**
 * A Tinkoff Investments OpenAPI v1 REST server as ../shared/brokers/tinkoff.md describes it:
 * the production base /openapi and the sandbox base /openapi/sandbox (sandbox management under
 * /openapi/sandbox/sandbox/…), Bearer tokens of two kinds that only work on their own base,
 * `{trackingId, payload, status}` envelopes, every business error as HTTP 500 with an error
 * envelope, 401 and 429 with empty bodies, per-token per-minute limits, and stateful orders.
 */

export interface TinkoffV1SimulatorToken {
  token: string;
  /** A trading token works on /openapi, a sandbox token on /openapi/sandbox. */
  environment: Environment;
}

/** The resource groups of the v1 per-user limits (tinkoff.md §3). */
export type RateLimitGroup = 'portfolio' | 'market' | 'orders' | 'limit-order' | 'market-order' | 'cancel' | 'operations' | 'sandbox';

export const tinkoffV1RateLimitsPerMinute: Record<RateLimitGroup, number> = {
  portfolio: 120,
  market: 240,
  orders: 100,
  'limit-order': 100,
  'market-order': 100,
  cancel: 50,
  operations: 120,
  sandbox: 120,
};

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

export const tinkoffV1SimulatorTokens = {
  trading: 't.simulator-v1-trading-token-5b8e21',
  sandbox: 't.simulator-v1-sandbox-token-c04d97',
} as const;

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

interface Context {
  environment: Environment;
  token: string;
  query: URLSearchParams;
  body: string;
  /** The account the request means (brokerAccountId, else the "Tinkoff" account). */
  account(): BrokerAccount;
}

interface Endpoint {
  method: HttpMethod;
  /** Relative to the base, e.g. `/orders/limit-order`. */
  path: string;
  group: RateLimitGroup | undefined;
  /** Which bases serve it: market data and trading both, sandbox management only the sandbox. */
  environments: Environment[];
  handle(context: Context): unknown;
}

const { validation } = tinkoffV1Errors;

export function createTinkoffV1Simulator(options: TinkoffV1SimulatorOptions = {}): TinkoffV1Simulator {
  const now = options.now ?? (() => new Date());
  const state = new TinkoffV1SimulatorState(now);
  const quirks = { exponentNumbers: options.exponentNumbers ?? true };
  const tokens = new Map(
    (options.tokens ?? [
      { token: tinkoffV1SimulatorTokens.trading, environment: 'trading' as const },
      { token: tinkoffV1SimulatorTokens.sandbox, environment: 'sandbox' as const },
    ]).map((entry) => [entry.token, entry.environment]),
  );
  const limits = { ...tinkoffV1RateLimitsPerMinute, ...options.rateLimitsPerMinute };
  const limiter = new SlidingWindowRateLimiter(60_000, () => now().getTime());
  const rateLimits = options.rateLimits ?? true;

  const both: Environment[] = ['trading', 'sandbox'];
  const endpoints: Endpoint[] = [
    { method: 'GET', path: '/user/accounts', group: undefined, environments: both, handle: (context) => accountsPayload(state.accounts(context.environment, context.token)) },
    { method: 'GET', path: '/portfolio', group: 'portfolio', environments: both, handle: (context) => portfolioPayload(state, context.account()) },
    {
      method: 'GET',
      path: '/portfolio/currencies',
      group: 'portfolio',
      environments: both,
      handle(context) {
        try {
          return currenciesPayload(state, context.account());
        } catch (error) {
          // This method reports an unknown account as REQUEST_DATA_ERROR "Invalid account" (DART capture).
          const unknown = tinkoffV1Errors.unknownAccount();
          if (error instanceof TinkoffV1ApiError && error.code === unknown.code && error.message === unknown.message) {
            throw tinkoffV1Errors.invalidAccount();
          }
          throw error;
        }
      },
    },
    {
      method: 'GET',
      path: '/market/orderbook',
      group: 'market',
      environments: both,
      handle(context) {
        const figi = requiredText(context.query, 'figi');
        const depth = requiredInteger(context.query.get('depth'), 'depth');
        if (depth < 1 || depth > 20) throw validation('depth', 'must be between 1 and 20');
        return orderbookPayload(state.instrument(figi), depth);
      },
    },
    {
      method: 'GET',
      path: '/market/search/by-figi',
      group: 'market',
      environments: both,
      handle(context) {
        const instrument = state.findInstrument(requiredText(context.query, 'figi'));
        if (!instrument) throw tinkoffV1Errors.marketInstrumentNotFound();
        return searchInstrumentPayload(instrument);
      },
    },
    {
      method: 'GET',
      path: '/market/search/by-ticker',
      group: 'market',
      environments: both,
      handle(context) {
        const ticker = requiredText(context.query, 'ticker');
        return instrumentListPayload(state.instruments.filter((instrument) => instrument.ticker === ticker));
      },
    },
    ...(
      [
        ['/market/stocks', 'Stock'],
        ['/market/bonds', 'Bond'],
        ['/market/etfs', 'Etf'],
        ['/market/currencies', 'Currency'],
      ] as Array<[string, InstrumentType]>
    ).map(([path, type]): Endpoint => ({
      method: 'GET',
      path,
      group: 'market',
      environments: both,
      handle: () => instrumentListPayload(state.instruments.filter((instrument) => instrument.type === type)),
    })),
    { method: 'GET', path: '/orders', group: 'orders', environments: both, handle: (context) => state.activeOrders(context.account()).map(orderPayload) },
    {
      method: 'POST',
      path: '/orders/limit-order',
      group: 'limit-order',
      environments: both,
      handle(context) {
        const account = context.account();
        const figi = requiredText(context.query, 'figi');
        state.instrument(figi);
        const body = requestBody(context.body);
        const lots = requiredLots(body['lots']);
        const operation = requiredSide(body['operation']);
        const price = requiredPrice(body['price']);
        return placedOrderPayload(state.placeOrder(account, { figi, operation, lots, price }));
      },
    },
    {
      method: 'POST',
      path: '/orders/market-order',
      group: 'market-order',
      environments: both,
      handle(context) {
        const account = context.account();
        const figi = requiredText(context.query, 'figi');
        state.instrument(figi);
        const body = requestBody(context.body);
        const lots = requiredLots(body['lots']);
        const operation = requiredSide(body['operation']);
        return placedOrderPayload(state.placeOrder(account, { figi, operation, lots }));
      },
    },
    {
      method: 'POST',
      path: '/orders/cancel',
      group: 'cancel',
      environments: both,
      handle(context) {
        const account = context.account();
        state.cancelOrder(account, requiredText(context.query, 'orderId'));
        return {};
      },
    },
    {
      method: 'GET',
      path: '/operations',
      group: 'operations',
      environments: both,
      handle(context) {
        const from = requiredTimestamp(context.query, 'from');
        const to = requiredTimestamp(context.query, 'to');
        if (from > to) throw validation('from', 'must not be after to');
        const figi = context.query.get('figi') || undefined;
        return { operations: state.operationsBetween(context.account(), from, to, figi).map(operationPayload) };
      },
    },

    // ---- sandbox management (sandbox base only) -----------------------------------------
    {
      method: 'POST',
      path: '/sandbox/register',
      group: 'sandbox',
      environments: ['sandbox'],
      handle(context) {
        const body = context.body.trim() ? requestBody(context.body) : {};
        const type = body['brokerAccountType'] ?? 'Tinkoff';
        if (type !== 'Tinkoff' && type !== 'TinkoffIis') throw validation('brokerAccountType', 'must be one of [Tinkoff, TinkoffIis]');
        const account = state.registerSandbox(context.token, type as BrokerAccountType);
        return { brokerAccountType: account.brokerAccountType, brokerAccountId: account.brokerAccountId };
      },
    },
    {
      method: 'POST',
      path: '/sandbox/currencies/balance',
      group: 'sandbox',
      environments: ['sandbox'],
      handle(context) {
        const body = requestBody(context.body);
        const account = sandboxAccount(context, body);
        const currency = body['currency'];
        if (currency === undefined || currency === null) throw validation('currency', 'must not be null');
        if (typeof currency !== 'string' || !currencies.includes(currency as Currency)) {
          throw validation('currency', `must be one of [${currencies.join(', ')}]`);
        }
        state.setSandboxCurrencyBalance(account, currency as Currency, requiredBalance(body['balance']));
        return {};
      },
    },
    {
      method: 'POST',
      path: '/sandbox/positions/balance',
      group: 'sandbox',
      environments: ['sandbox'],
      handle(context) {
        const body = requestBody(context.body);
        const account = sandboxAccount(context, body);
        const figi = body['figi'];
        if (typeof figi !== 'string' || !figi) throw validation('figi', 'must not be null');
        state.setSandboxPositionBalance(account, figi, requiredBalance(body['balance']));
        return {};
      },
    },
    {
      method: 'POST',
      path: '/sandbox/clear',
      group: 'sandbox',
      environments: ['sandbox'],
      handle(context) {
        state.clearSandbox(context.account());
        return {};
      },
    },
    {
      method: 'POST',
      path: '/sandbox/remove',
      group: 'sandbox',
      environments: ['sandbox'],
      handle(context) {
        state.removeSandbox(context.token, context.account());
        return {};
      },
    },
  ];

  /** The Go SDK sends brokerAccountId in the balance bodies instead of the query; accept both. */
  function sandboxAccount(context: Context, body: Record<string, unknown>): BrokerAccount {
    const fromBody = body['brokerAccountId'];
    if (context.query.get('brokerAccountId') || typeof fromBody !== 'string' || !fromBody) return context.account();
    return state.resolveAccount('sandbox', context.token, fromBody);
  }

  function route(endpoint: Endpoint, environment: Environment): Route {
    const base = environment === 'trading' ? '/openapi' : '/openapi/sandbox';
    return {
      method: endpoint.method,
      pattern: `${base}${endpoint.path}`,
      name: `${environment === 'sandbox' ? 'sandbox ' : ''}${endpoint.method} ${endpoint.path}`,
      handle(request: SimulatorRequest): SimulatorResponse {
        const token = bearerToken(request.headers);
        const tokenEnvironment = token ? tokens.get(token) : undefined;
        if (!token || !tokenEnvironment) return { status: 401, headers: responseHeaders };
        if (tokenEnvironment !== environment) return failure(tinkoffV1Errors.invalidTokenScopes());
        if (rateLimits && endpoint.group && !limiter.allow(`${token}:${environment}:${endpoint.group}`, limits[endpoint.group])) {
          return { status: 429, headers: responseHeaders };
        }
        const context: Context = {
          environment,
          token,
          query: request.query,
          body: request.body,
          account: () => state.resolveAccount(environment, token, request.query.get('brokerAccountId') || undefined),
        };
        try {
          const payload = endpoint.handle(context);
          return { status: 200, body: okEnvelope(payload, quirks.exponentNumbers), contentType: 'application/json', headers: responseHeaders };
        } catch (error) {
          if (error instanceof TinkoffV1ApiError) return failure(error);
          throw error;
        }
      },
    };
  }

  const server = new SimulatorServer({
    name: 'tinkoff-v1',
    errorResponse(status) {
      if (status === 500) return failure(tinkoffV1Errors.internal());
      const page = nginxPage(status);
      if (page) return { status, body: page, contentType: 'text/html', headers: { server: 'nginx' } };
      // 401, 429 and the rest: no body at all, as the SDKs found.
      return { status, headers: responseHeaders };
    },
    routes: endpoints.flatMap((endpoint) => endpoint.environments.map((environment) => route(endpoint, environment))),
  });

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

function failure(error: TinkoffV1ApiError): SimulatorResponse {
  return { status: 500, body: errorEnvelope(error), contentType: 'application/json', headers: responseHeaders };
}

// ---- request validation (messages in the server's "[field]: text" form) -----------------

function requiredText(query: URLSearchParams, field: string): string {
  const value = query.get(field);
  if (!value) throw validation(field, 'must not be null');
  return value;
}

function requiredInteger(text: string | null, field: string): number {
  if (text === null || text === '') throw validation(field, 'must not be null');
  if (!/^-?\d+$/.test(text)) throw validation(field, `Failed to convert value '${text}' to int`);
  return Number(text);
}

function requiredTimestamp(query: URLSearchParams, field: string): number {
  const text = requiredText(query, field);
  const time = parseOffsetDateTime(text);
  // An unencoded "+03:00" arrives as " 03:00" and fails here, as it did against the real server.
  if (time === undefined) throw validation(field, `Text '${text}' could not be parsed`);
  return time;
}

function requestBody(text: string): Record<string, unknown> {
  const parsed = parseJsonBody(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validation('body', 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Jackson coerced numeric strings to numbers, so "2" is as good as 2. */
function numberOf(value: unknown): Big | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Big(String(value));
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return new Big(value.trim());
  return undefined;
}

function requiredLots(value: unknown): number {
  if (value === undefined || value === null) throw validation('lots', 'must not be null');
  const lots = numberOf(value);
  if (!lots || !lots.round(0).eq(lots)) throw validation('lots', 'must be an integer');
  if (lots.lt(1)) throw validation('lots', 'must be greater than or equal to 1');
  if (lots.gt(2_147_483_647)) throw validation('lots', 'must be less than or equal to 2147483647');
  return Number(lots.toFixed());
}

function requiredSide(value: unknown): OperationSide {
  if (value === undefined || value === null) throw validation('operation', 'must not be null');
  if (value !== 'Buy' && value !== 'Sell') throw validation('operation', 'must be one of [Buy, Sell]');
  return value;
}

function requiredPrice(value: unknown): Big {
  if (value === undefined || value === null) throw validation('price', 'must not be null');
  const price = numberOf(value);
  if (!price || price.lte(0)) throw validation('price', 'must be greater than 0');
  return price;
}

function requiredBalance(value: unknown): Big {
  if (value === undefined || value === null) throw validation('balance', 'must not be null');
  const balance = numberOf(value);
  if (!balance || balance.lt(0)) throw validation('balance', 'must be greater than or equal to 0');
  return balance;
}
