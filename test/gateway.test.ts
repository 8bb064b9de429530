import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ extraConnections: [{ id: 'broken', broker: 'tinkoff', token: 't.revoked-at-the-broker' }] });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.tinkoff.server.clearFaults();
  stack.tinkoff.server.resetCounters();
});

/** The simulator's T-Invest accounts the token can access (a third is read-only, a fourth closed). */
const tbankAccounts = ['tbank:2000345678', 'tbank:2008765432', 'tbank:2031415926', 'tbank:2019283746'];

const statisticsQuery = `{
  accounts {
    id broker
    portfolio {
      positions { quantity averagePrice { amount currency } instrument { ticker name lotSize } }
      cash { amount currency }
    }
    operations(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { type payment { amount currency } }
    orders { id status }
  }
}`;

describe('a statistics query through the whole stack', () => {
  it('returns the simulator data with exact decimals, and reports the broken connection beside it', async () => {
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.status).toBe(200);
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    expect(accounts.map((account) => account['id'])).toEqual(tbankAccounts);
    const main = accounts[0]!;
    expect(main['broker']).toBe('TINKOFF');
    expect(main['portfolio'].cash).toEqual([
      { amount: '20230.55', currency: 'RUB' },
      { amount: '412.07', currency: 'USD' },
    ]);
    expect(main['portfolio'].positions[0]).toEqual({
      quantity: '30',
      averagePrice: { amount: '266.5', currency: 'RUB' },
      instrument: { ticker: 'SBER', name: 'Сбербанк России', lotSize: 10 },
    });
    expect(main['portfolio'].positions[3].averagePrice).toEqual({ amount: '6.152', currency: 'RUB' });
    expect(main['orders']).toEqual([
      { id: '52218163123', status: 'NEW' },
      { id: '52218170457', status: 'PARTIALLY_FILLED' },
    ]);
    expect(main['operations']).toContainEqual({ type: 'TAX', payment: { amount: '-0.35', currency: 'RUB' } });
    expect(main['operations']).toContainEqual({ type: 'COMMISSION', payment: { amount: '-2.4', currency: 'RUB' } });

    // The connection whose broker refuses its token: one error, its accounts missing, the rest intact.
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      path: ['accounts'],
      extensions: { code: 'UPSTREAM_AUTH', connection: 'broken', retryable: false },
    });
    expect(result.errors![0]!.message).not.toContain('t.revoked-at-the-broker');

    // Cold: 4 securities in one account, 1 in the second and 2 already among them in the third are
    // five distinct instruments, one lookup each.
    expect(stack.tinkoff.server.requestCount('InstrumentsService/GetInstrumentBy')).toBe(5);
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(tbankAccounts.length);
  });

  it('serves instrument metadata and the account list from the cache on a repeat, but never the portfolio', async () => {
    await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(stack.tinkoff.server.requestCount('InstrumentsService/GetInstrumentBy')).toBe(0);
    // Only the broken connection asks again: a failure is never cached.
    expect(stack.tinkoff.server.requestCount('UsersService/GetAccounts')).toBe(1);
    expect(stack.tinkoff.server.recentRequests('UsersService/GetAccounts')[0]!.headers['authorization']).toBe('Bearer t.revoked-at-the-broker');
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(tbankAccounts.length);
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrders')).toBe(tbankAccounts.length);
  });

  it('asks the broker nothing extra for fields the portfolio row already carries', async () => {
    await graphql(stack.gateway, '{ account(id: "tbank:2000345678") { portfolio { positions { instrument { id ticker figi } } } } }', { token: stack.readToken });
    expect(stack.tinkoff.server.requestCount('InstrumentsService/GetInstrumentBy')).toBe(0);
  });
});

