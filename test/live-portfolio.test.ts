import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { TokenStore } from '../src/auth/tokens.js';
import { openDatabase } from '../src/storage/database.js';
import { SseClient, WebSocketConnection } from './support/live-clients.js';
import { accountStream, eventually, orderEventsSubscription, ordersFollowed, placeOrder, placeOrderElsewhere, portfolioQuery, portfolioSubscription } from './support/live-accounts.js';
import { sberFigi, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';

/**
 * Live portfolios over real sockets: the current portfolio first (a REST read: T-Invest's
 * PortfolioStream sends nothing on subscribing), then what PortfolioStream and PositionsStream
 * push; portfolio queries answered from it with no broker call while it is live and checked.
 */

const withoutTime = ({ asOf: _asOf, ...portfolio }: Record<string, unknown>) => portfolio;

describe('a live portfolio (T-Invest, queries answered by REST)', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ cache: { liveAccounts: false } });
  });
  afterAll(() => stack.stop());

  it('starts with the REST portfolio and stays equal to it, field by field, through orders and fills — from the streams, not by reading again', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(), token: stack.readToken });
    const first = (await client.next()).data.portfolio;
    const queried = (await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken })).data!.account.portfolio;
    expect(withoutTime(first)).toEqual(withoutTime(queried));
    await eventually(async () => (await accountStream(stack))['state'] === 'live', 'the account streams to be live');
    const readsBefore = stack.tinkoff.server.requestCount('OperationsService/GetPortfolio');

    const market = stack.tinkoff.state.market;
    await placeOrder(stack, { lots: 2 });
    await placeOrder(stack, { lots: 1, side: 'SELL' });
    await placeOrder(stack, { lots: 1, instrument: '{ figi: "BBG004730RP0" }' });
    const bestBid = market.book(sberFigi, 1).bids[0]!;
    await placeOrder(stack, { type: 'LIMIT', lots: 2, price: bestBid.price });
    market.execute(sberFigi, 'sell', bestBid.quantity + 1, bestBid.price);

    let rest: Record<string, unknown> = {};
    let queries = 0;
    const latest = () => withoutTime(client.results.at(-1).data.portfolio);
    await eventually(async () => {
      queries += 1;
      rest = withoutTime((await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken })).data!.account.portfolio);
      return JSON.stringify(latest()) === JSON.stringify(rest);
    }, 'the live portfolio to equal the REST one');
    expect(latest()).toEqual(rest);
    expect(client.results.length).toBeGreaterThan(1);
    // Every GetPortfolio since was one of these queries' own: the subscription's changes came from the streams.
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio') - readsBefore).toBe(queries);
    client.close();
  });
});

