import { requireMethod, supports } from '../brokers/capabilities.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { BrokerAccount, Operation } from '../domain.js';
import { scopedId } from '../ids.js';
import { runInRequestScope, type RequestScope } from '../request-scope.js';
import type { JournalConfig } from './config.js';
import type { JournalStore } from './store.js';
import type { SyncStates } from './sync-state.js';
import { readWindow, type PageSource } from './window-read.js';

/**
 * Filling one account's journal: a backfill over overlapping windows, newest first, then a tail
 * read of what is new (and of the last `lookbackDays`, for operations booked late). Consecutive
 * windows overlap by half, so every operation is read twice, at different places in the pages:
 * a row a broker loses at a page seam in one read is found in the other. Progress is saved after
 * every window; a restarted brokerql continues with the next one. A read that leaves rows missing
 * for the first time is followed at once by a second read of the same window with a page one row
 * shorter (other seams): only rows missing from both are removed (identity.ts).
 *
 * Every broker call runs in a background request scope: it waits behind every client's calls in
 * the connection's budget (brokers/resilience/quota.ts).
 */

export interface SyncTarget {
  connection: ConnectionModel;
  account: BrokerAccount;
}

export type SyncPhase = 'backfill' | 'tail' | 'done' | 'busy' | 'failed' | 'unsupported';

export interface SyncProgress {
  accountId: string;
  phase: SyncPhase;
  windowsDone: number;
  windowsTotal: number;
  /** Operations in the account's journal. */
  operations: number;
  /** Broker calls this sync has made. */
  brokerCalls: number;
  error?: string | undefined;
}

export interface JournalSyncOptions {
  store: JournalStore;
  states: SyncStates;
  config: JournalConfig;
  /** Who holds the leases this sync takes: one id per process. */
  owner: string;
  now?: () => number;
  onProgress?: (progress: SyncProgress) => void;
}

const day = 86_400_000;
/** How long a lease lasts without renewal (renewed after every window). */
const leaseMilliseconds = 5 * 60_000;
/** Further reads of a window whose seams stayed ambiguous before its last read is merged as it is. */
const rereadsOfAmbiguousWindow = 3;
/** How long one background page may wait in the connection's queue and retry. */
const pageDeadlineMilliseconds = 5 * 60_000;

interface Window {
  from: number;
  to: number;
}

/**
 * Runs broker calls as brokerql's own background work: behind every client's calls in the
 * connection's budget, each allowed to wait and retry for a few minutes. `counted` is told how
 * many broker calls it made.
 */
export function runInBackground<Value>(call: () => Promise<Value>, counted?: (brokerCalls: number) => void): Promise<Value> {
  const scope: RequestScope = { deadline: Date.now() + pageDeadlineMilliseconds, brokerCalls: 0, background: true };
  return runInRequestScope(scope, call).finally(() => counted?.(scope.brokerCalls));
}

export class JournalSync {
  private readonly now: () => number;

