import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamClient } from '../src/brokers/http.js';
import { BrokerqlError } from '../src/errors.js';
import { allSimulatedBrokers } from '../src/simulators/index.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Issue 13 A2: every string a client names a broker resource with (order ids, symbols, exchanges,
 * FIGIs, instrument ids and uids, tickers, class codes) is checked against that broker's own
 * grammar before any call. Anything else is BAD_USER_INPUT naming the field, and no simulator
 * sees a single request — not even the account listing or a token refresh.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: allSimulatedBrokers });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) server.resetCounters();
});

const brokerRequests = () => stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0);

/** Strings an attacker (or a confused script) sends where an identifier belongs. */
const hostile: Record<string, string> = {
  'ALOR\'s cancel-everything word': 'all',
  empty: '',
  'a parent directory': '../x',
  'a dot segment': '..',
  'a slash': 'a/b',
  'an encoded slash': '%2F',
  'a lone UTF-16 surrogate': '\uD800',
  '90 KB': 'A'.repeat(90_000),
  'SQL-looking text': '1 OR 1',
  'a newline': 'SBER\nX-Injected: 1',
  'a NUL': 'SBER\u0000',
  'Cyrillic look-alikes': 'SВЕR',
  'full-width digits': '４１４２３８３７１０２',
};

/** Every hostile string except those the field's grammar legitimately accepts. */
const except = (...names: string[]) => Object.entries(hostile).filter(([name]) => !names.includes(name));

interface FieldCase {
  broker: string;
  field: string;
  run: (value: string) => Promise<Awaited<ReturnType<typeof graphql>>>;
  cases: Array<[string, string]>;
  /** Resolves what the field hangs off (an account) first: that listing is not what is tested. */
  prepare?: () => Promise<unknown>;
}

const cancel = (accountId: string) => (orderId: string) =>
  graphql(stack.gateway, 'mutation ($accountId: ID!, $orderId: ID!) { cancelOrder(accountId: $accountId, orderId: $orderId) { id } }', {
    token: stack.tradeToken,
    variables: { accountId, orderId },
  });

const instrument = (connection: string, ref: (value: string) => Record<string, string>) => (value: string) =>
  graphql(stack.gateway, 'query ($connection: ID!, $ref: InstrumentRef!) { instrument(connection: $connection, ref: $ref) { id } }', {
    token: stack.readToken,
    variables: { connection, ref: ref(value) },
  });

const orderbook = (connection: string, ref: (value: string) => Record<string, string>) => (value: string) =>
  graphql(stack.gateway, 'query ($connection: ID!, $ref: InstrumentRef!) { orderbook(connection: $connection, instrument: $ref) { asOf } }', {
    token: stack.readToken,
    variables: { connection, ref: ref(value) },
  });

const placeOrder = (accountId: string, ref: (value: string) => Record<string, string>) => (value: string) =>
  graphql(
    stack.gateway,
    'mutation ($accountId: ID!, $ref: InstrumentRef!) { placeOrder(input: { accountId: $accountId, instrument: $ref, side: BUY, type: MARKET, lots: 1 }) { id } }',
    { token: stack.tradeToken, variables: { accountId, ref: ref(value) } },
  );

const listed = (accountId: string) => () => graphql(stack.gateway, `{ account(id: "${accountId}") { id } }`, { token: stack.readToken });

const operations = (accountId: string, ref: (value: string) => Record<string, string>) => (value: string) =>
  graphql(
    stack.gateway,
    'query ($accountId: ID!, $ref: InstrumentRef!) { account(id: $accountId) { operations(from: "2024-01-01T00:00:00Z", to: "2024-02-01T00:00:00Z", instrument: $ref) { id } } }',
    { token: stack.readToken, variables: { accountId, ref: ref(value) } },
  );

