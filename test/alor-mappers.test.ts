import { describe, expect, it } from 'vitest';
import { readAccessToken, refreshMarginSeconds } from '../src/brokers/alor/access-token.js';
import { alorTime } from '../src/brokers/alor/alor-time.js';
import { exactQuotient, pricePerUnit } from '../src/brokers/alor/exact-price.js';
import { alorExchange, alorPortfolio } from '../src/brokers/alor/identifiers.js';
import { alorAddressOfKey, alorInstrumentAddress } from '../src/brokers/alor/instrument-ref.js';
import { mapAlorOrderStatus, mapAlorOrderType, mapAlorPortfolioType, mapAlorSide } from '../src/brokers/alor/map-alor-enums.js';
import { alorErrorCodeName, mapAlorError, readAlorErrorBody } from '../src/brokers/alor/map-alor-error.js';
import { mapAlorSecurity } from '../src/brokers/alor/map-alor-instrument.js';
import { mapAlorInstrumentType } from '../src/brokers/alor/map-alor-instrument-type.js';
import { mapAlorTrade } from '../src/brokers/alor/map-alor-operation.js';
import { mapAlorOrder } from '../src/brokers/alor/map-alor-order.js';
import { mapAlorOrderbook } from '../src/brokers/alor/map-alor-orderbook.js';
import { mapAlorPortfolio, mapAlorPosition } from '../src/brokers/alor/map-alor-portfolio.js';
import { alorRequestId, orderCommandBody } from '../src/brokers/alor/order-command.js';
import {
  orderSchema,
  orderbookResponseSchema,
  positionsResponseSchema,
  securitySchema,
  summaryResponseSchema,
  tradeSchema,
} from '../src/brokers/alor/wire.js';
import { parseJsonExact } from '../src/brokers/json.js';
import type { UpstreamResponse } from '../src/brokers/http.js';

/** Reads a body the way the adapter does: exact numbers, then the wire schema. */
function wire<Schema extends { parse(value: unknown): unknown }>(schema: Schema, text: string): ReturnType<Schema['parse']> {
  return schema.parse(parseJsonExact(text)) as ReturnType<Schema['parse']>;
}

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'ES256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

// The security bodies of ALOR's documentation (a share composed from the SPEC fields, SPEC's CNY future).
const sberSecurity =
  '{"symbol":"SBER","shortname":"Сбербанк","description":"Сбербанк России ПАО ао","exchange":"MOEX","market":"FOND","type":"CS","lotsize":10.0,"facevalue":3,"cfiCode":"ESXXXX","minstep":0.01,"pricestep":0.01,"currency":"RUB","ISIN":"RU0009029540","board":"TQBR","tradingStatus":17}';
const futureSecurity =
  '{"symbol":"CNY-6.25","shortname":"CRM5","description":"CRM5","exchange":"MOEX","market":"FORTS","type":"Фьючерсный контракт CNY-6.25","lotsize":1,"facevalue":1000,"cfiCode":"FFXCSX","minstep":0.001,"pricestep":1,"currency":"RUB","ISIN":null}';
const bondSecurity =
  '{"symbol":"RU000A0ZYEB1","shortname":"ТрансФин1P4","exchange":"MOEX","type":"CORP","lotsize":1,"cfiCode":"DBXXXX","minstep":0.01,"pricestep":0.1,"currency":"RUB"}';

