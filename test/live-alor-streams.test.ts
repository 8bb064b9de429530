import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { SseClient } from './support/live-clients.js';
import { accountStream, eventually, orderEventsSubscription, ordersFollowed, placeOrder, portfolioQuery, portfolioSubscription } from './support/live-accounts.js';
import { startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';
import { startAlorWithShortTokens } from './support/alor-streams.js';

/**
 * ALOR's live accounts from its own account subscriptions on /ws (PositionsGetAndSubscribeV2,
 * SummariesGetAndSubscribeV2, OrdersGetAndSubscribeV2, TradesGetAndSubscribeV2), against the
 * ALOR stream simulator over real loopback sockets: portfolios equal to REST field by field,
 * order events with `source: STREAM`, queries answered from the live state.
 */

const account = 'alor:D38291';
const sber = '{ symbol: "SBER", exchange: "MOEX" }';
const sberKey = 'MOEX:SBER';
const withoutTime = ({ asOf: _asOf, ...portfolio }: Record<string, unknown>) => portfolio;

const positionsReads = (stack: LiveStack) => stack.simulators.alor!.server.requestCount('GET positions');
/** Account subscription requests ALOR's stream received for the portfolio, by opcode. */
const accountSubscriptions = (stack: LiveStack) => {
  const counts = stack.simulators.alorStreams!.server.subscribeRequestCounts();
  return ['PositionsGetAndSubscribeV2', 'SummariesGetAndSubscribeV2', 'OrdersGetAndSubscribeV2', 'TradesGetAndSubscribeV2'].map((opcode) => counts[`${opcode}:MOEX:D38291`] ?? 0);
};

describe('a live ALOR portfolio from its account subscriptions', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor'], cache: { liveAccounts: false } });
  });
  afterAll(() => stack.stop());

  it('starts with the REST portfolio and stays equal to it, field by field, through orders and fills — from the streams, not by reading again', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken });
    const first = (await client.next()).data.portfolio;
    const queried = (await graphql(stack.gateway, portfolioQuery(account), { token: stack.readToken })).data!.account.portfolio;
    expect(withoutTime(first)).toEqual(withoutTime(queried));
    await eventually(async () => (await accountStream(stack, 'alor'))['state'] === 'live', 'the ALOR account stream to be live');
    expect(await accountStream(stack, 'alor')).toMatchObject({ transport: 'websocket', sockets: 1 });
    const readsBefore = positionsReads(stack);

    const market = stack.simulators.alor!.state.market;
    await placeOrder(stack, { accountId: account, instrument: sber, lots: 2 });
    await placeOrder(stack, { accountId: account, instrument: sber, lots: 1, side: 'SELL' });
    await placeOrder(stack, { accountId: account, instrument: '{ symbol: "GAZP", exchange: "MOEX" }', lots: 1 });
    const bestBid = market.book(sberKey, 1).bids[0]!;
    await placeOrder(stack, { accountId: account, instrument: sber, type: 'LIMIT', lots: 2, price: bestBid.price });
    market.execute(sberKey, 'sell', bestBid.quantity + 1, bestBid.price);

    let rest: Record<string, unknown> = {};
    let queries = 0;
    const latest = () => withoutTime(client.results.at(-1).data.portfolio);
    await eventually(async () => {
      queries += 1;
      rest = withoutTime((await graphql(stack.gateway, portfolioQuery(account), { token: stack.readToken })).data!.account.portfolio);
      return JSON.stringify(latest()) === JSON.stringify(rest);
    }, 'the live portfolio to equal the REST one');
    expect(latest()).toEqual(rest);
    expect(client.results.length).toBeGreaterThan(1);
    // Every positions read since was one of these queries' own: the subscription's changes came from the stream.
    expect(positionsReads(stack) - readsBefore).toBe(queries);
    client.close();
  });

  it('holds one subscription of each kind per portfolio on one socket, however many clients', async () => {
    const before = accountSubscriptions(stack);
    const clients = await Promise.all([
      SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken }),
    ]);
    await Promise.all(clients.slice(0, 2).map((client) => client.next()));
    await ordersFollowed(stack, 'live', 'alor');
    // None since, or one of each if the streams had been closed with the last client before.
    const since = accountSubscriptions(stack).map((count, index) => count - before[index]!);
    expect(since.every((count) => count === since[0] && count <= 1)).toBe(true);
    expect(await accountStream(stack, 'alor')).toMatchObject({ transport: 'websocket', state: 'live', sockets: 1 });
    for (const client of clients) client.close();
  });
});

