import Big from 'big.js';
import { commissionFor, seedOrders, valueOf, type SimulatedInstrument, type SimulatedTrade } from './data.js';
import { AlorRejection, orderRejections } from './errors.js';
import { bestPrices, marketKey } from './market.js';
import { isActive, type AlorSimulatorState, type SimulatedOrder, type TimeInForce } from './state.js';

/**
 * How orders execute at the simulated ALOR, as the exchange does from the client's side: a
 * marketable order takes the market's book level by level, with a 0.05 % fee per trade; the rest
 * of a limit order rests in the book as `working`, reserving roubles (buy) or units (sell), until
 * someone's trade fills it or it is cancelled. ALOR's risk check refuses an order that would take
 * roubles or units below zero — the seeded portfolios are not margin accounts. Every change is
 * announced on the state's `events`.
 */

export interface OrderRequest {
  portfolio: string;
  exchange: string;
  symbol: string;
  side: 'buy' | 'sell';
  lots: number;
  type: 'limit' | 'market';
  /** Required for limit orders. */
  price?: string;
  timeInForce: TimeInForce;
  comment: string | null;
  iceberg: SimulatedOrder['iceberg'];
}

export class AlorOrders {
  private nextOrderNumber = 41423838000;
  private nextTradeNumber = 9055212000;

  constructor(
    private readonly state: AlorSimulatorState,
    private readonly now: () => Date,
  ) {
    // Someone else's trade reached one of the customers' resting orders.
    state.market.restingFills.add((fill) => {
      const order = state.orders.get(fill.orderId);
      if (order && isActive(order)) this.fill(order, state.instrument(order.exchange, order.symbol)!, fill.lots, fill.price, fill.time);
    });
    this.seedOrders();
  }

  /** Places an order or throws the AlorRejection ALOR's risk check or the exchange would answer. */
  place(request: OrderRequest): SimulatedOrder {
    const instrument = this.state.instrument(request.exchange, request.symbol);
    // An unknown instrument: commandapi's documented 404 (body unspecified, so none).
    if (!instrument) throw new AlorRejection(404);
    if (!Number.isInteger(request.lots) || request.lots <= 0) throw new AlorRejection(400, orderRejections.incorrectQuantity);
    if (!this.state.tradingOpen || instrument.tradingStatus !== 17) throw new AlorRejection(400, orderRejections.tradingStopped);

    const { bid, ask } = bestPrices(this.state.market, instrument);
    const buying = request.side === 'buy';
    let marketable = true;
    if (request.type === 'limit') {
      const limit = new Big(request.price ?? '0');
      if (limit.lte(0) || !limit.mod(instrument.minstep).eq(0)) throw new AlorRejection(400, orderRejections.priceNotOnStep);
      if (limit.lt(instrument.priceMin) || limit.gt(instrument.priceMax)) throw new AlorRejection(400, orderRejections.priceOutsideLimits);
      marketable = buying ? limit.gte(ask) : limit.lte(bid);
    }
    const fillPrice = buying ? ask : bid;
    const units = request.lots * instrument.lotsize;
    if (buying) {
      // A resting buy reserves its limit price; a marketable one pays the ask (never more than its limit).
      const price = marketable ? fillPrice : request.price!;
      const volume = valueOf(instrument, price, units);
      const cost = volume.plus(new Big(instrument.accruedInterest).times(units)).plus(commissionFor(volume));
      const free = this.state.cash(request.portfolio).minus(this.state.reservedCash(request.portfolio));
      if (free.lt(cost)) throw new AlorRejection(400, orderRejections.uncoveredCurrency);
    } else {
      const held = this.state.heldUnits(request.portfolio, request.exchange, request.symbol);
      if (held.minus(this.state.reservedUnits(request.portfolio, request.exchange, request.symbol)).lt(units)) {
        throw new AlorRejection(400, orderRejections.uncoveredInstrument);
      }
    }

    const placedAt = this.now().getTime();
    const order: SimulatedOrder = {
      id: String(this.nextOrderNumber++),
      portfolio: request.portfolio,
      exchange: request.exchange,
      symbol: request.symbol,
      board: instrument.board,
      type: request.type,
      side: request.side,
      status: 'working',
      lots: request.lots,
      filledLots: 0,
      price: request.type === 'limit' ? new Big(request.price!).toFixed() : '0',
      // MOEX turns "at the close" into fill-or-kill (SPEC, flag timeInForce).
      timeInForce: request.timeInForce === 'attheclose' && request.exchange === 'MOEX' ? 'fillorkill' : request.timeInForce,
      comment: request.comment,
      iceberg: request.iceberg,
      placedAt,
      updatedAt: placedAt,
    };
    this.state.orders.set(order.id, order);
    this.state.events.emit({ kind: 'order', order });

    const passiveOnly = order.timeInForce === 'bookorcancel';
    const immediateOnly = order.timeInForce === 'immediateorcancel' || order.timeInForce === 'fillorkill';
    const limit = order.type === 'limit' ? order.price : undefined;
    const key = marketKey(order.exchange, order.symbol);
    // Fill-or-kill takes all of its lots within its limit, or nothing.
    const killed = order.timeInForce === 'fillorkill' && this.state.market.available(key, order.side, limit) < order.lots;
    if (marketable && !passiveOnly && !killed) {
      for (const fill of this.state.market.execute(key, order.side, order.lots, limit)) this.fill(order, instrument, fill.lots, fill.price, placedAt);
    }
    if (!isActive(order)) return order;
    // What is left: a day order rests; a market order, a passive one that would trade, or an immediate one is cancelled.
    if ((marketable && passiveOnly) || immediateOnly || order.type === 'market') this.close(order);
    else this.rest(order);
    return order;
  }

