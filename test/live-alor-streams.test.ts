import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { SseClient } from './support/live-clients.js';
import { accountStream, eventually, orderEventsSubscription, ordersFollowed, placeOrder, portfolioQuery, portfolioSubscription } from './support/live-accounts.js';
import { startLiveStack, type LiveStack } from './support/live-stack.js';

/**
 * ALOR's live accounts from its own account subscriptions on /ws (PositionsGetAndSubscribeV2,
 * SummariesGetAndSubscribeV2, OrdersGetAndSubscribeV2, TradesGetAndSubscribeV2), against the
 * ALOR stream simulator over real loopback sockets: portfolios equal to REST field by field,
 * order events with `source: STREAM`, queries answered from the live state.
 */

const account = 'alor:D38291';
const sber = '{ symbol: "SBER", exchange: "MOEX" }';
const sberKey = 'MOEX:SBER';
const withoutTime = ({ asOf: _asOf, ...portfolio }: Record<string, unknown>) => portfolio;

const positionsReads = (stack: LiveStack) => stack.simulators.alor!.server.requestCount('GET positions');
const accountSubscriptions = (stack: LiveStack) =>
  Object.entries(stack.simulators.alorStreams!.server.subscribeRequestCounts())
    .filter(([what]) => /^(Positions|Summaries|Orders|Trades)GetAndSubscribeV2:/.test(what))
    .reduce((sum, [, count]) => sum + count, 0);

describe('a live ALOR portfolio from its account subscriptions', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor'], cache: { liveAccounts: false } });
  });
  afterAll(() => stack.stop());

  it('starts with the REST portfolio and stays equal to it, field by field, through orders and fills — from the streams, not by reading again', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken });
    const first = (await client.next()).data.portfolio;
    const queried = (await graphql(stack.gateway, portfolioQuery(account), { token: stack.readToken })).data!.account.portfolio;
    expect(withoutTime(first)).toEqual(withoutTime(queried));
    await eventually(async () => (await accountStream(stack, 'alor'))['state'] === 'live', 'the ALOR account stream to be live');
    expect(await accountStream(stack, 'alor')).toMatchObject({ transport: 'websocket', sockets: 1 });
    const readsBefore = positionsReads(stack);

    const market = stack.simulators.alor!.state.market;
    await placeOrder(stack, { accountId: account, instrument: sber, lots: 2 });
    await placeOrder(stack, { accountId: account, instrument: sber, lots: 1, side: 'SELL' });
    await placeOrder(stack, { accountId: account, instrument: '{ symbol: "GAZP", exchange: "MOEX" }', lots: 1 });
    const bestBid = market.book(sberKey, 1).bids[0]!;
    await placeOrder(stack, { accountId: account, instrument: sber, type: 'LIMIT', lots: 2, price: bestBid.price });
    market.execute(sberKey, 'sell', bestBid.quantity + 1, bestBid.price);

    let rest: Record<string, unknown> = {};
    let queries = 0;
    const latest = () => withoutTime(client.results.at(-1).data.portfolio);
    await eventually(async () => {
      queries += 1;
      rest = withoutTime((await graphql(stack.gateway, portfolioQuery(account), { token: stack.readToken })).data!.account.portfolio);
      return JSON.stringify(latest()) === JSON.stringify(rest);
    }, 'the live portfolio to equal the REST one');
    expect(latest()).toEqual(rest);
    expect(client.results.length).toBeGreaterThan(1);
    // Every positions read since was one of these queries' own: the subscription's changes came from the stream.
    expect(positionsReads(stack) - readsBefore).toBe(queries);
    client.close();
  });

  it('holds one subscription of each kind per portfolio on one socket, however many clients', async () => {
    const before = accountSubscriptions(stack);
    const clients = await Promise.all([
      SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: portfolioSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken }),
      SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken }),
    ]);
    await Promise.all(clients.slice(0, 2).map((client) => client.next()));
    await ordersFollowed(stack, 'live', 'alor');
    expect(accountSubscriptions(stack) - before).toBe(0);
    expect(await accountStream(stack, 'alor')).toMatchObject({ transport: 'websocket', state: 'live', sockets: 1 });
    for (const client of clients) client.close();
  });
});
