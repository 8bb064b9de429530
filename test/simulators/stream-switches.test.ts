import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle } from '../support/stream-client.js';
import { sberUid, startTinkoffStreams, subscribeBlock, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * The stream simulators' test switches and records, on T-Invest's bridge (ALOR's `/ws` shares the
 * same machinery; alor-stream-limits.test.ts checks them there): what a gateway's healing,
 * reconciliation, fan-out and latency tests build on.
 */

let stack: TinkoffStreamStack;
beforeEach(async () => {
  stack = await startTinkoffStreams();
});
afterEach(async () => {
  await stack.stop();
});

const orderStates = async () => (await stack.orderStates({ pingDelayMillis: 5000 })).client;

describe('switches', () => {
  it('cuts sockets without a close frame: all of them, or the ones picked', async () => {
    const first = await orderStates();
    const second = await orderStates();
    expect(stack.streams.server.dropSockets((connection) => connection.id === 1)).toBe(1);
    expect((await first.closed()).code).toBe(1006);
    expect(second.isOpen).toBe(true);
    expect(stack.streams.server.dropSockets()).toBe(1);
    expect((await second.closed()).code).toBe(1006);
  });

  it('stalls a stream silently — no events, no pings — with the socket open, until released', async () => {
    const client = await orderStates();
    stack.streams.server.switches.stalled = true;
    await stack.order({ lots: 1 });
    stack.clock.advance(60_000);
    await settle(client);
    expect(client.unread).toEqual([]);
    expect(client.isOpen).toBe(true);
    stack.streams.server.switches.stalled = false;
    stack.clock.advance(5000);
    await client.nextWith('ping');
    const placed = await stack.order({ lots: 1 });
    expect((await client.nextWith('orderState')).orderState.orderRequestId).toBeDefined();
    expect((await client.nextWith('orderState')).orderState.orderId).toBe(placed.orderId);
  });

  it('lags order events by the set time, and nothing else', async () => {
    const client = await orderStates();
    const market = await stack.open('MarketDataStreamService/MarketDataStream');
    market.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }]));
    await market.nextWith('lastPrice');
    stack.streams.server.switches.orderLagMilliseconds = 75_000;
    const placed = await stack.order({ lots: 1 });
    await market.nextWith('lastPrice');
    stack.clock.advance(74_999);
    await settle(client);
    expect(client.unread.filter((message) => 'orderState' in message)).toEqual([]);
    stack.clock.advance(1);
    await client.nextWith('orderState');
    expect((await client.nextWith('orderState')).orderState).toMatchObject({ orderId: placed.orderId, executionReportStatus: 'EXECUTION_REPORT_STATUS_FILL' });
  });

  it('drops the next K events of a topic', async () => {
    const client = await orderStates();
    stack.streams.server.switches.dropNextEvents(2, 'OrderStateStream');
    // A market order makes two events (under its key, then filled): the first order's both are lost.
    await stack.order({ lots: 1 });
    const key = randomUUID();
    const kept = await stack.order({ lots: 1, key });
    expect((await client.nextWith('orderState')).orderState.orderId).toBe(key);
    expect((await client.nextWith('orderState')).orderState.orderId).toBe(kept.orderId);
    await settle(client);
    expect(client.unread).toEqual([]);
  });
});

describe('records', () => {
  it('counts subscribe requests per instrument and the sockets open', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => stack.open('MarketDataStreamService/MarketDataStream')));
    for (const client of clients) client.send(subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: sberUid, depth: 10 }]));
    for (const client of clients) await client.nextWith('orderbook');
    expect(stack.streams.server.subscribeRequests(`orderbook:${sberUid}`)).toBe(3);
    expect(stack.streams.server.subscribeRequests()).toBe(3);
    expect(stack.streams.server.openSockets).toBe(3);
    expect(stack.streams.openStreams('MarketDataStreamService')).toBe(3);
    clients[0]!.close();
    await clients[0]!.closed();
    await settle(clients[1]!);
    expect(stack.streams.server.openSockets).toBe(2);
    stack.streams.server.resetRecords();
    expect(stack.streams.server.subscribeRequests()).toBe(0);
  });

  it('logs when each data message left, per subscription, with the message\'s own time — and adds nothing to the wire', async () => {
    const client = await stack.open('MarketDataStreamService/MarketDataStream');
    client.send(subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: sberUid, depth: 1 }]));
    const first = (await client.nextWith('orderbook')).orderbook;
    stack.clock.advance(250);
    stack.simulator.state.market.tick();
    const second = (await client.nextWith('orderbook')).orderbook;
    const log = stack.streams.server.sendLog();
    expect(log).toEqual([
      { socket: 1, topic: 'MarketDataStream', subscription: `orderbook:${sberUid}:1`, sequence: 1, sentAt: Date.parse(first.time), time: first.time },
      { socket: 1, topic: 'MarketDataStream', subscription: `orderbook:${sberUid}:1`, sequence: 2, sentAt: Date.parse(second.time), time: second.time },
    ]);
    expect(Object.keys(second)).not.toContain('sentAt');
  });
});
