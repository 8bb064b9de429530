import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseJsonExact } from '../src/brokers/json.js';
import {
  mapTinkoffV1AccountType,
  mapTinkoffV1InstrumentType,
  mapTinkoffV1OperationStatus,
  mapTinkoffV1OrderStatus,
  mapTinkoffV1OrderType,
} from '../src/brokers/tinkoff-v1/map-tinkoff-v1-enums.js';
import { isTinkoffV1BrokerFailure, mapTinkoffV1ErrorPayload, mapTinkoffV1HttpError } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-error.js';
import { mapTinkoffV1Instrument, tinkoffV1InstrumentHint } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-instrument.js';
import { mapTinkoffV1Operation } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-operation.js';
import { mapTinkoffV1OperationType } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-operation-type.js';
import { mapTinkoffV1Order, mapTinkoffV1PlacedOrder } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-order.js';
import { mapTinkoffV1Orderbook } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-orderbook.js';
import { mapTinkoffV1Portfolio } from '../src/brokers/tinkoff-v1/map-tinkoff-v1-portfolio.js';
import { limitOrderBody, marketOrderBody } from '../src/brokers/tinkoff-v1/order-request-body.js';
import {
  currenciesPayloadSchema,
  instrumentSchema,
  operationSchema,
  orderbookPayloadSchema,
  orderSchema,
  placedOrderSchema,
  portfolioPayloadSchema,
} from '../src/brokers/tinkoff-v1/wire.js';
import type { InstrumentInfo } from '../src/domain.js';

/** Reads a v1 payload the way the client does: exact numbers, then the wire schema. */
function read<Schema extends z.ZodType>(schema: Schema, text: string): z.output<Schema> {
  return schema.parse(parseJsonExact(text));
}

describe('instrument', () => {
  it('maps /market/search/by-figi, naming the instrument by FIGI', () => {
    const instrument = read(
      instrumentSchema,
      '{"figi":"BBG004S68758","ticker":"BANE","isin":"RU0007976957","minPriceIncrement":5E-1,"lot":1,"currency":"RUB","name":"Башнефть","type":"Stock"}',
    );
    expect(mapTinkoffV1Instrument(instrument)).toEqual({
      key: 'BBG004S68758',
      ticker: 'BANE',
      figi: 'BBG004S68758',
      exchange: null,
      name: 'Башнефть',
      type: 'share',
      currency: 'RUB',
      lotSize: 1,
      minPriceIncrement: '0.5',
    });
  });

  it('keeps a currency pair without isin, and a price step finer than a float shows', () => {
    const instrument = read(
      instrumentSchema,
      '{"figi":"BBG0013HGFT4","ticker":"USD000UTSTOM","minPriceIncrement":0.0025,"lot":1000,"currency":"RUB","name":"Доллар США","type":"Currency"}',
    );
    expect(mapTinkoffV1Instrument(instrument)).toMatchObject({ type: 'currency', lotSize: 1000, minPriceIncrement: '0.0025' });
  });

  it('leaves what v1 did not send as null', () => {
    const instrument = read(instrumentSchema, '{"figi":"BBG000000001","ticker":"NEW","lot":1,"name":"","type":"Futures"}');
    expect(mapTinkoffV1Instrument(instrument)).toMatchObject({ name: null, currency: null, minPriceIncrement: null, type: 'futures' });
  });

  it('builds hints that already answer exchange (v1 never knows one)', () => {
    expect(tinkoffV1InstrumentHint({ figi: 'BBG004730N88', ticker: 'SBER', name: 'Сбербанк России', instrumentType: 'Stock' })).toEqual({
      key: 'BBG004730N88',
      figi: 'BBG004730N88',
      exchange: null,
      ticker: 'SBER',
      name: 'Сбербанк России',
      type: 'share',
    });
    expect(tinkoffV1InstrumentHint({ figi: 'BBG004730N88' })).toEqual({ key: 'BBG004730N88', figi: 'BBG004730N88', exchange: null });
  });
});

