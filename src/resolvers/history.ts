import { requireMethod } from '../brokers/capabilities.js';
import { instrumentRefFromInput, type InstrumentRefInput } from '../brokers/instrument-input.js';
import { longestCandle } from '../brokers/candle-time.js';
import type { GatewayContext } from '../context.js';
import { BadUserInputError } from '../errors.js';
import type { AccountResolvers, InstrumentResolvers } from '../generated/graphql.js';
import { toOperationModel, type AccountModel } from './models.js';

/**
 * The history fields of issue 18: Account.operationsPage and operationChanges from the journal
 * (src/journal/), Instrument.candles from the candle store (src/candles/). Thin: they check the
 * arguments and the broker's capability, and leave the rest to those services.
 */

/** The most candles one request may return, and a window may span. */
const mostCandles = 10_000;

/** The journal holds what the broker's history gives: an account whose broker has none is NOT_SUPPORTED. */
function requireHistory(account: AccountModel): void {
  requireMethod(account.connection, 'listOperations');
}

async function instrumentKey(account: AccountModel, ref: InstrumentRefInput | null | undefined, context: GatewayContext): Promise<string | undefined> {
  if (!ref) return undefined;
  const info = await context.loaders.instrument.load({ connection: account.connection, ref: instrumentRefFromInput(account.connection, ref) });
  return info.key;
}

export const accountHistory: Pick<AccountResolvers, 'operationsPage' | 'operationChanges'> = {
  async operationsPage(account, { first, after, filter }, context) {
    requireHistory(account);
    const key = await instrumentKey(account, filter?.instrument, context);
    const page = context.history.journal.page(
      account.id,
      { from: filter?.from ?? undefined, to: filter?.to ?? undefined, types: filter?.types ?? undefined, instrumentKey: key },
      first ?? 100,
      after,
    );
    return {
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toOperationModel(account, edge.operation) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      syncedUntil: page.syncedUntil,
    };
  },

  operationChanges(account, { since }, context) {
    requireHistory(account);
    const changes = context.history.journal.changes(account.id, since);
    return { ...changes, upserted: changes.upserted.map((operation) => toOperationModel(account, operation)) };
  },
};

/**
 * Account.operations(from, to) as before, but answered from the journal when it is known to hold
 * the whole window (sync done from before `from` to after `to`): no broker call then.
 */
export async function operationsFromJournal(
  account: AccountModel,
  window: { from: string; to: string; instrumentKey: string | undefined },
  context: GatewayContext,
) {
  requireHistory(account);
  const operations = context.history.journal.covering(account.id, window.from, window.to, window.instrumentKey);
  return operations?.map((operation) => toOperationModel(account, operation));
}

export const instrumentCandles: Pick<InstrumentResolvers, 'candles'> = {
  candles(instrument, { interval, last, before, from, to }, context) {
    if (last != null && (!Number.isInteger(last) || last < 1 || last > mostCandles)) {
      throw new BadUserInputError(`last must be a whole number from 1 to ${mostCandles}, received ${last}`);
    }
    if (before != null && to != null) throw new BadUserInputError('candles takes `before` or `to` (the same end), not both');
    if (last == null && from == null) throw new BadUserInputError('candles needs `last` (the newest N) or `from` (a window)');
    const upper = Date.parse(before ?? to ?? new Date().toISOString());
    const lower = from == null ? undefined : Date.parse(from);
    if (lower !== undefined && lower >= upper) throw new BadUserInputError('candles: `from` must be before the window\'s end');
    if (lower !== undefined && last == null && (upper - lower) / longestCandle[interval] > mostCandles) {
      throw new BadUserInputError(`candles: a window may hold at most ${mostCandles} ${interval} candles; ask for a shorter one or use last`);
    }
    return context.history.candles.candles(
      instrument.connection,
      instrument.hint.key,
      { interval, to: upper, from: lower, last: last ?? undefined },
      context.signal,
    );
  },
};
