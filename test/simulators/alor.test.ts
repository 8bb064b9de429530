import Big from 'big.js';
import { isLosslessNumber, parse } from 'lossless-json';
import { afterEach, describe, expect, it } from 'vitest';
import {
  alorRouteNames,
  alorSimulatorRefreshTokens,
  createAlorSimulator,
  type AlorSimulator,
  type AlorSimulatorOptions,
} from '../../src/simulators/alor/server.js';

/**
 * The ALOR simulator over real loopback HTTP, as an adapter would meet it: refresh → JWT, Simple
 * bodies, X-REQID replay, stateful orders, limits. The simulator's clock is a variable here, so
 * token expiry and the per-second window are exact rather than timing-dependent.
 */

const running: AlorSimulator[] = [];
let clock = Date.parse('2025-03-14T10:30:00.000Z');

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.server.stop()));
  clock = Date.parse('2025-03-14T10:30:00.000Z');
});

async function start(options: AlorSimulatorOptions = {}) {
  const simulator = createAlorSimulator({ now: () => new Date(clock), ...options });
  await simulator.server.start();
  running.push(simulator);
  const token = await accessToken(simulator);
  const get = (path: string, bearer = token) => fetch(`${simulator.apiUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${simulator.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { simulator, token, get, send };
}

async function accessToken(simulator: AlorSimulator, token: string = alorSimulatorRefreshTokens.valid): Promise<string> {
  const response = await fetch(`${simulator.authUrl}/refresh?token=${token}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return ((await response.json()) as { AccessToken: string }).AccessToken;
}

function decodeSegment(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A body with every number kept as its exact decimal text. */
async function exact(response: Response): Promise<any> {
  return parse(await response.text());
}

const decimalOf = (value: unknown) => new Big(isLosslessNumber(value) ? value.value : String(value));

let requestNumber = 0;
const requestId = () => `test-${process.pid}-${++requestNumber}`;

const orderRoute = '/commandapi/warptrans/TRADE/v2/client/orders/actions';

function limitOrder(portfolio: string, symbol: string, side: 'buy' | 'sell', quantity: number, price: number | string) {
  const body = { side, quantity, price: 0, instrument: { symbol, exchange: 'MOEX' }, comment: 'тест', user: { portfolio }, timeInForce: 'oneday' };
  // Written by hand so a price like 24.355 goes out as exactly that text.
  return JSON.stringify(body).replace('"price":0', `"price":${price}`);
}

function marketOrder(portfolio: string, symbol: string, side: 'buy' | 'sell', quantity: number) {
  return { side, quantity, instrument: { symbol, exchange: 'MOEX', instrumentGroup: 'TQBR' }, user: { portfolio } };
}

const orderKeys = ['id', 'symbol', 'board', 'brokerSymbol', 'portfolio', 'exchange', 'comment', 'type', 'side', 'status', 'transTime', 'updateTime', 'endTime', 'qtyUnits', 'qtyBatch', 'qty', 'filledQtyUnits', 'filledQtyBatch', 'filled', 'price', 'existing', 'timeInForce', 'iceberg', 'volume'];
const positionKeys = ['volume', 'currentVolume', 'symbol', 'brokerSymbol', 'portfolio', 'exchange', 'avgPrice', 'qtyUnits', 'openUnits', 'lotSize', 'shortName', 'qtyT0', 'qtyT1', 'qtyT2', 'qtyTFuture', 'qtyT0Batch', 'qtyT1Batch', 'qtyT2Batch', 'qtyTFutureBatch', 'qtyBatch', 'openQtyBatch', 'qty', 'open', 'dailyUnrealisedPl', 'unrealisedPl', 'isCurrency', 'existing'];
const tradeKeys = ['id', 'orderno', 'comment', 'symbol', 'brokerSymbol', 'exchange', 'date', 'board', 'qtyUnits', 'qtyBatch', 'qty', 'price', 'accruedInt', 'side', 'existing', 'commission', 'repoSpecificFields', 'volume'];
const alorTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

describe('ALOR simulator: refresh and access tokens', () => {
  it('issues an ES256-shaped JWT with the client portfolios, scope and a 30-minute exp', async () => {
    const { simulator, token } = await start();
    expect(decodeSegment(token, 0)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const claims = decodeSegment(token, 1);
    expect(String(claims['portfolios']).split(' ')).toEqual(['D38291', 'G38291', '7502I8Y', 'D38292', 'G38292', '7502I8Z']);
    expect(claims).toMatchObject({ sub: 'P038291', ent: 'client', scope: 'OrdersRead OrdersCreate Trades Personal Stats', iat: clock / 1000 });
    expect(claims['exp']).toBe(clock / 1000 + 1800);
    expect(typeof claims['clientid']).toBe('string');
    expect(String(claims['agreements']).split(' ')).toHaveLength(2);
    expect(simulator.server.requestCount(alorRouteNames.refresh)).toBe(1);
  });

  it('reads the refresh token from a JSON body ({token} or {Token}) and lets the body win over the query', async () => {
    const { simulator } = await start();
    const refresh = (query: string, body: unknown) =>
      fetch(`${simulator.authUrl}/refresh${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await refresh('', { token: alorSimulatorRefreshTokens.valid })).status).toBe(200);
    expect((await refresh('', { Token: alorSimulatorRefreshTokens.valid })).status).toBe(200);
    expect((await refresh(`?token=${alorSimulatorRefreshTokens.revoked}`, { token: alorSimulatorRefreshTokens.valid })).status).toBe(200);
    expect((await refresh(`?token=${alorSimulatorRefreshTokens.valid}`, { token: alorSimulatorRefreshTokens.revoked })).status).toBe(403);
    expect(simulator.server.requestCount(alorRouteNames.refresh)).toBe(5);
  });

  it('refuses a revoked, unknown or missing refresh token with 403 and an empty body', async () => {
    const { simulator } = await start();
    for (const query of [`?token=${alorSimulatorRefreshTokens.revoked}`, '?token=not-a-token', '']) {
      const response = await fetch(`${simulator.authUrl}/refresh${query}`, { method: 'POST' });
      expect(response.status).toBe(403);
      expect(await response.text()).toBe('');
    }
    simulator.revokeRefreshToken(alorSimulatorRefreshTokens.valid);
    expect((await fetch(`${simulator.authUrl}/refresh?token=${alorSimulatorRefreshTokens.valid}`, { method: 'POST' })).status).toBe(403);
  });

  it('narrows the token to allowedPortfolios', async () => {
    const { simulator } = await start();
    const response = await fetch(`${simulator.authUrl}/refresh`, {
      method: 'POST',
      body: JSON.stringify({ token: alorSimulatorRefreshTokens.valid, allowedPortfolios: ['D38292'] }),
    });
    const { AccessToken } = (await response.json()) as { AccessToken: string };
    expect(decodeSegment(AccessToken, 1)['portfolios']).toBe('D38292');
    const headers = { authorization: `Bearer ${AccessToken}` };
    expect((await fetch(`${simulator.apiUrl}/md/v2/Clients/MOEX/D38292/positions`, { headers })).status).toBe(200);
    expect((await fetch(`${simulator.apiUrl}/md/v2/Clients/MOEX/D38291/positions`, { headers })).status).toBe(403);
  });

  it('answers 401 once the access token expires, and a fresh one works again', async () => {
    const { simulator, get } = await start({ accessTokenLifetimeSeconds: 5 });
    expect((await get('/md/v2/Clients/MOEX/D38291/summary')).status).toBe(200);
    clock += 4_999;
    expect((await get('/md/v2/Clients/MOEX/D38291/summary')).status).toBe(200);
    clock += 1;
    const expired = await get('/md/v2/Clients/MOEX/D38291/summary');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await expired.text()).toBe('');
    const renewed = await accessToken(simulator);
    expect((await get('/md/v2/Clients/MOEX/D38291/summary', renewed)).status).toBe(200);
  });

  it('answers 401 without a token, with a forged one, and with one from another simulator', async () => {
    const { simulator, token } = await start();
    const other = await start();
    const missing = await fetch(`${simulator.apiUrl}/md/v2/Clients/MOEX/D38291/orders`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('');
    const [header, , signature] = token.split('.');
    const claims = { ...decodeSegment(token, 1), exp: 4102444800 };
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await other.get('/md/v2/Clients/MOEX/D38291/orders', forged)).status).toBe(401);
    expect((await other.get('/md/v2/Clients/MOEX/D38291/orders', token)).status).toBe(401);
    expect((await other.get('/md/v2/Clients/MOEX/D38291/orders', 'abc')).status).toBe(401);
  });

  it('answers 403 for a portfolio the token does not list, on reads and on commands', async () => {
    const { get, send } = await start();
    expect((await get('/md/v2/Clients/MOEX/D99999/positions')).status).toBe(403);
    expect((await get('/md/v2/Stats/MOEX/D99999/history/trades')).status).toBe(403);
    const order = await send('POST', `${orderRoute}/market`, marketOrder('D99999', 'SBER', 'buy', 1), { 'X-REQID': requestId() });
    expect(order.status).toBe(403);
    const cancel = await send('DELETE', '/commandapi/warptrans/TRADE/v2/client/orders/41423837024?portfolio=D99999&exchange=MOEX&stop=false', undefined);
    expect(cancel.status).toBe(403);
  });
});

describe('ALOR simulator: portfolio reads', () => {
  it('summarises the portfolio consistently with its positions', async () => {
    const { get } = await start();
    const summary = await exact(await get('/md/v2/Clients/MOEX/D38291/summary'));
    expect(Object.keys(summary)).toEqual([
      'buyingPowerAtMorning', 'buyingPower', 'profit', 'profitRate', 'portfolioEvaluation', 'portfolioLiquidationValue',
      'initialMargin', 'correctedMargin', 'riskBeforeForcePositionClosing', 'commission', 'buyingPowerByCurrency',
    ]);
    const positions = await exact(await get('/md/v2/Clients/MOEX/D38291/positions'));
    const total = positions.reduce((sum: Big, row: any) => sum.plus(row.isCurrency ? decimalOf(row.qtyUnits) : decimalOf(row.currentVolume)), new Big(0));
    expect(decimalOf(summary.portfolioEvaluation).eq(total)).toBe(true);
    // Roubles minus what the working SBER buy (3 lots × 10 × 305.5) reserves.
    const roubles = positions.find((row: any) => row.symbol === 'RUB');
    expect(decimalOf(summary.buyingPower).eq(decimalOf(roubles.qtyUnits).minus('9165'))).toBe(true);
    expect(summary.buyingPowerByCurrency).toEqual([{ currency: 'RUB', buyingPower: summary.buyingPower }]);
    // Today's two seeded fills: 0.05 % of 12115 and of 6110.
    expect(decimalOf(summary.commission).toFixed()).toBe('9.1125');
  });

  it('lists positions with a roubles row, a closed position and exact decimals', async () => {
    const { get } = await start();
    const positions = await exact(await get('/md/v2/Clients/MOEX/D38291/positions'));
    for (const row of positions) expect(Object.keys(row)).toEqual(positionKeys);
    const money = positions.filter((row: any) => row.isCurrency === true);
    expect(money.map((row: any) => row.symbol)).toEqual(['RUB']);
    // 152340.77 at the open + 12115 − 6.0575 (SNGS sold) − 6110 − 3.055 (SBER bought).
    expect(decimalOf(money[0].qtyUnits).toFixed()).toBe('158336.6575');
    const closed = positions.find((row: any) => row.symbol === 'SNGS');
    expect(decimalOf(closed.qty).toFixed()).toBe('0');
    expect(decimalOf(closed.openUnits).toFixed()).toBe('500');
    const sber = positions.find((row: any) => row.symbol === 'SBER');
    expect(decimalOf(sber.qtyUnits).toFixed()).toBe('220');
    expect(decimalOf(sber.qty).toFixed()).toBe('22');
    expect(sber.brokerSymbol).toBe('MOEX:SBER');
    const bond = positions.find((row: any) => row.symbol === 'RU000A0ZYEB1');
    // A bond's price is % of its 1000 RUB face value: 15 × 100.15 % × 1000.
    expect(decimalOf(bond.currentVolume).toFixed()).toBe('15022.5');

    const withoutCurrency = (await (await get('/md/v2/Clients/MOEX/D38291/positions?withoutCurrency=true')).json()) as any[];
    expect(withoutCurrency.some((row) => row.isCurrency)).toBe(false);
    expect(withoutCurrency).toHaveLength(positions.length - 1);
    expect(await (await get('/md/v2/Clients/SPBX/D38291/positions')).json()).toEqual([]);
  });

  it('answers one position by symbol, and 404 with an empty body for one never held', async () => {
    const { get } = await start();
    const gazp = (await (await get('/md/v2/Clients/MOEX/D38292/positions/GAZP')).json()) as any;
    expect(gazp).toMatchObject({ symbol: 'GAZP', portfolio: 'D38292', qtyUnits: 100, qty: 10, isCurrency: false });
    const none = await get('/md/v2/Clients/MOEX/D38292/positions/SBER');
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('');
  });

  it("lists today's orders in every state with all Simple fields", async () => {
    const { get } = await start();
    const orders = (await (await get('/md/v2/Clients/MOEX/D38291/orders')).json()) as any[];
    for (const order of orders) {
      expect(Object.keys(order).sort()).toEqual([...orderKeys].sort());
      expect(typeof order.id).toBe('string');
      for (const field of ['transTime', 'updateTime', 'endTime']) expect(order[field]).toMatch(alorTimestamp);
      expect(order.endTime).toMatch(/T23:59:59\.9990000Z$/);
    }
    expect(orders.map((order) => order.status).sort()).toEqual(['canceled', 'filled', 'working', 'working']);
    const partial = orders.find((order) => order.id === '41423837024');
    expect(partial).toMatchObject({ status: 'working', qty: 5, qtyUnits: 50, filledQtyBatch: 2, filledQtyUnits: 20, filled: 2, price: 305.5, volume: 15275, board: 'TQBR' });
    const resting = orders.find((order) => order.id === '41423837102');
    expect(resting).toMatchObject({ status: 'working', side: 'sell', filledQtyBatch: 0, comment: 'Приказ на продажу' });
    const market = orders.find((order) => order.type === 'market');
    expect(market).toMatchObject({ status: 'filled', volume: null, iceberg: null });

    const one = (await (await get('/md/v2/Clients/MOEX/D38291/orders/41423837024')).json()) as any;
    expect(one).toEqual(partial);
    expect((await get('/md/v2/Clients/MOEX/D38291/orders/1')).status).toBe(404);
    // Another portfolio's order is not found either.
    expect((await get('/md/v2/Clients/MOEX/D38292/orders/41423837024')).status).toBe(404);
  });

  it("lists today's trades with commission, and per symbol", async () => {
    const { get } = await start();
    const trades = await exact(await get('/md/v2/Clients/MOEX/D38291/trades'));
    expect(trades).toHaveLength(2);
    for (const trade of trades) {
      expect(Object.keys(trade)).toEqual(tradeKeys);
      expect(trade.date).toMatch(alorTimestamp);
    }
    const sngs = trades.find((trade: any) => trade.symbol === 'SNGS');
    expect({ side: sngs.side, orderno: sngs.orderno, commission: sngs.commission.value, volume: sngs.volume.value }).toEqual({
      side: 'sell', orderno: '41423837001', commission: '6.0575', volume: '12115',
    });
    const sberOnly = (await (await get('/md/v2/Clients/MOEX/D38291/SBER/trades')).json()) as any[];
    expect(sberOnly.map((trade) => trade.orderno)).toEqual(['41423837024']);
  });

  it('treats Clients/clients, Stats/stats and TRADE/Trade segments case-insensitively', async () => {
    const { simulator, get, send } = await start();
    expect((await get('/md/v2/clients/MOEX/D38291/summary')).status).toBe(200);
    expect((await get('/md/v2/stats/MOEX/D38291/history/trades?limit=1')).status).toBe(200);
    const order = await send('POST', '/commandapi/warptrans/Trade/v2/client/orders/actions/market', marketOrder('D38291', 'GAZP', 'buy', 1), { 'X-REQID': requestId() });
    expect(order.status).toBe(200);
    expect(simulator.server.requestCount(alorRouteNames.summary)).toBe(1);
    expect(simulator.server.requestCount(alorRouteNames.historyTrades)).toBe(1);
    expect(simulator.server.requestCount(alorRouteNames.marketOrder)).toBe(1);
  });
});

describe('ALOR simulator: past-session trades', () => {
  it('pages more than 1000 rows with from = last id + 1', async () => {
    const { get } = await start();
    const first = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades')).json()) as any[];
    expect(first).toHaveLength(1000);
    for (const trade of first.slice(0, 5)) expect(Object.keys(trade)).toEqual(tradeKeys);
    const ids = first.map((trade) => BigInt(trade.id));
    expect(ids.every((id, index) => index === 0 || id > ids[index - 1]!)).toBe(true);
    const next = ids.at(-1)! + 1n;
    const second = (await (await get(`/md/v2/Stats/MOEX/D38291/history/trades?from=${next}&limit=1000`)).json()) as any[];
    expect(second).toHaveLength(240);
    expect(new Set([...first, ...second].map((trade) => trade.id)).size).toBe(1240);
    // `from` is inclusive: starting at an existing id returns that trade first.
    const fromExisting = (await (await get(`/md/v2/Stats/MOEX/D38291/history/trades?from=${first[10].id}&limit=3`)).json()) as any[];
    expect(fromExisting.map((trade) => trade.id)).toEqual(first.slice(10, 13).map((trade) => trade.id));
    // Today's trades are not history.
    expect(first.concat(second).some((trade) => trade.orderno === '41423837024')).toBe(false);
  });

  it('filters by dateFrom, ticker (or ISIN), side and symbol, and sorts descending', async () => {
    const { get } = await start();
    const december = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades?dateFrom=2024-12-02&limit=1000')).json()) as any[];
    expect(december.length).toBeGreaterThan(0);
    expect(december.every((trade) => trade.date >= '2024-12-02T00:00:00.0000000Z')).toBe(true);
    const byIsin = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades?ticker=RU0009029540&limit=50')).json()) as any[];
    expect(byIsin).toHaveLength(50);
    expect(byIsin.every((trade) => trade.symbol === 'SBER')).toBe(true);
    const bySymbolPath = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades/GAZP?side=sell&limit=20')).json()) as any[];
    expect(bySymbolPath.every((trade) => trade.symbol === 'GAZP' && trade.side === 'sell')).toBe(true);
    const newest = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades?descending=true&limit=3')).json()) as any[];
    expect(BigInt(newest[0].id)).toBeGreaterThan(BigInt(newest[1].id));
    const before = (await (await get(`/md/v2/Stats/MOEX/D38291/history/trades?descending=true&limit=2&from=${BigInt(newest[2].id) - 1n}`)).json()) as any[];
    expect(BigInt(before[0].id)).toBeLessThan(BigInt(newest[2].id));
    const bond = (await (await get('/md/v2/Stats/MOEX/D38291/history/trades?ticker=RU000A0ZYEB1&limit=1')).json()) as any[];
    expect(bond[0].accruedInt).toBeGreaterThan(0);
    expect((await get('/md/v2/Stats/MOEX/D38291/history/trades?limit=1001')).status).toBe(400);
    expect((await (await get('/md/v2/Stats/MOEX/D38292/history/trades')).json()) as any[]).toHaveLength(25);
    expect((await get('/md/stats/MOEX/D38291/history/trades?limit=5')).status).toBe(200);
  });
});

describe('ALOR simulator: instruments and market data', () => {
  it('describes a security with exact steps, and 404s an unknown one', async () => {
    const { get } = await start();
    const response = await get('/md/v2/Securities/MOEX/SNGS');
    const text = await response.text();
    expect(text).toContain('"minstep":0.005');
    expect(JSON.parse(text)).toMatchObject({ symbol: 'SNGS', lotsize: 100, currency: 'RUB', ISIN: 'RU0008926258', board: 'TQBR', tradingStatus: 17, shortname: 'Сургнфгз' });
    const bond = (await (await get('/md/v2/Securities/MOEX/RU000A0ZYEB1')).json()) as any;
    expect(bond).toMatchObject({ minstep: 0.01, pricestep: 0.1, facevalue: 1000, type: 'CORP', yield: 14.87 });
    const unknown = await get('/md/v2/Securities/MOEX/NOPE');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('');
  });

  it('quotes several exchange:symbol pairs in one call', async () => {
    const { get } = await start();
    const quotes = (await (await get('/md/v2/Securities/MOEX:SBER,MOEX:GAZP,MOEX:NOPE/quotes')).json()) as any[];
    expect(quotes.map((quote) => quote.symbol)).toEqual(['SBER', 'GAZP']);
    expect(quotes[0]).toMatchObject({ exchange: 'MOEX', last_price: 306.45, prev_close_price: 304.12, lotsize: 10, bid: 306.45, ask: 306.46, change: 2.33 });
    expect(quotes[0].last_price_timestamp).toBe(clock / 1000);
  });

  it('serves orderbooks of depth 1..50 (default 20), best levels first', async () => {
    const { get } = await start();
    const book = (await (await get('/md/v2/orderbooks/MOEX/SNGS')).json()) as any;
    expect(book.bids).toHaveLength(20);
    expect(book.asks).toHaveLength(20);
    expect(book).toMatchObject({ snapshot: true, existing: true, timestamp: clock / 1000, ms_timestamp: clock });
    expect(book.bids[0].price).toBe(24.355);
    expect(book.asks[0].price).toBe(24.36);
    for (let index = 1; index < 20; index += 1) {
      expect(book.bids[index].price).toBeLessThan(book.bids[index - 1].price);
      expect(book.asks[index].price).toBeGreaterThan(book.asks[index - 1].price);
      expect(Number.isInteger(book.bids[index].volume)).toBe(true);
    }
    expect(((await (await get('/md/v2/orderbooks/MOEX/SBER?depth=50')).json()) as any).asks).toHaveLength(50);
    expect(((await (await get('/md/v2/orderbooks/MOEX/SBER?depth=1')).json()) as any).bids).toHaveLength(1);
    expect((await get('/md/v2/orderbooks/MOEX/SBER?depth=0')).status).toBe(400);
    expect((await get('/md/v2/orderbooks/MOEX/SBER?depth=51')).status).toBe(400);
    expect((await get('/md/v2/orderbooks/MOEX/NOPE')).status).toBe(404);
  });
});

describe('ALOR simulator: order commands', () => {
  it('fills a market order: trade with commission, position and roubles move by exact amounts', async () => {
    const { get, send } = await start();
    const cashBefore = decimalOf((await exact(await get('/md/v2/Clients/MOEX/D38291/positions/RUB'))).qtyUnits);
    const response = await send('POST', `${orderRoute}/market`, marketOrder('D38291', 'SNGS', 'buy', 3), { 'X-REQID': requestId() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { message: string; orderNumber: string };
    expect(body.message).toBe('success');
    expect(typeof body.orderNumber).toBe('string');

    const order = (await (await get(`/md/v2/Clients/MOEX/D38291/orders/${body.orderNumber}`)).json()) as any;
    expect(order).toMatchObject({ status: 'filled', type: 'market', qty: 3, qtyUnits: 300, filledQtyBatch: 3, filledQtyUnits: 300, volume: null });
    const trades = await exact(await get('/md/v2/Clients/MOEX/D38291/trades'));
    const trade = trades.find((row: any) => row.orderno === body.orderNumber);
    // 300 units at the ask 24.36 = 7308, fee 0.05 % = 3.654.
    expect([trade.price.value, trade.volume.value, trade.commission.value, trade.side]).toEqual(['24.36', '7308', '3.654', 'buy']);
    const position = await exact(await get('/md/v2/Clients/MOEX/D38291/positions/SNGS'));
    expect(decimalOf(position.qtyUnits).toFixed()).toBe('300');
    const cashAfter = decimalOf((await exact(await get('/md/v2/Clients/MOEX/D38291/positions/RUB'))).qtyUnits);
    expect(cashBefore.minus(cashAfter).toFixed()).toBe('7311.654');
  });

  it('rests a limit order below the market as working, then cancels it with text/plain success', async () => {
    const { simulator, get, send } = await start();
    const placed = await send('POST', `${orderRoute}/limit`, limitOrder('D38291', 'SNGS', 'buy', 2, '24.005'), { 'X-REQID': requestId() });
    expect(placed.status).toBe(200);
    const { orderNumber } = (await placed.json()) as { orderNumber: string };
    const order = await exact(await get(`/md/v2/Clients/MOEX/D38291/orders/${orderNumber}`));
    expect([order.status, order.filledQtyBatch.value, order.price.value, order.volume.value, order.comment]).toEqual(['working', '0', '24.005', '4801', 'тест']);

    const path = `/commandapi/warptrans/TRADE/v2/client/orders/${orderNumber}?portfolio=D38291&exchange=MOEX&stop=false`;
    const cancel = await send('DELETE', path, undefined);
    expect(cancel.status).toBe(200);
    expect(cancel.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await cancel.text()).toBe('success');
    expect(((await (await get(`/md/v2/Clients/MOEX/D38291/orders/${orderNumber}`)).json()) as any).status).toBe('canceled');

    const again = await send('DELETE', path, undefined);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ code: 'OrderToCancelNotFound (404)', message: 'Order to cancel not found' });
    const unknown = await send('DELETE', '/commandapi/warptrans/TRADE/v2/client/orders/123?portfolio=D38291&exchange=MOEX&stop=false', undefined);
    expect(unknown.status).toBe(400);
    expect(simulator.server.requestCount(alorRouteNames.cancelOrder)).toBe(3);
  });

  it('fills a marketable limit order at the best price, not its limit', async () => {
    const { get, send } = await start();
    const response = await send('POST', `${orderRoute}/limit`, limitOrder('D38291', 'SBER', 'buy', 1, 307), { 'X-REQID': requestId() });
    const { orderNumber } = (await response.json()) as { orderNumber: string };
    const order = (await (await get(`/md/v2/Clients/MOEX/D38291/orders/${orderNumber}`)).json()) as any;
    expect(order).toMatchObject({ status: 'filled', price: 307, filledQtyBatch: 1 });
    const trades = (await (await get('/md/v2/Clients/MOEX/D38291/trades')).json()) as any[];
    expect(trades.find((trade) => trade.orderno === orderNumber)).toMatchObject({ price: 306.46, qtyUnits: 10, volume: 3064.6 });
  });

  it('replays a repeated X-REQID (or X-ALOR-REQID) with the first answer and places nothing twice', async () => {
    const { simulator, get, send } = await start();
    const countOrders = async () => ((await (await get('/md/v2/Clients/MOEX/D38291/orders')).json()) as any[]).length;
    const before = await countOrders();
    for (const header of ['X-REQID', 'X-ALOR-REQID']) {
      const id = requestId();
      const first = await send('POST', `${orderRoute}/market`, marketOrder('D38291', 'GAZP', 'buy', 1), { [header]: id });
      expect(first.status).toBe(200);
      const { orderNumber } = (await first.json()) as { orderNumber: string };
      const repeat = await send('POST', `${orderRoute}/market`, marketOrder('D38291', 'GAZP', 'buy', 1), { [header]: id });
      expect(repeat.status).toBe(400);
      expect(await repeat.json()).toEqual({
        message: 'Request with such X-ALOR-REQID was already handled. We return the response to that request.',
        oldResponse: { statusCode: 200, body: { message: 'success', orderNumber } },
      });
    }
    expect(await countOrders()).toBe(before + 2);
    expect(simulator.server.requestCount(alorRouteNames.marketOrder)).toBe(4);
  });

  it('replays a rejection too, and refuses a command without any request id', async () => {
    const { get, send } = await start();
    const id = requestId();
    const first = await send('POST', `${orderRoute}/limit`, limitOrder('D38291', 'SBER', 'buy', 1, 400), { 'X-REQID': id });
    expect(first.status).toBe(400);
    const repeat = (await (await send('POST', `${orderRoute}/limit`, limitOrder('D38291', 'SBER', 'buy', 1, 306), { 'X-REQID': id })).json()) as any;
    expect(repeat.oldResponse).toEqual({ statusCode: 400, body: { code: 'InternalErrorWithPrices (409)', message: 'Цена заявки за пределами лимита' } });

    const before = ((await (await get('/md/v2/Clients/MOEX/D38291/orders')).json()) as any[]).length;
    const missing = await send('POST', `${orderRoute}/market`, marketOrder('D38291', 'SBER', 'buy', 1));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).message).toMatch(/X-REQID/);
    expect(((await (await get('/md/v2/Clients/MOEX/D38291/orders')).json()) as any[]).length).toBe(before);
  });

  it("rejects with ALOR's codes: no money, no units, price limits, price step, quantity, halted trading, bad body", async () => {
    const { simulator, send } = await start();
    const rejection = async (path: string, body: unknown) => {
      const response = await send('POST', `${orderRoute}/${path}`, body, { 'X-REQID': requestId() });
      expect(response.status).toBe(400);
      return response.json();
    };
    // D38292 has 4890.1 RUB, 2410 of it reserved by its SNGS buy; one SBER lot costs 3064.6.
    expect(await rejection('market', marketOrder('D38292', 'SBER', 'buy', 1))).toEqual({
      code: 'OrderCreatesUncoveredRisk (400)', message: 'Заявка приводит к отрицательной позиции по немаржинальной валюте',
    });
    // 300 GAZP held, 30 reserved by the working sell.
    expect(await rejection('market', marketOrder('D38291', 'GAZP', 'sell', 28))).toEqual({
      code: 'OrderCreatesUncoveredRisk (400)', message: 'Заявка приводит к отрицательной позиции по инструменту, который недоступен в маржу',
    });
    expect(await rejection('limit', limitOrder('D38291', 'SBER', 'buy', 1, 337.1))).toEqual({ code: 'InternalErrorWithPrices (409)', message: 'Цена заявки за пределами лимита' });
    expect(await rejection('limit', limitOrder('D38291', 'SNGS', 'buy', 1, '24.353'))).toMatchObject({ code: 'InternalErrorWithPrices (409)', message: expect.stringMatching(/шаг/) });
    expect(await rejection('market', marketOrder('D38291', 'SBER', 'buy', 0))).toMatchObject({ code: 'ExchangeIncorrectQuantity (304)' });
    expect(await rejection('market', '{"side":"buy",')).toEqual({ message: "Provided json can't be properly deserialised, perhaps you made an error or forgot some field" });
    expect(await rejection('limit', marketOrder('D38291', 'SBER', 'buy', 1))).toMatchObject({ message: expect.stringMatching(/deserialised/) });
    simulator.state.tradingOpen = false;
    expect(await rejection('market', marketOrder('D38291', 'SBER', 'buy', 1))).toMatchObject({ code: 'ExchangeTradingIsStopped (306)' });
  });

  it('replaces a working limit order with a new number (PUT), cancelling the old one', async () => {
    const { get, send } = await start();
    const response = await send('PUT', `${orderRoute}/limit/41423837102`, limitOrder('D38291', 'GAZP', 'sell', 3, 134.5), { 'X-REQID': requestId() });
    expect(response.status).toBe(200);
    const { orderNumber } = (await response.json()) as { orderNumber: string };
    expect(orderNumber).not.toBe('41423837102');
    expect(((await (await get('/md/v2/Clients/MOEX/D38291/orders/41423837102')).json()) as any).status).toBe('canceled');
    expect(((await (await get(`/md/v2/Clients/MOEX/D38291/orders/${orderNumber}`)).json()) as any)).toMatchObject({ status: 'working', price: 134.5 });
    const stale = await send('PUT', `${orderRoute}/limit/41423837102`, limitOrder('D38291', 'GAZP', 'sell', 3, 134), { 'X-REQID': requestId() });
    expect(await stale.json()).toMatchObject({ code: 'OrderToModifyNotFound (403)' });
  });
});

describe('ALOR simulator: limits and switches', () => {
  it('answers 429 with an empty body past 100 requests in a second, per user', async () => {
    const { get } = await start();
    const statuses = await Promise.all(Array.from({ length: 101 }, () => get('/md/v2/Clients/MOEX/D38291/summary').then((response) => response.status)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
    const refused = await get('/md/v2/Clients/MOEX/D38291/orders');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toBe('');
    clock += 1000;
    expect((await get('/md/v2/Clients/MOEX/D38291/orders')).status).toBe(200);
  });

  it('does not limit when rateLimits is off', async () => {
    const { get } = await start({ rateLimits: false });
    const statuses = await Promise.all(Array.from({ length: 150 }, () => get('/md/v2/Clients/MOEX/D38291/summary').then((response) => response.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('counts requests per route and injects faults with empty ALOR-style error bodies', async () => {
    const { simulator, get } = await start();
    simulator.server.injectFault({ route: alorRouteNames.positions, fault: { kind: 'status', status: 500 }, times: 1 });
    const failed = await get('/md/v2/Clients/MOEX/D38291/positions');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('');
    expect((await get('/md/v2/Clients/MOEX/D38291/positions')).status).toBe(200);
    expect(simulator.server.requestCount(alorRouteNames.positions)).toBe(2);
    expect((await get('/md/v2/Nothing/here')).status).toBe(404);
    expect(simulator.server.requestCount('unmatched')).toBe(1);
  });

  it('serves the server time anonymously', async () => {
    const { simulator } = await start();
    expect(await (await fetch(`${simulator.apiUrl}/md/v2/time`)).json()).toBe(clock / 1000);
  });
});
