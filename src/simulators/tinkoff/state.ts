import { randomUUID } from 'node:crypto';
import Big from 'big.js';
import {
  accounts as seedAccounts,
  cash as seedCash,
  holdings as seedHoldings,
  instruments,
  seedOperations,
  seedOrders,
  type SeedOperation,
  type SimulatedInstrument,
} from './data.js';
import { fillOperations, type PostOrderInput, type SimulatedOrder, type TinkoffOrderEvent } from './orders.js';
import { TinkoffApiError, tinkoffErrors } from './wire.js';
import { Listeners } from '../common/clock.js';
import type { MarketFill, MarketModel, MarketOptions } from '../common/market.js';
import { openTinkoffMarket } from './market.js';

/**
 * The mutable world behind the T-Invest simulator: holdings, cash, orders and operations.
 * A marketable order takes the market's book level by level (a 0.05% broker fee per fill, as a
 * separate operation); the rest of a limit order rests in the book, blocking cash or securities,
 * until someone's trade fills it or it is cancelled. Every change of an order is announced on
 * `events` (the stream simulator's OrderStateStream, PositionsStream and PortfolioStream).
 */

export type { PostOrderInput, SimulatedOrder, SimulatedTrade, TinkoffOrderEvent } from './orders.js';

interface Holding {
  quantity: string;
  averagePrice: string;
}

const feeRate = '0.0005';
const activeStatuses = new Set(['EXECUTION_REPORT_STATUS_NEW', 'EXECUTION_REPORT_STATUS_PARTIALLYFILL']);

export class TinkoffSimulatorState {
  readonly accounts = seedAccounts.map((account) => ({ ...account }));
  /** Copies: trades on this simulator's market move their last prices, nobody else's. */
  readonly instruments = instruments.map((instrument) => ({ ...instrument }));
  readonly market: MarketModel;
  readonly events = new Listeners<TinkoffOrderEvent>();
  readonly holdings = new Map<string, Map<string, Holding>>();
  /** Total cash (free + blocked) per account, per lower-case currency. */
  readonly cash = new Map<string, Map<string, string>>();
  readonly orders = new Map<string, SimulatedOrder>();
  readonly operations: SeedOperation[] = seedOperations.map((operation) => ({ ...operation }));
  /** Switch: when false every order is refused as outside trading hours. */
  tradingOpen = true;
  /**
   * Switch: order reports lag behind the orders (T-Invest has accepted an orderId but cannot
   * report on it yet): GetOrderState finds no order, and a PostOrder repeating a known orderId is
   * answered with 30057, "the order is a duplicate, but the order report was not found".
   */
  reportsDelayed = false;
  /** Switch: the exchange rejects this many of the next orders (PostOrder answers REJECTED). */
  exchangeRejectsNext = 0;
  private readonly requestIds = new Map<string, string>();
  private nextNumber = 52219000000;

  constructor(
    private readonly now: () => Date = () => new Date(),
    marketOptions: MarketOptions = {},
  ) {
    this.market = openTinkoffMarket(this.instruments, marketOptions);
    // Someone else's trade reached one of the customers' resting orders.
    this.market.restingFills.add((fill) => {
      const order = this.orders.get(fill.orderId);
      if (order && activeStatuses.has(order.status)) this.fill(order, this.instrument(order.figi), fill);
    });
    for (const [accountId, rows] of Object.entries(seedHoldings)) {
      this.holdings.set(accountId, new Map(rows.map((row) => [row.figi, { quantity: row.quantity, averagePrice: row.averagePrice }])));
    }
    for (const [accountId, rows] of Object.entries(seedCash)) this.cash.set(accountId, new Map(Object.entries(rows)));
    for (const order of seedOrders) {
      this.orders.set(order.orderId, {
        ...order,
        status: order.executedLots > 0 ? 'EXECUTION_REPORT_STATUS_PARTIALLYFILL' : 'EXECUTION_REPORT_STATUS_NEW',
        // A resting limit order's fills so far were at its limit.
        executedPrice: order.executedLots > 0 ? order.price : undefined,
        executedValue: new Big(order.price).times(order.executedLots).toFixed(),
        commission: '0',
      });
      this.requestIds.set(`${order.accountId}:${order.orderRequestId}`, order.orderId);
      const side = order.direction === 'ORDER_DIRECTION_BUY' ? 'bid' : 'ask';
      this.market.rest(order.figi, order.orderId, side, order.price, order.lots - order.executedLots);
    }
  }

  // ---- lookups --------------------------------------------------------------------------

