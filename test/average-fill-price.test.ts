import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { averageFillPrice, pricePerUnit } from '../src/brokers/average-price.js';
import { tinkoffAverageFillPrice } from '../src/brokers/tinkoff/map-tinkoff-order.js';
import { alorRouteNames } from '../src/simulators/alor/server.js';
import { allSimulatedBrokers } from '../src/simulators/index.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * A6: Order.averageFillPrice, per unit, kept from what each broker says about its fills — null
 * when nothing is filled or the broker does not say. T-Invest: its OrderState; ALOR: the order's
 * trades, read only when a query asks; Tinkoff v1 and InstaForex orders carry none.
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: allSimulatedBrokers });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) {
    server.clearFaults();
    server.resetCounters();
  }
});

const ordersOf = async (accountId: string, fields = 'id status executedLots averageFillPrice') => {
  const result = await graphql(stack.gateway, `{ account(id: "${accountId}") { orders { ${fields} } } }`, { token: stack.readToken });
  expect(result.errors).toBeUndefined();
  return result.data!['account'].orders as Array<Record<string, unknown>>;
};

const placeMarket = async (accountId: string, instrument: string, lots: number) => {
  const result = await graphql(
    stack.gateway,
    `mutation { placeOrder(input: { accountId: "${accountId}", instrument: ${instrument}, side: BUY, type: MARKET, lots: ${lots} }) { id status executedLots averageFillPrice } }`,
    { token: stack.tradeToken },
  );
  expect(result.errors).toBeUndefined();
  return result.data!['placeOrder'] as Record<string, unknown>;
};

const bestAsk = async (connection: string, instrument: string) => {
  const result = await graphql(stack.gateway, `{ orderbook(connection: "${connection}", instrument: ${instrument}, depth: 1) { asks { price } } }`, {
    token: stack.readToken,
  });
  return result.data!['orderbook'].asks[0].price as string;
};

describe('A6: T-Invest', () => {
  it('active orders: the partly filled one has its fill price per unit, the untouched one null', async () => {
    expect(await ordersOf('tbank:2000345678')).toEqual([
      { id: '52218163123', status: 'NEW', executedLots: '0', averageFillPrice: null },
      { id: '52218170457', status: 'PARTIALLY_FILLED', executedLots: '120', averageFillPrice: '7' },
    ]);
  });

  it('a market order filled at once: the executed amount divided by the units (2 lots of 10 shares)', async () => {
    const ask = await bestAsk('tbank', '{ figi: "BBG004730N88" }');
    const placed = await placeMarket('tbank:2000345678', '{ figi: "BBG004730N88" }', 2);
    expect(placed).toMatchObject({ status: 'FILLED', executedLots: '2', averageFillPrice: ask });
  });

  it('reads executedOrderPrice as the whole amount and averagePositionPrice as per unit, exactly', () => {
    // Tinkoff/investAPI#322: 30 contracts (lot 1) for 421232 RUB; T-Invest's own average is cut at 9 decimals.
    const reported = {
      lotsExecuted: '30',
      executedOrderPrice: { units: '421232', nano: 0, currency: 'rub' },
      averagePositionPrice: { units: '14041', nano: 66666666, currency: 'rub' },
    };
    expect(tinkoffAverageFillPrice(reported, 1)).toBe('14041.066666667');
    expect(tinkoffAverageFillPrice(reported, undefined)).toBe('14041.066666666');
    // SBER, 3 lots of 10 at 281.99: an amount that divides evenly stays exact.
    expect(tinkoffAverageFillPrice({ lotsExecuted: '3', executedOrderPrice: { units: '8459', nano: 700000000, currency: 'rub' } }, 10)).toBe('281.99');
    // PostOrder's answer often says 0: not a price of zero, just not said.
    expect(tinkoffAverageFillPrice({ lotsExecuted: '1', executedOrderPrice: { units: '0', nano: 0, currency: 'rub' } }, 10)).toBeNull();
    expect(tinkoffAverageFillPrice({ lotsExecuted: '0', averagePositionPrice: { units: '7', nano: 0, currency: 'rub' } }, 1)).toBeNull();
  });
});

