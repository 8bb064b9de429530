import { MarketModel, type MarketOptions } from '../common/market.js';
import type { SimulatedInstrument } from './data.js';

/**
 * The ALOR simulator's exchange, keyed `EXCHANGE:SYMBOL`. It opens with the book the orderbook
 * endpoint answered before the market could move (best bid at the last price, best ask one step
 * above, the same volumes per level), and a trade moves the instrument's last price — which the
 * quotes, positions and summaries read.
 */
export function openAlorMarket(instruments: SimulatedInstrument[], options: MarketOptions): MarketModel {
  const market = new MarketModel(
    instruments.map((instrument) => ({
      key: marketKey(instrument.exchange, instrument.symbol),
      priceStep: instrument.minstep,
      lastPrice: instrument.lastPrice,
      seedQuantity: (side, index) => ((index * 37 + instrument.symbol.length * 11 + (side === 'ask' ? 17 : 0)) % 400) + 1,
    })),
    options,
  );
  market.changes.add((change) => {
    const instrument = change.kind === 'trade' ? instruments.find((candidate) => marketKey(candidate.exchange, candidate.symbol) === change.key) : undefined;
    if (instrument && change.kind === 'trade') instrument.lastPrice = change.price;
  });
  return market;
}

export function marketKey(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}
