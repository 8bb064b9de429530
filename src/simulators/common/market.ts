import Big from 'big.js';
import { Listeners, SeededRandom, systemClock, type ClockTimer, type SimulatorClock } from './clock.js';
import { InstrumentBook, largestQuantity, visible, type Aggressor, type BookLevel, type BookSide } from './market-book.js';

export type { Aggressor, BookLevel, BookSide } from './market-book.js';

/**
 * A simulated exchange market, one per broker simulator: for each instrument a limit order book
 * (prices exact decimals on the instrument's price step, quantities in lots) and a last trade
 * price. Three things move it:
 *  - `tick()`, a seeded random walk (the same seed makes the same market on every run): someone
 *    trades part of the best level, or liquidity appears inside the spread or changes near the top;
 *  - the customers' own orders, which the broker simulators route here: an aggressive order
 *    consumes the book level by level (`execute`), a resting limit order joins its price level
 *    behind the liquidity already there (`rest`) until it is filled or cancelled;
 *  - `execute` called by a test, as another market participant.
 * A trade sets the last price. The REST orderbook and last-price answers and the stream
 * simulators all read this one model, so what a client polls and what it is pushed agree.
 */

export interface MarketInstrument {
  /** The simulator's own key: a FIGI for T-Invest, `EXCHANGE:SYMBOL` for ALOR. */
  key: string;
  priceStep: string;
  lastPrice: string;
  /** Lots at the index-th level (0 = best) of the opening book: the simulators' former static books. */
  seedQuantity(side: BookSide, index: number): number;
}

export interface BookView {
  bids: BookLevel[];
  asks: BookLevel[];
  /** When the book last changed (epoch ms). */
  time: number;
}

export interface MarketFill {
  price: string;
  lots: number;
  tradeId: string;
  /** Set when a customer's resting order was on the other side of this fill. */
  restingOrderId?: string;
}

export type MarketChange =
  | { kind: 'book'; key: string; time: number }
  | { kind: 'trade'; key: string; price: string; lots: number; aggressor: Aggressor; time: number; tradeId: string };

export interface RestingFill {
  key: string;
  orderId: string;
  price: string;
  lots: number;
  tradeId: string;
  time: number;
}

export interface MarketOptions {
  /** Seed of the random walk. Default 1. */
  seed?: number;
  clock?: SimulatorClock;
}

export class MarketModel {
  /** Every book change and every trade, in the order they happen. */
  readonly changes = new Listeners<MarketChange>();
  /** Fills of customers' resting orders, for the broker simulator to book. */
  readonly restingFills = new Listeners<RestingFill>();
  readonly clock: SimulatorClock;
  private readonly books = new Map<string, InstrumentBook>();
  private readonly restingIndex = new Map<string, { key: string; side: BookSide }>();
  private readonly random: SeededRandom;
  private nextTrade = 7653265991;
  private ticker: ClockTimer | undefined;

  constructor(instruments: readonly MarketInstrument[], options: MarketOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.random = new SeededRandom(options.seed ?? 1);
    for (const instrument of instruments) {
      const book = new InstrumentBook(instrument.key, new Big(instrument.priceStep), instrument.lastPrice, this.clock.now(), instrument.seedQuantity);
      this.books.set(instrument.key, book);
    }
  }

  get keys(): string[] {
    return [...this.books.keys()];
  }

  has(key: string): boolean {
    return this.books.has(key);
  }

  /** The top `depth` levels of each side, best first. */
  book(key: string, depth: number): BookView {
    const book = this.instrument(key);
    return { bids: book.top('bid', depth), asks: book.top('ask', depth), time: book.time };
  }

  best(key: string): { bid: string | undefined; ask: string | undefined } {
    const { bids, asks } = this.book(key, 1);
    return { bid: bids[0]?.price, ask: asks[0]?.price };
  }

  lastPrice(key: string): string {
    return this.instrument(key).lastPrice;
  }

  /** Lots an aggressive order could take at prices no worse than `limit` (all levels without one). */
  available(key: string, aggressor: Aggressor, limit?: string): number {
    return this.instrument(key).available(aggressor, limit);
  }

