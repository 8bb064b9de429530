import Big from 'big.js';
import { MarketModel, type BookLevel, type MarketOptions } from '../common/market.js';
import type { SimulatedInstrument } from './data.js';
import { decimal } from './wire.js';

/**
 * The ALOR simulator's exchange: one book per instrument, keyed `EXCHANGE:SYMBOL`, in the shared
 * market model (common/market.ts). It opens with the book the orderbook endpoint answered before
 * the market could move (best bid at the last price, best ask one step above, the same volumes
 * per level); the random walk and the customers' orders move it, and a trade moves the
 * instrument's last price — which the quotes, positions and summaries read.
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

/** An instrument's key, `EXCHANGE:SYMBOL`: its book in the market, its holding in a portfolio. */
export function marketKey(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}

/** The book's best prices; a side the market emptied reads as the opening book's (last price, one step above). */
export function bestPrices(market: MarketModel, instrument: SimulatedInstrument): { bid: string; ask: string } {
  const { bid, ask } = market.best(marketKey(instrument.exchange, instrument.symbol));
  return { bid: bid ?? instrument.lastPrice, ask: ask ?? new Big(instrument.lastPrice).plus(instrument.minstep).toFixed() };
}

/** The market's book, best first, as ALOR writes levels: decimal prices, volumes in lots. */
export function bookLevels(market: MarketModel, instrument: SimulatedInstrument, depth: number) {
  const book = market.book(marketKey(instrument.exchange, instrument.symbol), depth);
  const level = (entry: BookLevel) => ({ price: decimal(entry.price), volume: entry.quantity });
  return { bids: book.bids.map(level), asks: book.asks.map(level) };
}