  cancel(portfolio: string, orderId: string): SimulatedOrder {
    const order = this.state.orders.get(orderId);
    if (!order || order.portfolio !== portfolio || !isActive(order)) {
      throw new AlorRejection(400, orderRejections.orderToCancelNotFound);
    }
    this.close(order);
    return order;
  }

  cancelAll(portfolio: string, exchange: string): SimulatedOrder[] {
    const working = this.state.ordersOf(portfolio, exchange).filter((order) => isActive(order));
    if (working.length === 0) throw new AlorRejection(400, orderRejections.ordersToCancelNotFound);
    for (const order of working) this.cancel(portfolio, order.id);
    return working;
  }

  /** PUT …/actions/limit/{id}: the old order is cancelled and a new one (new number) placed. */
  replace(orderId: string, request: OrderRequest): SimulatedOrder {
    const old = this.state.orders.get(orderId);
    if (!old || old.portfolio !== request.portfolio || !isActive(old)) {
      throw new AlorRejection(400, orderRejections.orderToModifyNotFound);
    }
    // Release the old order's reservation for the new order's risk check; restore it if refused.
    old.status = 'canceled';
    this.state.market.cancel(old.id);
    try {
      const replacement = this.place(request);
      old.updatedAt = replacement.placedAt;
      this.state.events.emit({ kind: 'order', order: old });
      return replacement;
    } catch (error) {
      old.status = 'working';
      this.rest(old);
      throw error;
    }
  }

  /** What is left of a working order joins its price level in the market's book. */
  private rest(order: SimulatedOrder): void {
    const side = order.side === 'buy' ? 'bid' : 'ask';
    this.state.market.rest(marketKey(order.exchange, order.symbol), order.id, side, order.price, order.lots - order.filledLots);
  }

  /** Cancels what is left of a working order: out of the book, and announced. */
  private close(order: SimulatedOrder): void {
    order.status = 'canceled';
    order.updatedAt = this.now().getTime();
    this.state.market.cancel(order.id);
    this.state.events.emit({ kind: 'order', order });
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, lots: number, price: string, at: number): void {
    const book = this.state.bookOf(order.portfolio);
    const units = lots * instrument.lotsize;
    const volume = valueOf(instrument, price, units);
    const accruedInterest = new Big(instrument.accruedInterest).times(units);
    const commission = commissionFor(volume);
    const buying = order.side === 'buy';

    const heldKey = marketKey(order.exchange, order.symbol);
    const held = book.holdings.get(heldKey) ?? { exchange: order.exchange, symbol: order.symbol, units: '0', averagePrice: '0', openUnits: '0' };
    const heldUnits = new Big(held.units);
    const remaining = buying ? heldUnits.plus(units) : heldUnits.minus(units);
    if (buying) held.averagePrice = heldUnits.times(held.averagePrice).plus(new Big(price).times(units)).div(remaining).round(6, Big.roundHalfUp).toFixed();
    else if (remaining.eq(0)) held.averagePrice = '0';
    held.units = remaining.toFixed();
    book.holdings.set(heldKey, held);

    const settlement = buying ? volume.plus(accruedInterest).plus(commission).times(-1) : volume.plus(accruedInterest).minus(commission);
    book.cash = new Big(book.cash).plus(settlement).toFixed();

    order.filledLots += lots;
    order.updatedAt = at;
    if (order.filledLots === order.lots) order.status = 'filled';
    const trade: SimulatedTrade = {
      id: String(this.nextTradeNumber++),
      orderId: order.id,
      portfolio: order.portfolio,
      exchange: order.exchange,
      symbol: order.symbol,
      board: order.board,
      date: at,
      units,
      lots,
      price: new Big(price).toFixed(),
      accruedInterest: accruedInterest.toFixed(),
      side: order.side,
      commission: commission.toFixed(),
      volume: volume.toFixed(),
      comment: order.comment,
    };
    this.state.sessionTrades.push(trade);
    this.state.events.emit({ kind: 'trade', trade });
    this.state.events.emit({ kind: 'order', order });
  }

  /** Today's seeded orders, some partly or wholly filled, placed before the simulator started. */
  private seedOrders(): void {
    const start = this.now().getTime();
    for (const seed of seedOrders) {
      const instrument = this.state.instrument('MOEX', seed.symbol)!;
      const placedAt = start - seed.placedMinutesAgo * 60_000;
      const order: SimulatedOrder = {
        id: seed.id,
        portfolio: seed.portfolio,
        exchange: 'MOEX',
        symbol: seed.symbol,
        board: instrument.board,
        type: seed.type,
        side: seed.side,
        status: 'working',
        lots: seed.lots,
        filledLots: 0,
        price: seed.price ?? '0',
        timeInForce: 'oneday',
        comment: seed.comment,
        iceberg: null,
        placedAt,
        updatedAt: placedAt,
      };
      this.state.orders.set(order.id, order);
      for (const fill of seed.fills) this.fill(order, instrument, fill.lots, fill.price, start - fill.minutesAgo * 60_000);
      if (seed.finalStatus === 'canceled') {
        order.status = 'canceled';
        order.updatedAt = placedAt + 5 * 60_000;
      }
      if (isActive(order)) this.rest(order);
    }
  }
}
