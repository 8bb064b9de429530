import type { Candle, CandleInterval } from '../domain.js';
import type { Database } from '../storage/database.js';

/** One instrument's candles of one interval on one connection. */
export interface SeriesKey {
  connection: string;
  instrument: string;
  interval: CandleInterval;
}

interface CandleRow {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * Closed candles in SQLite, and which time ranges are covered: a covered range [start, end)
 * means every closed candle starting in it is stored, so a gap inside it is a time without
 * trades, not a time never asked for. Only complete candles are stored; covered ranges never
 * reach into a candle still being formed.
 */
export class CandleStore {
  private readonly statements;

  constructor(private readonly database: Database) {
    const key = 'connection_id = @connection AND instrument_key = @instrument AND interval = @interval';
    this.statements = {
      save: database.prepare(
        `INSERT OR REPLACE INTO candles (connection_id, instrument_key, interval, time, open, high, low, close, volume)
         VALUES (@connection, @instrument, @interval, @time, @open, @high, @low, @close, @volume)`,
      ),
      touching: database.prepare<SeriesKey & { from: number; to: number }, { start: number; end: number }>(
        `SELECT start, end FROM candle_coverage WHERE ${key} AND start <= @to AND end >= @from`,
      ),
      uncover: database.prepare<SeriesKey & { start: number }>(`DELETE FROM candle_coverage WHERE ${key} AND start = @start`),
      cover: database.prepare(
        'INSERT INTO candle_coverage (connection_id, instrument_key, interval, start, end) VALUES (@connection, @instrument, @interval, @start, @end)',
      ),
      containing: database.prepare<SeriesKey & { at: number }, { start: number }>(
        `SELECT start FROM candle_coverage WHERE ${key} AND start < @at AND end >= @at`,
      ),
      below: database.prepare<SeriesKey & { at: number }, { end: number | null }>(`SELECT MAX(end) AS end FROM candle_coverage WHERE ${key} AND end < @at`),
      read: database.prepare<SeriesKey & { from: number; to: number; limit: number }, CandleRow>(
        `SELECT time, open, high, low, close, volume FROM candles WHERE ${key} AND time >= @from AND time < @to ORDER BY time DESC LIMIT @limit`,
      ),
    };
  }

  /** Stores complete candles and marks [from, to) covered, in one transaction. */
  save(series: SeriesKey, candles: readonly Candle[], covered: { from: number; to: number } | undefined): void {
    this.database.transaction(() => {
      for (const candle of candles) {
        if (!candle.complete) continue;
        const { time: _time, complete: _complete, ...prices } = candle;
        this.statements.save.run({ ...series, time: Date.parse(candle.time), ...prices });
      }
      if (covered && covered.to > covered.from) this.cover(series, covered.from, covered.to);
    })();
  }

  /** Where the covered range that reaches up to `at` starts (it covers [start, at)); undefined when the time just before `at` is not covered. */
  coveredFrom(series: SeriesKey, at: number): number | undefined {
    return this.statements.containing.get({ ...series, at })?.start;
  }

  /** The end of the nearest covered range below `at`, if any. */
  coveredBelow(series: SeriesKey, at: number): number | undefined {
    return this.statements.below.get({ ...series, at })?.end ?? undefined;
  }

  /** Stored candles starting in [from, to), newest first, at most `limit`. */
  read(series: SeriesKey, from: number, to: number, limit: number): Candle[] {
    return this.statements.read.all({ ...series, from, to, limit }).map((row) => ({
      time: new Date(row.time).toISOString(),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
      complete: true,
    }));
  }

  /** Adds [from, to) to the covered ranges, merged with any it overlaps or touches. */
  private cover(series: SeriesKey, from: number, to: number): void {
    let start = from;
    let end = to;
    for (const range of this.statements.touching.all({ ...series, from, to })) {
      start = Math.min(start, range.start);
      end = Math.max(end, range.end);
      this.statements.uncover.run({ ...series, start: range.start });
    }
    this.statements.cover.run({ ...series, start, end });
  }
}