  constructor(private readonly options: JournalSyncOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The backfill plan for an account: from its opening (or `since`) to now, in half-window steps. */
  plan(account: BrokerAccount): { since: string; backfillEnd: string; windowsTotal: number } {
    const since = Date.parse(account.openedAt ?? this.options.config.since);
    const end = this.now();
    const windowsTotal = Math.max(1, Math.ceil((end - since) / this.half()));
    return { since: new Date(since).toISOString(), backfillEnd: new Date(end).toISOString(), windowsTotal };
  }

  async sync(target: SyncTarget, { signal, full = false }: { signal?: AbortSignal | undefined; full?: boolean } = {}): Promise<SyncProgress> {
    const { store, states, owner } = this.options;
    const accountId = scopedId(target.connection.id, target.account.brokerAccountId);
    const progress: SyncProgress = { accountId, phase: 'backfill', windowsDone: 0, windowsTotal: 0, operations: store.count(accountId), brokerCalls: 0 };
    const report = (phase: SyncPhase) => {
      progress.phase = phase;
      progress.operations = store.count(accountId);
      this.options.onProgress?.({ ...progress });
      return { ...progress };
    };
    if (!supports(target.connection, 'listOperations')) return report('unsupported');
    let state = states.ensure(accountId, this.plan(target.account));
    if (full) states.restart(accountId, this.plan(target.account));
    if (!states.lease(accountId, owner, leaseMilliseconds)) return report('busy');
    try {
      state = states.get(accountId)!;
      progress.windowsTotal = state.windowsTotal;
      progress.windowsDone = state.nextWindow;
      report('backfill');
      const end = Date.parse(state.backfillEnd);
      for (let index = state.nextWindow; index < state.windowsTotal; index++) {
        signal?.throwIfAborted();
        const to = end - index * this.half();
        await this.readAndMerge(target, accountId, { from: to - 2 * this.half(), to }, progress, signal);
        states.advance(accountId, owner, index + 1);
        progress.windowsDone = index + 1;
        if (!states.lease(accountId, owner, leaseMilliseconds)) return report('busy');
        report('backfill');
      }
      if (!state.backfillDoneAt) states.finishBackfill(accountId, owner, state.backfillEnd);
      state = states.get(accountId)!;
      report('tail');
      const tailEnd = this.now();
      const syncedUntil = Date.parse(state.syncedUntil ?? state.backfillEnd);
      // Right after a backfill its newest half-window has been read once only: read it again.
      const lookback = Math.max(this.options.config.lookbackDays * day, state.syncedUntil === state.backfillEnd ? this.half() : 0);
      const tailStart = Math.max(Date.parse(state.since), syncedUntil - lookback);
      for (const window of this.windowsOver(tailStart, tailEnd)) {
        signal?.throwIfAborted();
        await this.readAndMerge(target, accountId, window, progress, signal);
      }
      states.synced(accountId, owner, new Date(tailEnd).toISOString());
      return report('done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      states.fail(accountId, message);
      progress.error = message;
      return report('failed');
    } finally {
      states.release(accountId, owner);
    }
  }

  private half(): number {
    return (this.options.config.windowDays * day) / 2;
  }

  /** [from, to] as one window when it fits in one, else overlapping windows newest first. */
  private windowsOver(from: number, to: number): Window[] {
    const half = this.half();
    if (to - from <= 2 * half) return [{ from, to }];
    const windows: Window[] = [];
    for (let end = to; ; end -= half) {
      const start = end - 2 * half;
      windows.push({ from: Math.max(start, from), to: end });
      if (start <= from) return windows;
    }
  }

  private async readAndMerge(target: SyncTarget, accountId: string, window: Window, progress: SyncProgress, signal: AbortSignal | undefined) {
    const range = { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() };
    const read = (attempt: number) => this.readPaged(target, range, this.pageSize(attempt), progress, signal);
    let attempt = 0;
    let answer = await read(attempt);
    // An ambiguous seam (window-read.ts) is read again with other seams, a few times at most.
    while (answer.ambiguousSeams > 0 && attempt < rereadsOfAmbiguousWindow) answer = await read(++attempt);
    const outcome = this.options.store.merge(accountId, range, answer.operations);
    if (outcome.newlyMissing === 0) return;
    // Confirm the misses with pages of another size: a row lost at a seam of the first read is
    // elsewhere in these pages.
    answer = await read(++attempt);
    this.options.store.merge(accountId, range, answer.operations);
  }

  /** The page size of a window's n-th read: one row shorter each time (other seams), never below 3. */
  private pageSize(attempt: number): number {
    return Math.max(3, this.options.config.pageSize - attempt);
  }

  private readPaged(target: SyncTarget, range: { from: string; to: string }, limit: number, progress: SyncProgress, signal: AbortSignal | undefined) {
    const { connection, account } = target;
    const brokerAccountId = account.brokerAccountId;
    const inBackground = <Value>(call: () => Promise<Value>) => runInBackground(call, (calls) => (progress.brokerCalls += calls));
    let source: PageSource;
    if (supports(connection, 'listOperationsPage')) {
      const page = requireMethod(connection, 'listOperationsPage');
      source = (cursor) => inBackground(() => page({ brokerAccountId, ...range, cursor, limit, signal }));
    } else {
      const list = requireMethod(connection, 'listOperations');
      source = async () => {
        const operations: Operation[] = await inBackground(() => list({ brokerAccountId, ...range, instrument: null, signal }));
        return { operations, startCursors: operations.map(() => null), nextCursor: null };
      };
    }
    return readWindow(source);
  }
}