describe('ALOR access tokens', () => {
  it('reads the portfolios claim and refreshes a 30-minute token five minutes early', () => {
    const token = readAccessToken(jwt({ sub: 'P038291', portfolios: 'D38291 G38291 7502I8Y', iat: 1_700_000_000, exp: 1_700_001_800 }), 10_000);
    expect(token?.portfolios).toEqual(['D38291', 'G38291', '7502I8Y']);
    expect(token?.refreshAt).toBe(10_000 + 25 * 60_000);
  });

  it('scales the margin down for short lifetimes, so a 6-second token is used for 5 seconds', () => {
    expect(refreshMarginSeconds(1800)).toBe(300);
    expect(refreshMarginSeconds(3600)).toBe(300);
    expect(refreshMarginSeconds(6)).toBe(1);
    expect(refreshMarginSeconds(-5)).toBe(0);
    expect(readAccessToken(jwt({ portfolios: 'D1', iat: 10, exp: 16 }), 10_000)?.refreshAt).toBe(15_000);
  });

  it('uses exp on the local clock when the clocks agree, even with iat truncated to the second', () => {
    // Received 900 ms into second 100: the token has 1.1 s left, not the 2 s that exp − iat says.
    expect(readAccessToken(jwt({ portfolios: 'D1', iat: 100, exp: 102 }), 100_900)?.refreshAt).toBeCloseTo(102_000 - 2000 / 6, 6);
  });

  it('takes the earlier of the two readings when the clocks disagree', () => {
    const receivedAt = Date.UTC(2024, 0, 1, 10, 0, 0);
    const local = receivedAt / 1000;
    // ALOR's clock an hour ahead: exp alone would look valid for 90 minutes; the lifetime says 30.
    expect(readAccessToken(jwt({ portfolios: 'D1', iat: local + 3600, exp: local + 5400 }), receivedAt)?.refreshAt).toBe(receivedAt + 25 * 60_000);
    // ALOR's clock ten minutes behind: exp comes 20 minutes from now on ours — earlier than needed, never late.
    expect(readAccessToken(jwt({ portfolios: 'D1', iat: local - 600, exp: local + 1200 }), receivedAt)?.refreshAt).toBe(receivedAt + 15 * 60_000);
    // ALOR's clock two hours behind: exp has "passed" on ours; trusting it would refresh on every request.
    expect(readAccessToken(jwt({ portfolios: 'D1', iat: local - 7200, exp: local - 5400 }), receivedAt)?.refreshAt).toBe(receivedAt + 25 * 60_000);
  });

  it('falls back to exp alone, then to the documented 30 minutes', () => {
    expect(readAccessToken(jwt({ portfolios: 'D1', exp: 1000 }), 400_000)?.refreshAt).toBe(1_000_000 - 100_000);
    expect(readAccessToken(jwt({ portfolios: 'D1' }), 0)?.refreshAt).toBe(25 * 60_000);
  });

  it('refuses what is not a readable JWT', () => {
    expect(readAccessToken('not-a-jwt', 0)).toBeUndefined();
    expect(readAccessToken('a.!!!.c', 0)).toBeUndefined();
    expect(readAccessToken(`a.${Buffer.from('[1,2]').toString('base64url')}.c`, 0)).toBeUndefined();
    expect(readAccessToken(jwt({ portfolios: 'D1', exp: 'tomorrow' }), 0)).toBeUndefined();
  });
});

describe('ALOR instruments', () => {
  it('maps a security with exact steps, its lot size and its type', () => {
    expect(mapAlorSecurity(wire(securitySchema, sberSecurity))).toEqual({
      info: {
        key: 'MOEX:SBER',
        ticker: 'SBER',
        figi: null,
        exchange: 'MOEX',
        name: 'Сбербанк России ПАО ао',
        type: 'share',
        currency: 'RUB',
        lotSize: 10,
        minPriceIncrement: '0.01',
      },
      priceStep: '0.01',
      priceStepValue: '0.01',
    });
    const future = mapAlorSecurity(wire(securitySchema, futureSecurity));
    expect(future.info).toMatchObject({ key: 'MOEX:CNY-6.25', type: 'future', minPriceIncrement: '0.001', lotSize: 1 });
  });

  it.each([
    ['CS', 'ESXXXX', 'share'],
    ['PS', null, 'share'],
    ['RDR', null, 'share'],
    ['EUSOV', null, 'bond'],
    ['CORP', 'DBXXXX', 'bond'],
    ['MF', null, 'etf'],
    ['FOR', null, 'currency'],
    ['Фьючерсный контракт Si-6.25', 'FFXCSX', 'future'],
    ['Марж. амер. Call 100000 SI', 'OCAFPS', 'option'],
    ['t', 'ESVUFR', 'share'],
    ['t', null, null],
    ['NEWKIND', null, 'NEWKIND'],
    [null, null, null],
  ])('maps type %s (CFI %s) to %s', (type, cfiCode, expected) => {
    expect(mapAlorInstrumentType(type, cfiCode)).toBe(expected);
  });

  it('resolves { id }, { symbol, exchange } and { symbol } with the connection exchange, and refuses { figi }', () => {
    const [moex, spbx] = [alorExchange.parse('MOEX', 'exchange'), alorExchange.parse('SPBX', 'exchange')];
    expect(alorInstrumentAddress({ key: 'MOEX:SBER' }, moex, 'alor')).toEqual({ exchange: 'MOEX', symbol: 'SBER' });
    expect(alorInstrumentAddress({ key: 'SPBX:AAPL' }, moex, 'alor')).toEqual({ exchange: 'SPBX', symbol: 'AAPL' });
    expect(alorInstrumentAddress({ symbol: 'CNY-6.25', exchange: 'moex' }, spbx, 'alor')).toEqual({ exchange: 'MOEX', symbol: 'CNY-6.25' });
    expect(alorInstrumentAddress({ symbol: 'SBER' }, moex, 'alor')).toEqual({ exchange: 'MOEX', symbol: 'SBER' });
    expect(() => alorInstrumentAddress({ figi: 'BBG004730N88' }, moex, 'alor')).toThrow(/\{ symbol, exchange \}.*"alor:MOEX:SBER"/);
    expect(() => alorInstrumentAddress({ symbol: 'SBER', exchange: 'TQBR' }, moex, 'alor')).toThrow(/MOEX, SPBX/);
  });
});

