import Big from 'big.js';
import { tinkoffV1CandleLimits } from '../../brokers/tinkoff-v1/limits.js';
import type { SeriesInterval } from '../common/candles.js';
import type { SimulatedInstrument } from './data.js';
import { tinkoffV1Errors } from './errors.js';
import { requiredText, requiredTimestamp } from './requests.js';
import type { TinkoffV1SimulatorState } from './state.js';
import { decimal, plain } from './wire.js';

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

const resolutions: Record<string, SeriesInterval> = { '1min': 'MINUTE_1', '5min': 'MINUTE_5', '15min': 'MINUTE_15', hour: 'HOUR_1', day: 'DAY', week: 'WEEK', month: 'MONTH' };

/**
 * GET /market/candles?figi&from&to&interval: the instrument's candles starting in [from, to), as
 * v1 writes them (numbers, UTC `Z` times). A period longer than the resolution allows (SW
 * `CandleResolution`) is v1's VALIDATION_ERROR. ⚠ Of v1's resolutions the simulator has the seven
 * brokerql asks for (2min, 3min, 10min and 30min are refused as unknown here).
 */
export function candlesPayload(state: TinkoffV1SimulatorState, query: URLSearchParams, now: number) {
  const figi = requiredText(query, 'figi');
  state.instrument(figi);
  const from = requiredTimestamp(query, 'from');
  const to = requiredTimestamp(query, 'to');
  const resolution = requiredText(query, 'interval');
  const interval = resolutions[resolution];
  if (!interval) throw tinkoffV1Errors.validation('interval', `Unknown interval ${resolution}`);
  if (to < from) throw tinkoffV1Errors.validation('from', 'must not be after to');
  if (to - from > tinkoffV1CandleLimits[interval].maximumDays * 86_400_000) throw tinkoffV1Errors.validation('from', 'Bad candle interval: the period is too long for this resolution');
  return {
    figi,
    interval: resolution,
    candles: state.candles.candles(figi, interval, from, to, now).map((candle) => ({
      figi,
      interval: resolution,
      o: decimal(candle.open),
      c: decimal(candle.close),
      h: decimal(candle.high),
      l: decimal(candle.low),
      v: candle.volume,
      time: new Date(candle.start).toISOString().replace('.000Z', 'Z'),
    })),
  };
}
