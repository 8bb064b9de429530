import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTinkoffSimulator } from '../src/simulators/tinkoff/server.js';
import { createTinkoffStreams } from '../src/simulators/tinkoff/streams/server.js';
import { SseClient, WebSocketConnection } from './support/live-clients.js';
import { gazpFigi, lastPricesSubscription, orderbookSubscription, sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';

/**
 * brokerql never asks a broker for more than its limits allow: past brokerql's own share
 * (`streams.maxUpstreamSubscriptions`, the streams a connection may open) a subscription is
 * RATE_LIMITED before anything is sent, and a broker that refuses one all the same — its stream
 * limit per user (80001), its subscription cap per stream — is reported as RATE_LIMITED too.
 */

const appleFigi = 'BBG000B9XRY4';

async function endedWith(client: { completion(): Promise<void>; results: any[] }): Promise<{ code: string; message: string; connection?: string }> {
  await client.completion();
  const error = client.results.at(-1).errors[0];
  return { code: error.extensions.code, message: error.message, connection: error.extensions.connection };
}

describe("brokerql's own share", () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ streams: { maxUpstreamSubscriptions: 2, maxSubscriptionsPerSocket: 2 } });
  });
  afterAll(() => stack.stop());

  it('refuses a third upstream subscription with RATE_LIMITED before asking the broker; clients of existing ones are still served', async () => {
    const books = await Promise.all([sberFigi, gazpFigi].map((figi) => SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${figi}" }`), token: stack.readToken })));
    await Promise.all(books.map((client) => client.next()));
    const asked = stack.tinkoffStreams.subscribeRequests();

    const third = await SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${appleFigi}" }`), token: stack.readToken });
    expect(await endedWith(third)).toMatchObject({ code: 'RATE_LIMITED', connection: 'tbank' });
    // All or nothing: one of three prices would fit, none is subscribed.
    const prices = await SseClient.open(stack.url, { query: lastPricesSubscription([`{ figi: "${appleFigi}" }`, `{ figi: "${sberFigi}" }`]), token: stack.readToken });
    expect((await endedWith(prices)).code).toBe('RATE_LIMITED');
    expect(stack.tinkoffStreams.subscribeRequests()).toBe(asked);

    // Another client of a book already subscribed costs the broker nothing: served.
    const shared = await SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${sberFigi}" }`), token: stack.readToken });
    expect((await shared.next()).data.orderbook.bids).toHaveLength(1);
    for (const client of [...books, shared]) client.close();
  });

  it('caps the subscriptions one WebSocket may hold (streams.maxSubscriptionsPerSocket)', async () => {
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const held = [connection.subscribe({ query: orderbookSubscription(1) }), connection.subscribe({ query: orderbookSubscription(5) })];
    await Promise.all(held.map((subscription) => subscription.next()));
    const third = connection.subscribe({ query: orderbookSubscription(10) });
    expect(await endedWith(third)).toMatchObject({ code: 'RATE_LIMITED', message: 'one WebSocket holds at most 2 subscriptions (streams.maxSubscriptionsPerSocket)' });
    connection.close();
  });
});

describe('the connection cap (server.limits.maxConnections)', () => {
  it('closes connections past it at once, and never the subscriptions already open', async () => {
    const stack = await startLiveStack({ server: { limits: { maxConnections: 2 } } });
    try {
      const open = await Promise.all([1, 5].map((depth) => SseClient.open(stack.url, { query: orderbookSubscription(depth), token: stack.readToken })));
      await Promise.all(open.map((client) => client.next()));
      await expect(fetch(`${stack.url}/healthz`)).rejects.toThrow();
      stack.simulators.tinkoff!.state.market.execute(sberFigi, 'buy', 2);
      for (const client of open) expect((await client.next()).errors).toBeUndefined();
      for (const client of open) client.close();
    } finally {
      await stack.stop();
    }
  });
});

describe("the broker's own limits", () => {
  it('reports a stream T-Invest refuses (80001: the user has no stream left) as RATE_LIMITED', async () => {
    const stack = await startLiveStack();
    try {
      stack.simulators.tinkoffStreams!.refuseNextOpens(1);
      const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: stack.readToken });
      expect(await endedWith(client)).toMatchObject({ code: 'RATE_LIMITED', connection: 'tbank', message: expect.stringContaining('80001') });
      // The next subscription opens a stream of its own and is served.
      const next = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: stack.readToken });
      expect((await next.next()).data.orderbook.bids).toHaveLength(1);
      next.close();
    } finally {
      await stack.stop();
    }
  });

  it("reports a subscription past T-Invest's cap per stream as RATE_LIMITED, and keeps the others", async () => {
    // A stream simulator whose streams take 2 subscriptions (T-Invest's take 300, more than the simulator has instruments).
    const simulator = createTinkoffSimulator({ rateLimits: false });
    await simulator.server.start();
    const streams = createTinkoffStreams(simulator, { subscriptionsPerStream: 2 });
    await streams.server.start();
    const stack = await startLiveStack({ connectionOverrides: { tbank: { baseUrl: simulator.baseUrl, streamUrl: streams.url, marketDataStreams: 1 } } });
    try {
      const kept = await Promise.all([sberFigi, gazpFigi].map((figi) => SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${figi}" }`), token: stack.readToken })));
      await Promise.all(kept.map((client) => client.next()));
      const refused = await SseClient.open(stack.url, { query: orderbookSubscription(1, `{ figi: "${appleFigi}" }`), token: stack.readToken });
      expect(await endedWith(refused)).toMatchObject({ code: 'RATE_LIMITED', connection: 'tbank' });
      simulator.state.market.execute(sberFigi, 'buy', 1);
      expect((await kept[0]!.next()).errors).toBeUndefined();
      for (const client of kept) client.close();
    } finally {
      await stack.stop();
      await streams.server.stop();
      await simulator.server.stop();
    }
  });
});
