import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { SseClient } from './support/live-clients.js';
import { expectBookInvariants, lastPricesSubscription, orderbookQuery, orderbookSubscription, sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';
import { startAlorWithShortTokens } from './support/alor-streams.js';

/**
 * Live data from each broker, through the gateway: ALOR's `/ws` (its JWT in every request,
 * renewed and sent again), Tinkoff v1's REST book polled within its quota (one read per
 * instrument for every client of it), each book exact and in order.
 */

const alorSber = '{ symbol: "SBER", exchange: "MOEX" }';

describe('ALOR', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor'] });
  });
  afterAll(() => stack.stop());
  const alorStreams = () => stack.simulators.alorStreams!;
  const market = () => stack.simulators.alor!.state.market;

  it("streams the book exactly as ALOR's REST book has it (JSON numbers read losslessly), then every change", async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(10, alorSber, 'alor'), token: stack.readToken });
    const first = (await client.next()).data.orderbook;
    const queried = await graphql(stack.gateway, orderbookQuery(10, alorSber, 'alor'), { token: stack.readToken });
    expect({ bids: first.bids, asks: first.asks }).toEqual({ bids: queried.data!.orderbook.bids, asks: queried.data!.orderbook.asks });
    expect(first.instrument).toEqual({ id: 'alor:MOEX:SBER', ticker: 'SBER' });
    expectBookInvariants(first, 10);
    market().execute('MOEX:SBER', 'buy', 7);
    const book = market().book('MOEX:SBER', 10);
    const moved = await client.next((result) => result.data.orderbook.asks[0].quantity === String(book.asks[0]!.quantity) && result.data.orderbook.asks[0].price === book.asks[0]!.price);
    expectBookInvariants(moved.data.orderbook, 10);
    client.close();
  });

  it('sends last prices, and only when they change (ALOR pushes a quote on every bid and ask move)', async () => {
    const client = await SseClient.open(stack.url, { query: lastPricesSubscription([alorSber, '{ id: "alor:MOEX:GAZP" }'], 'alor'), token: stack.readToken });
    await until(() => client.results.length >= 2, 'both current prices');
    const prices = new Map(client.results.map((result) => [result.data.lastPrices.instrument.id, result.data.lastPrices.price]));
    expect(prices).toEqual(new Map([['alor:MOEX:SBER', market().lastPrice('MOEX:SBER')], ['alor:MOEX:GAZP', market().lastPrice('MOEX:GAZP')]]));
    const [fill] = market().execute('MOEX:SBER', 'sell', 500);
    const moved = await client.next((result) => result.data.lastPrices.instrument.id === 'alor:MOEX:SBER' && result.data.lastPrices.price !== prices.get('alor:MOEX:SBER'));
    expect(moved.data.lastPrices.price).toBe(market().lastPrice('MOEX:SBER'));
    expect(fill).toBeDefined();
    const seen = client.results.map((result) => `${result.data.lastPrices.instrument.id} ${result.data.lastPrices.price}`);
    expect(new Set(seen).size).toBe(seen.length);
    client.close();
  });

  it('renews a JWT ALOR refuses ("Invalid JWT token!") and sends the subscription again with the new one', async () => {
    const book = await SseClient.open(stack.url, { query: orderbookSubscription(1, alorSber, 'alor'), token: stack.readToken });
    await book.next();
    // GAZP's metadata in the instrument cache: subscribing to it below asks ALOR's REST API nothing.
    await graphql(stack.gateway, '{ instrument(connection: "alor", ref: { symbol: "GAZP" }) { ticker } }', { token: stack.readToken });
    const refreshes = stack.simulators.alor!.server.requestCount('POST /refresh');
    const restCalls = stack.simulators.alor!.server.requestCount();
    alorStreams().expireTokens();
    // A new subscription on the live socket carries the expired token: refused, renewed, sent again.
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1, '{ symbol: "GAZP", exchange: "MOEX" }', 'alor'), token: stack.readToken });
    expect((await client.next()).data.orderbook.instrument.ticker).toBe('GAZP');
    expect(stack.simulators.alor!.server.requestCount('POST /refresh')).toBe(refreshes + 1);
    // The renewal was the stream's doing: no other REST call was made.
    expect(stack.simulators.alor!.server.requestCount()).toBe(restCalls + 1);
    // (The simulator counts a subscription only once its token passed.)
    expect(alorStreams().server.subscribeRequests('OrderBookGetAndSubscribe:MOEX:GAZP')).toBe(1);
    for (const each of [book, client]) expect(each.results.every((result) => result.errors === undefined)).toBe(true);
    book.close();
    client.close();
  });
});

