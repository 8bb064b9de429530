import { describe, expect, it } from 'vitest';
import type { CompleteBrokerAdapter as BrokerAdapter } from '../src/brokers/adapter.js';
import { createTinkoffV1Adapter } from '../src/brokers/tinkoff-v1/adapter.js';
import type { TinkoffV1ConnectionConfig } from '../src/config.js';
import { addDecimals } from '../src/decimal.js';
import type { InstrumentInfo, PlaceOrderRequest } from '../src/domain.js';
import { BrokerqlError } from '../src/errors.js';
import { SecretRegistry } from '../src/secrets.js';
import { createTinkoffV1Simulator, tinkoffV1SimulatorTokens } from '../src/simulators/tinkoff-v1/server.js';
import { connectionConfig, useAdapterTestBed } from './support/adapters.js';
import { brokerFailure } from './support/broker-failure.js';

const simulator = createTinkoffV1Simulator({ rateLimits: false });
const testBed = useAdapterTestBed(simulator.server);
const brokerage = '2054816137';
const iis = '2061309558';
const token = tinkoffV1SimulatorTokens.trading;

function adapter(overrides: Partial<TinkoffV1ConnectionConfig> = {}, secrets = new SecretRegistry()): BrokerAdapter {
  const config = connectionConfig<TinkoffV1ConnectionConfig>({ id: 'tinkoff-legacy', broker: 'tinkoff-v1', token, baseUrl: simulator.baseUrl, ...overrides });
  return testBed.track(createTinkoffV1Adapter(config, { secrets }));
}

function failure(promise: Promise<unknown>): Promise<BrokerqlError> {
  return brokerFailure(promise, 'tinkoff-legacy', ['/openapi', token, tinkoffV1SimulatorTokens.sandbox]);
}

/** The query string of every request the simulator saw on a route. */
function sentQueries(route: string): URLSearchParams[] {
  return simulator.server.recentRequests(route).map((entry) => new URLSearchParams(entry.query));
}

/** An error envelope as v1 wrote it, answered with HTTP 500. */
function errorEnvelope(code: string, message: string) {
  return { kind: 'status' as const, status: 500, body: JSON.stringify({ trackingId: 'a075df5d357b192a', payload: { message, code }, status: 'Error' }) };
}

async function instrument(figi: string): Promise<InstrumentInfo> {
  return adapter().getInstrument({ ref: { figi } });
}

function order(fields: Partial<PlaceOrderRequest> & Pick<PlaceOrderRequest, 'instrument'>): PlaceOrderRequest {
  return { brokerAccountId: brokerage, side: 'BUY', type: 'MARKET', lots: 1, price: null, idempotencyKey: 'ignored-by-v1', ...fields };
}

