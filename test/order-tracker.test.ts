import { describe, expect, it } from 'vitest';
import type { Order, OrderEvent } from '../src/domain.js';
import { OrderTracker, type OrderObservation } from '../src/streams/accounts/order-tracker.js';
import { ClientSubscription, QueueMailbox } from '../src/streams/client-subscription.js';
import type { TopicEvent } from '../src/streams/feed.js';

/**
 * The order tracker on its own: what becomes an event from a sequence of broker messages and
 * polls (the gateway tests drive it over real sockets; these pin the rules), and the queue that
 * carries order events to a client that reads slowly.
 */

function order(fields: Partial<Order>): Order {
  return {
    id: '100',
    instrument: { key: 'BBG004730N88' },
    side: 'BUY',
    type: 'LIMIT',
    status: 'NEW',
    price: '281.5',
    requestedLots: '5',
    executedLots: '0',
    averageFillPrice: null,
    createdAt: null,
    message: null,
    ...fields,
  };
}

function tracked() {
  const events: OrderEvent[] = [];
  const tracker = new OrderTracker((event) => events.push(event));
  const see = (fields: Partial<Order>, extra: Partial<OrderObservation> = {}) =>
    tracker.observe({ order: order(fields), requestId: null, asOf: '2026-12-06T10:00:00Z', source: 'STREAM', ...extra });
  return { tracker, events, see, kinds: () => events.map((event) => event.kind) };
}

describe('OrderTracker', () => {
  it('reports each change once, in order, and drops repeats and older messages that arrive late', () => {
    const { see, kinds, events } = tracked();
    see({});
    see({});
    see({ status: 'PARTIALLY_FILLED', executedLots: '2', averageFillPrice: '281.5' }, { source: 'POLL' });
    see({ status: 'PARTIALLY_FILLED', executedLots: '2', averageFillPrice: '281.5' });
    see({});
    see({ status: 'FILLED', executedLots: '5', averageFillPrice: '281.44' }, { source: 'POLL' });
    see({ status: 'PARTIALLY_FILLED', executedLots: '4', averageFillPrice: '281.45' });
    see({ status: 'FILLED', executedLots: '5', averageFillPrice: '281.44' });
    expect(kinds()).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED']);
    // This fill only: 5 × 281.44 − 2 × 281.5 = 844.2 for the last 3 lots.
    expect(events[2]!.fill).toEqual({ lots: '3', price: '281.4', tradeId: null });
    expect(events.map((event) => event.source)).toEqual(['STREAM', 'POLL', 'POLL']);
  });

  it('links T-Invest’s first message (the request id where the order id goes) to the later ones, holding it back until then', () => {
    const { see, events } = tracked();
    const requestId = '8c1f6f3e-1b7a-4f2e-9a55-3f0c2d7e9b11';
    see({ id: requestId }, { requestId });
    expect(events).toEqual([]);
    see({ id: '52219000001', status: 'FILLED', executedLots: '5' }, { requestId, fills: [{ lots: '5', price: '281.6', tradeId: 'T7' }] });
    expect(events.map((event) => [event.kind, event.order.id, event.order.status])).toEqual([
      ['ACCEPTED', '52219000001', 'NEW'],
      ['FILLED', '52219000001', 'FILLED'],
    ]);
    expect(events[1]!.fill).toEqual({ lots: '5', price: '281.6', tradeId: 'T7' });
    // The first message arriving again (a lagging stream) is known by now.
    see({ id: requestId }, { requestId });
    expect(events).toHaveLength(2);
  });

  it('asks about a first message nobody followed up, by its request id', () => {
    const { tracker, see } = tracked();
    const requestId = '8c1f6f3e-1b7a-4f2e-9a55-3f0c2d7e9b12';
    see({ id: requestId }, { requestId });
    expect(tracker.silentRequests(Number.POSITIVE_INFINITY)).toEqual([requestId]);
    see({ id: '52219000002' }, { requestId, source: 'POLL' });
    expect(tracker.silentRequests(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('reports a rejection alone, and a poll that skipped states as each state (a partly filled market order the exchange cancelled)', () => {
    const rejected = tracked();
    rejected.see({ status: 'REJECTED', message: 'no money' });
    expect(rejected.kinds()).toEqual(['REJECTED']);

    const skipped = tracked();
    skipped.see({ type: 'MARKET', status: 'CANCELLED', executedLots: '3', averageFillPrice: '282' }, { source: 'POLL' });
    expect(skipped.kinds()).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'CANCELLED']);
    expect(skipped.events.map((event) => event.order.status)).toEqual(['NEW', 'PARTIALLY_FILLED', 'CANCELLED']);
    expect(skipped.events[1]!.fill).toEqual({ lots: '3', price: '282', tradeId: null });
  });

  it('does not report orders that were working before anyone followed the account, only their changes after', () => {
    const { tracker, see, kinds } = tracked();
    tracker.prime(order({ status: 'PARTIALLY_FILLED', executedLots: '1', averageFillPrice: '280' }));
    see({ status: 'PARTIALLY_FILLED', executedLots: '1', averageFillPrice: '280' });
    see({ status: 'CANCELLED', executedLots: '1', averageFillPrice: '280' });
    expect(kinds()).toEqual(['CANCELLED']);
    expect(tracker.working).toBe(false);
  });
});

describe('order events for a slow client', () => {
  const event = (index: number): TopicEvent => ({ kind: 'orderEvents', event: { order: order({ id: String(index) }), kind: 'ACCEPTED', fill: null, asOf: '2026-12-06T10:00:00Z', source: 'STREAM' } });

  it('keeps up to 1,000 unread, each in order, and past that ends the subscription with an error', async () => {
    let ended = 0;
    const subscription = new ClientSubscription<string>({
      mailbox: new QueueMailbox(1_000, 'order events'),
      present: (item) => (item.kind === 'orderEvents' ? item.event.order.id : ''),
      beginEvent: () => undefined,
      signal: new AbortController().signal,
      onEnd: () => (ended += 1),
    });
    for (let index = 0; index < 1_000; index++) subscription.offer('orders', event(index));
    expect(subscription.pending).toBe(1_000);
    const first = await subscription.next();
    expect(first.value).toMatchObject({ value: '0' });
    for (let index = 1_000; index < 1_002; index++) subscription.offer('orders', event(index));
    const next = await subscription.next();
    expect(next.value).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect((await subscription.next()).done).toBe(true);
    expect(ended).toBe(1);
  });
});
