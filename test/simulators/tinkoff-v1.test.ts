import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTinkoffV1Simulator,
  tinkoffV1SimulatorTokens,
  type TinkoffV1Simulator,
} from '../../src/simulators/tinkoff-v1/server.js';

/**
 * The Tinkoff OpenAPI v1 simulator, exercised over real loopback HTTP the way an adapter would
 * talk to it: envelopes and their key order, omitted optionals, every error class, limits,
 * order placement with its effects on balances, /orders and /operations, and the sandbox.
 */

const everything = { from: '2021-01-01T00:00:00+03:00', to: '2099-01-01T00:00:00+03:00' };

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json: any;
}

async function call(
  base: string,
  path: string,
  init: { token?: string | null; method?: 'GET' | 'POST'; body?: unknown; query?: Record<string, string | number> } = {},
): Promise<Answer> {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? tinkoffV1SimulatorTokens.trading : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, headers: response.headers, json };
}

function expectError(answer: Answer, code: string, message: string | RegExp): void {
  expect(answer.status).toBe(500);
  expect(Object.keys(answer.json)).toEqual(['trackingId', 'payload', 'status']);
  expect(answer.json.status).toBe('Error');
  expect(answer.json.payload.code).toBe(code);
  if (typeof message === 'string') expect(answer.json.payload.message).toBe(message);
  else expect(answer.json.payload.message).toMatch(message);
}