describe('portfolio', () => {
  const positions = `{"positions":[
    {"figi":"BBG004S68829","ticker":"TATNP","isin":"RU0006944147","instrumentType":"Stock","balance":40,"lots":40,
     "expectedYield":{"currency":"RUB","value":512.4},"averagePositionPrice":{"currency":"RUB","value":701.3},"name":"Татнефть - привилегированные акции"},
    {"figi":"BBG00HYXLFQ7","ticker":"RU000A0ZYEB1","isin":"RU000A0ZYEB1","instrumentType":"Bond","balance":10,"blocked":2,"lots":10,
     "expectedYield":{"currency":"RUB","value":-35.1},"averagePositionPrice":{"currency":"RUB","value":1024.8},
     "averagePositionPriceNoNkd":{"currency":"RUB","value":1001.5},"name":"ТрансФин-М 001Р выпуск 4"},
    {"figi":"BBG333333333","ticker":"TMOS","instrumentType":"Etf","balance":1.4E+3,"lots":1.4E+3,"name":"Тинькофф iMOEX"},
    {"figi":"BBG0013HGFT4","ticker":"USD000UTSTOM","instrumentType":"Currency","balance":250.37,"lots":0,
     "expectedYield":{"currency":"RUB","value":-112.6},"averagePositionPrice":{"currency":"RUB","value":74.1325},"name":"Доллар США"}]}`;
  const currencies =
    '{"currencies":[{"currency":"EUR","balance":0},{"currency":"RUB","balance":15230.55},{"currency":"USD","balance":250.37,"blocked":100.5}]}';

  const portfolio = mapTinkoffV1Portfolio(
    read(portfolioPayloadSchema, positions).positions,
    read(currenciesPayloadSchema, currencies).currencies,
    '2021-03-15T08:00:00.000Z',
  );

  it('counts currency holdings once: as cash, not also as a Currency position', () => {
    expect(portfolio.positions.map((position) => position.instrument.ticker)).toEqual(['TATNP', 'RU000A0ZYEB1', 'TMOS']);
    // The 250.37 dollars appear in both answers; they are in cash exactly once.
    expect(portfolio.cash).toEqual([
      { amount: '0', currency: 'EUR' },
      { amount: '15230.55', currency: 'RUB' },
      { amount: '250.37', currency: 'USD' },
    ]);
  });

  it('takes the currency balance as the total: blocked is a part of it, not an addition', () => {
    expect(portfolio.cash.find((money) => money.currency === 'USD')?.amount).toBe('250.37');
  });

  it('keeps quantity in units (balance includes blocked units), lots as sent', () => {
    expect(portfolio.positions[1]).toMatchObject({ quantity: '10', lots: '10' });
    expect(portfolio.positions[2]).toMatchObject({ quantity: '1400', lots: '1400' });
  });

  it('maps average price and unrealised P&L, and leaves current price and value to the gateway', () => {
    expect(portfolio.positions[0]).toEqual({
      instrument: { key: 'BBG004S68829', figi: 'BBG004S68829', exchange: null, ticker: 'TATNP', name: 'Татнефть - привилегированные акции', type: 'share' },
      quantity: '40',
      lots: '40',
      averagePrice: { amount: '701.3', currency: 'RUB' },
      // v1 reports no current price; the gateway fills both from the last price when asked.
      currentPrice: null,
      expectedYield: { amount: '512.4', currency: 'RUB' },
      marketValue: null,
    });
    // For bonds the average price v1 reports includes accrued interest (averagePositionPriceNoNkd does not).
    expect(portfolio.positions[1]!.averagePrice).toEqual({ amount: '1024.8', currency: 'RUB' });
    expect(portfolio.positions[1]!.expectedYield).toEqual({ amount: '-35.1', currency: 'RUB' });
  });

  it('leaves price fields null where v1 computes none (the sandbox)', () => {
    expect(portfolio.positions[2]).toMatchObject({ averagePrice: null, expectedYield: null });
    expect(portfolio.valuation).toBeNull();
    expect(portfolio.asOf).toBe('2021-03-15T08:00:00.000Z');
  });

  it('sums a currency listed twice into one row', () => {
    const doubled = mapTinkoffV1Portfolio(
      [],
      read(currenciesPayloadSchema, '{"currencies":[{"currency":"RUB","balance":0.1},{"currency":"rub","balance":0.2}]}').currencies,
      '2021-03-15T08:00:00.000Z',
    );
    expect(doubled.cash).toEqual([{ amount: '0.3', currency: 'RUB' }]);
  });
});

