import type { ConnectionModel } from '../../brokers/connection.js';
import type { InstrumentHint, Order, Portfolio } from '../../domain.js';
import { BrokerqlError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { outsideRequestScope } from '../../request-scope.js';
import type { AccountTopicKind, FeedObserver, FeedSink, FeedStatus, LiveFeed, LiveTopic, LiveTopicKind } from '../feed.js';
import type { StreamsConfig } from '../settings.js';
import type { AccountStreams } from './account-streams.js';
import { AccountWatch } from './account-watch.js';

/**
 * A connection's live accounts, as the hub sees them: a feed of `portfolio` and `orderEvents`
 * topics (one per account, shared by every client through the hub's channels). Upstream it
 * holds, for the whole connection, the broker's account streams where the adapter has them
 * (`createAccountStreams`: one stream of each kind, covering every account) — opened when the
 * first account is followed, closed when none is — and polls where it has none or the broker
 * refused one (T-Invest 80001: the user's slots are taken by other tools). /readyz and the
 * metrics show which (`transport`).
 */

export interface AccountFeedOptions {
  settings: StreamsConfig;
  observer?: FeedObserver | undefined;
  logger: Logger;
}

type Upstream = { kind: 'none' } | { kind: 'opening' } | { kind: 'streams'; streams: AccountStreams } | { kind: 'polling'; why: string; retryAt: number };

/**
 * After a refusal, the streams are asked for again this much later: T-Invest updates its count of
 * a user's open streams every two minutes (limits.md), so a slot freed by another tool — or by
 * brokerql's own stream closed a moment before — shows by then. A refused credential is not asked again.
 */
const retryStreamsAfterMilliseconds = 120_000;

export class AccountFeed implements LiveFeed {
  readonly kinds: ReadonlySet<LiveTopicKind> = new Set<LiveTopicKind>(['portfolio', 'orderEvents']);
  private readonly watches = new Map<string, AccountWatch>();
  private upstream: Upstream = { kind: 'none' };
  /** Streams lost or given up (polling since), for the status. */
  private interruptions = 0;
  private closed = false;
  private readonly instrumentHints = new Map<string, Promise<InstrumentHint>>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly connection: ConnectionModel,
    private readonly options: AccountFeedOptions,
  ) {
    // Accounts nobody follows any more are forgotten; with none left, the streams are closed.
    this.sweep = setInterval(() => this.forgetIdle(), 1_000);
    this.sweep.unref();
  }

  room(): number {
    return this.options.settings.maxUpstreamSubscriptions - this.watches.size;
  }

  subscribe(topic: LiveTopic, sink: FeedSink): void {
    if (topic.kind !== 'portfolio' && topic.kind !== 'orderEvents') throw new TypeError(`an account feed cannot serve ${topic.kind}`);
    const watch = this.watch(topic.brokerAccountId);
    if (topic.kind === 'portfolio') watch.addPortfolioSink(sink);
    else watch.addOrderSink(sink);
  }

  unsubscribe(key: string): void {
    const [kind, brokerAccountId] = splitKey(key);
    const watch = this.watches.get(brokerAccountId);
    if (!watch) return;
    (kind === 'portfolio' ? watch.portfolioSinks : watch.orderSinks).clear();
  }

  /** For a query: the live portfolio, or undefined (ask the broker). Asking starts following the account for a while. */
  livePortfolio(brokerAccountId: string): Portfolio | undefined {
    // Only a stream keeps a state worth answering from; polling it for queries would only add calls.
    if (this.closed || !this.connection.adapter.createAccountStreams || this.upstream.kind === 'polling') return undefined;
    // Called inside a query: the account's own reads must not count against that request's budget or deadline.
    return outsideRequestScope(() => this.watch(brokerAccountId).livePortfolio());
  }

  orderPlaced(brokerAccountId: string, order: Order): void {
    this.watches.get(brokerAccountId)?.orderPlaced(order);
  }

  status(): FeedStatus & { ordersFollowed: number } {
    const upstream = this.upstream;
    const subscriptions: FeedStatus['subscriptions'] = {};
    for (const watch of this.watches.values()) {
      if (watch.portfolioSinks.size > 0) subscriptions.portfolio = (subscriptions.portfolio ?? 0) + 1;
      if (watch.orderSinks.size > 0) subscriptions.orderEvents = (subscriptions.orderEvents ?? 0) + 1;
    }
    const streams = upstream.kind === 'streams' ? upstream.streams : undefined;
    const polling = upstream.kind === 'polling' || !this.connection.adapter.createAccountStreams;
    return {
      transport: polling ? 'polling' : 'websocket',
      state: this.watches.size === 0 ? 'idle' : polling ? 'polling' : streams?.live ? 'live' : 'connecting',
      sockets: streams?.sockets ?? 0,
      subscriptions,
      reconnects: this.interruptions + (streams?.reconnects ?? 0),
      lastMessageAt: streams?.lastMessageAt === undefined ? null : new Date(streams.lastMessageAt).toISOString(),
      downSince: null,
      // Accounts whose working orders are known (a client's order events start from there).
      ordersFollowed: [...this.watches.values()].filter((watch) => watch.ordersFollowed).length,
      ...(upstream.kind === 'polling' ? { pollingBecause: upstream.why } : {}),
    };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweep);
    for (const watch of this.watches.values()) watch.close();
    this.watches.clear();
    this.closeStreams();
  }

  private watch(brokerAccountId: string): AccountWatch {
    let watch = this.watches.get(brokerAccountId);
    if (watch) return watch;
    watch = outsideRequestScope(
      () =>
        new AccountWatch(brokerAccountId, {
          connection: this.connection,
          settings: this.options.settings,
          logger: this.options.logger,
          streaming: () => this.upstream.kind === 'streams' && this.upstream.streams.live,
          instrumentHint: (hint) => this.instrumentHint(hint),
        }),
    );
    this.watches.set(brokerAccountId, watch);
    this.openStreams();
    return watch;
  }

  /** One stream of each kind for every account of the connection; a broker without them is polled. */
  private openStreams(): void {
    const { adapter } = this.connection;
    if (this.upstream.kind !== 'none' || !adapter.createAccountStreams) return;
    this.upstream = { kind: 'opening' };
    outsideRequestScope(async () => {
      let brokerAccountIds: string[];
      try {
        brokerAccountIds = (this.connection.caches.accounts?.get('accounts') ?? (await adapter.listAccounts({}))).map((account) => account.brokerAccountId);
      } catch (error) {
        return this.fallBack(error instanceof Error ? error : new Error(String(error)));
      }
      if (this.closed || this.upstream.kind !== 'opening') return;
      if (this.watches.size === 0) return void (this.upstream = { kind: 'none' });
      const streams = adapter.createAccountStreams!({
        brokerAccountIds,
        settings: this.options.settings,
        observer: this.options.observer,
        sink: {
          portfolio: (id, change) => this.watches.get(id)?.change(change),
          order: (id, observation) => {
            this.options.observer?.eventReceived?.('orderEvents');
            this.watches.get(id)?.order(observation);
          },
          live: () => {
            for (const watch of this.watches.values()) watch.resumed();
          },
          interrupted: () => {
            for (const watch of this.watches.values()) watch.interrupted();
          },
          failed: (error) => this.fallBack(error),
        },
      });
      this.upstream = { kind: 'streams', streams };
    });
  }

  /**
   * The broker will not stream (or could not be asked for the accounts to stream): every followed
   * account is polled, within the connection's quota, until the streams are asked for again. Said
   * in the log, /readyz and the metrics (transport "polling").
   */
  private fallBack(error: BrokerqlError | Error): void {
    this.closeStreams();
    this.interruptions += 1;
    const retryable = error instanceof BrokerqlError && error.retryable;
    this.upstream = { kind: 'polling', why: error.message, retryAt: retryable ? Date.now() + retryStreamsAfterMilliseconds : Number.POSITIVE_INFINITY };
    this.options.observer?.reconnecting?.(`account streams refused; polling instead: ${error.message}`);
    this.options.logger.warn({ connection: this.connection.id, error: error.message }, 'account streams unavailable; polling the accounts instead');
    for (const watch of this.watches.values()) watch.resumed();
  }

  private closeStreams(): void {
    if (this.upstream.kind === 'streams') this.upstream.streams.close();
    if (this.upstream.kind === 'streams' || this.upstream.kind === 'opening') this.upstream = { kind: 'none' };
  }

  private forgetIdle(): void {
    for (const [id, watch] of this.watches) {
      if (!watch.idle) continue;
      watch.close();
      this.watches.delete(id);
    }
    // The user's stream slots are few: none held for accounts nobody follows.
    if (this.watches.size === 0) return this.closeStreams();
    if (this.upstream.kind === 'polling' && Date.now() >= this.upstream.retryAt) {
      this.upstream = { kind: 'none' };
      this.openStreams();
    }
  }

  /**
   * The instrument of an order event as queries name it: T-Invest's OrderStateStream names it by
   * uid and ticker only, where every other answer uses the FIGI. Looked up once per instrument
   * (the connection's instrument cache first), kept for the feed's life.
   */
  private instrumentHint(hint: InstrumentHint): Promise<InstrumentHint> {
    let found = this.instrumentHints.get(hint.key);
    if (!found) {
      const cache = this.connection.caches.instruments;
      const cached = cache?.get(`key|${hint.key}`);
      found = cached
        ? Promise.resolve(cached)
        : this.connection.adapter.getInstrument({ ref: { key: hint.key } }).then((info) => {
            cache?.set(`key|${hint.key}`, info);
            return info;
          });
      found = found.catch(() => hint);
      this.instrumentHints.set(hint.key, found);
    }
    return found;
  }
}

function splitKey(key: string): [AccountTopicKind, string] {
  const separator = key.indexOf('|');
  return [key.slice(0, separator) as AccountTopicKind, key.slice(separator + 1)];
}