describe('ALOR portfolio', () => {
  const positions = `[
    {"volume":549.198,"currentVolume":555.24,"symbol":"APTK","brokerSymbol":"MOEX:APTK","exchange":"MOEX","avgPrice":9.1533,
     "qtyUnits":60,"lotSize":10,"shortName":"Аптеки36и6","qtyBatch":6,"qty":6,"unrealisedPl":7.962,"isCurrency":false},
    {"volume":0,"currentVolume":0,"symbol":"SNGS","exchange":"MOEX","avgPrice":0,"qtyUnits":0,"qtyBatch":0,"unrealisedPl":0,"isCurrency":false},
    {"volume":0,"currentVolume":0,"symbol":"RUB","brokerSymbol":"MOEX:RUB","exchange":"MOEX","avgPrice":0,"qtyUnits":25614.89,
     "qtyBatch":25614.89,"unrealisedPl":0,"isCurrency":true},
    {"symbol":"USD","exchange":"MOEX","qtyUnits":1E+2,"isCurrency":true},
    {"symbol":"RUB","exchange":"MOEX","qtyUnits":0.11,"isCurrency":true}
  ]`;
  const aptk = mapAlorSecurity(wire(securitySchema, '{"symbol":"APTK","exchange":"MOEX","type":"CS","lotsize":10,"minstep":0.001,"pricestep":0.001,"currency":"RUB"}'));

  it('turns money rows into cash per currency, drops closed positions, and keeps every amount exact', () => {
    const portfolio = mapAlorPortfolio(
      wire(positionsResponseSchema, positions),
      wire(summaryResponseSchema, '{"buyingPower":452404,"portfolioEvaluation":651717.1,"portfolioLiquidationValue":651717.10}').portfolioLiquidationValue,
      'MOEX',
      new Map([['MOEX:APTK', aptk]]),
      '2024-01-01T00:00:00.000Z',
    );
    expect(portfolio.cash).toEqual([
      { amount: '25615', currency: 'RUB' },
      { amount: '100', currency: 'USD' },
    ]);
    expect(portfolio.valuation).toEqual({ amount: '651717.1', currency: 'RUB' });
    expect(portfolio.positions).toEqual([
      {
        instrument: aptk.info,
        quantity: '60',
        lots: '6',
        averagePrice: { amount: '9.1533', currency: 'RUB' },
        currentPrice: { amount: '9.254', currency: 'RUB' },
        expectedYield: { amount: '7.962', currency: 'RUB' },
        marketValue: { amount: '555.24', currency: 'RUB' },
      },
    ]);
  });

  it('prices a bond in % of face value like its average price, and leaves out a price that is not exact', () => {
    const bond = mapAlorSecurity(wire(securitySchema, bondSecurity));
    const [row] = wire(positionsResponseSchema, '[{"symbol":"RU000A0ZYEB1","exchange":"MOEX","avgPrice":98.76,"qtyUnits":15,"qtyBatch":15,"currentVolume":15022.5,"unrealisedPl":208.5}]');
    expect(mapAlorPosition(row!, 'MOEX', bond).currentPrice).toEqual({ amount: '100.15', currency: 'RUB' });
    const [odd] = wire(positionsResponseSchema, '[{"symbol":"APTK","exchange":"MOEX","avgPrice":9,"qtyUnits":3,"currentVolume":10}]');
    expect(mapAlorPosition(odd!, 'MOEX', aptk).currentPrice).toBeNull();
  });

  it('falls back to the exchange currency and the row itself for a security ALOR no longer knows', () => {
    const [row] = wire(positionsResponseSchema, '[{"symbol":"OLD","exchange":"MOEX","avgPrice":0,"qtyUnits":5,"qtyBatch":5,"currentVolume":50}]');
    expect(mapAlorPosition(row!, 'MOEX', null)).toEqual({
      instrument: { key: 'MOEX:OLD', ticker: 'OLD', exchange: 'MOEX' },
      quantity: '5',
      lots: '5',
      averagePrice: null,
      currentPrice: null,
      expectedYield: null,
      marketValue: { amount: '50', currency: 'RUB' },
    });
  });

  it('divides exactly or not at all', () => {
    expect(exactQuotient('555.24', '60')).toBe('9.254');
    expect(exactQuotient('10', '3')).toBeNull();
    expect(exactQuotient('10', '0')).toBeNull();
    expect(pricePerUnit('12177.5', '500', '0.005', '0.005')).toBe('24.355');
  });
});

