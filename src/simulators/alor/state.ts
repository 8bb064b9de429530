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
import { AlorRejection, orderRejections } from './wire.js';

/**
 * The mutable world behind the ALOR simulator: roubles and holdings per portfolio, today's
 * orders and trades, past sessions' trades, and the replies remembered per X-REQID.
 *
 * Orders behave as the exchange does from the client's side: a marketable order fills at once
 * and completely at the best opposite price (best bid = last price, best ask = one step above),
 * with a 0.05 % fee; any other limit order rests as `working` and reserves roubles (buy) or
 * units (sell) until it is cancelled. ALOR's risk check refuses an order that would take roubles
 * or units below zero — the seeded portfolios are not margin accounts.
 */

export type OrderStatus = 'working' | 'filled' | 'canceled' | 'rejected';
export type TimeInForce = 'oneday' | 'immediateorcancel' | 'fillorkill' | 'attheclose' | 'goodtillcancelled' | 'bookorcancel';

export interface SimulatedOrder {
  id: string;
  portfolio: string;
  exchange: string;
  symbol: string;
  board: string;
  type: 'limit' | 'market';
  side: 'buy' | 'sell';
  status: OrderStatus;
  lots: number;
  filledLots: number;
  /** The limit price; '0' for a market order. */
  price: string;
  timeInForce: TimeInForce;
  comment: string | null;
  iceberg: { fixedLots: number; variancePercent: number } | null;
  placedAt: number;
  updatedAt: number;
}

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

export interface Holding {
  exchange: string;
  symbol: string;
  units: string;
  averagePrice: string;
  /** Units at the start of today's session. */
  openUnits: string;
}

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

  constructor(private readonly now: () => Date = () => new Date()) {
    for (const [portfolio, balance] of Object.entries(openingBalances)) {
      const holdings = new Map<string, Holding>();
      for (const holding of balance.holdings) {
        const units = String(holding.units);
        holdings.set(key('MOEX', holding.symbol), { exchange: 'MOEX', symbol: holding.symbol, units, averagePrice: holding.averagePrice, openUnits: units });
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
    return { bid: instrument.lastPrice, ask: new Big(instrument.lastPrice).plus(instrument.minstep).toFixed() };
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
      const held = new Big(this.books.get(request.portfolio)?.holdings.get(key(request.exchange, request.symbol))?.units ?? '0');
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

    const passiveOnly = order.timeInForce === 'bookorcancel';
    const immediateOnly = order.timeInForce === 'immediateorcancel' || order.timeInForce === 'fillorkill';
    if (marketable && !passiveOnly) this.fill(order, instrument, order.lots, fillPrice, placedAt);
    else if (marketable || immediateOnly) order.status = 'canceled';
    return order;
  }

  cancelOrder(portfolio: string, orderId: string): SimulatedOrder {
    const order = this.orders.get(orderId);
    if (!order || order.portfolio !== portfolio || !activeStatuses.has(order.status)) {
      throw new AlorRejection(400, orderRejections.orderToCancelNotFound);
    }
    order.status = 'canceled';
    order.updatedAt = this.now().getTime();
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
    try {
      const replacement = this.placeOrder(request);
      old.updatedAt = replacement.placedAt;
      return replacement;
    } catch (error) {
      old.status = 'working';
      throw error;
    }
  }

  private fill(order: SimulatedOrder, instrument: SimulatedInstrument, lots: number, price: string, at: number): void {
    const book = this.books.get(order.portfolio) ?? { cash: '0', openingCash: '0', holdings: new Map<string, Holding>() };
    this.books.set(order.portfolio, book);
    const units = lots * instrument.lotsize;
    const volume = valueOf(instrument, price, units);
    const accruedInterest = new Big(instrument.accruedInterest).times(units);
    const commission = commissionFor(volume);
    const buying = order.side === 'buy';

    const holdingKey = key(order.exchange, order.symbol);
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
    this.sessionTrades.push({
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
    });
  }
}

function key(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}
