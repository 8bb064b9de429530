import type { Registry } from 'prom-client';
import type { TokenStore } from '../auth/tokens.js';
import { notSupported } from '../brokers/capabilities.js';
import type { ConnectionDirectory, ConnectionModel } from '../brokers/connection.js';
import type { Order, Portfolio } from '../domain.js';
import { RateLimitedError, UpstreamUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { outsideRequestScope } from '../request-scope.js';
import { Channel, type Attachment } from './channel.js';
import { ClientSubscription, ConflatingMailbox, type Mailbox } from './client-subscription.js';
import { isAccountTopicKind, type FeedObserver, type FeedStatus, type LiveFeed, type LiveTopic, type LiveTopicKind, type StreamFeed, type TopicEvent } from './feed.js';
import { AccountFeed } from './accounts/account-feed.js';
import { StreamMetrics, type StreamSnapshot } from './metrics.js';
import type { StreamsConfig } from './settings.js';
import { TokenWatch } from './token-watch.js';

/**
 * The stream hub: every live subscription of the gateway goes through it. It keeps one feed per
 * connection (built by the connection's adapter, on first use), one channel per upstream topic
 * (channel.ts: one upstream subscription, however many clients), and the clients' own
 * subscriptions (client-subscription.ts: a bounded mailbox each). It checks what can be checked
 * before anything is subscribed upstream — the broker streams this kind, the broker's limits
 * leave room — and ends subscriptions whose token is revoked or expired (token-watch.ts).
 */

export interface StreamHubOptions {
  connections: ConnectionDirectory;
  settings: StreamsConfig;
  tokens: Pick<TokenStore, 'find'>;
  registry: Registry;
  logger: Logger;
  /** `cache.liveAccounts`: portfolio queries answered from live account streams. */
  liveAccounts?: boolean | undefined;
}

/** One topic of a client's subscription, with the depth this client wants (order books). */
export interface ClientTopic {
  topic: LiveTopic;
  depth?: number | undefined;
}

export interface OpenRequest<Value> {
  connection: ConnectionModel;
  topics: ClientTopic[];
  tokenId: string;
  signal: AbortSignal;
  present: (event: TopicEvent) => Value;
  beginEvent: () => void;
  /**
   * Where events wait for a client that reads slower than they come. Default: the newest per
   * topic (market data). Events that must each arrive (order states) take a queue that fails the
   * subscription when it overflows instead.
   */
  mailbox?: Mailbox | undefined;
}

/** What /readyz shows of one connection's live data. */
export type ConnectionStreamStatus = FeedStatus | { state: 'not supported' } | { state: 'idle' };

const kindNames: Record<LiveTopicKind, string> = { orderbook: 'live order books', lastPrice: 'live last prices', portfolio: 'live portfolios', orderEvents: 'order events' };

export class StreamHub {
  readonly metrics: StreamMetrics;
  private readonly feeds = new Map<string, StreamFeed | null>();
  private readonly accountFeeds = new Map<string, AccountFeed>();
  private readonly channels = new Map<string, Channel>();
  private readonly clients = new Map<ClientSubscription<unknown>, string>();
  private readonly tokenWatch: TokenWatch;
  private closed = false;

  constructor(private readonly options: StreamHubOptions) {
    this.metrics = new StreamMetrics(options.registry, () => this.snapshot());
    this.tokenWatch = new TokenWatch(options.tokens, options.settings.tokenCheckMs);
  }

  /** NOT_SUPPORTED, before anything is asked of the broker, when the connection cannot stream `kind`. */
  requireKind(connection: ConnectionModel, kind: LiveTopicKind): void {
    const feed = this.liveFeedOf(connection, kind);
    if (!feed || !feed.kinds.has(kind)) throw notSupported(connection, kindNames[kind]);
  }

  /**
   * Opens a client's subscription on `topics`, sharing the upstream subscriptions that exist and
   * making the missing ones. RATE_LIMITED, with nothing subscribed, when the broker's limits
   * leave no room for the missing ones.
   */
  open<Value>(request: OpenRequest<Value>): ClientSubscription<Value> {
    const { connection } = request;
    const feed = this.liveFeedOf(connection, request.topics[0]?.topic.kind ?? 'orderbook');
    for (const { topic } of request.topics) if (!feed || !feed.kinds.has(topic.kind)) throw notSupported(connection, kindNames[topic.kind]);
    if (this.closed) throw new UpstreamUnavailableError('brokerql is shutting down; subscribe again in a moment', { retryable: true });
    const missing = request.topics.filter(({ topic }) => !this.channels.has(channelKey(connection, topic.key))).length;
    if (missing > feed!.room()) {
      const why = `brokerql's share of ${connection.definition.label}'s stream limits, or streams.maxUpstreamSubscriptions, is used up`;
      throw new RateLimitedError(`connection "${connection.id}" has no room for ${missing} more live subscription(s): ${why}; end some first`, {
        connection: connection.id,
        retryable: true,
        mayHaveReachedBroker: false,
      });
    }
    const attachments: Array<{ channel: Channel; attachment: Attachment }> = [];
    const counters = this.metrics.forTopic(connection.id, request.topics[0]?.topic.kind ?? 'orderbook');
    let stopWatching = () => undefined as void;
    const subscription: ClientSubscription<Value> = new ClientSubscription<Value>({
      mailbox: request.mailbox ?? new ConflatingMailbox(),
      present: request.present,
      beginEvent: request.beginEvent,
      signal: request.signal,
      onEnd: () =>
        outsideRequestScope(() => {
          stopWatching();
          this.clients.delete(subscription as ClientSubscription<unknown>);
          for (const { channel, attachment } of attachments) channel.detach(attachment);
        }),
      onDelivered: () => counters.delivered.inc(),
      onConflated: () => counters.conflated.inc(),
    });
    // Upstream work is everyone's: it must not carry this request's deadline or broker-call budget.
    outsideRequestScope(() => {
      try {
        for (const { topic, depth } of request.topics) {
          const channel = this.channelFor(connection, feed!, topic);
          const attachment: Attachment = { subscription: subscription as ClientSubscription<unknown>, slot: topic.key, depth };
          attachments.push({ channel, attachment });
          channel.attach(attachment);
        }
      } catch (error) {
        void subscription.return();
        throw error;
      }
    });
    if (!subscription.ended) {
      // Counted per feed: a connection's market data, or its live accounts.
      const kind = request.topics[0]?.topic.kind ?? 'orderbook';
      this.clients.set(subscription as ClientSubscription<unknown>, isAccountTopicKind(kind) ? accountFeedName(connection.id) : connection.id);
      stopWatching = this.tokenWatch.add(request.tokenId, subscription);
    }
    return subscription;
  }

  status(connection: ConnectionModel): ConnectionStreamStatus {
    const feed = this.feeds.get(connection.id);
    if (feed) return feed.status();
    return connection.adapter.createStreamFeed ? { state: 'idle' } : { state: 'not supported' };
  }

  /** What /readyz shows of one connection's live accounts: streaming, or polling (no stream, or the broker refused one). */
  accountStatus(connection: ConnectionModel): ConnectionStreamStatus {
    return this.accountFeeds.get(connection.id)?.status() ?? { state: 'idle' };
  }

  /**
   * The account's portfolio from its live stream, when `cache.liveAccounts` is on, the stream is
   * live and its state was checked against a REST read recently; undefined otherwise (the caller
   * asks the broker). Asking keeps the account's streams open for a while (AccountFeed says how long).
   */
  livePortfolio(connection: ConnectionModel, brokerAccountId: string): Portfolio | undefined {
    if (!this.options.liveAccounts || this.closed) return undefined;
    return this.accountFeedOf(connection).livePortfolio(brokerAccountId);
  }

  /** The order brokerql itself just placed, so the account's order events follow it even if the broker's stream never mentions it. */
  orderPlaced(connection: ConnectionModel, brokerAccountId: string, order: Order): void {
    this.accountFeeds.get(connection.id)?.orderPlaced(brokerAccountId, order);
  }

  /** Events waiting in each client's mailbox (what a slow client holds of the gateway's memory). */
  clientBuffers(): number[] {
    return [...this.clients.keys()].map((client) => client.pending);
  }

  /** Re-reads every watched token now (the periodic check does this every `tokenCheckMs`). */
  checkTokens(): void {
    this.tokenWatch.check();
  }

  /** Ends every client subscription (they complete) and every upstream stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tokenWatch.close();
    for (const client of [...this.clients.keys()]) void client.return();
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    for (const feed of this.feeds.values()) feed?.close();
    this.feeds.clear();
    for (const feed of this.accountFeeds.values()) feed.close();
    this.accountFeeds.clear();
  }

  private snapshot(): StreamSnapshot {
    const clientsPerConnection = new Map<string, number>();
    for (const connection of this.clients.values()) clientsPerConnection.set(connection, (clientsPerConnection.get(connection) ?? 0) + 1);
    const connections = [...this.feeds].flatMap(([connection, feed]) => (feed ? [{ connection, status: feed.status(), clients: clientsPerConnection.get(connection) ?? 0 }] : []));
    for (const [connection, feed] of this.accountFeeds) {
      const name = accountFeedName(connection);
      connections.push({ connection: name, status: feed.status(), clients: clientsPerConnection.get(name) ?? 0 });
    }
    return { connections, bufferedEvents: this.clientBuffers().reduce((sum, pending) => sum + pending, 0) };
  }

  private liveFeedOf(connection: ConnectionModel, kind: LiveTopicKind): LiveFeed | null {
    return isAccountTopicKind(kind) ? this.accountFeedOf(connection) : this.feedOf(connection);
  }

  /** Every connection has one: its broker's account streams where it has them, polling otherwise. */
  private accountFeedOf(connection: ConnectionModel): AccountFeed {
    let feed = this.accountFeeds.get(connection.id);
    if (!feed) {
      feed = outsideRequestScope(() => new AccountFeed(connection, { settings: this.options.settings, observer: this.observerFor(connection), logger: this.options.logger }));
      this.accountFeeds.set(connection.id, feed);
    }
    return feed;
  }

  private feedOf(connection: ConnectionModel): StreamFeed | null {
    if (this.feeds.has(connection.id)) return this.feeds.get(connection.id)!;
    const { settings } = this.options;
    const feed = outsideRequestScope(() => connection.adapter.createStreamFeed?.({ settings, observer: this.observerFor(connection) })) ?? null;
    this.feeds.set(connection.id, feed);
    return feed;
  }

  /** What a connection's feeds tell the gateway: metrics, and log lines (rate-limited where a broker could flood them). */
  private observerFor(connection: ConnectionModel): FeedObserver {
    let unreadableLoggedAt: number | undefined;
    return {
      eventReceived: (kind) => this.metrics.eventsReceived.inc({ connection: connection.id, kind }),
      reconnecting: (reason) => {
        this.metrics.reconnects.inc({ connection: connection.id });
        this.options.logger.warn({ connection: connection.id, reason }, 'upstream stream lost; reconnecting');
      },
      unreadable: (error) => {
        // Once a minute per connection at most: a broker that changed its format would fill the log.
        const now = Date.now();
        if (now - (unreadableLoggedAt ?? 0) < 60_000) return;
        unreadableLoggedAt = now;
        this.options.logger.warn({ connection: connection.id, error: error instanceof Error ? error.message : String(error) }, 'an upstream stream message could not be read; skipped');
      },
    };
  }

  private channelFor(connection: ConnectionModel, feed: LiveFeed, topic: LiveTopic): Channel {
    const key = channelKey(connection, topic.key);
    const existing = this.channels.get(key);
    if (existing) return existing;
    const channel = new Channel(topic, feed, { graceMs: this.options.settings.graceMs, ended: (ended) => this.channels.get(key) === ended && this.channels.delete(key) });
    channel.open();
    this.channels.set(key, channel);
    return channel;
  }
}

/** How metrics name a connection's live accounts beside its market data. */
function accountFeedName(connectionId: string): string {
  return `${connectionId} accounts`;
}

function channelKey(connection: ConnectionModel, topicKey: string): string {
  return `${connection.id} ${topicKey}`;
}
