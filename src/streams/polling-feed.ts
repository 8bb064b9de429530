import type { InstrumentInfo, Orderbook } from '../domain.js';
import { BrokerqlError, RateLimitedError, UpstreamUnavailableError } from '../errors.js';
import type { FeedObserver, FeedOptions, FeedSink, FeedStatus, FeedTopic, StreamFeed, TopicKind } from './feed.js';

/**
 * A feed for a broker without a stream (Tinkoff v1, whose streaming API is gone): its REST order
 * book is read over and over, within the part of the broker's quota given to polling. One read
 * per instrument serves every topic of it — the book at the deepest depth asked, and its last
 * price — and a read goes out at most `callsPerSecond` times a second in all: with more
 * instruments each is read less often, never the broker more. An event is reported only when
 * something changed. Reads that keep failing for `unavailableAfterMs` end the topics with
 * UPSTREAM_UNAVAILABLE; a refusal of the instrument itself (NOT_FOUND) ends its topics at once.
 */

export interface PollingFeedOptions extends FeedOptions {
  connection: string;
  brokerLabel: string;
  /** The book at least `depth` levels deep (the adapter rounds it up to what the broker serves). */
  readBook(instrument: InstrumentInfo, depth: number, signal: AbortSignal): Promise<Orderbook>;
  /** The share of the broker's quota for these reads that polling may spend. */
  callsPerSecond: number;
}

/** With more instruments than this many seconds' worth of reads, each would be stale too long: past it, RATE_LIMITED. */
const slowestRefreshSeconds = 10;

interface Watched {
  instrument: InstrumentInfo;
  book?: { topic: Extract<FeedTopic, { kind: 'orderbook' }>; sink: FeedSink; seen?: string };
  price?: { topic: Extract<FeedTopic, { kind: 'lastPrice' }>; sink: FeedSink; seen?: string };
  dueAt: number;
}

export class PollingFeed implements StreamFeed {
  readonly kinds: ReadonlySet<TopicKind> = new Set<TopicKind>(['orderbook', 'lastPrice']);
  private readonly watched = new Map<string, Watched>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  private downSince: number | undefined;
  private lastSuccessAt: number | undefined;
  private interruptions = 0;
  private readonly observer: FeedObserver | undefined;

  constructor(private readonly options: PollingFeedOptions) {
    this.observer = options.observer;
  }

  room(): number {
    const topics = [...this.watched.values()].reduce((sum, entry) => sum + (entry.book ? 1 : 0) + (entry.price ? 1 : 0), 0);
    const instruments = Math.floor(this.options.callsPerSecond * slowestRefreshSeconds) - this.watched.size;
    return Math.min(this.options.settings.maxUpstreamSubscriptions - topics, instruments);
  }

  subscribe(topic: FeedTopic, sink: FeedSink): void {
    const instrumentKey = topic.instrument.key;
    let entry = this.watched.get(instrumentKey);
    const isNew = (topic.kind === 'orderbook' ? entry?.book : entry?.price) === undefined;
    if (isNew && this.room() <= 0) {
      throw new RateLimitedError(
        `connection "${this.options.connection}" already polls ${this.watched.size} instruments, as many as ${this.options.brokerLabel}'s quota lets brokerql read every ${slowestRefreshSeconds} s; end some subscriptions first`,
        { connection: this.options.connection, retryable: true, mayHaveReachedBroker: false },
      );
    }
    if (!entry) {
      entry = { instrument: topic.instrument, dueAt: 0 };
      this.watched.set(instrumentKey, entry);
    }
    if (topic.kind === 'orderbook') entry.book = { topic, sink, seen: undefined };
    else entry.price = { topic, sink, seen: entry.price?.seen };
    // A new or deeper subscription wants its first book now, not after the interval.
    entry.dueAt = 0;
    this.schedule();
  }

  unsubscribe(key: string): void {
    for (const [instrumentKey, entry] of this.watched) {
      if (entry.book?.topic.key === key) entry.book = undefined;
      if (entry.price?.topic.key === key) entry.price = undefined;
      if (!entry.book && !entry.price) this.watched.delete(instrumentKey);
    }
  }

