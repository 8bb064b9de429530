import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';
import { settle, type StreamClient } from '../support/stream-client.js';
import { mainAccount, sberUid, startTinkoffStreams, subscribeBlock, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * How T-Invest's streams live and end (streams.md §1.3): pings only while idle, the idle
 * market-data stream closed with 80004, per-user stream limits refused with 80001, a revoked
 * token — on a clock the test moves, so "two minutes" takes no time and no timing is asserted.
 */

let stack: TinkoffStreamStack;
beforeEach(async () => {
  stack = await startTinkoffStreams();
});
afterEach(async () => {
  await stack.stop();
});

const marketData = 'MarketDataStreamService/MarketDataStream';
const pings = (client: StreamClient) => client.unread.filter((message) => 'ping' in message);

describe('keep-alive', () => {
  it('pings only when nothing else was sent for the ping interval (default 120 s)', async () => {
    const client = await stack.open('OrdersStreamService/OrderStateStream');
    client.send({ accounts: [mainAccount] });
    await client.nextWith('subscription');
    stack.clock.advance(119_999);
    await settle(client);
    expect(pings(client)).toEqual([]);
    stack.clock.advance(1);
    expect((await client.nextWith('ping')).ping).toEqual({ time: new Date(stack.clock.now()).toISOString(), streamId: '' });
  });

  it('sends no ping while data flows, and pings again once the stream is idle', async () => {
    const client = await stack.open(marketData);
    client.send({ pingSettings: { pingDelayMs: 5000 } });
    client.send(subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: sberUid, depth: 1 }]));
    await client.nextWith('orderbook');
    for (let second = 0; second < 12; second += 1) {
      stack.clock.advance(1000);
      stack.simulator.state.market.tick();
      await client.nextWith('orderbook');
    }
    await settle(client);
    expect(pings(client)).toEqual([]);
    stack.clock.advance(4999);
    await settle(client);
    expect(pings(client)).toEqual([]);
    stack.clock.advance(1);
    await client.nextWith('ping');
  });

  it('keeps a requested interval within 5–180 s', async () => {
    const client = await stack.open(marketData);
    client.send({ pingSettings: { pingDelayMs: 10 } });
    client.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }]));
    await client.nextWith('tradingStatus');
    stack.clock.advance(4999);
    await settle(client);
    expect(pings(client)).toEqual([]);
    stack.clock.advance(1);
    await client.nextWith('ping');
  });

  it('answers a client ping with the time it was asked at', async () => {
    const client = await stack.open(marketData);
    client.send({ ping: { time: '2025-03-14T10:29:59.500Z' } });
    expect((await client.nextWith('ping')).ping).toEqual({ time: '2025-03-14T10:30:00.000Z', streamId: '', pingRequestTime: '2025-03-14T10:29:59.500Z' });
  });
});

describe('idle market-data streams', () => {
  it('closes a stream that has had no subscription for two minutes with 80004', async () => {
    const client = await stack.open(marketData);
    stack.clock.advance(119_999);
    await settle(client);
    expect(client.isOpen).toBe(true);
    stack.clock.advance(1);
    expect(await client.nextWith('code')).toEqual({ code: 8, message: '80004' });
    expect(await client.closed()).toEqual({ code: 4008, reason: '80004' });
  });

  it('starts counting again when the last subscription goes', async () => {
    const client = await stack.open(marketData);
    client.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }]));
    await client.nextWith('lastPrice');
    stack.clock.advance(300_000);
    await settle(client);
    expect(client.isOpen).toBe(true);
    client.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }], 'SUBSCRIPTION_ACTION_UNSUBSCRIBE'));
    await client.nextWith('subscribeLastPriceResponse');
    stack.clock.advance(120_000);
    expect(await client.closed()).toEqual({ code: 4008, reason: '80004' });
  });
});

