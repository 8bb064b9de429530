import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mainPortfolio, startAlorStreams, type AlorStreamStack } from '../support/alor-streams.js';
import { settle, type StreamClient } from '../support/stream-client.js';
import { until } from '../support/until.js';

/**
 * ALOR's `/ws` limits (alor.md §13): 10 sockets per user, 5,000 subscriptions per socket, and a
 * socket dropped once 5,000 of its messages wait unread — with ALOR's own numbers.
 */

let stack: AlorStreamStack;
beforeEach(async () => {
  stack = await startAlorStreams();
});
afterEach(async () => {
  await stack.stop();
});

async function subscribed(client: StreamClient, fields: Record<string, unknown>) {
  const guid = stack.request(client, fields);
  await client.next((message) => message.requestGuid === guid && message.httpCode === 200, `the acknowledgement of ${guid}`);
  return guid;
}

describe('limits', () => {
  it('answers a user\'s 11th socket 429 and closes it; a closed socket frees its place', async () => {
    const sockets: StreamClient[] = [];
    for (let index = 0; index < 10; index += 1) {
      const client = await stack.open();
      await subscribed(client, { opcode: 'SummariesGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true });
      sockets.push(client);
    }
    const eleventh = await stack.open();
    const guid = stack.request(eleventh, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    expect(await eleventh.next()).toMatchObject({ requestGuid: guid, httpCode: 429 });
    expect(await eleventh.closed()).toEqual({ code: 1008, reason: 'Too many connections' });
    sockets[0]!.close();
    await until(() => stack.streams.server.openSockets === 9, 'the closed socket to be gone');
    await subscribed(await stack.open(), { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
  });

  it('drops a socket asked for its 5,001st subscription', async () => {
    const client = await stack.open();
    for (let index = 0; index < 5000; index += 1) {
      stack.request(client, { opcode: 'SummariesGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true, guid: `summary-${index}` });
    }
    await client.next((message) => message.requestGuid === 'summary-4999', 'the 5,000th acknowledgement');
    expect(client.received.filter((message) => message.httpCode === 200)).toHaveLength(5000);
    // The same guid again replaces its subscription rather than adding one.
    await subscribed(client, { opcode: 'SummariesGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true, guid: 'summary-0' });
    stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    expect(await client.closed()).toEqual({ code: 1008, reason: 'Too many subscriptions' });
  });

  it('drops a socket whose reader lets 5,000 messages wait, and keeps one that reads', async () => {
    const reader = await stack.open();
    const sleeper = await stack.open();
    for (const client of [reader, sleeper]) await subscribed(client, { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX', depth: 50, frequency: 25 });
    sleeper.pause();
    // One book per 25 ms of the simulator's clock; the event loop turns between batches, as it
    // would between real market updates, so a reader that reads keeps up.
    for (let batch = 0; batch < 400 && stack.streams.server.openSockets === 2; batch += 1) {
      for (let update = 0; update < 50; update += 1) {
        stack.clock.advance(25);
        stack.simulator.state.market.tick(['MOEX:SBER']);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => stack.streams.server.openSockets === 1, 'the sleeping reader to be dropped');
    expect(reader.isOpen).toBe(true);
    sleeper.socket.resume();
    expect((await sleeper.closed()).code).toBe(1006);
  });
});

describe('switches', () => {
  it('holds order and trade events back by the lag, and lets market data through', async () => {
    const client = await stack.open();
    const orders = await subscribed(client, { opcode: 'OrdersGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true });
    const quotes = await subscribed(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX', skipHistory: true });
    stack.streams.server.switches.orderLagMilliseconds = 75_000;
    await stack.order('market', { quantity: 1 });
    stack.clock.advance(1000);
    await client.next((message) => message.guid === quotes);
    await settle(client);
    expect(client.unread.filter((message) => message.guid === orders)).toEqual([]);
    stack.clock.advance(74_000);
    expect((await client.next((message) => message.guid === orders)).data).toMatchObject({ status: 'working' });
    expect((await client.next((message) => message.guid === orders)).data).toMatchObject({ status: 'filled' });
  });

  it('drops the next events of one opcode, stalls everything silently, and cuts sockets', async () => {
    const client = await stack.open();
    const orders = await subscribed(client, { opcode: 'OrdersGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true });
    stack.streams.server.switches.dropNextEvents(1, 'OrdersGetAndSubscribeV2');
    const placed = await stack.order('market', { quantity: 1 });
    expect((await client.next((message) => message.guid === orders)).data).toMatchObject({ id: placed.orderNumber, status: 'filled' });

    stack.streams.server.switches.stalled = true;
    await stack.order('market', { quantity: 1 });
    const guid = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    await settle(client);
    expect(client.unread).toEqual([]);
    expect(client.isOpen).toBe(true);
    stack.streams.server.switches.stalled = false;
    stack.clock.advance(1000);
    stack.simulator.state.market.tick(['MOEX:SBER']);
    await client.next((message) => message.guid === guid);

    expect(stack.streams.server.dropSockets()).toBe(1);
    expect((await client.closed()).code).toBe(1006);
  });
});
