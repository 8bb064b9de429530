import { Counter, Gauge, type Registry } from 'prom-client';
import type { FeedStatus, LiveTopicKind } from './feed.js';

/**
 * The live-data metrics, in the gateway's registry (README, "Live data"). Gauges are read from
 * the hub when Prometheus scrapes; counters are counted as things happen.
 */

export interface StreamSnapshot {
  /** Per feed: a connection's market feed (named by the connection), or its live accounts ("<connection> accounts"). */
  connections: Array<{ connection: string; status: FeedStatus; clients: number }>;
  /** Events waiting in client mailboxes, all clients together. */
  bufferedEvents: number;
}

export class StreamMetrics {
  readonly eventsReceived: Counter<'connection' | 'kind'>;
  readonly eventsDelivered: Counter<'connection' | 'kind'>;
  readonly conflatedEvents: Counter<'connection' | 'kind'>;
  readonly reconnects: Counter<'connection'>;

  constructor(registry: Registry, snapshot: () => StreamSnapshot) {
    const registers = [registry];
    const fromSnapshot = <Labels extends string>(
      name: string,
      help: string,
      labelNames: readonly Labels[],
      fill: (gauge: Gauge<Labels>, current: StreamSnapshot) => void,
    ) =>
      new Gauge<Labels>({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill(this, snapshot());
        },
      });

    fromSnapshot('brokerql_stream_upstream_sockets', 'Upstream stream sockets open, per connection (0 for a polled broker).', ['connection'], (gauge, current) => {
      for (const { connection, status } of current.connections) gauge.set({ connection }, status.sockets);
    });
    fromSnapshot('brokerql_stream_upstream_subscriptions', 'Upstream subscriptions, per connection and kind (one per instrument and kind, however many clients share it).', ['connection', 'kind'], (gauge, current) => {
      for (const { connection, status } of current.connections) {
        for (const [kind, count] of Object.entries(status.subscriptions)) gauge.set({ connection, kind }, count);
      }
    });
    fromSnapshot(
      'brokerql_stream_polling',
      'Feeds answered by polling rather than a stream, per feed (1: the broker has no stream, or refused one — T-Invest 80001 for account streams).',
      ['connection'],
      (gauge, current) => {
        for (const { connection, status } of current.connections) gauge.set({ connection }, status.transport === 'polling' ? 1 : 0);
      },
    );
    fromSnapshot('brokerql_stream_clients', 'Client subscriptions open, per connection.', ['connection'], (gauge, current) => {
      for (const { connection, clients } of current.connections) gauge.set({ connection }, clients);
    });
    fromSnapshot('brokerql_stream_client_buffered_events', 'Events waiting for slow clients to read them, all clients together (bounded: market data is conflated).', [], (gauge, current) => {
      gauge.set(current.bufferedEvents);
    });

    this.eventsReceived = new Counter({ name: 'brokerql_stream_events_received_total', help: 'Events received from upstream streams and polls.', labelNames: ['connection', 'kind'], registers });
    this.eventsDelivered = new Counter({ name: 'brokerql_stream_events_delivered_total', help: 'Events delivered to clients.', labelNames: ['connection', 'kind'], registers });
    this.conflatedEvents = new Counter({
      name: 'brokerql_stream_conflated_events_total',
      help: 'Events replaced by a newer one before a slow client read them.',
      labelNames: ['connection', 'kind'],
      registers,
    });
    this.reconnects = new Counter({ name: 'brokerql_stream_reconnects_total', help: 'Upstream streams lost and reconnecting (or polls failing again).', labelNames: ['connection'], registers });
  }

  /** Counters of one connection and kind, resolved once per subscription rather than per event. */
  forTopic(connection: string, kind: LiveTopicKind): { delivered: Counter.Internal; conflated: Counter.Internal } {
    return { delivered: this.eventsDelivered.labels({ connection, kind }), conflated: this.conflatedEvents.labels({ connection, kind }) };
  }
}
