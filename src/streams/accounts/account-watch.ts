import { wholePortfolio } from '../../brokers/adapter.js';
import type { ConnectionModel } from '../../brokers/connection.js';
import type { InstrumentHint, Order, OrderEvent, Portfolio } from '../../domain.js';
import { BrokerqlError, InternalError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { FeedSink } from '../feed.js';
import type { StreamsConfig } from '../settings.js';
import type { PortfolioChange } from './account-streams.js';
import { OrderTracker, type OrderObservation } from './order-tracker.js';

/**
 * One followed account: its portfolio and its orders, for the clients subscribed to them and for
 * the queries answered from them. The portfolio is first read by REST (T-Invest's PortfolioStream
 * sends nothing on subscribing), then changed by what the stream pushes, and read again every
 * `liveCheckMs` — and after any gap in the stream — to check it. Orders: the stream's messages go
 * through an OrderTracker (order-tracker.ts); a working order the stream has been silent about
 * for `reconcileAfterMs` is asked about (GetOrders, then the single order once it has left the
 * active list). Without a stream, both are polled every `accountPollMs`.
 */

export interface WatchHost {
  connection: ConnectionModel;
  settings: StreamsConfig;
  logger: Logger;
  /** Whether the connection's account streams are live now (false: polling, or reconnecting). */
  streaming(): boolean;
  /** The instrument as queries name it, for an observation whose broker names it otherwise (T-Invest's order stream: by uid). */
  instrumentHint(hint: InstrumentHint): Promise<InstrumentHint>;
}

export class AccountWatch {
  readonly portfolioSinks = new Set<FeedSink>();
  readonly orderSinks = new Set<FeedSink>();
  private state: Portfolio | undefined;
  private emitted: string | undefined;
  /** When a REST read last confirmed the state (0: never, or a gap in the stream since). */
  private checkedAt = 0;
  private readAt = 0;
  private reading = false;
  /** Changes the stream pushed while a REST read was out: applied to its answer, which may predate them. */
  private changesDuringRead: PortfolioChange[] = [];
  private leaseUntil = 0;
  private readonly tracker: OrderTracker;
  private ordersPrimed = false;
  private reconciling = false;
  private reconciledAt = 0;
  private deliveries: Promise<void> = Promise.resolve();
  private emitTimer: NodeJS.Immediate | undefined;
  private readonly timer: NodeJS.Timeout;
  /** When brokerql last placed an order on the account, and when the stream last changed the portfolio. */
  private ownOrderAt = 0;
  private changedAt = 0;
  /** Since when the portfolio could not be read (undefined while it can). */
  private failingSince: number | undefined;

  constructor(
    readonly brokerAccountId: string,
    private readonly host: WatchHost,
  ) {
    this.tracker = new OrderTracker((event) => this.deliverOrder(event));
    const every = Math.max(50, Math.min(500, Math.floor(host.settings.reconcileAfterMs / 4)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  /** Whether the account's working orders are known, so that what changes from now on is reported. */
  get ordersFollowed(): boolean {
    return this.ordersPrimed && this.orderSinks.size > 0;
  }

  /** Nobody subscribes and no query asked lately: the feed may forget it. */
  get idle(): boolean {
    return this.portfolioSinks.size === 0 && this.orderSinks.size === 0 && this.leaseUntil <= Date.now();
  }

  /** A query's view: the live state while the stream is live and the state was checked lately; undefined means "ask the broker". */
  livePortfolio(): Portfolio | undefined {
    this.leaseUntil = Date.now() + this.host.settings.accountIdleMs;
    if (!this.state) this.read();
    const now = Date.now();
    const fresh = now - this.checkedAt <= this.host.settings.liveCheckMs;
    // Read your own writes: after an order placed through brokerql, the broker answers until the
    // stream has pushed a change (or `reconcileAfterMs` passed: an order that changed nothing).
    const awaitingOwnOrder = this.ownOrderAt > this.changedAt && now - this.ownOrderAt < this.host.settings.reconcileAfterMs;
    return this.host.streaming() && fresh && !awaitingOwnOrder ? this.state : undefined;
  }

  addPortfolioSink(sink: FeedSink): void {
    this.portfolioSinks.add(sink);
    if (!this.state) return this.read();
    this.emitted = seenOf(this.state);
    sink.next({ kind: 'portfolio', portfolio: this.state });
  }

  addOrderSink(sink: FeedSink): void {
    this.orderSinks.add(sink);
    if (!this.ordersPrimed) void this.reconcile();
  }

  /** Something the stream pushed about the portfolio. */
  change(change: PortfolioChange): void {
    this.changedAt = Date.now();
    if (this.reading) this.changesDuringRead.push(change);
    if (!this.state) return;
    this.state = applyChange(this.state, change);
    this.scheduleEmit();
  }

  /** A stream message about an order; in order, each once its instrument is named as queries name it. */
  order(observation: OrderObservation): void {
    this.deliveries = this.deliveries.then(async () => {
      if (observation.instrumentByLookup) {
        const instrument = await this.host.instrumentHint(observation.order.instrument).catch(() => observation.order.instrument);
        observation = { ...observation, order: { ...observation.order, instrument } };
      }
      this.tracker.observe(observation);
    });
  }

  orderPlaced(order: Order): void {
    this.ownOrderAt = Date.now();
    if (this.orderSinks.size > 0) this.tracker.expect(order);
  }

  /** The stream was lost: what it builds is no longer trusted until a REST read after it is back. */
  interrupted(): void {
    this.checkedAt = 0;
  }

  /** The stream is live (again): read what a gap may have hidden. */
  resumed(): void {
    this.checkedAt = 0;
    if (this.state || this.portfolioSinks.size > 0) this.read();
    if (this.orderSinks.size > 0) void this.reconcile(true);
  }

  close(): void {
    clearInterval(this.timer);
    if (this.emitTimer) clearImmediate(this.emitTimer);
  }

  private tick(): void {
    const now = Date.now();
    const { settings } = this.host;
    const streaming = this.host.streaming();
    // Polled only for subscribers; a state kept for queries is worth keeping only while it streams.
    const due = streaming ? (this.portfolioSinks.size > 0 || this.leaseUntil > now) && now - this.checkedAt >= settings.liveCheckMs : this.portfolioSinks.size > 0 && now - this.readAt >= settings.accountPollMs;
    if (due) this.read();
    if (this.orderSinks.size === 0) return;
    if (!streaming) {
      if (now - this.reconciledAt >= settings.accountPollMs) void this.reconcile(true);
      return;
    }
    const before = now - settings.reconcileAfterMs;
    if (this.tracker.silentOrders(before).length > 0 || this.tracker.silentRequests(before).length > 0) void this.reconcile(false);
  }

  /** One REST read of the whole portfolio; the stream's changes since it went out are applied to its answer. */
  private read(): void {
    if (this.reading) return;
    this.reading = true;
    this.readAt = Date.now();
    this.changesDuringRead = [];
    const { adapter } = this.host.connection;
    adapter
      .getPortfolio({ brokerAccountId: this.brokerAccountId, parts: wholePortfolio })
      .then((answer) => {
        const live = this.changesDuringRead.reduce(applyChange, answer);
        this.state = live;
        this.checkedAt = this.readAt;
        this.scheduleEmit();
      })
      .then(() => (this.failingSince = undefined))
      .catch((error: unknown) => this.readFailed(error))
      .finally(() => {
        this.reading = false;
        this.changesDuringRead = [];
      });
  }

  /**
   * A read that failed is tried again on the next tick. Once it cannot succeed (the broker refused
   * brokerql's credential, or the account) or the broker has been unreachable for
   * `unavailableAfterMs`, the portfolio subscriptions end with the error and the state is dropped:
   * nobody is shown a portfolio that can no longer be checked.
   */
  private readFailed(error: unknown): void {
    this.failingSince ??= this.readAt;
    this.host.logger.warn({ connection: this.host.connection.id, error: String(error) }, 'a live portfolio could not be read; trying again');
    const failure = error instanceof BrokerqlError ? error : new InternalError('brokerql could not read the portfolio', { cause: error, connection: this.host.connection.id });
    if (failure.retryable && Date.now() - this.failingSince < this.host.settings.unavailableAfterMs) return;
    this.state = undefined;
    this.emitted = undefined;
    const sinks = [...this.portfolioSinks];
    this.portfolioSinks.clear();
    for (const sink of sinks) sink.fail(failure);
  }

  /**
   * Asks the broker about the account's orders: every active one (orders placed by other tools
   * included), and each followed order that has left the active list (its final state). The
   * first answer only primes the tracker: orders working before anyone followed are not news.
   * `all`: ask even about orders the stream has spoken of lately (polling, or after a gap).
   */
  private async reconcile(all = false): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    const { adapter } = this.host.connection;
    const asked = Date.now();
    try {
      const silent = new Set(this.tracker.silentOrders(all ? Number.POSITIVE_INFINITY : asked - this.host.settings.reconcileAfterMs));
      const requests = this.tracker.silentRequests(all ? Number.POSITIVE_INFINITY : asked - this.host.settings.reconcileAfterMs);
      const active = await adapter.listOrders({ brokerAccountId: this.brokerAccountId });
      const observation = (order: Order, requestId: string | null = null): OrderObservation => ({ order, requestId, asOf: new Date().toISOString(), source: 'POLL' });
      if (!this.ordersPrimed) {
        this.ordersPrimed = true;
        for (const order of active) this.tracker.prime(order);
        return;
      }
      for (const order of active) silent.delete(order.id);
      // Each on its own: one the broker cannot describe (yet) must not hide the others' ends.
      const ends = [...silent].map((orderId) =>
        adapter.getOrder ? adapter.getOrder({ brokerAccountId: this.brokerAccountId, orderId, known: this.tracker.lastKnown(orderId) }).catch(() => undefined) : undefined,
      );
      const finished = (await Promise.all(ends)).filter((order): order is Order => order !== undefined);
      for (const order of await this.withFillPrices([...active, ...finished])) this.tracker.observe(observation(order));
      for (const requestId of adapter.getOrder ? requests : []) {
        this.tracker.observe(observation(await adapter.getOrder!({ brokerAccountId: this.brokerAccountId, orderId: requestId, byRequestId: true }), requestId));
      }
    } catch (error) {
      this.host.logger.warn({ connection: this.host.connection.id, error: String(error) }, "a live account's orders could not be read; trying again");
    } finally {
      this.reconciledAt = Date.now();
      this.reconciling = false;
    }
  }

  /**
   * Orders whose answer leaves the fill price to be asked for (ALOR: its trades carry it), with
   * it — in one call, and only for those that filled more since last seen: a fill's price is the
   * change of the average.
   */
  private async withFillPrices(orders: Order[]): Promise<Order[]> {
    const { adapter } = this.host.connection;
    const unpriced = orders.filter((order) => order.averageFillPrice === undefined && this.tracker.filledMore(order));
    if (unpriced.length === 0 || !adapter.getAverageFillPrices) return orders;
    const prices = await adapter.getAverageFillPrices({ brokerAccountId: this.brokerAccountId, orderIds: unpriced.map((order) => order.id) });
    return orders.map((order) => (order.averageFillPrice === undefined && prices.has(order.id) ? { ...order, averageFillPrice: prices.get(order.id)! } : order));
  }

  private deliverOrder(event: OrderEvent): void {
    for (const sink of this.orderSinks) sink.next({ kind: 'orderEvents', event });
  }

  /** Once per turn of the event loop: a portfolio and a positions message of one change become one event. */
  private scheduleEmit(): void {
    if (this.emitTimer) return;
    this.emitTimer = setImmediate(() => {
      this.emitTimer = undefined;
      const state = this.state;
      if (!state) return;
      const seen = seenOf(state);
      if (seen === this.emitted) return;
      this.emitted = seen;
      for (const sink of this.portfolioSinks) sink.next({ kind: 'portfolio', portfolio: state });
    });
  }
}

/** What makes two portfolios the same to a client: everything but the time. */
function seenOf(portfolio: Portfolio): string {
  return JSON.stringify([portfolio.positions, portfolio.cash, portfolio.valuation]);
}

/** The portfolio after a stream message: the parts it carries replace the old ones; cash per currency. */
export function applyChange(portfolio: Portfolio, change: PortfolioChange): Portfolio {
  let cash = portfolio.cash;
  if (change.cash) {
    const byCurrency = new Map(change.cash.map((row) => [row.currency, row]));
    cash = portfolio.cash.map((row) => byCurrency.get(row.currency) ?? row);
    for (const row of change.cash) if (!portfolio.cash.some((existing) => existing.currency === row.currency)) cash = [...cash, row];
  }
  return {
    positions: change.positions ?? portfolio.positions,
    cash,
    valuation: change.valuation === undefined ? portfolio.valuation : change.valuation,
    asOf: change.asOf,
  };
}
