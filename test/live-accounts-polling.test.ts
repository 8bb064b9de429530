import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { SseClient } from './support/live-clients.js';
import { accountStream, ordersFollowed, orderEventsSubscription, placeOrder, portfolioQuery, portfolioSubscription } from './support/live-accounts.js';
import { startLiveStack, type LiveStack } from './support/live-stack.js';

/**
 * Live accounts of brokers brokerql polls (ALOR here, Tinkoff v1 whose streams are gone,
 * InstaForex): the same subscriptions, answered by reading within each broker's quota
 * (`source: POLL`), equal to what queries answer.
 */

const withoutTime = ({ asOf: _asOf, ...portfolio }: Record<string, unknown>) => portfolio;

describe.each([
  ['alor', 'alor:D38291'],
  ['tinkoff-legacy', 'tinkoff-legacy:2054816137'],
  ['ifx', 'ifx:2100123'],
])('live accounts of %s, by polling', (connection, accountId) => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor', 'tinkoff-v1', 'instaforex'], streams: { accountPollMs: 500 } });
  });
  afterAll(() => stack.stop());

  it('sends the portfolio the REST query answers, and says in /readyz that it polls', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(accountId), token: stack.readToken });
    const live = (await client.next()).data.portfolio;
    const queried = await graphql(stack.gateway, portfolioQuery(accountId), { token: stack.readToken });
    expect(withoutTime(live)).toEqual(withoutTime(queried.data!.account.portfolio));
    expect(await accountStream(stack, connection)).toMatchObject({ transport: 'polling', state: 'polling' });
    client.close();
  });
});

describe('order events by polling', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor', 'tinkoff-v1'], streams: { accountPollMs: 500 } });
  });
  afterAll(() => stack.stop());

  it('ALOR: a market order is ACCEPTED, then FILLED with its fill price (from its trades), source POLL', async () => {
    const client = await SseClient.open(stack.url, { query: orderEventsSubscription('alor:D38291'), token: stack.readToken });
    await ordersFollowed(stack, 'polling', 'alor');
    const { order } = await placeOrder(stack, { accountId: 'alor:D38291', instrument: '{ symbol: "SBER", exchange: "MOEX" }', lots: 1 });
    const filled = (await client.next((result) => result.data.orderEvents.order.id === order.id && result.data.orderEvents.kind === 'FILLED')).data.orderEvents;
    const events = client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === order.id);
    expect(events.map((event) => [event.kind, event.source])).toEqual([
      ['ACCEPTED', 'POLL'],
      ['FILLED', 'POLL'],
    ]);
    // The same price the order's own averageFillPrice shows (ALOR: from its trades).
    expect(order.averageFillPrice).not.toBeNull();
    expect(filled.fill).toEqual({ lots: '1', price: order.averageFillPrice, tradeId: null });
    expect(filled.order).toMatchObject({ status: 'FILLED', executedLots: '1', instrument: { id: 'alor:MOEX:SBER' } });
    client.close();
  });

  it('Tinkoff v1: a resting limit order is reported ACCEPTED by polling', async () => {
    const client = await SseClient.open(stack.url, { query: orderEventsSubscription('tinkoff-legacy:2054816137'), token: stack.readToken });
    await ordersFollowed(stack, 'polling', 'tinkoff-legacy');
    const book = await graphql(stack.gateway, '{ orderbook(connection: "tinkoff-legacy", instrument: { figi: "BBG004730RP0" }, depth: 1) { bids { price } } }', { token: stack.readToken });
    const price = book.data!.orderbook.bids[0].price;
    const { order } = await placeOrder(stack, { accountId: 'tinkoff-legacy:2054816137', instrument: '{ figi: "BBG004730RP0" }', type: 'LIMIT', lots: 1, price });
    const accepted = (await client.next((result) => result.data.orderEvents.order.id === order.id)).data.orderEvents;
    expect(accepted).toMatchObject({ kind: 'ACCEPTED', source: 'POLL', fill: null, order: { status: 'NEW', executedLots: '0', instrument: { id: 'tinkoff-legacy:BBG004730RP0' } } });
    client.close();
  });
});
