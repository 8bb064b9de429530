import { describe, expect, it } from 'vitest';
import type { CompleteBrokerAdapter as BrokerAdapter } from '../src/brokers/adapter.js';
import { createTinkoffAdapter } from '../src/brokers/tinkoff/adapter.js';
import { tinkoffLimits } from '../src/brokers/tinkoff/limits.js';
import type { TinkoffConnectionConfig } from '../src/config.js';
import { BrokerqlError } from '../src/errors.js';
import { SecretRegistry } from '../src/secrets.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { connectionConfig, useAdapterTestBed } from './support/adapters.js';
import { brokerFailure } from './support/broker-failure.js';

const simulator = createTinkoffSimulator({ rateLimits: false });
const testBed = useAdapterTestBed(simulator.server);

function adapter(overrides: Partial<TinkoffConnectionConfig> = {}): BrokerAdapter {
  const config = connectionConfig<TinkoffConnectionConfig>({ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl, ...overrides });
  return testBed.track(createTinkoffAdapter(config, { secrets: new SecretRegistry() }));
}

function failure(promise: Promise<unknown>): Promise<BrokerqlError> {
  return brokerFailure(promise, 'tbank', [tinkoffSimulatorTokens.full]);
}

const account = '2000345678';

describe('T-Invest v2 adapter reads', () => {
  it('lists accounts with their types', async () => {
    const accounts = await adapter().listAccounts({});
    // The simulator's no-access account (an invest box) is not listed: every call for it would fail.
    expect(accounts).toEqual([
      { brokerAccountId: '2000345678', name: 'Брокерский счёт', type: 'BROKERAGE', status: 'OPEN', readOnly: false, openedAt: '2019-03-11T00:00:00Z' },
      { brokerAccountId: '2008765432', name: 'ИИС', type: 'IIS', status: 'OPEN', readOnly: false, openedAt: '2021-01-15T00:00:00Z' },
      { brokerAccountId: '2031415926', name: 'Семейный', type: 'BROKERAGE', status: 'OPEN', readOnly: true, openedAt: '2022-06-01T00:00:00Z' },
      { brokerAccountId: '2019283746', name: 'Старый счёт', type: 'BROKERAGE', status: 'CLOSED', readOnly: false, openedAt: '2018-02-20T00:00:00Z' },
    ]);
    expect(simulator.server.requestCounts()).toEqual({ 'UsersService/GetAccounts': 1 });
    const sent = simulator.server.recentRequests('UsersService/GetAccounts')[0]!;
    expect(sent.headers['authorization']).toBe(`Bearer ${tinkoffSimulatorTokens.full}`);
    expect(sent.headers['content-type']).toBe('application/json');
  });

  it('reads a portfolio: securities as positions, currencies as cash (free + blocked), exact amounts', async () => {
    const portfolio = await adapter().getPortfolio({ brokerAccountId: account });
    expect(portfolio.positions.map((position) => position.instrument.ticker)).toEqual(['SBER', 'AAPL', 'RU000A0ZYEB1', 'TMOS']);
    expect(portfolio.positions[0]).toMatchObject({
      quantity: '30',
      lots: '3',
      averagePrice: { amount: '266.5', currency: 'RUB' },
      currentPrice: { amount: '281.99', currency: 'RUB' },
      marketValue: { amount: '8459.7', currency: 'RUB' },
      expectedYield: { amount: '464.7', currency: 'RUB' },
    });
    expect(portfolio.positions[3]).toMatchObject({ quantity: '1500', averagePrice: { amount: '6.152' }, marketValue: { amount: '10071' } });
    // 15230.55 free + 5000 blocked by the resting SBER buy order.
    expect(portfolio.cash).toEqual([
      { amount: '20230.55', currency: 'RUB' },
      { amount: '412.07', currency: 'USD' },
    ]);
    expect(portfolio.valuation?.currency).toBe('RUB');
    expect(simulator.server.requestCounts()).toEqual({ 'OperationsService/GetPortfolio': 1, 'OperationsService/GetPositions': 1 });
  });

  it('finds instruments by FIGI, by uid and by ticker with class code', async () => {
    const client = adapter();
    const byFigi = await client.getInstrument({ ref: { figi: 'BBG333333333' } });
    expect(byFigi).toMatchObject({ key: 'BBG333333333', ticker: 'TMOS', lotSize: 1, minPriceIncrement: '0.002', currency: 'RUB', type: 'etf' });
    const byUid = await client.getInstrument({ ref: { key: 'e6123145-9665-43e0-8413-cd61b8aa9b13' } });
    expect(byUid.ticker).toBe('SBER');
    const byTicker = await client.getInstrument({ ref: { symbol: 'AAPL', exchange: 'SPBXM' } });
    expect(byTicker).toMatchObject({ key: 'BBG000B9XRY4', currency: 'USD', exchange: 'SPBXM' });
    expect((await failure(client.getInstrument({ ref: { figi: 'BBG000000000' } }))).code).toBe('NOT_FOUND');
    expect((await failure(client.getInstrument({ ref: { symbol: 'SBER' } }))).code).toBe('BAD_USER_INPUT');
  });

  it('reads an orderbook at an allowed upstream depth, trimmed to what was asked', async () => {
    const book = await adapter().getOrderbook({ instrument: { key: 'BBG004730N88' }, depth: 3 });
    expect(book.bids).toHaveLength(3);
    expect(book.asks).toHaveLength(3);
    expect(book.bids[0]!.price).toBe('281.99');
    expect(book.bids[1]!.price).toBe('281.98');
    expect(book.asks[0]!.price).toBe('282');
    expect(book.lastPrice).toBe('281.99');
    expect(JSON.parse(simulator.server.recentRequests('MarketDataService/GetOrderBook')[0]!.body)).toEqual({
      instrumentId: 'BBG004730N88',
      depth: 10,
    });
  });

  it('lists active orders', async () => {
    const orders = await adapter().listOrders({ brokerAccountId: account });
    expect(orders).toEqual([
      expect.objectContaining({ id: '52218163123', side: 'BUY', type: 'LIMIT', status: 'NEW', price: '250', requestedLots: '2', executedLots: '0' }),
      expect.objectContaining({ id: '52218170457', side: 'SELL', status: 'PARTIALLY_FILLED', price: '7', requestedLots: '500', executedLots: '120' }),
    ]);
  });

  it('reads operations of many kinds, and filters by instrument', async () => {
    const client = adapter();
    const operations = await client.listOperations({
      brokerAccountId: account,
      from: '2020-01-01T00:00:00Z',
      to: '2030-01-01T00:00:00Z',
      instrument: null,
    });
    const types = new Set(operations.map((operation) => operation.type));
    for (const type of ['DEPOSIT', 'WITHDRAWAL', 'BUY', 'COMMISSION', 'TAX', 'DIVIDEND', 'COUPON', 'REPAYMENT', 'INTEREST', 'OTHER']) {
      expect(types, type).toContain(type);
    }
    const fee = operations.find((operation) => operation.id === '901234567');
    expect(fee).toMatchObject({ type: 'COMMISSION', payment: { amount: '-2.4', currency: 'RUB' } });
    expect(operations.find((operation) => operation.brokerType === 'OPERATION_TYPE_TAX')?.payment.amount).toBe('-0.35');
    const sber = await client.getInstrument({ ref: { figi: 'BBG004730N88' } });
    const filtered = await client.listOperations({ brokerAccountId: account, from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', instrument: sber });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((operation) => operation.instrument?.key === 'BBG004730N88')).toBe(true);
  });

  it('follows the operations cursor across pages', async () => {
    const extra = Array.from({ length: 1500 }, (_, index) => ({
      id: `77${String(index).padStart(6, '0')}`,
      accountId: '2008765432',
      date: new Date(Date.UTC(2023, 0, 1) + index * 60_000).toISOString(),
      type: 'OPERATION_TYPE_SERVICE_FEE',
      state: 'OPERATION_STATE_EXECUTED' as const,
      currency: 'rub',
      payment: '-0.01',
      description: 'synthetic fee',
    }));
    simulator.state.operations.push(...extra);
    try {
      const operations = await adapter().listOperations({
        brokerAccountId: '2008765432',
        from: '2022-12-31T00:00:00Z',
        to: '2023-02-01T00:00:00Z',
        instrument: null,
      });
      expect(operations).toHaveLength(1500);
      expect(new Set(operations.map((operation) => operation.id)).size).toBe(1500);
      expect(simulator.server.requestCount('OperationsService/GetOperationsByCursor')).toBe(2);
    } finally {
      simulator.state.operations.splice(simulator.state.operations.length - extra.length, extra.length);
    }
  });
});

describe('T-Invest v2 adapter orders', () => {
  it('places a resting limit order, then cancels it and returns its final state', async () => {
    const client = adapter();
    const sber = await client.getInstrument({ ref: { figi: 'BBG004730N88' } });
    const placed = await client.placeOrder({
      brokerAccountId: account,
      instrument: sber,
      side: 'BUY',
      type: 'LIMIT',
      lots: 1,
      price: '270.05',
      idempotencyKey: 'adapter-test-limit',
    });
    expect(placed).toMatchObject({ status: 'NEW', side: 'BUY', type: 'LIMIT', price: '270.05', requestedLots: '1' });
    const sent = JSON.parse(simulator.server.recentRequests('OrdersService/PostOrder')[0]!.body);
    expect(sent).toMatchObject({ price: { units: '270', nano: 50_000_000 }, quantity: '1', orderType: 'ORDER_TYPE_LIMIT' });
    expect(sent.orderId).toMatch(/^[0-9a-f-]{36}$/);
    const cancelled = await client.cancelOrder({ brokerAccountId: account, orderId: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: 'CANCELLED' });
    expect((await client.listOrders({ brokerAccountId: account })).map((order) => order.id)).not.toContain(placed.id);
  });

  it('sends the same upstream orderId for the same idempotency key, so the broker keeps one order', async () => {
    const client = adapter();
    const sber = await client.getInstrument({ ref: { figi: 'BBG004730N88' } });
    const request = { brokerAccountId: account, instrument: sber, side: 'BUY' as const, type: 'MARKET' as const, lots: 1, price: null, idempotencyKey: 'same-key' };
    const ordersBefore = simulator.state.orders.size;
    const first = await client.placeOrder(request);
    const second = await client.placeOrder(request);
    expect(second.id).toBe(first.id);
    expect(first.status).toBe('FILLED');
    expect(simulator.state.orders.size).toBe(ordersBefore + 1);
    const [one, two] = simulator.server.recentRequests('OrdersService/PostOrder').map((entry) => JSON.parse(entry.body).orderId);
    expect(one).toBe(two);
  });

  it('keeps the broker message when it refuses an order', async () => {
    const client = adapter();
    const sber = await client.getInstrument({ ref: { figi: 'BBG004730N88' } });
    const outside = await failure(
      client.placeOrder({ brokerAccountId: account, instrument: sber, side: 'BUY', type: 'LIMIT', lots: 1, price: '1000', idempotencyKey: 'band' }),
    );
    expect(outside.code).toBe('UPSTREAM_REJECTED');
    expect(outside.message).toContain('The price is outside the limits for this instrument');
    const tooMuch = await failure(
      client.placeOrder({ brokerAccountId: account, instrument: sber, side: 'BUY', type: 'MARKET', lots: 100_000, price: null, idempotencyKey: 'funds' }),
    );
    expect(tooMuch.code).toBe('UPSTREAM_REJECTED');
    expect(tooMuch.message).toContain('Not enough balance');
  });

  it('reports a read-only broker token trying to trade as UPSTREAM_AUTH', async () => {
    const client = adapter({ token: tinkoffSimulatorTokens.readonly });
    const sber = await client.getInstrument({ ref: { figi: 'BBG004730N88' } });
    const error = await failure(
      client.placeOrder({ brokerAccountId: account, instrument: sber, side: 'BUY', type: 'MARKET', lots: 1, price: null, idempotencyKey: 'ro' }),
    );
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).not.toContain(tinkoffSimulatorTokens.readonly);
  });
});

describe('T-Invest v2 adapter upstream failures', () => {
  it('turns a refused token into UPSTREAM_AUTH without echoing it', async () => {
    const error = await failure(adapter({ token: 't.wrong-token-value' }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('t.wrong-token-value');
  });

  it('turns an unknown account into NOT_FOUND', async () => {
    expect((await failure(adapter().getPortfolio({ brokerAccountId: '1111111111' }))).code).toBe('NOT_FOUND');
  });

  it('turns the per-minute limit into RATE_LIMITED with the reset time', async () => {
    const limited = createTinkoffSimulator({ rateLimits: true });
    await limited.server.start();
    const perMinute = tinkoffLimits.find((limit) => limit.name === 'UsersService')!.requests;
    try {
      const client = adapter({ baseUrl: limited.baseUrl });
      const results = await Promise.allSettled(Array.from({ length: perMinute + 1 }, () => client.listAccounts({})));
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      const error = (rejected[0] as PromiseRejectedResult).reason as BrokerqlError & { retryAfterSeconds?: number };
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryable).toBe(true);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.server.stop();
    }
  });

  it.each([
    [500, 'UPSTREAM_UNAVAILABLE'],
    [503, 'UPSTREAM_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
    [429, 'RATE_LIMITED'],
  ])('turns HTTP %i into %s', async (status, code) => {
    simulator.server.injectFault({ fault: { kind: 'status', status } });
    const error = await failure(adapter().listAccounts({}));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(true);
  });

  it.each([['garbage'], ['empty'], ['reset-mid-response'], ['drop']] as const)(
    'turns a %s answer into UPSTREAM_UNAVAILABLE',
    async (kind) => {
      simulator.server.injectFault({ fault: { kind } });
      expect((await failure(adapter().listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
    },
  );

  it('gives up after the configured timeout with UPSTREAM_TIMEOUT', async () => {
    simulator.server.injectFault({ fault: { kind: 'hang' }, times: 1 });
    const error = await failure(adapter({ timeoutMs: 300 }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toMatch(/within 0\.3s/);
  });

  it('reports a stopped broker as UPSTREAM_UNAVAILABLE (connection refused)', async () => {
    const down = createTinkoffSimulator();
    await down.server.start();
    const baseUrl = down.baseUrl;
    await down.server.stop();
    const error = await failure(adapter({ baseUrl }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('connection refused');
  });
});