describe('Tinkoff v1 simulator: production base', () => {
  let simulator: TinkoffV1Simulator;
  let base: string;
  const get = (path: string, query?: Record<string, string | number>, token?: string | null) => call(base, path, { query, token });
  const post = (path: string, query: Record<string, string | number>, body?: unknown) => call(base, path, { method: 'POST', query, body });
  const rubBalance = async () => {
    const answer = await get('/portfolio/currencies');
    return answer.json.payload.currencies.find((row: { currency: string }) => row.currency === 'RUB') as { balance: number; blocked?: number };
  };
  const operations = async (query: Record<string, string> = {}) =>
    (await get('/operations', { ...everything, ...query })).json.payload.operations as Array<Record<string, any>>;

  beforeAll(async () => {
    simulator = createTinkoffV1Simulator();
    await simulator.server.start();
    base = simulator.baseUrl;
  });
  afterAll(async () => {
    await simulator.server.stop();
  });

  it('serves the bases the v1 SDKs use', () => {
    expect(simulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/openapi$/);
    expect(simulator.sandboxBaseUrl).toBe(`${simulator.baseUrl}/sandbox`);
  });

  it('wraps payloads in {trackingId, payload, status} in that order, with a 16-hex trackingId', async () => {
    const first = await get('/user/accounts');
    const second = await get('/user/accounts');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('server')).toBe('nginx');
    expect(first.text.startsWith('{"trackingId":"')).toBe(true);
    expect(Object.keys(first.json)).toEqual(['trackingId', 'payload', 'status']);
    expect(first.json.status).toBe('Ok');
    expect(first.json.trackingId).toMatch(/^[0-9a-f]{16}$/);
    expect(second.json.trackingId).not.toBe(first.json.trackingId);
    const accounts = first.json.payload.accounts as Array<{ brokerAccountType: string; brokerAccountId: string }>;
    expect(accounts.map((account) => account.brokerAccountType)).toEqual(['Tinkoff', 'TinkoffIis']);
    for (const account of accounts) expect(account.brokerAccountId).toMatch(/^\d{10}$/);
  });

  it('omits absent optionals instead of sending null, and double-lists foreign currency', async () => {
    const portfolio = await get('/portfolio');
    expect(portfolio.text).not.toContain('null');
    const positions = portfolio.json.payload.positions as Array<Record<string, any>>;
    const byTicker = new Map(positions.map((position) => [position.ticker, position]));
    const share = byTicker.get('SBER')!;
    expect(share).not.toHaveProperty('blocked');
    expect(share).not.toHaveProperty('averagePositionPriceNoNkd');
    expect(share.lots).toBe(Math.floor(share.balance / 10));
    const bond = byTicker.get('RU000A0ZYEB1')!;
    expect(bond.instrumentType).toBe('Bond');
    expect(bond.averagePositionPrice.value).toBeGreaterThan(bond.averagePositionPriceNoNkd.value);
    const etf = byTicker.get('TMOS')!;
    expect(etf.blocked).toBeGreaterThan(0);
    expect(positions.some((position) => position.figi === 'RUB000UTSTOM' || position.ticker === 'RUB')).toBe(false);
    const dollars = byTicker.get('USD000UTSTOM')!;
    expect(dollars.instrumentType).toBe('Currency');
    expect(dollars).not.toHaveProperty('isin');
    expect(dollars.averagePositionPrice.currency).toBe('RUB');
    const currencies = (await get('/portfolio/currencies')).json.payload.currencies as Array<Record<string, any>>;
    const usd = currencies.find((row) => row.currency === 'USD')!;
    expect(usd.balance).toBe(dollars.balance);
    expect(usd.blocked).toBe(dollars.blocked);
    // Zero balances are listed, but without a blocked member.
    expect(currencies.find((row) => row.currency === 'EUR')).toEqual({ currency: 'EUR', balance: 0 });
  });

  it('writes seeded amounts in Java-BigDecimal text while the quirk is on, plain when off', async () => {
    const quirky = await get('/operations', everything);
    expect(quirky.text).toContain('"payment":1E+4');
    expect((await get('/portfolio')).text).toContain('"balance":1.4E+3');
    const book = await get('/market/orderbook', { figi: 'BBG004730N88', depth: 1 });
    expect(book.text).toContain('"limitUp":318.0');
    expect(book.text).toContain('"limitDown":261,');
    simulator.quirks.exponentNumbers = false;
    try {
      const plain = await get('/operations', everything);
      expect(plain.text).not.toMatch(/\d[eE][+-]\d/);
      expect(plain.text).toContain('"payment":10000,');
      // Same values either way; only the text differs.
      const amounts = (answer: Answer) => answer.json.payload.operations.map((row: { payment: number }) => row.payment);
      expect(amounts(plain)).toEqual(amounts(quirky));
    } finally {
      simulator.quirks.exponentNumbers = true;
    }
  });

  it('answers 401 with an empty body for a missing or unknown token', async () => {
    for (const token of [null, 't.not-a-real-token']) {
      const answer = await get('/portfolio', undefined, token);
      expect(answer.status).toBe(401);
      expect(answer.text).toBe('');
    }
  });

  it('refuses a sandbox token on the production base (and a trading token on the sandbox base)', async () => {
    expectError(await get('/portfolio', undefined, tinkoffV1SimulatorTokens.sandbox), 'GATEWAY_REQUEST_DATA_ERROR', 'Invalid token scopes');
    expectError(await call(simulator.sandboxBaseUrl, '/portfolio'), 'GATEWAY_REQUEST_DATA_ERROR', 'Invalid token scopes');
  });

  it('defaults to the Tinkoff account and reports unknown accounts the way each method did', async () => {
    const accounts = (await get('/user/accounts')).json.payload.accounts as Array<{ brokerAccountType: string; brokerAccountId: string }>;
    const brokerage = accounts.find((account) => account.brokerAccountType === 'Tinkoff')!.brokerAccountId;
    const iis = accounts.find((account) => account.brokerAccountType === 'TinkoffIis')!.brokerAccountId;
    const implicit = await get('/portfolio');
    const explicit = await get('/portfolio', { brokerAccountId: brokerage });
    expect(explicit.json.payload).toEqual(implicit.json.payload);
    const iisPortfolio = (await get('/portfolio', { brokerAccountId: iis })).json.payload.positions as Array<{ ticker: string }>;
    expect(iisPortfolio.map((position) => position.ticker)).toEqual(['GAZP']);
    expectError(await get('/portfolio', { brokerAccountId: '2000000000' }), 'GATEWAY_REQUEST_DATA_ERROR', 'Unknown account');
    expectError(await get('/orders', { brokerAccountId: '2000000000' }), 'GATEWAY_REQUEST_DATA_ERROR', 'Unknown account');
    expectError(await get('/portfolio/currencies', { brokerAccountId: '2000000000' }), 'REQUEST_DATA_ERROR', 'Invalid account');
  });

  it('serves an order book of the requested depth, best prices first, inside the band', async () => {
    const answer = await get('/market/orderbook', { figi: 'BBG004730N88', depth: 5 });
    const book = answer.json.payload;
    expect(Object.keys(book)).toEqual(['figi', 'depth', 'tradeStatus', 'minPriceIncrement', 'lastPrice', 'closePrice', 'limitUp', 'limitDown', 'bids', 'asks']);
    expect(book.tradeStatus).toBe('NormalTrading');
    expect(book.bids).toHaveLength(5);
    expect(book.asks).toHaveLength(5);
    const bidPrices = book.bids.map((level: { price: number }) => level.price);
    const askPrices = book.asks.map((level: { price: number }) => level.price);
    expect([...bidPrices].sort((left, right) => right - left)).toEqual(bidPrices);
    expect([...askPrices].sort((left, right) => left - right)).toEqual(askPrices);
    expect(bidPrices[0]).toBeLessThan(askPrices[0]);
    for (const price of [...bidPrices, ...askPrices]) {
      expect(price).toBeGreaterThanOrEqual(book.limitDown);
      expect(price).toBeLessThanOrEqual(book.limitUp);
      expect(new Big(String(price)).mod(String(book.minPriceIncrement)).eq(0)).toBe(true);
    }
    for (const level of [...book.bids, ...book.asks]) expect(Number.isInteger(level.quantity)).toBe(true);

    const bond = (await get('/market/orderbook', { figi: 'BBG00HYXLFQ7', depth: 1 })).json.payload;
    expect(bond.faceValue).toBeGreaterThan(0);
    const closed = (await get('/market/orderbook', { figi: 'BBG000BVPV84', depth: 10 })).json.payload;
    expect(closed.tradeStatus).toBe('NotAvailableForTrading');
    expect(closed.bids).toEqual([]);
    expect(closed.asks).toEqual([]);
    expect(closed).not.toHaveProperty('limitUp');
  });

  it('validates order book parameters', async () => {
    for (const depth of [0, 21]) {
      expectError(await get('/market/orderbook', { figi: 'BBG004730N88', depth }), 'VALIDATION_ERROR', /^\[depth\]: /);
    }
    expectError(await get('/market/orderbook', { figi: 'BBG004730N88' }), 'VALIDATION_ERROR', '[depth]: must not be null');
    expectError(await get('/market/orderbook', { figi: 'NOPE', depth: 1 }), 'VALIDATION_ERROR', '[figi]: Instrument not found by figi=NOPE');
    expect((await get('/market/orderbook', { figi: 'BBG004730N88', depth: 20 })).json.payload.bids).toHaveLength(20);
  });

  it('looks instruments up by figi and ticker and lists them by type', async () => {
    const sber = (await get('/market/search/by-figi', { figi: 'BBG004730N88' })).json.payload;
    expect(sber).toMatchObject({ figi: 'BBG004730N88', ticker: 'SBER', lot: 10, currency: 'RUB', type: 'Stock' });
    expect(sber).not.toHaveProperty('minQuantity');
    expectError(await get('/market/search/by-figi', { figi: 'BBG000000000' }), 'NOT_FOUND', 'Cannot find market instrument by figi');
    const byTicker = (await get('/market/search/by-ticker', { ticker: 'SBER' })).json.payload;
    expect(byTicker.total).toBe(1);
    expect(byTicker.instruments[0].figi).toBe('BBG004730N88');
    expect((await get('/market/search/by-ticker', { ticker: 'NOPE' })).json.payload).toEqual({ instruments: [], total: 0 });
    for (const [path, type] of [['/market/stocks', 'Stock'], ['/market/bonds', 'Bond'], ['/market/etfs', 'Etf'], ['/market/currencies', 'Currency']]) {
      const list = (await get(path!)).json.payload;
      expect(list.total).toBe(list.instruments.length);
      expect(list.total).toBeGreaterThan(0);
      for (const instrument of list.instruments) expect(instrument.type).toBe(type);
    }
    const bonds = (await get('/market/bonds')).json.payload.instruments;
    expect(bonds[0].faceValue).toBeGreaterThan(0);
  });

  it('lists resting orders as a bare array', async () => {
    const answer = await get('/orders');
    expect(Array.isArray(answer.json.payload)).toBe(true);
    expect(answer.json.payload.length).toBeGreaterThan(0);
    for (const order of answer.json.payload) {
      expect(Object.keys(order)).toEqual(['orderId', 'figi', 'operation', 'status', 'requestedLots', 'executedLots', 'type', 'price']);
      expect(['New', 'PartiallyFill']).toContain(order.status);
    }
  });

  it('rejects a limit price off the price step with the server’s VALIDATION_ERROR text', async () => {
    expectError(
      await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Buy', price: 291.875 }),
      'VALIDATION_ERROR',
      '[price]: 291.875 has invalid scale, minPriceIncrement=0.01',
    );
    expectError(
      await post('/orders/limit-order', { figi: 'BBG00HYXLFQ7' }, { lots: 1, operation: 'Buy', price: 951 }),
      'VALIDATION_ERROR',
      '[price]: 951.0 has invalid scale, minPriceIncrement=0.095',
    );
  });

  it('validates order bodies and parameters', async () => {
    expectError(await post('/orders/limit-order', {}, { lots: 1, operation: 'Buy', price: 290 }), 'VALIDATION_ERROR', '[figi]: must not be null');
    expectError(await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 0, operation: 'Buy', price: 290 }), 'VALIDATION_ERROR', /^\[lots\]: /);
    expectError(await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Hold', price: 290 }), 'VALIDATION_ERROR', /^\[operation\]: /);
    expectError(await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Buy' }), 'VALIDATION_ERROR', '[price]: must not be null');
    expectError(await post('/orders/market-order', { figi: 'BBG004730N88' }, 'not json'), 'VALIDATION_ERROR', /^\[body\]: /);
    expectError(await post('/orders/market-order', { figi: 'NOPE' }, { lots: 1, operation: 'Buy' }), 'VALIDATION_ERROR', '[figi]: Instrument not found by figi=NOPE');
  });

  it('answers an exchange rejection (price outside the band) with 200 and status Rejected', async () => {
    const before = await rubBalance();
    const ordersBefore = (await get('/orders')).json.payload.length;
    const answer = await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Buy', price: 330 });
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe('Ok');
    expect(answer.json.payload).toMatchObject({
      operation: 'Buy',
      status: 'Rejected',
      rejectReason: 'Unknown',
      message: 'Цена вне лимитов по инструменту',
      requestedLots: 1,
      executedLots: 0,
    });
    expect((await get('/orders')).json.payload.length).toBe(ordersBefore);
    expect(await rubBalance()).toEqual(before);
  });

  it('fills a marketable limit order at once: balances move, /operations gains the trade and a BrokerCommission', async () => {
    const ask = (await get('/market/orderbook', { figi: 'BBG004730N88', depth: 1 })).json.payload.asks[0].price as number;
    const before = await rubBalance();
    const sharesBefore = ((await get('/portfolio')).json.payload.positions as Array<{ ticker: string; balance: number }>).find((row) => row.ticker === 'SBER')!.balance;

    const placed = await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Buy', price: ask });
    expect(placed.status).toBe(200);
    expect(placed.json.payload).toMatchObject({ operation: 'Buy', status: 'Fill', requestedLots: 1, executedLots: 1 });
    const orderId = placed.json.payload.orderId as string;
    expect(orderId).toMatch(/^\d{11}$/);
    expect((await get('/orders')).json.payload.map((order: { orderId: string }) => order.orderId)).not.toContain(orderId);

    const rows = await operations({ figi: 'BBG004730N88' });
    const trade = rows.find((row) => row.id === orderId)!;
    expect(trade).toMatchObject({ operationType: 'Buy', status: 'Done', instrumentType: 'Stock', quantity: 10, quantityExecuted: 10, currency: 'RUB' });
    expect(trade.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+03:00$/);
    expect(trade.trades.reduce((sum: number, item: { quantity: number }) => sum + item.quantity, 0)).toBe(10);
    for (const item of trade.trades) {
      expect(Object.keys(item)).toEqual(['tradeId', 'date', 'quantity', 'price']);
      expect(item.price).toBe(ask);
    }
    expect(trade.payment).toBe(Number(new Big(String(ask)).times(-10).toFixed()));
    expect(trade.commission.value).toBeLessThan(0);
    const commission = rows.find((row) => row.operationType === 'BrokerCommission' && row.date === trade.date)!;
    expect(commission).toMatchObject({ figi: 'BBG004730N88', payment: trade.commission.value, currency: 'RUB', status: 'Done' });
    expect(commission).not.toHaveProperty('trades');
    expect(placed.json.payload.commission).toEqual({ currency: 'RUB', value: trade.commission.value });

    const after = await rubBalance();
    const spent = new Big(String(ask)).times(10).minus(String(trade.commission.value));
    expect(new Big(String(before.balance)).minus(String(after.balance)).eq(spent)).toBe(true);
    const sharesAfter = ((await get('/portfolio')).json.payload.positions as Array<{ ticker: string; balance: number }>).find((row) => row.ticker === 'SBER')!.balance;
    expect(sharesAfter).toBe(sharesBefore + 10);
  });

  it('walks the book when an order is larger than the best level', async () => {
    const book = (await get('/market/orderbook', { figi: 'BBG333333333', depth: 2 })).json.payload;
    const lots = book.asks[0].quantity + 3;
    const placed = await post('/orders/market-order', { figi: 'BBG333333333' }, { lots, operation: 'Buy' });
    expect(placed.json.payload).toMatchObject({ status: 'Fill', executedLots: lots });
    const trade = (await operations({ figi: 'BBG333333333' })).find((row) => row.id === placed.json.payload.orderId)!;
    expect(trade.trades.map((item: { price: number }) => item.price)).toEqual([book.asks[0].price, book.asks[1].price]);
    expect(trade.trades.map((item: { quantity: number }) => item.quantity)).toEqual([book.asks[0].quantity, 3]);
    expect(trade.quantityExecuted).toBe(lots);
  });

  it('rests a non-marketable limit order, blocks its money, and cancels it', async () => {
    const before = await rubBalance();
    const placed = await post('/orders/limit-order', { figi: 'BBG004730N88' }, { lots: 1, operation: 'Buy', price: 280 });
    expect(placed.json.payload).toMatchObject({ status: 'New', executedLots: 0 });
    expect(placed.json.payload).not.toHaveProperty('commission');
    const orderId = placed.json.payload.orderId as string;
    const resting = (await get('/orders')).json.payload.find((order: { orderId: string }) => order.orderId === orderId);
    expect(resting).toEqual({ orderId, figi: 'BBG004730N88', operation: 'Buy', status: 'New', requestedLots: 1, executedLots: 0, type: 'Limit', price: 280 });
    const blocked = await rubBalance();
    expect(blocked.balance).toBe(before.balance);
    expect(new Big(String(blocked.blocked)).minus(String(before.blocked ?? 0)).toFixed()).toBe('2800');
    expect((await operations()).find((row) => row.id === orderId)!.status).toBe('Progress');

    const cancelled = await post('/orders/cancel', { orderId });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.payload).toEqual({});
    expect((await get('/orders')).json.payload.map((order: { orderId: string }) => order.orderId)).not.toContain(orderId);
    expect(await rubBalance()).toEqual(before);
    const declined = (await operations()).find((row) => row.id === orderId)!;
    expect(declined).toMatchObject({ status: 'Decline', quantityExecuted: 0, payment: 0 });
    expectError(await post('/orders/cancel', { orderId }), 'ORDER_ERROR', `Cannot find order by id ${orderId}`);
    expectError(await post('/orders/cancel', { orderId: 'WRONGORDERID' }), 'ORDER_ERROR', 'Cannot find order by id WRONGORDERID');
  });

  it('refuses orders the account cannot pay for or deliver', async () => {
    expectError(
      await post('/orders/market-order', { figi: 'BBG004730N88' }, { lots: 1000, operation: 'Buy' }),
      'NOT_ENOUGH_BALANCE',
      'Cannot process request, not enough balance on security=RUB',
    );
    expectError(await post('/orders/market-order', { figi: 'BBG000B9XRY4' }, { lots: 50, operation: 'Buy' }), 'NOT_ENOUGH_BALANCE', /security=USD$/);
    expectError(await post('/orders/market-order', { figi: 'BBG004730RP0' }, { lots: 1, operation: 'Sell' }), 'NOT_ENOUGH_BALANCE', /^Cannot process request, not enough balance on security=/);
  });

  it('returns seeded operations of many kinds, newest first, with +03:00 dates', async () => {
    const rows = await operations();
    const types = new Set(rows.map((row) => row.operationType));
    for (const type of ['PayIn', 'PayOut', 'Buy', 'Sell', 'BrokerCommission', 'ServiceCommission', 'Dividend', 'TaxDividend', 'Coupon', 'TaxCoupon', 'PartRepayment']) {
      expect(types.has(type)).toBe(true);
    }
    const times = rows.map((row) => Date.parse(row.date));
    expect([...times].sort((left, right) => right - left)).toEqual(times);
    for (const row of rows) {
      expect(row.date).toMatch(/\+03:00$/);
      expect(row.isMarginCall).toBe(false);
      expect(row.id).toMatch(/^\d+$/);
    }
    const decline = rows.find((row) => row.status === 'Decline' && row.operationType === 'Sell')!;
    expect(decline).toMatchObject({ quantityExecuted: 0, payment: 0 });
    expect(decline).not.toHaveProperty('trades');
    expect(decline).not.toHaveProperty('commission');
    const payIn = rows.find((row) => row.operationType === 'PayIn')!;
    expect(payIn).not.toHaveProperty('figi');
    expect(payIn).not.toHaveProperty('instrumentType');
    for (const buy of rows.filter((row) => row.operationType === 'Buy' && row.status === 'Done' && row.commission)) {
      expect(rows.some((row) => row.operationType === 'BrokerCommission' && row.date === buy.date && row.figi === buy.figi)).toBe(true);
    }
    const fractions = new Set(rows.map((row) => /\.(\d+)\+/.exec(row.date)?.[1]?.length ?? 0));
    expect(fractions.has(0)).toBe(true);
    expect(fractions.has(6)).toBe(true);
  });

  it('filters operations by time window and figi', async () => {
    const all = await operations();
    const window = await operations({ from: '2021-05-01T00:00:00+03:00', to: '2021-06-01T00:00:00+03:00' });
    expect(window.length).toBeGreaterThan(0);
    expect(window.length).toBeLessThan(all.length);
    for (const row of window) expect(row.date.startsWith('2021-05')).toBe(true);
    const bond = await operations({ figi: 'BBG00HYXLFQ7' });
    expect(bond.length).toBeGreaterThan(0);
    for (const row of bond) expect(row.figi).toBe('BBG00HYXLFQ7');
  });

  it('validates the operations time window', async () => {
    expectError(await get('/operations', { to: everything.to }), 'VALIDATION_ERROR', '[from]: must not be null');
    expectError(await get('/operations', { from: '2021-01-01', to: everything.to }), 'VALIDATION_ERROR', /^\[from\]: /);
    // A "+" that was not percent-encoded arrives as a space.
    const raw = await fetch(`${base}/operations?from=2021-01-01T00:00:00+03:00&to=2022-01-01T00:00:00+03:00`, {
      headers: { authorization: `Bearer ${tinkoffV1SimulatorTokens.trading}` },
    });
    expect(raw.status).toBe(500);
    expect((await raw.json()).payload.code).toBe('VALIDATION_ERROR');
    expectError(await get('/operations', { from: everything.to, to: everything.from }), 'VALIDATION_ERROR', /^\[from\]: /);
  });

  it('counts requests per readable route name and answers injected faults like the real server', async () => {
    simulator.server.resetCounters();
    await get('/portfolio');
    await get('/portfolio');
    await post('/orders/cancel', { orderId: 'x' });
    expect(simulator.server.requestCount('GET /portfolio')).toBe(2);
    expect(simulator.server.requestCount('POST /orders/cancel')).toBe(1);

    simulator.server.injectFault({ route: 'GET /portfolio', fault: { kind: 'status', status: 500 }, times: 1 });
    expectError(await get('/portfolio'), 'INTERNAL_ERROR', 'INTERNAL_ERROR');
    simulator.server.injectFault({ route: 'GET /portfolio', fault: { kind: 'status', status: 503 }, times: 1 });
    const outage = await get('/portfolio');
    expect(outage.status).toBe(503);
    expect(outage.headers.get('content-type')).toBe('text/html');
    expect(outage.text).toContain('<center>nginx</center>');
    simulator.server.injectFault({ route: 'GET /portfolio', fault: { kind: 'status', status: 429 }, times: 1 });
    const limited = await get('/portfolio');
    expect(limited.status).toBe(429);
    expect(limited.text).toBe('');
    expect((await get('/portfolio')).status).toBe(200);
    expect((await get('/market/unknown')).status).toBe(404);
  });
});

