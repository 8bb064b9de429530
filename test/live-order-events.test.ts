import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetch } from 'undici';
import { SseClient } from './support/live-clients.js';
import { accountStream, ordersFollowed, orderEventsSubscription, placeOrder, placeOrderElsewhere } from './support/live-accounts.js';
import { sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';

/**
 * Order events over real sockets: T-Invest's OrderStateStream (its two messages per order linked),
 * and brokerql's own reconciling when the stream lags or loses a message.
 */

const sber = `tbank:${sberFigi}`;

describe('order events from T-Invest', () => {
  let stack: LiveStack;
  let client: SseClient;
  beforeAll(async () => {
    stack = await startLiveStack({ streams: { reconcileAfterMs: 300 } });
    client = await SseClient.open(stack.url, { query: orderEventsSubscription(), token: stack.readToken });
    await ordersFollowed(stack);
  });
  afterAll(async () => {
    client.close();
    await stack.stop();
  });
  const eventsOf = (orderId: string) => client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === orderId);

  it('reports a market order as ACCEPTED, then FILLED with this fill’s price and trade id, under the id placeOrder answered', async () => {
    const { order } = await placeOrder(stack, { lots: 2 });
    const filled = await client.next((result) => result.data.orderEvents.order.id === order!.id && result.data.orderEvents.kind === 'FILLED');
    const events = eventsOf(order!.id);
    expect(events.map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'STREAM'],
      ['FILLED', 'STREAM'],
    ]);
    expect(events[0].order).toMatchObject({ status: 'NEW', executedLots: '0', requestedLots: '2', instrument: { id: sber } });
    const event = filled.data.orderEvents;
    expect(event.order).toMatchObject({ status: 'FILLED', executedLots: '2', instrument: { id: sber } });
    expect(event.fill).toEqual({ lots: '2', price: order!.averageFillPrice, tradeId: expect.stringMatching(/^\d+$/) });
  });

  it('reports a partial fill (this fill only), then the cancel', async () => {
    const market = stack.tinkoff.state.market;
    const bestBid = market.book(sberFigi, 1).bids[0]!;
    const { order } = await placeOrder(stack, { type: 'LIMIT', lots: 3, price: bestBid.price });
    await client.next((result) => result.data.orderEvents.order.id === order!.id && result.data.orderEvents.kind === 'ACCEPTED');
    // Someone sells into the level: the earlier orders there first, then 2 lots of ours.
    market.execute(sberFigi, 'sell', bestBid.quantity + 2, bestBid.price);
    const partial = (await client.next((result) => result.data.orderEvents.order.id === order!.id)).data.orderEvents;
    expect(partial).toMatchObject({ kind: 'PARTIALLY_FILLED', source: 'STREAM', fill: { lots: '2', price: bestBid.price }, order: { status: 'PARTIALLY_FILLED', executedLots: '2' } });
    const cancelled = await stack.gateway.yoga.fetch('http://brokerql.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.tradeToken}` },
      body: JSON.stringify({ query: `mutation { cancelOrder(accountId: "tbank:2000345678", orderId: "${order!.id}") { status } }` }),
    });
    expect(((await cancelled.json()) as any).data.cancelOrder.status).toBe('CANCELLED');
    const last = (await client.next((result) => result.data.orderEvents.order.id === order!.id)).data.orderEvents;
    expect(last).toMatchObject({ kind: 'CANCELLED', fill: null, order: { status: 'CANCELLED', executedLots: '2' } });
    expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'CANCELLED']);
  });

  it("reports the exchange's rejection once, without an ACCEPTED before it", async () => {
    stack.tinkoff.state.exchangeRejectsNext = 1;
    await expect(placeOrder(stack, { lots: 1 })).rejects.toThrow(/UPSTREAM_REJECTED/);
    const rejected = (await client.next((result) => result.data.orderEvents.kind === 'REJECTED')).data.orderEvents;
    expect(eventsOf(rejected.order.id).map((event) => event.kind)).toEqual(['REJECTED']);
    expect(rejected.order.status).toBe('REJECTED');
  });

  it('reports orders another tool placed on the account', async () => {
    const placed = await placeOrderElsewhere(stack, { orderId: randomUUID(), quantity: '1' });
    await client.next((result) => result.data.orderEvents.order.id === placed.orderId && result.data.orderEvents.kind === 'FILLED');
    expect(eventsOf(placed.orderId).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
  });

  it('reports a fill the stream holds back 75 s by asking T-Invest (source POLL), before the stream would have', async () => {
    const server = stack.tinkoffStreams;
    const sentBefore = server.sendLog().filter((entry) => entry.topic === 'OrderStateStream').length;
    server.switches.orderLagMilliseconds = 75_000;
    try {
      const { order } = await placeOrder(stack, { lots: 1, side: 'SELL' });
      const filled = (await client.next((result) => result.data.orderEvents.order.id === order!.id && result.data.orderEvents.kind === 'FILLED')).data.orderEvents;
      expect(filled).toMatchObject({ source: 'POLL', fill: { lots: '1', price: order!.averageFillPrice, tradeId: null }, order: { status: 'FILLED', instrument: { id: sber } } });
      // Not one of the order's stream messages has been sent yet: the event came from brokerql's own asking.
      expect(server.sendLog().filter((entry) => entry.topic === 'OrderStateStream').length).toBe(sentBefore);
      expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
    } finally {
      server.switches.orderLagMilliseconds = 0;
    }
  });

  it('reports a fill lost with a dropped upstream socket exactly once', async () => {
    const server = stack.tinkoffStreams;
    server.switches.stalled = true;
    const { order } = await placeOrder(stack, { lots: 1, side: 'SELL' });
    server.dropSockets(() => true);
    server.switches.stalled = false;
    await client.next((result) => result.data.orderEvents.order.id === order!.id && result.data.orderEvents.kind === 'FILLED');
    // A later order's events, in order after it: anything more about the first would have come by now.
    const { order: later } = await placeOrder(stack, { lots: 1, side: 'SELL' });
    await client.next((result) => result.data.orderEvents.order.id === later!.id && result.data.orderEvents.kind === 'FILLED');
    expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
  });
});

