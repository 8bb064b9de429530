import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requireMethod } from '../src/brokers/capabilities.js';
import { createInstaforexAdapter } from '../src/brokers/instaforex/adapter.js';
import { instaforexBroker } from '../src/brokers/instaforex/index.js';
import type { InstaforexConnectionConfig } from '../src/config.js';
import { addDecimals } from '../src/decimal.js';
import type { Operation } from '../src/domain.js';
import { nextMoment } from '../src/brokers/single-flight.js';
import { BrokerqlError } from '../src/errors.js';
import { runInRequestScope } from '../src/request-scope.js';
import { SecretRegistry } from '../src/secrets.js';
import {
  createInstaforexSimulator,
  instaforexRouteNames as routes,
  instaforexSimulatorAccount,
  instaforexSimulatorSecondAccount,
  type InstaforexSimulator,
  type InstaforexSimulatorOptions,
} from '../src/simulators/instaforex/server.js';
import { connectionConfig, connectionDependencies, useAdapterTestBed } from './support/adapters.js';
import { brokerFailure } from './support/broker-failure.js';

/** The InstaForex adapter against the simulator, over real loopback HTTP. */

/** Added to the simulator's clock only: lets a test expire passkeys at the broker while brokerql's clock stands still. */
let brokerClockOffset = 0;
const simulatorOptions: InstaforexSimulatorOptions = { now: () => new Date(Date.now() + brokerClockOffset) };
const simulator = createInstaforexSimulator(simulatorOptions);
const simulators: InstaforexSimulator[] = [simulator];
const testBed = useAdapterTestBed(simulator.server);

async function startSimulator(options: InstaforexSimulatorOptions): Promise<InstaforexSimulator> {
  const started = createInstaforexSimulator({ ...simulatorOptions, ...options });
  await testBed.start(started.server);
  simulators.push(started);
  return started;
}

function connect(overrides: Record<string, unknown> = {}, target: InstaforexSimulator = simulator) {
  const config = connectionConfig<InstaforexConnectionConfig>({ id: 'ifx', broker: 'instaforex', ...instaforexSimulatorAccount, baseUrl: target.baseUrl, ...overrides });
  const secrets = new SecretRegistry();
  return { adapter: testBed.track(createInstaforexAdapter(config, connectionDependencies(secrets))), secrets };
}

const adapter = (overrides: Record<string, unknown> = {}, target?: InstaforexSimulator) => connect(overrides, target).adapter;

/** Every passkey any simulator issued: none may ever appear in an error. */
const issuedPasskeys = () => simulators.flatMap((running) => running.state.tokens.issued().map((issued) => issued.token));
const logins = (target: InstaforexSimulator = simulator) => target.state.tokens.issued().length;

function failure(promise: Promise<unknown>): Promise<BrokerqlError> {
  return brokerFailure(promise, 'ifx', [instaforexSimulatorAccount.password, instaforexSimulatorSecondAccount.password, 'wrong-password', ...issuedPasskeys()]);
}