describe('Tinkoff v1 simulator: rate limits', () => {
  let clock = Date.parse('2021-06-01T10:00:00Z');
  const limited = createTinkoffV1Simulator({ rateLimitsPerMinute: { portfolio: 3, cancel: 2 }, now: () => new Date(clock) });
  const unlimited = createTinkoffV1Simulator({ rateLimits: false, rateLimitsPerMinute: { portfolio: 1 } });

  beforeAll(async () => {
    await limited.server.start();
    await unlimited.server.start();
  });
  afterAll(async () => {
    await limited.server.stop();
    await unlimited.server.stop();
  });

  it('answers 429 with an empty body once a group’s per-minute budget is spent, per group', async () => {
    for (let index = 0; index < 3; index += 1) expect((await call(limited.baseUrl, '/portfolio/currencies')).status).toBe(200);
    const refused = await call(limited.baseUrl, '/portfolio');
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('');
    // /market is a different budget.
    expect((await call(limited.baseUrl, '/market/stocks')).status).toBe(200);
    clock += 61_000;
    expect((await call(limited.baseUrl, '/portfolio')).status).toBe(200);
  });

  it('limits cancels on their own (lower) budget', async () => {
    for (let index = 0; index < 2; index += 1) {
      expect((await call(limited.baseUrl, '/orders/cancel', { method: 'POST', query: { orderId: 'x' } })).status).toBe(500);
    }
    expect((await call(limited.baseUrl, '/orders/cancel', { method: 'POST', query: { orderId: 'x' } })).status).toBe(429);
  });

  it('does not limit when rate limits are off', async () => {
    for (let index = 0; index < 5; index += 1) expect((await call(unlimited.baseUrl, '/portfolio')).status).toBe(200);
  });
});

