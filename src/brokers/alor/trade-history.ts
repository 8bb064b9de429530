import type { Operation } from '../../domain.js';
import { UpstreamUnavailableError } from '../../errors.js';
import type { OperationsParams } from '../adapter.js';
import { alorTime } from './alor-time.js';
import type { AlorClient } from './client.js';
import { alorAddressOfKey, alorInstrumentKey, type AlorInstrumentAddress } from './instrument-ref.js';
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
  exchange: string;
}

/**
 * Operations are ALOR's trades: past sessions from /md/v2/Stats/…/history/trades (paged by trade
 * id, oldest first, from `dateFrom`) plus today's session from /md/v2/Clients/…/trades, which the
 * history leaves out. ALOR has no `dateTo`, so rows after `to` are dropped here, and paging stops
 * once a whole page lies after `to`.
 */
export async function listAlorOperations(options: TradeHistoryOptions, params: OperationsParams): Promise<Operation[]> {
  const { client, paths, securities } = options;
  const filter = params.instrument ? alorAddressOfKey(params.instrument.key, options.exchange, client.connection) : undefined;
  const exchange = filter?.exchange ?? options.exchange;
  const from = Date.parse(params.from);
  const to = Date.parse(params.to);

  const [history, session] = await Promise.all([
    pastTrades(options, params, exchange, filter?.symbol, from, to),
    client.get({ path: paths.clientData(exchange, params.brokerAccountId, 'trades'), route: alorRoutes.sessionTrades, signal: params.signal }, tradesResponseSchema),
  ]);
  const byId = new Map<string, WireTrade>();
  for (const trade of [...history, ...session]) byId.set(trade.id, trade);
  const trades = [...byId.values()]
    .filter((trade) => filter === undefined || trade.symbol === filter.symbol)
    .filter((trade) => {
      const time = tradeTime(trade);
      return time >= from && time <= to;
    });

  const addresses = trades.filter((trade) => trade.symbol !== unknownSymbol).map(tradeAddress);
  const found = await securities.findAll(addresses);
  return trades
    .map((trade) => {
      const address = tradeAddress(trade);
      const currency = found.get(alorInstrumentKey(address))?.info.currency ?? settlementCurrency(address.exchange) ?? 'RUB';
      return mapAlorTrade(trade, currency);
    })
    .sort((left, right) => left.date.localeCompare(right.date) || left.id.localeCompare(right.id));
}

async function pastTrades(
  { client, paths }: TradeHistoryOptions,
  params: OperationsParams,
  exchange: string,
  symbol: string | undefined,
  from: number,
  to: number,
): Promise<WireTrade[]> {
  const rows: WireTrade[] = [];
  const seen = new Set<string>();
  let startId: string | undefined;
  for (let page = 0; page < maximumPages; page++) {
    const query = {
      dateFrom: new Date(from).toISOString(),
      limit: pageSize,
      // Passing the last id seen (not id + 1) is right whether ALOR starts a page at `from` or after it;
      // the one repeated row is dropped below.
      from: startId,
      // ALOR requires date order for united (E…) portfolios.
      orderByTradeDate: params.brokerAccountId.startsWith('E') ? true : undefined,
    };
    const path = paths.historyTrades(exchange, params.brokerAccountId, symbol);
    const trades = await client.get({ path, query, route: alorRoutes.historyTrades, signal: params.signal }, tradesResponseSchema);
    const fresh = trades.filter((trade) => !seen.has(trade.id));
    for (const trade of fresh) seen.add(trade.id);
    rows.push(...fresh);
    if (trades.length < pageSize || fresh.length === 0) break;
    if (trades.every((trade) => tradeTime(trade) > to)) break;
    startId = trades[trades.length - 1]!.id;
    if (!/^\d+$/.test(startId)) {
      throw new UpstreamUnavailableError(`ALOR sent trade id "${startId.slice(0, 30)}", which cannot be used to read the next page of trades`, {
        connection: client.connection,
      });
    }
  }
  return rows;
}

/** Epoch milliseconds; NaN (never inside a window) when ALOR's date is unreadable. */
function tradeTime(trade: WireTrade): number {
  return Date.parse(alorTime(trade.date) ?? '');
}

function tradeAddress(trade: WireTrade): AlorInstrumentAddress {
  return { exchange: trade.exchange.toUpperCase(), symbol: trade.symbol };
}