const login = instaforexSimulatorAccount.login;
const allTime = { brokerAccountId: login, from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', instrument: null };

beforeEach(() => {
  brokerClockOffset = 0;
  simulator.state.tokens.revokeAll();
  Object.assign(simulator.state.switches, { badCredentials: 'unauthorized', timestampFormat: 'unix', float32Prices: false });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('InstaForex passkeys', () => {
  it('logs in with Login as a number, sends the passkey without its quotes, and reuses it', async () => {
    const { adapter: client, secrets } = connect();
    expect(await client.listAccounts({})).toEqual([{ brokerAccountId: login, name: null, type: 'MT4' }]);
    await client.getPortfolio({ brokerAccountId: login });
    await client.listOrders({ brokerAccountId: login });

    expect(simulator.server.requestCount(routes.clientToken)).toBe(1);
    const sent = simulator.server.recentRequests(routes.clientToken)[0]!;
    expect(sent.body).toContain('"Login":2100123');
    expect(JSON.parse(sent.body)).toEqual({ Login: 2100123, Password: instaforexSimulatorAccount.password });
    const [issued] = simulator.state.tokens.issued();
    const passkeys = simulator.server.recentRequests().filter((entry) => entry.route.startsWith('GET')).map((entry) => entry.headers['passkey']);
    expect(passkeys).toEqual([issued!.token, issued!.token, issued!.token]);
    // Both credentials are known to the redactor that scrubs every outgoing text.
    expect(secrets.redact(`${instaforexSimulatorAccount.password} ${issued!.token}`)).toBe('[redacted] [redacted]');
  });

  it('accepts a token body without the JSON quotes', async () => {
    const issued = simulator.state.tokens.issue('client', Number(login));
    simulator.server.injectFault({
      route: routes.clientToken,
      fault: { kind: 'status', status: 200, body: issued.token, contentType: 'text/plain' },
      times: 1,
    });
    const portfolio = await adapter().getPortfolio({ brokerAccountId: login });
    expect(portfolio.positions).toHaveLength(3);
    expect(simulator.server.recentRequests(routes.balance)[0]!.headers['passkey']).toBe(issued.token);
  });

  /** `count` queries of GraphQL requests that arrived together, so they may share the calls in flight. */
  const arrivingTogether = <Value>(count: number, query: () => Promise<Value>): Array<Promise<Value>> => {
    const arrivedAt = nextMoment();
    return Array.from({ length: count }, () => runInRequestScope({ deadline: Date.now() + 10_000, brokerCalls: 0, arrivedAt }, query));
  };

  it('logs in once for 20 concurrent queries when the broker has expired the passkey', async () => {
    const client = adapter();
    await client.getPortfolio({ brokerAccountId: login });
    expect(logins()).toBe(1);
    brokerClockOffset = 3601 * 1000;

    const portfolios = await Promise.all(arrivingTogether(20, () => client.getPortfolio({ brokerAccountId: login })));
    expect(portfolios.every((portfolio) => portfolio.positions.length === 3)).toBe(true);
    expect(logins()).toBe(2);
    expect(simulator.server.requestCount(routes.clientToken)).toBe(2);
    // The first query; then the 20 concurrent ones share one call, refused with the expired
    // passkey and repeated once with the new one.
    expect(simulator.server.requestCount(routes.balance)).toBe(1 + 1 + 1);
  });

  it('replaces a passkey older than 50 minutes before using it, once for 20 concurrent queries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const client = adapter();
    await client.listOrders({ brokerAccountId: login });
    vi.setSystemTime(Date.now() + 49 * 60_000);
    await client.listOrders({ brokerAccountId: login });
    expect(logins()).toBe(1);

    vi.setSystemTime(Date.now() + 2 * 60_000);
    await Promise.all(arrivingTogether(20, () => client.listOrders({ brokerAccountId: login })));
    expect(logins()).toBe(2);
    // Still valid at the broker (its lifetime is 60 min): renewed ahead of time, nothing was
    // refused; the 20 concurrent queries share one call.
    expect(simulator.server.requestCount(routes.openTrades)).toBe(3);
  });

  it('logs in again once when the broker forgets the passkey (a restart), and carries on', async () => {
    const client = adapter();
    await client.listOrders({ brokerAccountId: login });
    simulator.state.tokens.revokeAll();
    expect(await client.listOrders({ brokerAccountId: login })).toHaveLength(2);
    expect(logins()).toBe(1);
    expect(simulator.server.requestCount(routes.clientToken)).toBe(2);
  });

  it('reports bad credentials as UPSTREAM_AUTH with what to check, answered with 401 or with null', async () => {
    for (const answer of ['unauthorized', 'null'] as const) {
      simulator.state.switches.badCredentials = answer;
      const error = await failure(adapter({ password: 'wrong-password' }).listAccounts({}));
      expect(error.code).toBe('UPSTREAM_AUTH');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/refused login 2100123/);
      expect(error.message).toMatch(/API password set in the Client Cabinet, not the MT4 trading password/);
    }
  });

  it('reports UPSTREAM_AUTH when a fresh passkey is refused too, after exactly one re-login', async () => {
    const client = adapter();
    await client.listOrders({ brokerAccountId: login });
    simulator.server.injectFault({ route: routes.openTrades, fault: { kind: 'status', status: 403 } });
    const error = await failure(client.listOrders({ brokerAccountId: login }));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).toMatch(/refused a fresh passkey of login 2100123 for paths\.openTrades/);
    expect(simulator.server.requestCount(routes.clientToken)).toBe(2);
    expect(simulator.server.requestCount(routes.openTrades)).toBe(3);
  });

  it('reports a password changed at the broker as UPSTREAM_AUTH when the re-login fails', async () => {
    const client = adapter();
    await client.listOrders({ brokerAccountId: login });
    const account = simulator.state.accounts.find((candidate) => candidate.login === Number(login))!;
    account.password = 'changed-in-the-cabinet';
    try {
      simulator.state.tokens.revokeAll();
      const error = await failure(client.listOrders({ brokerAccountId: login }));
      expect(error.code).toBe('UPSTREAM_AUTH');
      expect(error.message).toMatch(/refused login 2100123/);
    } finally {
      account.password = instaforexSimulatorAccount.password;
    }
  });

  it('takes an empty or null answer as a refused passkey once, and as unavailable when it repeats', async () => {
    const client = adapter();
    simulator.server.injectFault({ route: routes.openTrades, fault: { kind: 'empty' }, times: 1 });
    expect(await client.listOrders({ brokerAccountId: login })).toHaveLength(2);
    simulator.server.injectFault({ route: routes.openTrades, fault: { kind: 'status', status: 200, body: 'null' }, times: 1 });
    expect(await client.listOrders({ brokerAccountId: login })).toHaveLength(2);
    expect(logins()).toBe(3);

    simulator.server.injectFault({ route: routes.openTrades, fault: { kind: 'empty' } });
    const error = await failure(client.listOrders({ brokerAccountId: login }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/answered paths\.openTrades .* with an empty body/);
    expect(logins()).toBe(4);
  });
});

describe('InstaForex account data', () => {
  it('reads the portfolio: balance as cash, equity as valuation, open trades as signed positions in lots', async () => {
    const portfolio = await adapter().getPortfolio({ brokerAccountId: login });
    expect(portfolio.cash).toEqual([{ amount: '1326.41', currency: 'USD' }]);
    expect(portfolio.valuation).toEqual({ amount: '1565.26', currency: 'USD' });
    expect(portfolio.positions.map((position) => [position.instrument.key, position.quantity, position.lots])).toEqual([
      ['USDJPY', '0.02', '0.02'],
      ['EURUSD', '0.1', '0.1'],
      ['GBPUSD', '-0.05', '-0.05'],
    ]);
    expect(portfolio.positions[0]).toMatchObject({
      instrument: { ticker: 'USDJPY', type: 'forex', currency: 'JPY', lotSize: null },
      averagePrice: { amount: '157.512', currency: 'JPY' },
      currentPrice: { amount: '153.071', currency: 'JPY' },
      expectedYield: { currency: 'USD' },
      marketValue: null,
    });
    // MT4's equity is balance + credit + the floating result of the open trades.
    const credit = simulator.state.balanceInformation(Number(login))!.credit;
    const floating = portfolio.positions.map((position) => position.expectedYield!.amount);
    expect(addDecimals(portfolio.cash[0]!.amount, credit, ...floating)).toBe(portfolio.valuation!.amount);
  });

  it('lists pending orders as active orders: a sell limit at its price, a buy stop as MARKET', async () => {
    expect(await adapter().listOrders({ brokerAccountId: login })).toEqual([
      expect.objectContaining({ id: '48213502', side: 'SELL', type: 'LIMIT', status: 'NEW', price: '1.258', requestedLots: '0.05', executedLots: '0' }),
      expect.objectContaining({ id: '48213610', side: 'BUY', type: 'MARKET', status: 'NEW', price: null, createdAt: '2024-05-02T13:40:12Z' }),
    ]);
  });

  it('reads an account without open trades', async () => {
    const client = adapter(instaforexSimulatorSecondAccount);
    expect(await client.listAccounts({})).toEqual([{ brokerAccountId: instaforexSimulatorSecondAccount.login, name: null, type: 'MT4' }]);
    const portfolio = await client.getPortfolio({ brokerAccountId: instaforexSimulatorSecondAccount.login });
    expect(portfolio.positions).toEqual([]);
    expect(await client.listOrders({ brokerAccountId: instaforexSimulatorSecondAccount.login })).toEqual([]);
  });

  it('reads operations of a period: the period in unix seconds, closed trades, deposits, withdrawals and credit', async () => {
    const client = adapter();
    const january = await client.listOperations({ ...allTime, from: '2024-01-01T00:00:00Z', to: '2024-01-31T23:59:59Z' });
    expect(simulator.server.recentRequests(routes.closedTrades)[0]!.query).toBe('?from=1704067200&to=1706745599');
    expect(january[0]).toEqual({
      id: '47101230',
      type: 'DEPOSIT',
      brokerType: 'OP_BALANCE',
      status: 'DONE',
      date: '2024-01-05T09:12:44Z',
      instrument: null,
      quantity: null,
      price: null,
      payment: { amount: '1000', currency: 'USD' },
      commission: null,
    });
    expect(january[1]).toMatchObject({ type: 'OTHER', brokerType: 'OP_CREDIT', payment: { amount: '300' } });
    expect(january.find((operation) => operation.id === '47120415')).toMatchObject({
      type: 'SELL',
      brokerType: 'OP_SELL',
      instrument: { key: 'GBPUSD' },
      quantity: '0.2',
      price: '1.27096',
      payment: { amount: '-5.25', currency: 'USD' },
    });
    expect(january.every((operation) => operation.date >= '2024-01-01' && operation.date < '2024-02')).toBe(true);

    const all = await client.listOperations(allTime);
    expect(all.find((operation) => operation.id === '47690455')).toMatchObject({ type: 'WITHDRAWAL', payment: { amount: '-250' } });
    // Payments and commissions of everything but credit add up to the balance.
    const booked = all.filter((operation) => operation.brokerType !== 'OP_CREDIT');
    const total = addDecimals(...booked.flatMap((operation) => [operation.payment.amount, operation.commission?.amount ?? '0']));
    expect(total).toBe(simulator.state.balanceInformation(Number(login))!.balance);
  });

  it('filters operations by instrument', async () => {
    const eurusd = await adapter().listOperations({ ...allTime, instrument: await adapter().getInstrument({ ref: { symbol: 'EURUSD' } }) });
    expect(eurusd.length).toBeGreaterThan(5);
    expect(eurusd.every((operation) => operation.instrument?.key === 'EURUSD')).toBe(true);
  });

  it('reads ISO timestamps exactly as unix ones', async () => {
    const client = adapter();
    const unix = { operations: await client.listOperations(allTime), orders: await client.listOrders({ brokerAccountId: login }) };
    simulator.state.switches.timestampFormat = 'iso';
    const iso = { operations: await client.listOperations(allTime), orders: await client.listOrders({ brokerAccountId: login }) };
    expect(iso).toEqual(unix);
    expect(simulator.server.requestCount(routes.closedTrades)).toBe(2);
  });

  it('rounds float-widened prices back to what was quoted', async () => {
    const client = adapter();
    const exact = { portfolio: await client.getPortfolio({ brokerAccountId: login }), operations: await client.listOperations(allTime) };
    simulator.state.switches.float32Prices = true;
    const passkey = simulator.state.tokens.issued()[0]!.token;
    const raw = await fetch(`${simulator.baseUrl}/client/RequestOpenTrades/${login}`, { headers: { passkey } }).then((response) => response.text());
    expect(raw).toContain('1.25409996509552');
    const widened = { portfolio: await client.getPortfolio({ brokerAccountId: login }), operations: await client.listOperations(allTime) };
    expect(widened.portfolio.positions).toEqual(exact.portfolio.positions);
    expect(widened.operations).toEqual(exact.operations);
  });

  it('matches field names case-insensitively and accepts a bare-number balance', async () => {
    simulator.server.injectFault({
      route: routes.openTrades,
      fault: {
        kind: 'status',
        status: 200,
        body: '[{"TICKET":7,"symbol":"eurusd","CMD":1,"volume":"0.30","OPENTIME":"2024-05-02T10:15:00","openprice":1.07123,"CLOSEPRICE":1.07049,"profit":22.2,"SWAP":-0.5,"commission":0}]',
      },
      times: 1,
    });
    simulator.server.injectFault({ route: routes.balance, fault: { kind: 'status', status: 200, body: '1520.35' }, times: 1 });
    const portfolio = await adapter().getPortfolio({ brokerAccountId: login });
    expect(portfolio).toMatchObject({ cash: [{ amount: '1520.35', currency: 'USD' }], valuation: null });
    expect(portfolio.positions).toEqual([
      expect.objectContaining({
        instrument: expect.objectContaining({ key: 'EURUSD' }),
        quantity: '-0.3',
        averagePrice: { amount: '1.07123', currency: 'USD' },
        expectedYield: { amount: '21.7', currency: 'USD' },
      }),
    ]);
  });

  it('answers instruments from the symbol, without asking the broker', async () => {
    const client = adapter();
    expect(await client.getInstrument({ ref: { symbol: 'eurusd' } })).toMatchObject({ key: 'EURUSD', ticker: 'EURUSD', type: 'forex', currency: 'USD', lotSize: null });
    expect(await client.getInstrument({ ref: { key: 'XAUUSD' } })).toMatchObject({ type: 'metal', currency: 'USD' });
    expect(await client.getInstrument({ ref: { symbol: '#AAPL' } })).toMatchObject({ ticker: '#AAPL', type: null, currency: null });
    expect((await failure(client.getInstrument({ ref: { figi: 'BBG0013HGFT4' } }))).code).toBe('BAD_USER_INPUT');
    expect((await failure(client.getInstrument({ ref: { symbol: 'EUR/USD' } }))).message).toMatch(/^symbol must be an MT4 symbol/);
    expect(simulator.server.requestCount()).toBe(0);
  });

  it('answers NOT_FOUND for an account id that is not the connection login', async () => {
    expect((await failure(adapter().getPortfolio({ brokerAccountId: '2100456' }))).code).toBe('NOT_FOUND');
  });
});

describe('InstaForex configurable method paths', () => {
  const customPaths = { balance: 'client/GetBalance/{login}', openTrades: 'client/Trades/Open/{login}', closedTrades: 'client/History/{login}' };

  it('reads everything through the paths the connection names', async () => {
    // This server also names the period parameters differently, so it ignores brokerql's from/to.
    const custom = await startSimulator({ paths: customPaths, closedTradesQuery: { from: 'start', to: 'end' } });
    const client = adapter({ paths: { ...customPaths, openTrades: '/client/Trades/Open/{login}' } }, custom);
    expect((await client.getPortfolio({ brokerAccountId: login })).positions).toHaveLength(3);
    const january: Operation[] = await client.listOperations({ ...allTime, from: '2024-01-01T00:00:00Z', to: '2024-01-31T23:59:59Z' });
    expect(january.length).toBeGreaterThan(2);
    expect(january.every((operation) => operation.date >= '2024-01-01' && operation.date < '2024-02')).toBe(true);
    expect(custom.server.requestCounts()).toMatchObject({ [routes.balance]: 1, [routes.openTrades]: 1, [routes.closedTrades]: 1 });
    expect(custom.server.requestCount(routes.unmatched)).toBe(0);
  });

  it('says the configured path may be wrong when the broker has no such method', async () => {
    const custom = await startSimulator({ paths: customPaths });
    const client = adapter({}, custom);
    const orders = await failure(client.listOrders({ brokerAccountId: login }));
    expect(orders).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false, status: 404 });
    expect(orders.message).toMatch(/no method at paths\.openTrades \("client\/RequestOpenTrades\/\{login\}"\).*the configured path may be wrong/);
    const portfolio = await failure(client.getPortfolio({ brokerAccountId: login }));
    expect(portfolio.message).toMatch(/paths\.(balance|openTrades) .*may be wrong/);
    // A missing method is not a refused passkey: no pointless re-login.
    expect(logins(custom)).toBe(1);
  });

  it('says so too when baseUrl does not lead to the token method', async () => {
    const error = await failure(adapter({ baseUrl: `${simulator.baseUrl}/wrong-prefix` }).listAccounts({}));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    expect(error.message).toMatch(/token method api\/Authentication\/RequestClientApiToken/);
  });
});