describe('Tinkoff v1 simulator: sandbox', () => {
  const simulator = createTinkoffV1Simulator();
  const sandbox = (path: string, init: Parameters<typeof call>[2] = {}) =>
    call(simulator.sandboxBaseUrl, path, { token: tinkoffV1SimulatorTokens.sandbox, ...init });

  beforeAll(async () => {
    await simulator.server.start();
  });
  afterAll(async () => {
    await simulator.server.stop();
  });

  it('requires /sandbox/register before any account call', async () => {
    const missing = 'Broker account not found for type=Tinkoff';
    expectError(await sandbox('/portfolio'), 'USER_ERROR', missing);
    expectError(await sandbox('/portfolio/currencies'), 'USER_ERROR', missing);
    expectError(await sandbox('/sandbox/clear', { method: 'POST' }), 'USER_ERROR', missing);
    expectError(await sandbox('/orders/market-order', { method: 'POST', query: { figi: 'BBG004730N88' }, body: { lots: 1, operation: 'Buy' } }), 'USER_ERROR', missing);
    expect((await sandbox('/user/accounts')).json.payload.accounts).toEqual([]);
    // Market data needs no account.
    expect((await sandbox('/market/stocks')).status).toBe(200);
  });

  it('trades in a registered sandbox account: instant fills, no commissions, no yields', async () => {
    const registered = await sandbox('/sandbox/register', { method: 'POST', body: { brokerAccountType: 'Tinkoff' } });
    expect(registered.status).toBe(200);
    const accountId = registered.json.payload.brokerAccountId as string;
    expect(registered.json.payload.brokerAccountType).toBe('Tinkoff');
    expect(accountId).toMatch(/^SB\d+$/);
    expect((await sandbox('/sandbox/register', { method: 'POST' })).json.payload.brokerAccountId).toBe(accountId);
    expect((await sandbox('/user/accounts')).json.payload.accounts).toEqual([{ brokerAccountType: 'Tinkoff', brokerAccountId: accountId }]);

    const funded = await sandbox('/sandbox/currencies/balance', { method: 'POST', body: { currency: 'RUB', balance: 10000 } });
    expect(funded.json.payload).toEqual({});
    const currencies = (await sandbox('/portfolio/currencies')).json.payload.currencies;
    expect(currencies).toContainEqual({ currency: 'RUB', balance: 10000 });

    // A limit order fills at once at its own price, even below the best ask.
    const limit = await sandbox('/orders/limit-order', { method: 'POST', query: { figi: 'BBG004730N88', brokerAccountId: accountId }, body: { lots: 1, operation: 'Buy', price: 250 } });
    expect(limit.json.payload).toMatchObject({ status: 'Fill', requestedLots: 1, executedLots: 1 });
    expect(limit.json.payload).not.toHaveProperty('commission');
    expect(limit.json.payload.orderId).toMatch(/^[0-9a-f-]{36}$/);
    // A market order is valued at 100 per unit.
    const market = await sandbox('/orders/market-order', { method: 'POST', query: { figi: 'BBG333333333' }, body: { lots: 3, operation: 'Buy' } });
    expect(market.json.payload).toMatchObject({ status: 'Fill', executedLots: 3 });
    const rub = (await sandbox('/portfolio/currencies')).json.payload.currencies.find((row: { currency: string }) => row.currency === 'RUB');
    expect(rub.balance).toBe(10000 - 2500 - 300);
    expect((await sandbox('/orders')).json.payload).toEqual([]);

    const positions = (await sandbox('/portfolio')).json.payload.positions as Array<Record<string, unknown>>;
    const sber = positions.find((position) => position['figi'] === 'BBG004730N88')!;
    expect(sber).toMatchObject({ balance: 10, blocked: 0, lots: 1 });
    for (const position of positions) {
      expect(position).not.toHaveProperty('expectedYield');
      expect(position).not.toHaveProperty('averagePositionPrice');
    }

    const rows = (await sandbox('/operations', { query: everything })).json.payload.operations as Array<Record<string, unknown>>;
    expect(rows.map((row) => row['operationType'])).toEqual(['Buy', 'Buy']);
    for (const row of rows) {
      expect(row).not.toHaveProperty('commission');
      expect(row).not.toHaveProperty('quantityExecuted');
    }
    expectError(
      await sandbox('/orders/market-order', { method: 'POST', query: { figi: 'BBG004730N88' }, body: { lots: 100, operation: 'Buy' } }),
      'NOT_ENOUGH_BALANCE',
      'Cannot process request, not enough balance on security=RUB',
    );
  });

  it('sets positions, clears and removes the account', async () => {
    const set = await sandbox('/sandbox/positions/balance', { method: 'POST', body: { figi: 'BBG000B9XRY4', balance: 5 } });
    expect(set.status).toBe(200);
    const apple = ((await sandbox('/portfolio')).json.payload.positions as Array<Record<string, unknown>>).find((position) => position['ticker'] === 'AAPL');
    expect(apple).toMatchObject({ balance: 5, lots: 5 });
    expectError(await sandbox('/sandbox/positions/balance', { method: 'POST', body: { figi: 'demo', balance: 10 } }), 'INSTRUMENT_ERROR', 'Cannot find security by id demo');
    expectError(await sandbox('/sandbox/currencies/balance', { method: 'POST', body: { currency: 'XYZ', balance: 1 } }), 'VALIDATION_ERROR', /^\[currency\]: /);

    expect((await sandbox('/sandbox/clear', { method: 'POST' })).status).toBe(200);
    expect((await sandbox('/portfolio')).json.payload.positions).toEqual([]);
    expect(
      ((await sandbox('/portfolio/currencies')).json.payload.currencies as Array<{ balance: number }>).every((row) => row.balance === 0),
    ).toBe(true);

    expect((await sandbox('/sandbox/remove', { method: 'POST' })).status).toBe(200);
    expectError(await sandbox('/portfolio'), 'USER_ERROR', 'Broker account not found for type=Tinkoff');
    expect(simulator.server.requestCount('sandbox GET /portfolio')).toBeGreaterThan(0);
    expect(simulator.server.requestCount('GET /portfolio')).toBe(0);
  });
});