describe('portfolio queries from live streams (cache.liveAccounts)', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ cache: { liveAccounts: true }, streams: { tokenCheckMs: 200 } });
  });
  afterAll(() => stack.stop());
  const brokerCalls = () => stack.tinkoff.server.requestCount();

  it('answers with 0 broker calls while the stream is live and checked, and by REST while it is not', async () => {
    const first = await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
    expect(first.errors).toBeUndefined();
    // The query started following the account: its streams open and its state is read once.
    await eventually(async () => (await accountStream(stack))['state'] === 'live', 'the account streams to be live');
    await eventually(async () => {
      const before = brokerCalls();
      await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
      return brokerCalls() === before;
    }, 'a query answered from the live state');

    const before = brokerCalls();
    const live = await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
    expect(brokerCalls()).toBe(before);
    expect(withoutTime(live.data!.account.portfolio)).toEqual(withoutTime(first.data!.account.portfolio));

    // An order placed through brokerql shows in the very next query (read your own writes).
    await placeOrder(stack, { lots: 1 });
    const afterOwnOrder = await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
    expect(withoutTime(afterOwnOrder.data!.account.portfolio)).not.toEqual(withoutTime(first.data!.account.portfolio));

    // Another tool's order: the streams change the live state, and queries show it without reading the portfolio again.
    const portfolioReads = () => stack.tinkoff.server.requestCount('OperationsService/GetPortfolio') + stack.tinkoff.server.requestCount('OperationsService/GetPositions');
    await eventually(async () => {
      const calls = brokerCalls();
      await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
      return brokerCalls() === calls;
    }, 'queries answered from the live state after the own order');
    const readsBeforeOrder = portfolioReads();
    const shown = withoutTime((await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken })).data!.account.portfolio);
    await placeOrderElsewhere(stack, { orderId: randomUUID() });
    await eventually(async () => {
      const answer = await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
      return JSON.stringify(withoutTime(answer.data!.account.portfolio)) !== JSON.stringify(shown);
    }, "the live state to show the other tool's order");
    expect(portfolioReads()).toBe(readsBeforeOrder);

    // The streams go silent and are cut: until they are back and checked, queries ask the broker.
    const server = stack.tinkoffStreams;
    server.switches.stalled = true;
    server.dropSockets(() => true);
    await eventually(async () => (await accountStream(stack))['state'] !== 'live', 'the account streams to be down');
    const reads = stack.tinkoff.server.requestCount('OperationsService/GetPortfolio');
    await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(reads + 1);
    server.switches.stalled = false;
    await eventually(async () => {
      const calls = brokerCalls();
      await graphql(stack.gateway, portfolioQuery(), { token: stack.readToken });
      return brokerCalls() === calls;
    }, 'queries answered from the live state again');
  });

  it('holds one portfolio, one positions and one order-state stream for the connection, however many clients and accounts', async () => {
    const clients = await Promise.all([
      SseClient.open(stack.url, { query: portfolioSubscription(), token: stack.readToken }),
      SseClient.open(stack.url, { query: portfolioSubscription(), token: stack.readToken }),
      SseClient.open(stack.url, { query: portfolioSubscription('tbank:2008765432'), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription(), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription('tbank:2008765432'), token: stack.readToken }),
    ]);
    await until(() => clients.slice(0, 3).every((client) => client.results.length > 0), 'every portfolio');
    const streams = stack.simulators.tinkoffStreams!;
    expect([streams.openStreams('PortfolioStream'), streams.openStreams('PositionsStream'), streams.openStreams('OrderStateStream')]).toEqual([1, 1, 1]);
    for (const client of clients) client.close();
  });

  it('gives NOT_FOUND for an account the token may not see, as for one that does not exist', async () => {
    const limited = stack.token('READ', ['tbank:2008765432']);
    for (const accountId of ['tbank:2000345678', 'tbank:9999999999']) {
      for (const query of [portfolioSubscription(accountId), orderEventsSubscription(accountId)]) {
        const client = await SseClient.open(stack.url, { query, token: limited });
        const result = await client.next();
        expect(result.errors[0].extensions.code).toBe('NOT_FOUND');
        client.close();
      }
    }
  });

  it('ends account subscriptions of a revoked token with UNAUTHENTICATED, over both transports', async () => {
    const token = stack.token('READ');
    const clientsBefore = stack.gateway.streams.clientBuffers().length;
    const sse = await SseClient.open(stack.url, { query: portfolioSubscription(), token });
    const connection = new WebSocketConnection(stack.url, token);
    const websocket = connection.subscribe({ query: orderEventsSubscription() });
    await sse.next();
    await ordersFollowed(stack);
    // Both subscriptions made (orders may be followed already from earlier tests): a token revoked
    // before the WebSocket's subscribe arrives is refused at subscribing instead, a case of its own.
    await until(() => stack.gateway.streams.clientBuffers().length >= clientsBefore + 2, 'both subscriptions to be made');
    // `brokerql token revoke` in another process: its own connection to the same SQLite file.
    const elsewhere = openDatabase(stack.dataDir);
    new TokenStore(elsewhere).revoke(token.slice(4, 16));
    elsewhere.close();
    await Promise.all([sse.completion(), websocket.completion()]);
    for (const client of [sse, websocket]) expect(client.results.at(-1).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    sse.close();
    connection.close();
  });
});

describe('a live portfolio whose broker credential is refused', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack();
  });
  afterAll(() => stack.stop());

  it('ends the subscription with UPSTREAM_AUTH rather than showing a portfolio that can no longer be checked', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(), token: stack.readToken });
    await client.next();
    await eventually(async () => (await accountStream(stack))['state'] === 'live', 'the account streams to be live');
    const connection = stack.config.connections.find((entry) => entry.id === 'tbank') as { token: string };
    // The user revokes brokerql's T-Invest token: REST answers 40003, the streams close with it.
    stack.simulators.tinkoffStreams!.revokeToken(connection.token);
    await client.completion();
    expect(client.results.at(-1).errors[0].extensions).toMatchObject({ code: 'UPSTREAM_AUTH', connection: 'tbank' });
    expect(await accountStream(stack)).toMatchObject({ transport: 'polling', pollingBecause: expect.stringContaining('40003') });
  });
});
