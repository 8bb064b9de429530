import Big from 'big.js';
import type { SimulatedInstrument } from './data.js';

/**
 * The simulated exchange's view of an instrument: a static order book around the last price
 * (best bid = last price, best ask one price step above) with deterministic quantities, and the
 * day's price band. Orders never change the book.
 */

export function bestPrices(instrument: SimulatedInstrument): { bid: string; ask: string } {
  return { bid: instrument.lastPrice, ask: new Big(instrument.lastPrice).plus(instrument.minPriceIncrement).toFixed() };
}

/** Exchange price band: ±20% of the last price, on the price step. */
export function priceBand(instrument: SimulatedInstrument): { down: string; up: string } {
  const step = new Big(instrument.minPriceIncrement);
  const last = new Big(instrument.lastPrice);
  return {
    down: last.times('0.8').div(step).round(0, Big.roundUp).times(step).toFixed(),
    up: last.times('1.2').div(step).round(0, Big.roundDown).times(step).toFixed(),
  };
}

/** `depth` levels of each side, best first; quantities in lots, the same on every call. */
export function bookLevels(instrument: SimulatedInstrument, depth: number) {
  const { bid, ask } = bestPrices(instrument);
  const step = new Big(instrument.minPriceIncrement);
  const level = (start: string, index: number, direction: 1 | -1) => ({
    price: new Big(start).plus(step.times(index * direction)).toFixed(),
    quantity: String(((index * 37 + instrument.ticker.length * 11) % 400) + 1),
  });
  return {
    bids: Array.from({ length: depth }, (_, index) => level(bid, index, -1)),
    asks: Array.from({ length: depth }, (_, index) => level(ask, index, 1)),
  };
}