describe('Tinkoff v1 adapter reads', () => {
  it('lists accounts with their types, sending the token as a bearer header', async () => {
    expect(await adapter().listAccounts({})).toEqual([
      { brokerAccountId: brokerage, name: null, type: 'BROKERAGE' },
      { brokerAccountId: iis, name: null, type: 'IIS' },
    ]);
    const [sent] = simulator.server.recentRequests('GET /user/accounts');
    expect(sent!.headers['authorization']).toBe(`Bearer ${token}`);
    expect(simulator.server.requestCounts()).toEqual({ 'GET /user/accounts': 1 });
  });

  it('reads a portfolio: securities as positions, cash from /portfolio/currencies, exponent numbers exact', async () => {
    // The simulator writes the TMOS balance as Java's BigDecimal did.
    const raw = await fetch(`${simulator.baseUrl}/portfolio?brokerAccountId=${brokerage}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await raw.text()).toContain('"balance":1.4E+3');
    simulator.server.resetCounters();

    const portfolio = await adapter().getPortfolio({ brokerAccountId: brokerage });
    // USD000UTSTOM is in /portfolio too, but those dollars are the USD cash row.
    expect(portfolio.positions.map((position) => position.instrument.ticker)).toEqual(['SBER', 'AAPL', 'RU000A0ZYEB1', 'TMOS']);
    expect(portfolio.positions[0]).toMatchObject({
      instrument: { key: 'BBG004730N88', name: 'Сбербанк России', type: 'share' },
      quantity: '30',
      lots: '3',
      averagePrice: { amount: '266.5', currency: 'RUB' },
      expectedYield: { amount: '761.1', currency: 'RUB' },
      currentPrice: null,
      marketValue: null,
    });
    expect(portfolio.positions[3]).toMatchObject({ quantity: '1400', lots: '1400', averagePrice: { amount: '6.152' } });
    expect(portfolio.cash).toEqual([
      { amount: '0', currency: 'EUR' },
      { amount: '26552.76', currency: 'RUB' },
      { amount: '737.74', currency: 'USD' },
    ]);
    expect(simulator.server.requestCounts()).toEqual({ 'GET /portfolio': 1, 'GET /portfolio/currencies': 1 });
  });

  it('counts cash blocked by resting orders once: it is inside the balance', async () => {
    const raw = await fetch(`${simulator.baseUrl}/portfolio/currencies?brokerAccountId=${brokerage}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // The seeded resting buys hold 5400 RUB and 140 USD.
    expect(await raw.text()).toContain('{"currency":"RUB","balance":26552.76,"blocked":5400}');
    const portfolio = await adapter().getPortfolio({ brokerAccountId: brokerage });
    expect(portfolio.cash.find((money) => money.currency === 'RUB')?.amount).toBe('26552.76');
  });

  it('reads the IIS, not the default account', async () => {
    const portfolio = await adapter().getPortfolio({ brokerAccountId: iis });
    expect(portfolio.positions.map((position) => position.instrument.ticker)).toEqual(['GAZP']);
    expect(portfolio.cash).toContainEqual({ amount: '4741.18', currency: 'RUB' });
    for (const route of ['GET /portfolio', 'GET /portfolio/currencies']) {
      expect(sentQueries(route).map((query) => query.get('brokerAccountId'))).toEqual([iis]);
    }
  });

  it('finds instruments by id and FIGI, and by an unambiguous ticker', async () => {
    const client = adapter();
    expect(await client.getInstrument({ ref: { key: 'BBG333333333' } })).toEqual({
      key: 'BBG333333333',
      ticker: 'TMOS',
      figi: 'BBG333333333',
      exchange: null,
      name: 'Тинькофф iMOEX',
      type: 'etf',
      currency: 'RUB',
      lotSize: 1,
      minPriceIncrement: '0.002',
    });
    expect(await client.getInstrument({ ref: { figi: 'BBG00HYXLFQ7' } })).toMatchObject({ type: 'bond', minPriceIncrement: '0.095' });
    expect(await client.getInstrument({ ref: { symbol: 'SBER' } })).toMatchObject({ key: 'BBG004730N88', lotSize: 10 });
    expect(sentQueries('GET /market/search/by-ticker')[0]!.get('ticker')).toBe('SBER');
  });

  it('answers NOT_FOUND for an unknown FIGI or ticker, and BAD_USER_INPUT for an empty ref', async () => {
    const client = adapter();
    expect((await failure(client.getInstrument({ ref: { figi: 'BBG000000000' } }))).code).toBe('NOT_FOUND');
    expect((await failure(client.getInstrument({ ref: { symbol: 'NOPE' } }))).code).toBe('NOT_FOUND');
    const empty = await failure(client.getInstrument({ ref: { exchange: 'MOEX' } }));
    expect(empty.code).toBe('BAD_USER_INPUT');
    expect(empty.message).toContain('{ figi }');
    expect(simulator.server.requestCount()).toBe(2);
  });

  it('refuses a ticker that names several instruments', async () => {
    // The same ticker on another exchange, as happened with US and Russian listings.
    simulator.state.instruments.push({ ...simulator.state.instruments[0]!, figi: 'BBG000SBERUS1', currency: 'USD' });
    try {
      const error = await failure(adapter().getInstrument({ ref: { symbol: 'SBER' } }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('BBG004730N88, BBG000SBERUS1');
    } finally {
      simulator.state.instruments.pop();
    }
  });

  it('reads an orderbook, clamping the depth to what v1 accepts', async () => {
    const client = adapter();
    const book = await client.getOrderbook({ instrument: { key: 'BBG004730N88' }, depth: 3 });
    expect(book.bids.map((level) => level.price)).toEqual(['291.87', '291.86', '291.85']);
    expect(book.asks[0]).toEqual({ price: '291.88', quantity: '29' });
    expect(book.lastPrice).toBe('291.87');
    const deep = await client.getOrderbook({ instrument: { figi: 'BBG004730N88' }, depth: 50 });
    expect(deep.bids).toHaveLength(20);
    expect(sentQueries('GET /market/orderbook').map((query) => query.get('depth'))).toEqual(['3', '20']);
  });

  it('reads the orderbook of a ticker, and an empty book while the instrument does not trade', async () => {
    const client = adapter();
    const book = await client.getOrderbook({ instrument: { symbol: 'TMOS' }, depth: 1 });
    expect(book.instrument.key).toBe('BBG333333333');
    const closed = await client.getOrderbook({ instrument: { figi: 'BBG000BVPV84' }, depth: 5 });
    expect(closed).toMatchObject({ bids: [], asks: [] });
  });

  it('lists the active orders of the account asked for', async () => {
    const client = adapter();
    expect(await client.listOrders({ brokerAccountId: brokerage })).toEqual([
      expect.objectContaining({ id: '23541087310', side: 'BUY', type: 'LIMIT', status: 'NEW', price: '270', requestedLots: '2', executedLots: '0' }),
      expect.objectContaining({ id: '23541088902', side: 'SELL', status: 'PARTIALLY_FILLED', price: '7', requestedLots: '500', executedLots: '120' }),
      expect.objectContaining({ id: '198471662045', instrument: expect.objectContaining({ key: 'BBG000B9XRY4' }) }),
    ]);
    expect(await client.listOrders({ brokerAccountId: iis })).toEqual([]);
    expect(sentQueries('GET /orders').map((query) => query.get('brokerAccountId'))).toEqual([brokerage, iis]);
  });

  it('reads operations with their offsets encoded, commission and decline rows, exponent amounts', async () => {
    const operations = await adapter().listOperations({
      brokerAccountId: brokerage,
      from: '2021-01-01T00:00:00+03:00',
      to: '2030-01-01T00:00:00Z',
      instrument: null,
    });
    const [sent] = simulator.server.recentRequests('GET /operations');
    // A bare "+" in a query string is a space: the offset must travel as %2B.
    expect(sent!.query).toContain('from=2021-01-01T00%3A00%3A00%2B03%3A00');
    expect(new URLSearchParams(sent!.query).get('brokerAccountId')).toBe(brokerage);

    const byId = (id: string) => operations.find((operation) => operation.id === id);
    expect(byId('570112384')).toMatchObject({ type: 'DEPOSIT', payment: { amount: '10000', currency: 'RUB' }, instrument: null });
    expect(byId('570126630')?.payment.amount).toBe('120000');
    expect(byId('655210498')).toMatchObject({ type: 'WITHDRAWAL', payment: { amount: '-5000' } });
    expect(byId('22514006731')).toMatchObject({ type: 'BUY', quantity: '30', price: '266.5', payment: { amount: '-7995' }, commission: { amount: '-4' } });
    expect(byId('574455610')).toMatchObject({ type: 'COMMISSION', brokerType: 'BrokerCommission', payment: { amount: '-4', currency: 'RUB' } });
    expect(byId('640338101')).toMatchObject({ type: 'COMMISSION', brokerType: 'ServiceCommission' });
    expect(byId('190311204468')).toMatchObject({ type: 'SELL', status: 'DECLINED', price: '150', payment: { amount: '0', currency: 'USD' } });
    expect(byId('23541088902')).toMatchObject({ status: 'IN_PROGRESS', quantity: '120', payment: { amount: '840' } });
    expect(byId('741902266')).toMatchObject({ type: 'TAX', brokerType: 'TaxDividend' });
    expect(byId('779311082')).toMatchObject({ type: 'REPAYMENT', instrument: { key: 'BBG00HYXLFQ7', type: 'bond' } });

    // Payments exclude fees (those are the COMMISSION rows), so they add up to the cash balance.
    const rubles = operations.filter((operation) => operation.payment.currency === 'RUB').map((operation) => operation.payment.amount);
    expect(addDecimals(...rubles)).toBe('26552.76');
  });

  it('filters operations by instrument FIGI', async () => {
    const bond = await instrument('BBG00HYXLFQ7');
    simulator.server.resetCounters();
    const operations = await adapter().listOperations({ brokerAccountId: brokerage, from: '2021-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', instrument: bond });
    expect(operations.map((operation) => operation.type).sort()).toEqual(['BUY', 'COMMISSION', 'COUPON', 'REPAYMENT', 'TAX']);
    expect(sentQueries('GET /operations')[0]!.get('figi')).toBe('BBG00HYXLFQ7');
  });
});

describe('Tinkoff v1 adapter orders', () => {
  it('places a resting limit order with the exact price in the body, then cancels it and returns it as CANCELLED', async () => {
    const client = adapter();
    const sber = await instrument('BBG004730N88');
    const placed = await client.placeOrder(order({ instrument: sber, type: 'LIMIT', price: '270.05' }));
    expect(placed).toMatchObject({ status: 'NEW', side: 'BUY', type: 'LIMIT', price: '270.05', requestedLots: '1', executedLots: '0' });
    const [sent] = simulator.server.recentRequests('POST /orders/limit-order');
    expect(sent!.body).toBe('{"lots":1,"operation":"Buy","price":270.05}');
    const query = new URLSearchParams(sent!.query);
    expect([query.get('figi'), query.get('brokerAccountId')]).toEqual(['BBG004730N88', brokerage]);

    const cancelled = await client.cancelOrder({ brokerAccountId: brokerage, orderId: placed.id });
    expect(cancelled).toMatchObject({ id: placed.id, status: 'CANCELLED', side: 'BUY', type: 'LIMIT', price: '270.05', requestedLots: '1' });
    const [cancel] = sentQueries('POST /orders/cancel');
    expect([cancel!.get('orderId'), cancel!.get('brokerAccountId')]).toEqual([placed.id, brokerage]);
    expect((await client.listOrders({ brokerAccountId: brokerage })).map((active) => active.id)).not.toContain(placed.id);
  });

  it('places a market order on the IIS, naming that account', async () => {
    const gazprom = await instrument('BBG004730RP0');
    const placed = await adapter().placeOrder(order({ brokerAccountId: iis, instrument: gazprom }));
    expect(placed).toMatchObject({ status: 'FILLED', type: 'MARKET', price: null, requestedLots: '1', executedLots: '1' });
    const [sent] = simulator.server.recentRequests('POST /orders/market-order');
    expect(sent!.body).toBe('{"lots":1,"operation":"Buy"}');
    expect(new URLSearchParams(sent!.query).get('brokerAccountId')).toBe(iis);
    expect(simulator.state.tradingAccounts[1]!.orders.has(placed.id)).toBe(true);
  });

  it('cancels a partly filled order and keeps what it executed', async () => {
    const cancelled = await adapter().cancelOrder({ brokerAccountId: brokerage, orderId: '23541088902' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', executedLots: '120', requestedLots: '500' });
  });

  it('answers NOT_FOUND for an order that is not active, without asking the broker to cancel it', async () => {
    const error = await failure(adapter().cancelOrder({ brokerAccountId: brokerage, orderId: '99999999999' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(simulator.server.requestCount('POST /orders/cancel')).toBe(0);
  });

  it('answers NOT_FOUND when the order finished between reading and cancelling it (ORDER_ERROR)', async () => {
    simulator.server.injectFault({ route: 'POST /orders/cancel', fault: errorEnvelope('ORDER_ERROR', 'Cannot find order by id 198471662045') });
    const error = await failure(adapter().cancelOrder({ brokerAccountId: brokerage, orderId: '198471662045' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Cannot find order by id 198471662045');
  });

  it('turns an exchange rejection (HTTP 200, status "Rejected") into UPSTREAM_REJECTED with the broker message', async () => {
    const sber = await instrument('BBG004730N88');
    const outside = await failure(adapter().placeOrder(order({ instrument: sber, type: 'LIMIT', price: '330' })));
    expect(outside.code).toBe('UPSTREAM_REJECTED');
    expect(outside.message).toContain('Цена вне лимитов по инструменту');
    const amazon = await instrument('BBG000BVPV84');
    const closed = await failure(adapter().placeOrder(order({ instrument: amazon })));
    expect(closed).toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringContaining('Инструмент недоступен для торгов') });
  });

  it('turns NOT_ENOUGH_BALANCE into UPSTREAM_REJECTED with the broker message', async () => {
    const sber = await instrument('BBG004730N88');
    const error = await failure(adapter().placeOrder(order({ instrument: sber, lots: 100_000 })));
    expect(error.code).toBe('UPSTREAM_REJECTED');
    expect(error.message).toContain('not enough balance on security=RUB');
  });

  it('turns a price off the price step (VALIDATION_ERROR) into BAD_USER_INPUT with the broker message', async () => {
    const sber = await instrument('BBG004730N88');
    const error = await failure(adapter().placeOrder(order({ instrument: sber, type: 'LIMIT', price: '270.005' })));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('[price]: 270.005 has invalid scale');
  });

  it('finds an order placed although its answer was lost, among the recent operations', async () => {
    // An instrument and size no other test trades: a similar recent order would make it ambiguous.
    const apple = await instrument('BBG000B9XRY4');
    const ordersBefore = simulator.state.tradingAccounts[0]!.orders.size;
    // The order is placed, then the answer is lost to an INTERNAL_ERROR (io#315).
    simulator.server.injectFault({ route: 'POST /orders/market-order', fault: { kind: 'status', status: 500 }, afterHandling: true, times: 1 });
    const placed = await adapter().placeOrder(order({ instrument: apple, lots: 2 }));
    expect(placed).toMatchObject({ side: 'BUY', status: 'FILLED', requestedLots: '2' });
    expect(simulator.state.tradingAccounts[0]!.orders.size).toBe(ordersBefore + 1);
    expect(simulator.state.tradingAccounts[0]!.orders.has(placed.id)).toBe(true);
    expect(simulator.server.requestCount('POST /orders/market-order')).toBe(1);
  });

  it('says the state is unknown, not retryable, when the lost order cannot be found', async () => {
    const sber = await instrument('BBG004730N88');
    simulator.server.injectFault({ route: 'POST /orders/market-order', fault: { kind: 'status', status: 500 }, afterHandling: true, times: 1 });
    simulator.server.injectFault({ route: 'GET /operations', fault: { kind: 'status', status: 503 } });
    const error = await failure(adapter().placeOrder(order({ instrument: sber })));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false, mayHaveReachedBroker: true });
    expect(error.message).toMatch(/whether the order was placed is unknown/);
    expect(simulator.server.requestCount('POST /orders/market-order')).toBe(1);
  });

  it('lets a placement that never reached the broker be retried (connection refused)', async () => {
    const down = createTinkoffV1Simulator();
    await down.server.start();
    const baseUrl = down.baseUrl;
    await down.server.stop();
    const sber = await instrument('BBG004730N88');
    const error = await failure(adapter({ baseUrl }).placeOrder(order({ instrument: sber })));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', mayHaveReachedBroker: false, retryable: true });
    expect(error.message).not.toContain('may have been placed');
  });

  it('sends brokerAccountId with every account-scoped call', async () => {
    const client = adapter();
    const tmos = await instrument('BBG333333333');
    await client.getPortfolio({ brokerAccountId: iis });
    await client.listOrders({ brokerAccountId: iis });
    await client.listOperations({ brokerAccountId: iis, from: '2021-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z', instrument: null });
    const placed = await client.placeOrder(order({ brokerAccountId: iis, instrument: tmos, type: 'LIMIT', price: '6.5' }));
    await client.placeOrder(order({ brokerAccountId: iis, instrument: tmos }));
    await client.cancelOrder({ brokerAccountId: iis, orderId: placed.id });
    const routes = [
      'GET /portfolio',
      'GET /portfolio/currencies',
      'GET /orders',
      'GET /operations',
      'POST /orders/limit-order',
      'POST /orders/market-order',
      'POST /orders/cancel',
    ];
    for (const route of routes) {
      const accounts = sentQueries(route).map((query) => query.get('brokerAccountId'));
      expect(accounts.length, route).toBeGreaterThan(0);
      expect(new Set(accounts), route).toEqual(new Set([iis]));
    }
  });
});

describe('Tinkoff v1 adapter upstream failures', () => {
  it('turns a refused token (401, empty body) into UPSTREAM_AUTH without echoing it', async () => {
    const error = await failure(adapter({ token: 't.wrong-token-value' }).listAccounts({}));
    expect(error).toMatchObject({ code: 'UPSTREAM_AUTH', retryable: false, status: 401 });
    expect(error.message).not.toContain('t.wrong-token-value');
  });

  it('turns a sandbox token on the production base (Invalid token scopes) into UPSTREAM_AUTH', async () => {
    const error = await failure(adapter({ token: tinkoffV1SimulatorTokens.sandbox }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.message).toContain('Invalid token scopes');
  });

  it('turns an unknown account into NOT_FOUND', async () => {
    expect((await failure(adapter().getPortfolio({ brokerAccountId: '1111111111' }))).code).toBe('NOT_FOUND');
    expect((await failure(adapter().listOrders({ brokerAccountId: '1111111111' }))).code).toBe('NOT_FOUND');
  });

  it('turns the per-minute limit (429, empty body) into RATE_LIMITED', async () => {
    const limited = createTinkoffV1Simulator({ rateLimitsPerMinute: { market: 2 } });
    await limited.server.start();
    try {
      const client = adapter({ baseUrl: limited.baseUrl });
      const results = await Promise.allSettled(Array.from({ length: 3 }, () => client.getInstrument({ ref: { figi: 'BBG004730N88' } })));
      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toHaveLength(1);
      const error = (rejected[0] as PromiseRejectedResult).reason as BrokerqlError;
      expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, status: 429, connection: 'tinkoff-legacy' });
    } finally {
      await limited.server.stop();
    }
  });

  it.each([
    ['NOT_ENOUGH_BALANCE', 'Cannot process request, not enough balance on security=USD', 'UPSTREAM_REJECTED', false],
    ['ORDER_ERROR', 'Cannot find order by id 1', 'NOT_FOUND', false],
    ['VALIDATION_ERROR', '[depth]: must be between 1 and 20', 'BAD_USER_INPUT', false],
    ['GATEWAY_REQUEST_DATA_ERROR', 'Unknown account', 'NOT_FOUND', false],
    ['GATEWAY_REQUEST_DATA_ERROR', 'Invalid token scopes', 'UPSTREAM_AUTH', false],
    ['REQUEST_DATA_ERROR', 'Invalid account', 'NOT_FOUND', false],
    ['NOT_FOUND', 'Cannot find market instrument by figi', 'NOT_FOUND', false],
    ['INTERNAL_ERROR', 'INTERNAL_ERROR', 'UPSTREAM_UNAVAILABLE', true],
    ['USER_ERROR', 'Broker account not found for type=Tinkoff', 'NOT_FOUND', false],
    ['INSTRUMENT_ERROR', 'Cannot find security by id demo', 'NOT_FOUND', false],
    ['BRAND_NEW_CODE', 'Что-то новое', 'UPSTREAM_REJECTED', false],
  ])('maps a 500 %s envelope ("%s") to %s', async (upstreamCode, message, code, retryable) => {
    simulator.server.injectFault({ route: 'GET /portfolio', fault: errorEnvelope(upstreamCode, message) });
    const error = await failure(adapter().getPortfolio({ brokerAccountId: brokerage }));
    expect(error).toMatchObject({ code, retryable, status: 500 });
  });

  it('maps the simulator’s own 500 (INTERNAL_ERROR envelope) to a retryable UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ route: 'GET /orders', fault: { kind: 'status', status: 500 } });
    expect(await failure(adapter().listOrders({ brokerAccountId: brokerage }))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('reads the envelope status case-insensitively, and an error envelope even with HTTP 200', async () => {
    const accounts = '{"accounts":[{"brokerAccountType":"Tinkoff","brokerAccountId":"2054816137"}]}';
    simulator.server.injectFault({ fault: { kind: 'status', status: 200, body: `{"trackingId":"x","payload":${accounts},"status":"OK"}` }, times: 1 });
    expect(await adapter().listAccounts({})).toEqual([{ brokerAccountId: brokerage, name: null, type: 'BROKERAGE' }]);
    // invest_proxy.php echoed upstream errors with its own HTTP 200.
    simulator.server.injectFault({
      fault: { kind: 'status', status: 200, body: '{"trackingId":-1,"payload":{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"},"status":"error"}' },
      times: 1,
    });
    expect((await failure(adapter().listAccounts({}))).code).toBe('NOT_FOUND');
  });

  it.each([
    [401, 'UPSTREAM_AUTH', false],
    [403, 'UPSTREAM_AUTH', false],
    [429, 'RATE_LIMITED', true],
    [502, 'UPSTREAM_UNAVAILABLE', true],
    [503, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_TIMEOUT', true],
  ])('turns HTTP %i (empty or nginx HTML body) into %s', async (status, code, retryable) => {
    simulator.server.injectFault({ fault: { kind: 'status', status } });
    expect(await failure(adapter().listAccounts({}))).toMatchObject({ code, retryable, status });
  });

  it('turns a 500 with an HTML or empty body into UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ fault: { kind: 'status', status: 500, body: '<html><body>Internal Server Error</body></html>', contentType: 'text/html' }, times: 1 });
    expect((await failure(adapter().listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
    simulator.server.injectFault({ fault: { kind: 'status', status: 500, body: '' }, times: 1 });
    expect((await failure(adapter().listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('turns an envelope whose payload does not have the documented shape into UPSTREAM_UNAVAILABLE', async () => {
    simulator.server.injectFault({ fault: { kind: 'status', status: 200, body: '{"trackingId":"x","payload":{"accounts":"none"},"status":"Ok"}' } });
    const error = await failure(adapter().listAccounts({}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('GET /user/accounts');
  });

  it.each([['garbage'], ['empty'], ['reset-mid-response'], ['drop']] as const)('turns a %s answer into UPSTREAM_UNAVAILABLE', async (kind) => {
    simulator.server.injectFault({ fault: { kind } });
    expect((await failure(adapter().listAccounts({}))).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('gives up after the configured timeout with UPSTREAM_TIMEOUT', async () => {
    simulator.server.injectFault({ fault: { kind: 'hang' }, times: 1 });
    const error = await failure(adapter({ timeoutMs: 300 }).listAccounts({}));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
    expect(error.message).toMatch(/within 0\.3s/);
  });

  it('reports a stopped broker as UPSTREAM_UNAVAILABLE (connection refused)', async () => {
    const down = createTinkoffV1Simulator();
    await down.server.start();
    const baseUrl = down.baseUrl;
    await down.server.stop();
    const error = await failure(adapter({ baseUrl }).listAccounts({}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('connection refused');
  });

  it('registers the token as a secret, so that any text mentioning it is scrubbed', () => {
    const secrets = new SecretRegistry();
    adapter({}, secrets);
    expect(secrets.redact(`broker said: bad token ${token}`)).toBe('broker said: bad token [redacted]');
  });
});
