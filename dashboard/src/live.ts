import { createClient, type Client } from 'graphql-ws';
import { graphqlPath, graphqlRequest } from './api.js';
import {
  lastPricesSubscription,
  orderEventsSubscription,
  portfolioSubscription,
  subscriptionFieldsQuery,
  type OrderEventData,
  type PortfolioData,
} from './queries.js';

/**
 * Live updates over one WebSocket (graphql-transport-ws, the token in connection_init): every
 * subscription of the page shares it. Server-Sent Events would need one HTTP connection per
 * subscription, and a browser opens at most six to one host over HTTP/1.1 — a few accounts'
 * subscriptions would starve the page's own queries.
 *
 * lastPrices exists on every brokerql with live data; portfolio and orderEvents (issue 16) are
 * used where the gateway's schema has them, found by introspection (none found — introspection
 * off, or an older gateway — means prices only).
 */

export interface LiveHandlers {
  price(instrumentId: string, price: string, asOf: string): void;
  portfolio(accountId: string, portfolio: PortfolioData): void;
  orderEvent(accountId: string, event: OrderEventData): void;
  /** A subscription ended with an error: what it was for and why, for the page to show. */
  problem(topic: LiveTopic, message: string): void;
  /** The socket is up (true) or down (false). */
  connection(up: boolean): void;
}

/** What a subscription follows: a connection's prices, or an account's portfolio or orders. */
export type LiveTopic = { kind: 'prices'; connection: string } | { kind: 'portfolio' | 'orders'; accountId: string };

export interface LiveTopics {
  /** Instrument ids held, by connection id. */
  instruments: Map<string, string[]>;
  accountIds: string[];
}

export async function subscriptionFields(token: string): Promise<Set<string>> {
  try {
    const answer = await graphqlRequest<{ __type: { fields: Array<{ name: string }> } | null }>(token, subscriptionFieldsQuery);
    return new Set(answer.data.__type?.fields.map((field) => field.name) ?? []);
  } catch {
    return new Set(['lastPrices']);
  }
}

/** Subscribes to everything the page shows live; returns a function that ends it all. */
export function startLive(token: string, topics: LiveTopics, available: Set<string>, handlers: LiveHandlers): () => void {
  const client: Client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${graphqlPath}`,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 5,
    // 4403: the token was refused; trying again will not change that.
    shouldRetry: (event) => !(typeof event === 'object' && event !== null && 'code' in event && (event as { code: number }).code === 4403),
    on: { connected: () => handlers.connection(true), closed: () => handlers.connection(false) },
  });
  const disposers: Array<() => void> = [];
  const subscribe = <Data>(topic: LiveTopic, query: string, variables: Record<string, unknown>, next: (data: Data) => void) => {
    disposers.push(
      client.subscribe<Data>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) handlers.problem(topic, result.errors[0]!.message);
            if (result.data) next(result.data as Data);
          },
          error: (error) => handlers.problem(topic, describe(error)),
          complete: () => undefined,
        },
      ),
    );
  };

  for (const [connection, instruments] of topics.instruments) {
    if (instruments.length === 0) continue;
    subscribe<{ lastPrices: { instrument: { id: string }; price: string; asOf: string } }>(
      { kind: 'prices', connection },
      lastPricesSubscription,
      { connection, instruments: instruments.map((id) => ({ id })) },
      ({ lastPrices }) => handlers.price(lastPrices.instrument.id, lastPrices.price, lastPrices.asOf),
    );
  }
  // One portfolio and one orderEvents subscription per account, whatever the page shows: brokerql
  // shares its upstream streams between clients, but each subscription is a slot of the socket's
  // budget (streams.maxSubscriptionsPerSocket) and, where a broker has no stream, a poll.
  for (const accountId of topics.accountIds) {
    if (available.has('portfolio')) {
      subscribe<{ portfolio: PortfolioData }>({ kind: 'portfolio', accountId }, portfolioSubscription, { accountId }, ({ portfolio }) => handlers.portfolio(accountId, portfolio));
    }
    if (available.has('orderEvents')) {
      subscribe<{ orderEvents: OrderEventData }>({ kind: 'orders', accountId }, orderEventsSubscription, { accountId }, ({ orderEvents }) => handlers.orderEvent(accountId, orderEvents));
    }
  }
  return () => {
    for (const dispose of disposers) dispose();
    void client.dispose();
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return String((error[0] as { message?: unknown } | undefined)?.message ?? 'the subscription failed');
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const close = error as { code: number; reason?: string };
    return close.code === 4403 ? 'brokerql refused the token' : `the connection closed (${close.code}${close.reason ? `: ${close.reason}` : ''})`;
  }
  return 'the subscription failed';
}
