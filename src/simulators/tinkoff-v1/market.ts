import Big from 'big.js';
import type { SimulatedInstrument } from './data.js';
import { plain } from './wire.js';

/**
 * The simulated exchange's view of an instrument: a static order book around the last price
 * (best bid = last price, best ask one price step above, as the T-Invest v2 simulator's market
 * opens) with deterministic quantities, the day's price band, and the price-step rule. Orders
 * never change the book, so a resting order stays resting until it is cancelled. And what a
 * fill costs: the broker's fee and the average prices it leaves.
 */

export interface BookLevel {
  price: string;
  /** Lots. */
  quantity: number;
}

/**
 * Level `index` (0 = best) of one side. Quantities vary by level and side so that large orders
 * walk the book and fill in several trades at rising (buy) or falling (sell) prices.
 */
export function bookLevel(instrument: SimulatedInstrument, side: 'bids' | 'asks', index: number): BookLevel | undefined {
  const step = new Big(instrument.minPriceIncrement);
  const best = side === 'bids' ? new Big(instrument.lastPrice) : new Big(instrument.lastPrice).plus(step);
  const price = side === 'bids' ? best.minus(step.times(index)) : best.plus(step.times(index));
  if (price.lte(0)) return undefined;
  const seed = instrument.ticker.length * (side === 'bids' ? 11 : 7);
  const quantity = ((index * (side === 'bids' ? 37 : 53) + seed) % (side === 'bids' ? 400 : 300)) + 1;
  return { price: price.toFixed(), quantity };
}

export function bookSide(instrument: SimulatedInstrument, side: 'bids' | 'asks', depth: number): BookLevel[] {
  if (instrument.tradeStatus !== 'NormalTrading') return [];
  const levels: BookLevel[] = [];
  for (let index = 0; index < depth; index += 1) {
    const level = bookLevel(instrument, side, index);
    if (!level) break;
    levels.push(level);
  }
  return levels;
}

export function isOnPriceStep(instrument: SimulatedInstrument, price: Big): boolean {
  return price.mod(instrument.minPriceIncrement).eq(0);
}

export function isInsideBand(instrument: SimulatedInstrument, price: Big): boolean {
  if (instrument.limitDown === undefined || instrument.limitUp === undefined) return true;
  return price.gte(instrument.limitDown) && price.lte(instrument.limitUp);
}

export interface Fill {
  /** Lots taken at this price. */
  lots: number;
  price: string;
}

/**
 * What an order takes from the book: walks the opposite side while its price is acceptable
 * (any price for a market order). Returns the fills, which may cover fewer lots than asked.
 */
export function matchAgainstBook(
  instrument: SimulatedInstrument,
  operation: 'Buy' | 'Sell',
  lots: number,
  limitPrice: Big | undefined,
): Fill[] {
  if (instrument.tradeStatus !== 'NormalTrading') return [];
  const side = operation === 'Buy' ? 'asks' : 'bids';
  const fills: Fill[] = [];
  let remaining = lots;
  for (let index = 0; remaining > 0; index += 1) {
    const level = bookLevel(instrument, side, index);
    if (!level) break;
    const acceptable = limitPrice === undefined || (operation === 'Buy' ? limitPrice.gte(level.price) : limitPrice.lte(level.price));
    if (!acceptable) break;
    const taken = Math.min(remaining, level.quantity);
    fills.push({ lots: taken, price: level.price });
    remaining -= taken;
  }
  return fills;
}

// ---- what fills cost ---------------------------------------------------------------------

const feeRate = '0.0005';

/** 0.05% of the amount, to the kopeck/cent, at least one. */
export function brokerFee(amount: Big): Big {
  const fee = amount.times(feeRate).round(2, Big.roundHalfUp);
  return fee.lt('0.01') ? new Big('0.01') : fee;
}

export function averagePrice(amount: Big, units: number): string {
  return plain(amount.div(units).round(6, Big.roundHalfUp));
}

export function weightedAverage(heldUnits: Big, heldAverage: string, addedUnits: Big, addedPrice: string): string {
  const total = heldUnits.plus(addedUnits);
  return plain(heldUnits.times(heldAverage).plus(addedUnits.times(addedPrice)).div(total).round(6, Big.roundHalfUp));
}
