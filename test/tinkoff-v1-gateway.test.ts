import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TinkoffV1Simulator } from '../src/simulators/tinkoff-v1/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let simulator: TinkoffV1Simulator;

const brokerage = 'tinkoff-legacy:2054816137';
const iis = 'tinkoff-legacy:2061309558';
const orderRoutes = ['POST /orders/limit-order', 'POST /orders/market-order', 'POST /orders/cancel'];

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff-v1'] });
  simulator = stack.simulators.tinkoffV1!;
});
afterAll(() => stack.close());
beforeEach(() => {
  simulator.server.clearFaults();
  simulator.server.resetCounters();
});

const statisticsQuery = `{
  accounts {
    id broker brokerAccountId type
    capabilities { trading orderTypes orderbook operations }
    portfolio {
      positions { quantity lots averagePrice { amount currency } expectedYield { amount currency } instrument { id ticker name lotSize type } }
      cash { amount currency }
    }
    orders { id status side type price requestedLots executedLots instrument { ticker } }
    operations(from: "2021-01-01T00:00:00+03:00", to: "2030-01-01T00:00:00Z") {
      id type brokerType status quantity payment { amount currency } commission { amount currency } instrument { ticker }
    }
  }
}`;

const limitOrder = (fields: { price?: string; key?: string; account?: string } = {}) =>
  `mutation { placeOrder(input: { accountId: "${fields.account ?? brokerage}", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: "${fields.price ?? '270.05'}"${
    fields.key ? `, idempotencyKey: "${fields.key}"` : ''
  } }) { id status side type price requestedLots executedLots account { id } instrument { ticker } } }`;