  /**
   * An aggressive order: takes the best levels, background liquidity before the customers'
   * resting orders at each level, up to `lots` and no further than `limit`.
   */
  execute(key: string, aggressor: Aggressor, lots: number, limit?: string): MarketFill[] {
    const book = this.instrument(key);
    const time = this.clock.now();
    const fills: MarketFill[] = book.take(aggressor, lots, limit).map((taken) => ({ ...taken, tradeId: String(this.nextTrade++) }));
    if (fills.length === 0) return fills;
    for (const fill of fills) if (fill.restingOrderId && !this.restingLots(fill.restingOrderId)) this.restingIndex.delete(fill.restingOrderId);
    book.lastPrice = fills.at(-1)!.price;
    book.time = time;
    book.replenish(this.random);
    for (const fill of fills) this.changes.emit({ kind: 'trade', key, price: fill.price, lots: fill.lots, aggressor, time, tradeId: fill.tradeId });
    this.changes.emit({ kind: 'book', key, time });
    for (const fill of fills) {
      if (fill.restingOrderId) this.restingFills.emit({ key, orderId: fill.restingOrderId, price: fill.price, lots: fill.lots, tradeId: fill.tradeId, time });
    }
    return fills;
  }

  /** A customer's limit order joins the back of its price level. */
  rest(key: string, orderId: string, side: BookSide, price: string, lots: number): void {
    const book = this.instrument(key);
    book.levelAt(side, new Big(price)).resting.push({ orderId, lots });
    this.restingIndex.set(orderId, { key, side });
    this.touched(book);
  }

  /** Takes a resting order out of the book (cancelled); false when it is not there. */
  cancel(orderId: string): boolean {
    const place = this.restingIndex.get(orderId);
    if (!place) return false;
    this.restingIndex.delete(orderId);
    const book = this.instrument(place.key);
    book.remove(place.side, orderId);
    this.touched(book);
    return true;
  }

  /** One step of the random walk for each instrument (or the ones named). */
  tick(keys: readonly string[] = this.keys): void {
    for (const key of keys) this.walk(this.instrument(key));
  }

  /**
   * Ticks by itself, each instrument `ticksPerSecond` times a second, until stopped (0 stops).
   * The instruments take turns, spread evenly over each interval, as real books move each on its
   * own: five books at 10 a second are five steps 20 ms apart, not five at once every 100 ms.
   */
  startTicking(ticksPerSecond: number, keys: readonly string[] = this.keys): void {
    this.stopTicking();
    if (!(ticksPerSecond > 0) || keys.length === 0) return;
    const step = 1000 / ticksPerSecond / keys.length;
    let turn = 0;
    const schedule = () => {
      this.ticker = this.clock.after(step, () => {
        this.tick([keys[turn]!]);
        turn = (turn + 1) % keys.length;
        schedule();
      });
    };
    schedule();
  }

  stopTicking(): void {
    this.ticker?.cancel();
    this.ticker = undefined;
  }

  get ticking(): boolean {
    return this.ticker !== undefined;
  }

  private walk(book: InstrumentBook): void {
    const roll = this.random.below(3);
    const aggressor: Aggressor = roll === 0 ? 'buy' : 'sell';
    const top = book.opposite(aggressor)[0];
    if (roll < 2 && top) {
      // Someone trades part of the best level (never deeper: one tick, one price).
      this.execute(book.key, aggressor, 1 + this.random.below(Math.min(visible(top), 50)), top.text);
      return;
    }
    const bid = book.bids[0]?.price;
    const ask = book.asks[0]?.price;
    const side: BookSide = this.random.below(2) === 0 ? 'bid' : 'ask';
    if (bid && ask && ask.minus(bid).gt(book.step)) {
      // A gap: new liquidity one step inside the spread, so prices walk rather than drift away.
      const price = side === 'bid' ? bid.plus(book.step) : ask.minus(book.step);
      book.levelAt(side, price).background += 1 + this.random.below(largestQuantity);
    } else {
      const levels = book.side(side);
      const changed = levels[this.random.below(Math.min(10, levels.length))];
      if (changed) changed.background = Math.max(1, changed.background + this.random.below(41) - 20);
    }
    book.replenish(this.random);
    this.touched(book);
  }

  private touched(book: InstrumentBook): void {
    book.time = this.clock.now();
    this.changes.emit({ kind: 'book', key: book.key, time: book.time });
  }

  /** Lots of a resting order still in the book. */
  private restingLots(orderId: string): number {
    const place = this.restingIndex.get(orderId);
    const level = place ? this.instrument(place.key).side(place.side).find((entry) => entry.resting.some((order) => order.orderId === orderId)) : undefined;
    return level?.resting.find((order) => order.orderId === orderId)?.lots ?? 0;
  }

  private instrument(key: string): InstrumentBook {
    const book = this.books.get(key);
    if (!book) throw new Error(`the simulated market has no instrument ${key}`);
    return book;
  }
}
