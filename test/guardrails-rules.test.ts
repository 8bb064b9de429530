import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { parsePolicy } from '../src/trading/policy.js';
import { placeOrder, policyToken, tinkoffOrdersPlaced } from './support/guardrails.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Issue 17: each rule of a token's policy refuses an order before it reaches the broker's order
 * endpoint, with RISK_LIMIT_EXCEEDED naming the rule, the limit and the value, and an audit row
 * that names the rule. Values come from T-Invest's GetOrderPrice (the simulator's 0.05 %
 * commission table), so the numbers are exact.
 */

let stack: Stack;
/** The clock policies read; the system clock unless a test sets one. */
let fixedNow: Date | undefined;

beforeAll(async () => {
  // trustProxy: a test names the client address in X-Forwarded-For (allowFrom).
  stack = await startStack({ server: { trustProxy: true }, now: () => fixedNow ?? new Date() });
  // Enough roubles that no test's resting orders run another out of money.
  stack.tinkoff.state.cash.get('2000345678')!.set('rub', '10000000');
});
afterAll(() => stack.close());
beforeEach(() => {
  fixedNow = undefined;
  stack.tinkoff.server.resetCounters();
});

function refusal(response: Awaited<ReturnType<typeof placeOrder>>) {
  expect(response.data).toBeNull();
  expect(response.errors).toHaveLength(1);
  return response.errors![0]!;
}

describe('rules that need nothing but the request: refused before any broker call', () => {
  it('orderTypes, sides, instruments, allowFrom and tradingHours each name their rule, limit and value', async () => {
    const { secret } = policyToken(stack.gateway, {
      orderTypes: ['LIMIT'],
      sides: ['BUY'],
      instruments: ['tbank:BBG004730N88'],
      allowFrom: ['10.0.0.0/8', '2001:db8::/32'],
      tradingHours: { from: '10:00', to: '18:40', timezone: 'Europe/Moscow', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
    });
    // Wednesday 2026-12-02 12:00 in Moscow (09:00 UTC): inside the hours.
    fixedNow = new Date('2026-12-02T09:00:00Z');
    const inside = { 'x-forwarded-for': '10.1.2.3' };
    const cases = [
      { input: { type: 'MARKET' as const }, headers: inside, rule: 'orderTypes', limit: 'LIMIT', value: 'MARKET' },
      { input: { side: 'SELL' as const }, headers: inside, rule: 'sides', limit: 'BUY', value: 'SELL' },
      { input: { instrument: { id: 'tbank:BBG004730RP0' } }, headers: inside, rule: 'instruments', limit: 'tbank:BBG004730N88', value: 'tbank:BBG004730RP0' },
      { input: {}, headers: { 'x-forwarded-for': '192.168.1.5' }, rule: 'allowFrom', limit: '10.0.0.0/8, 2001:db8::/32', value: '192.168.1.5' },
    ];
    for (const { input, headers, rule, limit, value } of cases) {
      const error = refusal(await placeOrder(stack.gateway, secret, input, headers));
      expect(error.extensions).toEqual({ code: 'RISK_LIMIT_EXCEEDED', rule, limit, value, retryable: false });
      expect(error.message).toMatch(new RegExp(`^order refused by the token's policy \\(${rule}\\)`));
      expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'placeOrder', outcome: 'rejected', errorCode: 'RISK_LIMIT_EXCEEDED', rule });
    }
    // Saturday 2026-12-05 11:02 in Moscow.
    fixedNow = new Date('2026-12-05T08:02:00Z');
    const closed = refusal(await placeOrder(stack.gateway, secret, {}, inside));
    expect(closed.extensions).toMatchObject({ rule: 'tradingHours', limit: 'MON,TUE,WED,THU,FRI 10:00-18:40 Europe/Moscow', value: 'SAT 11:02 Europe/Moscow' });
    // Nothing at all was asked of the broker for any of them: not even the account list.
    expect(stack.tinkoff.server.requestCount()).toBe(0);

    // Inside the hours, from an allowed IPv6 address, everything allowed: the order goes through.
    fixedNow = new Date('2026-12-02T09:00:00Z');
    const placed = await placeOrder(stack.gateway, secret, {}, { 'x-forwarded-for': '2001:db8::7' });
    expect(placed.errors).toBeUndefined();
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
  });

  it('an instrument named by FIGI is checked once the broker has resolved it, still before the order is sent', async () => {
    const { secret } = policyToken(stack.gateway, { instruments: ['tbank:BBG004730N88'] });
    const error = refusal(await placeOrder(stack.gateway, secret, { instrument: { figi: 'BBG004730RP0' } }));
    expect(error.extensions).toMatchObject({ rule: 'instruments', value: 'tbank:BBG004730RP0' });
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });
});

