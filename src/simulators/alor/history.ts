import type { CandleSeries, SeriesInterval } from '../common/candles.js';
import { tradeBody } from './bodies.js';
import type { SimulatedInstrument, SimulatedTrade } from './data.js';
import type { HistoryFaults } from '../common/history-faults.js';
import { AlorRejection } from './errors.js';
import { Reply } from '../common/routes.js';
import type { SimulatorRequest } from '../common/http.js';
import type { AlorCaller } from './auth.js';
import { clientAccount } from './requests.js';
import type { AlorSimulatorState } from './state.js';

/**
 * One page of GET /md/v2/Stats/{exchange}/{portfolio}/history/trades[/{symbol}] (SPEC
 * L584-663): filters `ticker` (ticker, or ISIN for bonds), `side`, `instrumentGroup`, `dateFrom`
 * (a date means its 00:00 UTC), then order by trade id — or by date with `orderByTradeDate` —
 * reversed by `descending`, then `from`, then at most `limit` rows.
 *
 * `from` is "the trade number to start from": the page starts AT that id (inclusive) and runs in
 * the page's direction, so the next page after a full one starts at the last id + 1 (or − 1 when
 * descending). `limit` defaults to 1000, the documented maximum per request.
 */
export function historyPage(
  trades: SimulatedTrade[],
  query: URLSearchParams,
  pathSymbol: string | undefined,
  instruments: SimulatedInstrument[],
  faults?: HistoryFaults<SimulatedTrade>,
): SimulatedTrade[] {
  const ticker = pathSymbol ?? query.get('ticker') ?? undefined;
  const side = query.get('side')?.toLowerCase();
  const board = query.get('instrumentGroup');
  const dateFrom = readDateFrom(query.get('dateFrom'));
  const from = readInteger(query.get('from'), 'from');
  const limit = readInteger(query.get('limit'), 'limit') ?? 1000n;
  if (limit < 1n || limit > 1000n) throw new AlorRejection(400, { message: `limit must be from 1 to 1000, got ${limit}` });
  const descending = query.get('descending')?.toLowerCase() === 'true';
  const byDate = query.get('orderByTradeDate')?.toLowerCase() === 'true';

  const symbols = ticker === undefined ? undefined : symbolsFor(ticker, instruments);
  const rows = trades
    .filter((trade) => symbols === undefined || symbols.has(trade.symbol))
    .filter((trade) => !side || trade.side === side)
    .filter((trade) => !board || trade.board === board)
    .filter((trade) => dateFrom === undefined || trade.date >= dateFrom)
    .sort((left, right) => (byDate && left.date !== right.date ? left.date - right.date : compareIds(left.id, right.id)));
  if (descending) rows.reverse();
  const found = from === undefined ? 0 : rows.findIndex((trade) => (descending ? BigInt(trade.id) <= from : BigInt(trade.id) >= from));
  // A page asked `from` a trade starts there, unless the history's seam faults move it.
  const start = from === undefined || found < 0 || !faults ? found : faults.seamStart(found);
  return start < 0 ? [] : rows.slice(start, start + Number(limit));
}

// Past sessions never change: each trade's JSON is written once, not on every page request (a
// page of a thousand trades is about 330 KB). Keyed by the trade objects, one simulator's each.
const tradeJson = new WeakMap<SimulatedTrade, string>();

/** A page as the JSON array ALOR sends. */
export function historyPageText(page: SimulatedTrade[]): string {
  const json = (trade: SimulatedTrade) => {
    let text = tradeJson.get(trade);
    if (text === undefined) tradeJson.set(trade, (text = JSON.stringify(tradeBody(trade))));
    return text;
  };
  return `[${page.map(json).join(',')}]`;
}

/** A ticker matches itself; an ISIN matches the instruments that carry it. */
function symbolsFor(ticker: string, instruments: SimulatedInstrument[]): Set<string> {
  const symbols = new Set([ticker]);
  for (const instrument of instruments) if (instrument.isin === ticker) symbols.add(instrument.symbol);
  return symbols;
}

