import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instaforexRouteNames as routes, instaforexSimulatorAccount, type InstaforexSimulator } from '../src/simulators/instaforex/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/** The InstaForex connection (`ifx`) through the whole GraphQL stack, beside T-Invest (`tbank`). */

let stack: Stack;
let instaforex: InstaforexSimulator;
const account = `ifx:${instaforexSimulatorAccount.login}`;

beforeAll(async () => {
  stack = await startStack({ brokers: ['instaforex', 'tinkoff'] });
  instaforex = stack.simulators.instaforex!;
});
afterAll(() => stack.close());
beforeEach(() => {
  instaforex.server.clearFaults();
  instaforex.server.resetCounters();
});

/** Nothing a client sees may carry the API password or a passkey. */
function expectNoSecrets(result: unknown): void {
  const text = JSON.stringify(result);
  expect(text).not.toContain(instaforexSimulatorAccount.password);
  for (const issued of instaforex.state.tokens.issued()) expect(text).not.toContain(issued.token);
}

describe('InstaForex account capabilities', () => {
  it('lists the MT4 account with capabilities true to life', async () => {
    const result = await graphql(
      stack.gateway,
      `{ account(id: "${account}") { id broker brokerAccountId type capabilities { trading orderTypes orderbook operations } } }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['account']).toEqual({
      id: account,
      broker: 'INSTAFOREX',
      brokerAccountId: '2100123',
      type: 'MT4',
      capabilities: { trading: false, orderTypes: [], orderbook: false, operations: true },
    });
  });
});

describe('InstaForex trading mutations with a TRADE token', () => {
  it('answers placeOrder with NOT_SUPPORTED naming the broker, and audits the attempt', async () => {
    const result = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${account}", instrument: { symbol: "EURUSD" }, side: BUY, type: LIMIT, lots: 1, price: "1.07", idempotencyKey: "ifx-try" }) { id } }`,
      { token: stack.tradeToken },
    );
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['placeOrder'], extensions: { code: 'NOT_SUPPORTED', connection: 'ifx', retryable: false } }),
    ]);
    expect(result.errors![0]!.message).toMatch(/InstaForex \(INSTAFOREX\) does not support placing orders/);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({
      mutation: 'placeOrder',
      outcome: 'rejected',
      errorCode: 'NOT_SUPPORTED',
      accountId: account,
      instrument: 'EURUSD',
      side: 'BUY',
      type: 'LIMIT',
      lots: 1,
      price: '1.07',
      idempotencyKey: 'ifx-try',
    });
    expect(instaforex.server.requestCount(routes.openTrades)).toBe(0);
    expectNoSecrets(result);
  });

  it('answers cancelOrder with NOT_SUPPORTED, and audits the attempt', async () => {
    const result = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${account}", orderId: "48213502") { id status } }`, {
      token: stack.tradeToken,
    });
    expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'NOT_SUPPORTED', connection: 'ifx', retryable: false } })]);
    expect(result.errors![0]!.message).toMatch(/InstaForex \(INSTAFOREX\) does not support cancelling orders/);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({
      mutation: 'cancelOrder',
      outcome: 'rejected',
      errorCode: 'NOT_SUPPORTED',
      accountId: account,
      orderId: '48213502',
    });
  });
});

describe('InstaForex instruments and orderbooks', () => {
  it('answers orderbooks with NOT_SUPPORTED, from the root and from an instrument', async () => {
    const result = await graphql(
      stack.gateway,
      `{
        orderbook(connection: "ifx", instrument: { symbol: "EURUSD" }) { asOf }
        instrument(connection: "ifx", ref: { symbol: "eurusd" }) { id ticker name type currency lotSize orderbook(depth: 1) { asOf } }
      }`,
      { token: stack.readToken },
    );
    expect(result.data).toEqual({
      orderbook: null,
      instrument: { id: 'ifx:EURUSD', ticker: 'EURUSD', name: 'EUR/USD', type: 'forex', currency: 'USD', lotSize: null, orderbook: null },
    });
    expect(result.errors).toHaveLength(2);
    for (const error of result.errors!) {
      expect(error.extensions).toEqual({ code: 'NOT_SUPPORTED', connection: 'ifx', retryable: false });
      expect(error.message).toMatch(/InstaForex \(INSTAFOREX\) does not support orderbooks/);
    }
    expect(result.errors!.map((error) => error.path)).toEqual(expect.arrayContaining([['orderbook'], ['instrument', 'orderbook']]));
  });
});

