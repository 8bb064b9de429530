import Big from 'big.js';
import { Cmd, type SimulatedInstrument } from './data.js';

/**
 * The simulated market's view of an MT4 position: its current price (bid for buys, ask for
 * sells), its result in USD and the margin it takes, in exact decimals rounded to cents the way
 * MT4 rounds a trade's profit.
 */

export const cents = (amount: Big) => amount.round(2, Big.roundHalfUp);

/** A market position (buy or sell), not a pending order or a balance row. */
export function isMarketPosition(cmd: number): boolean {
  return cmd === Cmd.buy || cmd === Cmd.sell;
}

export function currentPrice(instrument: SimulatedInstrument, cmd: number): string {
  return cmd === Cmd.buy ? instrument.bid : instrument.ask;
}

/**
 * A trade's result in USD, rounded to cents: price difference × lots × contract size, in the
 * quote currency; a USD-based pair (USDJPY) converts at the closing price itself.
 */
export function tradeProfit(instrument: SimulatedInstrument, cmd: number, volume: string, openPrice: string, closePrice: string): string {
  const difference = cmd === Cmd.buy ? new Big(closePrice).minus(openPrice) : new Big(openPrice).minus(closePrice);
  const inQuote = difference.times(volume).times(instrument.contractSize);
  if (instrument.quoteCurrency === 'USD') return cents(inQuote).toFixed();
  if (instrument.baseCurrency === 'USD') return cents(inQuote.div(closePrice)).toFixed();
  throw new Error(`no USD conversion for ${instrument.symbol}`);
}

/** Lots × contract size / leverage, in the base currency, converted to USD at the current price. */
export function positionMargin(instrument: SimulatedInstrument, position: { volume: string; closePrice: string }, leverage: number): Big {
  const base = new Big(position.volume).times(instrument.contractSize).div(leverage);
  return instrument.baseCurrency === 'USD' ? base : base.times(position.closePrice);
}
