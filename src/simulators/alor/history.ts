import { tradeBody } from './bodies.js';
import type { SimulatedInstrument, SimulatedTrade } from './data.js';
import { AlorRejection } from './errors.js';

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
  const start = from === undefined ? 0 : rows.findIndex((trade) => (descending ? BigInt(trade.id) <= from : BigInt(trade.id) >= from));
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
