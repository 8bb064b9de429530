import Big from 'big.js';
import { MarketModel, type MarketOptions } from '../common/market.js';
import type { SimulatedInstrument } from './data.js';

/**
 * The T-Invest simulator's exchange: one book per instrument, keyed by FIGI, in the shared
 * market model (common/market.ts). It opens with the book GetOrderBook answered before the market
 * could move (best bid at the last price, best ask one step above, the same lots per level); the
 * random walk and the customers' orders move it, and a trade moves the instrument's last price —
 * which every REST answer reads (GetLastPrices, portfolio values, the ±20% price band).
 */
export function openTinkoffMarket(instruments: SimulatedInstrument[], options: MarketOptions): MarketModel {
  const market = new MarketModel(
    instruments.map((instrument) => ({
      key: instrument.figi,
      priceStep: instrument.minPriceIncrement,
      lastPrice: instrument.lastPrice,
      seedQuantity: (_side, index) => ((index * 37 + instrument.ticker.length * 11) % 400) + 1,
    })),
    options,
  );
  market.changes.add((change) => {
    const instrument = change.kind === 'trade' ? instruments.find((candidate) => candidate.figi === change.key) : undefined;
    if (instrument && change.kind === 'trade') instrument.lastPrice = change.price;
  });
  return market;
}

/** The book's best prices; a side the market emptied reads as the opening book's (last price, one step above). */
export function bestPrices(market: MarketModel, instrument: SimulatedInstrument): { bid: string; ask: string } {
  const { bid, ask } = market.best(instrument.figi);
  return { bid: bid ?? instrument.lastPrice, ask: ask ?? new Big(instrument.lastPrice).plus(instrument.minPriceIncrement).toFixed() };
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
