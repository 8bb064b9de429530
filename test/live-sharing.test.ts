import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient, WebSocketConnection } from './support/live-clients.js';
import { expectBookInvariants, gazpFigi, lastPricesSubscription, orderbookSubscription, sberFigi, sberUid, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';

/**
 * One upstream subscription per connection, instrument and kind, whatever the number of clients,
 * counted where it counts: at T-Invest's stream simulator. Deeper books share one subscription at
 * the deepest depth asked; the last client leaving ends it after the grace.
 */

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack({ streams: { graceMs: 300 } });
});
afterAll(() => stack.stop());

const market = () => stack.simulators.tinkoff!.state.market;
/** Subscribe requests for SBER's book the simulator has received (any depth). */
const bookSubscribes = () => stack.tinkoffStreams.subscribeRequests(`orderbook:${sberUid}`);

describe('fan-out', () => {
  it('feeds 50 clients of one book, over both transports, from ONE upstream subscription', async () => {
    stack.tinkoffStreams.resetRecords();
    const sse = await Promise.all(Array.from({ length: 40 }, () => SseClient.open(stack.url, { query: orderbookSubscription(10), token: stack.readToken })));
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const websocket = Array.from({ length: 10 }, () => connection.subscribe({ query: orderbookSubscription(10) }));
    const clients = [...sse, ...websocket];
    const firsts = await Promise.all(clients.map((client) => client.next()));
    expect(new Set(firsts.map((result) => JSON.stringify(result.data.orderbook))).size).toBe(1);
    expect(bookSubscribes()).toBe(1);
    expect(stack.tinkoffStreams.openSockets).toBe(1);

    market().execute(sberFigi, 'buy', 3);
    const expected = market().book(sberFigi, 10);
    const moved = await Promise.all(clients.map((client) => client.next()));
    for (const result of moved) {
      expect(result.data.orderbook.asks.map((level: { quantity: string }) => Number(level.quantity))).toEqual(expected.asks.map((level) => level.quantity));
      expectBookInvariants(result.data.orderbook, 10);
    }
    expect(bookSubscribes()).toBe(1);
    for (const client of clients) client.close();
    connection.close();
  });

  it('shares one subscription between depths, at the deepest asked, and cuts each client its own depth', async () => {
    stack.tinkoffStreams.resetRecords();
    const shallow = await SseClient.open(stack.url, { query: orderbookSubscription(5, `{ figi: "${gazpFigi}" }`), token: stack.readToken });
    const single = await SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${gazpFigi}" }`), token: stack.readToken });
    await Promise.all([shallow.next(), single.next()]);
    const deep = await SseClient.open(stack.url, { query: orderbookSubscription(20, `{ figi: "${gazpFigi}" }`), token: stack.readToken });
    const deepFirst = (await deep.next()).data.orderbook;
    expect(deepFirst.bids).toHaveLength(20);
    // 5 and 1 fit T-Invest's depth 10; 20 needs its depth 20: two subscribe requests, never three.
    expect(stack.tinkoffStreams.subscribeRequests('orderbook:962e2a95-02a9-4171-abd7-aa198dbe643a')).toBe(2);

    const sentBefore = stack.tinkoffStreams.sendLog().length;
    market().execute(gazpFigi, 'sell', 2);
    const [five, one, twenty] = await Promise.all([shallow, single, deep].map((client) => client.next((result) => result.data.orderbook.bids[0].quantity !== deepFirst.bids[0].quantity || result.data.orderbook.bids[0].price !== deepFirst.bids[0].price)));
    expect(five.data.orderbook.bids).toEqual(twenty.data.orderbook.bids.slice(0, 5));
    expect(one.data.orderbook.asks).toEqual(twenty.data.orderbook.asks.slice(0, 1));
    expectBookInvariants(five.data.orderbook, 5);
    expectBookInvariants(one.data.orderbook, 1);
    expectBookInvariants(twenty.data.orderbook, 20);
    // Only the depth-20 subscription is left upstream: the depth-10 one was replaced, not kept beside it.
    const sent = stack.tinkoffStreams.sendLog().slice(sentBefore);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((message) => message.subscription))).toEqual(new Set(['orderbook:962e2a95-02a9-4171-abd7-aa198dbe643a:20']));
    for (const client of [shallow, single, deep]) client.close();
  });
});

describe('the last client leaving', () => {
  it('keeps the upstream subscription through the grace for a client that comes back, then ends it', async () => {
    await until(() => stack.tinkoffStreams.openSockets === 0, 'the earlier tests\' streams to end');
    stack.tinkoffStreams.resetRecords();
    const first = await SseClient.open(stack.url, { query: lastPricesSubscription([`{ figi: "${sberFigi}" }`]), token: stack.readToken });
    const price = (await first.next()).data.lastPrices.price;
    first.close();
    // Back within the grace (300 ms): the price is there at once, and nothing new is asked upstream.
    const back = await SseClient.open(stack.url, { query: lastPricesSubscription([`{ figi: "${sberFigi}" }`]), token: stack.readToken });
    expect((await back.next()).data.lastPrices.price).toBe(price);
    expect(stack.tinkoffStreams.subscribeRequests()).toBe(1);
    back.close();
    // Nobody left: after the grace the subscription ends, and with it the stream that carried only it.
    await until(() => stack.tinkoffStreams.openSockets === 0, 'the upstream stream to close after the grace');
    const readiness = (await (await fetch(`${stack.url}/readyz`)).json()) as { connections: Array<{ id: string; stream: { state: string } }> };
    expect(readiness.connections.find((connection) => connection.id === 'tbank')!.stream.state).toBe('idle');
  });
});
