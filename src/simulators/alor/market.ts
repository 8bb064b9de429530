import Big from 'big.js';
import type { SimulatedInstrument } from './data.js';
import { decimal } from './wire.js';

/**
 * The simulated exchange's view of an instrument: a static order book around the last price
 * (best bid = last price, best ask one price step above) with volumes that are the same on
 * every call. Orders never change the book.
 */

export function bestPrices(instrument: SimulatedInstrument): { bid: string; ask: string } {
  return { bid: instrument.lastPrice, ask: new Big(instrument.lastPrice).plus(instrument.minstep).toFixed() };
}

/** Book levels around the instrument's price, best first; volumes in lots, the same on every call. */
export function bookLevels(instrument: SimulatedInstrument, depth: number) {
  const { bid, ask } = bestPrices(instrument);
  const step = new Big(instrument.minstep);
  const seed = instrument.symbol.length * 11;
  const level = (start: string, index: number, direction: 1 | -1, salt: number) => ({
    price: decimal(new Big(start).plus(step.times(index * direction))),
    volume: ((index * 37 + seed + salt) % 400) + 1,
  });
  return {
    bids: Array.from({ length: depth }, (_, index) => level(bid, index, -1, 0)),
    asks: Array.from({ length: depth }, (_, index) => level(ask, index, 1, 17)),
  };
}
