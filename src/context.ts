import { setMaxListeners } from 'node:events';
import type { GraphQLResolveInfo } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { responsePathAsArray } from 'graphql';
import { clientAddress } from './auth/client-address.js';
import type { ViewerModel } from './auth/viewer.js';
import type { ConnectionDirectory } from './brokers/connection.js';
import { nextMoment } from './brokers/single-flight.js';
import type { HistoryServices } from './history-services.js';
import { createLoaders, type LoaderFactory, type Loaders } from './loaders.js';
import { enterRequestScope, type RequestScope } from './request-scope.js';
import type { AccountModel } from './resolvers/models.js';
import type { StreamHub } from './streams/hub.js';
import type { TradingServices } from './trading/services.js';

export interface PartialError {
  error: Error;
  path: ReadonlyArray<string | number>;
}

/**
 * Errors that belong in the response without nulling a field: `accounts` answers with the
 * connections that worked and one error per connection that failed. `usePartialErrors` adds
 * these to the result's errors.
 */
export class PartialErrors {
  readonly items: PartialError[] = [];

  add(error: Error, info: GraphQLResolveInfo): void {
    this.items.push({ error, path: responsePathAsArray(info.path) });
  }
}

/**
 * What brokerql adds to a request: everything the resolvers, trading and the v1 compat route
 * work with. Yoga's own fields (request, params) are not part of it, so a route outside GraphQL
 * builds one without pretending to be a GraphQL request.
 */
export interface RequestContext {
  connections: ConnectionDirectory;
  /** Who is asking; set by the bearer-token plugin before any resolver runs. */
  viewer: ViewerModel;
  loaders: Loaders;
  partialErrors: PartialErrors;
  /** Aborted when the client goes away: upstream calls made for this request stop too. */
  signal: AbortSignal;
  trading: TradingServices;
  /** The operations journal and the candle store (issue 18). */
  history: HistoryServices;
  /** This request's deadline and broker-call tally (also reachable through AsyncLocalStorage). */
  scope: RequestScope;
  /** The client's address (auth/client-address.ts, honouring trustProxy): a token policy's allowFrom reads it. */
  clientAddress: string;
  /** Live subscriptions (streams/hub.ts). */
  streams: StreamHub;
  /** The server's limit on one request's time (server.requestTimeoutMs): a subscription gives each of its events as long. */
  requestTimeoutMilliseconds: number;
  /** New loaders under another signal: a subscription answers each event like a request of its own. */
  loadersFor(signal: AbortSignal): Loaders;
}

/** The GraphQL context: yoga's own plus brokerql's. */
export interface GatewayContext extends YogaInitialContext, RequestContext {}

/** What the context factory adds to yoga's own context (request, params); `viewer` comes from the bearer-token plugin. */
export type ContextAdditions = Omit<RequestContext, 'viewer'>;

export interface ContextFactoryOptions {
  connections: ConnectionDirectory;
  trading: TradingServices;
  history: HistoryServices;
  streams: StreamHub;
  requestTimeoutMilliseconds: number;
  /** server.limits.maxBrokerCallsPerRequest; unlimited when absent. */
  maxBrokerCallsPerRequest?: number | undefined;
  /** Builds each request's loaders; `createLoaders` unless set (the benchmark sets its baseline here). */
  loaders?: LoaderFactory | undefined;
  /** server.trustProxy: the client address is the last X-Forwarded-For entry. */
  trustProxy?: boolean | undefined;
}

/** `initial` is yoga's initial context, which carries the server's own (Node: `req`, for the peer address). */
export type ContextFactory = (initial: { request: Request }) => ContextAdditions;

export function createContextFactory({
  connections,
  trading,
  history,
  streams,
  requestTimeoutMilliseconds,
  maxBrokerCallsPerRequest,
  loaders = createLoaders,
  trustProxy = false,
}: ContextFactoryOptions): ContextFactory {
  return (initial) => {
    const scope: RequestScope = {
      deadline: Date.now() + requestTimeoutMilliseconds,
      brokerCalls: 0,
      arrivedAt: nextMoment(),
      maxBrokerCalls: maxBrokerCallsPerRequest,
    };
    // Everything this request does from here on (resolvers, DataLoader batches, broker calls)
    // runs inside this scope, so the transport knows the deadline without being told.
    enterRequestScope(scope);
    const signal = AbortSignal.any([initial.request.signal, AbortSignal.timeout(requestTimeoutMilliseconds)]);
    // Every broker call of the request listens to this signal while it waits; a wide query has
    // many at once, which is not the leak Node's default warning (at 10) is about.
    setMaxListeners(1_000, signal);
    const livePortfolio = (account: AccountModel) => streams.livePortfolio(account.connection, account.brokerAccountId);
    return {
      connections,
      loaders: loaders({ signal, livePortfolio }),
      partialErrors: new PartialErrors(),
      signal,
      trading,
      history,
      scope,
      clientAddress: clientAddress(initial.request, initial, trustProxy),
      streams,
      requestTimeoutMilliseconds,
      loadersFor: (eventSignal) => loaders({ signal: eventSignal, livePortfolio }),
    };
  };
}