describe('a statistics query over Tinkoff OpenAPI v1', () => {
  it('returns accounts, positions with instrument metadata, cash, orders and operations, exactly', async () => {
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    expect(accounts.map((account) => [account['id'], account['broker'], account['type']])).toEqual([
      [brokerage, 'TINKOFF_V1', 'BROKERAGE'],
      [iis, 'TINKOFF_V1', 'IIS'],
    ]);
    const main = accounts[0]!;
    expect(main['capabilities']).toEqual({ trading: true, orderTypes: ['LIMIT', 'MARKET'], orderbook: true, operations: true });

    expect(main['portfolio'].positions[0]).toEqual({
      quantity: '30',
      lots: '3',
      averagePrice: { amount: '266.5', currency: 'RUB' },
      expectedYield: { amount: '761.1', currency: 'RUB' },
      instrument: { id: 'tinkoff-legacy:BBG004730N88', ticker: 'SBER', name: 'Сбербанк России', lotSize: 10, type: 'share' },
    });
    // The dollars are cash; the USD000UTSTOM row of /portfolio is not a second copy of them.
    expect(main['portfolio'].positions.map((position: any) => position.instrument.ticker)).toEqual(['SBER', 'AAPL', 'RU000A0ZYEB1', 'TMOS']);
    expect(main['portfolio'].positions[3]).toMatchObject({ quantity: '1400', instrument: { lotSize: 1, type: 'etf' } });
    expect(main['portfolio'].cash).toEqual([
      { amount: '0', currency: 'EUR' },
      { amount: '26552.76', currency: 'RUB' },
      { amount: '737.74', currency: 'USD' },
    ]);
    expect(accounts[1]!['portfolio'].positions.map((position: any) => position.instrument.ticker)).toEqual(['GAZP']);

    expect(main['orders']).toContainEqual({
      id: '23541088902',
      status: 'PARTIALLY_FILLED',
      side: 'SELL',
      type: 'LIMIT',
      price: '7',
      requestedLots: '500',
      executedLots: '120',
      instrument: { ticker: 'TMOS' },
    });

    const operations = main['operations'] as Array<Record<string, any>>;
    const byId = (id: string) => operations.find((operation) => operation.id === id);
    expect(byId('22514006731')).toEqual({
      id: '22514006731',
      type: 'BUY',
      brokerType: 'Buy',
      status: 'DONE',
      quantity: '30',
      payment: { amount: '-7995', currency: 'RUB' },
      commission: { amount: '-4', currency: 'RUB' },
      instrument: { ticker: 'SBER' },
    });
    expect(byId('574455610')).toEqual({
      id: '574455610',
      type: 'COMMISSION',
      brokerType: 'BrokerCommission',
      status: 'DONE',
      quantity: null,
      payment: { amount: '-4', currency: 'RUB' },
      commission: null,
      instrument: { ticker: 'SBER' },
    });
    expect(byId('190311204468')).toMatchObject({ type: 'SELL', status: 'DECLINED', payment: { amount: '0', currency: 'USD' }, instrument: { ticker: 'AAPL' } });
    expect(byId('570112384')).toMatchObject({ type: 'DEPOSIT', payment: { amount: '10000', currency: 'RUB' }, instrument: null });
  });

  it('names the account in every account-scoped call, and looks each instrument up at most once', async () => {
    await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    for (const route of ['GET /portfolio', 'GET /portfolio/currencies', 'GET /orders', 'GET /operations']) {
      const accounts = simulator.server.recentRequests(route).map((entry) => new URLSearchParams(entry.query).get('brokerAccountId'));
      expect(accounts.sort(), route).toEqual(['2054816137', '2061309558']);
    }
    const figis = simulator.server.recentRequests('GET /market/search/by-figi').map((entry) => new URLSearchParams(entry.query).get('figi'));
    expect(new Set(figis).size).toBe(figis.length);
  });

  it('resolves an instrument by ticker and reads its orderbook', async () => {
    const result = await graphql(
      stack.gateway,
      `{ instrument(connection: "tinkoff-legacy", ref: { symbol: "SBER" }) {
           id ticker figi exchange currency lotSize minPriceIncrement
           orderbook(depth: 2) { bids { price quantity } asks { price quantity } lastPrice }
         } }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['instrument']).toEqual({
      id: 'tinkoff-legacy:BBG004730N88',
      ticker: 'SBER',
      figi: 'BBG004730N88',
      exchange: null,
      currency: 'RUB',
      lotSize: 10,
      minPriceIncrement: '0.01',
      orderbook: {
        bids: [
          { price: '291.87', quantity: '45' },
          { price: '291.86', quantity: '82' },
        ],
        asks: [
          { price: '291.88', quantity: '29' },
          { price: '291.89', quantity: '82' },
        ],
        lastPrice: '291.87',
      },
    });
  });
});

describe('trading through the mutations', () => {
  it('refuses a READ token with FORBIDDEN before any request reaches the broker', async () => {
    const limit = await graphql(stack.gateway, limitOrder({ key: 'read-attempt' }), { token: stack.readToken });
    const market = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${brokerage}", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1 }) { id } }`,
      { token: stack.readToken },
    );
    const cancel = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${brokerage}", orderId: "23541087310") { id } }`, {
      token: stack.readToken,
    });
    for (const result of [limit, market, cancel]) expect(result.errors![0]!.extensions['code']).toBe('FORBIDDEN');
    for (const route of orderRoutes) expect(simulator.server.requestCount(route), route).toBe(0);
    expect(simulator.server.requestCount()).toBe(0);
  });

  it('places a LIMIT and a MARKET order with a TRADE token and cancels the LIMIT one', async () => {
    const limit = await graphql(stack.gateway, limitOrder(), { token: stack.tradeToken });
    expect(limit.errors).toBeUndefined();
    const placed = limit.data!['placeOrder'] as Record<string, any>;
    expect(placed).toMatchObject({
      status: 'NEW',
      side: 'BUY',
      type: 'LIMIT',
      price: '270.05',
      requestedLots: '1',
      executedLots: '0',
      account: { id: brokerage },
      instrument: { ticker: 'SBER' },
    });
    const [sent] = simulator.server.recentRequests('POST /orders/limit-order');
    expect(sent!.body).toBe('{"lots":1,"operation":"Buy","price":270.05}');

    const market = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${iis}", instrument: { id: "tinkoff-legacy:BBG004730RP0" }, side: BUY, type: MARKET, lots: 1 }) { id status type price account { id } } }`,
      { token: stack.tradeToken },
    );
    expect(market.errors).toBeUndefined();
    expect(market.data!['placeOrder']).toMatchObject({ status: 'FILLED', type: 'MARKET', price: null, account: { id: iis } });
    expect(new URLSearchParams(simulator.server.recentRequests('POST /orders/market-order')[0]!.query).get('brokerAccountId')).toBe('2061309558');

    const cancelled = await graphql(
      stack.gateway,
      `mutation { cancelOrder(accountId: "${brokerage}", orderId: "${placed['id']}") { id status type price requestedLots instrument { ticker } } }`,
      { token: stack.tradeToken },
    );
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!['cancelOrder']).toEqual({ id: placed['id'], status: 'CANCELLED', type: 'LIMIT', price: '270.05', requestedLots: '1', instrument: { ticker: 'SBER' } });
    expect(simulator.server.requestCount('POST /orders/cancel')).toBe(1);
    const after = await graphql(stack.gateway, `{ account(id: "${brokerage}") { orders { id } } }`, { token: stack.readToken });
    expect((after.data!['account'] as any).orders).not.toContainEqual({ id: placed['id'] });
    expect(stack.gateway.audit.recent(3).map((row) => [row.mutation, row.outcome, row.brokerOrderId])).toEqual([
      ['cancelOrder', 'ok', placed['id']],
      ['placeOrder', 'ok', (market.data!['placeOrder'] as any).id],
      ['placeOrder', 'ok', placed['id']],
    ]);
  });

  it('sends one order upstream for two requests with the same idempotencyKey, and returns it twice', async () => {
    const first = await graphql(stack.gateway, limitOrder({ key: 'v1-key-1' }), { token: stack.tradeToken });
    const second = await graphql(stack.gateway, limitOrder({ key: 'v1-key-1' }), { token: stack.tradeToken });
    expect(first.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    // v1 has no idempotency of its own: brokerql's ledger is what keeps this to one request.
    expect(simulator.server.requestCount('POST /orders/limit-order')).toBe(1);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'replayed', idempotencyKey: 'v1-key-1' });
  });

  it('reports a price outside the band (HTTP 200 "Rejected") as UPSTREAM_REJECTED with the broker message', async () => {
    const result = await graphql(stack.gateway, limitOrder({ price: '330', key: 'v1-band' }), { token: stack.tradeToken });
    expect(result.data).toBeNull();
    expect(result.errors![0]).toMatchObject({
      path: ['placeOrder'],
      extensions: { code: 'UPSTREAM_REJECTED', connection: 'tinkoff-legacy', retryable: false },
    });
    expect(result.errors![0]!.message).toContain('Цена вне лимитов по инструменту');
    // The refusal is definitive: a repeat with the same key gets it again without a second order.
    const repeat = await graphql(stack.gateway, limitOrder({ price: '330', key: 'v1-band' }), { token: stack.tradeToken });
    expect(repeat.errors![0]!.extensions['code']).toBe('UPSTREAM_REJECTED');
    expect(simulator.server.requestCount('POST /orders/limit-order')).toBe(1);
  });

  it('reports NOT_ENOUGH_BALANCE as UPSTREAM_REJECTED with the broker message', async () => {
    const result = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${iis}", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 100000 }) { id } }`,
      { token: stack.tradeToken },
    );
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_REJECTED', connection: 'tinkoff-legacy' });
    expect(result.errors![0]!.message).toContain('not enough balance on security=RUB');
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'refused', errorCode: 'UPSTREAM_REJECTED' });
  });

  it('answers NOT_FOUND for cancelling an order that is not active, without a cancel request', async () => {
    const result = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${brokerage}", orderId: "99999999999") { id } }`, {
      token: stack.tradeToken,
    });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', connection: 'tinkoff-legacy' });
    expect(simulator.server.requestCount('POST /orders/cancel')).toBe(0);
  });
});
