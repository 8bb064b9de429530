import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CompleteBrokerAdapter as BrokerAdapter } from '../src/brokers/adapter.js';
import { createAlorAdapter } from '../src/brokers/alor/adapter.js';
import { alorRequestId } from '../src/brokers/alor/order-command.js';
import { TokenKeeper } from '../src/brokers/alor/token-keeper.js';
import { UpstreamClient } from '../src/brokers/http.js';
import type { AlorConnectionConfig } from '../src/config.js';
import type { InstrumentInfo, PlaceOrderRequest } from '../src/domain.js';
import { BrokerqlError } from '../src/errors.js';
import { SecretRegistry } from '../src/secrets.js';
import { alorSimulatorRefreshTokens, createAlorSimulator, type AlorSimulator, type AlorSimulatorOptions } from '../src/simulators/alor/server.js';
import { connectionConfig, connectionDependencies, useAdapterTestBed } from './support/adapters.js';
import { brokerFailure } from './support/broker-failure.js';

const testBed = useAdapterTestBed();

async function startSimulator(options: AlorSimulatorOptions = {}): Promise<AlorSimulator> {
  const simulator = createAlorSimulator({ rateLimits: false, ...options });
  await testBed.start(simulator.server);
  return simulator;
}

function adapter(simulator: AlorSimulator, overrides: Partial<AlorConnectionConfig> = {}, secrets = new SecretRegistry()): BrokerAdapter {
  const config = connectionConfig<AlorConnectionConfig>({
    id: 'alor',
    broker: 'alor',
    refreshToken: alorSimulatorRefreshTokens.valid,
    apiUrl: simulator.apiUrl,
    authUrl: simulator.authUrl,
    ...overrides,
  });
  return testBed.track(createAlorAdapter(config, connectionDependencies(secrets)));
}

function failure(promise: Promise<unknown>): Promise<BrokerqlError> {
  return brokerFailure(promise, 'alor', [alorSimulatorRefreshTokens.valid, alorSimulatorRefreshTokens.revoked, 'eyJ']);
}

/** Moves the clock (Date only: sockets and timeouts keep real time) instead of waiting. */
const passTime = (milliseconds: number) => vi.setSystemTime(Date.now() + milliseconds);
afterEach(() => vi.useRealTimers());
const main = 'D38291';

let simulator: AlorSimulator;

beforeAll(async () => {
  simulator = await startSimulator();
});