describe('ALOR orders and enums', () => {
  const order =
    '{"id":"41423837024","symbol":"GAZP","board":"TQBR","brokerSymbol":"MOEX:GAZP","portfolio":"D00013","exchange":"MOEX","comment":"Приказ на продажу","type":"limit","side":"buy","status":"working","transTime":"2023-12-11T07:02:48.1234567Z","qtyUnits":10,"qtyBatch":1,"qty":1,"filledQtyUnits":0,"filledQtyBatch":0,"filled":0,"price":161.15,"timeInForce":"oneday","volume":1611.5}';

  it('maps a working order with exact price and ALOR times as ISO-8601', () => {
    expect(mapAlorOrder(wire(orderSchema, order), 'alor')).toEqual({
      id: '41423837024',
      instrument: { key: 'MOEX:GAZP', ticker: 'GAZP', exchange: 'MOEX' },
      side: 'BUY',
      type: 'LIMIT',
      status: 'NEW',
      price: '161.15',
      requestedLots: '1',
      executedLots: '0',
      averageFillPrice: null,
      createdAt: '2023-12-11T07:02:48.123Z',
      // The comment of a live order is the client's own note, not a broker message.
      message: null,
    });
  });

  it('gives a market order no price, and a rejected order its reason', () => {
    const market = wire(orderSchema, order.replace('"limit"', '"market"').replace('"working"', '"filled"').replace('"filledQtyBatch":0', '"filledQtyBatch":1'));
    expect(mapAlorOrder(market, 'alor')).toMatchObject({ type: 'MARKET', status: 'FILLED', price: null, executedLots: '1' });
    const rejected = wire(orderSchema, order.replace('"working"', '"rejected"').replace('Приказ на продажу', 'Цена заявки за пределами лимита'));
    expect(mapAlorOrder(rejected, 'alor')).toMatchObject({ status: 'REJECTED', message: 'Цена заявки за пределами лимита' });
    expect(() => mapAlorOrder(wire(orderSchema, order.replace('"buy"', '"hold"')), 'alor')).toThrow(/no side/);
  });

  it('maps statuses, sides and types; unknown values never throw', () => {
    expect(mapAlorOrderStatus('working', '0')).toBe('NEW');
    expect(mapAlorOrderStatus('working', '2')).toBe('PARTIALLY_FILLED');
    expect(mapAlorOrderStatus('filled', '5')).toBe('FILLED');
    expect(mapAlorOrderStatus('canceled', '0')).toBe('CANCELLED');
    expect(mapAlorOrderStatus('rejected', '0')).toBe('REJECTED');
    expect(mapAlorOrderStatus('suspended', '0')).toBe('UNKNOWN');
    expect(mapAlorSide('SELL')).toBe('SELL');
    expect(mapAlorSide('')).toBeNull();
    expect(mapAlorOrderType('stoplimit', '10.5')).toBe('LIMIT');
    expect(mapAlorOrderType('', '0')).toBe('MARKET');
  });

  it('types portfolios by their prefix', () => {
    expect(['D39004', 'G39004', '7500GHC', 'E12345', 'X1'].map(mapAlorPortfolioType)).toEqual(['SECURITIES', 'FX', 'DERIVATIVES', 'UNITED', null]);
  });

  it('reads times with 7 fractional digits, without a zone, and refuses garbage', () => {
    expect(alorTime('2023-12-11T07:02:48.0000000Z')).toBe('2023-12-11T07:02:48.000Z');
    expect(alorTime('2050-01-01T00:00:00.0000000')).toBe('2050-01-01T00:00:00.000Z');
    expect(alorTime('yesterday')).toBeNull();
    expect(alorTime(null)).toBeNull();
  });
});

