import type { Operation, OperationType } from '../domain.js';
import { BadUserInputError } from '../errors.js';
import type { Database } from '../storage/database.js';
import { CursorCodec } from './cursors.js';
import { instantKey } from './fingerprint.js';
import { JournalStore, storedOperation, type StoredOperation } from './store.js';
import { SyncStates } from './sync-state.js';

/**
 * The operations journal as the GraphQL fields read it: keyset pages newest first
 * (Account.operationsPage), the change log (Account.operationChanges), and whole windows the
 * journal is known to cover (Account.operations). The write side is sync.ts through `store`.
 */

export interface JournalFilter {
  /** ISO-8601; both ends included. */
  from?: string | undefined;
  to?: string | undefined;
  types?: readonly OperationType[] | undefined;
  /** The broker's instrument key. */
  instrumentKey?: string | undefined;
}

export interface JournalPage {
  edges: Array<{ cursor: string; operation: Operation }>;
  hasNextPage: boolean;
  endCursor: string | null;
  syncedUntil: string | null;
}

export interface JournalChanges {
  upserted: Operation[];
  removed: string[];
  cursor: string;
  complete: boolean;
}

interface Row {
  row_id: number;
  stable_id: string;
  instant: string;
  body: string;
}

/** The most rows one page may ask for, and the default. */
export const largestPage = 1000;
/** Changes one operationChanges answer carries at most; a client asks again with its cursor. */
const changesPerAnswer = 1000;

export class OperationsJournal {
  readonly store: JournalStore;
  readonly states: SyncStates;
  private readonly cursors: CursorCodec;
  private readonly statements;

  constructor(private readonly database: Database) {
    this.store = new JournalStore(database);
    this.states = new SyncStates(database);
    this.cursors = new CursorCodec(database);
    this.statements = {
      changes: database.prepare<[string, number, number], { sequence: number; stable_id: string }>(
        'SELECT sequence, stable_id FROM journal_changes WHERE account_id = ? AND sequence > ? ORDER BY sequence LIMIT ?',
      ),
      byStableId: database.prepare<[string, string], Row>('SELECT row_id, stable_id, instant, body FROM journal_operations WHERE account_id = ? AND stable_id = ?'),
    };
  }

  page(accountId: string, filter: JournalFilter, first: number, after: string | null | undefined): JournalPage {
    if (!Number.isInteger(first) || first < 1 || first > largestPage) {
      throw new BadUserInputError(`first must be a whole number from 1 to ${largestPage}, received ${first}`);
    }
    const position = after == null ? undefined : this.cursors.page(after, accountId);
    const conditions = ['account_id = ?'];
    const values: Array<string | number> = [accountId];
    if (filter.from != null) {
      conditions.push('instant >= ?');
      values.push(instantKey(filter.from));
    }
    if (filter.to != null) {
      conditions.push('instant <= ?');
      values.push(instantKey(filter.to));
    }
    if (filter.types) {
      conditions.push(`type IN (${filter.types.map(() => '?').join(', ') || 'NULL'})`);
      values.push(...filter.types);
    }
    if (filter.instrumentKey !== undefined) {
      conditions.push('instrument_key = ?');
      values.push(filter.instrumentKey);
    }
    if (position) {
      // Keyset: strictly after the cursor's row in (instant, row) order, newest first. Rows that
      // arrive later sort before it or after it, never shift it.
      conditions.push('(instant < ? OR (instant = ? AND row_id < ?))');
      values.push(position.instant, position.instant, position.row);
    }
    const rows = this.database
      .prepare<Array<string | number>, Row>(
        `SELECT row_id, stable_id, instant, body FROM journal_operations WHERE ${conditions.join(' AND ')} ORDER BY instant DESC, row_id DESC LIMIT ?`,
      )
      .all(...values, first + 1);
    const edges = rows.slice(0, first).map((row) => {
      const stored = storedOperation(row);
      return { cursor: this.pageCursor(accountId, stored), operation: stored.operation };
    });
    return {
      edges,
      hasNextPage: rows.length > first,
      endCursor: edges.at(-1)?.cursor ?? null,
      syncedUntil: this.states.get(accountId)?.syncedUntil ?? null,
    };
  }

  /**
   * Every upsert and removal after `since` (a cursor of an earlier answer; none: from the
   * beginning), at most `changesPerAnswer` log entries an answer. An operation changed several
   * times comes once, as it is now; one that is gone comes as its stable id in `removed`.
   * `complete` is true once the account's backfill is done and this answer reaches the end of
   * the log: a client then has everything, until the next change.
   */
  changes(accountId: string, since: string | null | undefined): JournalChanges {
    const start = since == null ? 0 : this.cursors.changes(since, accountId).sequence;
    const entries = this.statements.changes.all(accountId, start, changesPerAnswer + 1);
    const batch = entries.slice(0, changesPerAnswer);
    const last = batch.at(-1)?.sequence ?? start;
    const upserted: Operation[] = [];
    const removed: string[] = [];
    for (const stableId of new Set(batch.map((entry) => entry.stable_id))) {
      const row = this.statements.byStableId.get(accountId, stableId);
      if (row) upserted.push(storedOperation(row).operation);
      else removed.push(stableId);
    }
    const backfilled = this.states.get(accountId)?.backfillDoneAt != null;
    return {
      upserted,
      removed,
      cursor: this.cursors.encode({ kind: 'changes', account: accountId, sequence: last }),
      complete: backfilled && entries.length <= changesPerAnswer,
    };
  }

  /**
   * The account's operations in [from, to], newest first, when the journal is known to hold all
   * of them (the backfill is done, began no later than `from`, and a completed read reached
   * `to`); undefined otherwise, and the caller asks the broker.
   */
  covering(accountId: string, from: string, to: string, instrumentKey: string | undefined): Operation[] | undefined {
    const state = this.states.get(accountId);
    if (!state?.backfillDoneAt || !state.syncedUntil) return undefined;
    if (Date.parse(from) < Date.parse(state.since) || Date.parse(to) > Date.parse(state.syncedUntil)) return undefined;
    const operations: Operation[] = [];
    let after: string | undefined;
    for (;;) {
      const page = this.page(accountId, { from, to, instrumentKey }, largestPage, after);
      operations.push(...page.edges.map((edge) => edge.operation));
      if (!page.hasNextPage || !page.endCursor) return operations;
      after = page.endCursor;
    }
  }

  private pageCursor(accountId: string, stored: StoredOperation): string {
    return this.cursors.encode({ kind: 'page', account: accountId, instant: stored.instant, row: stored.rowId });
  }
}
