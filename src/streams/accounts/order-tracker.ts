import { addDecimals, compareDecimals, divideDecimals, isZeroDecimal, multiplyDecimals, subtractDecimals, type Decimal } from '../../decimal.js';
import type { EventSource, Fill, Order, OrderEvent, OrderEventKind, OrderStatus } from '../../domain.js';

/**
 * Turns what a broker says about an account's orders — stream messages, and brokerql's own
 * polls when the stream is silent — into order events: one per change of state, in order,
 * never twice. An order's state only moves forward (more lots executed, then a final status),
 * so a message that repeats or goes back (a stream lagging behind a poll, a resend after a
 * reconnect) says nothing new and is dropped; a poll that skipped states (a market order found
 * already filled) reports each one it skipped (ACCEPTED, then FILLED).
 *
 * T-Invest's OrderStateStream names an order twice (orders_state_stream.md): its first message
 * carries the request id where the exchange number will be, the later ones the exchange
 * number; both carry the request id (`orderRequestId`, which brokerql always sends as a UID).
 * The tracker links the two through it and reports the order under its exchange number — the
 * id `placeOrder` answered and `cancelOrder` takes — holding a first message back until that
 * number is known (from a later message, or by asking T-Invest for the request id).
 */

export interface OrderObservation {
  /** The order as the broker describes it now. `id` may be the request id (T-Invest's first message). */
  order: Order;
  /** The client's key as the broker echoes it (T-Invest `orderRequestId`); null where the broker has none. */
  requestId: string | null;
  /** The trades this message reports (stream messages); absent when found by polling. */
  fills?: Fill[] | undefined;
  asOf: string;
  source: EventSource;
  /** The message names the instrument otherwise than queries do (T-Invest's order stream: by uid): look it up first. */
  instrumentByLookup?: boolean | undefined;
}

interface Tracked {
  /** The order as last described (placeOrder's answer, a listing, a message). */
  last?: Order | undefined;
  /** The state last reported; null before ACCEPTED. */
  status: OrderStatus | null;
  executedLots: Decimal;
  averageFillPrice: Decimal | null | undefined;
  final: boolean;
  /** When the broker last said anything about the order (a message, or an answer to a poll). */
  heardAt: number;
  finishedAt?: number;
}

const finalStatuses: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED']);
/** Finished orders are remembered this long, so a late or repeated message about them is recognised. */
const rememberFinishedMilliseconds = 30 * 60_000;

export class OrderTracker {
  private readonly orders = new Map<string, Tracked>();
  /** Request id → exchange order number. */
  private readonly links = new Map<string, string>();
  /** First messages whose exchange number is not known yet, by request id. */
  private readonly unlinked = new Map<string, { observation: OrderObservation; heardAt: number }>();