describe('A6: ALOR', () => {
  it('active orders: the fill price comes from the session trades, in one call for the portfolio', async () => {
    expect(await ordersOf('alor:D38291')).toEqual([
      { id: '41423837024', status: 'PARTIALLY_FILLED', executedLots: '2', averageFillPrice: '305.5' },
      { id: '41423837102', status: 'NEW', executedLots: '0', averageFillPrice: null },
    ]);
    expect(stack.simulators.alor!.server.requestCount(alorRouteNames.trades)).toBe(1);
  });

  it('costs nothing when the query does not ask for it', async () => {
    await ordersOf('alor:D38291', 'id status executedLots');
    expect(stack.simulators.alor!.server.requestCount(alorRouteNames.trades)).toBe(0);
  });

  it('several fills at different prices: the volume-weighted average per unit', async () => {
    // Two of the order's trades: 2 lots (20 shares) at 305.5 and 1 lot (10 shares) at 305.61.
    const trade = { symbol: 'SBER', exchange: 'MOEX', side: 'buy', existing: true, orderno: '41423837024' };
    stack.simulators.alor!.server.injectFault({
      route: alorRouteNames.trades,
      fault: {
        kind: 'status',
        status: 200,
        body: [
          { ...trade, id: '159', date: '2023-12-11T07:31:48.0000000Z', qtyUnits: 20, qtyBatch: 2, qty: 2, price: 305.5 },
          { ...trade, id: '160', date: '2023-12-11T07:32:10.0000000Z', qtyUnits: 10, qtyBatch: 1, qty: 1, price: 305.61 },
          { ...trade, id: '161', orderno: '41423837001', symbol: 'SNGS', date: '2023-12-11T07:40:00.0000000Z', qtyUnits: 50, qtyBatch: 5, qty: 5, price: 24.23 },
        ],
      },
    });
    const orders = await ordersOf('alor:D38291', 'id averageFillPrice');
    // (20 × 305.5 + 10 × 305.61) ÷ 30 = 9166.1 ÷ 30 = 305.5366…
    expect(orders[0]).toEqual({ id: '41423837024', averageFillPrice: '305.536666667' });
  });

  it('a market order filled at once answers its fill price', async () => {
    const ask = await bestAsk('alor', '{ symbol: "GAZP", exchange: "MOEX" }');
    const placed = await placeMarket('alor:D38291', '{ symbol: "GAZP", exchange: "MOEX" }', 1);
    expect(placed).toMatchObject({ status: 'FILLED', executedLots: '1', averageFillPrice: ask });
  });

  it('a broker that fails reading the trades nulls only that field, with an error', async () => {
    stack.simulators.alor!.server.injectFault({ route: alorRouteNames.trades, fault: { kind: 'status', status: 429 } });
    const result = await graphql(stack.gateway, '{ account(id: "alor:D38291") { orders { id averageFillPrice } } }', { token: stack.readToken });
    expect(result.data!['account'].orders).toEqual([
      { id: '41423837024', averageFillPrice: null },
      { id: '41423837102', averageFillPrice: null },
    ]);
    expect(result.errors?.map((error) => [error.path, error.extensions['code']])).toEqual([[['account', 'orders', 0, 'averageFillPrice'], 'RATE_LIMITED']]);
  });
});

describe('A6: Tinkoff v1, where its answer has it', () => {
  it('an order found among the operations after its answer was lost keeps the operation’s price', async () => {
    // The broker placed the order, but its answer was lost: the gateway finds it as an operation.
    stack.simulators.tinkoffV1!.server.injectFault({ route: 'POST /orders/market-order', fault: { kind: 'status', status: 500 }, afterHandling: true, times: 1 });
    const placed = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "tinkoff-legacy:2054816137", instrument: { figi: "BBG004730RP0" }, side: BUY, type: MARKET, lots: 1, idempotencyKey: "fill-v1" }) { id status averageFillPrice } }`,
      { token: stack.tradeToken },
    );
    expect(placed.errors).toBeUndefined();
    const operations = await graphql(
      stack.gateway,
      `{ account(id: "tinkoff-legacy:2054816137") { operations(from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { id price } } }`,
      { token: stack.readToken },
    );
    const operation = (operations.data!['account'].operations as Array<{ id: string; price: string }>).find((row) => row.id === placed.data!['placeOrder'].id)!;
    expect(operation.price).toMatch(/^\d/);
    expect(placed.data!['placeOrder']).toEqual({ id: operation.id, status: 'FILLED', averageFillPrice: operation.price });
  });
});

describe('A6: brokers whose orders do not say', () => {
  it('Tinkoff v1 and InstaForex orders have a null fill price and no error', async () => {
    const legacy = await ordersOf('tinkoff-legacy:2054816137', 'id averageFillPrice');
    expect(legacy.map((order) => order['averageFillPrice'])).toEqual([null, null, null]);
    const mt4 = await ordersOf('ifx:2100123', 'id averageFillPrice');
    expect(mt4.map((order) => order['averageFillPrice'])).toEqual([null, null]);
  });
});

describe('A6: the average of fills', () => {
  it('is exact when it ends within 9 decimals, rounded half up at the 9th when it does not', () => {
    expect(averageFillPrice([])).toBeNull();
    expect(averageFillPrice([{ price: '1.00', quantity: '2' }, { price: '1.01', quantity: '1' }])).toBe('1.003333333');
    expect(averageFillPrice([{ price: '0.0000000015', quantity: '1' }, { price: '0.0000000025', quantity: '1' }])).toBe('0.000000002');
    expect(pricePerUnit('2', '3')).toBe('0.666666667');
    expect(pricePerUnit('8459.7', '30')).toBe('281.99');
    expect(pricePerUnit('0', '30')).toBeNull();
  });
});
