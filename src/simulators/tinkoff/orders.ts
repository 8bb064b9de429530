import Big from 'big.js';
import type { MarketFill } from '../common/market.js';
import { commissionRates, seedOrders, type SeedOperation, type SimulatedInstrument } from './data.js';
import { TinkoffApiError, tinkoffErrors } from './errors.js';
import { bestPrices, priceBand } from './market.js';
import { isActive, type Holding, type SimulatedOrder, type TinkoffOrderEvent, type TinkoffSimulatorState } from './state.js';

/**
 * How orders execute at the simulated T-Invest, as an exchange does from the customer's view: a
 * marketable order takes the market's book level by level (a 0.05% broker fee per fill, as a
 * separate operation); the rest of a limit order rests in the book, blocking cash or securities,
 * until someone's trade fills it or it is cancelled, and the rest of a market order is cancelled.
 * Every change of an order is announced on the state's `events`.
 */

export interface PostOrderInput {
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  lots: number;
  price: string | undefined;
  orderRequestId: string;
}

export class TinkoffOrders {
  /** The client's orderId (per account) → the order it placed: PostOrder's idempotency. */
  private readonly requestIds = new Map<string, string>();
  private nextNumber = 52219000000;

  constructor(
    private readonly state: TinkoffSimulatorState,
    private readonly now: () => Date,
  ) {
    // Someone else's trade reached one of the customers' resting orders.
    state.market.restingFills.add((fill) => {
      const order = state.orders.get(fill.orderId);
      if (order && isActive(order)) this.fill(order, state.instrument(order.figi), fill);
    });
    this.seedOrders();
  }

