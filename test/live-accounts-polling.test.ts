import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { SseClient } from './support/live-clients.js';
import { accountStream, eventually, ordersFollowed, orderEventsSubscription, placeOrder, portfolioQuery, portfolioSubscription } from './support/live-accounts.js';
import { startLiveStack, type LiveStack } from './support/live-stack.js';

/**
 * Live accounts of brokers brokerql polls (Tinkoff v1 whose streams are gone, InstaForex, and
 * ALOR when its /ws cannot be reached — here a loopback port nothing listens on, given up after
 * `unavailableAfterMs`): the same subscriptions, answered by reading within each broker's
 * quota (`source: POLL`), equal to what queries answer.
 */

/** ALOR's stream unreachable: its account streams give up after a second, and ALOR is polled. */
const alorStreamUnreachable = { streams: { accountPollMs: 500, unavailableAfterMs: 1_000 }, connectionOverrides: { alor: { wsUrl: 'ws://127.0.0.1:1/ws' } } };

const withoutTime = ({ asOf: _asOf, ...portfolio }: Record<string, unknown>) => portfolio;

describe.each([
  ['alor', 'alor:D38291', '{ symbol: "SBER", exchange: "MOEX" }'],
  ['tinkoff-legacy', 'tinkoff-legacy:2054816137', '{ figi: "BBG004730RP0" }'],
  ['ifx', 'ifx:2100123', null],
])('live accounts of %s, by polling', (connection, accountId, instrument) => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor', 'tinkoff-v1', 'instaforex'], ...alorStreamUnreachable });
  });
  afterAll(() => stack.stop());

  it('sends the portfolio the REST query answers, and says in /readyz that it polls', async () => {
    const client = await SseClient.open(stack.url, { query: portfolioSubscription(accountId), token: stack.readToken });
    const live = (await client.next()).data.portfolio;
    const queried = await graphql(stack.gateway, portfolioQuery(accountId), { token: stack.readToken });
    expect(withoutTime(live)).toEqual(withoutTime(queried.data!.account.portfolio));
    // ALOR's account stream is given up after `unavailableAfterMs`; the others never had one.
    await eventually(async () => (await accountStream(stack, connection))['transport'] === 'polling', `${connection} to poll`);
    expect(await accountStream(stack, connection)).toMatchObject({ transport: 'polling', state: 'polling' });
    if (instrument) {
      // A series of orders and fills: the subscription follows, and ends equal to REST, field by field.
      await placeOrder(stack, { accountId, instrument, lots: 2 });
      await placeOrder(stack, { accountId, instrument, lots: 1, side: 'SELL' });
      let rest: Record<string, unknown> = {};
      await eventually(async () => {
        rest = withoutTime((await graphql(stack.gateway, portfolioQuery(accountId), { token: stack.readToken })).data!.account.portfolio);
        return JSON.stringify(withoutTime(client.results.at(-1).data.portfolio)) === JSON.stringify(rest);
      }, 'the live portfolio to equal the REST one after the orders');
      expect(withoutTime(client.results.at(-1).data.portfolio)).toEqual(rest);
      expect(client.results.length).toBeGreaterThan(1);
    }
    client.close();
  });
});

describe('order events by polling', () => {
  let stack: LiveStack;
  beforeAll(async () => {
    stack = await startLiveStack({ brokers: ['alor', 'tinkoff-v1'], ...alorStreamUnreachable });
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

  it('Tinkoff v1: a market order ACCEPTED, then FILLED at its operation’s price; a resting limit order ACCEPTED, then CANCELLED', async () => {
    const account = 'tinkoff-legacy:2054816137';
    const client = await SseClient.open(stack.url, { query: orderEventsSubscription(account), token: stack.readToken });
    await ordersFollowed(stack, 'polling', 'tinkoff-legacy');
    const gazp = '{ figi: "BBG004730RP0" }';
    const { order: market } = await placeOrder(stack, { accountId: account, instrument: gazp, lots: 1 });
    const filled = (await client.next((result) => result.data.orderEvents.order.id === market.id && result.data.orderEvents.kind === 'FILLED')).data.orderEvents;
    const operations = await graphql(stack.gateway, `{ account(id: "${account}") { operations(from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { id price } } }`, { token: stack.readToken });
    const operation = operations.data!.account.operations.find((row: { id: string }) => row.id === market.id);
    expect(filled).toMatchObject({ source: 'POLL', fill: { lots: '1', price: operation.price, tradeId: null }, order: { status: 'FILLED', executedLots: '1' } });

    const book = await graphql(stack.gateway, `{ orderbook(connection: "tinkoff-legacy", instrument: ${gazp}, depth: 1) { bids { price } } }`, { token: stack.readToken });
    const { order: limit } = await placeOrder(stack, { accountId: account, instrument: gazp, type: 'LIMIT', lots: 1, price: book.data!.orderbook.bids[0].price });
    const accepted = (await client.next((result) => result.data.orderEvents.order.id === limit.id)).data.orderEvents;
    expect(accepted).toMatchObject({ kind: 'ACCEPTED', source: 'POLL', fill: null, order: { status: 'NEW', executedLots: '0', instrument: { id: 'tinkoff-legacy:BBG004730RP0' } } });
    const cancel = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${account}", orderId: "${limit.id}") { status } }`, { token: stack.tradeToken });
    expect(cancel.errors).toBeUndefined();
    const cancelled = (await client.next((result) => result.data.orderEvents.order.id === limit.id)).data.orderEvents;
    expect(cancelled).toMatchObject({ kind: 'CANCELLED', source: 'POLL', order: { status: 'CANCELLED', executedLots: '0' } });
    const kinds = (id: string) => client.results.map((result) => result.data.orderEvents).filter((event) => event.order.id === id).map((event) => event.kind);
    expect([kinds(market.id), kinds(limit.id)]).toEqual([
      ['ACCEPTED', 'FILLED'],
      ['ACCEPTED', 'CANCELLED'],
    ]);
    client.close();
  });
});
