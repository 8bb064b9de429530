import { InternalError } from '../../errors.js';
import type { OperationsPage, OperationsPageParams } from '../adapter.js';
import { isSuccess } from '../upstream-answer.js';
import type { AlorPortfolio } from './identifiers.js';
import { alorRoutes } from './routes.js';
import { operationsOfTrades, tradeTime, type TradeHistoryOptions } from './trade-history.js';
import { tradesResponseSchema } from './wire.js';

/** ALOR's largest page of past trades. */
const largestPage = 1000;
/** A window ending less than this long ago may hold trades of today's session, which the history leaves out. */
const sessionReach = 2 * 86_400_000;
const sessionCursor = 'session';

/**
 * One page of a portfolio's trades in [from, to] for the journal (`listOperationsPage`): past
 * sessions from /md/v2/Stats/…/history/trades, oldest first from `dateFrom`, paged by trade id —
 * a page asked `from` a trade id starts WITH that trade (SPEC "the trade number to start from"),
 * so each row's trade id is its start cursor — and then, for a window that reaches into the last
 * two days, today's session from …/trades as the last page.
 */
export async function readAlorOperationsPage(options: TradeHistoryOptions, portfolio: AlorPortfolio, params: OperationsPageParams): Promise<OperationsPage> {
  const { client, paths, securities, exchange } = options;
  const window = { from: Date.parse(params.from), to: Date.parse(params.to) };
  const reachesToday = window.to > Date.now() - sessionReach;
  if (params.cursor === sessionCursor) {
    const trades = await client.get({ path: paths.clientData(exchange, portfolio, 'trades'), route: alorRoutes.sessionTrades, signal: params.signal }, tradesResponseSchema);
    const operations = await operationsOfTrades(securities, trades, window);
    return { operations, startCursors: operations.map(() => null), nextCursor: null };
  }
  if (params.cursor !== undefined && !/^h\d{1,19}$/.test(params.cursor)) {
    throw new InternalError(`"${params.cursor.slice(0, 30)}" is not a cursor of ALOR's trade history`, { connection: client.connection });
  }
  const limit = Math.min(largestPage, Math.max(1, Math.floor(params.limit)));
  const response = await client.send({
    method: 'GET',
    path: paths.historyTrades(exchange, portfolio),
    query: {
      dateFrom: new Date(window.from).toISOString(),
      limit,
      from: params.cursor?.slice(1),
      // ALOR requires date order for united (E…) portfolios.
      orderByTradeDate: portfolio.startsWith('E') ? true : undefined,
      format: 'Simple',
    },
    route: alorRoutes.historyTrades,
    signal: params.signal,
  });
  if (!isSuccess(response)) throw client.failure(response);
  const trades = client.read(response, tradesResponseSchema, alorRoutes.historyTrades);
  const operations = await operationsOfTrades(securities, trades, window);
  const last = trades.at(-1);
  const more = trades.length === limit && last !== undefined && tradeTime(last) <= window.to && /^\d{1,19}$/.test(last.id);
  return {
    operations,
    startCursors: operations.map((operation) => (/^\d{1,19}$/.test(operation.id) ? `h${operation.id}` : null)),
    nextCursor: more ? `h${last.id}` : reachesToday ? sessionCursor : null,
  };
}