describe('ALOR orderbook and trades', () => {
  it('maps the Simple book: volumes are lots, the time is ms_timestamp', () => {
    const book = wire(
      orderbookResponseSchema,
      '{"snapshot":true,"bids":[{"price":281.98,"volume":36},{"price":281.97,"volume":5}],"asks":[{"price":281.99,"volume":11}],"timestamp":1701105939,"ms_timestamp":1701105939395,"existing":true}',
    );
    expect(mapAlorOrderbook(book, { exchange: 'MOEX', symbol: 'SBER' }, 1, 'fallback')).toEqual({
      instrument: { key: 'MOEX:SBER', ticker: 'SBER', exchange: 'MOEX' },
      bids: [{ price: '281.98', quantity: '36' }],
      asks: [{ price: '281.99', quantity: '11' }],
      lastPrice: null,
      asOf: '2023-11-27T17:25:39.395Z',
    });
    expect(mapAlorOrderbook(wire(orderbookResponseSchema, '{"bids":null,"asks":[]}'), { exchange: 'MOEX', symbol: 'SBER' }, 5, 'now').asOf).toBe('now');
  });

  const trade =
    '{"id":"9055212111","orderno":"41129409599","comment":null,"symbol":"APTK","brokerSymbol":"MOEX:APTK","exchange":"MOEX","date":"2023-11-28T07:52:36.0000000Z","board":"TQBR","qtyUnits":10,"qtyBatch":1,"qty":1,"price":13.492,"accruedInt":0,"side":"buy","existing":false,"commission":0.10746,"repoSpecificFields":null,"volume":134.92}';

  it('maps a buy as money out, with the fee as a separate negative commission', () => {
    expect(mapAlorTrade(wire(tradeSchema, trade), 'RUB')).toEqual({
      id: '9055212111',
      type: 'BUY',
      brokerType: 'trade:buy',
      status: 'DONE',
      date: '2023-11-28T07:52:36.000Z',
      instrument: { key: 'MOEX:APTK', ticker: 'APTK', exchange: 'MOEX' },
      quantity: '10',
      price: '13.492',
      payment: { amount: '-134.92', currency: 'RUB' },
      commission: { amount: '-0.10746', currency: 'RUB' },
    });
  });

  it('adds accrued interest to a bond sale, and leaves an unnamed instrument out', () => {
    const sale = wire(tradeSchema, trade.replace('"buy"', '"sell"').replace('"accruedInt":0', '"accruedInt":185.55').replace('"commission":0.10746', '"commission":0'));
    expect(mapAlorTrade(sale, 'RUB')).toMatchObject({ type: 'SELL', payment: { amount: '320.47' }, commission: null });
    expect(mapAlorTrade(wire(tradeSchema, trade.replace('"APTK"', '"[N/A]"')), 'RUB').instrument).toBeNull();
  });
});