describe('orderbook', () => {
  it('reads exponent and trailing-zero prices exactly and trims to the depth asked', () => {
    const book = read(
      orderbookPayloadSchema,
      `{"figi":"BBG000BPL8G3","depth":3,"tradeStatus":"NormalTrading","minPriceIncrement":0.01,"lastPrice":58.31,"closePrice":58.2,
        "bids":[{"price":6.0E+1,"quantity":412},{"price":58.29,"quantity":95},{"price":58.27,"quantity":10}],
        "asks":[{"price":60.0,"quantity":301},{"price":60.01,"quantity":18}]}`,
    );
    expect(mapTinkoffV1Orderbook(book, 2, '2021-03-15T08:00:00.000Z')).toEqual({
      instrument: { key: 'BBG000BPL8G3', figi: 'BBG000BPL8G3', exchange: null },
      bids: [
        { price: '60', quantity: '412' },
        { price: '58.29', quantity: '95' },
      ],
      asks: [
        { price: '60', quantity: '301' },
        { price: '60.01', quantity: '18' },
      ],
      lastPrice: '58.31',
      asOf: '2021-03-15T08:00:00.000Z',
    });
  });

  it('maps a closed market (no sides, no last price)', () => {
    const book = read(orderbookPayloadSchema, '{"figi":"BBG000BVPV84","depth":5,"tradeStatus":"NotAvailableForTrading","minPriceIncrement":0.01,"bids":[],"asks":[]}');
    expect(mapTinkoffV1Orderbook(book, 5, '2021-03-15T08:00:00.000Z')).toMatchObject({ bids: [], asks: [], lastPrice: null });
  });
});

describe('orders', () => {
  it('maps an active order from the bare /orders array', () => {
    const order = read(
      orderSchema,
      '{"orderId":"22901351102","figi":"BBG004730N88","operation":"Sell","status":"PartiallyFill","requestedLots":5,"executedLots":2,"type":"Limit","price":271.2}',
    );
    expect(mapTinkoffV1Order(order, 'tinkoff-legacy')).toEqual({
      id: '22901351102',
      instrument: { key: 'BBG004730N88', figi: 'BBG004730N88', exchange: null },
      side: 'SELL',
      type: 'LIMIT',
      status: 'PARTIALLY_FILLED',
      price: '271.2',
      requestedLots: '5',
      executedLots: '2',
      // A v1 order does not say at what price it filled.
      averageFillPrice: null,
      createdAt: null,
      message: null,
    });
  });

  it('gives a market order no limit price', () => {
    const order = read(
      orderSchema,
      '{"orderId":"1","figi":"BBG004730N88","operation":"Buy","status":"New","requestedLots":1,"executedLots":0,"type":"Market","price":291.88}',
    );
    expect(mapTinkoffV1Order(order, 'tinkoff-legacy')).toMatchObject({ type: 'MARKET', price: null });
  });

  it('refuses an order without a side instead of guessing one', () => {
    const order = read(
      orderSchema,
      '{"orderId":"1","figi":"BBG004730N88","operation":"Short","status":"New","requestedLots":1,"executedLots":0,"type":"Limit","price":1}',
    );
    expect(() => mapTinkoffV1Order(order, 'tinkoff-legacy')).toThrow(/no side \(Short\)/);
  });

  const sber: InstrumentInfo = {
    key: 'BBG004730N88',
    ticker: 'SBER',
    figi: 'BBG004730N88',
    exchange: null,
    name: 'Сбербанк России',
    type: 'share',
    currency: 'RUB',
    lotSize: 10,
    minPriceIncrement: '0.01',
  };

  it('maps a placed order, taking instrument, type and price from the request', () => {
    const placed = read(placedOrderSchema, '{"orderId":"22901344857","operation":"Buy","status":"New","requestedLots":3,"executedLots":0}');
    const request = { brokerAccountId: '2054816137', instrument: sber, side: 'BUY', type: 'LIMIT', lots: 3, price: '270.05', idempotencyKey: 'k' } as const;
    expect(mapTinkoffV1PlacedOrder(placed, request)).toEqual({
      id: '22901344857',
      instrument: sber,
      side: 'BUY',
      type: 'LIMIT',
      status: 'NEW',
      price: '270.05',
      requestedLots: '3',
      executedLots: '0',
      averageFillPrice: null,
      createdAt: null,
      message: null,
    });
  });

  it('keeps the exchange message of a rejected placement', () => {
    const placed = read(
      placedOrderSchema,
      '{"orderId":"9","operation":"Buy","status":"Rejected","rejectReason":"Unknown","message":"Цена вне лимитов по инструменту","requestedLots":1,"executedLots":0}',
    );
    const request = { brokerAccountId: '2054816137', instrument: sber, side: 'BUY', type: 'MARKET', lots: 1, price: null, idempotencyKey: 'k' } as const;
    expect(mapTinkoffV1PlacedOrder(placed, request)).toMatchObject({ status: 'REJECTED', message: 'Цена вне лимитов по инструменту', price: null });
  });
});