describe('ALOR adapter reads', () => {
  it('lists one account per portfolio of the access token, typed by prefix', async () => {
    const secrets = new SecretRegistry();
    const client = adapter(simulator, {}, secrets);
    expect(await client.listAccounts({})).toEqual([
      { brokerAccountId: 'D38291', name: null, type: 'SECURITIES' },
      { brokerAccountId: 'G38291', name: null, type: 'FX' },
      { brokerAccountId: '7502I8Y', name: null, type: 'DERIVATIVES' },
      { brokerAccountId: 'D38292', name: null, type: 'SECURITIES' },
      { brokerAccountId: 'G38292', name: null, type: 'FX' },
      { brokerAccountId: '7502I8Z', name: null, type: 'DERIVATIVES' },
    ]);
    expect(simulator.server.requestCounts()).toEqual({ 'POST /refresh': 1 });

    // Both the refresh token and the access token it bought are scrubbed from anything leaving the process.
    await client.listOrders({ brokerAccountId: main });
    const bearer = String(simulator.server.recentRequests('GET orders')[0]!.headers['authorization']);
    const accessToken = bearer.replace(/^Bearer /, '');
    expect(accessToken).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(secrets.redact(`echo ${accessToken} and ${alorSimulatorRefreshTokens.valid}`)).toBe('echo [redacted] and [redacted]');
  });

  it('reads a portfolio: securities as positions (units and lots), roubles as cash, exact amounts', async () => {
    const fresh = await startSimulator();
    const portfolio = await adapter(fresh).getPortfolio({ brokerAccountId: main });
    // SNGS was sold out this morning: ALOR still lists it with 0 units, brokerql does not.
    expect(portfolio.positions.map((position) => position.instrument.key)).toEqual(['MOEX:SBER', 'MOEX:GAZP', 'MOEX:RU000A0ZYEB1']);
    expect(portfolio.positions[0]).toEqual({
      instrument: expect.objectContaining({ key: 'MOEX:SBER', ticker: 'SBER', name: 'Сбербанк России ПАО ао', lotSize: 10, minPriceIncrement: '0.01', currency: 'RUB' }),
      quantity: '220',
      lots: '22',
      averagePrice: { amount: '271.792091', currency: 'RUB' },
      currentPrice: { amount: '306.45', currency: 'RUB' },
      expectedYield: { amount: '7624.73998', currency: 'RUB' },
      marketValue: { amount: '67419', currency: 'RUB' },
    });
    expect(portfolio.positions[2]).toMatchObject({ quantity: '15', lots: '15', currentPrice: { amount: '100.15' }, marketValue: { amount: '15022.5' } });
    expect(portfolio.cash).toEqual([{ amount: '158336.6575', currency: 'RUB' }]);
    expect(portfolio.valuation).toEqual({ amount: '279280.1575', currency: 'RUB' });
    expect(fresh.server.requestCounts()).toEqual({ 'GET positions': 1, 'GET security': 3, 'GET summary': 1, 'POST /refresh': 1 });
    const positionsQuery = fresh.server.recentRequests('GET positions')[0]!.query;
    expect(positionsQuery).toBe('?format=Simple');
  });

  it('reads the empty FX and derivatives portfolios', async () => {
    const client = adapter(simulator);
    for (const portfolio of ['G38291', '7502I8Y']) {
      expect(await client.getPortfolio({ brokerAccountId: portfolio })).toMatchObject({ positions: [], cash: [], valuation: { amount: '0', currency: 'RUB' } });
    }
  });

  it('finds instruments by { symbol, exchange }, by { symbol } on the connection exchange and by { id }, and looks each up once', async () => {
    const client = adapter(simulator);
    const bySymbol = await client.getInstrument({ ref: { symbol: 'SNGS', exchange: 'MOEX' } });
    expect(bySymbol).toEqual({
      key: 'MOEX:SNGS',
      ticker: 'SNGS',
      figi: null,
      exchange: 'MOEX',
      name: 'Сургутнефтегаз ПАО ао',
      type: 'share',
      currency: 'RUB',
      lotSize: 100,
      minPriceIncrement: '0.005',
    });
    expect(await client.getInstrument({ ref: { symbol: 'SNGS' } })).toEqual(bySymbol);
    expect(await client.getInstrument({ ref: { key: 'MOEX:SNGS' } })).toEqual(bySymbol);
    expect(simulator.server.requestCount('GET security')).toBe(1);
    const bond = await client.getInstrument({ ref: { key: 'MOEX:RU000A0ZYEB1' } });
    expect(bond).toMatchObject({ type: 'bond', lotSize: 1, minPriceIncrement: '0.01' });
  });

  it('answers NOT_FOUND for an unknown security, and BAD_USER_INPUT naming what ALOR needs for a FIGI', async () => {
    const client = adapter(simulator);
    const unknown = await failure(client.getInstrument({ ref: { symbol: 'NOPE', exchange: 'MOEX' } }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('ALOR does not know security MOEX:NOPE');
    const byFigi = await failure(client.getInstrument({ ref: { figi: 'BBG004730N88' } }));
    expect(byFigi.code).toBe('BAD_USER_INPUT');
    expect(byFigi.message).toMatch(/\{ symbol, exchange \}/);
    expect((await failure(client.getInstrument({ ref: { symbol: 'SBER', exchange: 'TQBR' } }))).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a symbol or order number outside ALOR\'s grammar before anything is sent (encoding is not validation)', async () => {
    const client = adapter(simulator);
    for (const symbol of ['A/B', '../x', '..', '..%2Fpositions', 'SBER?format=Heavy', 'MOEX:SBER,MOEX:GAZP']) {
      expect((await failure(client.getInstrument({ ref: { symbol } }))).message).toMatch(/^symbol must be an ALOR symbol/);
      expect((await failure(client.getOrderbook({ instrument: { symbol }, depth: 1 }))).code).toBe('BAD_USER_INPUT');
    }
    for (const orderId of ['all', '../../41423837024', '41423837024?stop=true', '']) {
      expect((await failure(client.cancelOrder({ brokerAccountId: main, orderId }))).message).toMatch(/^orderId must be ALOR's order number/);
    }
    expect(simulator.server.requestCount()).toBe(0);
  });

  it('reads an orderbook in the Simple format, depth clamped to 1..50, volumes in lots', async () => {
    const client = adapter(simulator);
    const book = await client.getOrderbook({ instrument: { key: 'MOEX:SNGS' }, depth: 3 });
    expect(book.instrument).toEqual({ key: 'MOEX:SNGS', ticker: 'SNGS', exchange: 'MOEX' });
    expect(book.bids.map((level) => level.price)).toEqual(['24.355', '24.35', '24.345']);
    expect(book.asks.map((level) => level.price)).toEqual(['24.36', '24.365', '24.37']);
    expect(book.bids[0]!.quantity).toMatch(/^\d+$/);
    expect(Date.parse(book.asOf)).toBeGreaterThan(Date.now() - 60_000);
    const deep = await client.getOrderbook({ instrument: { symbol: 'SBER' }, depth: 80 });
    expect(deep.bids).toHaveLength(50);
    expect(simulator.server.recentRequests('GET orderbook').map((entry) => entry.query)).toEqual(['?depth=3&format=Simple', '?depth=50&format=Simple']);
  });

  it('reads last prices of many instruments from the quotes endpoint, leaving unknown ones out', async () => {
    const client = adapter(simulator);
    const prices = await client.getLastPrices!({ keys: ['MOEX:SBER', 'MOEX:SNGS', 'MOEX:NOPE', 'NO-EXCHANGE'] });
    expect([...prices]).toEqual([
      ['MOEX:SBER', '306.45'],
      ['MOEX:SNGS', '24.355'],
    ]);
    expect(simulator.server.requestCount('GET quotes')).toBe(1);
    // A long list is split so that no request line grows past what servers accept (2,000 characters of keys).
    const many = Array.from({ length: 50 }, (_, index) => `MOEX:${'U'.repeat(40)}${index}`);
    expect((await client.getLastPrices!({ keys: [...many, 'MOEX:GAZP'] })).get('MOEX:GAZP')).toBe('128.34');
    expect(simulator.server.requestCount('GET quotes')).toBe(1 + 2);
  });

  it('C20: writes the quotes path as real clients do, MOEX:SBER,MOEX:SNGS, not MOEX%3ASBER%2C…', async () => {
    const client = adapter(simulator);
    const prices = await client.getLastPrices!({ keys: ['MOEX:SBER', 'MOEX:SNGS'] });
    expect(prices.size).toBe(2);
    expect(simulator.server.recentRequests('GET quotes').map((request) => request.path)).toEqual(['/md/v2/Securities/MOEX:SBER,MOEX:SNGS/quotes']);
  });

  it('lists only the working orders as active, partly filled ones as PARTIALLY_FILLED', async () => {
    const fresh = await startSimulator();
    const orders = await adapter(fresh).listOrders({ brokerAccountId: main });
    expect(orders).toEqual([
      expect.objectContaining({ id: '41423837024', side: 'BUY', type: 'LIMIT', status: 'PARTIALLY_FILLED', price: '305.5', requestedLots: '5', executedLots: '2' }),
      expect.objectContaining({ id: '41423837102', side: 'SELL', type: 'LIMIT', status: 'NEW', price: '135', requestedLots: '3', executedLots: '0' }),
    ]);
    expect(orders[0]!.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('ALOR adapter operations', () => {
  const everything = { from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', instrument: null };

  it('pages through more than a thousand past trades and adds the current session', async () => {
    const fresh = await startSimulator();
    const operations = await adapter(fresh).listOperations({ brokerAccountId: main, ...everything });
    // 1240 past trades plus today's two fills (the SNGS sale, the partial SBER buy).
    expect(operations).toHaveLength(1242);
    expect(new Set(operations.map((operation) => operation.id)).size).toBe(1242);
    expect(fresh.server.requestCount('GET history trades')).toBe(2);
    expect(fresh.server.requestCount('GET trades')).toBe(1);
    const pages = fresh.server.recentRequests('GET history trades').map((entry) => new URLSearchParams(entry.query));
    expect(pages[0]!.get('limit')).toBe('1000');
    expect(pages[0]!.get('from')).toBeNull();
    expect(pages[0]!.get('dateFrom')).toBe('2020-01-01T00:00:00.000Z');
    expect(pages[1]!.get('from')).toBe(operations[999]!.id);
    // Oldest first.
    expect(operations[0]!.date < operations[1241]!.date).toBe(true);
  });

  it('maps trades as BUY/SELL with signed payments and commissions, exactly', async () => {
    const operations = await adapter(simulator).listOperations({ brokerAccountId: main, ...everything });
    expect(operations[0]).toEqual({
      id: '8800000000',
      type: 'SELL',
      brokerType: 'trade:sell',
      status: 'DONE',
      date: '2024-01-09T07:00:00.000Z',
      instrument: { key: 'MOEX:SBER', ticker: 'SBER', exchange: 'MOEX' },
      quantity: '10',
      price: '298.12',
      payment: { amount: '2981.2', currency: 'RUB' },
      commission: { amount: '-1.4906', currency: 'RUB' },
    });
    const sberFill = operations.find((operation) => operation.id === '9055212001');
    expect(sberFill).toMatchObject({ type: 'BUY', quantity: '20', price: '305.5', payment: { amount: '-6110' }, commission: { amount: '-3.055' } });
    // A bond trade pays accrued interest on top of its volume.
    const bond = operations.find((operation) => operation.instrument?.ticker === 'RU000A0ZYEB1')!;
    expect(bond.payment.amount).not.toBe(bond.price);
  });

  it('keeps only the requested window and instrument', async () => {
    const client = adapter(simulator);
    const sngs = await client.getInstrument({ ref: { symbol: 'SNGS' } });
    simulator.server.resetCounters();
    const window = { from: '2024-02-01T00:00:00+03:00', to: '2024-02-29T23:59:59+03:00' };
    const february = await client.listOperations({ brokerAccountId: main, ...window, instrument: null });
    expect(february.length).toBeGreaterThan(0);
    expect(february.every((operation) => operation.date >= '2024-01-31T21:00:00.000Z' && operation.date <= '2024-02-29T20:59:59.000Z')).toBe(true);
    const onlySngs = await client.listOperations({ brokerAccountId: main, ...window, instrument: sngs });
    expect(onlySngs.length).toBeGreaterThan(0);
    expect(onlySngs.length).toBeLessThan(february.length);
    expect(onlySngs.every((operation) => operation.instrument?.key === 'MOEX:SNGS')).toBe(true);
    expect(simulator.server.requestCount('GET history symbol trades')).toBe(1);
  });
});

describe('ALOR adapter orders', () => {
  let trading: AlorSimulator;
  let sber: InstrumentInfo;
  let client: BrokerAdapter;

  beforeAll(async () => {
    trading = await startSimulator();
    client = adapter(trading);
    sber = await client.getInstrument({ ref: { symbol: 'SBER' } });
  });

  const order = (overrides: Partial<PlaceOrderRequest>): PlaceOrderRequest => ({
    brokerAccountId: main,
    instrument: sber,
    side: 'BUY',
    type: 'LIMIT',
    lots: 1,
    price: '300.05',
    idempotencyKey: `key-${Math.random()}`,
    ...overrides,
  });

  it('places a resting LIMIT order with the exact price and an X-REQID from the key, then cancels it', async () => {
    const placed = await client.placeOrder(order({ idempotencyKey: 'limit-1' }));
    expect(placed).toMatchObject({ side: 'BUY', type: 'LIMIT', status: 'NEW', price: '300.05', requestedLots: '1', executedLots: '0' });
    expect(trading.state.orders.get(placed.id)?.status).toBe('working');
    const [sent] = trading.server.recentRequests('POST order limit');
    expect(sent!.body).toBe(
      '{"side":"buy","quantity":1,"price":300.05,"instrument":{"symbol":"SBER","exchange":"MOEX"},"user":{"portfolio":"D38291"},"timeInForce":"oneday"}',
    );
    expect(sent!.headers['x-reqid']).toBe(alorRequestId('limit-1'));
    expect(sent!.headers['content-type']).toBe('application/json');

    const cancelled = await client.cancelOrder({ brokerAccountId: main, orderId: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: 'CANCELLED', price: '300.05' });
    expect(trading.server.recentRequests('DELETE order')[0]!.query).toBe('?portfolio=D38291&exchange=MOEX&stop=false');
    expect((await client.listOrders({ brokerAccountId: main })).map((active) => active.id)).not.toContain(placed.id);
  });

  it('places a MARKET order and returns the state ALOR shows after it: FILLED', async () => {
    const placed = await client.placeOrder(order({ type: 'MARKET', price: null, side: 'SELL', lots: 2 }));
    expect(placed).toMatchObject({ type: 'MARKET', side: 'SELL', status: 'FILLED', price: null, requestedLots: '2', executedLots: '2' });
    expect(JSON.parse(trading.server.recentRequests('POST order market')[0]!.body)).not.toHaveProperty('price');
    expect(trading.server.requestCount('GET order')).toBe(1);
  });

  it('sends the same X-REQID for the same key, so ALOR keeps one order and replays its answer', async () => {
    const request = order({ type: 'MARKET', price: null, idempotencyKey: 'gateway-token:alor:D38291:same-key' });
    const ordersBefore = trading.state.orders.size;
    const first = await client.placeOrder(request);
    const second = await client.placeOrder(request);
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(trading.state.orders.size).toBe(ordersBefore + 1);
    const [one, two] = trading.server.recentRequests('POST order market').map((entry) => entry.headers['x-reqid']);
    expect(one).toBe(two);
  });

  it("passes on ALOR's refusals as UPSTREAM_REJECTED with its message, and replays a refusal for a repeated key", async () => {
    const outside = await failure(client.placeOrder(order({ price: '400', idempotencyKey: 'band' })));
    expect(outside.code).toBe('UPSTREAM_REJECTED');
    expect(outside.message).toContain('Цена заявки за пределами лимита');
    const again = await failure(client.placeOrder(order({ price: '400', idempotencyKey: 'band' })));
    expect(again.code).toBe('UPSTREAM_REJECTED');
    expect(again.message).toBe(outside.message);

    const funds = await failure(client.placeOrder(order({ type: 'MARKET', price: null, lots: 100_000 })));
    expect(funds.code).toBe('UPSTREAM_REJECTED');
    expect(funds.message).toContain('Заявка приводит к отрицательной позиции по немаржинальной валюте');
    expect(funds.retryable).toBe(false);
  });

  it('answers NOT_FOUND for an unknown instrument when placing', async () => {
    const ghost = { ...sber, key: 'MOEX:GHOST', ticker: 'GHOST' };
    expect((await failure(client.placeOrder(order({ instrument: ghost })))).code).toBe('NOT_FOUND');
  });

  it('still returns a placed order when its state cannot be read afterwards', async () => {
    trading.server.injectFault({ route: 'GET order', fault: { kind: 'status', status: 500 }, times: 1 });
    const placed = await client.placeOrder(order({ price: '299.5' }));
    expect(placed).toMatchObject({ status: 'PENDING', price: '299.5', requestedLots: '1', executedLots: '0', instrument: { key: 'MOEX:SBER' } });
    expect(trading.state.orders.get(placed.id)?.status).toBe('working');
  });

  it('answers a cancel of a finished order with UPSTREAM_REJECTED, and of an unknown one with NOT_FOUND', async () => {
    // 41423837001 was filled this morning, 41423837150 cancelled.
    const filled = await failure(client.cancelOrder({ brokerAccountId: main, orderId: '41423837001' }));
    expect(filled.code).toBe('UPSTREAM_REJECTED');
    expect(filled.message).toBe('ALOR refused to cancel order 41423837001: Order to cancel not found; the order is already FILLED');
    const cancelled = await failure(client.cancelOrder({ brokerAccountId: main, orderId: '41423837150' }));
    expect(cancelled.message).toMatch(/already CANCELLED$/);
    const unknown = await failure(client.cancelOrder({ brokerAccountId: main, orderId: '1' }));
    expect(unknown.code).toBe('NOT_FOUND');
  });
});

describe('ALOR access-token lifecycle', () => {
  it('sends one refresh for 50 concurrent first requests', async () => {
    const client = adapter(simulator);
    const results = await Promise.all(Array.from({ length: 50 }, () => client.listOrders({ brokerAccountId: main })));
    expect(results.every((orders) => orders.length >= 1)).toBe(true);
    expect(simulator.server.requestCount('POST /refresh')).toBe(1);
  });

  it('refreshes once, before expiry, when 50 concurrent requests find the token stale', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const shortLived = await startSimulator({ accessTokenLifetimeSeconds: 2 });
    const client = adapter(shortLived);
    await client.listAccounts({});
    expect(shortLived.server.requestCount('POST /refresh')).toBe(1);
    // Past the refresh point (2 s minus a sixth) and past the token's expiry itself.
    passTime(2_100);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.listOrders({ brokerAccountId: main })));
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(shortLived.server.requestCount('POST /refresh')).toBe(2);
    // Refreshed before sending, so ALOR never saw the expired token: one request each, no retries.
    expect(shortLived.server.requestCount('GET orders')).toBe(50);
  });

  it('answers a 401 with one refresh and one retry', async () => {
    const client = adapter(simulator);
    await client.listAccounts({});
    simulator.server.injectFault({ route: 'GET orders', fault: { kind: 'status', status: 401 }, times: 1 });
    expect((await client.listOrders({ brokerAccountId: main })).length).toBeGreaterThan(0);
    expect(simulator.server.requestCount('POST /refresh')).toBe(2);
    expect(simulator.server.requestCount('GET orders')).toBe(2);
  });

  it('shares one refresh among 50 requests refused the same token', async () => {
    const client = adapter(simulator);
    await client.listAccounts({});
    simulator.server.injectFault({ route: 'GET orders', fault: { kind: 'status', status: 401 }, times: 50 });
    // Faults go to requests in the order they finish waiting: the latency lets all 50 first attempts
    // take theirs before any retry comes back.
    simulator.server.setLatency(250, 'GET orders');
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.listOrders({ brokerAccountId: main })));
    simulator.server.setLatency(0, 'GET orders');
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(simulator.server.requestCount('POST /refresh')).toBe(2);
    expect(simulator.server.requestCount('GET orders')).toBe(100);
  });

  it('gives up with UPSTREAM_AUTH when the fresh token is refused too', async () => {
    const client = adapter(simulator);
    simulator.server.injectFault({ route: 'GET orders', fault: { kind: 'status', status: 401 }, times: 2 });
    const error = await failure(client.listOrders({ brokerAccountId: main }));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.retryable).toBe(false);
    expect(simulator.server.requestCount('POST /refresh')).toBe(2);
    expect(simulator.server.requestCount('GET orders')).toBe(2);
  });

  it('reports a revoked refresh token as UPSTREAM_AUTH asking for a new one, without the token', async () => {
    const error = await failure(adapter(simulator, { refreshToken: alorSimulatorRefreshTokens.revoked }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/issue a new refresh token/);
  });

  it('reports a refresh token revoked while running once the access token runs out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const revocable = await startSimulator({ accessTokenLifetimeSeconds: 1 });
    const client = adapter(revocable);
    expect(await client.listAccounts({})).toHaveLength(6);
    revocable.revokeRefreshToken(alorSimulatorRefreshTokens.valid);
    passTime(1_100);
    const error = await failure(client.listOrders({ brokerAccountId: main }));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).toMatch(/refresh token/);
    // A failed refresh is not remembered: the next request asks again.
    await failure(client.listOrders({ brokerAccountId: main }));
    expect(revocable.server.requestCount('POST /refresh')).toBe(3);
  });

  it('keeps using a still-valid token while the auth host fails, but reports a refused refresh token at once', async () => {
    let now = Date.now();
    const auth = new UpstreamClient({ connection: 'alor', brokerLabel: 'ALOR', baseUrl: simulator.authUrl, connectTimeoutMilliseconds: 1000, timeoutMilliseconds: 2000 });
    try {
      const keeper = new TokenKeeper(auth, alorSimulatorRefreshTokens.valid, new SecretRegistry(), () => now);
      const first = await keeper.current();
      // Past the refresh point (25 minutes into a 30-minute token), not yet expired.
      now += 26 * 60_000;
      simulator.server.injectFault({ route: 'POST /refresh', fault: { kind: 'status', status: 503 } });
      expect(await keeper.current()).toBe(first);
      now += 5 * 60_000;
      expect((await failure(keeper.current())).code).toBe('UPSTREAM_UNAVAILABLE');
      expect(simulator.server.requestCount('POST /refresh')).toBe(3);

      simulator.server.clearFaults();
      const second = await keeper.current();
      expect(second).not.toBe(first);
      now += 26 * 60_000;
      simulator.server.injectFault({ route: 'POST /refresh', fault: { kind: 'status', status: 403 } });
      expect((await failure(keeper.current())).code).toBe('UPSTREAM_AUTH');
    } finally {
      await auth.close();
    }
  });

  it('reports an unusable /refresh answer as UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ route: 'POST /refresh', fault: { kind: 'garbage' }, times: 1 });
    expect((await failure(adapter(simulator).listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
    simulator.server.injectFault({ route: 'POST /refresh', fault: { kind: 'status', status: 503 }, times: 1 });
    expect((await failure(adapter(simulator).listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('ALOR adapter upstream failures', () => {
  it.each([
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_TIMEOUT', true],
    [429, 'RATE_LIMITED', true],
    [403, 'UPSTREAM_AUTH', false],
  ])('turns HTTP %i into %s', async (status, code, retryable) => {
    const client = adapter(simulator);
    await client.listAccounts({});
    simulator.server.injectFault({ route: 'GET positions', fault: { kind: 'status', status } });
    const error = await failure(client.getPortfolio({ brokerAccountId: main }));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it.each([['garbage'], ['empty'], ['reset-mid-response'], ['drop']] as const)('turns a %s answer into UPSTREAM_UNAVAILABLE', async (kind) => {
    const client = adapter(simulator);
    await client.listAccounts({});
    simulator.server.injectFault({ route: 'GET orders', fault: { kind } });
    expect((await failure(client.listOrders({ brokerAccountId: main }))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('turns ALOR refusing more than its per-second limit into RATE_LIMITED', async () => {
    const limited = await startSimulator({ rateLimits: true, requestsPerSecond: 5 });
    const client = adapter(limited);
    await client.listAccounts({});
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.listOrders({ brokerAccountId: main })));
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected).toHaveLength(5);
    expect(rejected.every((result) => (result.reason as BrokerqlError).code === 'RATE_LIMITED')).toBe(true);
  });

  it('gives up after the configured timeout with UPSTREAM_TIMEOUT', async () => {
    const client = adapter(simulator, { timeoutMs: 300 });
    await client.listAccounts({});
    simulator.server.injectFault({ route: 'GET orders', fault: { kind: 'hang' }, times: 1 });
    const error = await failure(client.listOrders({ brokerAccountId: main }));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toMatch(/within 0\.3s/);
  });

  it('reports a stopped broker as UPSTREAM_UNAVAILABLE (connection refused)', async () => {
    const down = await startSimulator();
    await down.server.stop();
    const error = await failure(adapter(down).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('connection refused');
  });
});
