import { describe, expect, it } from 'vitest';
import { mapTinkoffAccountType, mapTinkoffOperationState, mapTinkoffOrderStatus, mapTinkoffOrderType } from '../src/brokers/tinkoff/map-tinkoff-enums.js';
import { mapTinkoffInstrument } from '../src/brokers/tinkoff/map-tinkoff-instrument.js';
import { mapTinkoffOperation } from '../src/brokers/tinkoff/map-tinkoff-operation.js';
import { mapTinkoffOperationType } from '../src/brokers/tinkoff/map-tinkoff-operation-type.js';
import { mapTinkoffOrder } from '../src/brokers/tinkoff/map-tinkoff-order.js';
import { mapTinkoffOrderbook } from '../src/brokers/tinkoff/map-tinkoff-orderbook.js';
import { mapTinkoffPortfolio } from '../src/brokers/tinkoff/map-tinkoff-portfolio.js';
import { decimalToQuotation, moneyValueToMoney, quotationToDecimal } from '../src/brokers/tinkoff/quotation.js';
import {
  instrumentSchema,
  operationItemSchema,
  orderBookResponseSchema,
  orderStateSchema,
  portfolioResponseSchema,
  positionsResponseSchema,
} from '../src/brokers/tinkoff/wire.js';

describe('Quotation and MoneyValue', () => {
  it.each([
    [{ units: '114', nano: 250_000_000 }, '114.25'],
    [{ units: '-0', nano: -10_000_000 }, '-0.01'],
    [{ units: '-0', nano: 0 }, '0'],
    [{ units: '-12', nano: -500_000_000 }, '-12.5'],
    [{ units: '0', nano: 1 }, '0.000000001'],
    [{ units: '0', nano: 999_999_999 }, '0.999999999'],
    // Beyond 2^53: a float would silently round this.
    [{ units: '9007199254740993', nano: 5 }, '9007199254740993.000000005'],
  ])('reads %j as %s exactly', (quotation, expected) => {
    expect(quotationToDecimal(quotation)).toBe(expected);
  });

  it('reads the fraction from nano exactly as the arithmetic does, mixed signs included', async () => {
    const { default: Big } = await import('big.js');
    const arithmetic = (units: string, nano: number) => {
      const value = new Big(units).plus(new Big(nano).times('0.000000001'));
      return value.eq(0) ? '0' : value.toFixed();
    };
    for (const units of ['0', '-0', '7', '-7', '1000000', '-9007199254740993']) {
      for (const nano of [0, 1, -1, 10, -10, 500_000_000, -500_000_000, 999_999_999, -999_999_999, 123_450_000]) {
        expect(quotationToDecimal({ units, nano }), `${units} ${nano}`).toBe(arithmetic(units, nano));
      }
    }
  });

  it('defaults omitted proto3 zero parts', () => {
    expect(quotationToDecimal(instrumentSchema.parse({ minPriceIncrement: {} }).minPriceIncrement!)).toBe('0');
  });

  it('upper-cases the lower-case currencies production sends', () => {
    expect(moneyValueToMoney({ currency: 'rub', units: '-7995', nano: 0 })).toEqual({ amount: '-7995', currency: 'RUB' });
  });

  it.each([
    ['114.25', { units: '114', nano: 250_000_000 }],
    ['-0.01', { units: '-0', nano: -10_000_000 }],
    ['0.002', { units: '0', nano: 2_000_000 }],
    ['281', { units: '281', nano: 0 }],
  ])('writes %s as %j and reads it back', (decimal, quotation) => {
    expect(decimalToQuotation(decimal)).toEqual(quotation);
    expect(quotationToDecimal(decimalToQuotation(decimal))).toBe(decimal);
  });

  it('refuses more precision than nano can carry', () => {
    expect(() => decimalToQuotation('0.0000000001')).toThrow(/9 decimal places/);
  });
});

