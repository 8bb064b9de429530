import { MarketModel, type MarketOptions } from '../common/market.js';
import type { SimulatedInstrument } from './data.js';

/**
 * The T-Invest simulator's exchange. It opens with the book GetOrderBook answered before the
 * market could move (best bid at the last price, best ask one step above, the same lots per
 * level), and a trade moves the instrument's last price — which every REST answer reads
 * (GetLastPrices, portfolio values, the ±20% price band).
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
