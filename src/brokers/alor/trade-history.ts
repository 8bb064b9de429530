import type { Operation } from '../../domain.js';
import { UpstreamUnavailableError } from '../../errors.js';
import type { OperationsParams } from '../adapter.js';
import { alorTime } from './alor-time.js';
import { isSuccess } from '../upstream-answer.js';
import type { AlorClient } from './client.js';
import type { AlorExchange, AlorPortfolio, AlorSymbol } from './identifiers.js';
import { alorAddressOfKey, alorInstrumentKey, type AlorListedAddress } from './instrument-ref.js';
import { mapAlorTrade, unknownSymbol } from './map-alor-operation.js';
import type { AlorPaths } from './paths.js';
import type { SecurityDirectory } from './security-directory.js';
import { settlementCurrency } from './settlement-currency.js';
import { alorRoutes } from './routes.js';
import { tradesResponseSchema, type WireTrade } from './wire.js';

/** ALOR's largest page of past trades. */
const pageSize = 1000;
/** A safety stop for paging that never ends (a million trades). */
const maximumPages = 1000;

export interface TradeHistoryOptions {
  client: AlorClient;
  paths: AlorPaths;
  securities: SecurityDirectory;
  /** The connection's exchange, for client-data paths. */
  exchange: AlorExchange;
}

/**
 * Operations are ALOR's trades: past sessions from /md/v2/Stats/…/history/trades (paged by trade
 * id, oldest first, from `dateFrom`) plus today's session from /md/v2/Clients/…/trades, which the
 * history leaves out. ALOR has no `dateTo`, so rows after `to` are dropped here, and paging stops
 * once a whole page lies after `to`.
 */
export async function listAlorOperations(options: TradeHistoryOptions, portfolio: AlorPortfolio, params: OperationsParams): Promise<Operation[]> {
  const { client, paths, securities } = options;
  const filter = params.instrument ? alorAddressOfKey(params.instrument.key, options.exchange, client.connection) : undefined;
  const exchange = filter?.exchange ?? options.exchange;
  const from = Date.parse(params.from);
  const to = Date.parse(params.to);

  /** Trades in the window become operations page by page, while the next page is still on its way. */
  const toOperations = (trades: WireTrade[]) => operationsOfTrades(securities, trades, { from, to, symbol: filter?.symbol });

  const [history, session] = await Promise.all([
    pastOperations(options, portfolio, params, exchange, filter?.symbol, to, toOperations),
    client
      .get({ path: paths.clientData(exchange, portfolio, 'trades'), route: alorRoutes.sessionTrades, signal: params.signal }, tradesResponseSchema)
      .then(toOperations),
  ]);
  // Today's trades win over a history row with the same id.
  const byId = new Map<string, Operation>();
  for (const operation of [...history, ...session]) byId.set(operation.id, operation);
  return [...byId.values()].sort((left, right) => left.date.localeCompare(right.date) || left.id.localeCompare(right.id));
}

