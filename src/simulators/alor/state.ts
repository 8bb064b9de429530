import Big from 'big.js';
import {
  commissionFor,
  instruments as seedInstruments,
  openingBalances,
  seedHistory,
  seedOrders,
  valueOf,
  type SimulatedInstrument,
  type SimulatedTrade,
} from './data.js';
import { Listeners } from '../common/clock.js';
import type { MarketModel, MarketOptions } from '../common/market.js';
import { marketKey, openAlorMarket } from './market.js';
import type { AlorStateEvent, Holding, OrderRequest, OrderStatus, SimulatedOrder } from './orders.js';
import { AlorRejection, orderRejections } from './wire.js';

/**
 * The mutable world behind the ALOR simulator: roubles and holdings per portfolio, today's
 * orders and trades, past sessions' trades, and the replies remembered per X-REQID.
 *
 * Orders behave as the exchange does from the client's side: a marketable order takes the
 * market's book level by level, with a 0.05 % fee per trade; the rest of a limit order rests in
 * the book as `working`, reserving roubles (buy) or units (sell), until someone's trade fills it
 * or it is cancelled. ALOR's risk check refuses an order that would take roubles or units below
 * zero — the seeded portfolios are not margin accounts. Every change is announced on `events`.
 */

export type { AlorStateEvent, Holding, OrderRequest, OrderStatus, SimulatedOrder, TimeInForce } from './orders.js';

interface PortfolioBook {
  /** Roubles, including what working buy orders reserve. */
  cash: string;
  openingCash: string;
  holdings: Map<string, Holding>;
}

export interface RememberedReply {
  statusCode: number;
  body: unknown;
}

const activeStatuses: ReadonlySet<OrderStatus> = new Set(['working']);

export class AlorSimulatorState {
  /** Copies, so a test may change prices or trading status without touching other simulators. */
  readonly instruments: SimulatedInstrument[] = seedInstruments.map((instrument) => ({ ...instrument }));
  readonly market: MarketModel;
  readonly events = new Listeners<AlorStateEvent>();
  readonly orders = new Map<string, SimulatedOrder>();
  /** Today's session trades (GET …/trades). */
  readonly sessionTrades: SimulatedTrade[] = [];
  /** Past sessions' trades (GET /md/v2/Stats/…/history/trades); today's never move here. */
  readonly historyTrades: SimulatedTrade[] = seedHistory();
  /** Switch: when false every order is refused as ExchangeTradingIsStopped. */
  tradingOpen = true;
  private readonly books = new Map<string, PortfolioBook>();
  private readonly replies = new Map<string, RememberedReply>();
  private nextOrderNumber = 41423838000;
  private nextTradeNumber = 9055212000;

  constructor(
    private readonly now: () => Date = () => new Date(),
    marketOptions: MarketOptions = {},
  ) {
    this.market = openAlorMarket(this.instruments, marketOptions);
    // Someone else's trade reached one of the customers' resting orders.
    this.market.restingFills.add((fill) => {
      const order = this.orders.get(fill.orderId);
      if (order?.status === 'working') this.fill(order, this.instrument(order.exchange, order.symbol)!, fill.lots, fill.price, fill.time);
    });
    for (const [portfolio, balance] of Object.entries(openingBalances)) {
      const holdings = new Map<string, Holding>();
      for (const holding of balance.holdings) {
        const units = String(holding.units);
        holdings.set(marketKey('MOEX', holding.symbol), { exchange: 'MOEX', symbol: holding.symbol, units, averagePrice: holding.averagePrice, openUnits: units });
      }
      this.books.set(portfolio, { cash: balance.cash, openingCash: balance.cash, holdings });
    }
    const start = this.now().getTime();
    for (const seed of seedOrders) {
      const instrument = this.instrument('MOEX', seed.symbol)!;
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
      this.orders.set(order.id, order);
      for (const fill of seed.fills) this.fill(order, instrument, fill.lots, fill.price, start - fill.minutesAgo * 60_000);
      if (seed.finalStatus === 'canceled') {
        order.status = 'canceled';
        order.updatedAt = placedAt + 5 * 60_000;
      }
      if (order.status === 'working') this.rest(order);
    }
  }

  // ---- lookups --------------------------------------------------------------------------

