import Big from 'big.js';
import { Listeners } from '../common/clock.js';
import type { MarketModel, MarketOptions } from '../common/market.js';
import { CandleSeries } from '../common/candles.js';
import { HistoryFaults } from '../common/history-faults.js';
import { instruments as seedInstruments, openingBalances, seedHistory, valueOf, type SimulatedInstrument, type SimulatedTrade } from './data.js';
import { marketKey, openAlorMarket } from './market.js';

/**
 * The mutable world behind the ALOR simulator: roubles and holdings per portfolio, today's
 * orders and trades, past sessions' trades, the replies remembered per X-REQID, and the market
 * the orders trade on. How orders change it is in ./orders.ts; every change is announced on
 * `events` (the stream simulator's order, trade and position subscriptions listen).
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

export interface Holding {
  exchange: string;
  symbol: string;
  units: string;
  averagePrice: string;
  /** Units at the start of today's session. */
  openUnits: string;
}

/** Announced on every change: an order's new row, a new trade of today's session. */
export type AlorStateEvent = { kind: 'order'; order: SimulatedOrder } | { kind: 'trade'; trade: SimulatedTrade };

export interface PortfolioBook {
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

/** Working: neither filled, cancelled nor rejected. */
export function isActive(order: SimulatedOrder): boolean {
  return activeStatuses.has(order.status);
}

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
  /** The trade history's fault switches (common/history-faults.ts); the history routes apply them. */
  readonly history = new HistoryFaults<SimulatedTrade>(
    (trade) => trade.date,
    () => {
      // New trade numbers, above any the seed uses, in the same order.
      for (const [index, trade] of this.historyTrades.entries()) trade.id = String(9_700_000_000 + this.history.idChanges * 10_000_000 + index);
    },
  );
  /** Every instrument's candles (GET /md/v2/history), centred on its opening price. */
  readonly candles = new CandleSeries(
    this.instruments.map((instrument) => ({ key: `${instrument.exchange}:${instrument.symbol}`, priceStep: instrument.minstep, price: instrument.lastPrice })),
  );
  /** Switch: when false every order is refused as ExchangeTradingIsStopped. */
  tradingOpen = true;
  private readonly books = new Map<string, PortfolioBook>();
  private readonly replies = new Map<string, RememberedReply>();

  constructor(marketOptions: MarketOptions = {}) {
    this.market = openAlorMarket(this.instruments, marketOptions);
    for (const [portfolio, balance] of Object.entries(openingBalances)) {
      const holdings = new Map<string, Holding>();
      for (const holding of balance.holdings) {
        const units = String(holding.units);
        holdings.set(marketKey('MOEX', holding.symbol), { exchange: 'MOEX', symbol: holding.symbol, units, averagePrice: holding.averagePrice, openUnits: units });
      }
      this.books.set(portfolio, { cash: balance.cash, openingCash: balance.cash, holdings });
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
      .filter((order) => order.portfolio === portfolio && order.side === 'buy' && isActive(order))
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
      .filter((order) => order.side === 'sell' && isActive(order))
      .reduce((sum, order) => sum.plus((order.lots - order.filledLots) * this.instrument(exchange, symbol)!.lotsize), new Big(0));
  }

  /** A portfolio's roubles and holdings, created empty for a portfolio that has none yet. */
  bookOf(portfolio: string): PortfolioBook {
    const book = this.books.get(portfolio) ?? { cash: '0', openingCash: '0', holdings: new Map<string, Holding>() };
    this.books.set(portfolio, book);
    return book;
  }

  /** Units held, reserved ones included. */
  heldUnits(portfolio: string, exchange: string, symbol: string): Big {
    return new Big(this.books.get(portfolio)?.holdings.get(marketKey(exchange, symbol))?.units ?? '0');
  }

  // ---- X-REQID --------------------------------------------------------------------------

  /** The reply to an earlier command with this id from this login, if any. */
  replyFor(login: string, requestId: string): RememberedReply | undefined {
    return this.replies.get(`${login}\u0000${requestId}`);
  }

  rememberReply(login: string, requestId: string, reply: RememberedReply): void {
    this.replies.set(`${login}\u0000${requestId}`, reply);
  }
}
