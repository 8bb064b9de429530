import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { orderInput, policyToken } from './support/guardrails.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Issue 17: `Query.orderPreview` values an order from the broker's own calculator (T-Invest
 * GetOrderPrice and GetMaxLots, ALOR …/orders/estimate: source BROKER) or, where a broker has
 * none (Tinkoff v1), from price × lots × lot size (ESTIMATE), and applies the calling token's
 * policy — every rule, nothing reserved and nothing sent. Numbers come from the simulators'
 * commission tables (0.05 %), so they are exact.
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff', 'tinkoff-v1', 'alor'] });
});
afterAll(() => stack.close());

const previewQuery = `query ($input: PlaceOrderInput!) {
  orderPreview(input: $input) {
    accountId instrument { id ticker } side type lots price source
    value { amount currency } amount { amount currency } commission { amount currency }
    accruedInterest { amount currency } initialMargin { amount }
    maxLots { buy buyWithMargin sell sellWithMargin }
    policyValue { amount currency } exchangeRate { from to rate instrument price asOf }
    valueUnknownReason
    checks { rule ok limit value message }
  }
}`;

async function preview(token: string, input: Parameters<typeof orderInput>[0]) {
  const response = await graphql(stack.gateway, previewQuery, { token, variables: { input: orderInput(input) } });
  expect(response.errors).toBeUndefined();
  return response.data!['orderPreview'];
}

