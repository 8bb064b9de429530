import type { Operation, OperationType } from '../domain.js';
import type { Database } from '../storage/database.js';
import { instantKey } from './fingerprint.js';
import { planMerge, type JournalEntry, type MergePlan } from './identity.js';

/** What one merged read changed. */
export interface MergeOutcome {
  inserted: number;
  /** Rows whose content the broker restated. */
  updated: number;
  removed: number;
  /** Rows this read missed for the first time: a second read of the window will confirm or clear them. */
  newlyMissing: number;
}

interface EntryRow {
  row_id: number;
  stable_id: string;
  broker_id: string;
  fingerprint: string;
  instant: string;
  type: string;
  instrument_key: string | null;
  parent_fingerprint: string | null;
  body: string;
  missing: number;
}

/** A journal row as the queries read it. */
export interface StoredOperation {
  rowId: number;
  stableId: string;
  instant: string;
  /** The operation as last stated, with the journal's stable id as its id. */
  operation: Operation;
}

/**
 * The journal's rows in SQLite: one read of a window is loaded, planned (identity.ts) and applied
 * in one transaction, so two processes syncing the same account never interleave inside a merge.
 * Every insert, restatement and removal also appends the row's stable id to the change log that
 * `operationChanges` reads.
 */
export class JournalStore {
  private readonly statements;

  constructor(private readonly database: Database) {
    this.statements = {
      inWindow: database.prepare<[string, string, string], EntryRow>(
        `SELECT row_id, stable_id, broker_id, fingerprint, instant, type, instrument_key, parent_fingerprint, body, missing
           FROM journal_operations WHERE account_id = ? AND instant >= ? AND instant <= ?`,
      ),
      byAlias: database.prepare<[string, string], EntryRow>(
        `SELECT o.row_id, o.stable_id, o.broker_id, o.fingerprint, o.instant, o.type, o.instrument_key, o.parent_fingerprint, o.body, o.missing
           FROM journal_aliases a JOIN journal_operations o ON o.row_id = a.row_id WHERE a.account_id = ? AND a.broker_id = ?`,
      ),
      aliasesOf: database.prepare<[number], { broker_id: string }>('SELECT broker_id FROM journal_aliases WHERE row_id = ?'),
      stableIdTaken: database.prepare<[string, string], { found: number }>('SELECT 1 AS found FROM journal_operations WHERE account_id = ? AND stable_id = ?'),
      insert: database.prepare(
        `INSERT INTO journal_operations (account_id, stable_id, broker_id, fingerprint, instant, type, instrument_key, parent_fingerprint, body)
         VALUES (@accountId, @stableId, @brokerId, @fingerprint, @instant, @type, @instrumentKey, @parentFingerprint, @body)`,
      ),
      update: database.prepare(
        `UPDATE journal_operations
            SET broker_id = @brokerId, fingerprint = @fingerprint, instant = @instant, parent_fingerprint = @parentFingerprint, body = @body, missing = 0
          WHERE row_id = @rowId`,
      ),
      setMissing: database.prepare<[number, number]>('UPDATE journal_operations SET missing = ? WHERE row_id = ?'),
      remove: database.prepare<[number]>('DELETE FROM journal_operations WHERE row_id = ?'),
      alias: database.prepare<[string, string, number]>('INSERT OR REPLACE INTO journal_aliases (account_id, broker_id, row_id) VALUES (?, ?, ?)'),
      change: database.prepare<[string, string]>('INSERT INTO journal_changes (account_id, stable_id) VALUES (?, ?)'),
      count: database.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM journal_operations WHERE account_id = ?'),
    };
  }

  /** Merges one read of the window [from, to] (ISO-8601) into the account's journal. */
  merge(accountId: string, window: { from: string; to: string }, read: readonly Operation[]): MergeOutcome {
    return this.database
      .transaction(() => {
        const from = instantKey(window.from);
        const to = instantKey(window.to);
        const existing = this.load(accountId, from, to, read);
        const plan = planMerge({
          accountId,
          window: { from, to },
          existing,
          read,
          stableIdTaken: (stableId) => this.statements.stableIdTaken.get(accountId, stableId) !== undefined,
        });
        this.apply(accountId, plan);
        return {
          inserted: plan.inserts.length,
          updated: plan.updates.filter((update) => update.changed).length,
          removed: plan.removals.length,
          newlyMissing: plan.missed.filter((missed) => missed.missing === 1).length,
        };
      })
      .immediate();
  }

  /** Operations of the account in the journal. */
  count(accountId: string): number {
    return this.statements.count.get(accountId)?.count ?? 0;
  }

  /** The rows of the window, and every row an id of the read (or a parent id) names. */
  private load(accountId: string, from: string, to: string, read: readonly Operation[]): JournalEntry[] {
    const rows = new Map<number, EntryRow>();
    for (const row of this.statements.inWindow.all(accountId, from, to)) rows.set(row.row_id, row);
    const named = new Set<string>();
    for (const operation of read) {
      named.add(operation.id);
      if (operation.parentId) named.add(operation.parentId);
    }
    for (const brokerId of named) {
      const row = this.statements.byAlias.get(accountId, brokerId);
      if (row) rows.set(row.row_id, row);
    }
    return [...rows.values()].map((row) => ({
      rowId: row.row_id,
      stableId: row.stable_id,
      brokerId: row.broker_id,
      aliases: this.statements.aliasesOf.all(row.row_id).map((alias) => alias.broker_id),
      fingerprint: row.fingerprint,
      instant: row.instant,
      type: row.type as OperationType,
      instrumentKey: row.instrument_key,
      parentFingerprint: row.parent_fingerprint,
      body: row.body,
      missing: row.missing,
    }));
  }

  private apply(accountId: string, plan: MergePlan): void {
    const { statements } = this;
    for (const removal of plan.removals) {
      statements.remove.run(removal.rowId);
      statements.change.run(accountId, removal.stableId);
    }
    for (const update of plan.updates) {
      const { rowId, brokerId, fingerprint, instant, parentFingerprint, body } = update;
      statements.update.run({ rowId, brokerId, fingerprint, instant, parentFingerprint, body });
      for (const alias of update.newAliases) statements.alias.run(accountId, alias, update.rowId);
      if (update.changed) statements.change.run(accountId, update.stableId);
    }
    for (const missed of plan.missed) statements.setMissing.run(missed.missing, missed.rowId);
    for (const entry of plan.inserts) {
      const { lastInsertRowid } = statements.insert.run({
        accountId,
        stableId: entry.stableId,
        brokerId: entry.brokerId,
        fingerprint: entry.fingerprint,
        instant: entry.instant,
        type: entry.type,
        instrumentKey: entry.instrumentKey,
        parentFingerprint: entry.parentFingerprint,
        body: entry.body,
      });
      for (const alias of entry.aliases) statements.alias.run(accountId, alias, Number(lastInsertRowid));
      statements.change.run(accountId, entry.stableId);
    }
  }
}

/** A stored row as the operation clients see: its body, with the journal's stable id. */
export function storedOperation(row: { row_id: number; stable_id: string; instant: string; body: string }): StoredOperation {
  const content = JSON.parse(row.body) as Omit<Operation, 'id'>;
  return { rowId: row.row_id, stableId: row.stable_id, instant: row.instant, operation: { ...content, id: row.stable_id } };
}