describe('batching', () => {
  it('asks for the last prices of every position in one GetLastPrices call', async () => {
    const result = await graphql(stack.gateway, '{ accounts { portfolio { positions { instrument { ticker lastPrice } } } } }', {
      token: stack.readToken,
    });
    const positions = (result.data!['accounts'] as Array<Record<string, any>>).flatMap((account) => account['portfolio']?.positions ?? []);
    expect(positions).toContainEqual({ instrument: { ticker: 'SBER', lastPrice: '281.99' } });
    expect(positions).toContainEqual({ instrument: { ticker: 'TMOS', lastPrice: '6.714' } });
    expect(positions).toContainEqual({ instrument: { ticker: 'GAZP', lastPrice: '128.34' } });
    expect(stack.tinkoff.server.requestCount('MarketDataService/GetLastPrices')).toBe(1);
    const asked = JSON.parse(stack.tinkoff.server.recentRequests('MarketDataService/GetLastPrices')[0]!.body).instrumentId;
    expect([...asked].sort()).toEqual(['BBG000B9XRY4', 'BBG004730N88', 'BBG004730RP0', 'BBG00HYXLFQ7', 'BBG333333333']);
  });

  it('asks once for the same account however many times and names a query uses it', async () => {
    await graphql(
      stack.gateway,
      `{ accounts { id portfolio { cash { amount } } }
         one: account(id: "tbank:2000345678") { portfolio { positions { quantity } } orders { id } }
         two: account(id: "tbank:2000345678") { portfolio { cash { currency } } orders { status } }
         viewer { accounts { orders { id } } } }`,
      { token: stack.readToken },
    );
    // Positions are asked of one account only; cash of every account.
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(1);
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPositions')).toBe(tbankAccounts.length);
    expect(stack.tinkoff.server.requestCount('OrdersService/GetOrders')).toBe(tbankAccounts.length);
  });
});

describe('partial results', () => {
  it('nulls only the failing connection under connections { accounts }', async () => {
    const result = await graphql(stack.gateway, '{ connections { id broker accounts { id } } }', { token: stack.readToken });
    expect(result.data!['connections']).toEqual([
      { id: 'tbank', broker: 'TINKOFF', accounts: tbankAccounts.map((id) => ({ id })) },
      { id: 'broken', broker: 'TINKOFF', accounts: null },
    ]);
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['connections', 1, 'accounts'], extensions: expect.objectContaining({ code: 'UPSTREAM_AUTH', connection: 'broken' }) }),
    ]);
  });

  it('nulls one account portfolio when its broker call fails, keeping its siblings', async () => {
    stack.tinkoff.server.injectFault({
      route: 'OperationsService/GetPositions',
      fault: { kind: 'status', status: 500 },
      when: (request) => request.body.includes('2008765432'),
    });
    const result = await graphql(stack.gateway, '{ accounts { id portfolio { cash { amount } } orders { id } } }', { token: stack.readToken });
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    const failed = accounts.filter((account) => account['portfolio'] === null);
    expect(failed).toHaveLength(1);
    expect(accounts.every((account) => Array.isArray(account['orders']))).toBe(true);
    const portfolioErrors = result.errors!.filter((error) => error.path?.[2] === 'portfolio');
    expect(portfolioErrors).toEqual([
      expect.objectContaining({ extensions: { code: 'UPSTREAM_UNAVAILABLE', connection: 'tbank', retryable: true } }),
    ]);
  });
});

