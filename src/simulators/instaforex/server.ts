import { instaforexLimits } from '../../brokers/instaforex/limits.js';
import type { SimulatorRequest, SimulatorResponse } from '../common/http.js';
import { SimulatedLimits } from '../common/limits.js';
import { routeTable, type RouteCall } from '../common/routes.js';
import { SimulatorServer } from '../common/server.js';
import { credentialsAllow, type IssuedToken, type TokenKind } from './auth.js';
import { balanceBody, signalBody, tradeBody } from './bodies.js';
import { aspNetError, InstaforexRefusal } from './errors.js';
import { defaultPaths, routePattern, type InstaforexPaths } from './paths.js';
import { parseLogin, parseTimeParameter, queryValue, readCredentials } from './requests.js';
import { InstaforexSimulatorState, type InstaforexSwitches } from './state.js';
import { json, type TimestampFormat } from './wire.js';

export {
  instaforexSimulatorAccount,
  instaforexSimulatorPartner,
  instaforexSimulatorSecondAccount,
} from './data.js';
export type { InstaforexPaths } from './paths.js';

/**
 * The InstaForex Client Cabinet API (client-api.instaforex.com) as
 * ../shared/brokers/instaforex.md describes it: POST api/Authentication/<Method> with
 * `{Login, Password}` answers a passkey as a JSON string; every GET carries it in a `passkey`
 * header (quoted or not); `client/*` methods read one trading account, `partner/*` and
 * `clientmobile/*` use their own token kinds; ASP.NET Web API error bodies; case-insensitive
 * routes. Read-only: there is nothing to trade through. InstaForex enforces no documented
 * request limit (src/brokers/instaforex/limits.ts). Paths and shapes the notes mark as
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
  /** Enforce the broker's request limits; InstaForex enforces none, so this changes nothing. */
  rateLimits?: boolean;
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

export function createInstaforexSimulator(options: InstaforexSimulatorOptions = {}): InstaforexSimulator {
  const switches: InstaforexSwitches = {
    badCredentials: options.badCredentials ?? 'unauthorized',
    timestampFormat: options.timestampFormat ?? 'unix',
    float32Prices: options.float32Prices ?? false,
    otherLoginStatus: options.otherLoginStatus ?? 401,
  };
  const now = options.now ?? (() => new Date());
  const state = new InstaforexSimulatorState(switches, options.tokenLifetimeSeconds ?? 3600, now);
  const paths: InstaforexPaths = { ...defaultPaths, ...options.paths };
  const closedTradesQuery = { from: options.closedTradesQuery?.from ?? 'from', to: options.closedTradesQuery?.to ?? 'to' };
  const patterns = { balance: routePattern(paths.balance), openTrades: routePattern(paths.openTrades), closedTrades: routePattern(paths.closedTrades) };
  if (new Set(Object.values(patterns).map((pattern) => pattern.toLowerCase())).size !== 3) {
    throw new Error('InstaForex simulator paths must differ from each other');
  }

  const route = routeTable<IssuedToken, TokenKind>({
    authenticate: (request, kind) => state.tokens.authenticate(request, kind),
    limits: new SimulatedLimits({ table: instaforexLimits, enforce: options.rateLimits ?? true, now: () => now().getTime() }),
    limitKey: (token) => String(token.login),
    success: (value) => json(200, value),
  });

  /** POST api/Authentication/<method> with `{Login, Password}`: a passkey of this kind, as a JSON string. */
  const tokenRoute = (method: string, kind: TokenKind) =>
    route({
      method: 'POST',
      path: `/api/Authentication/${method}`,
      name: `POST ${method}`,
      auth: false,
      body: readCredentials,
      handle({ body: credentials }) {
        if (credentials && credentialsAllow(state, kind, credentials)) return state.tokens.issue(kind, credentials.login).token;
        if (switches.badCredentials === 'null') return null;
        throw new InstaforexRefusal(401);
      },
    });

  /** A `client/*` method: a client token whose login is the `{login}` in the path. */
  const clientRoute = (name: keyof typeof patterns, answer: (login: number, request: SimulatorRequest) => unknown) =>
    route({
      method: 'GET',
      path: patterns[name],
      name: `GET ${name}`,
      auth: 'client',
      handle: ({ request, caller }) => answer(pathLogin(request.params['login'], caller), request),
    });

  /** Web API binds `{login}` to an int after the authorization filter ran: a non-number is a 400; another login than the token's is refused. */
  function pathLogin(text: string | undefined, token: IssuedToken): number {
    const login = parseLogin(text);
    if (login === undefined) throw new InstaforexRefusal(400);
    if (login !== token.login) throw new InstaforexRefusal(switches.otherLoginStatus);
    return login;
  }

  const routes = [
    tokenRoute('RequestClientApiToken', 'client'),
    tokenRoute('RequestPartnerApiToken', 'partner'),
    tokenRoute('RequestMoblieCabinetApiToken', 'mobile'),

    clientRoute('balance', (login) => {
      const information = state.balanceInformation(login);
      return information ? balanceBody(information) : null;
    }),
    clientRoute('openTrades', (login) => state.openTradeRecords(login).map((record) => tradeBody(record, switches))),
    clientRoute('closedTrades', (login, request) => {
      const from = timeParameter(request.query, closedTradesQuery.from, Number.NEGATIVE_INFINITY);
      const to = timeParameter(request.query, closedTradesQuery.to, Number.POSITIVE_INFINITY);
      return state.readClosedTrades(login, from, to).map((record) => tradeBody(record, switches));
    }),

    route({
      method: 'GET',
      path: '/partner/CheckReferral/:partner/:client',
      name: instaforexRouteNames.checkReferral,
      auth: 'partner',
      handle({ request, caller }) {
        const partner = parseLogin(request.params['partner']);
        const client = parseLogin(request.params['client']);
        if (partner === undefined || client === undefined) throw new InstaforexRefusal(400);
        if (partner !== caller.login) throw new InstaforexRefusal(switches.otherLoginStatus);
        return state.isReferral(partner, client);
      },
    }),
    route({ method: 'GET', path: '/clientmobile/GetAnalyticSignals/:login', name: instaforexRouteNames.analyticSignals, auth: 'mobile', handle: analyticSignals }),
  ];

  /** Signals are the same for every login; the path login is only validated as a number. */
  function analyticSignals({ request }: RouteCall<IssuedToken, undefined>): unknown {
    if (parseLogin(request.params['login']) === undefined) throw new InstaforexRefusal(400);
    const pairs = queryValue(request.query, 'pairs');
    const fromText = queryValue(request.query, 'from');
    const toText = queryValue(request.query, 'to');
    const systemText = queryValue(request.query, 'tradingsystem');
    if (!pairs || fromText === undefined || toText === undefined) return [];
    const from = parseTimeParameter(fromText);
    const to = parseTimeParameter(toText);
    const tradingSystem = systemText === undefined || systemText === '' ? undefined : Number(systemText);
    if (from === undefined || to === undefined || (tradingSystem !== undefined && !Number.isInteger(tradingSystem))) throw new InstaforexRefusal(400);
    return state.signalsFor(pairs.split(','), from, to, tradingSystem).map((signal) => signalBody(signal, switches));
  }

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

/** A `from`/`to` query value (unix seconds or ISO), `absent` when left out; unreadable is a 400. */
function timeParameter(query: URLSearchParams, name: string, absent: number): number {
  const text = queryValue(query, name);
  if (text === undefined) return absent;
  const time = parseTimeParameter(text);
  if (time === undefined) throw new InstaforexRefusal(400);
  return time;
}