/** Trade ids are decimal digits without leading zeros: the longer is larger, else compare as text. */
function compareIds(left: string, right: string): number {
  if (left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

function readInteger(text: string | null, name: string): bigint | undefined {
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new AlorRejection(400, { message: `${name} must be an integer, got ${text}` });
  return BigInt(text);
}

/** `2021-10-13` or `2021-10-13T09:00:00.0000000Z`; a bare date means its start, UTC. */
function readDateFrom(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(time)) throw new AlorRejection(400, { message: `dateFrom must be a date or a UTC date-time, got ${text}` });
  return time;
}

const timeframes: Record<string, SeriesInterval> = {
  '60': 'MINUTE_1',
  '300': 'MINUTE_5',
  '900': 'MINUTE_15',
  '3600': 'HOUR_1',
  D: 'DAY',
  '86400': 'DAY',
  W: 'WEEK',
  '604800': 'WEEK',
  M: 'MONTH',
  '2592000': 'MONTH',
};

/**
 * GET /md/v2/history (SPEC MdV2HistoryGet): the candles of `symbol` on `exchange` of `tf` that
 * start in [from, to] (Unix seconds, ⚠ `to` taken as inclusive), oldest first; with `countBack`,
 * `from` moves back until that many candles are in (or the whole history is). ⚠ Of the timeframes
 * ALOR offers the simulator has the seven brokerql asks for; another is a 400 here. `next` and
 * `prev` (the neighbouring candles' times) are sent as null.
 */
export function historyCandles(series: CandleSeries, query: URLSearchParams, key: string, now: number) {
  const interval = timeframes[query.get('tf') ?? ''];
  if (!interval) throw new AlorRejection(400, { message: `tf must be a timeframe ALOR knows, got ${query.get('tf')}` });
  const from = readInteger(query.get('from'), 'from');
  const to = readInteger(query.get('to'), 'to');
  if (from === undefined || to === undefined) throw new AlorRejection(400, { message: 'from and to are required' });
  const countBack = readInteger(query.get('countBack'), 'countBack');
  const end = Number(to) * 1000 + 1000;
  let candles = series.candles(key, interval, Number(from) * 1000, end, now);
  // Wider and wider, back to the series' start (the simulated history begins in 2000).
  for (let reach = Number(from) * 1000; countBack !== undefined && candles.length < Number(countBack) && reach > historyStart; ) {
    reach = Math.max(historyStart, reach - Math.max(7 * 86_400_000, (end - reach) * 2));
    candles = series.candles(key, interval, reach, end, now);
  }
  if (countBack !== undefined && candles.length > Number(countBack) && candles.length > 0) {
    const inWindow = candles.filter((candle) => candle.start >= Number(from) * 1000);
    candles = inWindow.length >= Number(countBack) ? inWindow : candles.slice(-Number(countBack));
  }
  return {
    history: candles.map((candle) => ({ time: candle.start / 1000, close: Number(candle.close), open: Number(candle.open), high: Number(candle.high), low: Number(candle.low), volume: candle.volume })),
    next: null,
    prev: null,
  };
}

const historyStart = Date.parse('2000-01-01T00:00:00Z');

/** GET …/history/trades[/:symbol]: a page of the portfolio's past trades, with the history faults applied. */
export function historyTradesReply(state: AlorSimulatorState, request: SimulatorRequest, caller: AlorCaller): Reply {
  const { exchange, portfolio } = clientAccount(request, caller);
  state.history.beforeRead();
  const rows = state.historyTrades.filter((trade) => trade.portfolio === portfolio && trade.exchange === exchange && state.history.visible(trade));
  const page = historyPage(rows, request.query, request.params['symbol'], state.instruments, state.history);
  state.history.afterRead(Date.parse(request.query.get('dateFrom') ?? '') || 0, Number.POSITIVE_INFINITY);
  return new Reply({ status: 200, body: historyPageText(page) });
}