const fields: FieldCase[] = [
  // ALOR order numbers are int64 digits (SPEC path_OrderId); "all" is its cancel-every-order endpoint.
  { broker: 'ALOR', field: 'orderId', run: cancel('alor:D38291'), cases: except() },
  { broker: 'ALOR', field: 'symbol', run: instrument('alor', (symbol) => ({ symbol, exchange: 'MOEX' })), cases: except("ALOR's cancel-everything word") },
  { broker: 'ALOR', field: 'symbol', run: orderbook('alor', (symbol) => ({ symbol })), cases: except("ALOR's cancel-everything word") },
  { broker: 'ALOR', field: 'symbol', run: placeOrder('alor:D38291', (symbol) => ({ symbol })), cases: except("ALOR's cancel-everything word") },
  { broker: 'ALOR', field: 'exchange', run: instrument('alor', (exchange) => ({ symbol: 'SBER', exchange })), cases: except() },
  { broker: 'ALOR', field: 'exchange', run: placeOrder('alor:D38291', (exchange) => ({ symbol: 'SBER', exchange })), cases: except() },
  { broker: 'ALOR', field: 'id', run: instrument('alor', (key) => ({ id: `alor:MOEX:${key}` })), cases: except("ALOR's cancel-everything word") },
  { broker: 'ALOR', field: 'id', run: operations('alor:D38291', (key) => ({ id: `alor:${key}` })), prepare: listed('alor:D38291'), cases: except("ALOR's cancel-everything word") },
  // T-Invest: exchange order numbers or UUIDs; FIGIs; instrument uids; tickers with class codes.
  { broker: 'T-Invest', field: 'orderId', run: cancel('tbank:2000345678'), cases: except() },
  { broker: 'T-Invest', field: 'figi', run: instrument('tbank', (figi) => ({ figi })), cases: except() },
  { broker: 'T-Invest', field: 'figi', run: placeOrder('tbank:2000345678', (figi) => ({ figi })), cases: except() },
  { broker: 'T-Invest', field: 'id', run: orderbook('tbank', (key) => ({ id: `tbank:${key}` })), cases: except() },
  { broker: 'T-Invest', field: 'symbol', run: instrument('tbank', (symbol) => ({ symbol, exchange: 'TQBR' })), cases: except("ALOR's cancel-everything word") },
  { broker: 'T-Invest', field: 'exchange', run: instrument('tbank', (exchange) => ({ symbol: 'SBER', exchange })), cases: except("ALOR's cancel-everything word") },
  { broker: 'T-Invest', field: 'id', run: operations('tbank:2000345678', (key) => ({ id: `tbank:${key}` })), prepare: listed('tbank:2000345678'), cases: except() },
  // Tinkoff OpenAPI v1: order ids are digits, SPB's letters and digits, or sandbox UUIDs.
  { broker: 'Tinkoff v1', field: 'orderId', run: cancel('tinkoff-legacy:2054816137'), cases: except("ALOR's cancel-everything word") },
  { broker: 'Tinkoff v1', field: 'figi', run: orderbook('tinkoff-legacy', (figi) => ({ figi })), cases: except() },
  { broker: 'Tinkoff v1', field: 'figi', run: placeOrder('tinkoff-legacy:2054816137', (figi) => ({ figi })), cases: except() },
  { broker: 'Tinkoff v1', field: 'symbol', run: instrument('tinkoff-legacy', (symbol) => ({ symbol })), cases: except("ALOR's cancel-everything word") },
  // InstaForex: MT4 symbols (its client methods are read-only, so no order id ever goes there).
  { broker: 'InstaForex', field: 'symbol', run: operations('ifx:2100123', (symbol) => ({ symbol })), prepare: listed('ifx:2100123'), cases: except("ALOR's cancel-everything word") },
  { broker: 'InstaForex', field: 'id', run: operations('ifx:2100123', (key) => ({ id: `ifx:${key}` })), prepare: listed('ifx:2100123'), cases: except("ALOR's cancel-everything word") },
];

