import { BrokerqlError, InternalError, RateLimitedError } from '../errors.js';
import type { FeedObserver, FeedSink, FeedStatus, FeedTopic, StreamFeed, TopicEvent, TopicKind } from './feed.js';
import { UpstreamSocket, type CloseVerdict, type SocketEndpoint } from './upstream-socket.js';
import { credentialRenewalFloorMilliseconds } from './settings.js';

/**
 * A feed over a broker's WebSockets, packed as tightly as the broker allows: a topic goes on the
 * first socket with room, a socket is opened only when every open one is full, and one that
 * carries nothing more is closed. The broker's protocol (how to subscribe, what a frame means,
 * what a close means) is a SocketProtocol; the sockets heal themselves (upstream-socket.ts) and
 * every subscription they carried is made again on the new socket.
 */

/** What one inbound frame says. */
export type Inbound =
  | { type: 'event'; key: string; event: TopicEvent }
  /** The broker refused this topic: it ends. */
  | { type: 'refused'; key: string; error: BrokerqlError }
  /** The broker refused the credential this topic's request carried: send it again once `when` has renewed it. */
  | { type: 'resend'; key: string; when: Promise<unknown> }
  /** The broker is ending the stream with an error (its close follows): not a sign the stream works. */
  | { type: 'ending' };

export interface SocketProtocol {
  readonly connection: string;
  readonly brokerLabel: string;
  readonly kinds: ReadonlySet<TopicKind>;
  /** The broker's subscriptions per socket, and the sockets brokerql may open (its share of the user's). */
  readonly topicsPerSocket: number;
  readonly maxSockets: number;
  readonly heartbeat: 'broker' | 'websocket';
  endpoint(): Promise<SocketEndpoint>;
  /** Frames every fresh socket sends before its subscriptions (T-Invest: its ping interval). */
  opening(): string[];
  subscribe(topics: FeedTopic[]): Promise<string[]>;
  unsubscribe(topics: FeedTopic[]): Promise<string[]>;
  /** Frames that turn the live subscription `previous` into `next` (a deeper book); none when the broker serves both alike. */
  change(previous: FeedTopic, next: FeedTopic): Promise<string[]>;
  /** `carried` tells whether this socket carries a topic key. Frames it does not understand say nothing. */
  read(text: string, carried: (key: string) => boolean): Inbound[];
  closed(code: number, reason: string, wasLive: boolean): CloseVerdict;
  /** When the credential sent with the subscriptions is due for renewal (ALOR's JWT): everything is subscribed again then, with the new one. */
  renewAt?(): number | undefined;
}

interface Entry {
  topic: FeedTopic;
  sink: FeedSink;
  packed: PackedSocket;
}

interface PackedSocket {
  socket: UpstreamSocket;
  keys: Set<string>;
  /** Frames go out in order, though building them may wait for a credential. */
  queue: Promise<void>;
}

export interface SocketFeedOptions {
  settings: { unavailableAfterMs: number; silenceMs: number; maxUpstreamSubscriptions: number };
  observer?: FeedObserver | undefined;
}

export class SocketFeed implements StreamFeed {
  readonly kinds: ReadonlySet<TopicKind>;
  private readonly entries = new Map<string, Entry>();
  private readonly packedSockets: PackedSocket[] = [];
  private reconnectsOfClosed = 0;
  private lastMessageAt: number | undefined;
  private renewal: { at: number; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly protocol: SocketProtocol,
    private readonly options: SocketFeedOptions,
  ) {
    this.kinds = protocol.kinds;
  }

  room(): number {
    const { topicsPerSocket, maxSockets } = this.protocol;
    return Math.min(topicsPerSocket * maxSockets, this.options.settings.maxUpstreamSubscriptions) - this.entries.size;
  }

