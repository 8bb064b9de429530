import Big from 'big.js';
import { Listeners, SeededRandom, systemClock, type ClockTimer, type SimulatorClock } from './clock.js';

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

export type BookSide = 'bid' | 'ask';
export type Aggressor = 'buy' | 'sell';

export interface MarketInstrument {
  /** The simulator's own key: a FIGI for T-Invest, `EXCHANGE:SYMBOL` for ALOR. */
  key: string;
  priceStep: string;
  lastPrice: string;
  /** Lots at the index-th level (0 = best) of the opening book: the simulators' former static books. */
  seedQuantity(side: BookSide, index: number): number;
}

export interface BookLevel {
  price: string;
  /** Lots. */
  quantity: number;
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

/** Levels kept on each side: T-Invest's deepest book (50), and ALOR's maximum depth too. */
const levelsPerSide = 50;
/** New liquidity arrives in 1–400 lots, the range of the simulators' former static books. */
const largestQuantity = 400;

interface Level {
  price: Big;
  text: string;
  background: number;
  resting: Array<{ orderId: string; lots: number }>;
}

interface InstrumentMarket {
  key: string;
  step: Big;
  bids: Level[];
  asks: Level[];
  lastPrice: string;
  time: number;
}

const visible = (level: Level) => level.background + level.resting.reduce((sum, order) => sum + order.lots, 0);

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
  private readonly markets = new Map<string, InstrumentMarket>();
  private readonly restingIndex = new Map<string, { key: string; side: BookSide }>();
  private readonly random: SeededRandom;
  private nextTrade = 7653265991;
  private ticker: ClockTimer | undefined;

  constructor(instruments: readonly MarketInstrument[], options: MarketOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.random = new SeededRandom(options.seed ?? 1);
    const time = this.clock.now();
    for (const instrument of instruments) {
      const step = new Big(instrument.priceStep);
      const bid = new Big(instrument.lastPrice);
      const ask = bid.plus(step);
      const side = (start: Big, direction: 1 | -1, name: BookSide) =>
        Array.from({ length: levelsPerSide }, (_, index) => level(start.plus(step.times(index * direction)), instrument.seedQuantity(name, index)));
      this.markets.set(instrument.key, {
        key: instrument.key,
        step,
        bids: side(bid, -1, 'bid').filter((entry) => entry.price.gt(0)),
        asks: side(ask, 1, 'ask'),
        lastPrice: bid.toFixed(),
        time,
      });
    }
  }

  get keys(): string[] {
    return [...this.markets.keys()];
  }

  has(key: string): boolean {
    return this.markets.has(key);
  }

  /** The top `depth` levels of each side, best first. */
  book(key: string, depth: number): BookView {
    const market = this.market(key);
    const top = (levels: Level[]) =>
      levels
        .filter((entry) => visible(entry) > 0)
        .slice(0, depth)
        .map((entry) => ({ price: entry.text, quantity: visible(entry) }));
    return { bids: top(market.bids), asks: top(market.asks), time: market.time };
  }

  best(key: string): { bid: string | undefined; ask: string | undefined } {
    const { bids, asks } = this.book(key, 1);
    return { bid: bids[0]?.price, ask: asks[0]?.price };
  }

  lastPrice(key: string): string {
    return this.market(key).lastPrice;
  }

  /** Lots an aggressive order could take at prices no worse than `limit` (all levels without one). */
  available(key: string, aggressor: Aggressor, limit?: string): number {
    const levels = aggressor === 'buy' ? this.market(key).asks : this.market(key).bids;
    return levels.filter((entry) => withinLimit(entry, aggressor, limit)).reduce((sum, entry) => sum + visible(entry), 0);
  }

  /**
   * An aggressive order: takes the best levels, background liquidity before the customers'
   * resting orders at each level, up to `lots` and no further than `limit`.
   */
  execute(key: string, aggressor: Aggressor, lots: number, limit?: string): MarketFill[] {
    const market = this.market(key);
    const levels = aggressor === 'buy' ? market.asks : market.bids;
    const time = this.clock.now();
    const fills: MarketFill[] = [];
    const restingFills: RestingFill[] = [];
    let remaining = lots;
    while (remaining > 0 && levels[0] && withinLimit(levels[0], aggressor, limit)) {
      const top = levels[0];
      const fromBackground = Math.min(top.background, remaining);
      if (fromBackground > 0) {
        top.background -= fromBackground;
        remaining -= fromBackground;
        fills.push({ price: top.text, lots: fromBackground, tradeId: this.tradeId() });
      }
      while (remaining > 0 && top.resting[0]) {
        const resting = top.resting[0];
        const taken = Math.min(resting.lots, remaining);
        resting.lots -= taken;
        remaining -= taken;
        const fill = { price: top.text, lots: taken, tradeId: this.tradeId(), restingOrderId: resting.orderId };
        fills.push(fill);
        restingFills.push({ key, orderId: resting.orderId, price: fill.price, lots: taken, tradeId: fill.tradeId, time });
        if (resting.lots === 0) {
          top.resting.shift();
          this.restingIndex.delete(resting.orderId);
        }
      }
      if (visible(top) === 0) levels.shift();
    }
    if (fills.length === 0) return fills;
    market.lastPrice = fills.at(-1)!.price;
    market.time = time;
    this.replenish(market);
    for (const fill of fills) this.changes.emit({ kind: 'trade', key, price: fill.price, lots: fill.lots, aggressor, time, tradeId: fill.tradeId });
    this.changes.emit({ kind: 'book', key, time });
    for (const fill of restingFills) this.restingFills.emit(fill);
    return fills;
  }