describe('operations', () => {
  const operation = (text: string) => mapTinkoffV1Operation(read(operationSchema, text));

  it('maps a trade with its fee, in units, with a negative commission', () => {
    expect(
      operation(`{"operationType":"Buy","date":"2021-03-15T11:02:10.514+03:00","isMarginCall":false,"instrumentType":"Stock","figi":"BBG004730N88",
        "quantity":30,"quantityExecuted":30,"price":266.5,"payment":-7995,"currency":"RUB","commission":{"currency":"RUB","value":-2.4},
        "trades":[{"tradeId":"3712450918","date":"2021-03-15T11:02:10.514+03:00","quantity":30,"price":266.5}],"status":"Done","id":"22990413577"}`),
    ).toEqual({
      id: '22990413577',
      type: 'BUY',
      brokerType: 'Buy',
      status: 'DONE',
      date: '2021-03-15T11:02:10.514+03:00',
      instrument: { key: 'BBG004730N88', figi: 'BBG004730N88', exchange: null, type: 'share' },
      quantity: '30',
      price: '266.5',
      // The fee is not in the payment: v1 books it again as its own BrokerCommission row.
      payment: { amount: '-7995', currency: 'RUB' },
      commission: { amount: '-2.4', currency: 'RUB' },
    });
  });

  it('maps a BrokerCommission row to a COMMISSION operation that moved no instruments', () => {
    expect(
      operation(`{"operationType":"BrokerCommission","date":"2021-03-15T11:02:10.514+03:00","isMarginCall":false,"instrumentType":"Stock",
        "figi":"BBG004730N88","quantity":0,"quantityExecuted":0,"payment":-2.4,"currency":"RUB","status":"Done","id":"901234567"}`),
    ).toMatchObject({ type: 'COMMISSION', brokerType: 'BrokerCommission', quantity: null, payment: { amount: '-2.4', currency: 'RUB' }, commission: null });
  });

  it('maps a declined order: DECLINED, nothing paid, the asked quantity kept', () => {
    expect(
      operation(`{"operationType":"Sell","date":"2021-03-12T16:20:44.1+03:00","isMarginCall":false,"instrumentType":"Stock","figi":"BBG000BPL8G3",
        "quantity":1,"quantityExecuted":0,"price":1.5E+2,"payment":0,"currency":"USD","status":"Decline","id":"205118732204"}`),
    ).toMatchObject({ type: 'SELL', status: 'DECLINED', quantity: '1', price: '150', payment: { amount: '0', currency: 'USD' } });
  });

  it('maps a resting order as IN_PROGRESS with what has executed so far', () => {
    expect(
      operation(`{"operationType":"Sell","date":"2021-03-12T16:20:44+03:00","isMarginCall":false,"instrumentType":"Etf","figi":"BBG333333333",
        "quantity":500,"quantityExecuted":120,"price":7,"payment":840,"currency":"RUB","status":"Progress","id":"23541088902"}`),
    ).toMatchObject({ status: 'IN_PROGRESS', quantity: '120', payment: { amount: '840' }, instrument: { type: 'etf' } });
  });

  it('reads exponent payments exactly and gives cash operations no instrument', () => {
    expect(
      operation('{"operationType":"PayIn","date":"2021-03-14T18:40:02+03:00","isMarginCall":false,"payment":1E+4,"currency":"RUB","status":"Done","id":"900877120"}'),
    ).toMatchObject({ type: 'DEPOSIT', instrument: null, quantity: null, price: null, payment: { amount: '10000', currency: 'RUB' } });
    expect(
      operation('{"operationType":"PayOut","date":"2021-03-10T14:20:00+03:00","isMarginCall":false,"payment":-5E+3,"currency":"RUB","status":"Done","id":"1"}'),
    ).toMatchObject({ type: 'WITHDRAWAL', payment: { amount: '-5000' } });
  });

  it('keeps an unknown type as OTHER with its raw name, and an unknown status as UNKNOWN', () => {
    expect(
      operation('{"operationType":"MarginCall","date":"2021-03-10T14:20:00+03:00","isMarginCall":true,"payment":-1,"currency":"RUB","status":"Frozen","id":"2"}'),
    ).toMatchObject({ type: 'OTHER', brokerType: 'MarginCall', status: 'UNKNOWN' });
    expect(operation('{"date":"2021-03-10T14:20:00+03:00","isMarginCall":false,"payment":0,"currency":"RUB","status":"Done","id":"3"}')).toMatchObject({
      type: 'OTHER',
      brokerType: '',
    });
  });
});