describe('values', () => {
  it("T-Invest: GetOrderPrice's amount and commission, GetMaxLots' lots; a READ token without a policy gets no checks", async () => {
    stack.tinkoff.server.resetCounters();
    const result = await preview(stack.readToken, { price: '281.99' });
    expect(result).toEqual({
      accountId: 'tbank:2000345678',
      instrument: { id: 'tbank:BBG004730N88', ticker: 'SBER' },
      side: 'BUY',
      type: 'LIMIT',
      lots: 1,
      price: '281.99',
      source: 'BROKER',
      value: { amount: '2821.31', currency: 'RUB' },
      amount: { amount: '2819.9', currency: 'RUB' },
      commission: { amount: '1.41', currency: 'RUB' },
      accruedInterest: null,
      initialMargin: null,
      // 15230.55 RUB free (5000 held by the working SBER order) / 2821.31 per lot: 5; 30 shares held: 3 lots.
      maxLots: { buy: '5', buyWithMargin: '5', sell: '3', sellWithMargin: '3' },
      policyValue: null,
      exchangeRate: null,
      valueUnknownReason: null,
      checks: [],
    });
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrderPrice')).toBe(1);
    expect(stack.tinkoff.server.requestCount('OrdersService/GetMaxLots')).toBe(1);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it("a bond's accrued interest counts in its value", async () => {
    // 2 bonds at 1001.5 = 2003, commission 1.00, accrued interest 2 × 12.37 = 24.74.
    const result = await preview(stack.readToken, { instrument: { figi: 'BBG00HYXLFQ7' }, lots: 2, price: '1001.5' });
    expect(result).toMatchObject({ value: { amount: '2028.74', currency: 'RUB' }, commission: { amount: '1' }, accruedInterest: { amount: '24.74', currency: 'RUB' } });
  });

  it('a MARKET order is valued at its last lot in the book', async () => {
    const book = await graphql(stack.gateway, '{ orderbook(connection: "tbank", instrument: { figi: "BBG004730N88" }, depth: 1) { asks { price } } }', { token: stack.readToken });
    const bestAsk = book.data!['orderbook'].asks[0].price as string;
    const result = await preview(stack.readToken, { type: 'MARKET', lots: 1 });
    expect(result).toMatchObject({ type: 'MARKET', price: bestAsk, source: 'BROKER' });
  });

  it('ALOR: the estimate of …/orders/estimate, with the lots it covers', async () => {
    const result = await preview(stack.readToken, { accountId: 'alor:D38291', instrument: { id: 'alor:MOEX:SBER' }, price: '306.45' });
    // 1 lot = 10 × 306.45 = 3064.5 RUB; commission 0.05 % = 1.53225 (ALOR keeps 5 decimals).
    expect(result).toMatchObject({
      source: 'BROKER',
      value: { amount: '3066.03225', currency: 'RUB' },
      amount: { amount: '3064.5', currency: 'RUB' },
      commission: { amount: '1.53225', currency: 'RUB' },
      accruedInterest: null,
    });
    // 200 shares at the open plus the 20 bought this morning: 22 lots to sell.
    expect(result.maxLots).toMatchObject({ sell: '22', sellWithMargin: '22' });
    expect(Number(result.maxLots.buy)).toBeGreaterThan(0);
    expect(stack.simulators.alor!.server.requestCount('POST estimate')).toBe(1);
  });

  it('Tinkoff v1 has no calculator: price × lots × lot size, ESTIMATE, no commission', async () => {
    const result = await preview(stack.readToken, { accountId: 'tinkoff-legacy:2054816137', price: '280' });
    expect(result).toMatchObject({ source: 'ESTIMATE', value: { amount: '2800', currency: 'RUB' }, commission: null, maxLots: null });
  });
});

describe("the calling token's policy", () => {
  it('every rule the policy sets, in order, with the counters as they stand and the exchange rate used', async () => {
    const { secret } = policyToken(stack.gateway, {
      currency: 'RUB',
      maxOrderValue: 10000,
      maxOrdersPerDay: 3,
      orderTypes: ['LIMIT'],
      instruments: ['tbank:BBG000B9XRY4'],
      priceBandPercent: 10,
    });
    const result = await preview(secret, { instrument: { figi: 'BBG000B9XRY4' }, price: '189.47' });
    expect(result.value).toEqual({ amount: '189.56', currency: 'USD' });
    expect(result.policyValue).toEqual({ amount: '17530.0349', currency: 'RUB' });
    expect(result.exchangeRate).toMatchObject({ from: 'USD', to: 'RUB', rate: '92.4775', instrument: 'tbank:BBG0013HGFT4', price: '92.4775' });
    expect(result.checks.map((check: { rule: string; ok: boolean; limit: string; value: string }) => [check.rule, check.ok, check.limit, check.value])).toEqual([
      ['orderTypes', true, 'LIMIT', 'LIMIT'],
      ['instruments', true, 'tbank:BBG000B9XRY4', 'tbank:BBG000B9XRY4'],
      ['priceBandPercent', true, '10%', '0%'],
      ['maxOrderValue', false, '10000 RUB', '17530.0349 RUB'],
      ['maxOrdersPerDay', true, '3', '1'],
    ]);
  });

  it('a value that cannot be known is a failed valueUnknown check, and the reason is given', async () => {
    const { secret } = policyToken(stack.gateway, { maxDailyValue: 100000 });
    const result = await preview(secret, { accountId: 'tinkoff-legacy:2054816137', instrument: { figi: 'BBG00HYXLFQ7' }, price: '100' });
    expect(result.source).toBeNull();
    expect(result.valueUnknownReason).toMatch(/is a bond, whose price may be a percent of its face value/);
    expect(result.checks).toEqual([expect.objectContaining({ rule: 'valueUnknown', ok: false, limit: null, value: null })]);
  });
});

it("viewer shows the policy, today's usage and the kill switch", async () => {
  const { secret, id } = policyToken(stack.gateway, { maxOpenOrders: 50, maxPositionLots: { 'tbank:BBG004730N88': 20 }, tradingHours: { from: '07:00', to: '02:00', timezone: 'Asia/Tokyo' } }, ['tbank:2000345678']);
  stack.gateway.database.prepare(`INSERT INTO trading_halts (scope, target, created_at) VALUES ('account', 'tbank:2000345678', ?)`).run(new Date().toISOString());
  const response = await graphql(
    stack.gateway,
    `{ viewer { tokenId policy { currency timezone maxOpenOrders maxPositionLots { instrument lots } tradingHours { from to timezone days } }
        usage { day timezone ordersToday valueToday { amount } openOrders } halted haltedAccounts } }`,
    { token: secret },
  );
  expect(response.errors).toBeUndefined();
  expect(response.data!['viewer']).toMatchObject({
    tokenId: id,
    policy: {
      currency: 'RUB',
      timezone: 'Asia/Tokyo',
      maxOpenOrders: 50,
      maxPositionLots: [{ instrument: 'tbank:BBG004730N88', lots: 20 }],
      tradingHours: { from: '07:00', to: '02:00', timezone: 'Asia/Tokyo', days: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] },
    },
    // The two seeded working orders of the one account the token can see.
    usage: { timezone: 'Asia/Tokyo', ordersToday: 0, valueToday: null, openOrders: 2 },
    halted: false,
    haltedAccounts: ['tbank:2000345678'],
  });
  const refused = await graphql(stack.gateway, 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', { token: secret, variables: { input: orderInput() } });
  expect(refused.errors![0]!.extensions).toEqual({ code: 'TRADING_HALTED' });
  expect(refused.errors![0]!.message).toMatch(/^trading is halted \(account tbank:2000345678, since 20/);
  stack.gateway.database.prepare(`DELETE FROM trading_halts`).run();
});