describe('enum mappers keep unknown values from crashing', () => {
  it('maps order statuses, unknown to UNKNOWN', () => {
    expect(mapTinkoffOrderStatus('EXECUTION_REPORT_STATUS_PARTIALLYFILL')).toBe('PARTIALLY_FILLED');
    expect(mapTinkoffOrderStatus('EXECUTION_REPORT_STATUS_FILL')).toBe('FILLED');
    expect(mapTinkoffOrderStatus('EXECUTION_REPORT_STATUS_SOMETHING_NEW')).toBe('UNKNOWN');
  });

  it('maps operation types, unknown to OTHER', () => {
    expect(mapTinkoffOperationType('OPERATION_TYPE_BUY_CARD')).toBe('BUY');
    expect(mapTinkoffOperationType('OPERATION_TYPE_DIVIDEND_TAX')).toBe('TAX');
    expect(mapTinkoffOperationType('OPERATION_TYPE_BROKER_FEE')).toBe('COMMISSION');
    expect(mapTinkoffOperationType('OPERATION_TYPE_INPUT')).toBe('DEPOSIT');
    expect(mapTinkoffOperationType('OPERATION_TYPE_OVERNIGHT')).toBe('INTEREST');
    expect(mapTinkoffOperationType('OPERATION_TYPE_FUTURE_EXPIRATION')).toBe('OTHER');
    expect(mapTinkoffOperationType('toString')).toBe('OTHER');
  });

  it('maps operation states, unknown to UNKNOWN', () => {
    expect(mapTinkoffOperationState('OPERATION_STATE_CANCELED')).toBe('DECLINED');
    expect(mapTinkoffOperationState('OPERATION_STATE_WHATEVER')).toBe('UNKNOWN');
  });

  it('maps account and order types', () => {
    expect(mapTinkoffAccountType('ACCOUNT_TYPE_TINKOFF_IIS')).toBe('IIS');
    expect(mapTinkoffAccountType('ACCOUNT_TYPE_DEBIT')).toBe('DEBIT');
    expect(mapTinkoffOrderType('ORDER_TYPE_BESTPRICE', false)).toBe('MARKET');
    expect(mapTinkoffOrderType('ORDER_TYPE_UNSPECIFIED', true)).toBe('LIMIT');
  });
});

