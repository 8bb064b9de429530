import { RateLimitedError } from '../../errors.js';
import { FairQueue } from './fair-queue.js';

/**
 * A broker credential's request budget, shared by every query on one connection: token buckets
 * for the broker's documented limits (per route group) that also never let more calls go within
 * one period than the limit allows, a cap on requests in flight, and a
 * queue in which orders go before reads — a statistics backfill can never starve an order —
 * and clients (brokerql tokens) take turns, so one token's flood cannot hold up another's query.
 * A request that would wait past its deadline is refused at once with RATE_LIMITED.
 *
 * Background calls (the operations journal's sync, src/journal/) come last: after every queued
 * order and read, and only while each of their buckets keeps a reserve (a fifth of its burst) and
 * half the calls in flight free, so a client's query arriving in the middle of a backfill finds
 * the budget as if the backfill were not running.
 */

export type CallPriority = 'order' | 'read' | 'background';

/** The share of each bucket's burst and of the calls in flight that background calls leave to clients. */
const backgroundReserve = 0.2;

export interface QuotaBucket {
  /** For messages and metrics. */
  name: string;
  /** Which upstream routes draw from this bucket. */
  matches(route: string): boolean;
  /** Every route draws from it: the broker's limit for the whole credential (or address). */
  everyRoute?: boolean;
  /** Sustained rate. */
  perSecond: number;
  /** How many may go at once after a quiet period (a per-minute limit allows its whole minute). */
  burst: number;
}

export interface QuotaOptions {
  buckets: QuotaBucket[];
  /** Requests in flight at once on this connection. */
  maxConcurrent: number;
  now?: () => number;
  /** Told how long each granted request waited (for metrics). */
  onGranted?: (priority: CallPriority, waitedMilliseconds: number) => void;
}

export interface QuotaRequest {
  route: string;
  priority: CallPriority;
  /** Who is asking (a brokerql token id); calls outside any client's request share one turn. */
  client?: string | undefined;
  /** Epoch milliseconds after which the caller no longer wants an answer. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

/** Returned by `acquire`; call it when the upstream call has finished. */
export type Release = () => void;

interface Waiter {
  request: QuotaRequest;
  client: string;
  queuedAt: number;
  buckets: BucketState[];
  resolve(release: Release): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
  /** Removed once the waiter leaves the queue: a request's signal is shared by all its calls. */
  onAbort: (() => void) | undefined;
}

interface BucketState {
  bucket: QuotaBucket;
  tokens: number;
  updatedAt: number;
  /**
   * When each call of the limit's period was answered, oldest first. The broker received it
   * before then, so a period counted from the answer cannot be shorter than the broker's own,
   * whatever the delays between brokerql and the broker (counted from letting the call go, a
   * call that was slow to arrive let the next period start early: ALOR answered 429).
   */
  recent: number[];
  /** Calls let go and not answered yet: they count until they are. */
  inFlight: number;
  /** The limit's period: `burst` calls per this many milliseconds. */
  periodMilliseconds: number;
}

export interface QuotaSnapshot {
  inFlight: number;
  queuedOrders: number;
  queuedReads: number;
  queuedBackground: number;
}

export class ConnectionQuota {
  private readonly buckets: BucketState[];
  private readonly now: () => number;
  private inFlight = 0;
  private readonly queues: Record<CallPriority, FairQueue<Waiter>> = { order: new FairQueue(), read: new FairQueue(), background: new FairQueue() };
  private pumpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: string,
    private readonly options: QuotaOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.buckets = options.buckets.map((bucket) => ({
      bucket,
      tokens: bucket.burst,
      updatedAt: this.now(),
      recent: [],
      inFlight: 0,
      periodMilliseconds: (bucket.burst / bucket.perSecond) * 1000,
    }));
  }

  snapshot(): QuotaSnapshot {
    return {
      inFlight: this.inFlight,
      queuedOrders: this.queues.order.length,
      queuedReads: this.queues.read.length,
      queuedBackground: this.queues.background.length,
    };
  }

