import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionQuota, type CallPriority, type QuotaBucket } from '../src/brokers/resilience/quota.js';
import { graphql } from './support/graphql.js';
import { syncJournal } from './support/history.js';
import { startStack } from './support/stack.js';
import { until } from './support/until.js';

/**
 * The journal's sync runs at background priority in each connection's request budget: behind
 * every queued order and read, never below a reserve of each bucket, with at most half the calls
 * in flight — so a client's query arriving mid-backfill finds the budget as if it were idle.
 */

const bucket = (perSecond: number, burst: number): QuotaBucket => ({ name: 'all', matches: () => true, perSecond, burst });

describe('background priority in a connection budget', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const farDeadline = () => Date.now() + 600_000;

  it('leaves a fifth of the burst to clients, who then go at once', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [bucket(1, 10)], maxConcurrent: 100 });
    let background = 0;
    for (let index = 0; index < 10; index++) {
      void quota.acquire({ route: 'x', priority: 'background', deadline: farDeadline() }).then((release) => {
        background += 1;
        release();
      });
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(background).toBe(8);
    let read = false;
    void quota.acquire({ route: 'x', priority: 'read', deadline: Date.now() + 10 }).then((release) => {
      read = true;
      release();
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toBe(true);
    expect(quota.snapshot().queuedBackground).toBe(2);
  });

  it('serves queued orders and reads before background calls queued earlier', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [bucket(1, 1)], maxConcurrent: 10 });
    const served: string[] = [];
    const take = (name: string, priority: CallPriority) =>
      void quota.acquire({ route: 'x', priority, deadline: farDeadline() }).then((release) => {
        served.push(name);
        release();
      });
    take('read-1', 'read');
    take('background-1', 'background');
    take('background-2', 'background');
    take('read-2', 'read');
    take('order', 'order');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(served).toEqual(['read-1', 'order', 'read-2', 'background-1', 'background-2']);
  });

  it('keeps half the calls in flight free of background calls', async () => {
    const quota = new ConnectionQuota('tbank', { buckets: [], maxConcurrent: 4 });
    const releases: Array<() => void> = [];
    for (let index = 0; index < 4; index++) void quota.acquire({ route: 'x', priority: 'background', deadline: farDeadline() }).then((release) => releases.push(release));
    await vi.advanceTimersByTimeAsync(0);
    expect(releases).toHaveLength(2);
    const reads = await Promise.all([0, 1].map(() => quota.acquire({ route: 'x', priority: 'read', deadline: farDeadline() })));
    expect(quota.snapshot()).toMatchObject({ inFlight: 4, queuedBackground: 2 });
    for (const release of [...reads, ...releases.splice(0)]) release();
    await vi.advanceTimersByTimeAsync(0);
    expect(releases).toHaveLength(2);
  });
});

describe('the journal sync in the budget', () => {
  it('asks the broker at background priority', async () => {
    const stack = await startStack({ quota: true, journal: { windowDays: 365 } });
    try {
      await syncJournal(stack, 'tbank', '2000345678');
      const metric = await stack.gateway.metrics.registry.getSingleMetricAsString('brokerql_quota_wait_seconds');
      expect(metric).toMatch(/brokerql_quota_wait_seconds_count\{connection="tbank",priority="background"\} [1-9]/);
      // The one client read: this test listing the accounts to sync.
      expect(metric).toMatch(/brokerql_quota_wait_seconds_count\{connection="tbank",priority="read"\} 1\n/);
    } finally {
      await stack.close();
    }
  });
});

describe('serve with journal.enabled', () => {
  it('fills every account\'s journal in the background', async () => {
    const stack = await startStack({ journal: { enabled: true, windowDays: 365 } });
    try {
      const states = stack.gateway.history.journal.states;
      const accounts = ['tbank:2000345678', 'tbank:2008765432', 'tbank:2031415926', 'tbank:2019283746'];
      await until(() => accounts.every((account) => states.get(account)?.syncedUntil != null), 'every account to be synced');
      const changes = await graphql<{ account: { operationChanges: { upserted: Array<{ id: string }>; complete: boolean } } }>(
        stack.gateway,
        '{ account(id: "tbank:2000345678") { operationChanges { upserted { id } complete } } }',
        { token: stack.readToken },
      );
      expect(changes.data!.account.operationChanges.complete).toBe(true);
      expect(changes.data!.account.operationChanges.upserted).toHaveLength(stack.tinkoff.state.operations.filter((operation) => operation.accountId === '2000345678').length);
    } finally {
      // Stops the sync first (gateway.close waits for it), then the simulators.
      await stack.close();
    }
  });
});
