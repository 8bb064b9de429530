import { parseJsonBody, SimulatorServer, type Route, type SimulatorRequest, type SimulatorResponse } from '../common/server.js';
import { balanceBody, signalBody, tradeBody } from './bodies.js';
import { defaultPaths, routePattern, type InstaforexPaths } from './routing.js';
import { InstaforexSimulatorState, type InstaforexSwitches } from './state.js';
import type { IssuedToken, TokenKind } from './tokens.js';
import { aspNetError, json, parseTimeParameter, type TimestampFormat } from './wire.js';

export {
  instaforexSimulatorAccount,
  instaforexSimulatorPartner,
  instaforexSimulatorSecondAccount,
} from './data.js';
export type { InstaforexPaths } from './routing.js';

/**
 * The InstaForex Client Cabinet API (client-api.instaforex.com) as
 * ../shared/brokers/instaforex.md describes it: POST api/Authentication/<Method> with
 * `{Login, Password}` answers a passkey as a JSON string; every GET carries it in a `passkey`
 * header (quoted or not); `client/*` methods read one trading account, `partner/*` and
 * `clientmobile/*` use their own token kinds; ASP.NET Web API error bodies; case-insensitive
 * routes. Read-only: there is nothing to trade through. Paths and shapes the notes mark as
 * unconfirmed are options or run-time switches (`state.switches`).
 */

export interface InstaforexSimulatorOptions {
  /** Paths of the client methods, each with a `{login}` segment (defaults: `defaultPaths`). */
  paths?: Partial<InstaforexPaths>;
  /** Query parameter names of the closed-trades period (default `from` / `to`). */
  closedTradesQuery?: { from?: string; to?: string };
  /** How long a passkey stays valid (default 3600 s; the real lifetime is undocumented). */
  tokenLifetimeSeconds?: number;
  /** Bad credentials answer 401 (default) or 200 `null`. */
  badCredentials?: InstaforexSwitches['badCredentials'];
  /** Times in trade records: unix seconds (default) or Json.NET ISO. */
  timestampFormat?: TimestampFormat;
  /** Send some records' prices float32-widened, as real payloads do (default off). */
  float32Prices?: boolean;
  /** Status for a `client/*` path naming another login than the token's (default 401). */
  otherLoginStatus?: 401 | 403;
  now?: () => Date;
}

/** Request-counter names, for `server.requestCount(name)` and `injectFault({ route })`. */
export const instaforexRouteNames = {
  clientToken: 'POST RequestClientApiToken',
  partnerToken: 'POST RequestPartnerApiToken',
  mobileToken: 'POST RequestMoblieCabinetApiToken',
  balance: 'GET balance',
  openTrades: 'GET openTrades',
  closedTrades: 'GET closedTrades',
  checkReferral: 'GET checkReferral',
  analyticSignals: 'GET analyticSignals',
  unmatched: 'unmatched',
} as const;

export interface InstaforexSimulator {
  server: SimulatorServer;
  state: InstaforexSimulatorState;
  /** The paths in use (defaults merged with the options). */
  paths: InstaforexPaths;
  /** Base URL for a `broker: instaforex` connection: `http://127.0.0.1:<port>` (paths are appended). */
  readonly baseUrl: string;
}

type Authorized = { ok: true; token: IssuedToken } | { ok: false; response: SimulatorResponse };

