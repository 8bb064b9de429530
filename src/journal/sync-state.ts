import type { Database } from '../storage/database.js';

/**
 * Where each account's sync stands, in SQLite so that a restarted brokerql (or `brokerql sync`
 * in another process) continues where the last one stopped: the backfill's fixed plan (its ends
 * and number of windows) and the next window to read, then how far the journal is known to be
 * complete. A lease says which process is syncing an account right now.
 */
export interface SyncState {
  accountId: string;
  /** The backfill's lower end, ISO-8601. */
  since: string;
  /** Its upper end, fixed when it started. */
  backfillEnd: string;
  windowsTotal: number;
  nextWindow: number;
  backfillDoneAt: string | null;
  /** The journal holds every operation the broker had up to here (the end of the last completed read). */
  syncedUntil: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  /** The process syncing it now, if its lease has not run out. */
  syncingNow: boolean;
}

interface StateRow {
  account_id: string;
  since: string;
  backfill_end: string;
  windows_total: number;
  next_window: number;
  backfill_done_at: string | null;
  synced_until: string | null;
  last_sync_at: string | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
}

export class SyncStates {
  private readonly statements;

  constructor(
    database: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.statements = {
      get: database.prepare<[string], StateRow>('SELECT * FROM journal_accounts WHERE account_id = ?'),
      all: database.prepare<[], StateRow>('SELECT * FROM journal_accounts ORDER BY account_id'),
      start: database.prepare(
        `INSERT OR IGNORE INTO journal_accounts (account_id, since, backfill_end, windows_total)
         VALUES (@accountId, @since, @backfillEnd, @windowsTotal)`,
      ),
      advance: database.prepare<[number, string, string]>('UPDATE journal_accounts SET next_window = ?, last_error = NULL WHERE account_id = ? AND lease_owner = ?'),
      finishBackfill: database.prepare<[string, string, string, string]>(
        'UPDATE journal_accounts SET backfill_done_at = ?, synced_until = ? WHERE account_id = ? AND lease_owner = ?',
      ),
      synced: database.prepare<[string, string, string, string]>(
        'UPDATE journal_accounts SET synced_until = ?, last_sync_at = ?, last_error = NULL WHERE account_id = ? AND lease_owner = ?',
      ),
      fail: database.prepare<[string, string, string]>('UPDATE journal_accounts SET last_error = ?, last_sync_at = ? WHERE account_id = ?'),
      restart: database.prepare<[string, string, number, string]>(
        `UPDATE journal_accounts SET backfill_end = ?, since = ?, windows_total = ?, next_window = 0, backfill_done_at = NULL
          WHERE account_id = ?`,
      ),
      lease: database.prepare<[string, number, string, string, number]>(
        `UPDATE journal_accounts SET lease_owner = ?, lease_until = ?
          WHERE account_id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
      ),
      release: database.prepare<[string, string]>('UPDATE journal_accounts SET lease_owner = NULL, lease_until = NULL WHERE account_id = ? AND lease_owner = ?'),
    };
  }

  get(accountId: string): SyncState | undefined {
    const row = this.statements.get.get(accountId);
    return row ? this.toState(row) : undefined;
  }

  list(): SyncState[] {
    return this.statements.all.all().map((row) => this.toState(row));
  }

  /** The account's state, created with this backfill plan if it has none yet. */
  ensure(accountId: string, plan: { since: string; backfillEnd: string; windowsTotal: number }): SyncState {
    this.statements.start.run({ accountId, ...plan });
    return this.get(accountId)!;
  }

  /** Starts the backfill over (`brokerql sync --full`): every window is read again. */
  restart(accountId: string, plan: { since: string; backfillEnd: string; windowsTotal: number }): void {
    this.statements.restart.run(plan.backfillEnd, plan.since, plan.windowsTotal, accountId);
  }

  /** Takes (or renews) the account's lease for `milliseconds`; false while another process holds it. */
  lease(accountId: string, owner: string, milliseconds: number): boolean {
    const now = this.now();
    return this.statements.lease.run(owner, now + milliseconds, accountId, owner, now).changes === 1;
  }

  release(accountId: string, owner: string): void {
    this.statements.release.run(accountId, owner);
  }

  advance(accountId: string, owner: string, nextWindow: number): void {
    this.statements.advance.run(nextWindow, accountId, owner);
  }

  finishBackfill(accountId: string, owner: string, syncedUntil: string): void {
    this.statements.finishBackfill.run(new Date(this.now()).toISOString(), syncedUntil, accountId, owner);
  }

  synced(accountId: string, owner: string, syncedUntil: string): void {
    this.statements.synced.run(syncedUntil, new Date(this.now()).toISOString(), accountId, owner);
  }

  fail(accountId: string, message: string): void {
    this.statements.fail.run(message, new Date(this.now()).toISOString(), accountId);
  }

  private toState(row: StateRow): SyncState {
    return {
      accountId: row.account_id,
      since: row.since,
      backfillEnd: row.backfill_end,
      windowsTotal: row.windows_total,
      nextWindow: row.next_window,
      backfillDoneAt: row.backfill_done_at,
      syncedUntil: row.synced_until,
      lastSyncAt: row.last_sync_at,
      lastError: row.last_error,
      syncingNow: row.lease_owner !== null && (row.lease_until ?? 0) >= this.now(),
    };
  }
}