describe('InstaForex read-only capabilities', () => {
  it('says what is true: no trading, no order types, no orderbook, operations', () => {
    expect(instaforexBroker.capabilities).toEqual({ trading: false, orderTypes: [], orderbook: false, operations: true });
  });

  it('has no placeOrder, cancelOrder or getOrderbook: the capability gate answers NOT_SUPPORTED naming the broker, asking it nothing', async () => {
    const client = adapter();
    expect([client.placeOrder, client.cancelOrder, client.getOrderbook]).toEqual([undefined, undefined, undefined]);
    const connection = { id: 'ifx', definition: instaforexBroker, adapter: client };
    for (const method of ['placeOrder', 'cancelOrder', 'getOrderbook'] as const) {
      const error = await failure(Promise.resolve().then(() => requireMethod(connection, method)));
      expect(error.code).toBe('NOT_SUPPORTED');
      expect(error.message).toMatch(/^InstaForex \(INSTAFOREX\) does not support/);
    }
    expect(simulator.server.requestCount()).toBe(0);
  });
});

describe('InstaForex upstream failures', () => {
  it.each([
    [500, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
  ])('turns HTTP %i into retryable %s', async (status, code) => {
    simulator.server.injectFault({ route: routes.balance, fault: { kind: 'status', status } });
    const error = await failure(adapter().getPortfolio({ brokerAccountId: login }));
    expect(error).toMatchObject({ code, retryable: true });
  });

  it('turns a failing token method into UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ route: routes.clientToken, fault: { kind: 'status', status: 500 } });
    expect(await failure(adapter().listAccounts({}))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it.each([['garbage'], ['reset-mid-response'], ['drop']] as const)('turns a %s answer into UPSTREAM_UNAVAILABLE', async (kind) => {
    simulator.server.injectFault({ route: routes.openTrades, fault: { kind } });
    expect((await failure(adapter().listOrders({ brokerAccountId: login }))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('turns a body of the wrong shape into UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ route: routes.openTrades, fault: { kind: 'status', status: 200, body: '{"Trades":[]}' } });
    const error = await failure(adapter().listOrders({ brokerAccountId: login }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/a body brokerql cannot read/);
  });

  it('gives up after the configured timeout with UPSTREAM_TIMEOUT', async () => {
    simulator.server.injectFault({ route: routes.closedTrades, fault: { kind: 'hang' }, times: 1 });
    const error = await failure(adapter({ timeoutMs: 300 }).listOperations(allTime));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toMatch(/InstaForex did not answer within 0\.3s/);
  });
});