async function pastOperations(
  { client, paths }: TradeHistoryOptions,
  portfolio: AlorPortfolio,
  params: OperationsParams,
  exchange: AlorExchange,
  symbol: AlorSymbol | undefined,
  to: number,
  toOperations: (trades: WireTrade[]) => Promise<Operation[]>,
): Promise<Operation[]> {
  const from = Date.parse(params.from);
  const path = paths.historyTrades(exchange, portfolio, symbol);
  const fetchPage = (startId: string | undefined) => {
    const page = client.send({
      method: 'GET',
      path,
      query: {
        dateFrom: new Date(from).toISOString(),
        limit: pageSize,
        // Passing the last id seen (not id + 1) is right whether ALOR starts a page at `from` or after
        // it; the one repeated row is dropped below.
        from: startId,
        // ALOR requires date order for united (E…) portfolios.
        orderByTradeDate: portfolio.startsWith('E') ? true : undefined,
        format: 'Simple',
      },
      route: alorRoutes.historyTrades,
      signal: params.signal,
    });
    // A prefetched page may never be awaited (the loop ended, the caller went away): its failure
    // must not surface as an unhandled rejection. Whoever awaits it still sees the error.
    page.catch(() => undefined);
    return page;
  };

  const operations: Operation[] = [];
  const seen = new Set<string>();
  let pending = fetchPage(undefined);
  for (let page = 0; page < maximumPages; page++) {
    const response = await pending;
    if (!isSuccess(response)) throw client.failure(response);
    // Paging is the only chain of dependent calls in a statistics query: ask for the next page
    // as soon as the raw text says there is one, and read this one while it travels.
    const peek = peekPage(response.text);
    const prefetched = peek && peek.rows === pageSize && peek.lastTime <= to ? peek.lastId : undefined;
    if (prefetched !== undefined) {
      pending = fetchPage(prefetched);
      await untilSent();
    }
    const trades = client.read(response, tradesResponseSchema, alorRoutes.historyTrades);
    const fresh = trades.filter((trade) => !seen.has(trade.id));
    for (const trade of fresh) seen.add(trade.id);
    operations.push(...(await toOperations(fresh)));
    if (trades.length < pageSize || fresh.length === 0) break;
    if (trades.every((trade) => tradeTime(trade) > to)) break;
    const startId = trades[trades.length - 1]!.id;
    if (!/^\d+$/.test(startId)) {
      throw new UpstreamUnavailableError(`ALOR sent trade id "${startId.slice(0, 30)}", which cannot be used to read the next page of trades`, {
        connection: client.connection,
      });
    }
    // The peek was only a head start: the parsed page decides, and a wrong guess is asked again.
    if (prefetched !== startId) pending = fetchPage(startId);
  }
  return operations;
}

/**
 * Resolves once a request started just now has been written. undici writes a request on a reused
 * keep-alive socket only in the event loop's check phase, after making sure the idle socket is
 * still sound (GHSA-35p6-xmwp-9g52); a page read before that (~10 ms for 1,000 trades) would hold
 * the next page back by as much. An immediate queued from inside the check phase runs after
 * undici's.
 */
function untilSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * How many trades a page holds and the last one's id and time, read from the raw text without
 * parsing it: each Simple-format trade has exactly one "id" and one "date" key, last row last.
 */
function peekPage(text: string): { rows: number; lastId: string; lastTime: number } | undefined {
  let rows = 0;
  for (let index = text.indexOf('"id":"'); index !== -1; index = text.indexOf('"id":"', index + 6)) rows += 1;
  const idAt = text.lastIndexOf('"id":"');
  const dateAt = text.lastIndexOf('"date":"');
  if (idAt === -1 || dateAt === -1) return undefined;
  const lastId = text.slice(idAt + 6, text.indexOf('"', idAt + 6));
  const lastTime = Date.parse(alorTime(text.slice(dateAt + 8, text.indexOf('"', dateAt + 8))) ?? '');
  return /^\d+$/.test(lastId) && !Number.isNaN(lastTime) ? { rows, lastId, lastTime } : undefined;
}

/**
 * The trades of [from, to] (of one symbol, when given) as operations, each in its security's
 * settlement currency (looked up through the connection's security directory, cached).
 */
export async function operationsOfTrades(
  securities: SecurityDirectory,
  trades: WireTrade[],
  window: { from: number; to: number; symbol?: string | undefined },
): Promise<Operation[]> {
  const wanted = trades
    .filter((trade) => window.symbol === undefined || trade.symbol === window.symbol)
    .filter((trade) => {
      const time = tradeTime(trade);
      return time >= window.from && time <= window.to;
    });
  const found = await securities.findAll(wanted.filter((trade) => trade.symbol !== unknownSymbol).map(tradeAddress));
  return wanted.map((trade) => {
    const address = tradeAddress(trade);
    const currency = found.get(alorInstrumentKey(address))?.info.currency ?? settlementCurrency(address.exchange) ?? 'RUB';
    return mapAlorTrade(trade, currency);
  });
}

/** Epoch milliseconds; NaN (never inside a window) when ALOR's date is unreadable. */
export function tradeTime(trade: WireTrade): number {
  return Date.parse(alorTime(trade.date) ?? '');
}

function tradeAddress(trade: WireTrade): AlorListedAddress {
  return { exchange: trade.exchange.toUpperCase(), symbol: trade.symbol };
}