describe('ALOR, when its access token is due for renewal', () => {
  it('subscribes everything again with the new token, under the same guids, and the clients see no error', { timeout: 30_000 }, async () => {
    // Tokens that live 3 s: brokerql renews them half a second early.
    const { stack, simulator, streams, stop } = await startAlorWithShortTokens(3);
    try {
      const client = await SseClient.open(stack.url, { query: orderbookSubscription(1, alorSber, 'alor'), token: stack.readToken });
      await client.next();
      await until(() => streams.server.subscribeRequests('OrderBookGetAndSubscribe:MOEX:SBER') >= 3, 'two renewals to re-send the subscription', 20_000);
      // Past the first tokens' lifetime the subscription still delivers.
      simulator.state.market.execute('MOEX:SBER', 'buy', 3);
      await until(() => client.results.length >= 2, 'a book after the renewals');
      expect(client.results.every((result) => result.errors === undefined)).toBe(true);
      expect(streams.server.openSockets).toBe(1);
      // One guid throughout: ALOR replaced the subscription each time rather than adding another.
      expect(new Set(streams.server.sendLog().map((message) => message.subscription)).size).toBe(1);
      client.close();
    } finally {
      await stop();
    }
  });
});

describe('Tinkoff v1 (no stream: its REST book, polled)', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['tinkoff-v1'], streams: { pollIntervalMs: 200 } });
  });
  afterAll(() => stack.stop());

  it("reads one book per instrument for all its clients, books and prices alike, within half of v1's market quota", async () => {
    const v1 = stack.simulators.servers[0]!;
    const books = await Promise.all([3, 3, 5, 10, 10].map((depth) => SseClient.open(stack.url, { query: orderbookSubscription(depth, `{ figi: "${sberFigi}" }`, 'tinkoff-legacy'), token: stack.readToken })));
    const prices = await SseClient.open(stack.url, { query: lastPricesSubscription([`{ figi: "${sberFigi}" }`], 'tinkoff-legacy'), token: stack.readToken });
    await Promise.all([...books, prices].map((client) => client.next()));
    v1.resetCounters();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const calls = v1.recentRequests('GET /market/orderbook');
    const seconds = (performance.now() - started) / 1000;
    // v1 allows 240 /market reads a minute; polling takes half: at most 2 a second.
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(seconds * 2) + 1);
    expect(calls.length).toBeGreaterThan(0);
    // One read for the instrument, at the deepest depth asked, serves the books and the price.
    expect(new Set(calls.map((call) => new URLSearchParams(call.query).get('depth')))).toEqual(new Set(['10']));
    for (const client of books) expectBookInvariants(client.results[0].data.orderbook, 10);
    for (const client of [...books, prices]) client.close();
  });

  it('ends the subscriptions with UPSTREAM_UNAVAILABLE when the polls keep failing', async () => {
    const unreachable = await startLiveStack({ brokers: ['tinkoff-v1'], streams: { pollIntervalMs: 200, unavailableAfterMs: 1_000 } });
    try {
      const v1 = unreachable.simulators.servers[0]!;
      const client = await SseClient.open(unreachable.url, { query: orderbookSubscription(3, `{ figi: "${sberFigi}" }`, 'tinkoff-legacy'), token: unreachable.readToken });
      await client.next();
      // Every book read is cut off without an answer, as by a broker that is down.
      v1.injectFault({ route: 'GET /market/orderbook', fault: { kind: 'drop' } });
      await client.completion();
      expect(client.results.at(-1).errors[0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', connection: 'tinkoff-legacy', retryable: true });
      expect(client.results.at(-1).errors[0].message).toMatch(/^Tinkoff OpenAPI v1 could not be read since /);
    } finally {
      await unreachable.stop();
    }
  });
});