  instrument(exchange: string, symbol: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.exchange === exchange && instrument.symbol === symbol);
  }

  hasBook(portfolio: string): boolean {
    return this.books.has(portfolio);
  }

  cash(portfolio: string): Big {
    return new Big(this.books.get(portfolio)?.cash ?? '0');
  }

  openingCash(portfolio: string): Big {
    return new Big(this.books.get(portfolio)?.openingCash ?? '0');
  }

  /** Every holding listed today on that exchange, closed ones (0 units) included. */
  holdings(portfolio: string, exchange: string): Holding[] {
    return [...(this.books.get(portfolio)?.holdings.values() ?? [])].filter((holding) => holding.exchange === exchange);
  }

  ordersOf(portfolio: string, exchange: string): SimulatedOrder[] {
    return [...this.orders.values()].filter((order) => order.portfolio === portfolio && order.exchange === exchange);
  }

  tradesOf(portfolio: string, exchange: string): SimulatedTrade[] {
    return this.sessionTrades.filter((trade) => trade.portfolio === portfolio && trade.exchange === exchange);
  }

  /** Roubles reserved by working buy orders (remaining units at the limit price, plus accrued interest). */
  reservedCash(portfolio: string): Big {
    return [...this.orders.values()]
      .filter((order) => order.portfolio === portfolio && order.side === 'buy' && activeStatuses.has(order.status))
      .reduce((sum, order) => {
        const instrument = this.instrument(order.exchange, order.symbol)!;
        const units = (order.lots - order.filledLots) * instrument.lotsize;
        return sum.plus(valueOf(instrument, order.price, units)).plus(new Big(instrument.accruedInterest).times(units));
      }, new Big(0));
  }

  /** Units reserved by working sell orders. */
  reservedUnits(portfolio: string, exchange: string, symbol: string): Big {
    return [...this.orders.values()]
      .filter((order) => order.portfolio === portfolio && order.exchange === exchange && order.symbol === symbol)
      .filter((order) => order.side === 'sell' && activeStatuses.has(order.status))
      .reduce((sum, order) => sum.plus((order.lots - order.filledLots) * this.instrument(exchange, symbol)!.lotsize), new Big(0));
  }

  bestPrices(instrument: SimulatedInstrument): { bid: string; ask: string } {
    const { bid, ask } = this.market.best(marketKey(instrument.exchange, instrument.symbol));
    return { bid: bid ?? instrument.lastPrice, ask: ask ?? new Big(instrument.lastPrice).plus(instrument.minstep).toFixed() };
  }

  // ---- X-REQID --------------------------------------------------------------------------

  /** The reply to an earlier command with this id from this login, if any. */
  replyFor(login: string, requestId: string): RememberedReply | undefined {
    return this.replies.get(`${login}\u0000${requestId}`);
  }

  rememberReply(login: string, requestId: string, reply: RememberedReply): void {
    this.replies.set(`${login}\u0000${requestId}`, reply);
  }

  // ---- orders ---------------------------------------------------------------------------

  /** Places an order or throws the AlorRejection ALOR's risk check or the exchange would answer. */
  placeOrder(request: OrderRequest): SimulatedOrder {
    const instrument = this.instrument(request.exchange, request.symbol);
    // An unknown instrument: commandapi's documented 404 (body unspecified, so none).
    if (!instrument) throw new AlorRejection(404);
    if (!Number.isInteger(request.lots) || request.lots <= 0) throw new AlorRejection(400, orderRejections.incorrectQuantity);
    if (!this.tradingOpen || instrument.tradingStatus !== 17) throw new AlorRejection(400, orderRejections.tradingStopped);

    const { bid, ask } = this.bestPrices(instrument);
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
      const free = this.cash(request.portfolio).minus(this.reservedCash(request.portfolio));
      if (free.lt(cost)) throw new AlorRejection(400, orderRejections.uncoveredCurrency);
    } else {
      const held = new Big(this.books.get(request.portfolio)?.holdings.get(marketKey(request.exchange, request.symbol))?.units ?? '0');
      if (held.minus(this.reservedUnits(request.portfolio, request.exchange, request.symbol)).lt(units)) {
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
    this.orders.set(order.id, order);
    this.events.emit({ kind: 'order', order });

    const passiveOnly = order.timeInForce === 'bookorcancel';
    const immediateOnly = order.timeInForce === 'immediateorcancel' || order.timeInForce === 'fillorkill';
    const limit = order.type === 'limit' ? order.price : undefined;
    const key = marketKey(order.exchange, order.symbol);
    // Fill-or-kill takes all of its lots within its limit, or nothing.
    const killed = order.timeInForce === 'fillorkill' && this.market.available(key, order.side, limit) < order.lots;
    if (marketable && !passiveOnly && !killed) {
      for (const fill of this.market.execute(key, order.side, order.lots, limit)) this.fill(order, instrument, fill.lots, fill.price, placedAt);
    }
    if (order.status !== 'working') return order;
    // What is left: a day order rests; a market order, a passive one that would trade, or an immediate one is cancelled.
    if ((marketable && passiveOnly) || immediateOnly || order.type === 'market') this.cancel(order);
    else this.rest(order);
    return order;
  }

  cancelOrder(portfolio: string, orderId: string): SimulatedOrder {
    const order = this.orders.get(orderId);
    if (!order || order.portfolio !== portfolio || !activeStatuses.has(order.status)) {
      throw new AlorRejection(400, orderRejections.orderToCancelNotFound);
    }
    this.cancel(order);
    return order;
  }

  cancelAll(portfolio: string, exchange: string): SimulatedOrder[] {
    const working = this.ordersOf(portfolio, exchange).filter((order) => activeStatuses.has(order.status));
    if (working.length === 0) throw new AlorRejection(400, orderRejections.ordersToCancelNotFound);
    for (const order of working) this.cancelOrder(portfolio, order.id);
    return working;
  }

  /** PUT …/actions/limit/{id}: the old order is cancelled and a new one (new number) placed. */
  replaceOrder(orderId: string, request: OrderRequest): SimulatedOrder {
    const old = this.orders.get(orderId);
    if (!old || old.portfolio !== request.portfolio || !activeStatuses.has(old.status)) {
      throw new AlorRejection(400, orderRejections.orderToModifyNotFound);
    }
    // Release the old order's reservation for the new order's risk check; restore it if refused.
    old.status = 'canceled';
    this.market.cancel(old.id);
    try {
      const replacement = this.placeOrder(request);
      old.updatedAt = replacement.placedAt;
      this.events.emit({ kind: 'order', order: old });
      return replacement;
    } catch (error) {
      old.status = 'working';
      this.rest(old);
      throw error;
    }
  }

  private rest(order: SimulatedOrder): void {
    const side = order.side === 'buy' ? 'bid' : 'ask';
    this.market.rest(marketKey(order.exchange, order.symbol), order.id, side, order.price, order.lots - order.filledLots);
  }

  private cancel(order: SimulatedOrder): void {
    order.status = 'canceled';
    order.updatedAt = this.now().getTime();
    this.market.cancel(order.id);
    this.events.emit({ kind: 'order', order });
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, lots: number, price: string, at: number): void {
    const book = this.books.get(order.portfolio) ?? { cash: '0', openingCash: '0', holdings: new Map<string, Holding>() };
    this.books.set(order.portfolio, book);
    const units = lots * instrument.lotsize;
    const volume = valueOf(instrument, price, units);
    const accruedInterest = new Big(instrument.accruedInterest).times(units);
    const commission = commissionFor(volume);
    const buying = order.side === 'buy';

    const holdingKey = marketKey(order.exchange, order.symbol);
    const held = book.holdings.get(holdingKey) ?? { exchange: order.exchange, symbol: order.symbol, units: '0', averagePrice: '0', openUnits: '0' };
    const heldUnits = new Big(held.units);
    const remaining = buying ? heldUnits.plus(units) : heldUnits.minus(units);
    if (buying) held.averagePrice = heldUnits.times(held.averagePrice).plus(new Big(price).times(units)).div(remaining).round(6, Big.roundHalfUp).toFixed();
    else if (remaining.eq(0)) held.averagePrice = '0';
    held.units = remaining.toFixed();
    book.holdings.set(holdingKey, held);

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
    this.sessionTrades.push(trade);
    this.events.emit({ kind: 'trade', trade });
    this.events.emit({ kind: 'order', order });
  }
}