const statisticsQuery = `{
  accounts {
    id broker
    portfolio {
      positions { quantity instrument { ticker } }
      cash { amount currency }
      valuation { amount currency }
    }
    orders { id status }
    operations(from: "2024-01-01T00:00:00Z", to: "2024-12-31T23:59:59Z") { type payment { amount currency } }
  }
}`;

describe('a statistics query across InstaForex and T-Invest', () => {
  it('answers every account of both brokers in one request', async () => {
    // No passkey left from earlier tests: this request has to log in, and only once.
    instaforex.state.tokens.revokeAll();
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    expect(accounts.map((item) => [item['id'], item['broker']])).toEqual([
      ['tbank:2000345678', 'TINKOFF'],
      ['tbank:2008765432', 'TINKOFF'],
      ['tbank:2031415926', 'TINKOFF'],
      ['tbank:2019283746', 'TINKOFF'],
      [account, 'INSTAFOREX'],
    ]);
    const mt4 = accounts[4]!;
    expect(mt4['portfolio']).toEqual({
      positions: [
        { quantity: '0.02', instrument: { ticker: 'USDJPY' } },
        { quantity: '0.1', instrument: { ticker: 'EURUSD' } },
        { quantity: '-0.05', instrument: { ticker: 'GBPUSD' } },
      ],
      cash: [{ amount: '1326.41', currency: 'USD' }],
      valuation: { amount: '1565.26', currency: 'USD' },
    });
    expect(mt4['orders']).toEqual([
      { id: '48213502', status: 'NEW' },
      { id: '48213610', status: 'NEW' },
    ]);
    const types = new Set((mt4['operations'] as Array<{ type: string }>).map((operation) => operation.type));
    expect([...types].sort()).toEqual(['BUY', 'DEPOSIT', 'OTHER', 'SELL', 'WITHDRAWAL']);
    expect(mt4['operations']).toContainEqual({ type: 'DEPOSIT', payment: { amount: '1000', currency: 'USD' } });
    expect(mt4['operations']).toContainEqual({ type: 'WITHDRAWAL', payment: { amount: '-250', currency: 'USD' } });
    expect(accounts[0]!['portfolio'].cash).toEqual([
      { amount: '20230.55', currency: 'RUB' },
      { amount: '412.07', currency: 'USD' },
    ]);
    // One login serves the whole request; instruments never need a call of their own.
    expect(instaforex.server.requestCount(routes.clientToken)).toBe(1);
    expect(instaforex.server.requestCount(routes.unmatched)).toBe(0);
  });

  it('nulls only the InstaForex field that fails, with an error naming the connection', async () => {
    instaforex.server.injectFault({ route: routes.openTrades, fault: { kind: 'status', status: 500 } });
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    const accounts = result.data!['accounts'] as Array<Record<string, any>>;
    const mt4 = accounts.findIndex((item) => item['id'] === account);
    expect(accounts[mt4]).toMatchObject({ id: account, portfolio: null, orders: null });
    expect(accounts[mt4]!['operations'].length).toBeGreaterThan(0);
    expect(accounts[0]!['portfolio']).not.toBeNull();
    expect(result.errors!.map((error) => [error.path, error.extensions])).toEqual(
      expect.arrayContaining([
        [['accounts', mt4, 'portfolio'], { code: 'UPSTREAM_UNAVAILABLE', connection: 'ifx', retryable: true }],
        [['accounts', mt4, 'orders'], { code: 'UPSTREAM_UNAVAILABLE', connection: 'ifx', retryable: true }],
      ]),
    );
    expect(result.errors).toHaveLength(2);
    expectNoSecrets(result);
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
  });
});
