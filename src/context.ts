import type { GraphQLResolveInfo } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import { responsePathAsArray } from 'graphql';
import { createLoaders, type Loaders } from './loaders.js';
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
}

export interface ContextFactoryOptions {
  connections: ConnectionDirectory;
  trading: Trading;
}

/** What brokerql adds to yoga's own context (request, params); `viewer` comes from the bearer-token plugin. */
export type ContextAdditions = Omit<GatewayContext, keyof YogaInitialContext>;

export function createContextFactory({ connections, trading }: ContextFactoryOptions) {
  return (initial: YogaInitialContext): Omit<ContextAdditions, 'viewer'> => {
    const signal = initial.request.signal;
    return {
      connections,
      loaders: createLoaders(signal),
      partialErrors: new PartialErrors(),
      signal,
      trading,
    };
  };
}