  /** PostOrder: a repeated orderId (per account) returns the first order instead of a second one. */
  post(input: PostOrderInput): SimulatedOrder {
    const previous = this.requestIds.get(`${input.accountId}:${input.orderRequestId}`);
    if (previous && this.state.reportsDelayed) throw new TinkoffApiError(tinkoffErrors.duplicateWithoutReport);
    if (previous) return this.state.orders.get(previous)!;

    const instrument = this.state.instrument(input.figi);
    if (!this.state.tradingOpen) throw new TinkoffApiError(tinkoffErrors.notTradable);
    const { bid, ask } = bestPrices(this.state.market, instrument);
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
    const fee = marketable ? commissionFor(instrument, amount) : '0';
    if (buying) {
      const free = new Big(this.state.totalCash(input.accountId).get(instrument.currency) ?? '0').minus(
        this.state.blockedCash(input.accountId).get(instrument.currency) ?? '0',
      );
      if (free.lt(amount.plus(fee))) throw new TinkoffApiError(tinkoffErrors.notEnoughBalance);
    } else {
      const held = new Big(this.state.securities(input.accountId).get(input.figi)?.quantity ?? '0');
      if (held.minus(this.state.blockedUnits(input.accountId, input.figi)).lt(units)) {
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
    this.state.orders.set(order.orderId, order);
    this.requestIds.set(`${input.accountId}:${input.orderRequestId}`, order.orderId);
    this.announce('placed', order);
    if (this.state.exchangeRejectsNext > 0) {
      this.state.exchangeRejectsNext -= 1;
      order.status = 'EXECUTION_REPORT_STATUS_REJECTED';
      this.announce('rejected', order);
      return order;
    }
    const limit = input.orderType === 'ORDER_TYPE_LIMIT' ? new Big(input.price!).toFixed() : undefined;
    if (marketable) {
      for (const fill of this.state.market.execute(input.figi, buying ? 'buy' : 'sell', order.lots, limit)) this.fill(order, instrument, fill);
    }
    const left = order.lots - order.executedLots;
    if (left > 0 && limit === undefined) {
      // A market order takes what the book has; the exchange cancels the rest.
      order.status = 'EXECUTION_REPORT_STATUS_CANCELLED';
      this.announce('cancelled', order);
    } else if (left > 0) {
      order.price = limit!;
      this.state.market.rest(input.figi, order.orderId, buying ? 'bid' : 'ask', limit!, left);
      if (order.executedLots === 0) this.announce('booked', order);
    }
    return order;
  }

  cancel(accountId: string, orderId: string): SimulatedOrder {
    const order = this.state.orders.get(orderId);
    if (!order || order.accountId !== accountId || !isActive(order)) throw new TinkoffApiError(tinkoffErrors.orderNotFound);
    order.status = 'EXECUTION_REPORT_STATUS_CANCELLED';
    this.state.market.cancel(order.orderId);
    this.announce('cancelled', order);
    return order;
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, fill: Pick<MarketFill, 'price' | 'lots' | 'tradeId'>): void {
    const units = new Big(fill.lots).times(instrument.lot);
    const amount = units.times(fill.price);
    const fee = commissionFor(instrument, amount);
    const buying = order.direction === 'ORDER_DIRECTION_BUY';
    const holdings = this.state.holdings.get(order.accountId) ?? new Map<string, Holding>();
    this.state.holdings.set(order.accountId, holdings);
    const held = holdings.get(order.figi) ?? { quantity: '0', averagePrice: '0' };
    const quantity = buying ? new Big(held.quantity).plus(units) : new Big(held.quantity).minus(units);
    const averagePrice = buying
      ? new Big(held.quantity).times(held.averagePrice).plus(amount).div(quantity).round(9, Big.roundHalfUp).toFixed()
      : held.averagePrice;
    if (quantity.eq(0)) holdings.delete(order.figi);
    else holdings.set(order.figi, { quantity: quantity.toFixed(), averagePrice });

    const cash = this.state.cash.get(order.accountId) ?? new Map<string, string>();
    this.state.cash.set(order.accountId, cash);
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
    this.state.operations.push(
      ...fillOperations(order, instrument, { ...fill, units, amount, fee, date, tradeOperationId, feeOperationId: String(this.nextNumber++) }),
    );
    this.state.events.emit({ kind: 'filled', order, trade: { tradeId: fill.tradeId, price: fill.price, lots: fill.lots, time: date }, time: date });
  }

  private announce(kind: Exclude<TinkoffOrderEvent['kind'], 'filled'>, order: SimulatedOrder): void {
    this.state.events.emit({ kind, order, time: this.now().toISOString() });
  }

  /** The seeded resting orders, some partly filled at their limit, in the book since before the simulator started. */
  private seedOrders(): void {
    for (const seed of seedOrders) {
      this.state.orders.set(seed.orderId, {
        ...seed,
        status: seed.executedLots > 0 ? 'EXECUTION_REPORT_STATUS_PARTIALLYFILL' : 'EXECUTION_REPORT_STATUS_NEW',
        // A resting limit order's fills so far were at its limit.
        executedPrice: seed.executedLots > 0 ? seed.price : undefined,
        executedValue: new Big(seed.price).times(seed.executedLots).toFixed(),
        commission: '0',
      });
      this.requestIds.set(`${seed.accountId}:${seed.orderRequestId}`, seed.orderId);
      const side = seed.direction === 'ORDER_DIRECTION_BUY' ? 'bid' : 'ask';
      this.state.market.rest(seed.figi, seed.orderId, side, seed.price, seed.lots - seed.executedLots);
    }
  }
}

/** The broker's fee for a trade of `amount` (commissionRates), to kopecks. */
export function commissionFor(instrument: SimulatedInstrument, amount: Big): string {
  return amount.times(commissionRates[instrument.instrumentType]).round(2, Big.roundHalfUp).toFixed();
}

interface FillAccounting {
  price: string;
  units: Big;
  amount: Big;
  fee: string;
  date: string;
  tradeOperationId: string;
  feeOperationId: string;
}

/** What one fill leaves in the account's operations: the trade, and the broker's fee apart. */
function fillOperations(order: SimulatedOrder, instrument: SimulatedInstrument, fill: FillAccounting): SeedOperation[] {
  const buying = order.direction === 'ORDER_DIRECTION_BUY';
  const common = { accountId: order.accountId, date: fill.date, state: 'OPERATION_STATE_EXECUTED' as const, figi: order.figi, currency: instrument.currency };
  const fee = new Big(fill.fee).times(-1).toFixed();
  return [
    {
      ...common,
      id: fill.tradeOperationId,
      type: buying ? 'OPERATION_TYPE_BUY' : 'OPERATION_TYPE_SELL',
      payment: (buying ? fill.amount.times(-1) : fill.amount).toFixed(),
      price: fill.price,
      quantity: fill.units.toNumber(),
      quantityDone: fill.units.toNumber(),
      commission: fee,
      description: buying ? 'Покупка ценных бумаг' : 'Продажа ценных бумаг',
    },
    { ...common, id: fill.feeOperationId, type: 'OPERATION_TYPE_BROKER_FEE', payment: fee, description: 'Удержание комиссии за операцию' },
  ];
}