describe('enum lookups never crash on unknown values', () => {
  it.each([
    ['Buy', 'BUY'],
    ['BuyCard', 'BUY'],
    ['Sell', 'SELL'],
    ['BrokerCommission', 'COMMISSION'],
    ['ExchangeCommission', 'COMMISSION'],
    ['ServiceCommission', 'COMMISSION'],
    ['MarginCommission', 'COMMISSION'],
    ['OtherCommission', 'COMMISSION'],
    ['PayIn', 'DEPOSIT'],
    ['PayOut', 'WITHDRAWAL'],
    ['Tax', 'TAX'],
    ['TaxLucre', 'TAX'],
    ['TaxDividend', 'TAX'],
    ['TaxCoupon', 'TAX'],
    ['TaxBack', 'TAX'],
    ['Repayment', 'REPAYMENT'],
    ['PartRepayment', 'REPAYMENT'],
    ['Coupon', 'COUPON'],
    ['Dividend', 'DIVIDEND'],
    ['SecurityIn', 'SECURITY_IN'],
    ['SecurityOut', 'SECURITY_OUT'],
    ['Overnight', 'OTHER'],
    ['toString', 'OTHER'],
  ])('operation type %s → %s', (type, expected) => {
    expect(mapTinkoffV1OperationType(type)).toBe(expected);
  });

  it.each([
    ['New', 'NEW'],
    ['PartiallyFill', 'PARTIALLY_FILLED'],
    ['Fill', 'FILLED'],
    ['Cancelled', 'CANCELLED'],
    ['Rejected', 'REJECTED'],
    ['PendingNew', 'PENDING'],
    ['PendingCancel', 'PENDING'],
    ['PendingReplace', 'PENDING'],
    ['Replaced', 'UNKNOWN'],
    ['Expired', 'UNKNOWN'],
  ])('order status %s → %s', (status, expected) => {
    expect(mapTinkoffV1OrderStatus(status)).toBe(expected);
  });

  it('maps operation statuses, account types, order types and instrument types', () => {
    expect(mapTinkoffV1OperationStatus('Done')).toBe('DONE');
    expect(mapTinkoffV1OperationStatus('Decline')).toBe('DECLINED');
    expect(mapTinkoffV1OperationStatus('Progress')).toBe('IN_PROGRESS');
    expect(mapTinkoffV1OperationStatus('Whatever')).toBe('UNKNOWN');
    expect(mapTinkoffV1AccountType('Tinkoff')).toBe('BROKERAGE');
    expect(mapTinkoffV1AccountType('TinkoffIis')).toBe('IIS');
    expect(mapTinkoffV1AccountType('InvestBox')).toBe('InvestBox');
    expect(mapTinkoffV1OrderType('Limit', false)).toBe('LIMIT');
    expect(mapTinkoffV1OrderType('Iceberg', true)).toBe('LIMIT');
    expect(mapTinkoffV1OrderType('Iceberg', false)).toBe('MARKET');
    expect(mapTinkoffV1InstrumentType('Etf')).toBe('etf');
    expect(mapTinkoffV1InstrumentType(undefined)).toBeNull();
  });
});