describe('record mappers', () => {
  it('maps an instrument, naming it by FIGI and normalizing its type', () => {
    const instrument = mapTinkoffInstrument(
      instrumentSchema.parse({
        figi: 'BBG004730N88',
        uid: 'e6123145-9665-43e0-8413-cd61b8aa9b13',
        ticker: 'SBER',
        classCode: 'TQBR',
        lot: 10,
        currency: 'rub',
        name: 'Сбербанк России',
        instrumentType: 'share',
        minPriceIncrement: { units: '0', nano: 10_000_000 },
      }),
    );
    expect(instrument).toEqual({
      key: 'BBG004730N88',
      ticker: 'SBER',
      figi: 'BBG004730N88',
      exchange: 'TQBR',
      name: 'Сбербанк России',
      type: 'share',
      currency: 'RUB',
      lotSize: 10,
      minPriceIncrement: '0.01',
    });
    expect(mapTinkoffInstrument(instrumentSchema.parse({ uid: 'abc-uid', instrumentType: 'futures' }))).toMatchObject({
      key: 'abc-uid',
      figi: null,
      type: 'future',
    });
  });

  it('leaves currency holdings out of positions and sums free and blocked cash per currency', () => {
    const portfolio = portfolioResponseSchema.parse({
      positions: [
        {
          figi: 'BBG004730N88',
          instrumentType: 'share',
          ticker: 'SBER',
          quantity: { units: '30', nano: 0 },
          quantityLots: { units: '3', nano: 0 },
          averagePositionPrice: { currency: 'rub', units: '266', nano: 500_000_000 },
          currentPrice: { currency: 'rub', units: '281', nano: 990_000_000 },
          expectedYield: { units: '464', nano: 700_000_000 },
        },
        { figi: 'RUB000UTSTOM', instrumentType: 'currency', quantity: { units: '20230', nano: 550_000_000 } },
      ],
    });
    const positions = positionsResponseSchema.parse({
      money: [
        { currency: 'rub', units: '15230', nano: 550_000_000 },
        { currency: 'usd', units: '412', nano: 70_000_000 },
      ],
      blocked: [{ currency: 'rub', units: '5000', nano: 0 }],
    });
    const mapped = mapTinkoffPortfolio(portfolio.positions, undefined, positions.money, positions.blocked, '2024-05-02T07:15:01Z');
    expect(mapped.positions).toHaveLength(1);
    expect(mapped.positions[0]).toMatchObject({
      quantity: '30',
      lots: '3',
      averagePrice: { amount: '266.5', currency: 'RUB' },
      expectedYield: { amount: '464.7', currency: 'RUB' },
      marketValue: { amount: '8459.7', currency: 'RUB' },
    });
    expect(mapped.cash).toEqual([
      { amount: '20230.55', currency: 'RUB' },
      { amount: '412.07', currency: 'USD' },
    ]);
    expect(mapped.valuation).toBeNull();
  });

  it('maps an active limit order and a market order without a price', () => {
    const limit = mapTinkoffOrder(
      orderStateSchema.parse({
        orderId: '1',
        executionReportStatus: 'EXECUTION_REPORT_STATUS_NEW',
        lotsRequested: '2',
        lotsExecuted: '0',
        initialSecurityPrice: { currency: 'rub', units: '250', nano: 0 },
        figi: 'BBG004730N88',
        direction: 'ORDER_DIRECTION_BUY',
        orderType: 'ORDER_TYPE_LIMIT',
        orderDate: '2024-05-02T07:15:01.152Z',
      }),
      'tbank',
    );
    expect(limit).toMatchObject({ side: 'BUY', type: 'LIMIT', status: 'NEW', price: '250', requestedLots: '2', executedLots: '0' });
    const market = mapTinkoffOrder(
      orderStateSchema.parse({
        orderId: '2',
        executionReportStatus: 'EXECUTION_REPORT_STATUS_FILL',
        lotsRequested: '1',
        lotsExecuted: '1',
        initialSecurityPrice: { currency: 'rub', units: '0', nano: 0 },
        figi: 'BBG004730N88',
        direction: 'ORDER_DIRECTION_SELL',
        orderType: 'ORDER_TYPE_MARKET',
      }),
      'tbank',
    );
    expect(market).toMatchObject({ side: 'SELL', type: 'MARKET', status: 'FILLED', price: null, createdAt: null });
  });

  it('refuses an order without a direction rather than guessing a side', () => {
    expect(() => mapTinkoffOrder(orderStateSchema.parse({ orderId: '3' }), 'tbank')).toThrow(/no direction/);
  });

  it('maps operations: signed payments, commission, a cash operation without an instrument', () => {
    const buy = mapTinkoffOperation(
      operationItemSchema.parse({
        id: '35416277905',
        date: '2024-01-11T08:02:10.514Z',
        type: 'OPERATION_TYPE_BUY',
        state: 'OPERATION_STATE_EXECUTED',
        figi: 'BBG004730N88',
        ticker: 'SBER',
        payment: { currency: 'rub', units: '-7995', nano: 0 },
        price: { currency: 'rub', units: '266', nano: 500_000_000 },
        commission: { currency: 'rub', units: '-2', nano: -400_000_000 },
        quantity: '30',
        quantityDone: '30',
      }),
    );
    expect(buy).toMatchObject({
      type: 'BUY',
      brokerType: 'OPERATION_TYPE_BUY',
      status: 'DONE',
      quantity: '30',
      price: '266.5',
      payment: { amount: '-7995', currency: 'RUB' },
      commission: { amount: '-2.4', currency: 'RUB' },
      instrument: { key: 'BBG004730N88', ticker: 'SBER' },
    });
    const tax = mapTinkoffOperation(
      operationItemSchema.parse({
        id: '1',
        date: '2024-09-03T21:00:00Z',
        type: 'OPERATION_TYPE_TAX',
        state: 'OPERATION_STATE_EXECUTED',
        payment: { currency: 'rub', units: '-0', nano: -350_000_000 },
        price: { currency: 'rub', units: '0', nano: 0 },
        quantity: '0',
      }),
    );
    expect(tax).toMatchObject({ type: 'TAX', instrument: null, quantity: null, price: null, commission: null, payment: { amount: '-0.35' } });
    const declined = mapTinkoffOperation(
      operationItemSchema.parse({
        id: '2',
        date: '2024-02-12T13:20:44.1Z',
        type: 'OPERATION_TYPE_SELL',
        state: 'OPERATION_STATE_CANCELED',
        figi: 'BBG000B9XRY4',
        quantity: '1',
        quantityDone: '0',
        payment: { currency: 'usd', units: '0', nano: 0 },
      }),
    );
    expect(declined).toMatchObject({ type: 'SELL', status: 'DECLINED', quantity: '1', payment: { amount: '0', currency: 'USD' } });
  });

  it('maps an orderbook trimmed to the requested depth', () => {
    const book = orderBookResponseSchema.parse({
      figi: 'BBG004730N88',
      bids: [
        { price: { units: '281', nano: 990_000_000 }, quantity: '36' },
        { price: { units: '281', nano: 980_000_000 }, quantity: '5' },
      ],
      asks: [{ price: { units: '282', nano: 0 }, quantity: '11' }],
      lastPrice: { units: '281', nano: 990_000_000 },
    });
    const mapped = mapTinkoffOrderbook(book, 1, '2024-05-02T07:15:01Z');
    expect(mapped.bids).toEqual([{ price: '281.99', quantity: '36' }]);
    expect(mapped.asks).toEqual([{ price: '282', quantity: '11' }]);
    expect(mapped.lastPrice).toBe('281.99');
    expect(mapped.asOf).toBe('2024-05-02T07:15:01Z');
  });
});
