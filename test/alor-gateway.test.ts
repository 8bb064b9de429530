import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alorSimulatorRefreshTokens, type AlorSimulator } from '../src/simulators/alor/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let alor: AlorSimulator;

beforeAll(async () => {
  stack = await startStack({ brokers: ['alor'] });
  alor = stack.simulators.alor!;
});
afterAll(() => stack.close());
beforeEach(() => {
  alor.server.clearFaults();
  alor.server.resetCounters();
});

const orderRoutes = ['POST order limit', 'POST order market', 'DELETE order'];
const orderRequests = () => orderRoutes.reduce((sum, route) => sum + alor.server.requestCount(route), 0);

const statisticsQuery = `{
  accounts {
    id broker brokerAccountId type
    portfolio {
      positions { quantity lots averagePrice { amount currency } currentPrice { amount } marketValue { amount currency } instrument { id ticker name lotSize minPriceIncrement } }
      cash { amount currency }
    }
    operations(from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { id type payment { amount currency } commission { amount } instrument { ticker } }
    orders { id status price requestedLots executedLots instrument { id ticker } }
  }
}`;

describe('ALOR through the whole stack: a statistics query', () => {
  it('returns every portfolio of the token with exact decimals', async () => {
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    expect(accounts.map((account) => [account['id'], account['type']])).toEqual([
      ['alor:D38291', 'SECURITIES'],
      ['alor:G38291', 'FX'],
      ['alor:7502I8Y', 'DERIVATIVES'],
      ['alor:D38292', 'SECURITIES'],
      ['alor:G38292', 'FX'],
      ['alor:7502I8Z', 'DERIVATIVES'],
    ]);
    const main = accounts[0]!;
    expect(main['broker']).toBe('ALOR');
    expect(main['brokerAccountId']).toBe('D38291');
    expect(main['portfolio'].cash).toEqual([{ amount: '158336.6575', currency: 'RUB' }]);
    expect(main['portfolio'].positions[0]).toEqual({
      quantity: '220',
      lots: '22',
      averagePrice: { amount: '271.792091', currency: 'RUB' },
      currentPrice: { amount: '306.45' },
      marketValue: { amount: '67419', currency: 'RUB' },
      instrument: { id: 'alor:MOEX:SBER', ticker: 'SBER', name: 'Сбербанк России ПАО ао', lotSize: 10, minPriceIncrement: '0.01' },
    });
    expect(main['orders']).toEqual([
      { id: '41423837024', status: 'PARTIALLY_FILLED', price: '305.5', requestedLots: '5', executedLots: '2', instrument: { id: 'alor:MOEX:SBER', ticker: 'SBER' } },
      { id: '41423837102', status: 'NEW', price: '135', requestedLots: '3', executedLots: '0', instrument: { id: 'alor:MOEX:GAZP', ticker: 'GAZP' } },
    ]);
    expect(main['operations']).toHaveLength(1242);
    expect(main['operations']).toContainEqual({
      id: '9055212001',
      type: 'BUY',
      payment: { amount: '-6110', currency: 'RUB' },
      commission: { amount: '-3.055' },
      instrument: { ticker: 'SBER' },
    });
    expect(accounts[1]!['portfolio']).toEqual({ positions: [], cash: [] });

    // One access token for the whole query; SBER, GAZP, SNGS and the bond looked up once each.
    expect(alor.server.requestCount('POST /refresh')).toBe(1);
    expect(alor.server.requestCount('GET security')).toBe(4);
  });

  it('answers a repeated query with the same token and the security metadata it already has', async () => {
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    expect(alor.server.requestCount('POST /refresh')).toBe(0);
    expect(alor.server.requestCount('GET security')).toBe(0);
    expect(alor.server.requestCount('GET positions')).toBe(6);
    // Two pages for the main portfolio's 1240 past trades, one for each of the other five.
    expect(alor.server.requestCount('GET history trades')).toBe(2 + 5);
  });

  it('reads an orderbook and instruments by symbol and by id, and says what ALOR needs instead of a FIGI', async () => {
    const result = await graphql(
      stack.gateway,
      `{
        orderbook(connection: "alor", instrument: { symbol: "SNGS", exchange: "MOEX" }, depth: 2) { bids { price quantity } asks { price } lastPrice instrument { id ticker } }
        bySymbol: instrument(connection: "alor", ref: { symbol: "SNGS" }) { id ticker lotSize minPriceIncrement currency exchange type }
        byId: instrument(connection: "alor", ref: { id: "alor:MOEX:RU000A0ZYEB1" }) { type lotSize name lastPrice }
      }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    const book = result.data!['orderbook'] as Record<string, any>;
    expect(book['bids'].map((level: { price: string }) => level.price)).toEqual(['24.355', '24.35']);
    expect(book['asks'].map((level: { price: string }) => level.price)).toEqual(['24.36', '24.365']);
    expect(book['lastPrice']).toBeNull();
    expect(book['instrument']).toEqual({ id: 'alor:MOEX:SNGS', ticker: 'SNGS' });
    expect(result.data!['bySymbol']).toEqual({ id: 'alor:MOEX:SNGS', ticker: 'SNGS', lotSize: 100, minPriceIncrement: '0.005', currency: 'RUB', exchange: 'MOEX', type: 'share' });
    expect(result.data!['byId']).toEqual({ type: 'bond', lotSize: 1, name: 'ТрансФин-М ПАО 001Р-04', lastPrice: '100.15' });

    const byFigi = await graphql(stack.gateway, '{ instrument(connection: "alor", ref: { figi: "BBG004730N88" }) { id } }', { token: stack.readToken });
    expect(byFigi.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(byFigi.errors![0]!.message).toMatch(/\{ symbol, exchange \}/);
    const unknown = await graphql(stack.gateway, '{ instrument(connection: "alor", ref: { symbol: "NOPE" }) { id } }', { token: stack.readToken });
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', connection: 'alor' });
  });
});

const limitOrder = (key?: string, price = '300.05') =>
  `mutation { placeOrder(input: { accountId: "alor:D38291", instrument: { symbol: "SBER", exchange: "MOEX" }, side: BUY, type: LIMIT, lots: 1, price: "${price}"${key ? `, idempotencyKey: "${key}"` : ''} }) { id status side type price requestedLots executedLots account { id } instrument { id ticker } } }`;

describe('ALOR orders through the mutations', () => {
  it('refuses a READ token with FORBIDDEN before any order request reaches ALOR', async () => {
    const place = await graphql(stack.gateway, limitOrder('read-attempt'), { token: stack.readToken });
    expect(place.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' }, path: ['placeOrder'] })]);
    const cancel = await graphql(stack.gateway, 'mutation { cancelOrder(accountId: "alor:D38291", orderId: "41423837102") { id } }', { token: stack.readToken });
    expect(cancel.errors![0]!.extensions['code']).toBe('FORBIDDEN');
    expect(orderRequests()).toBe(0);
    expect(alor.state.orders.get('41423837102')?.status).toBe('working');
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'cancelOrder', outcome: 'rejected', errorCode: 'FORBIDDEN' });
  });

  it('places a LIMIT and a MARKET order with a TRADE token, lists the first, and cancels it', async () => {
    const limit = await graphql(stack.gateway, limitOrder(), { token: stack.tradeToken });
    expect(limit.errors).toBeUndefined();
    const placed = limit.data!['placeOrder'] as Record<string, any>;
    expect(placed).toEqual({
      id: expect.stringMatching(/^\d+$/),
      status: 'NEW',
      side: 'BUY',
      type: 'LIMIT',
      price: '300.05',
      requestedLots: '1',
      executedLots: '0',
      account: { id: 'alor:D38291' },
      instrument: { id: 'alor:MOEX:SBER', ticker: 'SBER' },
    });
    expect(JSON.parse(alor.server.recentRequests('POST order limit')[0]!.body)).toMatchObject({ price: 300.05, quantity: 1 });

    const market = await graphql(
      stack.gateway,
      'mutation { placeOrder(input: { accountId: "alor:D38291", instrument: { id: "alor:MOEX:GAZP" }, side: SELL, type: MARKET, lots: 2 }) { id status type price executedLots } }',
      { token: stack.tradeToken },
    );
    expect(market.errors).toBeUndefined();
    expect(market.data!['placeOrder']).toMatchObject({ status: 'FILLED', type: 'MARKET', price: null, executedLots: '2' });

    const listed = await graphql(stack.gateway, '{ account(id: "alor:D38291") { orders { id status } } }', { token: stack.readToken });
    expect((listed.data!['account'] as any).orders).toContainEqual({ id: placed['id'], status: 'NEW' });

    const cancelled = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "alor:D38291", orderId: "${placed['id']}") { id status price } }`, {
      token: stack.tradeToken,
    });
    expect(cancelled.data!['cancelOrder']).toEqual({ id: placed['id'], status: 'CANCELLED', price: '300.05' });
    expect(alor.state.orders.get(placed['id'])?.status).toBe('canceled');
    expect(stack.gateway.audit.recent(3).map((row) => [row.mutation, row.outcome, row.brokerOrderId])).toEqual([
      ['cancelOrder', 'ok', placed['id']],
      ['placeOrder', 'ok', (market.data!['placeOrder'] as any).id],
      ['placeOrder', 'ok', placed['id']],
    ]);
  });

  it('places one upstream order for two requests with the same idempotencyKey, and answers both the same', async () => {
    const ordersBefore = alor.state.orders.size;
    const first = await graphql(stack.gateway, limitOrder('alor-key-1'), { token: stack.tradeToken });
    const second = await graphql(stack.gateway, limitOrder('alor-key-1'), { token: stack.tradeToken });
    expect(first.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(alor.state.orders.size).toBe(ordersBefore + 1);
    expect(alor.server.requestCount('POST order limit')).toBe(1);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'replayed', idempotencyKey: 'alor-key-1' });
  });

  it('resends an order whose answer was lost with the same X-REQID, so ALOR replays it instead of placing a second', async () => {
    const ordersBefore = alor.state.orders.size;
    // ALOR places the order, then the connection drops before the answer arrives.
    alor.server.injectFault({ route: 'POST order limit', fault: { kind: 'drop' }, times: 1, afterHandling: true });
    const recovered = await graphql(stack.gateway, limitOrder('alor-lost-answer', '299.95'), { token: stack.tradeToken });
    expect(recovered.errors).toBeUndefined();
    expect(alor.state.orders.size).toBe(ordersBefore + 1);
    const [first, second] = alor.server.recentRequests('POST order limit').map((entry) => entry.headers['x-reqid']);
    expect(second).toBe(first);
    expect(alor.state.orders.get((recovered.data!['placeOrder'] as any).id)).toMatchObject({ price: '299.95', status: 'working' });
  });

  it('says the state is unknown when even the resend goes unanswered, and a retry with the key settles it with one order', async () => {
    const ordersBefore = alor.state.orders.size;
    alor.server.injectFault({ route: 'POST order limit', fault: { kind: 'drop' }, times: 2, afterHandling: true });
    const lost = await graphql(stack.gateway, limitOrder('alor-lost-twice', '299.9'), { token: stack.tradeToken });
    expect(lost.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', connection: 'alor', retryable: false });
    expect(lost.errors![0]!.message).toMatch(/whether the order was placed is unknown: ALOR did not confirm it/);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'unknown', idempotencyKey: 'alor-lost-twice' });
    expect(alor.state.orders.size).toBe(ordersBefore + 1);

    const again = await graphql(stack.gateway, limitOrder('alor-lost-twice', '299.9'), { token: stack.tradeToken });
    expect(again.errors).toBeUndefined();
    expect(alor.state.orders.size).toBe(ordersBefore + 1);
    const reqIds = new Set(alor.server.recentRequests('POST order limit').slice(-3).map((entry) => entry.headers['x-reqid']));
    expect(reqIds.size).toBe(1);
  });

  it("passes on ALOR's refusal as UPSTREAM_REJECTED with its message, audited as refused", async () => {
    const result = await graphql(stack.gateway, limitOrder(undefined, '400'), { token: stack.tradeToken });
    expect(result.errors![0]).toMatchObject({ path: ['placeOrder'], extensions: { code: 'UPSTREAM_REJECTED', connection: 'alor', retryable: false } });
    expect(result.errors![0]!.message).toContain('Цена заявки за пределами лимита');
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'refused', errorCode: 'UPSTREAM_REJECTED', price: '400' });
  });

  it('refuses a price off the security step before anything is sent', async () => {
    const result = await graphql(stack.gateway, limitOrder(undefined, '300.005'), { token: stack.tradeToken });
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/minimum price increment 0\.01/);
    expect(orderRequests()).toBe(0);
  });
});

describe('ALOR with a revoked refresh token', () => {
  let revoked: Stack;

  beforeAll(async () => {
    revoked = await startStack({ brokers: ['alor'], connectionOverrides: { alor: { refreshToken: alorSimulatorRefreshTokens.revoked } } });
  });
  afterAll(() => revoked.close());

  it('reports UPSTREAM_AUTH for the connection and never shows the token', async () => {
    const result = await graphql(revoked.gateway, '{ accounts { id } connections { id accounts { id } } }', { token: revoked.readToken });
    expect(result.data).toEqual({ accounts: [], connections: [{ id: 'alor', accounts: null }] });
    const auth = { code: 'UPSTREAM_AUTH', connection: 'alor', retryable: false };
    expect(result.errors).toHaveLength(2);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['accounts'], extensions: auth }),
        expect.objectContaining({ path: ['connections', 0, 'accounts'], extensions: auth }),
      ]),
    );
    expect(result.errors![0]!.message).toMatch(/issue a new refresh token/);
    const text = JSON.stringify(result);
    expect(text).not.toContain(alorSimulatorRefreshTokens.revoked);
    expect(text).not.toContain('127.0.0.1');
  });
});
