import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient, WebSocketConnection } from './support/live-clients.js';
import { expectBookInvariants, orderbookSubscription, sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';

/**
 * An upstream stream that drops, goes silent or cannot be reached — with the stream simulator's
 * own switches. Clients see a fresh full book after the gateway reconnects, never an error; a
 * broker that stays away past `streams.unavailableAfterMs` ends the subscriptions with
 * UPSTREAM_UNAVAILABLE (retryable), then they complete.
 */

const noErrors = (results: any[]) => results.every((result) => result.errors === undefined);

describe('a dropped upstream socket', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack();
  });
  afterAll(() => stack.stop());

  it('is reconnected, every subscription made again, and clients get a fresh snapshot with no error', async () => {
    const sse = await SseClient.open(stack.url, { query: orderbookSubscription(10), token: stack.readToken });
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const websocket = connection.subscribe({ query: orderbookSubscription(5) });
    await Promise.all([sse.next(), websocket.next()]);
    stack.tinkoffStreams.resetRecords();

    // Cut without a close frame, as a network failure does.
    expect(stack.tinkoffStreams.dropSockets()).toBe(1);
    await until(() => stack.tinkoffStreams.subscribeRequests() >= 1 && stack.tinkoffStreams.openSockets === 1, 'the gateway to reconnect and subscribe again');
    const [afterSse, afterWebsocket] = await Promise.all([sse.next(), websocket.next()]);
    expectBookInvariants(afterSse.data.orderbook, 10);
    expectBookInvariants(afterWebsocket.data.orderbook, 5);
    expect(noErrors(sse.results) && noErrors(websocket.results)).toBe(true);
    expect(sse.completed || websocket.completed).toBe(false);

    const readiness = (await (await fetch(`${stack.url}/readyz`)).json()) as { connections: Array<{ id: string; stream: { state: string; reconnects: number } }> };
    expect(readiness.connections.find((entry) => entry.id === 'tbank')!.stream).toMatchObject({ state: 'live', reconnects: 1 });
    expect(await (await fetch(`${stack.url}/metrics`)).text()).toMatch(/^brokerql_stream_reconnects_total\{connection="tbank"\} 1$/m);
    sse.close();
    connection.close();
  });
});

describe('an upstream socket the broker closes', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack();
  });
  afterAll(() => stack.stop());

  it('is reconnected when the close says nothing final (4004, DEADLINE_EXCEEDED), and clients get a fresh book', async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(10), token: stack.readToken });
    await client.next();
    const opened = stack.tinkoffStreams.socketsOpened;
    for (const connection of stack.tinkoffStreams.connections) connection.close(4004, '');
    await until(() => stack.tinkoffStreams.socketsOpened > opened, 'the gateway to reconnect');
    expectBookInvariants((await client.next()).data.orderbook, 10);
    expect(noErrors(client.results) && !client.completed).toBe(true);
    client.close();
  });
});

describe('an upstream that goes silent', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    // A socket silent for 1 s is taken for dead. SBER's book moves all the time, so a live stream is never that quiet.
    stack = await startLiveStack({ streams: { silenceMs: 1_000 } });
    stack.simulators.tinkoff!.state.market.startTicking(20, [sberFigi]);
  });
  afterAll(async () => {
    stack.simulators.tinkoff!.state.market.stopTicking();
    await stack.stop();
  });

  it('is noticed and reconnected; once the broker talks again, clients get the book, with no error', async () => {
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(10), token: stack.readToken });
    await client.next();
    const opened = stack.tinkoffStreams.socketsOpened;
    stack.tinkoffStreams.switches.stalled = true;
    await until(() => stack.tinkoffStreams.socketsOpened > opened, 'the gateway to notice the silence and reconnect');
    const heard = client.results.length;
    stack.tinkoffStreams.switches.stalled = false;
    await until(() => client.results.length > heard, 'a book after the stall');
    expect(noErrors(client.results)).toBe(true);
    expect(client.completed).toBe(false);
    client.close();
  });
});

describe('an upstream that cannot be reached', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ streams: { unavailableAfterMs: 1_000 } });
  });
  afterAll(() => stack.stop());

  it('ends the subscriptions with UPSTREAM_UNAVAILABLE (retryable, naming the connection), then completes them', async () => {
    const sse = await SseClient.open(stack.url, { query: orderbookSubscription(10), token: stack.readToken });
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const websocket = connection.subscribe({ query: orderbookSubscription(1) });
    await Promise.all([sse.next(), websocket.next()]);

    await stack.tinkoffStreams.stop();
    await Promise.all([sse.completion(), websocket.completion()]);
    for (const client of [sse, websocket]) {
      const error = client.results.at(-1).errors[0];
      expect(error.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', connection: 'tbank', retryable: true });
      expect(error.message).toMatch(/^T-Invest's stream could not be reached since /);
      expect(client.events.at(-1)!.event).toBe('complete');
    }
    expect(connection.closeCode).toBeUndefined();

    // The broker back: a new subscription is served again.
    await stack.tinkoffStreams.start();
    const again = connection.subscribe({ query: orderbookSubscription(1) });
    expect((await again.next()).data.orderbook.bids).toHaveLength(1);
    sse.close();
    connection.close();
  });
});
