import type { Decimal, InstrumentHint, InstrumentInfo, OrderEvent, Orderbook, Portfolio } from '../domain.js';
import type { BrokerqlError } from '../errors.js';
import type { StreamsConfig } from './settings.js';

/**
 * The upstream side of live data, as every broker offers it: a feed per connection makes one
 * upstream subscription per topic and reports its events. The hub (hub.ts) decides what is
 * subscribed and shares it between clients; a feed only speaks its broker's protocol (a
 * WebSocket, or polling where the broker has no stream) and heals its own transport.
 *
 * A topic is named by its kind and a key unique within the connection. Market data has two kinds,
 * served by the connection's StreamFeed (its adapter's); live accounts have two more (`portfolio`,
 * `orderEvents`), served by the connection's AccountFeed (streams/accounts/), which every
 * connection has. Both are LiveFeeds to the hub and its channels; a feed serves the kinds it lists.
 */

export type TopicKind = 'orderbook' | 'lastPrice';

/** Live accounts (streams/accounts/): an account's portfolio and its orders' changes, served by the connection's account feed. */
export type AccountTopicKind = 'portfolio' | 'orderEvents';
export type LiveTopicKind = TopicKind | AccountTopicKind;

export function isAccountTopicKind(kind: LiveTopicKind): kind is AccountTopicKind {
  return kind === 'portfolio' || kind === 'orderEvents';
}

/** One account's portfolio or order events; `brokerAccountId` is the broker's own id (without the connection). */
export interface AccountTopic {
  kind: AccountTopicKind;
  key: string;
  brokerAccountId: string;
}

/** What one upstream subscription is for. */
export type FeedTopic =
  /** `depth`: the deepest book any of its clients asked for (1–50); the feed rounds it up to what the broker serves. */
  | { kind: 'orderbook'; key: string; instrument: InstrumentInfo; depth: number }
  | { kind: 'lastPrice'; key: string; instrument: InstrumentInfo };

/** Any topic the hub handles: market data (a connection's StreamFeed) or an account (its AccountFeed). */
export type LiveTopic = FeedTopic | AccountTopic;

export interface LastPriceUpdate {
  instrument: InstrumentHint;
  price: Decimal;
  asOf: string;
}

/** What a topic reports. Market data: every event is the whole current state, so a newer one replaces an older one. */
export type TopicEvent =
  /** `depth`: the depth of the upstream subscription the book came from (it may hold fewer levels: a thin market). */
  | { kind: 'orderbook'; book: Orderbook; depth: number }
  | { kind: 'lastPrice'; update: LastPriceUpdate }
  /** The account's whole portfolio: a newer one replaces an older one. */
  | { kind: 'portfolio'; portfolio: Portfolio }
  /** One change of one order: each must arrive, in order (never conflated, never replayed to a client that joins later). */
  | { kind: 'orderEvents'; event: OrderEvent };

/** The one topic key of a kind and an instrument: clients asking for the same book share it. */
export function topicKey(kind: TopicKind, instrumentKey: string): string {
  return `${kind}|${instrumentKey}`;
}

/** The one topic key of an account's portfolio or order events: every client of the account shares it. */
export function accountTopicKey(kind: AccountTopicKind, brokerAccountId: string): string {
  return `${kind}|${brokerAccountId}`;
}

/** Where a feed reports one topic. */
export interface FeedSink {
  next(event: TopicEvent): void;
  /**
   * The upstream was lost and is being re-established: what was last reported may be stale until
   * the next event (which, after a reconnect, is a fresh full snapshot).
   */
  interrupted(): void;
  /** The topic has ended upstream (refused, unreachable too long, credential refused); the feed has forgotten it. */
  fail(error: BrokerqlError): void;
}

export type FeedState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'polling';

/** What /readyz and the metrics show of a connection's feed. */
export interface FeedStatus {
  transport: 'websocket' | 'polling';
  state: FeedState;
  /** Upstream sockets open now (0 for polling). */
  sockets: number;
  /** Upstream subscriptions by kind. */
  subscriptions: Partial<Record<LiveTopicKind, number>>;
  reconnects: number;
  /** ISO time of the last upstream message or successful poll; null before the first. */
  lastMessageAt: string | null;
  /** ISO time since when the upstream has been unreachable; null while it is not. */
  downSince: string | null;
}

export interface StreamFeed {
  readonly kinds: ReadonlySet<TopicKind>;
  /**
   * Upstream subscriptions this feed can still add within the broker's limits and brokerql's
   * share of them: a topic past them is refused (RATE_LIMITED) before anything is sent.
   */
  room(): number;
  /**
   * Starts the upstream subscription of `topic`, or changes it when one with the same key exists
   * (a deeper book); events and failures go to `sink`. Throws RateLimitedError when there is no
   * room; refusals that come from the broker later go to `sink.fail`.
   */
  subscribe(topic: FeedTopic, sink: FeedSink): void;
  unsubscribe(key: string): void;
  status(): FeedStatus;
  /** Ends every upstream subscription and socket without reporting to the sinks. */
  close(): void;
}

/** What the hub and its channels need of a feed: a market StreamFeed, or a connection's AccountFeed. */
export interface LiveFeed {
  readonly kinds: ReadonlySet<LiveTopicKind>;
  room(): number;
  subscribe(topic: LiveTopic, sink: FeedSink): void;
  unsubscribe(key: string): void;
  status(): FeedStatus;
  close(): void;
}

/** What the gateway tells about its feeds' transports (metrics, logs). */
export interface FeedObserver {
  socketOpened?(): void;
  socketClosed?(): void;
  reconnecting?(reason: string): void;
  eventReceived?(kind: LiveTopicKind): void;
  /** A message brokerql could not read (it is skipped). */
  unreadable?(error: unknown): void;
}

/** What the hub hands an adapter that builds its connection's feed. */
export interface FeedOptions {
  settings: Pick<StreamsConfig, 'unavailableAfterMs' | 'silenceMs' | 'pollIntervalMs' | 'maxUpstreamSubscriptions'>;
  observer?: FeedObserver | undefined;
}