  constructor(
    private readonly emit: (event: OrderEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** An order brokerql placed: followed from now on, even if the stream never mentions it. Nothing is reported yet. */
  expect(order: Order): void {
    if (!this.orders.has(order.id)) this.orders.set(order.id, { last: order, status: null, executedLots: '0', averageFillPrice: null, final: false, heardAt: this.now() });
  }

  /** An order that was working before anyone followed the account: known from now on, its current state not reported. */
  prime(order: Order): void {
    if (this.orders.has(order.id)) return;
    this.orders.set(order.id, {
      last: order,
      status: order.status,
      executedLots: order.executedLots,
      averageFillPrice: order.averageFillPrice,
      final: finalStatuses.has(order.status),
      heardAt: this.now(),
    });
  }

  observe(observation: OrderObservation): void {
    const { requestId } = observation;
    let id = observation.order.id;
    if (requestId) {
      if (id === requestId) {
        const linked = this.links.get(requestId);
        if (!linked) {
          if (!this.unlinked.has(requestId)) this.unlinked.set(requestId, { observation, heardAt: this.now() });
          return;
        }
        id = linked;
      } else {
        // A later message supersedes a held first one: ACCEPTED is reported from it where due.
        this.links.set(requestId, id);
        this.unlinked.delete(requestId);
      }
    }
    this.apply(id, { ...observation, order: { ...observation.order, id } });
  }

  /** The order as last described, for a broker whose answer about a finished order leaves fields out. */
  lastKnown(orderId: string): Order | undefined {
    return this.orders.get(orderId)?.last;
  }

  /** Whether the order has filled more than last reported (so its fill price is worth asking for). */
  filledMore(order: Order): boolean {
    const tracked = this.orders.get(order.id);
    if (tracked?.final) return false;
    return compareDecimals(order.executedLots, tracked?.executedLots ?? '0') > 0;
  }

  /** Orders to ask the broker about: not finished, and nothing heard of them since `before`. */
  silentOrders(before: number): string[] {
    this.forgetOld();
    return [...this.orders].flatMap(([id, tracked]) => (!tracked.final && tracked.heardAt < before ? [id] : []));
  }

  /** Request ids whose first message came but whose exchange number is still unknown since `before`. */
  silentRequests(before: number): string[] {
    return [...this.unlinked].flatMap(([requestId, entry]) => (entry.heardAt < before ? [requestId] : []));
  }

  /** Whether any order may still change (so the broker may be asked about it). */
  get working(): boolean {
    return this.unlinked.size > 0 || [...this.orders.values()].some((tracked) => !tracked.final);
  }

  private apply(id: string, observation: OrderObservation): void {
    const { order } = observation;
    let tracked = this.orders.get(id);
    if (!tracked) {
      tracked = { status: null, executedLots: '0', averageFillPrice: null, final: false, heardAt: this.now() };
      this.orders.set(id, tracked);
    }
    tracked.heardAt = this.now();
    if (tracked.final) return;
    tracked.last = order;
    const progress = compareDecimals(order.executedLots, tracked.executedLots);
    // Fewer lots than already reported: an older message arriving late.
    if (progress < 0) return;
    const event = (kind: OrderEventKind, state: Order, fill: Fill | null = null) => this.emit({ order: state, kind, fill, asOf: observation.asOf, source: observation.source });

    if (tracked.status === null) {
      tracked.status = 'NEW';
      if (order.status === 'REJECTED') return this.finish(tracked, () => event('REJECTED', order));
      event('ACCEPTED', order.status === 'NEW' ? order : { ...order, status: 'NEW', executedLots: '0', averageFillPrice: null });
    }
    if (progress > 0) {
      const lots = subtractDecimals(order.executedLots, tracked.executedLots);
      const fill = fillOf(observation, tracked, lots);
      const filled = order.status === 'FILLED' || compareDecimals(order.executedLots, order.requestedLots) >= 0;
      tracked.executedLots = order.executedLots;
      tracked.averageFillPrice = order.averageFillPrice;
      if (filled) return this.finish(tracked, () => event('FILLED', { ...order, status: 'FILLED' }, fill));
      tracked.status = 'PARTIALLY_FILLED';
      // The state after this fill, even where the broker's answer already says more (the cancel that followed).
      event('PARTIALLY_FILLED', { ...order, status: 'PARTIALLY_FILLED' }, fill);
    }
    if (order.status === 'CANCELLED' || order.status === 'REJECTED') return this.finish(tracked, () => event(order.status as OrderEventKind, order));
    if (order.status === 'FILLED') this.finish(tracked, () => event('FILLED', order));
  }

  private finish(tracked: Tracked, report: () => void): void {
    tracked.final = true;
    tracked.finishedAt = this.now();
    report();
  }

  private forgetOld(): void {
    const before = this.now() - rememberFinishedMilliseconds;
    for (const [id, tracked] of this.orders) if (tracked.final && (tracked.finishedAt ?? 0) < before) this.orders.delete(id);
    for (const [requestId, id] of this.links) if (!this.orders.has(id)) this.links.delete(requestId);
  }
}

/**
 * This fill only: the trades the message lists when they add up to the lots executed since the
 * last report (price: their volume-weighted average); otherwise, from the change of the order's
 * average fill price. Null when neither tells (a broker whose orders carry no fill price).
 */
function fillOf(observation: OrderObservation, before: Tracked, lots: Decimal): Fill | null {
  const trades = observation.fills ?? [];
  if (trades.length > 0 && compareDecimals(addDecimals(...trades.map((trade) => trade.lots)), lots) === 0) {
    if (trades.length === 1) return { ...trades[0]! };
    const value = addDecimals(...trades.map((trade) => multiplyDecimals(trade.price, trade.lots)));
    return { lots, price: divideDecimals(value, lots), tradeId: null };
  }
  const average = observation.order.averageFillPrice;
  if (average === null || average === undefined) return null;
  const earlier = isZeroDecimal(before.executedLots) ? '0' : before.averageFillPrice;
  if (earlier === null || earlier === undefined) return null;
  const value = subtractDecimals(multiplyDecimals(average, observation.order.executedLots), multiplyDecimals(earlier, before.executedLots));
  return { lots, price: divideDecimals(value, lots), tradeId: null };
}
