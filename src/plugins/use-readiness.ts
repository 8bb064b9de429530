import type { Plugin } from 'graphql-yoga';
import type { ConnectionDirectory, ConnectionModel } from '../brokers/connection.js';
import type { Database } from '../storage/database.js';

export interface ReadinessOptions {
  database: Database;
  connections: ConnectionDirectory;
  /** False while shutting down: a load balancer should stop sending requests. */
  accepting: () => boolean;
  /** Configuration problems seen while serving (e.g. X-Forwarded-For without trustProxy); they do not make the gateway unready. */
  warnings?: () => readonly string[];
  /** Each connection's live data: its upstream stream's state (streams/hub.ts). */
  streams?: (connection: ConnectionModel) => unknown;
  /** Each connection's live accounts: streaming, or polling (with why: no stream, or the broker refused one). */
  accountStreams?: (connection: ConnectionModel) => unknown;
  endpoint?: string;
}

/**
 * GET /readyz: ready when the database is open and the gateway is not shutting down, with each
 * connection's last known state from its circuit breaker — no broker is called for a probe.
 * A failing broker does not make brokerql unready: the other brokers still answer. `stream` is
 * the connection's live data: idle, live, reconnecting (since `downSince`), polling, or not
 * supported. `accountStream` is its live accounts' (streams/accounts/): live over the broker's
 * account streams, or polling — with `pollingBecause` when the broker refused a stream.
 */
export function useReadiness({ database, connections, accepting, warnings = () => [], streams, accountStreams, endpoint = '/readyz' }: ReadinessOptions): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint) return;
      const ready = database.open && accepting();
      const body = {
        status: ready ? 'ready' : 'not ready',
        database: database.open ? 'open' : 'closed',
        shuttingDown: !accepting(),
        connections: connections.list.map((connection) => {
          const breaker = connection.policy.breaker.snapshot();
          const state = breaker.state === 'open' ? 'circuit open' : breaker.failingSince ? 'failing' : breaker.lastSuccessAt ? 'ok' : 'unknown';
          return {
            id: connection.id,
            broker: connection.broker,
            state,
            failingSince: breaker.failingSince,
            lastSuccessAt: breaker.lastSuccessAt,
            ...(streams ? { stream: streams(connection) } : {}),
            ...(accountStreams ? { accountStream: accountStreams(connection) } : {}),
          };
        }),
        warnings: warnings(),
      };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), { status: ready ? 200 : 503, headers: { 'content-type': 'application/json' } }),
      );
    },
  };
}
