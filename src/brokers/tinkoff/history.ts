import type { CandleInterval } from '../../domain.js';
import { BadUserInputError } from '../../errors.js';
import type { CandleSpan, CandlesParams, OperationsPage, OperationsPageParams } from '../adapter.js';
import { candlesWithin } from '../candle-time.js';
import type { TinkoffClient } from './client.js';
import { readTinkoffInstrumentKey } from './identifiers.js';
import { tinkoffCandleLimits } from './limits.js';
import { mapTinkoffCandle } from './map-tinkoff-candle.js';
import { mapTinkoffOperation } from './map-tinkoff-operation.js';
import { candlesResponseSchema, operationsByCursorResponseSchema } from './wire.js';

/**
 * The two history reads of T-Invest the journal and the candle store page through themselves:
 * one GetOperationsByCursor page, one GetCandles window.
 */

/** operations.proto: `limit` defaults to 100, at most 1000; tinvest-v2/operations_problems.md: "use limit > 2". */
const smallestOperationsPage = 3;
const largestOperationsPage = 1000;

/**
 * One page of an account's operations in [from, to], newest first. Every row carries the cursor of
 * a page that continues after it, so the page starting WITH row i is the one after row i − 1
 * (the first row's: the cursor this page was asked with).
 */
export async function readTinkoffOperationsPage(client: TinkoffClient, accountId: string, params: OperationsPageParams): Promise<OperationsPage> {
  const limit = Math.min(largestOperationsPage, Math.max(smallestOperationsPage, Math.floor(params.limit)));
  const body: Record<string, unknown> = { accountId, from: params.from, to: params.to, limit };
  if (params.cursor) body['cursor'] = params.cursor;
  const response = await client.call('OperationsService/GetOperationsByCursor', body, operationsByCursorResponseSchema, params.signal);
  return {
    operations: response.items.map(mapTinkoffOperation),
    startCursors: response.items.map((_item, index) => (index === 0 ? (params.cursor ?? null) : response.items[index - 1]!.cursor || null)),
    nextCursor: response.hasNext && response.nextCursor ? response.nextCursor : null,
  };
}

const candleIntervals: Record<CandleInterval, string> = {
  MINUTE_1: 'CANDLE_INTERVAL_1_MIN',
  MINUTE_5: 'CANDLE_INTERVAL_5_MIN',
  MINUTE_15: 'CANDLE_INTERVAL_15_MIN',
  HOUR_1: 'CANDLE_INTERVAL_HOUR',
  DAY: 'CANDLE_INTERVAL_DAY',
  WEEK: 'CANDLE_INTERVAL_WEEK',
  MONTH: 'CANDLE_INTERVAL_MONTH',
};

const day = 86_400_000;

/**
 * One GetCandles call: the candles starting in [from, to), or in the part of it next to `to` that
 * the interval's window cap allows (a day of 1-minute candles). `limit` is sent as the cap's
 * largest value: every window the cap allows holds fewer candles than that (a day has 1,440
 * minutes), so it never cuts a window short — T-Invest does not say which candles a smaller
 * `limit` keeps.
 */
export async function readTinkoffCandles(client: TinkoffClient, connection: string, params: CandlesParams): Promise<CandleSpan> {
  const instrument = readTinkoffInstrumentKey(params.instrumentKey);
  if (!instrument) throw new BadUserInputError(`"${params.instrumentKey.slice(0, 40)}" is not a T-Invest instrument key`, { connection });
  const cap = tinkoffCandleLimits[params.interval];
  const from = Math.max(params.from, params.to - cap.maximumDays * day);
  const body = {
    instrumentId: instrument.id,
    from: new Date(from).toISOString(),
    to: new Date(params.to).toISOString(),
    interval: candleIntervals[params.interval],
    limit: cap.maximumCandles,
  };
  const response = await client.call('MarketDataService/GetCandles', body, candlesResponseSchema, params.signal);
  return { candles: candlesWithin(response.candles.map(mapTinkoffCandle), from, params.to), from, to: params.to };
}