describe('A2: identifiers are checked against the broker grammar before any call', () => {
  for (const { broker, field, run, cases, prepare } of fields) {
    it(`${broker} ${field}: every hostile string is BAD_USER_INPUT naming ${field}, and no broker sees a request`, async () => {
      for (const [name, value] of cases) {
        await prepare?.();
        for (const server of stack.simulators.servers) server.resetCounters();
        const result = await run(value);
        const error = result.errors?.[0];
        expect(error?.extensions['code'], `${name}: ${error?.message}`).toBe('BAD_USER_INPUT');
        expect(error?.message, name).toContain(`${field} must`);
        // The message quotes at most a short, escaped preview of what was sent.
        expect(error!.message.length, name).toBeLessThan(400);
        expect(error!.message, name).not.toMatch(/[\u0000\n\uD800-\uDFFF]/);
        expect(brokerRequests(), `${name} reached a broker`).toBe(0);
      }
    });
  }

  it('ALOR cancelOrder(orderId: "all") never becomes DELETE …/orders/all: every working order stays', async () => {
    const alor = stack.simulators.alor!;
    const working = () => [...alor.state.orders.values()].filter((order) => order.status === 'working').map((order) => order.id);
    const before = working();
    expect(before.length).toBeGreaterThan(0);
    const result = await cancel('alor:D38291')('all');
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/^orderId must be ALOR's order number/);
    expect(alor.server.requestCount('DELETE all orders')).toBe(0);
    expect(alor.server.requestCount()).toBe(0);
    expect(working()).toEqual(before);
    // The attempt is audited like every other refused mutation.
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'cancelOrder', outcome: 'rejected', errorCode: 'BAD_USER_INPUT' });
  });

  it('accepts the identifiers each broker really issues', async () => {
    const result = await graphql(
      stack.gateway,
      `{
        alorBook: orderbook(connection: "alor", instrument: { symbol: "SBER", exchange: "moex" }, depth: 1) { instrument { id } }
        alorFuture: instrument(connection: "alor", ref: { id: "alor:MOEX:RU000A0ZYEB1" }) { ticker }
        figi: instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { ticker }
        uid: instrument(connection: "tbank", ref: { id: "tbank:e6123145-9665-43e0-8413-cd61b8aa9b13" }) { ticker }
        ticker: instrument(connection: "tbank", ref: { symbol: "SBER", exchange: "TQBR" }) { id }
        v1: instrument(connection: "tinkoff-legacy", ref: { figi: "BBG004730N88" }) { ticker }
        mt4: instrument(connection: "ifx", ref: { symbol: "#AAPL" }) { id }
      }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      alorBook: { instrument: { id: 'alor:MOEX:SBER' } },
      alorFuture: { ticker: 'RU000A0ZYEB1' },
      figi: { ticker: 'SBER' },
      uid: { ticker: 'SBER' },
      ticker: { id: 'tbank:BBG004730N88' },
      v1: { ticker: 'SBER' },
      mt4: { id: 'ifx:#AAPL' },
    });
  });
});

describe('A2 on /compat/tinkoff-v1: figi and orderId from the query string', () => {
  async function proxy(action: string, query: Record<string, string>, method = 'GET', body?: string) {
    const response = await stack.gateway.yoga.fetch(`http://brokerql.test/compat/tinkoff-v1?${new URLSearchParams({ action, ...query })}`, {
      method,
      headers: { authorization: `Bearer ${stack.tradeToken}` },
      body,
    });
    return (await response.json()) as { status: string; payload: { code: string; message: string } };
  }

  // An empty or missing figi/orderId is the proxy's own 404 (tested in compat.test.ts); "all" is a
  // word v1's order ids could be, so it is left to the T-Invest grammar behind a v2 account.
  const nonEmpty = except('empty', "ALOR's cancel-everything word");

  it('refuses a hostile figi on every route that takes one, before any broker call', async () => {
    for (const [name, figi] of nonEmpty) {
      const answers = [
        await proxy('/market/orderbook', { figi, depth: '5' }),
        await proxy('/operations', { brokerAccountId: '2054816137', from: '2024-01-01T00:00:00+03:00', to: '2024-02-01T00:00:00+03:00', figi }),
        await proxy('/orders/limit-order', { figi, brokerAccountId: '2054816137' }, 'POST', '{"lots":1,"operation":"Buy","price":281.99}'),
      ];
      for (const answer of answers) {
        expect(answer, name).toMatchObject({ status: 'Error', payload: { code: 'VALIDATION_ERROR' } });
        expect(answer.payload.message, name).toContain('figi must');
      }
      expect(brokerRequests(), `${name} reached a broker`).toBe(0);
    }
  });

  it('refuses a hostile orderId before any broker call', async () => {
    for (const [name, orderId] of nonEmpty) {
      const answer = await proxy('/orders/cancel', { orderId, brokerAccountId: '2054816137' }, 'POST');
      expect(answer, name).toMatchObject({ status: 'Error', payload: { code: 'VALIDATION_ERROR' } });
      expect(answer.payload.message, name).toContain('orderId must');
      expect(brokerRequests(), `${name} reached a broker`).toBe(0);
    }
  });
});

describe('A2: the transport\'s last line behind the grammars', () => {
  it('refuses to send a path that is not built from checked identifiers, and nothing leaves', async () => {
    const client = new UpstreamClient({
      connection: 'tbank',
      brokerLabel: 'T-Invest',
      baseUrl: stack.simulators.tinkoff!.baseUrl,
      connectTimeoutMilliseconds: 1_000,
      timeoutMilliseconds: 1_000,
    });
    try {
      for (const path of ['/orders/%2F', '/orders/../all', '/orders/./x', '/orders/a b', '/orders/\uD800', 'orders']) {
        const error = await client.send({ method: 'GET', path, route: 'probe' }).then(() => undefined, (caught: unknown) => caught);
        expect(error, path).toBeInstanceOf(BrokerqlError);
        expect(error, path).toMatchObject({ code: 'INTERNAL', mayHaveReachedBroker: false });
      }
      expect(stack.simulators.tinkoff!.server.requestCount()).toBe(0);
    } finally {
      await client.close();
    }
  });
});