describe('order request bodies', () => {
  it('writes the limit price into the JSON as its exact decimal text', () => {
    expect(limitOrderBody(1, 'BUY', '270.05')).toBe('{"lots":1,"operation":"Buy","price":270.05}');
    // 20 significant digits: a float would have rounded this.
    expect(limitOrderBody(2, 'SELL', '12345678901234567.89')).toBe('{"lots":2,"operation":"Sell","price":12345678901234567.89}');
    expect(limitOrderBody(1, 'BUY', '6.7020')).toBe('{"lots":1,"operation":"Buy","price":6.702}');
    expect(JSON.parse(limitOrderBody(3, 'BUY', '0.0025'))).toEqual({ lots: 3, operation: 'Buy', price: 0.0025 });
  });

  it('writes a market order without a price', () => {
    expect(marketOrderBody(5, 'SELL')).toBe('{"lots":5,"operation":"Sell"}');
  });

  it('refuses anything that is not a plain decimal or a whole number of lots', () => {
    expect(() => limitOrderBody(1, 'BUY', '1,"price":2')).toThrow(/plain decimal/);
    expect(() => limitOrderBody(1, 'BUY', '1E+2')).toThrow(/plain decimal/);
    expect(() => marketOrderBody(1.5, 'BUY')).toThrow(/whole number/);
  });
});