  status(): FeedStatus {
    const subscriptions: FeedStatus['subscriptions'] = {};
    for (const entry of this.watched.values()) {
      if (entry.book) subscriptions.orderbook = (subscriptions.orderbook ?? 0) + 1;
      if (entry.price) subscriptions.lastPrice = (subscriptions.lastPrice ?? 0) + 1;
    }
    return {
      transport: 'polling',
      state: this.watched.size === 0 ? 'idle' : this.downSince !== undefined ? 'reconnecting' : 'polling',
      sockets: 0,
      subscriptions,
      reconnects: this.interruptions,
      lastMessageAt: this.lastSuccessAt === undefined ? null : new Date(this.lastSuccessAt).toISOString(),
      downSince: this.downSince === undefined ? null : new Date(this.downSince).toISOString(),
    };
  }

  close(): void {
    this.abort.abort();
    clearTimeout(this.timer);
    this.watched.clear();
  }

  /** One read at a time, `1 / callsPerSecond` apart at the least, the most overdue instrument first. */
  private schedule(): void {
    if (this.reading || this.timer || this.watched.size === 0 || this.abort.signal.aborted) return;
    const next = Math.min(...[...this.watched.values()].map((entry) => entry.dueAt));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.readNext();
    }, Math.max(0, next - Date.now()));
  }

  private async readNext(): Promise<void> {
    const now = Date.now();
    const entry = [...this.watched.values()].filter((candidate) => candidate.dueAt <= now).sort((left, right) => left.dueAt - right.dueAt)[0];
    if (!entry) return this.schedule();
    this.reading = true;
    const spacing = 1000 / this.options.callsPerSecond;
    entry.dueAt = now + Math.max(this.options.settings.pollIntervalMs, spacing);
    try {
      const book = await this.options.readBook(entry.instrument, entry.book?.topic.depth ?? 1, this.abort.signal);
      this.succeeded();
      this.report(entry, book);
    } catch (error) {
      if (!this.abort.signal.aborted) this.failed(entry, error);
    } finally {
      this.reading = false;
    }
    // The quota's pace holds between reads too: the next read waits out the spacing.
    const rest = Math.max(0, now + spacing - Date.now());
    if (rest > 0 && !this.abort.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, rest);
    } else this.schedule();
  }

  private report(entry: Watched, book: Orderbook): void {
    if (entry.book) {
      // v1 stamps a book with the time it was read: only the levels say whether it changed.
      const seen = JSON.stringify([book.bids, book.asks, book.lastPrice]);
      if (seen !== entry.book.seen) {
        entry.book.seen = seen;
        this.observer?.eventReceived?.('orderbook');
        entry.book.sink.next({ kind: 'orderbook', book, depth: entry.book.topic.depth });
      }
    }
    if (entry.price && book.lastPrice !== null && book.lastPrice !== entry.price.seen) {
      entry.price.seen = book.lastPrice;
      this.observer?.eventReceived?.('lastPrice');
      entry.price.sink.next({ kind: 'lastPrice', update: { instrument: book.instrument, price: book.lastPrice, asOf: book.asOf } });
    }
  }

  private succeeded(): void {
    this.lastSuccessAt = Date.now();
    this.downSince = undefined;
  }

  private failed(entry: Watched, error: unknown): void {
    if (error instanceof BrokerqlError && error.blame === 'client') {
      // The broker does not know the instrument (or it cannot be named to it): polling again will not change that.
      this.watched.delete(entry.instrument.key);
      for (const part of [entry.book, entry.price]) part?.sink.fail(error);
      return;
    }
    const now = Date.now();
    if (this.downSince === undefined) {
      this.downSince = now;
      this.interruptions += 1;
      this.observer?.reconnecting?.('a poll failed');
      for (const watched of this.watched.values()) {
        for (const part of [watched.book, watched.price]) {
          if (!part) continue;
          // The first good read after this is reported even if nothing changed: it is the fresh snapshot.
          part.seen = undefined;
          part.sink.interrupted();
        }
      }
    }
    if (now - this.downSince < this.options.settings.unavailableAfterMs) return;
    const failure = new UpstreamUnavailableError(
      `${this.options.brokerLabel} could not be read since ${new Date(this.downSince).toISOString()}; subscribe again later`,
      { connection: this.options.connection, retryable: true },
    );
    const ended = [...this.watched.values()];
    this.watched.clear();
    this.downSince = undefined;
    for (const watched of ended) for (const part of [watched.book, watched.price]) part?.sink.fail(failure);
  }
}