describe('lookups', () => {
  it('finds one account by id, and answers NOT_FOUND for a missing one', async () => {
    const found = await graphql(stack.gateway, '{ account(id: "tbank:2008765432") { id type name capabilities { trading orderbook orderTypes } } }', { token: stack.readToken });
    expect(found.data!['account']).toEqual({
      id: 'tbank:2008765432',
      type: 'IIS',
      name: 'ИИС',
      capabilities: { trading: true, orderbook: true, orderTypes: ['LIMIT', 'MARKET'] },
    });
    const missing = await graphql(stack.gateway, '{ account(id: "tbank:1") { id } }', { token: stack.readToken });
    expect(missing.data!['account']).toBeNull();
    expect(missing.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    const malformed = await graphql(stack.gateway, '{ account(id: "no-colon") { id } }', { token: stack.readToken });
    expect(malformed.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
  });

  it('resolves instruments by id, FIGI and symbol with exchange', async () => {
    const result = await graphql(
      stack.gateway,
      `{
        byId: instrument(connection: "tbank", ref: { id: "tbank:BBG004730N88" }) { id ticker lotSize minPriceIncrement currency exchange }
        byFigi: instrument(connection: "tbank", ref: { figi: "BBG333333333" }) { ticker minPriceIncrement }
        bySymbol: instrument(connection: "tbank", ref: { symbol: "AAPL", exchange: "SPBXM" }) { id currency }
      }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      byId: { id: 'tbank:BBG004730N88', ticker: 'SBER', lotSize: 10, minPriceIncrement: '0.01', currency: 'RUB', exchange: 'TQBR' },
      byFigi: { ticker: 'TMOS', minPriceIncrement: '0.002' },
      bySymbol: { id: 'tbank:BBG000B9XRY4', currency: 'USD' },
    });
  });

  it('refuses an instrument ref the broker cannot resolve, and one from another connection', async () => {
    const noExchange = await graphql(stack.gateway, '{ instrument(connection: "tbank", ref: { symbol: "SBER" }) { id } }', { token: stack.readToken });
    expect(noExchange.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(noExchange.errors![0]!.message).toMatch(/class code/);
    const wrongConnection = await graphql(stack.gateway, '{ instrument(connection: "tbank", ref: { id: "broken:BBG004730N88" }) { id } }', { token: stack.readToken });
    expect(wrongConnection.errors![0]!.message).toMatch(/belongs to connection "broken"/);
    const unknownConnection = await graphql(stack.gateway, '{ instrument(connection: "nope", ref: { figi: "X" }) { id } }', { token: stack.readToken });
    expect(unknownConnection.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('reads an orderbook, from the query root and from an instrument', async () => {
    const result = await graphql(
      stack.gateway,
      `{
        orderbook(connection: "tbank", instrument: { figi: "BBG004730N88" }, depth: 2) { bids { price quantity } asks { price } lastPrice instrument { ticker } }
        instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { orderbook(depth: 1) { asks { price } } }
      }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    const book = result.data!['orderbook'] as Record<string, any>;
    expect(book['bids'].map((level: { price: string }) => level.price)).toEqual(['281.99', '281.98']);
    expect(book['asks'].map((level: { price: string }) => level.price)).toEqual(['282', '282.01']);
    expect(book['lastPrice']).toBe('281.99');
    expect(book['instrument']).toEqual({ ticker: 'SBER' });
    expect(result.data!['instrument']).toEqual({ orderbook: { asks: [{ price: '282' }] } });
    const tooDeep = await graphql(stack.gateway, '{ orderbook(connection: "tbank", instrument: { figi: "BBG004730N88" }, depth: 51) { asOf } }', { token: stack.readToken });
    expect(tooDeep.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
  });

  it('filters operations by instrument', async () => {
    const result = await graphql(
      stack.gateway,
      '{ account(id: "tbank:2000345678") { operations(from: "2024-01-01T00:00:00+03:00", to: "2024-12-31T23:59:59+03:00", instrument: { figi: "BBG00HYXLFQ7" }) { type instrument { ticker } payment { amount } } } }',
      { token: stack.readToken },
    );
    const operations = (result.data!['account'] as Record<string, any>)['operations'] as Array<Record<string, any>>;
    expect(operations.map((operation) => operation['type']).sort()).toEqual(['BUY', 'COMMISSION', 'COUPON', 'REPAYMENT', 'TAX']);
    expect(operations.every((operation) => operation['instrument'].ticker === 'RU000A0ZYEB1')).toBe(true);
  });
});

describe('errors every client sees', () => {
  it('gives GraphQL validation and syntax errors the BAD_USER_INPUT code', async () => {
    const unknownField = await graphql(stack.gateway, '{ accounts { idd } }', { token: stack.readToken });
    expect(unknownField.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    const syntax = await graphql(stack.gateway, '{ accounts { id }', { token: stack.readToken });
    expect(syntax.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    const badDate = await graphql(stack.gateway, '{ accounts { operations(from: "yesterday", to: "2030-01-01T00:00:00Z") { id } } }', { token: stack.readToken });
    expect(badDate.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(badDate.errors![0]!.message).toMatch(/ISO-8601 with an offset/);
  });

  it('never shows the broker URL, a stack trace or a credential', async () => {
    // A stack of its own: the failing broker opens its circuit, which would fail later tests here.
    const failing = await startStack();
    onTestFinished(() => failing.close());
    failing.tinkoff.server.injectFault({ fault: { kind: 'status', status: 500 } });
    const result = await graphql(failing.gateway, statisticsQuery, { token: failing.readToken });
    const text = JSON.stringify(result);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(text).not.toContain('t.simulator-full-access-token');
    expect(result.errors!.every((error) => typeof error.extensions['code'] === 'string')).toBe(true);
  });
});

describe('HTTP endpoints', () => {
  it('answers health and readiness probes, and serves GraphiQL to a browser', async () => {
    expect((await stack.gateway.yoga.fetch('http://brokerql.test/healthz')).status).toBe(200);
    expect((await stack.gateway.yoga.fetch('http://brokerql.test/readyz')).status).toBe(200);
    const page = await stack.gateway.yoga.fetch('http://brokerql.test/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>brokerql</title>');
    // GraphiQL is bundled: a page that holds tokens loads no script from a CDN.
    expect(html).not.toMatch(/<script[^>]+src=["']?https?:/);
  });
});

// Operations run on graphql-js (src/plugins/use-spec-execution.ts; the corpus that proves it is
// test/spec-execution.test.ts); these are the places a faster executor got wrong before.
describe('execution', () => {
  it('runs the operation a request names, for each operation of one document', async () => {
    const document = 'query Ids { accounts { id } } query Brokers { accounts { broker } }';
    const ids = await graphql(stack.gateway, document, { token: stack.readToken, operationName: 'Ids' });
    const brokers = await graphql(stack.gateway, document, { token: stack.readToken, operationName: 'Brokers' });
    expect(ids.data).toEqual({ accounts: tbankAccounts.map((id) => ({ id })) });
    expect(brokers.data).toEqual({ accounts: tbankAccounts.map(() => ({ broker: 'TINKOFF' })) });
  });

  it('honours @include and @skip on fragment spreads, with the same document sent twice', async () => {
    const document = `query ($orders: Boolean!) {
      account(id: "tbank:2000345678") { id ...Orders @include(if: $orders) broker @skip(if: $orders) }
    }
    fragment Orders on Account { orders { id } }`;
    const withOrders = await graphql(stack.gateway, document, { token: stack.readToken, variables: { orders: true } });
    const without = await graphql(stack.gateway, document, { token: stack.readToken, variables: { orders: false } });
    expect(withOrders.data).toEqual({ account: { id: 'tbank:2000345678', orders: [{ id: '52218163123' }, { id: '52218170457' }] } });
    expect(without.data).toEqual({ account: { id: 'tbank:2000345678', broker: 'TINKOFF' } });
  });

  it("answers GraphiQL's full introspection query", async () => {
    const result = await graphql(stack.gateway, getIntrospectionQuery(), { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const schema = buildClientSchema(result.data as unknown as IntrospectionQuery);
    expect(schema.getType('Decimal')).toBeDefined();
    expect(Object.keys(schema.getMutationType()!.getFields())).toContain('placeOrder');
  });

  it("keeps the scalar's reason in a refused variable's message", async () => {
    const result = await graphql(stack.gateway, 'query ($from: DateTime!) { accounts { operations(from: $from, to: "2030-01-01T00:00:00Z") { id } } }', {
      token: stack.readToken,
      variables: { from: 'yesterday' },
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/^Variable "\$from" got invalid value "yesterday"; Expected type "DateTime"\. DateTime must be ISO-8601/);
    // Where in the document, as graphql-js reports it.
    expect(result.errors![0]).toMatchObject({ locations: [{ line: 1, column: 8 }] });
  });
});
