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
import { TinkoffApiError, tinkoffErrors } from './errors.js';
import { bestPrices, priceBand } from './market.js';

/**
 * The mutable world behind the T-Invest simulator: holdings, cash, orders and operations.
 * Orders behave like an exchange would from the customer's view: a marketable order fills at
 * once (at the best opposite price, with a 0.05% broker fee as a separate operation), any
 * other limit order rests and blocks cash or securities until it is cancelled.
 */

export interface SimulatedOrder {
  orderId: string;
  orderRequestId: string;
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  status:
    | 'EXECUTION_REPORT_STATUS_NEW'
    | 'EXECUTION_REPORT_STATUS_PARTIALLYFILL'
    | 'EXECUTION_REPORT_STATUS_FILL'
    | 'EXECUTION_REPORT_STATUS_CANCELLED'
    | 'EXECUTION_REPORT_STATUS_REJECTED';
  lots: number;
  executedLots: number;
  /** Limit price, or the fill price of a market order. */
  price: string;
  executedPrice: string | undefined;
  commission: string;
  orderDate: string;
}

export interface PostOrderInput {
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  lots: number;
  price: string | undefined;
  orderRequestId: string;
}

/** Operations in [from, to] (epoch milliseconds), of one instrument when `figi` is given. */
export interface OperationFilter {
  from: number;
  to: number;
  figi: string | undefined;
}

interface Holding {
  quantity: string;
  averagePrice: string;
}

const feeRate = '0.0005';
const activeStatuses = new Set(['EXECUTION_REPORT_STATUS_NEW', 'EXECUTION_REPORT_STATUS_PARTIALLYFILL']);

export class TinkoffSimulatorState {
  readonly accounts = seedAccounts.map((account) => ({ ...account }));
  readonly instruments = instruments;
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
  private readonly requestIds = new Map<string, string>();
  private nextNumber = 52219000000;

  constructor(private readonly now: () => Date = () => new Date()) {
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
        commission: '0',
      });
      this.requestIds.set(`${order.accountId}:${order.orderRequestId}`, order.orderId);
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

  /** An account's operations that pass the filter, newest first. */
  operationsOf(accountId: string, filter: OperationFilter): SeedOperation[] {
    return this.operations
      .filter((operation) => operation.accountId === accountId && (filter.figi === undefined || operation.figi === filter.figi))
      .filter((operation) => {
        const time = Date.parse(operation.date);
        return time >= filter.from && time <= filter.to;
      })
      .sort((left, right) => Date.parse(right.date) - Date.parse(left.date));
  }

  // ---- orders ---------------------------------------------------------------------------

  /** PostOrder: a repeated orderId (per account) returns the first order instead of a second one. */
  postOrder(input: PostOrderInput): SimulatedOrder {
    const previous = this.requestIds.get(`${input.accountId}:${input.orderRequestId}`);
    if (previous && this.reportsDelayed) throw new TinkoffApiError(tinkoffErrors.duplicateWithoutReport);
    if (previous) return this.orders.get(previous)!;

    const instrument = this.instrument(input.figi);
    if (!this.tradingOpen) throw new TinkoffApiError(tinkoffErrors.notTradable);
    const { bid, ask } = bestPrices(instrument);
    const buying = input.direction === 'ORDER_DIRECTION_BUY';
    let price: string;
    let marketable: boolean;
    if (input.orderType === 'ORDER_TYPE_LIMIT') {
      if (input.price === undefined) throw new TinkoffApiError(tinkoffErrors.missingPrice);
      const limit = new Big(input.price);
      if (limit.lte(0)) throw new TinkoffApiError(tinkoffErrors.pricePositive);
      if (!limit.mod(instrument.minPriceIncrement).eq(0)) throw new TinkoffApiError(tinkoffErrors.priceIncrement);
      const band = priceBand(instrument);
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
      commission: '0',
      orderDate: this.now().toISOString(),
    };
    this.orders.set(order.orderId, order);
    this.requestIds.set(`${input.accountId}:${input.orderRequestId}`, order.orderId);
    if (marketable) this.fill(order, instrument, fee);
    return order;
  }

  cancelOrder(accountId: string, orderId: string): SimulatedOrder {
    const order = this.orders.get(orderId);
    if (!order || order.accountId !== accountId || !activeStatuses.has(order.status)) {
      throw new TinkoffApiError(tinkoffErrors.orderNotFound);
    }
    order.status = 'EXECUTION_REPORT_STATUS_CANCELLED';
    return order;
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, fee: string): void {
    const units = new Big(order.lots).times(instrument.lot);
    const amount = units.times(order.price);
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

    order.status = 'EXECUTION_REPORT_STATUS_FILL';
    order.executedLots = order.lots;
    order.executedPrice = order.price;
    order.commission = fee;
    const date = this.now().toISOString();
    this.operations.push({
      id: order.orderId,
      accountId: order.accountId,
      date,
      type: buying ? 'OPERATION_TYPE_BUY' : 'OPERATION_TYPE_SELL',
      state: 'OPERATION_STATE_EXECUTED',
      figi: order.figi,
      currency: instrument.currency,
      payment: (buying ? amount.times(-1) : amount).toFixed(),
      price: order.price,
      quantity: units.toNumber(),
      quantityDone: units.toNumber(),
      commission: new Big(fee).times(-1).toFixed(),
      description: buying ? 'Покупка ценных бумаг' : 'Продажа ценных бумаг',
    });
    this.operations.push({
      id: `${this.nextNumber++}`,
      accountId: order.accountId,
      date,
      type: 'OPERATION_TYPE_BROKER_FEE',
      state: 'OPERATION_STATE_EXECUTED',
      figi: order.figi,
      currency: instrument.currency,
      payment: new Big(fee).times(-1).toFixed(),
      description: 'Удержание комиссии за операцию',
    });
  }
}