  subscribe(topic: FeedTopic, sink: FeedSink): void {
    const existing = this.entries.get(topic.key);
    if (existing) {
      const previous = existing.topic;
      existing.topic = topic;
      existing.sink = sink;
      this.enqueue(existing.packed, [topic.key], () => this.protocol.change(previous, topic));
      return;
    }
    if (this.room() <= 0) throw this.noRoom();
    const packed = this.packedSockets.find((candidate) => candidate.keys.size < this.protocol.topicsPerSocket) ?? this.openSocket();
    packed.keys.add(topic.key);
    this.entries.set(topic.key, { topic, sink, packed });
    this.enqueue(packed, [topic.key], () => this.protocol.subscribe([topic]));
  }

  unsubscribe(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.forget(entry);
    const { packed } = entry;
    if (packed.keys.size === 0) return this.closeSocket(packed);
    this.enqueue(packed, [], () => this.protocol.unsubscribe([entry.topic]));
  }

  status(): FeedStatus {
    const subscriptions: FeedStatus['subscriptions'] = {};
    for (const { topic } of this.entries.values()) subscriptions[topic.kind] = (subscriptions[topic.kind] ?? 0) + 1;
    const sockets = this.packedSockets.map((packed) => packed.socket);
    const downSince = Math.min(...sockets.map((socket) => socket.unreachableSince ?? Number.POSITIVE_INFINITY));
    const reconnecting = sockets.some((socket) => socket.unreachableSince !== undefined && socket.reconnects > 0);
    return {
      transport: 'websocket',
      state: sockets.length === 0 ? 'idle' : reconnecting ? 'reconnecting' : sockets.every((socket) => socket.live) ? 'live' : 'connecting',
      sockets: sockets.filter((socket) => socket.isOpen).length,
      subscriptions,
      reconnects: this.reconnectsOfClosed + sockets.reduce((sum, socket) => sum + socket.reconnects, 0),
      lastMessageAt: this.lastMessageAt === undefined ? null : new Date(this.lastMessageAt).toISOString(),
      downSince: Number.isFinite(downSince) ? new Date(downSince).toISOString() : null,
    };
  }

  close(): void {
    for (const packed of [...this.packedSockets]) this.closeSocket(packed);
    this.entries.clear();
    clearTimeout(this.renewal?.timer);
    this.renewal = undefined;
  }

  private noRoom(): RateLimitedError {
    const { topicsPerSocket, maxSockets, brokerLabel, connection } = this.protocol;
    const brokerLimit = topicsPerSocket * maxSockets;
    const limit = Math.min(brokerLimit, this.options.settings.maxUpstreamSubscriptions);
    const why =
      limit === brokerLimit
        ? `${maxSockets} socket(s) of ${topicsPerSocket} subscriptions each, brokerql's share of ${brokerLabel}'s stream limits`
        : 'streams.maxUpstreamSubscriptions';
    return new RateLimitedError(`connection "${connection}" already holds ${this.entries.size} live subscriptions, the most it may (${why}); end some first`, {
      connection,
      retryable: true,
      mayHaveReachedBroker: false,
    });
  }

  private openSocket(): PackedSocket {
    const { protocol } = this;
    const packed: PackedSocket = { socket: undefined!, keys: new Set(), queue: Promise.resolve() };
    packed.socket = new UpstreamSocket(
      {
        connection: protocol.connection,
        brokerLabel: protocol.brokerLabel,
        heartbeat: protocol.heartbeat,
        silenceMs: this.options.settings.silenceMs,
        unavailableAfterMs: this.options.settings.unavailableAfterMs,
        observer: this.options.observer,
      },
      {
        endpoint: () => protocol.endpoint(),
        opened: () => {
          for (const frame of protocol.opening()) packed.socket.send(frame);
          this.enqueue(packed, [...packed.keys], () => protocol.subscribe(this.topicsOf(packed)));
        },
        message: (text) => this.receive(packed, text),
        closedByBroker: (code, reason, wasLive) => protocol.closed(code, reason, wasLive),
        interrupted: () => {
          for (const key of packed.keys) this.entries.get(key)?.sink.interrupted();
        },
        failed: (error) => this.failSocket(packed, error),
      },
    );
    this.packedSockets.push(packed);
    return packed;
  }

