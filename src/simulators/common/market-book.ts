import Big from 'big.js';
import type { SeededRandom } from './clock.js';

/**
 * One instrument's limit order book, for the market model (market.ts): price levels on the
 * instrument's step, each holding background liquidity (the rest of the market) and, behind it
 * in time, the customers' resting orders.
 */

export type BookSide = 'bid' | 'ask';
export type Aggressor = 'buy' | 'sell';

export interface BookLevel {
  price: string;
  /** Lots. */
  quantity: number;
}

export interface TakenLots {
  price: string;
  lots: number;
  /** Set when the lots were a customer's resting order. */
  restingOrderId?: string;
}

/** Levels kept on each side: T-Invest's deepest book (50), and ALOR's maximum depth too. */
export const levelsPerSide = 50;
/** New liquidity arrives in 1–400 lots, the range of the simulators' former static books. */
export const largestQuantity = 400;

export interface Level {
  price: Big;
  text: string;
  background: number;
  resting: Array<{ orderId: string; lots: number }>;
}

export const visible = (level: Level) => level.background + level.resting.reduce((sum, order) => sum + order.lots, 0);

export class InstrumentBook {
  readonly bids: Level[];
  readonly asks: Level[];

  /** The opening book: best bid at the last price, best ask one step above, `seedQuantity` lots per level. */
  constructor(
    readonly key: string,
    readonly step: Big,
    public lastPrice: string,
    public time: number,
    seedQuantity: (side: BookSide, index: number) => number,
  ) {
    const bid = new Big(lastPrice);
    const side = (start: Big, direction: 1 | -1, name: BookSide) =>
      Array.from({ length: levelsPerSide }, (_, index) => level(start.plus(step.times(index * direction)), seedQuantity(name, index)));
    this.bids = side(bid, -1, 'bid').filter((entry) => entry.price.gt(0));
    this.asks = side(bid.plus(step), 1, 'ask');
    this.lastPrice = bid.toFixed();
  }

  side(side: BookSide): Level[] {
    return side === 'bid' ? this.bids : this.asks;
  }

  /** The levels an aggressive order meets: asks for a buyer, bids for a seller. */
  opposite(aggressor: Aggressor): Level[] {
    return aggressor === 'buy' ? this.asks : this.bids;
  }

  top(side: BookSide, depth: number): BookLevel[] {
    return this.side(side)
      .filter((entry) => visible(entry) > 0)
      .slice(0, depth)
      .map((entry) => ({ price: entry.text, quantity: visible(entry) }));
  }

  /** Takes up to `lots` from the best levels no worse than `limit`: background first, then resting orders in time order. */
  take(aggressor: Aggressor, lots: number, limit: string | undefined): TakenLots[] {
    const levels = this.opposite(aggressor);
    const taken: TakenLots[] = [];
    let remaining = lots;
    while (remaining > 0 && levels[0] && withinLimit(levels[0], aggressor, limit)) {
      const top = levels[0];
      const fromBackground = Math.min(top.background, remaining);
      if (fromBackground > 0) {
        top.background -= fromBackground;
        remaining -= fromBackground;
        taken.push({ price: top.text, lots: fromBackground });
      }
      while (remaining > 0 && top.resting[0]) {
        const resting = top.resting[0];
        const lotsTaken = Math.min(resting.lots, remaining);
        resting.lots -= lotsTaken;
        remaining -= lotsTaken;
        taken.push({ price: top.text, lots: lotsTaken, restingOrderId: resting.orderId });
        if (resting.lots === 0) top.resting.shift();
      }
      if (visible(top) === 0) levels.shift();
    }
    return taken;
  }

  available(aggressor: Aggressor, limit: string | undefined): number {
    return this.opposite(aggressor)
      .filter((entry) => withinLimit(entry, aggressor, limit))
      .reduce((sum, entry) => sum + visible(entry), 0);
  }

  /** Takes a resting order out; false when it is not in the book. */
  remove(side: BookSide, orderId: string): boolean {
    const levels = this.side(side);
    const index = levels.findIndex((entry) => entry.resting.some((order) => order.orderId === orderId));
    const found = levels[index];
    if (!found) return false;
    found.resting = found.resting.filter((order) => order.orderId !== orderId);
    if (visible(found) === 0) levels.splice(index, 1);
    return true;
  }

  /** Keeps 50 levels of background liquidity on each side, adding new ones beyond the deepest. */
  replenish(random: SeededRandom): void {
    for (const side of ['bid', 'ask'] as const) {
      const levels = this.side(side);
      const direction = side === 'bid' ? -1 : 1;
      let count = levels.filter((entry) => entry.background > 0).length;
      while (count < levelsPerSide) {
        const deepest = [...levels].reverse().find((entry) => entry.background > 0)?.price;
        const opposite = this.side(side === 'bid' ? 'ask' : 'bid')[0]?.price ?? new Big(this.lastPrice);
        const price = (deepest ?? opposite).plus(this.step.times(direction));
        if (price.lte(0)) break;
        this.levelAt(side, price).background += 1 + random.below(largestQuantity);
        count += 1;
      }
    }
  }

  /** The level at `price` on that side, created in sorted place when missing. */
  levelAt(side: BookSide, price: Big): Level {
    const levels = this.side(side);
    const before = (entry: Level) => (side === 'bid' ? entry.price.gt(price) : entry.price.lt(price));
    let index = 0;
    while (index < levels.length && before(levels[index]!)) index += 1;
    if (levels[index]?.price.eq(price)) return levels[index]!;
    const created = level(price, 0);
    levels.splice(index, 0, created);
    return created;
  }
}

function level(price: Big, background: number): Level {
  return { price, text: price.toFixed(), background, resting: [] };
}

function withinLimit(entry: Level, aggressor: Aggressor, limit: string | undefined): boolean {
  if (limit === undefined) return true;
  return aggressor === 'buy' ? entry.price.lte(limit) : entry.price.gte(limit);
}
