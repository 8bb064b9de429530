import type { Candle, CandleInterval } from '../domain.js';

/** How long a candle of each interval lasts, at most (a month: 31 days). */
export const longestCandle: Record<CandleInterval, number> = {
  MINUTE_1: 60_000,
  MINUTE_5: 300_000,
  MINUTE_15: 900_000,
  HOUR_1: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
  MONTH: 31 * 86_400_000,
};

/** When a candle that starts at `start` (epoch ms) ends: a calendar month later for MONTH. */
export function candleEnd(interval: CandleInterval, start: number): number {
  if (interval !== 'MONTH') return start + longestCandle[interval];
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes());
}

/**
 * For brokers whose candles do not say whether they are finished (ALOR, Tinkoff v1): a candle is
 * complete once its time is over, plus a few seconds for the exchange's last trades of it to be
 * counted. A finished candle never changes again, so it is stored (src/candles/).
 */
export function isPastCandle(interval: CandleInterval, start: number, now: number): boolean {
  return candleEnd(interval, start) + settlingMilliseconds <= now;
}

const settlingMilliseconds = 5_000;

/** A broker's candles that start in [from, to), oldest first (brokers answer in either order, and past the ends). */
export function candlesWithin(candles: readonly Candle[], from: number, to: number): Candle[] {
  return candles
    .filter((candle) => {
      const time = Date.parse(candle.time);
      return time >= from && time < to;
    })
    .sort((left, right) => left.time.localeCompare(right.time));
}
