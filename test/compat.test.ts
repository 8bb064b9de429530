import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';
import { unknownToken } from './support/tokens.js';

/**
 * /compat/tinkoff-v1 against invest_proxy.php v1.02's documented behaviour (tinkoff.md §7),
 * route by route, with a Tinkoff v1 connection (tinkoff-legacy) and a T-Invest v2 one (tbank).
 */
let stack: Stack;
const v1Account = '2054816137';
const v1Iis = '2061309558';
const v2Account = '2000345678';

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff-v1', 'tinkoff'] });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) server.resetCounters();
});

const v1 = () => stack.simulators.tinkoffV1!.server;

async function proxy(action: string, options: { token?: string | null; query?: Record<string, string>; method?: string; body?: string } = {}) {
  const query = new URLSearchParams({ action, ...options.query });
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? stack.readToken : options.token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  const response = await stack.gateway.yoga.fetch(`http://brokerql.test/compat/tinkoff-v1?${query}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe('authentication and routing, as the proxy did them', () => {
  it('answers 401 with an empty body without a valid brokerql token, and calls no broker', async () => {
    for (const token of [null, 'not-a-token', unknownToken()]) {
      const result = await proxy('/user/accounts', { token });
      expect(result).toMatchObject({ status: 401, text: '' });
    }
    expect(stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0)).toBe(0);
  });

  it('answers 404 with an empty body for unrouted actions, methods and missing parameters', async () => {
    expect(await proxy('/market/stocks')).toMatchObject({ status: 404, text: '' });
    expect(await proxy('/user/accounts', { method: 'PUT' })).toMatchObject({ status: 404, text: '' });
    expect(await proxy('/portfolio')).toMatchObject({ status: 404, text: '' });
    // intval('SB123') is 0: sandbox ids were never routed.
    expect(await proxy('/portfolio', { query: { brokerAccountId: 'SB123' } })).toMatchObject({ status: 404 });
    expect(await proxy('/orders/limit-order', { method: 'POST', query: { figi: 'BBG004730N88' }, token: stack.tradeToken })).toMatchObject({ status: 404 });
  });
});

describe('reads, in v1 envelopes', () => {
  it('GET /user/accounts lists the accounts of both Tinkoff connections, in config order', async () => {
    const result = await proxy('/user/accounts');
    expect(result.status).toBe(200);
    expect(result.text).toMatch(/^\{"trackingId":"[0-9a-f]{16}","payload":\{"accounts":\[/);
    expect(result.json!['status']).toBe('Ok');
    expect(result.json!['payload'].accounts).toEqual([
      { brokerAccountType: 'Tinkoff', brokerAccountId: v2Account },
      { brokerAccountType: 'TinkoffIis', brokerAccountId: '2008765432' },
      { brokerAccountType: 'Tinkoff', brokerAccountId: '2031415926' },
      { brokerAccountType: 'Tinkoff', brokerAccountId: '2019283746' },
      { brokerAccountType: 'Tinkoff', brokerAccountId: v1Account },
      { brokerAccountType: 'TinkoffIis', brokerAccountId: v1Iis },
    ]);
  });

  it('GET /portfolio answers a v1 account with exact numbers and always sends brokerAccountId upstream', async () => {
    const result = await proxy('/portfolio', { query: { brokerAccountId: v1Account } });
    const positions = result.json!['payload'].positions as Array<Record<string, unknown>>;
    expect(positions.map((position) => position['ticker'])).toEqual(['SBER', 'AAPL', 'RU000A0ZYEB1', 'TMOS']);
    expect(positions[0]).toMatchObject({ figi: 'BBG004730N88', instrumentType: 'Stock', balance: 30, lots: 3, averagePositionPrice: { currency: 'RUB', value: 266.5 } });
    expect(result.text).toContain('"balance":1400');
    expect(v1().recentRequests('GET /portfolio')[0]!.query).toContain(`brokerAccountId=${v1Account}`);
  });

  it('GET /portfolio answers a T-Invest v2 account in the same shape, with names from instrument metadata', async () => {
    const result = await proxy('/portfolio', { query: { brokerAccountId: v2Account } });
    const positions = result.json!['payload'].positions as Array<Record<string, unknown>>;
    expect(positions[0]).toMatchObject({ figi: 'BBG004730N88', ticker: 'SBER', name: 'Сбербанк России', balance: 30, lots: 3, instrumentType: 'Stock' });
    expect(positions.find((position) => position['ticker'] === 'TMOS')).toMatchObject({ instrumentType: 'Etf', averagePositionPrice: { currency: 'RUB', value: 6.152 } });
  });

  it('GET /portfolio/currencies and the proxy\'s own /portfolio_summary (double-encoded)', async () => {
    const currencies = await proxy('/portfolio/currencies', { query: { brokerAccountId: v2Account } });
    expect(currencies.json!['payload'].currencies).toEqual([
      { currency: 'RUB', balance: 20230.55 },
      { currency: 'USD', balance: 412.07 },
    ]);
    const summary = await proxy('/portfolio_summary', { query: { brokerAccountId: v1Account } });
    expect(typeof summary.json!['currencies']).toBe('string');
    expect(typeof summary.json!['portfolio']).toBe('string');
    expect(JSON.parse(summary.json!['currencies']).payload.currencies).toContainEqual({ currency: 'RUB', balance: 26552.76 });
    expect(JSON.parse(summary.json!['portfolio']).status).toBe('Ok');
  });

  it('GET /market/orderbook clamps depth to 1..20', async () => {
    const deep = await proxy('/market/orderbook', { query: { figi: 'BBG004730N88', depth: '50' } });
    expect(deep.json!['payload']).toMatchObject({ figi: 'BBG004730N88', depth: 20, tradeStatus: 'NormalTrading', minPriceIncrement: 0.01 });
    expect(deep.json!['payload'].bids).toHaveLength(20);
    const shallow = await proxy('/market/orderbook', { query: { figi: 'BBG004730N88', depth: '-3' } });
    expect(shallow.json!['payload'].depth).toBe(1);
    expect(shallow.json!['payload'].asks).toHaveLength(1);
  });

  it('GET /orders lists the default account\'s orders as a bare array: the first brokerage account in config order', async () => {
    const result = await proxy('/orders');
    expect(Array.isArray(result.json!['payload'])).toBe(true);
    expect(result.json!['payload']).toContainEqual({
      orderId: '52218163123',
      figi: 'BBG004730N88',
      operation: 'Buy',
      status: 'New',
      requestedLots: 2,
      executedLots: 0,
      type: 'Limit',
      price: 250,
    });
    const v1Orders = await proxy('/orders', { query: { brokerAccountId: v1Account } });
    expect(v1Orders.json!['payload']).toContainEqual({
      orderId: '23541087310',
      figi: 'BBG004730N88',
      operation: 'Buy',
      status: 'New',
      requestedLots: 2,
      executedLots: 0,
      type: 'Limit',
      price: 270,
    });
  });

  it('GET /operations needs the proxy\'s exact date format, and clean_comission drops BrokerCommission rows', async () => {
    const query = { brokerAccountId: v1Account, from: '2021-01-01T00:00:00+03:00', to: '2030-01-01T00:00:00+03:00' };
    const all = await proxy('/operations', { query });
    const types = (all.json!['payload'].operations as Array<{ operationType: string }>).map((operation) => operation.operationType);
    expect(types).toContain('BrokerCommission');
    expect(types).toContain('PayIn');
    expect(all.text).toContain('"payment":10000');
    const clean = await proxy('/operations', { query: { ...query, clean_comission: '' } });
    const cleanTypes = (clean.json!['payload'].operations as Array<{ operationType: string }>).map((operation) => operation.operationType);
    expect(cleanTypes).not.toContain('BrokerCommission');
    expect(cleanTypes.length).toBe(types.filter((type) => type !== 'BrokerCommission').length);
    expect(await proxy('/operations', { query: { ...query, from: '2021-01-01T00:00:00Z' } })).toMatchObject({ status: 404 });
    expect(await proxy('/operations', { query: { ...query, to: '2030-01-01T00:00:00.5+03:00' } })).toMatchObject({ status: 404 });
    const sber = await proxy('/operations', { query: { ...query, figi: 'BBG004730N88' } });
    const sberOperations = sber.json!['payload'].operations as Array<{ figi: string }>;
    expect(sberOperations.length).toBeGreaterThan(0);
    expect(sberOperations.every((operation) => operation.figi === 'BBG004730N88')).toBe(true);
  });

  it('answers GATEWAY_REQUEST_DATA_ERROR "Unknown account" for an account it does not know', async () => {
    const result = await proxy('/portfolio', { query: { brokerAccountId: '1111111111' } });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ status: 'Error', payload: { code: 'GATEWAY_REQUEST_DATA_ERROR', message: 'Unknown account' } });
  });
});

describe('scoping and orders', () => {
  it('refuses a token limited to one account on another, exactly like an unknown account', async () => {
    const token = stack.token('READ', [`tinkoff-legacy:${v1Account}`]);
    const own = await proxy('/portfolio', { token, query: { brokerAccountId: v1Account } });
    expect(own.json!['status']).toBe('Ok');
    const other = await proxy('/portfolio', { token, query: { brokerAccountId: v2Account } });
    expect(other.json).toMatchObject({ status: 'Error', payload: { code: 'GATEWAY_REQUEST_DATA_ERROR', message: 'Unknown account' } });
    const accounts = await proxy('/user/accounts', { token });
    expect(accounts.json!['payload'].accounts).toEqual([{ brokerAccountType: 'Tinkoff', brokerAccountId: v1Account }]);
    expect(stack.simulators.tinkoff!.server.requestCount('OperationsService/GetPortfolio')).toBe(0);
  });

  it('gives a READ token the proxy\'s OrderNotAvailable body on /orders/limit-order, sends nothing and audits it', async () => {
    const result = await proxy('/orders/limit-order', {
      method: 'POST',
      query: { figi: 'BBG004730N88', brokerAccountId: v1Account },
      body: '{"lots":1,"operation":"Buy","price":270.01}',
    });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({
      trackingId: -1,
      payload: {
        message: 'В настройках <b>TIProxyClient</b> отключена возможность работы с заявками (_ORDERS_ALLOW = false)!',
        code: 'OrderNotAvailable',
      },
      status: 'Error',
    });
    expect(v1().requestCount('POST /orders/limit-order')).toBe(0);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'placeOrder', outcome: 'rejected', errorCode: 'FORBIDDEN', accountId: `tinkoff-legacy:${v1Account}` });
    const cancel = await proxy('/orders/cancel', { method: 'POST', query: { orderId: '23541087310' } });
    expect(cancel.json!['payload'].code).toBe('OrderNotAvailable');
    expect(v1().requestCount('POST /orders/cancel')).toBe(0);
  });

  it('places, lists and cancels orders for a TRADE token, on a v1 and on a v2 account', async () => {
    const limit = await proxy('/orders/limit-order', {
      method: 'POST',
      token: stack.tradeToken,
      query: { figi: 'BBG004730N88', brokerAccountId: v1Account },
      body: '{"lots":1,"operation":"Buy","price":270.01}',
    });
    expect(limit.json).toMatchObject({ status: 'Ok', payload: { operation: 'Buy', status: 'New', requestedLots: 1, executedLots: 0 } });
    expect(JSON.parse(v1().recentRequests('POST /orders/limit-order')[0]!.body)).toEqual({ lots: 1, operation: 'Buy', price: 270.01 });
    const orderId = limit.json!['payload'].orderId as string;
    const listed = await proxy('/orders', { query: { brokerAccountId: v1Account } });
    expect((listed.json!['payload'] as Array<{ orderId: string }>).map((order) => order.orderId)).toContain(orderId);
    const cancelled = await proxy('/orders/cancel', { method: 'POST', token: stack.tradeToken, query: { orderId, brokerAccountId: v1Account } });
    expect(cancelled.json).toMatchObject({ status: 'Ok', payload: {} });

    const market = await proxy('/orders/market-order', {
      method: 'POST',
      token: stack.tradeToken,
      query: { figi: 'BBG004730RP0', brokerAccountId: v2Account },
      body: '{"lots":1,"operation":"Buy"}',
    });
    expect(market.json).toMatchObject({ status: 'Ok', payload: { operation: 'Buy', status: 'Fill', requestedLots: 1, executedLots: 1 } });
  });

  it('passes a broker refusal on as an error envelope with the broker\'s message', async () => {
    const result = await proxy('/orders/limit-order', {
      method: 'POST',
      token: stack.tradeToken,
      query: { figi: 'BBG004730N88', brokerAccountId: v2Account },
      body: '{"lots":1,"operation":"Buy","price":900}',
    });
    expect(result.json).toMatchObject({ status: 'Error', payload: { code: 'ORDER_ERROR' } });
    expect(result.json!['payload'].message).toContain('The price is outside the limits for this instrument');
    const invalid = await proxy('/orders/limit-order', {
      method: 'POST',
      token: stack.tradeToken,
      query: { figi: 'BBG004730N88', brokerAccountId: v2Account },
      body: '{"lots":1,"operation":"Hold","price":270}',
    });
    expect(invalid.json).toMatchObject({ status: 'Error', payload: { code: 'VALIDATION_ERROR', message: '[operation]: must be Buy or Sell' } });
  });
});
