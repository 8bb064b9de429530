import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle } from '../support/stream-client.js';
import { mainAccount, sberFigi, sberUid, startTinkoffStreams, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * T-Invest's order and account streams driven by the simulator's own state: orders placed over
 * REST appear on OrderStateStream (with its two-message quirk), TradesStream, PositionsStream and
 * PortfolioStream, and what the streams say equals what REST says for the same state.
 */

let stack: TinkoffStreamStack;
beforeEach(async () => {
  stack = await startTinkoffStreams();
});
afterEach(async () => {
  await stack.stop();
});

const withoutEmptyLists = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, field) => (Array.isArray(field) && field.length === 0 ? undefined : field)));

describe('OrderStateStream', () => {
  it('acknowledges the subscription as the docs show it', async () => {
    const { ack } = await stack.orderStates();
    expect(ack).toEqual({
      subscription: { trackingId: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'RESULT_SUBSCRIPTION_STATUS_OK', streamId: expect.any(String), accounts: [mainAccount] },
    });
  });

  it('reports a market order twice: first under its request id, then filled under the exchange number, with the trade', async () => {
    const { client } = await stack.orderStates();
    const key = randomUUID();
    const placed = await stack.order({ lots: 2, key });
    const first = (await client.nextWith('orderState')).orderState;
    const second = (await client.nextWith('orderState')).orderState;
    expect(first).toMatchObject({ orderId: key, orderRequestId: key, executionReportStatus: 'EXECUTION_REPORT_STATUS_NEW', lotsExecuted: '0', lotsLeft: '2' });
    expect(first.trades).toBeUndefined();
    expect(second).toMatchObject({
      orderId: placed.orderId,
      orderRequestId: key,
      executionReportStatus: 'EXECUTION_REPORT_STATUS_FILL',
      lotsRequested: '2',
      lotsExecuted: '2',
      lotsLeft: '0',
      lotsCancelled: '0',
      ticker: 'SBER',
      classCode: 'TQBR',
      lotSize: 10,
      direction: 'ORDER_DIRECTION_BUY',
      orderType: 'ORDER_TYPE_MARKET',
      accountId: mainAccount,
      instrumentUid: sberUid,
      executedOrderPrice: placed.executedOrderPrice,
    });
    expect(second.trades).toEqual([{ dateTime: second.completionTime, price: { units: '282', nano: 0 }, quantity: '20', tradeId: expect.stringMatching(/^\d+$/) }]);
    // ws/README.md's example, field for field (its statusInfo and completionTime are optional and absent there).
    expect(Object.keys(first)).toEqual(
      ['orderId', 'orderRequestId', 'clientCode', 'createdAt', 'executionReportStatus', 'ticker', 'classCode', 'lotSize', 'direction', 'timeInForce', 'orderType', 'accountId', 'initialOrderPrice', 'orderPrice', 'amount', 'executedOrderPrice', 'currency', 'lotsRequested', 'lotsExecuted', 'lotsLeft', 'lotsCancelled', 'marker', 'exchange', 'instrumentUid'],
    );
  });

  it('reports a resting order, its partial fill by someone else\'s trade, and its cancel', async () => {
    const { client } = await stack.orderStates();
    const bestBid = stack.simulator.state.market.book(sberFigi, 1).bids[0]!;
    const placed = await stack.order({ type: 'LIMIT', lots: 5, price: { units: '281', nano: 990000000 } });
    expect(placed.executionReportStatus).toBe('EXECUTION_REPORT_STATUS_NEW');
    expect((await client.nextWith('orderState')).orderState.orderId).not.toBe(placed.orderId);
    expect((await client.nextWith('orderState')).orderState).toMatchObject({ orderId: placed.orderId, executionReportStatus: 'EXECUTION_REPORT_STATUS_NEW' });
    expect(stack.simulator.state.market.book(sberFigi, 1).bids[0]).toEqual({ price: '281.99', quantity: bestBid.quantity + 5 });

    // A seller takes the whole level: the liquidity that was there first, then 2 of our 5 lots.
    stack.simulator.state.market.execute(sberFigi, 'sell', bestBid.quantity + 2, '281.99');
    const partial = (await client.nextWith('orderState')).orderState;
    expect(partial).toMatchObject({ orderId: placed.orderId, executionReportStatus: 'EXECUTION_REPORT_STATUS_PARTIALLYFILL', lotsExecuted: '2', lotsLeft: '3' });
    expect(partial.trades).toEqual([expect.objectContaining({ price: { units: '281', nano: 990000000 }, quantity: '20' })]);
    const state = await stack.rest('OrdersService/GetOrderState', { accountId: mainAccount, orderId: placed.orderId });
    expect(state).toMatchObject({ executionReportStatus: 'EXECUTION_REPORT_STATUS_PARTIALLYFILL', lotsExecuted: '2' });

    await stack.rest('OrdersService/CancelOrder', { accountId: mainAccount, orderId: placed.orderId });
    expect((await client.nextWith('orderState')).orderState).toMatchObject({
      orderId: placed.orderId,
      executionReportStatus: 'EXECUTION_REPORT_STATUS_CANCELLED',
      statusInfo: 'CAUSE_CANCELLED_BY_CLIENT',
      lotsExecuted: '2',
      lotsLeft: '0',
      lotsCancelled: '3',
    });
  });

  it('reports an order the exchange rejects', async () => {
    const { client } = await stack.orderStates();
    stack.simulator.state.exchangeRejectsNext = 1;
    const placed = await stack.order({ lots: 1 });
    expect(placed.executionReportStatus).toBe('EXECUTION_REPORT_STATUS_REJECTED');
    await client.nextWith('orderState');
    expect((await client.nextWith('orderState')).orderState).toMatchObject({
      orderId: placed.orderId,
      executionReportStatus: 'EXECUTION_REPORT_STATUS_REJECTED',
      statusInfo: 'CAUSE_REJECTED_BY_EXCHANGE',
    });
  });

  it('carries a made-up UID as orderRequestId when the order\'s key was not one (an order from another channel)', async () => {
    const { client } = await stack.orderStates();
    const order = stack.simulator.orders.post({
      accountId: mainAccount,
      figi: sberFigi,
      direction: 'ORDER_DIRECTION_BUY',
      orderType: 'ORDER_TYPE_MARKET',
      lots: 1,
      price: undefined,
      orderRequestId: 'terminal-order-17',
    });
    const first = (await client.nextWith('orderState')).orderState;
    const second = (await client.nextWith('orderState')).orderState;
    expect(first.orderRequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(first.orderId).toBe(first.orderRequestId);
    expect(second).toMatchObject({ orderId: order.orderId, orderRequestId: first.orderRequestId });
  });

  it('reports nothing of accounts it was not asked about, and refuses accounts the token cannot read', async () => {
    const client = await stack.open('OrdersStreamService/OrderStateStream');
    client.send({ accounts: ['2008765432', '2024681357'] });
    expect((await client.nextWith('subscription')).subscription).toMatchObject({ status: 'RESULT_SUBSCRIPTION_STATUS_ERROR', error: { code: '40002' } });
    await stack.order({ lots: 1 });
    await settle(client);
    expect(client.unread).toEqual([]);
  });
});

describe('TradesStream', () => {
  it('reports each fill with its trades', async () => {
    const client = await stack.open('OrdersStreamService/TradesStream');
    client.send({ accounts: [mainAccount] });
    await client.nextWith('subscription');
    const placed = await stack.order({ lots: 1, direction: 'SELL' });
    expect((await client.nextWith('orderTrades')).orderTrades).toEqual({
      orderId: placed.orderId,
      createdAt: expect.any(String),
      direction: 'ORDER_DIRECTION_SELL',
      figi: sberFigi,
      trades: [{ dateTime: expect.any(String), price: { units: '281', nano: 990000000 }, quantity: '10', tradeId: expect.any(String) }],
      accountId: mainAccount,
      instrumentUid: sberUid,
    });
  });
});

describe('PositionsStream and PortfolioStream', () => {
  it('sends the initial positions when asked — GetPositions\' answer — and then what an order changed', async () => {
    const client = await stack.open('OperationsStreamService/PositionsStream');
    client.send({ accounts: [mainAccount], withInitialPositions: true });
    expect((await client.nextWith('subscriptions')).subscriptions.accounts).toEqual([{ accountId: mainAccount, subscriptionStatus: 'POSITIONS_SUBSCRIPTION_STATUS_SUCCESS' }]);
    const initial = (await client.nextWith('initialPositions')).initialPositions;
    const { status: _status, ...rest } = (await stack.rest('OperationsService/GetPositions', { accountId: mainAccount })) as Record<string, unknown>;
    expect(initial).toEqual(withoutEmptyLists(rest));
    expect(initial.futures).toBeUndefined();

    await stack.order({ lots: 1 });
    const { position } = await client.nextWith('position');
    const after = await stack.rest('OperationsService/GetPositions', { accountId: mainAccount });
    const rub = after.money.find((money: any) => money.currency === 'rub');
    expect(position.money).toEqual([{ availableValue: rub, blockedValue: after.blocked.find((money: any) => money.currency === 'rub') }]);
    expect(position.securities).toEqual([expect.objectContaining({ figi: sberFigi, balance: '40', blocked: '0', instrumentType: 'share' })]);
    expect(position.date).toBe(new Date(stack.clock.now()).toISOString());
    await settle(client);
    expect(client.unread).toEqual([]);
  });

  it('pushes the portfolio once per order, equal to GetPortfolio for the same state; nothing on subscribing', async () => {
    const client = await stack.open('OperationsStreamService/PortfolioStream');
    client.send({ accounts: [mainAccount, '2024681357'] });
    expect((await client.nextWith('subscriptions')).subscriptions).toEqual({
      accounts: [
        { accountId: mainAccount, subscriptionStatus: 'PORTFOLIO_SUBSCRIPTION_STATUS_SUCCESS' },
        { accountId: '2024681357', subscriptionStatus: 'PORTFOLIO_SUBSCRIPTION_STATUS_ACCOUNT_NOT_FOUND' },
      ],
      trackingId: expect.any(String),
      streamId: expect.any(String),
    });
    await settle(client);
    expect(client.unread).toEqual([]);
    await stack.order({ lots: 2 });
    const { portfolio } = await client.nextWith('portfolio');
    const { status: _status, ...rest } = (await stack.rest('OperationsService/GetPortfolio', { accountId: mainAccount })) as Record<string, unknown>;
    expect(portfolio).toEqual(withoutEmptyLists(rest));
    expect(portfolio.virtualPositions).toBeUndefined();
    await settle(client);
    expect(client.unread).toEqual([]);
  });
});