describe('stream limits per user', () => {
  it('refuses a 17th market-data stream with 80001; a closed one frees its slot', async () => {
    const open: StreamClient[] = [];
    for (let index = 0; index < 15; index += 1) open.push(await stack.open(marketData));
    // The server-side variant counts against the same service limit, and any of the user's tokens does.
    open.push(await stack.open('MarketDataStreamService/MarketDataServerSideStream', { token: tinkoffSimulatorTokens.readonly }));
    expect(stack.streams.openStreams('MarketDataStreamService')).toBe(16);
    const refused = await stack.open(marketData);
    expect(await refused.next()).toEqual({ code: 8, message: '80001' });
    expect(await refused.closed()).toEqual({ code: 4008, reason: '80001' });
    open[0]!.close();
    await open[0]!.closed();
    const again = await stack.open(marketData);
    again.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }]));
    await again.nextWith('subscribeInfoResponse');
  });

  it('allows two portfolio streams and two positions streams, each method on its own count', async () => {
    for (const method of ['OperationsStreamService/PortfolioStream', 'OperationsStreamService/PositionsStream']) {
      const first = await stack.open(method);
      const second = await stack.open(method, { token: tinkoffSimulatorTokens.readonly });
      const third = await stack.open(method);
      expect(await third.closed()).toEqual({ code: 4008, reason: '80001' });
      expect([first.isOpen, second.isOpen]).toEqual([true, true]);
    }
  });

  it('allows ten order-state streams', async () => {
    for (let index = 0; index < 10; index += 1) await stack.open('OrdersStreamService/OrderStateStream');
    expect(await (await stack.open('OrdersStreamService/OrderStateStream')).closed()).toEqual({ code: 4008, reason: '80001' });
    const trades = await stack.open('OrdersStreamService/TradesStream');
    trades.send({ accounts: [mainAccount] });
    await trades.nextWith('subscription');
  });

  it('refuses the next opens with 80001 when told to, whatever the counts', async () => {
    stack.streams.refuseNextOpens(1);
    expect(await (await stack.open('OperationsStreamService/PortfolioStream')).closed()).toEqual({ code: 4008, reason: '80001' });
    const next = await stack.open('OperationsStreamService/PortfolioStream');
    next.send({ accounts: [mainAccount] });
    await next.nextWith('subscriptions');
  });

  it('can keep a closed stream counted for a while, as T-Invest\'s two-minute counter does', async () => {
    await stack.stop();
    stack = await startTinkoffStreams({ closedStreamCountsForMilliseconds: 120_000 });
    const first = await stack.open('OperationsStreamService/PortfolioStream');
    await stack.open('OperationsStreamService/PortfolioStream');
    first.close();
    await first.closed();
    expect(await (await stack.open('OperationsStreamService/PortfolioStream')).closed()).toEqual({ code: 4008, reason: '80001' });
    stack.clock.advance(120_000);
    const later = await stack.open('OperationsStreamService/PortfolioStream');
    later.send({ accounts: [mainAccount] });
    await later.nextWith('subscriptions');
  });
});

describe('revoked tokens and bad requests', () => {
  it('ends the streams of a revoked token with UNAUTHENTICATED, and REST refuses it too', async () => {
    const revoked = await stack.open('OrdersStreamService/OrderStateStream');
    const other = await stack.open('OrdersStreamService/OrderStateStream', { token: tinkoffSimulatorTokens.readonly });
    stack.streams.revokeToken(tinkoffSimulatorTokens.full);
    expect(await revoked.next()).toEqual({ code: 16, message: '40003' });
    expect(await revoked.closed()).toEqual({ code: 4016, reason: '40003' });
    expect((await stack.rest('UsersService/GetAccounts', {})).status).toBe(401);
    await settle(other);
    expect(other.isOpen).toBe(true);
    expect(await (await stack.open(marketData)).closed()).toEqual({ code: 4016, reason: '40003' });
  });

  it('ends a stream whose request is not JSON with INVALID_ARGUMENT (4003)', async () => {
    const client = await stack.open('OperationsStreamService/PortfolioStream');
    client.send('{not json');
    expect(await client.closed()).toEqual({ code: 4003, reason: '30001' });
    const empty = await stack.open('OperationsStreamService/PositionsStream');
    empty.send({ accounts: [] });
    expect(await empty.next()).toEqual({ code: 3, message: '30021' });
  });

  it('takes a server-side stream\'s subscriptions from its one request', async () => {
    const client = await stack.open('MarketDataStreamService/MarketDataServerSideStream');
    client.send({
      ...subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: sberUid, depth: 1 }]),
      ...subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }]),
    });
    await client.nextWith('orderbook');
    await client.nextWith('lastPrice');
    client.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }]));
    await settle(client);
    expect(client.unread.filter((message) => 'subscribeInfoResponse' in message)).toEqual([]);
  });
});