describe('error mapping', () => {
  const context = { connection: 'tinkoff-legacy', status: 500 };

  it.each([
    ['NOT_ENOUGH_BALANCE', 'Cannot process request, not enough balance on security=USD', 'UPSTREAM_REJECTED'],
    ['ORDER_ERROR', 'Cannot find order by id 22901344857', 'NOT_FOUND'],
    ['ORDER_ERROR', 'Ошибка отмены поручения', 'UPSTREAM_REJECTED'],
    ['VALIDATION_ERROR', '[price]: 1.0 has invalid scale, minPriceIncrement=0.095834', 'BAD_USER_INPUT'],
    ['VALIDATION_ERROR', '[figi]: Instrument not found by figi=XXX', 'NOT_FOUND'],
    ['GATEWAY_REQUEST_DATA_ERROR', 'Unknown account', 'NOT_FOUND'],
    ['GATEWAY_REQUEST_DATA_ERROR', 'Invalid token scopes', 'UPSTREAM_AUTH'],
    ['GATEWAY_REQUEST_DATA_ERROR', 'Something else', 'UPSTREAM_REJECTED'],
    ['REQUEST_DATA_ERROR', 'Invalid account', 'NOT_FOUND'],
    ['NOT_FOUND', 'Cannot find market instrument by figi', 'NOT_FOUND'],
    ['INTERNAL_ERROR', 'INTERNAL_ERROR', 'UPSTREAM_UNAVAILABLE'],
    ['USER_ERROR', 'Broker account not found for type=Tinkoff', 'NOT_FOUND'],
    ['INSTRUMENT_ERROR', 'Cannot find security by id demo', 'NOT_FOUND'],
    ['SOMETHING_NEW', 'Новая ошибка', 'UPSTREAM_REJECTED'],
  ])('%s "%s" → %s', (code, message, expected) => {
    const error = mapTinkoffV1ErrorPayload({ code, message }, context);
    expect(error.code).toBe(expected);
    expect(error.connection).toBe('tinkoff-legacy');
    expect(error.status).toBe(500);
    // The broker's own words survive, except where they would only confuse (auth).
    if (expected !== 'UPSTREAM_AUTH') expect(error.message).toContain(message);
  });

  it('makes only INTERNAL_ERROR retryable, and keeps an unknown code in the message', () => {
    expect(mapTinkoffV1ErrorPayload({ code: 'INTERNAL_ERROR', message: 'INTERNAL_ERROR' }, context).retryable).toBe(true);
    expect(mapTinkoffV1ErrorPayload({ code: 'NOT_ENOUGH_BALANCE', message: 'x' }, context).retryable).toBe(false);
    expect(mapTinkoffV1ErrorPayload({ code: 'SOMETHING_NEW', message: 'x' }, context).message).toContain('SOMETHING_NEW');
    expect(mapTinkoffV1ErrorPayload({}, context).message).toContain('no error details');
  });

  it.each([
    [401, '', 'UPSTREAM_AUTH'],
    [429, '', 'RATE_LIMITED'],
    // Even a JSON body does not change what 401 and 429 mean.
    [401, '{"trackingId":"x","payload":{"code":"INTERNAL_ERROR"},"status":"Error"}', 'UPSTREAM_AUTH'],
    [403, '<html><head><title>403 Forbidden</title></head></html>', 'UPSTREAM_AUTH'],
    [421, '', 'RATE_LIMITED'],
    [500, '', 'UPSTREAM_UNAVAILABLE'],
    [500, '<html>500</html>', 'UPSTREAM_UNAVAILABLE'],
    [500, '{"trackingId":"x","payload":{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"},"status":"Error"}', 'NOT_FOUND'],
    [502, '<html>502 Bad Gateway</html>', 'UPSTREAM_UNAVAILABLE'],
    [503, '', 'UPSTREAM_UNAVAILABLE'],
    [504, '<html>504 Gateway Time-out</html>', 'UPSTREAM_TIMEOUT'],
    [404, '<html>404 Not Found</html>', 'UPSTREAM_UNAVAILABLE'],
  ])('HTTP %i with body %j → %s', (status, text, expected) => {
    expect(mapTinkoffV1HttpError({ status, headers: {}, text }, 'tinkoff-legacy').code).toBe(expected);
  });

  it('reads Retry-After when a 429 carries one', () => {
    const error = mapTinkoffV1HttpError({ status: 429, headers: { 'retry-after': '17' }, text: '' }, 'tinkoff-legacy');
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 17, retryable: true });
  });

  it.each([
    [500, '{"trackingId":"x","payload":{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"},"status":"Error"}', false],
    [500, '{"trackingId":"x","payload":{"message":"Cannot find market instrument by figi","code":"NOT_FOUND"},"status":"Error"}', false],
    [500, '{"trackingId":"x","payload":{"message":"INTERNAL_ERROR","code":"INTERNAL_ERROR"},"status":"Error"}', true],
    [500, '<html>500</html>', true],
    [503, '', true],
    [429, '', false],
    [200, '{}', false],
  ])('tells a broker failure from a business answer: HTTP %i %s → %s', (status, text, failing) => {
    expect(isTinkoffV1BrokerFailure({ status, headers: {}, text })).toBe(failing);
  });
});