  acquire(request: QuotaRequest): Promise<Release> {
    const buckets = this.buckets.filter((state) => state.bucket.matches(request.route));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { request, client: request.client ?? '', queuedAt: this.now(), buckets, resolve, reject, timer: undefined, onAbort: undefined };
      const wait = this.estimatedWait(waiter);
      if (this.now() + wait > request.deadline) {
        reject(this.limited(wait));
        return;
      }
      this.queues[request.priority].push(waiter.client, waiter);
      const remaining = request.deadline - this.now();
      waiter.timer = setTimeout(() => this.abandon(waiter, this.limited(0)), Math.max(0, remaining));
      if (request.signal) {
        waiter.onAbort = () => this.abandon(waiter, request.signal!.reason as Error);
        request.signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.pump();
    });
  }

  private limited(waitMilliseconds: number): RateLimitedError {
    return new RateLimitedError(`request budget of connection "${this.connection}" is used up for now`, {
      connection: this.connection,
      retryAfterSeconds: Math.max(1, Math.ceil(waitMilliseconds / 1000)),
      mayHaveReachedBroker: false,
    });
  }

  /** A rough wait for a newcomer: what would be served before it, at the slowest matching rate. */
  private estimatedWait(waiter: Waiter): number {
    const { order, read, background } = this.queues;
    const ahead =
      waiter.request.priority === 'order'
        ? order.aheadOf(waiter.client)
        : waiter.request.priority === 'read'
          ? order.length + read.aheadOf(waiter.client)
          : order.length + read.length + background.aheadOf(waiter.client);
    let wait = 0;
    for (const state of waiter.buckets) {
      this.refill(state);
      wait = Math.max(wait, this.waitFor(state, ahead + 1 + this.reserve(waiter, state)));
    }
    return wait;
  }

  private refill(state: BucketState): void {
    const now = this.now();
    const elapsed = (now - state.updatedAt) / 1000;
    state.tokens = Math.min(state.bucket.burst, state.tokens + elapsed * state.bucket.perSecond);
    state.updatedAt = now;
    while (state.recent.length > 0 && now - state.recent[0]! >= state.periodMilliseconds) state.recent.shift();
  }

  /**
   * Calls a bucket lets go now. The token bucket paces a sustained flow; the count of the last
   * period keeps a flow after a quiet spell from passing the limit within one period (a full
   * bucket plus a period's refill would be twice the broker's "N a minute").
   */
  private available(state: BucketState): number {
    return Math.min(state.tokens, state.bucket.burst - state.inFlight - state.recent.length);
  }

  /** Roughly how long until `needed` calls are available in a (refilled) bucket. */
  private waitFor(state: BucketState, needed: number): number {
    const { bucket, recent, periodMilliseconds } = state;
    const tokenWait = Math.max(0, ((needed - state.tokens) / bucket.perSecond) * 1000);
    const overflow = Math.ceil(state.inFlight + recent.length + needed - bucket.burst);
    if (overflow <= 0) return tokenWait;
    // The answered call that has to leave the period first; beyond those (calls still out), whole
    // periods more — an answer wakes the queue sooner if it comes sooner.
    const periodWait = overflow <= recent.length ? recent[overflow - 1]! + periodMilliseconds - this.now() : periodMilliseconds * Math.ceil(overflow / bucket.burst);
    return Math.max(tokenWait, periodWait);
  }

  /** Tokens a waiter must leave in a bucket: none for clients' calls, the reserve for background ones (a full bucket always lets one go). */
  private reserve(waiter: Waiter, state: BucketState): number {
    return waiter.request.priority === 'background' ? Math.min(state.bucket.burst * backgroundReserve, state.bucket.burst - 1) : 0;
  }

  /** Calls in flight a waiter may start beside: the cap for clients' calls, half of it for background ones. */
  private concurrencyFor(waiter: Waiter): number {
    const { maxConcurrent } = this.options;
    return waiter.request.priority === 'background' ? Math.max(1, Math.floor(maxConcurrent / 2)) : maxConcurrent;
  }

  private pump(): void {
    if (this.pumpTimer) {
      clearTimeout(this.pumpTimer);
      this.pumpTimer = undefined;
    }
    for (;;) {
      const waiter = this.queues.order.peek() ?? this.queues.read.peek() ?? this.queues.background.peek();
      if (!waiter || this.inFlight >= this.concurrencyFor(waiter)) return;
      for (const state of waiter.buckets) this.refill(state);
      const short = waiter.buckets.filter((state) => this.available(state) < 1 + this.reserve(waiter, state));
      if (short.length > 0) {
        // Wake up when the emptiest bucket has a whole call (above its reserve) again.
        const wait = Math.max(...short.map((state) => this.waitFor(state, 1 + this.reserve(waiter, state))));
        this.pumpTimer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(wait)));
        return;
      }
      this.queues[waiter.request.priority].shift();
      this.leave(waiter);
      const now = this.now();
      for (const state of waiter.buckets) {
        state.tokens -= 1;
        state.inFlight += 1;
      }
      this.inFlight += 1;
      this.options.onGranted?.(waiter.request.priority, now - waiter.queuedAt);
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        const answeredAt = this.now();
        for (const state of waiter.buckets) {
          state.inFlight -= 1;
          state.recent.push(answeredAt);
        }
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private abandon(waiter: Waiter, error: Error): void {
    if (!this.queues[waiter.request.priority].remove(waiter.client, waiter)) return;
    this.leave(waiter);
    waiter.reject(error);
    this.pump();
  }

  private leave(waiter: Waiter): void {
    if (waiter.timer) clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.request.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