  findInstrument(id: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.figi === id || instrument.uid === id);
  }

  findByTicker(ticker: string, classCode: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.ticker === ticker && instrument.classCode === classCode);
  }

  instrument(figi: string): SimulatedInstrument {
    const instrument = this.findInstrument(figi);
    if (!instrument) throw new TinkoffApiError(tinkoffErrors.instrumentNotFound);
    return instrument;
  }

  activeOrders(accountId: string): SimulatedOrder[] {
    return [...this.orders.values()].filter((order) => order.accountId === accountId && activeStatuses.has(order.status));
  }

  securities(accountId: string): Map<string, Holding> {
    return this.holdings.get(accountId) ?? new Map();
  }

  totalCash(accountId: string): Map<string, string> {
    return this.cash.get(accountId) ?? new Map();
  }

  /** Cash held by active buy orders, per currency. */
  blockedCash(accountId: string): Map<string, string> {
    const blocked = new Map<string, string>();
    for (const order of this.activeOrders(accountId)) {
      if (order.direction !== 'ORDER_DIRECTION_BUY') continue;
      const instrument = this.instrument(order.figi);
      const amount = new Big(order.price).times(order.lots - order.executedLots).times(instrument.lot);
      blocked.set(instrument.currency, new Big(blocked.get(instrument.currency) ?? '0').plus(amount).toFixed());
    }
    return blocked;
  }

  /** Units held by active sell orders. */
  blockedUnits(accountId: string, figi: string): string {
    return this.activeOrders(accountId)
      .filter((order) => order.direction === 'ORDER_DIRECTION_SELL' && order.figi === figi)
      .reduce((sum, order) => sum.plus((order.lots - order.executedLots) * this.instrument(order.figi).lot), new Big(0))
      .toFixed();
  }

  bestPrices(instrument: SimulatedInstrument): { bid: string; ask: string } {
    const { bid, ask } = this.market.best(instrument.figi);
    return { bid: bid ?? instrument.lastPrice, ask: ask ?? new Big(instrument.lastPrice).plus(instrument.minPriceIncrement).toFixed() };
  }

  /** Exchange price band: ±20% of the last price, on the price step. */
  limits(instrument: SimulatedInstrument): { down: string; up: string } {
    const step = new Big(instrument.minPriceIncrement);
    const last = new Big(instrument.lastPrice);
    return {
      down: last.times('0.8').div(step).round(0, Big.roundUp).times(step).toFixed(),
      up: last.times('1.2').div(step).round(0, Big.roundDown).times(step).toFixed(),
    };
  }

  // ---- orders ---------------------------------------------------------------------------

  /** PostOrder: a repeated orderId (per account) returns the first order instead of a second one. */
  postOrder(input: PostOrderInput): SimulatedOrder {
    const previous = this.requestIds.get(`${input.accountId}:${input.orderRequestId}`);
    if (previous && this.reportsDelayed) throw new TinkoffApiError(tinkoffErrors.duplicateWithoutReport);
    if (previous) return this.orders.get(previous)!;

    const instrument = this.instrument(input.figi);
    if (!this.tradingOpen) throw new TinkoffApiError(tinkoffErrors.notTradable);
    const { bid, ask } = this.bestPrices(instrument);
    const buying = input.direction === 'ORDER_DIRECTION_BUY';
    let price: string;
    let marketable: boolean;
    if (input.orderType === 'ORDER_TYPE_LIMIT') {
      if (input.price === undefined) throw new TinkoffApiError(tinkoffErrors.missingPrice);
      const limit = new Big(input.price);
      if (limit.lte(0)) throw new TinkoffApiError(tinkoffErrors.pricePositive);
      if (!limit.mod(instrument.minPriceIncrement).eq(0)) throw new TinkoffApiError(tinkoffErrors.priceIncrement);
      const band = this.limits(instrument);
      if (limit.lt(band.down) || limit.gt(band.up)) throw new TinkoffApiError(tinkoffErrors.outsideLimits);
      marketable = buying ? limit.gte(ask) : limit.lte(bid);
      price = marketable ? (buying ? ask : bid) : limit.toFixed();
    } else {
      marketable = true;
      price = buying ? ask : bid;
    }

    const units = new Big(input.lots).times(instrument.lot);
    const amount = units.times(price);
    const fee = marketable ? amount.times(feeRate).round(2, Big.roundHalfUp).toFixed() : '0';
    if (buying) {
      const free = new Big(this.totalCash(input.accountId).get(instrument.currency) ?? '0').minus(
        this.blockedCash(input.accountId).get(instrument.currency) ?? '0',
      );
      if (free.lt(amount.plus(fee))) throw new TinkoffApiError(tinkoffErrors.notEnoughBalance);
    } else {
      const held = new Big(this.securities(input.accountId).get(input.figi)?.quantity ?? '0');
      if (held.minus(this.blockedUnits(input.accountId, input.figi)).lt(units)) {
        throw new TinkoffApiError(tinkoffErrors.notEnoughBalance);
      }
    }

    const order: SimulatedOrder = {
      orderId: String(this.nextNumber++),
      orderRequestId: input.orderRequestId,
      accountId: input.accountId,
      figi: input.figi,
      direction: input.direction,
      orderType: input.orderType,
      status: 'EXECUTION_REPORT_STATUS_NEW',
      lots: input.lots,
      executedLots: 0,
      price,
      executedPrice: undefined,
      executedValue: '0',
      commission: '0',
      orderDate: this.now().toISOString(),
    };
    this.orders.set(order.orderId, order);
    this.requestIds.set(`${input.accountId}:${input.orderRequestId}`, order.orderId);
    this.announce('placed', order);
    if (this.exchangeRejectsNext > 0) {
      this.exchangeRejectsNext -= 1;
      order.status = 'EXECUTION_REPORT_STATUS_REJECTED';
      this.announce('rejected', order);
      return order;
    }
    const limit = input.orderType === 'ORDER_TYPE_LIMIT' ? new Big(input.price!).toFixed() : undefined;
    if (marketable) {
      for (const fill of this.market.execute(input.figi, buying ? 'buy' : 'sell', order.lots, limit)) this.fill(order, instrument, fill);
    }
    const left = order.lots - order.executedLots;
    if (left > 0 && limit === undefined) {
      // A market order takes what the book has; the exchange cancels the rest.
      order.status = 'EXECUTION_REPORT_STATUS_CANCELLED';
      this.announce('cancelled', order);
    } else if (left > 0) {
      order.price = limit!;
      this.market.rest(input.figi, order.orderId, buying ? 'bid' : 'ask', limit!, left);
      if (order.executedLots === 0) this.announce('booked', order);
    }
    return order;
  }

  cancelOrder(accountId: string, orderId: string): SimulatedOrder {
    const order = this.orders.get(orderId);
    if (!order || order.accountId !== accountId || !activeStatuses.has(order.status)) {
      throw new TinkoffApiError(tinkoffErrors.orderNotFound);
    }
    order.status = 'EXECUTION_REPORT_STATUS_CANCELLED';
    this.market.cancel(order.orderId);
    this.announce('cancelled', order);
    return order;
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, fill: Pick<MarketFill, 'price' | 'lots' | 'tradeId'>): void {
    const units = new Big(fill.lots).times(instrument.lot);
    const amount = units.times(fill.price);
    const fee = amount.times(feeRate).round(2, Big.roundHalfUp).toFixed();
    const buying = order.direction === 'ORDER_DIRECTION_BUY';
    const holdings = this.holdings.get(order.accountId) ?? new Map<string, Holding>();
    this.holdings.set(order.accountId, holdings);
    const held = holdings.get(order.figi) ?? { quantity: '0', averagePrice: '0' };
    const quantity = buying ? new Big(held.quantity).plus(units) : new Big(held.quantity).minus(units);
    const averagePrice = buying
      ? new Big(held.quantity).times(held.averagePrice).plus(amount).div(quantity).round(9, Big.roundHalfUp).toFixed()
      : held.averagePrice;
    if (quantity.eq(0)) holdings.delete(order.figi);
    else holdings.set(order.figi, { quantity: quantity.toFixed(), averagePrice });

    const cash = this.cash.get(order.accountId) ?? new Map<string, string>();
    this.cash.set(order.accountId, cash);
    const delta = buying ? amount.plus(fee).times(-1) : amount.minus(fee);
    cash.set(instrument.currency, new Big(cash.get(instrument.currency) ?? '0').plus(delta).toFixed());

    const executedBefore = order.executedLots;
    order.executedLots += fill.lots;
    order.status = order.executedLots === order.lots ? 'EXECUTION_REPORT_STATUS_FILL' : 'EXECUTION_REPORT_STATUS_PARTIALLYFILL';
    order.executedValue = new Big(order.executedValue).plus(new Big(fill.price).times(fill.lots)).toFixed();
    order.executedPrice = new Big(order.executedValue).div(order.executedLots).round(9, Big.roundHalfUp).toFixed();
    order.commission = new Big(order.commission).plus(fee).toFixed();
    const date = this.now().toISOString();
    const tradeOperationId = executedBefore === 0 ? order.orderId : String(this.nextNumber++);
    this.operations.push(...fillOperations(order, instrument, { ...fill, units, amount, fee, date, tradeOperationId, feeOperationId: String(this.nextNumber++) }));
    this.events.emit({ kind: 'filled', order, trade: { tradeId: fill.tradeId, price: fill.price, lots: fill.lots, time: date }, time: date });
  }

  private announce(kind: 'placed' | 'booked' | 'cancelled' | 'rejected', order: SimulatedOrder): void {
    this.events.emit({ kind, order, time: this.now().toISOString() });
  }

  newTrackingId(): string {
    return randomUUID().replaceAll('-', '');
  }
}
