import { RateLimitedError, type BrokerqlError } from '../errors.js';
import type { TopicEvent } from './feed.js';

/**
 * One client's subscription, as the async iterator GraphQL pulls events from. Both transports
 * pull only as fast as the client reads (yoga's SSE stream waits for the socket to drain;
 * graphql-ws awaits every send), so what the client has not taken yet waits here, in its
 * mailbox — and the mailbox is bounded by its policy, never by how far behind the client is.
 *
 * Market data is conflated: one slot per topic holds the newest event, which replaces an older
 * one not yet taken (a book replaces a book). Account events (orders) must never be conflated;
 * they get a mailbox that queues up to a limit and then fails the subscription.
 */

export interface Mailbox {
  /** Keeps `event` for `slot`; returns whether it replaced one not yet taken (a conflated event). */
  put(slot: string, event: TopicEvent): boolean;
  take(): TopicEvent | undefined;
  readonly size: number;
  clear(): void;
  /** Set once the mailbox could not keep an event it must not drop: the subscription fails with it. */
  readonly overflow?: BrokerqlError | undefined;
}

/** The newest event per slot; slots are taken in the order they first filled. */
export class ConflatingMailbox implements Mailbox {
  private readonly slots = new Map<string, TopicEvent>();

  put(slot: string, event: TopicEvent): boolean {
    const replaced = this.slots.has(slot);
    // Map.set keeps an existing key's place: a busy topic does not starve a quiet one.
    this.slots.set(slot, event);
    return replaced;
  }

  take(): TopicEvent | undefined {
    const first = this.slots.entries().next();
    if (first.done) return undefined;
    this.slots.delete(first.value[0]);
    return first.value[1];
  }

  get size(): number {
    return this.slots.size;
  }

  clear(): void {
    this.slots.clear();
  }
}

/**
 * Every event in order, up to `limit` waiting (order events: each must arrive). One more than
 * that, and the client has fallen too far behind to be brought up to date this way: the
 * subscription ends with an error, so the client knows to re-read what it follows.
 */
export class QueueMailbox implements Mailbox {
  private readonly queue: TopicEvent[] = [];
  private head = 0;
  overflow: BrokerqlError | undefined;

  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {}

  put(_slot: string, event: TopicEvent): boolean {
    if (this.size >= this.limit) {
      this.overflow = new RateLimitedError(`this subscription fell more than ${this.limit} ${this.what} behind; re-read and subscribe again`, { retryable: true, mayHaveReachedBroker: false });
      return false;
    }
    this.queue.push(event);
    return false;
  }

  take(): TopicEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const event = this.queue[this.head++];
    // Compacted now and then, not on every take: shift() on a long queue is linear.
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return event;
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }
}

/** What the GraphQL subscription resolver receives per event: a value to answer with, or the error that ends it. */
export type StreamPayload<Value> = { value: Value; beginEvent: () => void } | { error: BrokerqlError };

export interface ClientSubscriptionOptions<Value> {
  mailbox: Mailbox;
  /** Turns an event into what the client is answered with (its own depth, its instrument). */
  present: (event: TopicEvent) => Value;
  /** Called before each value is executed: a subscription's event is answered like a request of its own. */
  beginEvent: () => void;
  /** Aborted when the client goes away (the HTTP response closed, the WebSocket subscription completed). */
  signal: AbortSignal;
  /** Called once, however the subscription ends: detach it from what feeds it. */
  onEnd: () => void;
  onDelivered?: (event: TopicEvent) => void;
  onConflated?: (event: TopicEvent) => void;
}

export class ClientSubscription<Value> implements AsyncIterableIterator<StreamPayload<Value>> {
  private waiting: ((result: IteratorResult<StreamPayload<Value>>) => void) | undefined;
  private failure: BrokerqlError | undefined;
  private finished = false;
  private readonly onAbort = () => this.finish();

  constructor(private readonly options: ClientSubscriptionOptions<Value>) {
    if (options.signal.aborted) this.finish();
    else options.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Events waiting for the client to take them. */
  get pending(): number {
    return this.options.mailbox.size;
  }

  get ended(): boolean {
    return this.finished;
  }

  offer(slot: string, event: TopicEvent): void {
    if (this.finished || this.failure) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: this.deliver(event), done: false });
      return;
    }
    if (this.options.mailbox.put(slot, event)) this.options.onConflated?.(event);
    const overflow = this.options.mailbox.overflow;
    if (overflow) this.fail(overflow);
  }

  /** Ends the subscription with an error event (UPSTREAM_UNAVAILABLE, UNAUTHENTICATED, …); what was waiting is dropped. */
  fail(error: BrokerqlError): void {
    if (this.finished || this.failure) return;
    this.failure = error;
    this.options.mailbox.clear();
    this.options.onEnd();
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: { error }, done: false });
      this.finish();
    }
  }

  next(): Promise<IteratorResult<StreamPayload<Value>>> {
    const event = this.options.mailbox.take();
    if (event) return Promise.resolve({ value: this.deliver(event), done: false });
    if (this.failure && !this.finished) {
      const error = this.failure;
      this.finish();
      return Promise.resolve({ value: { error }, done: false });
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<StreamPayload<Value>>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private deliver(event: TopicEvent): StreamPayload<Value> {
    this.options.onDelivered?.(event);
    return { value: this.options.present(event), beginEvent: this.options.beginEvent };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.options.mailbox.clear();
    this.options.signal.removeEventListener('abort', this.onAbort);
    if (!this.failure) this.options.onEnd();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }
}
