import { requireMethod } from '../brokers/capabilities.js';
import { longestCandle } from '../brokers/candle-time.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { Candle, CandleInterval } from '../domain.js';
import type { CandleStore, SeriesKey } from './store.js';

export interface CandleRequest {
  interval: CandleInterval;
  /** Epoch milliseconds: candles that start before this. */
  to: number;
  /** Epoch milliseconds: candles that start at or after this. */
  from?: number | undefined;
  /** Only the newest this many. At least one of `from` and `last` is given. */
  last?: number | undefined;
}

/** How far back a `last` request looks at most when it gives no `from`. */
const deepestLookback = 50 * 365 * 86_400_000;
/**
 * A `last` request stops after this many broker answers in a row without a candle: the
 * instrument did not trade for that long (ten days of 1-minute windows; holidays are shorter).
 */
const emptyAnswersBeforeGivingUp = 10;

/**
 * Instrument.candles: walks down from `to`, taking what the store covers from SQLite and asking
 * the broker only for the gaps, one broker call at a time (each adapter keeps its call within its
 * broker's window cap, so paging across the caps happens here and is invisible to clients).
 * Closed candles are stored as they come, with the range the call covered, so a chart asked for
 * again costs no broker call; the candle still being formed (`complete: false`) is returned but
 * never stored, and the range it is in stays uncovered.
 */
export class CandleService {
  constructor(
    private readonly store: CandleStore,
    private readonly now: () => number = Date.now,
  ) {}

  async candles(connection: ConnectionModel, instrumentKey: string, request: CandleRequest, signal?: AbortSignal): Promise<Candle[]> {
    const getCandles = requireMethod(connection, 'getCandles');
    const series: SeriesKey = { connection: connection.id, instrument: instrumentKey, interval: request.interval };
    const wanted = request.last ?? Number.POSITIVE_INFINITY;
    const floor = request.from ?? request.to - deepestLookback;
    const found: Candle[] = [];
    let cursor = request.to;
    let emptyAnswers = 0;
    while (found.length < wanted && cursor > floor) {
      const coveredFrom = this.store.coveredFrom(series, cursor);
      if (coveredFrom !== undefined) {
        const lower = Math.max(coveredFrom, floor);
        // SQLite takes no infinite LIMIT: a window without `last` reads all of the range.
        found.push(...this.store.read(series, lower, cursor, Number.isFinite(wanted) ? wanted - found.length : -1));
        cursor = lower;
        continue;
      }
      if (request.from === undefined && emptyAnswers >= emptyAnswersBeforeGivingUp) break;
      const lower = Math.max(floor, this.store.coveredBelow(series, cursor) ?? floor);
      const count = Number.isFinite(wanted) ? wanted - found.length : undefined;
      const span = await getCandles({ instrumentKey, interval: request.interval, from: lower, to: cursor, count, signal });
      this.store.save(series, span.candles, { from: span.from, to: this.coveredUntil(request.interval, span.candles, span.to) });
      const start = Math.max(span.from, floor);
      const inRange = span.candles.filter((candle) => {
        const time = Date.parse(candle.time);
        return time >= start && time < cursor;
      });
      found.push(...inRange.reverse().slice(0, wanted - found.length));
      emptyAnswers = inRange.length === 0 ? emptyAnswers + 1 : 0;
      if (span.from >= cursor) break;
      cursor = span.from;
    }
    return found.reverse();
  }

  /**
   * Where the range a broker answer covers stops being final: at the first candle it says is still
   * forming, and never later than the longest candle before now (a later one may still change).
   */
  private coveredUntil(interval: CandleInterval, candles: readonly Candle[], to: number): number {
    const forming = candles.find((candle) => !candle.complete);
    return Math.min(to, forming ? Date.parse(forming.time) : to, this.now() - longestCandle[interval]);
  }
}
