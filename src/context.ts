import { setMaxListeners } from 'node:events';
import type { GraphQLResolveInfo } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { responsePathAsArray } from 'graphql';
import { nextMoment } from './brokers/single-flight.js';
import { createLoaders, type Loaders } from './loaders.js';
import { enterRequestScope, type RequestScope } from './request-scope.js';
import type { Trading } from './trading/orders.js';
import type { ConnectionModel, ViewerModel } from './models.js';

/** The configured connections, by id. Built once per gateway, shared by every request. */
export class ConnectionDirectory {
  private readonly byId: Map<string, ConnectionModel>;

  constructor(readonly list: readonly ConnectionModel[]) {
    this.byId = new Map(list.map((connection) => [connection.id, connection]));
  }

  get(id: string): ConnectionModel | undefined {
    return this.byId.get(id);
  }
}

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

export interface GatewayContext extends YogaInitialContext {
  connections: ConnectionDirectory;
  /** Who is asking; set by the bearer-token plugin before any resolver runs. */
  viewer: ViewerModel;
  loaders: Loaders;
  partialErrors: PartialErrors;
  /** Aborted when the client goes away: upstream calls made for this request stop too. */
  signal: AbortSignal;
  trading: Trading;
  /** This request's deadline and broker-call tally (also reachable through AsyncLocalStorage). */
  scope: RequestScope;
  /** Benchmark comparison mode: no batching, no caches, every instrument fetched where it appears. */
  naive: boolean;
}

export interface ContextFactoryOptions {
  connections: ConnectionDirectory;
  trading: Trading;
  requestTimeoutMilliseconds: number;
  /** server.limits.maxBrokerCallsPerRequest; unlimited when absent. */
  maxBrokerCallsPerRequest?: number | undefined;
  /** No batching, de-duplication or caches (benchmark comparison only). */
  naive?: boolean | undefined;
}

/** What brokerql adds to yoga's own context (request, params); `viewer` comes from the bearer-token plugin. */
export type ContextAdditions = Omit<GatewayContext, keyof YogaInitialContext>;

export function createContextFactory({ connections, trading, requestTimeoutMilliseconds, maxBrokerCallsPerRequest, naive }: ContextFactoryOptions) {
  return (initial: YogaInitialContext): Omit<ContextAdditions, 'viewer'> => {
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
    return {
      connections,
      loaders: createLoaders({ signal, naive }),
      partialErrors: new PartialErrors(),
      signal,
      trading,
      scope,
      naive: naive ?? false,
    };
  };
}
