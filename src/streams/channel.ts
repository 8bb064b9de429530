import type { BrokerqlError } from '../errors.js';
import { outsideRequestScope } from '../request-scope.js';
import type { ClientSubscription } from './client-subscription.js';
import type { FeedSink, LiveFeed, LiveTopic, TopicEvent } from './feed.js';

/**
 * One upstream subscription and the clients it feeds: however many clients ask for a topic, the
 * feed is asked once. A client joining gets the newest event at once, or waits for the first;
 * clients asking for different depths of one book share the deepest (the feed is asked again
 * only when a deeper one comes), and each gets its own depth cut from it. When the last client
 * leaves, the upstream subscription is kept for `graceMs` in case one comes back, then ended.
 * Order events are the exception to "the newest at once": each is one change, not a state, so
 * a client joining gets the changes from then on (the order's state is what `orders` answers).
 */

/** One client's place on a channel: its subscription, its slot in that subscription's mailbox, and the depth it wants. */
export interface Attachment {
  subscription: ClientSubscription<unknown>;
  slot: string;
  /** Order books: the depth this client asked for; an event from a shallower upstream subscription is not for it. */
  depth?: number | undefined;
}

export interface ChannelHooks {
  /** The channel is done (its grace ran out, or the feed ended the topic): forget it. */
  ended(channel: Channel): void;
  graceMs: number;
}

export class Channel {
  private readonly attachments = new Set<Attachment>();
  private last: TopicEvent | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private topic: LiveTopic;
  private readonly sink: FeedSink = {
    next: (event) => this.deliver(event),
    // Stale until the feed's next event: a client joining now waits for that fresh snapshot.
    interrupted: () => (this.last = undefined),
    fail: (error) => this.fail(error),
  };

  constructor(
    topic: LiveTopic,
    private readonly feed: LiveFeed,
    private readonly hooks: ChannelHooks,
  ) {
    this.topic = topic;
  }

  get key(): string {
    return this.topic.key;
  }

  get clients(): number {
    return this.attachments.size;
  }

  /** Makes the upstream subscription; throws what the feed throws (RATE_LIMITED), with nothing subscribed. */
  open(): void {
    this.feed.subscribe(this.topic, this.sink);
  }

  attach(attachment: Attachment): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.attachments.add(attachment);
    const topic = this.topic;
    if (topic.kind === 'orderbook' && attachment.depth !== undefined && attachment.depth > topic.depth) {
      this.topic = { ...topic, depth: attachment.depth };
      this.feed.subscribe(this.topic, this.sink);
    }
    if (this.last && this.last.kind !== 'orderEvents' && accepts(attachment, this.last)) attachment.subscription.offer(attachment.slot, this.last);
  }

  detach(attachment: Attachment): void {
    if (!this.attachments.delete(attachment) || this.attachments.size > 0) return;
    // Started from whichever client left last: the timer must not carry that request's scope.
    outsideRequestScope(() => {
      this.graceTimer = setTimeout(() => this.expire(), this.hooks.graceMs);
      this.graceTimer.unref();
    });
  }

  /** Ends the upstream subscription now (gateway shutdown). */
  close(): void {
    clearTimeout(this.graceTimer);
    this.feed.unsubscribe(this.key);
  }

  private expire(): void {
    if (this.attachments.size > 0) return;
    this.feed.unsubscribe(this.key);
    this.hooks.ended(this);
  }

  private deliver(event: TopicEvent): void {
    if (this.last && sameEvent(this.last, event)) return;
    this.last = event;
    for (const attachment of this.attachments) if (accepts(attachment, event)) attachment.subscription.offer(attachment.slot, event);
  }

  private fail(error: BrokerqlError): void {
    clearTimeout(this.graceTimer);
    this.last = undefined;
    const ended = [...this.attachments];
    this.attachments.clear();
    this.hooks.ended(this);
    for (const attachment of ended) attachment.subscription.fail(error);
  }
}

function accepts(attachment: Attachment, event: TopicEvent): boolean {
  return event.kind !== 'orderbook' || attachment.depth === undefined || event.depth >= attachment.depth;
}

/**
 * A price update that repeats the last price is not a change: ALOR pushes a quote whenever its
 * bid or ask moves, and T-Invest a price for every trade, at the same price or not.
 */
function sameEvent(previous: TopicEvent, next: TopicEvent): boolean {
  return previous.kind === 'lastPrice' && next.kind === 'lastPrice' && previous.update.price === next.update.price;
}
