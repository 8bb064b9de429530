import { z } from 'zod';
import type { CandleInterval } from '../../domain.js';
import type { CandleSpan, CandlesParams } from '../adapter.js';
import { candlesWithin, isPastCandle } from '../candle-time.js';
import { figiGrammar } from '../identifiers.js';
import { jsonDecimal } from '../json.js';
import type { TinkoffV1Client } from './client.js';
import { tinkoffV1CandleLimits } from './limits.js';

/** v1's `CandleResolution` per interval. */
const resolutions: Record<CandleInterval, string> = { MINUTE_1: '1min', MINUTE_5: '5min', MINUTE_15: '15min', HOUR_1: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month' };

// GET /market/candles?figi=…&from=…&to=…&interval=1min → payload (SW CandlesResponse), one candle trimmed:
// {"figi":"BBG004730N88","interval":"1min","candles":[{"figi":"BBG004730N88","interval":"1min","o":281.99,"c":282.05,"h":282.15,"l":281.9,"v":1843,"time":"2021-03-15T08:01:00Z"}]}
const candlesPayloadSchema = z.object({
  candles: z
    .array(
      z.object({
        o: jsonDecimal,
        c: jsonDecimal,
        h: jsonDecimal,
        l: jsonDecimal,
        v: jsonDecimal,
        time: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected a date-time'),
      }),
    )
    .default([]),
});

const day = 86_400_000;

/**
 * One /market/candles call: the candles starting in [from, to), or in the part next to `to` that
 * the resolution's longest period allows (a day of 1-minute candles). v1's candles do not say
 * whether they are finished: one is complete once its time is over (candle-time.ts).
 */
export async function readTinkoffV1Candles(client: TinkoffV1Client, connection: string, params: CandlesParams): Promise<CandleSpan> {
  const figi = figiGrammar.parse(params.instrumentKey, 'id', connection);
  const from = Math.max(params.from, params.to - tinkoffV1CandleLimits[params.interval].maximumDays * day);
  const query = { figi, from: new Date(from).toISOString(), to: new Date(params.to).toISOString(), interval: resolutions[params.interval] };
  const { candles } = await client.call({ method: 'GET', path: '/market/candles', query, payload: candlesPayloadSchema, signal: params.signal });
  const now = Date.now();
  const mapped = candles.map((candle) => {
    const start = Date.parse(candle.time);
    return { time: new Date(start).toISOString(), open: candle.o, high: candle.h, low: candle.l, close: candle.c, volume: candle.v, complete: isPastCandle(params.interval, start, now) };
  });
  return { candles: candlesWithin(mapped, from, params.to), from, to: params.to };
}
