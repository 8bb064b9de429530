import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { graphql } from './support/graphql.js';
import { SseClient, WebSocketConnection } from './support/live-clients.js';
import { StreamClient } from './support/stream-client.js';
import { expectBookInvariants, gazpFigi, lastPricesSubscription, orderbookQuery, orderbookSubscription, sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';
import { unknownToken } from './support/tokens.js';

/**
 * Both transports of live data on a real port, against T-Invest's stream simulator: GraphQL over
 * SSE read with plain fetch, and graphql-ws's own client. What arrives is the broker's book and
 * price, exact, in order, with the books' invariants; the token is checked as for queries; and a
 * subscription outlives every timeout meant for requests.
 */

const logLines: Array<Record<string, unknown>> = [];
const captured = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack({
    logger: createLogger({ level: 'info', pretty: false, destination: captured }),
    // Short request timeouts: a subscription must outlive them all.
    server: { headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000, requestTimeoutMs: 1_000 },
  });
});
afterAll(() => stack.stop());

const market = () => stack.simulators.tinkoff!.state.market;

describe('GraphQL over SSE', () => {
  it('sends the current book first, exactly as the REST book has it, then the whole book again on every change', async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(5), token: stack.readToken });
    expect(client.status).toBe(200);
    expect(client.contentType).toMatch(/^text\/event-stream/);
    const first = (await client.next()).data.orderbook;
    const queried = await graphql(stack.gateway, orderbookQuery(5), { token: stack.readToken });
    expect({ bids: first.bids, asks: first.asks }).toEqual({ bids: queried.data!.orderbook.bids, asks: queried.data!.orderbook.asks });
    expect(first.instrument).toEqual({ id: `tbank:${sberFigi}`, ticker: 'SBER' });
    expectBookInvariants(first, 5);

    for (let step = 0; step < 20; step++) market().tick([sberFigi]);
    const bookNow = market().book(sberFigi, 5);
    const latest = await client.next((result) => result.data.orderbook.bids[0].quantity === String(bookNow.bids[0]!.quantity) && result.data.orderbook.asOf === new Date(bookNow.time).toISOString(), 'the book after the ticks');
    expect(latest.data.orderbook.bids).toEqual(bookNow.bids.map((level) => ({ price: level.price, quantity: String(level.quantity) })));
    expect(latest.data.orderbook.asks).toEqual(bookNow.asks.map((level) => ({ price: level.price, quantity: String(level.quantity) })));
    for (const result of client.results) {
      expect(result.errors).toBeUndefined();
      expectBookInvariants(result.data.orderbook, 5);
    }
    client.close();
  });

  it('outlives the header, body, keep-alive and request timeouts meant for requests, over both transports', async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: stack.readToken });
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const websocket = connection.subscribe({ query: orderbookSubscription(1) });
    await Promise.all([client.next(), websocket.next()]);
    // Every timeout above is 1 s; the subscriptions go on past all of them.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    market().execute(sberFigi, 'buy', 1);
    for (const each of [client, websocket]) {
      expect((await each.next()).errors).toBeUndefined();
      expect(each.completed).toBe(false);
    }
    client.close();
    connection.close();
  });

  it('serves a subscription asked by GET as well (the query in the URL, the token in Authorization)', async () => {
    const abort = new AbortController();
    const response = await fetch(`${stack.url}/graphql?query=${encodeURIComponent(orderbookSubscription(2))}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${stack.readToken}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: next')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/event: next\ndata: \{"data":\{"orderbook":\{"asOf":/);
    abort.abort();
  });

  it('refuses a subscription without a token with HTTP 401 and UNAUTHENTICATED, before anything is subscribed', async () => {
    const before = stack.tinkoffStreams.subscribeRequests();
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: orderbookSubscription(1) }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('UNAUTHENTICATED');
    expect(stack.tinkoffStreams.subscribeRequests()).toBe(before);
  });

  it('serves GraphiQL set to run subscriptions over SSE with the headers editor\'s token', async () => {
    const page = await (await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('"subscriptionsProtocol":"SSE"');
  });
});

describe('GraphQL over WebSocket (graphql-ws)', () => {
  it('takes the token from connection_init and sends each instrument\'s current price, then every change', async () => {
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const prices = connection.subscribe({ query: lastPricesSubscription([`{ figi: "${sberFigi}" }`, `{ id: "tbank:${gazpFigi}" }`]) });
    const first = [await prices.next(), await prices.next()].map((result) => result.data.lastPrices);
    expect(first.map((price) => price.instrument.ticker).sort()).toEqual(['GAZP', 'SBER']);
    for (const price of first) {
      const figi = price.instrument.id.split(':')[1];
      expect(price.price).toBe(market().lastPrice(figi));
    }
    const [fill] = market().execute(sberFigi, 'sell', 5);
    const moved = await prices.next((result) => result.data.lastPrices.instrument.ticker === 'SBER');
    expect(moved.data.lastPrices.price).toBe(fill!.price);
    prices.close();
    connection.close();
  });

  it('closes the socket with 4403 for a missing or bad token', async () => {
    for (const token of [undefined, unknownToken(), 'not-a-token']) {
      const connection = new WebSocketConnection(stack.url, token);
      expect(await connection.closed()).toBe(4403);
    }
  });

  it("refuses a browser page of another origin (WebSockets know no CORS); the gateway's own pages and non-browser clients are let in", async () => {
    const url = `${stack.url.replace(/^http/, 'ws')}/graphql`;
    expect(await StreamClient.refusal(url, { origin: 'https://evil.example' })).toBe(403);
    const own = await StreamClient.open(url, { protocols: ['graphql-transport-ws'], headers: { origin: stack.url } });
    own.send({ type: 'connection_init', payload: { Authorization: `Bearer ${stack.readToken}` } });
    expect(await own.next()).toEqual({ type: 'connection_ack' });
    own.close();
  });

  it("keeps the request limits: a document past the parser's or GraphQL Armor's limits is refused with BAD_USER_INPUT, the socket kept", async () => {
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const nested = connection.subscribe({ query: `subscription { orderbook(connection: "tbank", instrument: ${'{ id: '.repeat(300)}"x"${' }'.repeat(300)}) { asOf } }` });
    const wide = connection.subscribe({ query: `subscription { orderbook(connection: "tbank", instrument: { figi: "${sberFigi}" }) { ${'asOf '.repeat(4_000)} } }` });
    for (const refused of [nested, wide]) {
      await refused.completion();
      expect(refused.results[0].errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const book = connection.subscribe({ query: orderbookSubscription(1) });
    expect((await book.next()).data.orderbook.bids).toHaveLength(1);
    connection.close();
  });

  it('serves only subscriptions: a query is refused with BAD_USER_INPUT, and the socket stays open', async () => {
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const query = connection.subscribe({ query: '{ viewer { name } }' });
    await query.completion();
    expect(query.events[0]!.data.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const book = connection.subscribe({ query: orderbookSubscription(1) });
    expect((await book.next()).data.orderbook.bids).toHaveLength(1);
    book.close();
    connection.close();
  });
});

describe('logs and metrics', () => {
  it('logs a subscription when it starts and when it ends, with the events it delivered, and counts it once', async () => {
    logLines.length = 0;
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: stack.readToken });
    await client.next();
    client.close();
    // (Lines of the WebSocket subscriptions above may still arrive: only this SSE one's are read.)
    const ofThis = (message: string) => logLines.find((line) => line['msg'] === message && line['transport'] !== 'websocket');
    await until(() => ofThis('graphql subscription ended') !== undefined, 'the subscription to be logged as ended');
    expect(ofThis('graphql subscription started')).toMatchObject({ operation: 'Book', status: 200 });
    expect(ofThis('graphql subscription ended')).toMatchObject({ operation: 'Book', transport: 'sse', tokenId: stack.readToken.slice(4, 16) });
    expect(ofThis('graphql subscription ended')!['events']).toBeGreaterThanOrEqual(1);
    expect(ofThis('graphql request')).toBeUndefined();
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^brokerql_graphql_requests_total\{operation="Book",outcome="ok"\} \d+/m);
    expect(metrics).toMatch(/^brokerql_stream_events_delivered_total\{connection="tbank",kind="orderbook"\} \d+/m);
    expect(metrics).toMatch(/^brokerql_stream_upstream_sockets\{connection="tbank"\} \d+/m);
  });

  it("shows each connection's stream state in /readyz", async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: stack.readToken });
    await client.next();
    const readiness = (await (await fetch(`${stack.url}/readyz`)).json()) as { connections: Array<{ id: string; stream: Record<string, unknown> }> };
    expect(readiness.connections.find((connection) => connection.id === 'tbank')!.stream).toMatchObject({
      transport: 'websocket',
      state: 'live',
      sockets: 1,
      downSince: null,
    });
    client.close();
  });
});