export function createInstaforexSimulator(options: InstaforexSimulatorOptions = {}): InstaforexSimulator {
  const switches: InstaforexSwitches = {
    badCredentials: options.badCredentials ?? 'unauthorized',
    timestampFormat: options.timestampFormat ?? 'unix',
    float32Prices: options.float32Prices ?? false,
    otherLoginStatus: options.otherLoginStatus ?? 401,
  };
  const state = new InstaforexSimulatorState(switches, options.tokenLifetimeSeconds ?? 3600, options.now);
  const paths: InstaforexPaths = { ...defaultPaths, ...options.paths };
  const closedTradesQuery = { from: options.closedTradesQuery?.from ?? 'from', to: options.closedTradesQuery?.to ?? 'to' };
  const patterns = { balance: routePattern(paths.balance), openTrades: routePattern(paths.openTrades), closedTrades: routePattern(paths.closedTrades) };
  if (new Set(Object.values(patterns).map((pattern) => pattern.toLowerCase())).size !== 3) {
    throw new Error('InstaForex simulator paths must differ from each other');
  }

  const denied = (status: 401 | 403 = 401) => aspNetError(status, '');
  const invalid = () => aspNetError(400, '');

  function tokenRoute(method: string, kind: TokenKind): Route {
    return {
      method: 'POST',
      pattern: `/api/Authentication/${method}`,
      name: `POST ${method}`,
      handle(request) {
        const credentials = readCredentials(request.body);
        if (credentials && state.credentialsAllow(kind, credentials.login, credentials.password)) {
          return json(200, state.tokens.issue(kind, credentials.login).token);
        }
        return switches.badCredentials === 'null' ? json(200, null) : denied();
      },
    };
  }

  function authorize(request: SimulatorRequest, kind: TokenKind): Authorized {
    const header = request.headers['passkey'];
    const check = state.tokens.check(Array.isArray(header) ? header[0] : header, kind);
    return check.ok ? { ok: true, token: check.token } : { ok: false, response: denied() };
  }

  /** A `client/*` method: a client token whose login is the `{login}` in the path. */
  function clientRoute(name: keyof typeof patterns, answer: (login: number, request: SimulatorRequest) => SimulatorResponse): Route {
    return {
      method: 'GET',
      pattern: patterns[name],
      name: `GET ${name}`,
      handle(request) {
        const authorized = authorize(request, 'client');
        if (!authorized.ok) return authorized.response;
        // Web API binds `{login}` to an int after the authorization filter ran: a non-number is a 400.
        const login = parseLogin(request.params['login']);
        if (login === undefined) return invalid();
        if (login !== authorized.token.login) return denied(switches.otherLoginStatus);
        return answer(login, request);
      },
    };
  }

  const routes: Route[] = [
    tokenRoute('RequestClientApiToken', 'client'),
    tokenRoute('RequestPartnerApiToken', 'partner'),
    tokenRoute('RequestMoblieCabinetApiToken', 'mobile'),

    clientRoute('balance', (login) => {
      const information = state.balanceInformation(login);
      return information ? json(200, balanceBody(information)) : json(200, null);
    }),

    clientRoute('openTrades', (login) => json(200, state.openTradeRecords(login).map((record) => tradeBody(record, switches)))),

    clientRoute('closedTrades', (login, request) => {
      const fromText = queryValue(request.query, closedTradesQuery.from);
      const toText = queryValue(request.query, closedTradesQuery.to);
      const from = fromText === undefined ? Number.NEGATIVE_INFINITY : parseTimeParameter(fromText);
      const to = toText === undefined ? Number.POSITIVE_INFINITY : parseTimeParameter(toText);
      if (from === undefined || to === undefined) return invalid();
      return json(200, state.closedTradeRecords(login, from, to).map((record) => tradeBody(record, switches)));
    }),

    {
      method: 'GET',
      pattern: '/partner/CheckReferral/:partner/:client',
      name: instaforexRouteNames.checkReferral,
      handle(request) {
        const authorized = authorize(request, 'partner');
        if (!authorized.ok) return authorized.response;
        const partner = parseLogin(request.params['partner']);
        const client = parseLogin(request.params['client']);
        if (partner === undefined || client === undefined) return invalid();
        if (partner !== authorized.token.login) return denied(switches.otherLoginStatus);
        return json(200, state.isReferral(partner, client));
      },
    },

    {
      method: 'GET',
      pattern: '/clientmobile/GetAnalyticSignals/:login',
      name: instaforexRouteNames.analyticSignals,
      handle(request) {
        const authorized = authorize(request, 'mobile');
        if (!authorized.ok) return authorized.response;
        // Signals are the same for every login; the path login is only validated as a number.
        if (parseLogin(request.params['login']) === undefined) return invalid();
        const pairs = queryValue(request.query, 'pairs');
        const fromText = queryValue(request.query, 'from');
        const toText = queryValue(request.query, 'to');
        const systemText = queryValue(request.query, 'tradingsystem');
        if (!pairs || fromText === undefined || toText === undefined) return json(200, []);
        const from = parseTimeParameter(fromText);
        const to = parseTimeParameter(toText);
        const tradingSystem = systemText === undefined || systemText === '' ? undefined : Number(systemText);
        if (from === undefined || to === undefined || (tradingSystem !== undefined && !Number.isInteger(tradingSystem))) return invalid();
        const signals = state.signalsFor(pairs.split(','), from, to, tradingSystem);
        return json(200, signals.map((signal) => signalBody(signal, switches)));
      },
    },
  ];

  const server: SimulatorServer = new SimulatorServer({
    name: 'instaforex',
    caseInsensitivePaths: true,
    // Web API answers a known URI asked with the wrong verb with 405, and quotes the request URI in a 404.
    methodNotAllowed: true,
    errorResponse: (status, request): SimulatorResponse => aspNetError(status, `${server.url}${request.url}`, request.method),
    routes,
  });

  return {
    server,
    state,
    paths,
    get baseUrl() {
      return server.url;
    },
  };
}

/**
 * `{Login, Password}` as Json.NET binds it: keys in any case (the last one wins), Login an
 * integer or a string of digits, Password a string (a number is taken as its text).
 */
function readCredentials(body: string): { login: number; password: string } | undefined {
  const parsed = parseJsonBody(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  let login: number | undefined;
  let password: string | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (key.toLowerCase() === 'login') {
      login = typeof value === 'number' && Number.isInteger(value) ? value : typeof value === 'string' ? parseLogin(value) : undefined;
    } else if (key.toLowerCase() === 'password') {
      password = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    }
  }
  return login === undefined || password === undefined ? undefined : { login, password };
}

/** An MT4 login: a non-negative Int32 (what Web API can bind `{login}` to). */
function parseLogin(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const login = Number(text);
  return login <= 2_147_483_647 ? login : undefined;
}

/** Web API binds query parameters by name case-insensitively. */
function queryValue(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}