describe('value limits: the broker calculator, exchange rates, fail closed', () => {
  it("maxOrderValue counts amount + commission as T-Invest's GetOrderPrice says, to the kopeck", async () => {
    // 1 lot of SBER (10 shares) at 281.99 = 2819.9 RUB, commission 0.05 % = 1.41: 2821.31 RUB.
    const tight = policyToken(stack.gateway, { maxOrderValue: '2821.30' });
    const error = refusal(await placeOrder(stack.gateway, tight.secret, { price: '281.99' }));
    expect(error.extensions).toEqual({ code: 'RISK_LIMIT_EXCEEDED', rule: 'maxOrderValue', limit: '2821.3 RUB', value: '2821.31 RUB', retryable: false });
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrderPrice')).toBe(1);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);

    const exact = policyToken(stack.gateway, { maxOrderValue: 2821.31 });
    const placed = await placeOrder(stack.gateway, exact.secret, { price: '281.99' });
    expect(placed.errors).toBeUndefined();
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
  });

  it('a refused order leaves its idempotency key free: the same key is checked again under the new policy', async () => {
    const { secret, id } = policyToken(stack.gateway, { maxOrderValue: 2000 });
    const refused = await placeOrder(stack.gateway, secret, { price: '281.99', idempotencyKey: 'retry-after-refusal' });
    expect(refused.errors![0]!.extensions).toMatchObject({ rule: 'maxOrderValue' });
    stack.gateway.tokens.setPolicy(id, parsePolicy({ maxOrderValue: 3000 }, 'raised'));
    const retried = await placeOrder(stack.gateway, secret, { price: '281.99', idempotencyKey: 'retry-after-refusal' });
    expect(retried.errors).toBeUndefined();
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
  });

  it('an order in dollars is converted at the named USD/RUB rate; a currency with no rate is refused as valueUnknown', async () => {
    // 1 AAPL at 189.47 USD + 0.09 commission = 189.56 USD; × 92.4775 (USD000UTSTOM's last price) = 17530.0349 RUB.
    const roubles = policyToken(stack.gateway, { currency: 'RUB', maxOrderValue: 17530 });
    const error = refusal(await placeOrder(stack.gateway, roubles.secret, { instrument: { figi: 'BBG000B9XRY4' }, price: '189.47' }));
    expect(error.extensions).toMatchObject({ rule: 'maxOrderValue', limit: '17530 RUB', value: '17530.0349 RUB' });
    expect(error.message).toMatch(/converted at 1 USD = 92\.4775 RUB \(tbank:BBG0013HGFT4 at 92\.4775, 20\d\d-/);

    const euros = policyToken(stack.gateway, { currency: 'EUR', maxOrderValue: 1000000 });
    const unknown = refusal(await placeOrder(stack.gateway, euros.secret, { instrument: { figi: 'BBG000B9XRY4' }, price: '189.47' }));
    expect(unknown.extensions).toEqual({ code: 'RISK_LIMIT_EXCEEDED', rule: 'valueUnknown', limit: null, value: null, retryable: false });
    expect(unknown.message).toMatch(/no exchange rate from USD to EUR is known/);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it('a MARKET order is valued at the price of its last lot in the book; a book too thin for it is valueUnknown', async () => {
    const { secret } = policyToken(stack.gateway, { maxOrderValue: 100000000 });
    const thin = refusal(await placeOrder(stack.gateway, secret, { type: 'MARKET', lots: 1000000 }));
    expect(thin.extensions).toMatchObject({ rule: 'valueUnknown' });
    expect(thin.message).toMatch(/the asks in SBER's book cover \d+ of the order's 1000000 lots/);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it('maxDailyValue adds the order to what was placed today; an order the broker refused does not count', async () => {
    // Each: 1 lot at 250 = 2500 RUB (a resting order: no commission at placement, but GetOrderPrice charges 1.25).
    const { secret } = policyToken(stack.gateway, { maxDailyValue: 5002.5 });
    expect((await placeOrder(stack.gateway, secret)).errors).toBeUndefined();
    // The exchange rejects the next one: nothing was placed, its reservation is released.
    stack.tinkoff.state.exchangeRejectsNext = 1;
    expect(refusal(await placeOrder(stack.gateway, secret)).extensions).toMatchObject({ code: 'UPSTREAM_REJECTED' });
    expect((await placeOrder(stack.gateway, secret)).errors).toBeUndefined();
    const third = refusal(await placeOrder(stack.gateway, secret));
    expect(third.extensions).toMatchObject({ rule: 'maxDailyValue', limit: '5002.5 RUB', value: '7503.75 RUB' });
    const usage = await graphql(stack.gateway, '{ viewer { usage { ordersToday valueToday { amount currency } } } }', { token: secret });
    expect(usage.data).toEqual({ viewer: { usage: { ordersToday: 2, valueToday: { amount: '5002.5', currency: 'RUB' } } } });
  });
});

describe('the market and the account: price band, working orders, position', () => {
  it('priceBandPercent compares the limit price with the last price, exactly', async () => {
    const { secret } = policyToken(stack.gateway, { priceBandPercent: 5 });
    const error = refusal(await placeOrder(stack.gateway, secret, { price: '300' }));
    // |300 − 281.99| / 281.99 = 6.38675…%, shown rounded up.
    expect(error.extensions).toMatchObject({ rule: 'priceBandPercent', limit: '5%', value: '6.3868%' });
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
    expect((await placeOrder(stack.gateway, secret, { price: '270' })).errors).toBeUndefined();
  });

  it("maxOpenOrders counts the broker's working orders on the token's accounts and every order in flight", async () => {
    const ordersBefore = await graphql(stack.gateway, '{ account(id: "tbank:2000345678") { orders { id } } }', { token: stack.readToken });
    const working = (ordersBefore.data!['account'].orders as unknown[]).length;
    const { secret } = policyToken(stack.gateway, { maxOpenOrders: working + 2 }, ['tbank:2000345678']);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => placeOrder(stack.gateway, secret, { price: '240' })));
    expect(results.filter((result) => !result.errors)).toHaveLength(2);
    for (const result of results.filter((one) => one.errors)) {
      // At least one over the limit; an order that settled while this one read the broker's list may
      // be counted twice (in the list and as settled since), never not at all.
      expect(result.errors![0]!.extensions).toMatchObject({ rule: 'maxOpenOrders', limit: String(working + 2) });
      expect(Number(result.errors![0]!.extensions['value'])).toBeGreaterThanOrEqual(working + 3);
    }
  });

  it('maxPositionLots counts the position, working buys and orders in flight; a sell back toward zero passes', async () => {
    const position = await graphql(stack.gateway, '{ account(id: "tbank:2008765432") { portfolio { positions { lots instrument { id } } } orders { id } } }', { token: stack.readToken });
    // The IIS holds 10 lots of GAZP (1200 RUB of cash: one lot at 110 is what it can buy) and has no working orders.
    expect(position.data!['account'].orders).toEqual([]);
    expect(position.data!['account'].portfolio.positions).toEqual([{ lots: '10', instrument: { id: 'tbank:BBG004730RP0' } }]);
    const { secret } = policyToken(stack.gateway, { maxPositionLots: { 'tbank:BBG004730RP0': 12 } });
    const gazp = { accountId: 'tbank:2008765432', instrument: { figi: 'BBG004730RP0' }, price: '110' };
    expect((await placeOrder(stack.gateway, secret, { ...gazp, lots: 1 })).errors).toBeUndefined();
    // 10 held + 1 working + 2 = 13.
    const over = refusal(await placeOrder(stack.gateway, secret, { ...gazp, lots: 2 }));
    expect(over.extensions).toMatchObject({ rule: 'maxPositionLots', limit: '12', value: '13' });
    expect(refusal(await placeOrder(stack.gateway, secret, { ...gazp, side: 'SELL', lots: 30, price: '150' })).extensions).toMatchObject({ rule: 'maxPositionLots', value: '-20' });
    // 10 held − 5 = 5: back toward zero.
    expect((await placeOrder(stack.gateway, secret, { ...gazp, side: 'SELL', lots: 5, price: '150' })).errors).toBeUndefined();
  });
});

describe('the same guard on /compat/tinkoff-v1', () => {
  it("refuses a v1 limit order the policy does not allow, in v1's envelope, audited with the rule", async () => {
    const { secret } = policyToken(stack.gateway, { orderTypes: ['MARKET'] });
    const response = await stack.gateway.yoga.fetch('http://brokerql.test/compat/tinkoff-v1?action=/orders/limit-order&figi=BBG004730N88&brokerAccountId=2000345678', {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{"lots":1,"operation":"Buy","price":250}',
    });
    const body = (await response.json()) as { status: string; payload: { code: string; message: string } };
    expect(body.status).toBe('Error');
    expect(body.payload.code).toBe('ORDER_ERROR');
    expect(body.payload.message).toMatch(/^order refused by the token's policy \(orderTypes\): LIMIT orders are not allowed/);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'placeOrder', rule: 'orderTypes', errorCode: 'RISK_LIMIT_EXCEEDED' });
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it('counts its orders with the GraphQL ones against maxOrdersPerDay', async () => {
    const { secret } = policyToken(stack.gateway, { maxOrdersPerDay: 1 });
    expect((await placeOrder(stack.gateway, secret)).errors).toBeUndefined();
    const response = await stack.gateway.yoga.fetch('http://brokerql.test/compat/tinkoff-v1?action=/orders/market-order&figi=BBG004730N88&brokerAccountId=2000345678', {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{"lots":1,"operation":"Buy"}',
    });
    const body = (await response.json()) as { payload: { message: string } };
    expect(body.payload.message).toMatch(/\(maxOrdersPerDay\): this would be order 2 today; the token's policy allows 1/);
  });
});

it('a token without a policy trades as before, and its orders are counted for a policy it may get later', async () => {
  const before = tinkoffOrdersPlaced(stack);
  expect((await placeOrder(stack.gateway, stack.tradeToken)).errors).toBeUndefined();
  expect(tinkoffOrdersPlaced(stack)).toBe(before + 1);
  const usage = await graphql(stack.gateway, '{ viewer { policy { currency } usage { ordersToday valueToday { amount } } halted } }', { token: stack.tradeToken });
  expect(usage.data!['viewer']).toMatchObject({ policy: null, halted: false, usage: { valueToday: null } });
  expect(usage.data!['viewer'].usage.ordersToday).toBeGreaterThanOrEqual(1);
});
