import Big from 'big.js';

/**
 * A simulated exchange's candle history: for every instrument a deterministic price path, one
 * price a minute, computed from the time alone (a pure function of the instrument's key, its
 * opening price and step, and the minute), so any candle of any year costs the same to build and
 * every run, machine and simulator process sees the same series. Trading happens on weekdays,
 * 07:00–20:50 UTC (MOEX's main and evening sessions, roughly); no candle exists outside them, so
 * a "last N candles" request crosses nights and weekends, and with them the brokers' window caps.
 *
 * A minute's candle opens at the path's price for that minute and closes at the next minute's;
 * its high and low reach a few steps beyond. Longer candles are built from their minutes (at most
 * 64 of them sampled, always the first and the last). The candle that contains `now` is still
 * forming: it reaches only up to `now`, its close moves within its last minute, and it is not
 * complete. Prices are exact decimals on the instrument's step.
 */

export type SeriesInterval = 'MINUTE_1' | 'MINUTE_5' | 'MINUTE_15' | 'HOUR_1' | 'DAY' | 'WEEK' | 'MONTH';

export interface SeriesInstrument {
  /** The simulator's own key: a FIGI for the Tinkoff simulators, `EXCHANGE:SYMBOL` for ALOR. */
  key: string;
  priceStep: string;
  /** Where the path is centred. */
  price: string;
}

export interface SimulatedCandle {
  /** Epoch milliseconds. */
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Lots. */
  volume: number;
  complete: boolean;
}

const minute = 60_000;
const day = 86_400_000;
const sessionOpensMinute = 7 * 60;
const sessionClosesMinute = 20 * 60 + 50;
const longestSample = 64;

const bucketMinutes: Record<Exclude<SeriesInterval, 'DAY' | 'WEEK' | 'MONTH'>, number> = { MINUTE_1: 1, MINUTE_5: 5, MINUTE_15: 15, HOUR_1: 60 };

/** Whether the exchange trades in the minute that starts at `time`. */
export function isTradingMinute(time: number): boolean {
  const date = new Date(time);
  const weekday = date.getUTCDay();
  const minuteOfDay = date.getUTCHours() * 60 + date.getUTCMinutes();
  return weekday >= 1 && weekday <= 5 && minuteOfDay >= sessionOpensMinute && minuteOfDay < sessionClosesMinute;
}

export class CandleSeries {
  private readonly instruments = new Map<string, { step: Big; centre: number; seed: number }>();

  constructor(instruments: readonly SeriesInstrument[]) {
    for (const instrument of instruments) {
      const step = new Big(instrument.priceStep);
      const centre = Math.max(10, Math.round(Number(new Big(instrument.price).div(step).toFixed(0))));
      this.instruments.set(instrument.key, { step, centre, seed: hashText(instrument.key) });
    }
  }

  has(key: string): boolean {
    return this.instruments.has(key);
  }

  /** The candles that start in [from, to) (epoch ms) and have begun by `now`, oldest first. */
  candles(key: string, interval: SeriesInterval, from: number, to: number, now: number): SimulatedCandle[] {
    const instrument = this.instruments.get(key);
    if (!instrument) return [];
    const result: SimulatedCandle[] = [];
    for (let start = firstBucket(interval, from); start < to && start <= now; start = nextBucket(interval, start)) {
      if (start < from) continue;
      const end = nextBucket(interval, start);
      const minutes = sampledTradingMinutes(start, Math.min(end, Math.floor(now / minute) * minute + minute));
      if (minutes.length === 0) continue;
      result.push(this.aggregate(instrument, start, minutes, end <= now, now));
    }
    return result;
  }

  private aggregate(instrument: { step: Big; centre: number; seed: number }, start: number, minutes: Sample[], complete: boolean, now: number): SimulatedCandle {
    const last = minutes[minutes.length - 1]!.time;
    const elapsedOf = (time: number) => (!complete && time === last ? (now - time) / minute : 1);
    let high = Number.NEGATIVE_INFINITY;
    let low = Number.POSITIVE_INFINITY;
    let volume = 0;
    for (const sample of minutes) {
      const bar = this.minuteBar(instrument, sample.time, elapsedOf(sample.time));
      high = Math.max(high, bar.high);
      low = Math.min(low, bar.low);
      volume += bar.volume * sample.weight;
    }
    const open = this.minuteBar(instrument, minutes[0]!.time, 1).open;
    const close = this.minuteBar(instrument, last, elapsedOf(last)).close;
    const price = (steps: number) => instrument.step.times(steps).toFixed();
    return { start, open: price(open), high: price(Math.max(high, open, close)), low: price(Math.min(low, open, close)), close: price(close), volume, complete };
  }

