import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tinkoffOrderRequestId } from '../src/brokers/tinkoff/adapter.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * A5: T-Invest's error 30057 — "the order is a duplicate, but the order report was not found" —
 * says an order with this orderId exists (or may), not that the order was refused. It is answered
 * as an order whose state is unknown: UPSTREAM_TIMEOUT, not retryable, audited as 'unknown', and a
 * repeat with the same idempotencyKey checks again instead of replaying a refusal.
 */

let stack: Stack;
const accountId = 'tbank:2000345678';
const placeOrder = (key: string) =>
  `mutation { placeOrder(input: { accountId: "${accountId}", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1, idempotencyKey: "${key}" }) { id status executedLots } }`;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.tinkoff.state.reportsDelayed = false;
  stack.tinkoff.server.clearFaults();
  stack.tinkoff.server.resetCounters();
});

describe('A5: T-Invest 30057 is an order of unknown state, not a refusal', () => {
  it('a lost answer whose resend is answered 30057: unknown, audited so, and the repeat finds the one order', async () => {
    const ordersBefore = stack.tinkoff.state.orders.size;
    stack.tinkoff.state.reportsDelayed = true;
    stack.tinkoff.server.injectFault({ route: 'OrdersService/PostOrder', fault: { kind: 'drop' }, afterHandling: true, times: 1 });

    const first = await graphql(stack.gateway, placeOrder('duplicate-1'), { token: stack.tradeToken });
    expect(first.data).toBeNull();
    expect(first.errors).toEqual([
      expect.objectContaining({ path: ['placeOrder'], extensions: { code: 'UPSTREAM_TIMEOUT', connection: 'tbank', retryable: false } }),
    ]);
    expect(first.errors![0]!.message).toMatch(/whether the order was placed is unknown: T-Invest has an order with this request id but no report of it \(The order is a duplicate, but the order report was not found \(30057\)\)/);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'placeOrder', outcome: 'unknown', errorCode: 'UPSTREAM_TIMEOUT', idempotencyKey: 'duplicate-1' });
    // The first PostOrder (answer lost), the check by orderId, the resend answered 30057.
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(2);
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrderState')).toBe(1);
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore + 1);

    // The report is there now: the repeat re-drives the same orderId and gets the one order.
    stack.tinkoff.state.reportsDelayed = false;
    const repeat = await graphql(stack.gateway, placeOrder('duplicate-1'), { token: stack.tradeToken });
    expect(repeat.errors).toBeUndefined();
    const placed = [...stack.tinkoff.state.orders.values()].at(-1)!;
    expect(repeat.data).toEqual({ placeOrder: { id: placed.orderId, status: 'FILLED', executedLots: '1' } });
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore + 1);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'ok', brokerOrderId: placed.orderId });
  });

  it('a first answer of 30057: not sent again (the answer would be the same), state unknown', async () => {
    // The orderId the gateway will send already exists at T-Invest without a report.
    const viewer = await graphql(stack.gateway, '{ viewer { tokenId } }', { token: stack.tradeToken });
    const orderRequestId = tinkoffOrderRequestId(`${viewer.data!['viewer'].tokenId}:${accountId}:duplicate-2`);
    stack.tinkoff.orders.post({ accountId: '2000345678', figi: 'BBG004730N88', direction: 'ORDER_DIRECTION_BUY', orderType: 'ORDER_TYPE_MARKET', lots: 1, price: undefined, orderRequestId });
    const ordersBefore = stack.tinkoff.state.orders.size;
    stack.tinkoff.state.reportsDelayed = true;

    const result = await graphql(stack.gateway, placeOrder('duplicate-2'), { token: stack.tradeToken });
    expect(result.errors?.map((error) => error.extensions)).toEqual([{ code: 'UPSTREAM_TIMEOUT', connection: 'tbank', retryable: false }]);
    expect(result.errors![0]!.message).toMatch(/30057/);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrderState')).toBe(1);
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'unknown', idempotencyKey: 'duplicate-2' });
  });

  it('30057 for an order GetOrderState does find: the order is answered, placed once', async () => {
    const ordersBefore = stack.tinkoff.state.orders.size;
    stack.tinkoff.server.injectFault({
      route: 'OrdersService/PostOrder',
      fault: { kind: 'status', status: 400, body: { code: 3, message: 'The order is a duplicate, but the order report was not found', description: 30057 } },
      afterHandling: true,
      times: 1,
    });
    const result = await graphql(stack.gateway, placeOrder('duplicate-3'), { token: stack.tradeToken });
    expect(result.errors).toBeUndefined();
    const placed = [...stack.tinkoff.state.orders.values()].at(-1)!;
    expect(result.data).toEqual({ placeOrder: { id: placed.orderId, status: 'FILLED', executedLots: '1' } });
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore + 1);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
  });
});
