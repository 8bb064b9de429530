import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../src/auth/tokens.js';
import { openDatabase } from '../src/storage/database.js';
import { SseClient, WebSocketConnection, type SseClient as Sse } from './support/live-clients.js';
import { lastPricesSubscription, orderbookSubscription, sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';

/**
 * Who may subscribe to what, and what is refused before anything is subscribed upstream: the
 * stream simulators count every subscribe request and every socket, and must see none for a
 * refused subscription. Tokens are re-read every `streams.tokenCheckMs` (200 ms here): a token
 * revoked by another process on the same data dir, or one that expires, ends its subscriptions.
 */

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack({ brokers: ['tinkoff', 'alor', 'instaforex'], streams: { tokenCheckMs: 200 } });
});
afterAll(() => stack.stop());

const upstreamRequests = () =>
  stack.simulators.streamServers.reduce((sum, server) => sum + server.subscribeRequests() + server.socketsOpened, 0);

async function refusal(query: string, token = stack.readToken): Promise<{ code: string; message: string }> {
  const client = await SseClient.open(stack.url, { query, token });
  await client.completion();
  const error = client.results[0].errors[0];
  return { code: error.extensions.code, message: error.message };
}

describe('tokens', () => {
  it('ends the subscriptions of a token revoked by another process with UNAUTHENTICATED, then completes them', async () => {
    const token = stack.token('READ');
    const sse = await SseClient.open(stack.url, { query: orderbookSubscription(1), token });
    const connection = new WebSocketConnection(stack.url, token);
    const websocket = connection.subscribe({ query: lastPricesSubscription([`{ figi: "${sberFigi}" }`]) });
    await Promise.all([sse.next(), websocket.next()]);

    // `brokerql token revoke` in another process: its own connection to the same SQLite file.
    const elsewhere = openDatabase(stack.dataDir);
    new TokenStore(elsewhere).revoke(token.slice(4, 16));
    elsewhere.close();

    await Promise.all([sse.completion(), websocket.completion()]);
    for (const client of [sse, websocket]) {
      const error = client.results.at(-1).errors[0];
      expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(error.message).toBe('the bearer token has been revoked; this subscription has ended');
    }
    // A new subscription on the same socket is refused as well: every subscribe authenticates again.
    const again = connection.subscribe({ query: orderbookSubscription(1) });
    await again.completion();
    expect(again.results[0].errors[0].extensions.code).toBe('UNAUTHENTICATED');
    sse.close();
    connection.close();
  });

  it('ends the subscriptions of a token when it expires', async () => {
    const token = stack.token('READ', null, new Date(Date.now() + 1_500));
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token });
    await client.next();
    await client.completion();
    expect(client.results.at(-1).errors[0]).toMatchObject({ message: 'the bearer token has expired; this subscription has ended', extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('tokens limited to accounts', () => {
  it('subscribe only on connections they have accounts on; any other is NOT_FOUND, as for one that does not exist', async () => {
    const limited = stack.token('READ', ['tbank:2000345678']);
    const client = await SseClient.open(stack.url, { query: orderbookSubscription(1), token: limited });
    expect((await client.next()).data.orderbook.bids).toHaveLength(1);
    client.close();

    const before = upstreamRequests();
    const other = await refusal(orderbookSubscription(1, '{ symbol: "SBER", exchange: "MOEX" }', 'alor'), limited);
    const missing = await refusal(orderbookSubscription(1, '{ symbol: "SBER", exchange: "MOEX" }', 'nowhere'), limited);
    expect(other).toEqual({ code: 'NOT_FOUND', message: 'no connection "alor"' });
    expect(missing).toEqual({ code: 'NOT_FOUND', message: 'no connection "nowhere"' });
    expect(upstreamRequests()).toBe(before);
  });
});

describe('bad input', () => {
  it('is refused before anything is subscribed upstream: BAD_USER_INPUT, NOT_FOUND, NOT_SUPPORTED', async () => {
    const before = upstreamRequests();
    const cases: Array<[string, string, RegExp]> = [
      [orderbookSubscription(0), 'BAD_USER_INPUT', /^depth must be a whole number from 1 to 50, received 0$/],
      [orderbookSubscription(51), 'BAD_USER_INPUT', /^depth must be a whole number from 1 to 50/],
      [orderbookSubscription(10, '{ figi: "not a figi" }'), 'BAD_USER_INPUT', /figi/],
      [orderbookSubscription(10, '{ id: "alor:MOEX:SBER" }'), 'BAD_USER_INPUT', /belongs to connection "alor", not "tbank"/],
      [orderbookSubscription(10, '{ figi: "BBG000000000" }'), 'NOT_FOUND', /./],
      [orderbookSubscription(10, '{ symbol: "EURUSD" }', 'ifx'), 'NOT_SUPPORTED', /^InstaForex \(INSTAFOREX\) does not support live order books \(connection "ifx"\)$/],
      [lastPricesSubscription([], 'tbank'), 'BAD_USER_INPUT', /^lastPrices follows 1 to 100 instruments, received 0$/],
      [lastPricesSubscription(Array.from({ length: 101 }, () => `{ figi: "${sberFigi}" }`)), 'BAD_USER_INPUT', /received 101$/],
      [lastPricesSubscription([`{ figi: "${sberFigi}" }`, '{ figi: "BBG000000000" }']), 'NOT_FOUND', /./],
      [lastPricesSubscription(['{ symbol: "EURUSD" }'], 'ifx'), 'NOT_SUPPORTED', /does not support live last prices/],
    ];
    for (const [query, code, message] of cases) {
      const answer = await refusal(query);
      expect(answer.code, query).toBe(code);
      expect(answer.message, query).toMatch(message);
    }
    expect(upstreamRequests()).toBe(before);
  });

  it('answers an unknown field or a mistyped argument with BAD_USER_INPUT over both transports', async () => {
    const sse: Sse = await SseClient.open(stack.url, { query: 'subscription { orderbook(connection: "tbank", instrument: { figi: 1 }) { nope } }', token: stack.readToken });
    await sse.completion();
    expect(sse.results[0].errors.length).toBeGreaterThan(0);
    expect(sse.results[0].errors.every((error: any) => error.extensions.code === 'BAD_USER_INPUT')).toBe(true);
    const connection = new WebSocketConnection(stack.url, stack.readToken);
    const websocket = connection.subscribe({ query: 'subscription { orderbook(connection: "tbank", instrument: {}) { nope } }' });
    await websocket.completion();
    expect(websocket.results[0].errors.every((error: any) => error.extensions.code === 'BAD_USER_INPUT')).toBe(true);
    connection.close();
  });
});