describe('order events when T-Invest refuses the account streams (80001)', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ streams: { accountPollMs: 500 } });
  });
  afterAll(() => stack.stop());

  it('falls back to polling within the quota, says so in /readyz and the metrics, and still reports every change once', async () => {
    stack.simulators.tinkoffStreams!.refuseNextOpens(1);
    const client = await SseClient.open(stack.url, { query: orderEventsSubscription(), token: stack.readToken });
    await ordersFollowed(stack, 'polling');
    const status = await accountStream(stack);
    expect(status).toMatchObject({ transport: 'polling', state: 'polling', sockets: 0, pollingBecause: expect.stringContaining('80001') });
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/brokerql_stream_polling\{connection="tbank accounts"\} 1/);
    expect(metrics).toMatch(/brokerql_stream_clients\{connection="tbank accounts"\} 1/);
    expect(metrics).toMatch(/brokerql_stream_upstream_subscriptions\{connection="tbank accounts",kind="orderEvents"\} 1/);

    const { order } = await placeOrder(stack, { lots: 1 });
    const filled = (await client.next((result) => result.data.orderEvents.order.id === order.id && result.data.orderEvents.kind === 'FILLED')).data.orderEvents;
    expect(filled).toMatchObject({ source: 'POLL', fill: { lots: '1', price: order.averageFillPrice }, order: { status: 'FILLED', instrument: { id: sber } } });
    const events = client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === order.id);
    expect(events.map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'POLL'],
      ['FILLED', 'POLL'],
    ]);
    expect(stack.simulators.tinkoffStreams!.openStreams('OrderStateStream')).toBe(0);
    client.close();
  });
});

describe('account streams asked for again after a refusal', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ streams: { accountPollMs: 500 } });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await stack.stop();
  });

  it('polls after 80001, asks again once T-Invest has recounted (two minutes), and streams from then on', async () => {
    stack.simulators.tinkoffStreams!.refuseNextOpens(1);
    const client = await SseClient.open(stack.url, { query: orderEventsSubscription(), token: stack.readToken });
    await ordersFollowed(stack, 'polling');
    // Two minutes on the gateway's clock (only Date: the sockets and timers run as they do).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 121_000);
    await until(() => stack.simulators.tinkoffStreams!.openStreams('OrderStateStream') === 1, 'the order-state stream to be opened again');
    vi.useRealTimers();
    await ordersFollowed(stack, 'live');
    const { order } = await placeOrder(stack, { lots: 1 });
    await client.next((result) => result.data.orderEvents.order.id === order.id && result.data.orderEvents.kind === 'FILLED');
    const events = client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === order.id);
    expect(events.map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'STREAM'],
      ['FILLED', 'STREAM'],
    ]);
    client.close();
  });
});