describe('order events from ALOR’s order and trade subscriptions', () => {
  let stack: LiveStack;
  let client: SseClient;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor'], streams: { reconcileAfterMs: 300 } });
    client = await SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken });
    await ordersFollowed(stack, 'live', 'alor');
  });
  afterAll(async () => {
    client.close();
    await stack.stop();
  });
  const eventsOf = (orderId: string) => client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === orderId);
  const nextOf = async (orderId: string, kind?: string) =>
    (await client.next((result) => result.data.orderEvents.order.id === orderId && (!kind || result.data.orderEvents.kind === kind))).data.orderEvents;
  const market = () => stack.simulators.alor!.state.market;

  it('reports a market order as ACCEPTED, then FILLED at its trades’ price, under the id placeOrder answered', async () => {
    const { order } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 2 });
    const filled = await nextOf(order!.id, 'FILLED');
    expect(eventsOf(order!.id).map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'STREAM'],
      ['FILLED', 'STREAM'],
    ]);
    expect(eventsOf(order!.id)[0].order).toMatchObject({ status: 'NEW', executedLots: '0', requestedLots: '2', instrument: { id: 'alor:MOEX:SBER' } });
    expect(order!.averageFillPrice).not.toBeNull();
    expect(filled).toMatchObject({ fill: { lots: '2', price: order!.averageFillPrice, tradeId: null }, order: { status: 'FILLED', executedLots: '2', averageFillPrice: order!.averageFillPrice } });
  });

  it('reports a partial fill (this fill only), then the cancel', async () => {
    const bestBid = market().book(sberKey, 1).bids[0]!;
    const { order } = await placeOrder(stack, { accountId: account, instrument: sber, type: 'LIMIT', lots: 3, price: bestBid.price });
    await nextOf(order!.id, 'ACCEPTED');
    // Someone sells into the level: the orders resting there first, then 2 lots of ours.
    market().execute(sberKey, 'sell', bestBid.quantity + 2, bestBid.price);
    const partial = await nextOf(order!.id, 'PARTIALLY_FILLED');
    expect(partial).toMatchObject({ source: 'STREAM', fill: { lots: '2', price: bestBid.price }, order: { status: 'PARTIALLY_FILLED', executedLots: '2' } });
    const cancel = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${account}", orderId: "${order!.id}") { status } }`, { token: stack.tradeToken });
    expect(cancel.errors).toBeUndefined();
    const cancelled = await nextOf(order!.id, 'CANCELLED');
    expect(cancelled).toMatchObject({ source: 'STREAM', fill: null, order: { status: 'CANCELLED', executedLots: '2' } });
    expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'PARTIALLY_FILLED', 'CANCELLED']);
  });

  it('reports orders another tool placed on the account', async () => {
    const placed = stack.simulators.alor!.orders.place({ portfolio: 'D38291', exchange: 'MOEX', symbol: 'SBER', side: 'buy', lots: 1, type: 'market', timeInForce: 'oneday', comment: null, iceberg: null });
    await nextOf(placed.id, 'FILLED');
    expect(eventsOf(placed.id).map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'STREAM'],
      ['FILLED', 'STREAM'],
    ]);
  });

  it('reports a fill lost with a dropped upstream socket exactly once', async () => {
    const server = stack.simulators.alorStreams!.server;
    server.switches.stalled = true;
    const { order } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 1, side: 'SELL' });
    server.dropSockets(() => true);
    server.switches.stalled = false;
    await nextOf(order!.id, 'FILLED');
    // A later order's events, in order after it: anything more about the first would have come by now.
    const { order: later } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 1, side: 'SELL' });
    await nextOf(later!.id, 'FILLED');
    expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
    expect(eventsOf(later!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
  });

  it('subscribes again with a new access token when ALOR refuses the one it had (401), and streams on', async () => {
    const refreshes = stack.simulators.alor!.server.requestCount('POST /refresh');
    stack.simulators.alorStreams!.expireTokens();
    stack.simulators.alorStreams!.server.dropSockets(() => true);
    await eventually(async () => stack.simulators.alor!.server.requestCount('POST /refresh') > refreshes, 'a new access token');
    await ordersFollowed(stack, 'live', 'alor');
    const { order } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 1 });
    await nextOf(order!.id, 'FILLED');
    expect(eventsOf(order!.id).map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'STREAM'],
      ['FILLED', 'STREAM'],
    ]);
  });

  it('reports a fill the stream holds back by asking ALOR (source POLL)', async () => {
    const server = stack.simulators.alorStreams!.server;
    server.switches.orderLagMilliseconds = 75_000;
    try {
      const { order } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 1, side: 'SELL' });
      const filled = await nextOf(order!.id, 'FILLED');
      expect(filled).toMatchObject({ source: 'POLL', fill: { lots: '1', price: order!.averageFillPrice, tradeId: null }, order: { status: 'FILLED' } });
      expect(eventsOf(order!.id).map((event) => event.kind)).toEqual(['ACCEPTED', 'FILLED']);
    } finally {
      server.switches.orderLagMilliseconds = 0;
    }
  });
});

