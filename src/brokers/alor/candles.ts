import { z } from 'zod';
import type { Candle, CandleInterval } from '../../domain.js';
import type { CandleSpan, CandlesParams } from '../adapter.js';
import { candlesWithin, isPastCandle } from '../candle-time.js';
import { jsonDecimal, jsonInteger } from '../json.js';
import type { AlorClient } from './client.js';
import type { AlorExchange } from './identifiers.js';
import { alorAddressOfKey } from './instrument-ref.js';
import { alorRoutes } from './routes.js';

/** ALOR's `tf` codes (query_TimeFrame): seconds, or D/W/M. */
const timeframes: Record<CandleInterval, string> = { MINUTE_1: '60', MINUTE_5: '300', MINUTE_15: '900', HOUR_1: '3600', DAY: 'D', WEEK: 'W', MONTH: 'M' };

// GET /md/v2/history?symbol=SBER&exchange=MOEX&tf=60&from=…&to=…&format=Simple (SPEC History_Simple):
// {"history":[{"time":1701068400,"close":287.79,"open":287.41,"high":287.9,"low":287,"volume":174466}],"next":1701069000,"prev":1701068100}
const historySchema = z.object({
  history: z
    .array(z.object({ time: jsonInteger, open: jsonDecimal, high: jsonDecimal, low: jsonDecimal, close: jsonDecimal, volume: jsonDecimal }))
    .default([]),
});

/**
 * One /md/v2/history call: the candles starting in [from, to) — ALOR documents no window cap —
 * or, for the newest N (`count`), `countBack`: ALOR then moves `from` back until it has N
 * candles, and the answer covers from its earliest. Its candles do not say whether they are
 * finished: one is complete once its time is over (candle-time.ts). `to` is inclusive at ALOR
 * (⚠ not documented either way), so it is sent one second short.
 */
export async function readAlorCandles(client: AlorClient, exchange: AlorExchange, params: CandlesParams): Promise<CandleSpan> {
  const address = alorAddressOfKey(params.instrumentKey, exchange, client.connection);
  const from = params.count === undefined ? params.from : Math.max(params.from, params.to - 1000);
  const answer = await client.get(
    {
      path: '/md/v2/history',
      query: {
        symbol: address.symbol,
        exchange: address.exchange,
        tf: timeframes[params.interval],
        from: Math.floor(from / 1000),
        to: Math.ceil(params.to / 1000) - 1,
        countBack: params.count,
      },
      route: alorRoutes.candles,
      signal: params.signal,
      subject: `instrument ${address.exchange}:${address.symbol}`,
    },
    historySchema,
  );
  const now = Date.now();
  const mapped: Candle[] = answer.history.map((row) => {
    const start = Number(row.time) * 1000;
    return { time: new Date(start).toISOString(), open: row.open, high: row.high, low: row.low, close: row.close, volume: row.volume, complete: isPastCandle(params.interval, start, now) };
  });
  // Counting back may reach before `from`: those candles are as good, and the answer says it covers them.
  const candles = candlesWithin(mapped, Number.NEGATIVE_INFINITY, params.to);
  const earliest = candles[0] ? Date.parse(candles[0].time) : from;
  return { candles, from: params.count === undefined ? params.from : Math.min(from, earliest), to: params.to };
}
