import Big from 'big.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { MarketModel, type MarketChange, type MarketInstrument, type RestingFill } from '../../src/simulators/common/market.js';
import { createAlorSimulator } from '../../src/simulators/alor/server.js';
import { createTinkoffSimulator } from '../../src/simulators/tinkoff/server.js';
import { mainAccount, sberFigi, startTinkoffStreams, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * The simulators' market model: a seeded walk that is the same on every run, books that keep
 * their invariants, orders that take and rest in the book, and the REST answers that read it.
 */

const instruments: MarketInstrument[] = [
  { key: 'SBER', priceStep: '0.01', lastPrice: '281.99', seedQuantity: (_side, index) => ((index * 37 + 44) % 400) + 1 },
  { key: 'TMOS', priceStep: '0.002', lastPrice: '6.714', seedQuantity: (side, index) => (side === 'bid' ? 10 : 20) + index },
];

const snapshot = (market: MarketModel) => market.keys.map((key) => ({ key, ...market.book(key, 50), last: market.lastPrice(key) }));

describe('the random walk', () => {
  it('walks the same way from the same seed, and another way from another', () => {
    const clock = new ManualClock();
    const first = new MarketModel(instruments, { seed: 42, clock });
    const second = new MarketModel(instruments, { seed: 42, clock });
    const other = new MarketModel(instruments, { seed: 43, clock });
    for (let step = 0; step < 500; step += 1) for (const market of [first, second, other]) market.tick();
    expect(snapshot(first)).toEqual(snapshot(second));
    expect(snapshot(first)).not.toEqual(snapshot(other));
    expect(snapshot(first)).not.toEqual(snapshot(new MarketModel(instruments, { seed: 42, clock })));
  });

  it('keeps every book sorted, on the price step, in whole lots and 50 levels deep', () => {
    const market = new MarketModel(instruments, { seed: 7, clock: new ManualClock() });
    for (let step = 0; step < 2000; step += 1) market.tick();
    for (const instrument of instruments) {
      const { bids, asks } = market.book(instrument.key, 50);
      expect([bids.length, asks.length]).toEqual([50, 50]);
      for (const level of [...bids, ...asks]) {
        expect(new Big(level.price).mod(instrument.priceStep).eq(0)).toBe(true);
        expect(Number.isInteger(level.quantity) && level.quantity > 0).toBe(true);
      }
      for (let index = 1; index < 50; index += 1) {
        expect(new Big(bids[index]!.price).lt(bids[index - 1]!.price)).toBe(true);
        expect(new Big(asks[index]!.price).gt(asks[index - 1]!.price)).toBe(true);
      }
      expect(new Big(bids[0]!.price).lt(asks[0]!.price)).toBe(true);
      expect(new Big(market.lastPrice(instrument.key)).mod(instrument.priceStep).eq(0)).toBe(true);
    }
  });

  it('ticks by itself at the asked rate until stopped', () => {
    const clock = new ManualClock();
    const market = new MarketModel(instruments, { clock });
    const changes: MarketChange[] = [];
    market.changes.add((change) => changes.push(change));
    market.startTicking(10, ['SBER']);
    clock.advance(1000);
    expect(changes.filter((change) => change.kind === 'book' && change.key === 'SBER')).toHaveLength(10);
    expect(changes.filter((change) => change.key === 'TMOS')).toEqual([]);
    market.stopTicking();
    clock.advance(1000);
    expect(changes.filter((change) => change.kind === 'book')).toHaveLength(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('spreads the steps of several instruments over each interval, each at the asked rate', () => {
    const clock = new ManualClock();
    const market = new MarketModel(instruments, { clock });
    const moved: string[] = [];
    market.changes.add((change) => {
      if (change.kind === 'book') moved.push(change.key);
    });
    market.startTicking(10, ['SBER', 'TMOS']);
    clock.advance(50);
    expect(moved).toEqual(['SBER']);
    clock.advance(50);
    expect(moved).toEqual(['SBER', 'TMOS']);
    clock.advance(900);
    expect(moved.filter((key) => key === 'SBER')).toHaveLength(10);
    expect(moved.filter((key) => key === 'TMOS')).toHaveLength(10);
    market.stopTicking();
  });
});

describe('orders in the book', () => {
  it('takes the book level by level, up to a limit, and sets the last price', () => {
    const market = new MarketModel(instruments, { clock: new ManualClock() });
    const fills = market.execute('SBER', 'buy', 50);
    expect(fills.map(({ price, lots }) => ({ price, lots }))).toEqual([
      { price: '282', lots: 45 },
      { price: '282.01', lots: 5 },
    ]);
    expect(market.lastPrice('SBER')).toBe('282.01');
    expect(market.book('SBER', 1).asks).toEqual([{ price: '282.01', quantity: 77 }]);
    expect(market.execute('SBER', 'buy', 1000, '282.01').reduce((sum, fill) => sum + fill.lots, 0)).toBe(77);
    expect(market.best('SBER').ask).toBe('282.02');
  });

  it('puts resting orders behind the level\'s liquidity, fills them by someone else\'s trade and takes them out on cancel', () => {
    const market = new MarketModel(instruments, { clock: new ManualClock() });
    const restingFills: RestingFill[] = [];
    market.restingFills.add((fill) => restingFills.push(fill));
    market.rest('SBER', 'order-1', 'bid', '281.99', 5);
    market.rest('SBER', 'order-2', 'bid', '250', 3);
    expect(market.book('SBER', 1).bids).toEqual([{ price: '281.99', quantity: 50 }]);
    market.execute('SBER', 'sell', 47, '281.99');
    expect(restingFills).toEqual([{ key: 'SBER', orderId: 'order-1', price: '281.99', lots: 2, tradeId: expect.any(String), time: expect.any(Number) }]);
    expect(market.book('SBER', 1).bids).toEqual([{ price: '281.99', quantity: 3 }]);
    expect(market.cancel('order-1')).toBe(true);
    expect(market.cancel('order-1')).toBe(false);
    expect(market.book('SBER', 1).bids[0]!.price).toBe('281.98');
    expect(market.available('SBER', 'sell', '250')).toBe(market.book('SBER', 50).bids.reduce((sum, level) => sum + level.quantity, 0) + 3);
  });

  it('opens each simulator with the book its REST endpoints served before the market moved', () => {
    const tinkoff = createTinkoffSimulator().state.market.book(sberFigi, 50);
    expect(tinkoff.bids.map((level, index) => [level.price, level.quantity])).toEqual(
      Array.from({ length: 50 }, (_, index) => [new Big('281.99').minus(new Big('0.01').times(index)).toFixed(), ((index * 37 + 44) % 400) + 1]),
    );
    const alor = createAlorSimulator().state.market.book('MOEX:SNGS', 50);
    expect(alor.asks.map((level, index) => [level.price, level.quantity])).toEqual(
      Array.from({ length: 50 }, (_, index) => [new Big('24.36').plus(new Big('0.005').times(index)).toFixed(), ((index * 37 + 44 + 17) % 400) + 1]),
    );
  });
});

describe('REST orders against the market', () => {
  let stack: TinkoffStreamStack;
  afterEach(async () => {
    await stack.stop();
  });

  it('fills a T-Invest market order over two levels at their prices, and rests the rest of a crossing limit order', async () => {
    stack = await startTinkoffStreams();
    const tmos = 'BBG333333333';
    const market = await stack.order({ figi: tmos, lots: 46 });
    expect(market).toMatchObject({ executionReportStatus: 'EXECUTION_REPORT_STATUS_FILL', lotsExecuted: '46' });
    // 45 lots at 6.716 and 1 at 6.718, one share a lot.
    expect(market.executedOrderPrice).toEqual({ currency: 'rub', units: '308', nano: 938000000 });
    const limit = await stack.order({ figi: tmos, type: 'LIMIT', lots: 100, price: { units: '6', nano: 718000000 } });
    expect(limit).toMatchObject({ executionReportStatus: 'EXECUTION_REPORT_STATUS_PARTIALLYFILL', lotsExecuted: '81' });
    const book = await stack.rest('MarketDataService/GetOrderBook', { instrumentId: tmos, depth: 1 });
    expect(book.bids).toEqual([{ price: { units: '6', nano: 718000000 }, quantity: '19' }]);
    expect(book.lastPrice).toEqual({ units: '6', nano: 718000000 });
    const orders = await stack.rest('OrdersService/GetOrders', { accountId: mainAccount });
    expect(orders.orders.find((order: any) => order.orderId === limit.orderId)).toMatchObject({ lotsRequested: '100', lotsExecuted: '81' });
  });

  it('cancels what a fill-or-kill ALOR order cannot take within its limit, and the rest of an immediate-or-cancel one', () => {
    const { state, orders } = createAlorSimulator();
    const order = (timeInForce: 'fillorkill' | 'immediateorcancel') =>
      orders.place({ portfolio: 'D38291', exchange: 'MOEX', symbol: 'GAZP', side: 'buy', lots: 100, type: 'limit', price: '128.35', timeInForce, comment: null, iceberg: null });
    const killed = order('fillorkill');
    expect([killed.status, killed.filledLots]).toEqual(['canceled', 0]);
    const partial = order('immediateorcancel');
    expect(partial.status).toBe('canceled');
    expect(partial.filledLots).toBe(state.tradesOf('D38291', 'MOEX').filter((trade) => trade.orderId === partial.id).reduce((sum, trade) => sum + trade.lots, 0));
    expect(partial.filledLots).toBeGreaterThan(0);
    expect(partial.filledLots).toBeLessThan(100);
  });
});