describe('ALOR portfolio queries from the live state (cache.liveAccounts)', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor'], cache: { liveAccounts: true } });
  });
  afterAll(() => stack.stop());
  const brokerCalls = () => stack.simulators.alor!.server.requestCount();
  const query = async () => withoutTime((await graphql(stack.gateway, portfolioQuery(account), { token: stack.readToken })).data!.account.portfolio);

  it('answers with 0 broker calls while the stream is live and checked, and by REST while it is not', async () => {
    const first = await query();
    await eventually(async () => (await accountStream(stack, 'alor'))['state'] === 'live', 'the ALOR account stream to be live');
    await eventually(async () => {
      const before = brokerCalls();
      await query();
      return brokerCalls() === before;
    }, 'a query answered from the live state');
    const before = brokerCalls();
    expect(await query()).toEqual(first);
    expect(brokerCalls()).toBe(before);

    // Another tool's order: the stream changes the live state, and queries show it without asking ALOR.
    const shown = await query();
    const callsBeforeOrder = brokerCalls();
    stack.simulators.alor!.orders.place({ portfolio: 'D38291', exchange: 'MOEX', symbol: 'SBER', side: 'buy', lots: 1, type: 'market', timeInForce: 'oneday', comment: null, iceberg: null });
    await eventually(async () => JSON.stringify(await query()) !== JSON.stringify(shown), "the live state to show the other tool's order");
    expect(brokerCalls()).toBe(callsBeforeOrder);
    // The stream goes silent and is cut: until it is back and checked, queries ask ALOR.
    const server = stack.simulators.alorStreams!.server;
    server.switches.stalled = true;
    server.dropSockets(() => true);
    await eventually(async () => (await accountStream(stack, 'alor'))['state'] !== 'live', 'the ALOR account stream to be down');
    const reads = positionsReads(stack);
    await query();
    expect(positionsReads(stack)).toBe(reads + 1);
    server.switches.stalled = false;
    await eventually(async () => {
      const calls = brokerCalls();
      await query();
      return brokerCalls() === calls;
    }, 'queries answered from the live state again');
  });
});

describe('ALOR account streams, when the access token is due for renewal', () => {
  it('subscribes every account stream again with the new token, under the same guids, and streams on', { timeout: 30_000 }, async () => {
    // Tokens that live 3 s: renewed no sooner than 5 s apart (the subscriptions outlive their token at ALOR).
    const { stack, streams, stop } = await startAlorWithShortTokens(3);
    try {
      const client = await SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken });
      await ordersFollowed(stack, 'live', 'alor');
      await until(() => streams.server.subscribeRequests('OrdersGetAndSubscribeV2:MOEX:D38291') >= 2, 'a renewal to re-send the subscriptions', 20_000);
      const { order } = await placeOrder(stack, { accountId: account, instrument: sber, lots: 1 });
      await client.next((result) => result.data.orderEvents.order.id === order!.id && result.data.orderEvents.kind === 'FILLED');
      const events = client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === order!.id);
      expect(events.map((event) => [event.kind, event.source])).toEqual([
        ['ACCEPTED', 'STREAM'],
        ['FILLED', 'STREAM'],
      ]);
      expect(streams.server.openSockets).toBe(1);
      // The same guids throughout: ALOR replaced each subscription rather than adding another —
      // one summaries subscription per portfolio, each of which sent its row at every (re)subscription.
      const portfolios = Object.keys(streams.server.subscribeRequestCounts()).filter((what) => what.startsWith('SummariesGetAndSubscribeV2:'));
      const summaries = streams.server.sendLog().filter((message) => message.topic === 'SummariesGetAndSubscribeV2');
      expect(streams.server.subscribeRequests('SummariesGetAndSubscribeV2:MOEX:D38291')).toBeGreaterThanOrEqual(2);
      expect(new Set(summaries.map((message) => message.subscription)).size).toBe(portfolios.length);
      client.close();
    } finally {
      await stop();
    }
  });
});
