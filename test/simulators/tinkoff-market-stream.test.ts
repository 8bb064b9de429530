import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';
import { settle, StreamClient } from '../support/stream-client.js';
import { sberFigi, sberUid, startTinkoffStreams, subscribeBlock, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * T-Invest's WebSocket bridge, MarketDataStream side, over real sockets with a plain `ws` client:
 * routing, both ways of authenticating, message shapes as ws/README.md shows them, statuses,
 * the 100 ms throttle, idle-only pings and the 80004 close — on a clock the test moves.
 */

let stack: TinkoffStreamStack;
beforeEach(async () => {
  stack = await startTinkoffStreams({ subscriptionsPerStream: 4 });
});
afterEach(async () => {
  await stack.stop();
});

const marketData = 'MarketDataStreamService/MarketDataStream';
const book = (depth: number, instrumentId = sberUid) => subscribeBlock('subscribeOrderBookRequest', [{ instrumentId, depth }]);

describe('routing and authentication', () => {
  it('answers 404 for the bare /ws/ and for paths that are not stream methods', async () => {
    expect(await StreamClient.refusal(`${stack.streams.url}/`)).toBe(404);
    expect(await StreamClient.refusal(stack.streams.url)).toBe(404);
    expect(await StreamClient.refusal(stack.url('MarketDataStreamService/Nothing'))).toBe(404);
    expect(await StreamClient.refusal(stack.url('MarketDataService/GetOrderBook'))).toBe(404);
  });

  it('takes the token from the Authorization header or as the second subprotocol, and answers with the `json` one', async () => {
    const byHeader = await stack.open(marketData);
    byHeader.send(book(1));
    expect((await byHeader.nextWith('subscribeOrderBookResponse')).subscribeOrderBookResponse.orderBookSubscriptions[0].subscriptionStatus).toBe(
      'SUBSCRIPTION_STATUS_SUCCESS',
    );
    const byProtocol = await stack.open(marketData, { protocols: ['json', tinkoffSimulatorTokens.readonly] });
    expect(byProtocol.socket.protocol).toBe('json');
    byProtocol.send(book(1));
    expect((await byProtocol.nextWith('orderbook')).orderbook.figi).toBe(sberFigi);
  });

  it('ends a stream with an unknown token: an rpcStatus frame with 40003, then close 4016', async () => {
    const client = await stack.open(marketData, { token: 't.not-a-token' });
    expect(await client.next()).toEqual({ code: 16, message: '40003' });
    expect(await client.closed()).toEqual({ code: 4016, reason: '40003' });
    const anonymous = await stack.open(marketData, { protocols: ['json'] });
    expect(await anonymous.closed()).toEqual({ code: 4016, reason: '40003' });
  });
});

describe('subscriptions', () => {
  it('acknowledges an order book subscription and sends the whole top-depth book, as REST GetOrderBook has it', async () => {
    const client = await stack.open(marketData);
    client.send(book(10));
    const ack = await client.nextWith('subscribeOrderBookResponse');
    // ws/README.md's example, field for field.
    expect(Object.keys(ack.subscribeOrderBookResponse)).toEqual(['trackingId', 'orderBookSubscriptions']);
    expect(ack.subscribeOrderBookResponse.trackingId).toMatch(/^[0-9a-f]{32}$/);
    const [entry] = ack.subscribeOrderBookResponse.orderBookSubscriptions;
    expect(Object.keys(entry)).toEqual(['figi', 'depth', 'subscriptionStatus', 'instrumentUid', 'streamId', 'subscriptionId', 'orderBookType']);
    expect(entry).toMatchObject({ figi: sberFigi, depth: 10, subscriptionStatus: 'SUBSCRIPTION_STATUS_SUCCESS', instrumentUid: sberUid, orderBookType: 'ORDERBOOK_TYPE_EXCHANGE' });

    const { orderbook } = await client.nextWith('orderbook');
    expect(Object.keys(orderbook)).toEqual(['figi', 'depth', 'isConsistent', 'bids', 'asks', 'time', 'limitUp', 'limitDown', 'instrumentUid', 'orderBookType']);
    expect(orderbook.bids).toHaveLength(10);
    expect(orderbook.bids[0]).toEqual({ price: { units: '281', nano: 990000000 }, quantity: '45' });
    expect(orderbook.asks[0]).toEqual({ price: { units: '282', nano: 0 }, quantity: '45' });
    const rest = await stack.rest('MarketDataService/GetOrderBook', { instrumentId: sberUid, depth: 10 });
    expect({ bids: orderbook.bids, asks: orderbook.asks, limitUp: orderbook.limitUp }).toEqual({ bids: rest.bids, asks: rest.asks, limitUp: rest.limitUp });
    expect(orderbook.time).toBe(new Date(stack.clock.now()).toISOString());
  });

  it('answers every failure status in the acknowledgement, per instrument', async () => {
    const client = await stack.open(marketData);
    client.send(subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: 'no-such-instrument', depth: 10 }, { instrumentId: sberFigi, depth: 5 }, { instrumentId: 'GAZP_TQBR', depth: 20 }]));
    const statuses = (await client.nextWith('subscribeOrderBookResponse')).subscribeOrderBookResponse.orderBookSubscriptions;
    expect(statuses.map((entry: any) => entry.subscriptionStatus)).toEqual([
      'SUBSCRIPTION_STATUS_INSTRUMENT_NOT_FOUND',
      'SUBSCRIPTION_STATUS_DEPTH_IS_INVALID',
      'SUBSCRIPTION_STATUS_SUCCESS',
    ]);
    expect(statuses[0]).toMatchObject({ figi: '', instrumentUid: 'no-such-instrument', subscriptionId: '' });
    client.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }], 'SUBSCRIPTION_ACTION_UNSUBSCRIBE'));
    expect((await client.nextWith('subscribeLastPriceResponse')).subscribeLastPriceResponse.lastPriceSubscriptions[0].subscriptionStatus).toBe(
      'SUBSCRIPTION_STATUS_SUBSCRIPTION_NOT_FOUND',
    );
    client.send(subscribeBlock('subscribeCandlesRequest', [{ instrumentId: sberUid, interval: 'SUBSCRIPTION_INTERVAL_ONE_MINUTE' }, { instrumentId: sberUid }], 'SUBSCRIPTION_ACTION_SUBSCRIBE', { waitingClose: false }));
    const candles = (await client.nextWith('subscribeCandlesResponse')).subscribeCandlesResponse.candlesSubscriptions;
    expect(candles[0]).toMatchObject({ figi: sberFigi, interval: 'SUBSCRIPTION_INTERVAL_ONE_MINUTE', subscriptionStatus: 'SUBSCRIPTION_STATUS_SUCCESS', waitingClose: false });
    expect(candles[1].subscriptionStatus).toBe('SUBSCRIPTION_STATUS_INTERVAL_IS_INVALID');
    client.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }], 'SUBSCRIPTION_ACTION_UNSPECIFIED'));
    expect((await client.nextWith('subscribeInfoResponse')).subscribeInfoResponse.infoSubscriptions[0].subscriptionStatus).toBe(
      'SUBSCRIPTION_STATUS_SUBSCRIPTION_ACTION_IS_INVALID',
    );
  });

  it('refuses subscriptions past the per-stream cap with LIMIT_IS_EXCEEDED; info subscriptions do not count', async () => {
    // The cap is 300 (limits.md); this stack sets 4, the simulator having too few instruments for 300.
    const client = await stack.open(marketData);
    client.send(subscribeBlock('subscribeOrderBookRequest', [1, 10, 20, 30, 40].map((depth) => ({ instrumentId: sberUid, depth }))));
    const statuses = (await client.nextWith('subscribeOrderBookResponse')).subscribeOrderBookResponse.orderBookSubscriptions;
    expect(statuses.map((entry: any) => entry.subscriptionStatus)).toEqual([...Array(4).fill('SUBSCRIPTION_STATUS_SUCCESS'), 'SUBSCRIPTION_STATUS_LIMIT_IS_EXCEEDED']);
    client.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }]));
    expect((await client.nextWith('subscribeInfoResponse')).subscribeInfoResponse.infoSubscriptions[0].subscriptionStatus).toBe('SUBSCRIPTION_STATUS_SUCCESS');
    expect((await client.nextWith('tradingStatus')).tradingStatus).toMatchObject({
      figi: sberFigi,
      tradingStatus: 'SECURITY_TRADING_STATUS_NORMAL_TRADING',
      limitOrderAvailableFlag: true,
      marketOrderAvailableFlag: true,
      instrumentUid: sberUid,
    });
  });

  it('lists the live subscriptions on getMySubscriptions', async () => {
    const client = await stack.open(marketData);
    client.send(book(20));
    const subscribed = (await client.nextWith('subscribeOrderBookResponse')).subscribeOrderBookResponse.orderBookSubscriptions[0];
    client.send({ getMySubscriptions: {} });
    const listed = (await client.nextWith('subscribeOrderBookResponse')).subscribeOrderBookResponse.orderBookSubscriptions;
    expect(listed).toEqual([{ ...subscribed }]);
    await settle(client);
    expect(client.unread.filter((message) => 'subscribeLastPriceResponse' in message)).toEqual([]);
  });

  it('speaks the protos own names under `json-proto` and reads snake_case requests', async () => {
    const client = await stack.open(marketData, { protocols: ['json-proto', tinkoffSimulatorTokens.full] });
    expect(client.socket.protocol).toBe('json-proto');
    client.send({ subscribe_order_book_request: { subscription_action: 'SUBSCRIPTION_ACTION_SUBSCRIBE', instruments: [{ instrument_id: sberUid, depth: 1 }] } });
    const ack = await client.nextWith('subscribe_order_book_response');
    expect(ack.subscribe_order_book_response.order_book_subscriptions[0]).toMatchObject({ subscription_status: 'SUBSCRIPTION_STATUS_SUCCESS', instrument_uid: sberUid });
    expect(Object.keys((await client.nextWith('orderbook')).orderbook)).toContain('is_consistent');
  });

  it('pushes last prices and trades as orders over REST trade, and the book they took from', async () => {
    const client = await stack.open(marketData);
    client.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }]));
    expect((await client.nextWith('lastPrice')).lastPrice).toEqual({
      figi: sberFigi,
      price: { units: '281', nano: 990000000 },
      time: new Date(stack.clock.now()).toISOString(),
      instrumentUid: sberUid,
    });
    client.send(subscribeBlock('subscribeTradesRequest', [{ instrumentId: sberUid }]));
    await client.nextWith('subscribeTradesResponse');
    client.send(book(1));
    await client.nextWith('orderbook');
    stack.clock.advance(100);

    const placed = await stack.order({ lots: 3 });
    expect(placed.executionReportStatus).toBe('EXECUTION_REPORT_STATUS_FILL');
    expect((await client.nextWith('lastPrice')).lastPrice.price).toEqual({ units: '282', nano: 0 });
    expect((await client.nextWith('trade')).trade).toMatchObject({ figi: sberFigi, direction: 'TRADE_DIRECTION_BUY', price: { units: '282', nano: 0 }, quantity: '3' });
    expect((await client.nextWith('orderbook')).orderbook.asks).toEqual([{ price: { units: '282', nano: 0 }, quantity: '42' }]);
    const prices = await stack.rest('MarketDataService/GetLastPrices', { instrumentId: [sberUid] });
    expect(prices.lastPrices[0].price).toEqual({ units: '282', nano: 0 });
  });

  it('sends at most one book per subscription per 100 ms, and then the latest book', async () => {
    const client = await stack.open(marketData);
    client.send(book(1));
    await client.nextWith('orderbook');
    stack.simulator.state.market.tick();
    stack.simulator.state.market.tick();
    await settle(client);
    expect(client.unread.filter((message) => 'orderbook' in message)).toEqual([]);
    stack.clock.advance(99);
    await settle(client);
    expect(client.unread.filter((message) => 'orderbook' in message)).toEqual([]);
    stack.clock.advance(1);
    const latest = (await client.nextWith('orderbook')).orderbook;
    const rest = await stack.rest('MarketDataService/GetOrderBook', { instrumentId: sberUid, depth: 1 });
    expect({ bids: latest.bids, asks: latest.asks }).toEqual({ bids: rest.bids, asks: rest.asks });
    await settle(client);
    expect(client.unread.filter((message) => 'orderbook' in message)).toEqual([]);
  });
});