  /** A customer's limit order joins the back of its price level. */
  rest(key: string, orderId: string, side: BookSide, price: string, lots: number): void {
    const market = this.market(key);
    this.levelAt(market, side, new Big(price)).resting.push({ orderId, lots });
    this.restingIndex.set(orderId, { key, side });
    market.time = this.clock.now();
    this.changes.emit({ kind: 'book', key, time: market.time });
  }

  /** Takes a resting order out of the book (cancelled); false when it is not there. */
  cancel(orderId: string): boolean {
    const place = this.restingIndex.get(orderId);
    if (!place) return false;
    this.restingIndex.delete(orderId);
    const market = this.market(place.key);
    const levels = place.side === 'bid' ? market.bids : market.asks;
    const index = levels.findIndex((entry) => entry.resting.some((order) => order.orderId === orderId));
    const found = levels[index]!;
    found.resting = found.resting.filter((order) => order.orderId !== orderId);
    if (visible(found) === 0) levels.splice(index, 1);
    market.time = this.clock.now();
    this.changes.emit({ kind: 'book', key: place.key, time: market.time });
    return true;
  }

  /** One step of the random walk for each instrument (or the ones named). */
  tick(keys: readonly string[] = this.keys): void {
    for (const key of keys) this.walk(this.market(key));
  }

  /** Ticks by itself, `ticksPerSecond` times a second, until stopped (0 stops). */
  startTicking(ticksPerSecond: number, keys?: readonly string[]): void {
    this.stopTicking();
    if (!(ticksPerSecond > 0)) return;
    const interval = 1000 / ticksPerSecond;
    const schedule = () => {
      this.ticker = this.clock.after(interval, () => {
        this.tick(keys);
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

  private walk(market: InstrumentMarket): void {
    const roll = this.random.below(3);
    const aggressor: Aggressor = roll === 0 ? 'buy' : 'sell';
    const top = (aggressor === 'buy' ? market.asks : market.bids)[0];
    if (roll < 2 && top) {
      // Someone trades part of the best level (never deeper: one tick, one price).
      this.execute(market.key, aggressor, 1 + this.random.below(Math.min(visible(top), 50)), top.text);
      return;
    }
    const bid = market.bids[0]?.price;
    const ask = market.asks[0]?.price;
    const side: BookSide = this.random.below(2) === 0 ? 'bid' : 'ask';
    if (bid && ask && ask.minus(bid).gt(market.step)) {
      // A gap: new liquidity one step inside the spread, so prices walk rather than drift away.
      const price = side === 'bid' ? bid.plus(market.step) : ask.minus(market.step);
      this.levelAt(market, side, price).background += 1 + this.random.below(largestQuantity);
    } else {
      const levels = side === 'bid' ? market.bids : market.asks;
      const changed = levels[this.random.below(Math.min(10, levels.length))];
      if (changed) changed.background = Math.max(1, changed.background + this.random.below(41) - 20);
    }
    this.replenish(market);
    market.time = this.clock.now();
    this.changes.emit({ kind: 'book', key: market.key, time: market.time });
  }

  /** Keeps 50 levels of background liquidity on each side, adding new ones beyond the deepest. */
  private replenish(market: InstrumentMarket): void {
    for (const side of ['bid', 'ask'] as const) {
      const levels = side === 'bid' ? market.bids : market.asks;
      const direction = side === 'bid' ? -1 : 1;
      let count = levels.filter((entry) => entry.background > 0).length;
      while (count < levelsPerSide) {
        const deepest = [...levels].reverse().find((entry) => entry.background > 0)?.price;
        const opposite = (side === 'bid' ? market.asks : market.bids)[0]?.price ?? new Big(market.lastPrice);
        const price = deepest ? deepest.plus(market.step.times(direction)) : opposite.plus(market.step.times(direction));
        if (price.lte(0)) break;
        this.levelAt(market, side, price).background += 1 + this.random.below(largestQuantity);
        count += 1;
      }
    }
  }

  /** The level at `price` on that side, created in sorted place when missing. */
  private levelAt(market: InstrumentMarket, side: BookSide, price: Big): Level {
    const levels = side === 'bid' ? market.bids : market.asks;
    const before = (entry: Level) => (side === 'bid' ? entry.price.gt(price) : entry.price.lt(price));
    let index = 0;
    while (index < levels.length && before(levels[index]!)) index += 1;
    if (levels[index]?.price.eq(price)) return levels[index]!;
    const created = level(price, 0);
    levels.splice(index, 0, created);
    return created;
  }

  private market(key: string): InstrumentMarket {
    const market = this.markets.get(key);
    if (!market) throw new Error(`the simulated market has no instrument ${key}`);
    return market;
  }

  private tradeId(): string {
    return String(this.nextTrade++);
  }
}

function level(price: Big, background: number): Level {
  return { price, text: price.toFixed(), background, resting: [] };
}

function withinLimit(entry: Level, aggressor: Aggressor, limit: string | undefined): boolean {
  if (limit === undefined) return true;
  return aggressor === 'buy' ? entry.price.lte(limit) : entry.price.gte(limit);
}