describe('ALOR order commands', () => {
  it('writes the price from its decimal text, never through a float', () => {
    const body = orderCommandBody({
      portfolio: alorPortfolio.parse('D38291', 'accountId'),
      instrument: alorAddressOfKey('MOEX:SBER', alorExchange.parse('MOEX', 'exchange'), 'alor'),
      side: 'BUY',
      type: 'LIMIT',
      lots: 3,
      price: '9007199254740993.000000000000000001',
    });
    expect(body).toBe(
      '{"side":"buy","quantity":3,"price":9007199254740993.000000000000000001,"instrument":{"symbol":"SBER","exchange":"MOEX"},"user":{"portfolio":"D38291"},"timeInForce":"oneday"}',
    );
  });

  it('sends no price for a market order, and allowMargin only for derivatives portfolios', () => {
    const portfolio = alorPortfolio.parse('7502I8Y', 'accountId');
    const instrument = alorAddressOfKey('MOEX:SiM5', alorExchange.parse('MOEX', 'exchange'), 'alor');
    const market = JSON.parse(orderCommandBody({ portfolio, instrument, side: 'SELL', type: 'MARKET', lots: 1, price: null }));
    expect(market).toEqual({ side: 'sell', quantity: 1, instrument: { symbol: 'SiM5', exchange: 'MOEX' }, user: { portfolio: '7502I8Y' }, timeInForce: 'oneday', allowMargin: true });
  });

  it('derives the same X-REQID from the same idempotency key, and different ones otherwise', () => {
    expect(alorRequestId('token:alor:D38291:key-1')).toBe(alorRequestId('token:alor:D38291:key-1'));
    expect(alorRequestId('token:alor:D38291:key-1')).not.toBe(alorRequestId('token:alor:D38291:key-2'));
    expect(alorRequestId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('ALOR errors', () => {
  const response = (status: number, text = '', headers: Record<string, string> = {}): UpstreamResponse => ({ status, headers, text });
  const context = { connection: 'alor', subject: 'security MOEX:NOPE' };

  it.each([
    [400, 'UPSTREAM_REJECTED', false],
    [401, 'UPSTREAM_AUTH', false],
    [403, 'UPSTREAM_AUTH', false],
    [404, 'NOT_FOUND', false],
    [408, 'UPSTREAM_TIMEOUT', true],
    [429, 'RATE_LIMITED', true],
    [500, 'UPSTREAM_UNAVAILABLE', true],
    [502, 'UPSTREAM_UNAVAILABLE', true],
    [504, 'UPSTREAM_TIMEOUT', true],
  ])('maps HTTP %i to %s', (status, code, retryable) => {
    const error = mapAlorError(response(status), context);
    expect(error).toMatchObject({ code, retryable, connection: 'alor', status });
  });

  it("keeps ALOR's refusal message and code name", () => {
    const error = mapAlorError(response(400, '{"code":"OrderCreatesUncoveredRisk (400)","message":"Заявка приводит к отрицательной позиции по немаржинальной валюте"}'), context);
    expect(error.message).toBe('ALOR refused: Заявка приводит к отрицательной позиции по немаржинальной валюте (OrderCreatesUncoveredRisk)');
    expect(mapAlorError(response(404), context).message).toBe('ALOR does not know security MOEX:NOPE');
  });

  it('treats an exchange timeout inside a 400 as UPSTREAM_TIMEOUT, not a refusal', () => {
    expect(mapAlorError(response(400, '{"code":"CommandResponseTimeout (900)","message":"Timeout"}'), context).code).toBe('UPSTREAM_TIMEOUT');
    expect(mapAlorError(response(400, '{"code":"900","message":"Timeout"}'), context).code).toBe('UPSTREAM_TIMEOUT');
  });

  it('reads Retry-After when ALOR sends one', () => {
    expect(mapAlorError(response(429, '', { 'retry-after': '2' }), context)).toMatchObject({ retryAfterSeconds: 2 });
    // The HTTP-date form too: about 30 s from now.
    const date = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = mapAlorError(response(429, '', { 'retry-after': date }), context).retryAfterSeconds!;
    expect(fromDate).toBeGreaterThanOrEqual(28);
    expect(fromDate).toBeLessThanOrEqual(31);
    expect(mapAlorError(response(429, ''), context).retryAfterSeconds).toBeUndefined();
  });

  it('reads error bodies of every shape ALOR sends', () => {
    expect(readAlorErrorBody('"Provided json can\'t be properly deserialised"')).toEqual({ code: '', message: "Provided json can't be properly deserialised" });
    expect(readAlorErrorBody('<html>Bad gateway</html>')).toEqual({ code: '', message: 'no reason given' });
    expect(readAlorErrorBody('{"code":404,"message":null}')).toEqual({ code: '404', message: 'no reason given' });
    expect(alorErrorCodeName('OrderToCancelNotFound (404)')).toBe('OrderToCancelNotFound');
  });
});