  /** One minute in steps: opens at the path's price, closes at the next minute's (or part way, while forming). */
  private minuteBar(instrument: { centre: number; seed: number }, time: number, elapsed: number) {
    const index = time / minute;
    const open = this.steps(instrument, index);
    const next = this.steps(instrument, index + 1);
    const close = open + Math.round((next - open) * Math.min(1, Math.max(0, elapsed)));
    const noise = hash(instrument.seed, index, 7);
    return {
      open,
      close,
      high: Math.max(open, close) + (noise % 4),
      low: Math.max(1, Math.min(open, close) - ((noise >>> 8) % 4)),
      volume: 1 + ((noise >>> 16) % 500),
    };
  }

  /** The path: two slow waves around the centre and a little noise, in whole steps. */
  private steps(instrument: { centre: number; seed: number }, index: number): number {
    const phase = (instrument.seed % 1000) / 1000;
    const slow = 0.04 * Math.sin((2 * Math.PI * index) / (1440 * 5.3) + phase * 6.28);
    const fast = 0.01 * Math.sin((2 * Math.PI * index) / 97 + phase * 3.14);
    const noise = ((hash(instrument.seed, index, 3) % 2001) - 1000) / 1000;
    const centre = instrument.centre;
    return Math.max(1, Math.round(centre * (1 + slow + fast) + noise * Math.max(2, centre * 0.001)));
  }
}

/** A minute that stands for `weight` minutes of its candle (the ones skipped after it). */
interface Sample {
  time: number;
  weight: number;
}

/**
 * The trading minutes in [from, to) (epoch ms on minutes), at most `longestSample` of them: every
 * stride-th minute, and always the first and the last. Built day by day from the sessions, so a
 * month costs thirty steps, not forty thousand.
 */
function sampledTradingMinutes(from: number, to: number): Sample[] {
  const ranges: Array<[number, number]> = [];
  for (let midnight = Math.floor(from / day) * day; midnight < to; midnight += day) {
    const weekday = new Date(midnight).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const start = Math.max(from, midnight + sessionOpensMinute * minute);
    const end = Math.min(to, midnight + sessionClosesMinute * minute);
    if (start < end) ranges.push([start, end]);
  }
  const count = ranges.reduce((sum, [start, end]) => sum + (end - start) / minute, 0);
  if (count === 0) return [];
  const stride = Math.max(1, Math.ceil(count / longestSample));
  const samples: Sample[] = [];
  let position = 0;
  for (const [start, end] of ranges) {
    for (let time = start + ((stride - (position % stride)) % stride) * minute; time < end; time += stride * minute) {
      samples.push({ time, weight: stride });
    }
    position += (end - start) / minute;
  }
  const last = ranges.at(-1)![1] - minute;
  if (samples.at(-1)?.time !== last) samples.push({ time: last, weight: 1 });
  return samples;
}

/** The start of the bucket that contains `time`. */
function firstBucket(interval: SeriesInterval, time: number): number {
  const date = new Date(time);
  switch (interval) {
    case 'DAY':
      return Math.floor(time / day) * day;
    case 'WEEK': {
      const midnight = Math.floor(time / day) * day;
      return midnight - ((date.getUTCDay() + 6) % 7) * day;
    }
    case 'MONTH':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    default: {
      const length = bucketMinutes[interval] * minute;
      return Math.floor(time / length) * length;
    }
  }
}

function nextBucket(interval: SeriesInterval, start: number): number {
  switch (interval) {
    case 'DAY':
      return start + day;
    case 'WEEK':
      return start + 7 * day;
    case 'MONTH': {
      const date = new Date(start);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
    default:
      return start + bucketMinutes[interval] * minute;
  }
}

function hashText(text: string): number {
  let value = 2166136261;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 16777619);
  return value >>> 0;
}

/** A 32-bit mix of three integers (the same on every machine). */
function hash(seed: number, index: number, salt: number): number {
  let value = (seed ^ Math.imul(index | 0, 0x9e3779b1) ^ Math.imul(Math.floor(index / 4294967296), 0x85ebca6b) ^ salt) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x7feb352d);
  value = Math.imul(value ^ (value >>> 15), 0x846ca68b);
  return (value ^ (value >>> 16)) >>> 0;
}