  /** Returns whether the frame shows the stream working (an error frame before a close does not). */
  private receive(packed: PackedSocket, text: string): boolean {
    this.lastMessageAt = Date.now();
    let inbound: Inbound[];
    try {
      inbound = this.protocol.read(text, (key) => packed.keys.has(key));
    } catch (error) {
      // One frame brokerql cannot read must not take the others down; the next book replaces it.
      this.options.observer?.unreadable?.(error);
      inbound = [];
    }
    if (inbound.some((item) => item.type === 'ending')) return false;
    for (const item of inbound) {
      if (item.type === 'ending') continue;
      const entry = this.entries.get(item.key);
      if (!entry || entry.packed !== packed) continue;
      if (item.type === 'event') {
        this.options.observer?.eventReceived?.(item.event.kind);
        entry.sink.next(item.event);
      } else if (item.type === 'refused') {
        this.drop(entry);
        entry.sink.fail(item.error);
      } else {
        this.enqueue(packed, [item.key], async () => {
          await item.when;
          const current = this.entries.get(item.key);
          return current ? this.protocol.subscribe([current.topic]) : [];
        });
      }
    }
    return true;
  }

  /** Builds frames in order and sends them if the socket is open (a closed one re-sends everything when it opens). */
  private enqueue(packed: PackedSocket, keys: string[], build: () => Promise<string[]>): void {
    packed.queue = packed.queue.then(async () => {
      if (!packed.socket.isOpen) return;
      let frames: string[];
      try {
        frames = await build();
      } catch (error) {
        // The credential could not be had (or a topic cannot be named to the broker): those topics end.
        const failure = error instanceof BrokerqlError ? error : new InternalError('brokerql could not write a stream request', { cause: error, connection: this.protocol.connection });
        for (const key of keys) {
          const entry = this.entries.get(key);
          if (!entry) continue;
          this.drop(entry);
          entry.sink.fail(failure);
        }
        return;
      }
      for (const frame of frames) packed.socket.send(frame);
      this.scheduleRenewal();
    });
  }

  /** Subscribes everything again once the credential the frames carried is due for renewal. */
  private scheduleRenewal(): void {
    const at = this.protocol.renewAt?.();
    if (at === undefined || (this.renewal && this.renewal.at <= at)) return;
    clearTimeout(this.renewal?.timer);
    const timer = setTimeout(() => {
      this.renewal = undefined;
      for (const packed of this.packedSockets) this.enqueue(packed, [...packed.keys], () => this.protocol.subscribe(this.topicsOf(packed)));
    }, Math.max(credentialRenewalFloorMilliseconds, at - Date.now()));
    timer.unref();
    this.renewal = { at, timer };
  }

  private topicsOf(packed: PackedSocket): FeedTopic[] {
    return [...packed.keys].flatMap((key) => this.entries.get(key)?.topic ?? []);
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.topic.key);
    entry.packed.keys.delete(entry.topic.key);
  }

  /** Forgets a topic the broker no longer serves (nothing to unsubscribe). */
  private drop(entry: Entry): void {
    this.forget(entry);
    if (entry.packed.keys.size === 0) this.closeSocket(entry.packed);
  }

  private failSocket(packed: PackedSocket, error: BrokerqlError): void {
    const failed = this.topicsOf(packed).map((topic) => this.entries.get(topic.key)!);
    this.closeSocket(packed);
    for (const entry of failed) entry.sink.fail(error);
  }

  private closeSocket(packed: PackedSocket): void {
    const index = this.packedSockets.indexOf(packed);
    if (index >= 0) this.packedSockets.splice(index, 1);
    this.reconnectsOfClosed += packed.socket.reconnects;
    for (const key of packed.keys) this.entries.delete(key);
    packed.keys.clear();
    packed.socket.close();
    if (this.packedSockets.length === 0) {
      clearTimeout(this.renewal?.timer);
      this.renewal = undefined;
    }
  }
}
