import { afterEach, describe, expect, it } from 'vitest';
import type { SyncProgress } from '../src/journal/sync.js';
import { graphql, type GraphQLResponse } from './support/graphql.js';
import { contentKey, groundTruth, syncJournal, syntheticHistory } from './support/history.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * The journal against the T-Invest simulator's history faults, alone and combined: after a full
 * sync it holds exactly the simulator's operations (none missing, none twice), and a client
 * following operationChanges ends with the same, one call past the end.
 */

const account = '2031415926';
const accountId = `tbank:${account}`;
// Small pages and windows, so that a few hundred operations cross many page seams and windows.
const journal = { windowDays: 20, pageSize: 7, lookbackDays: 5 };

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function startWithHistory(): Promise<Stack> {
  stack = await startStack({ journal });
  stack.tinkoff.state.operations.push(...syntheticHistory(account, 300, '2026-09-01T07:00:00Z'));
  return stack;
}

function syncAccount(current: Stack, options: { full?: boolean } = {}): Promise<SyncProgress> {
  return syncJournal(current, 'tbank', account, options);
}

interface Row {
  id: string;
  brokerType: string;
  date: string;
  quantity: string | null;
  payment: { amount: string };
  instrument: { figi: string | null } | null;
}

interface PageAnswer {
  account: { operationsPage: { edges: Array<{ node: Row }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
}

interface ChangesAnswer {
  account: { operationChanges: { upserted: Row[]; removed: string[]; cursor: string; complete: boolean } };
}

const rowFields = 'id brokerType date quantity payment { amount } instrument { figi }';

function journalKey(row: Row): string {
  return contentKey({ type: row.brokerType, date: row.date, figi: row.instrument?.figi ?? undefined, payment: row.payment.amount, quantity: row.quantity ?? undefined });
}

/** Every row of the journal, paged through operationsPage. */
async function journalRows(current: Stack): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse<PageAnswer> = await graphql<PageAnswer>(
      current.gateway,
      `query ($after: String) { account(id: "${accountId}") { operationsPage(first: 50, after: $after) { edges { node { ${rowFields} } } pageInfo { hasNextPage endCursor } } } }`,
      { token: current.readToken, variables: { after } },
    );
    expect(response.errors).toBeUndefined();
    const page: PageAnswer['account']['operationsPage'] = response.data!.account.operationsPage;
    rows.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

/** A client that keeps a replica through operationChanges until `complete`, then asks once more. */
async function followChanges(current: Stack): Promise<{ replica: Map<string, Row>; calls: number; last: { upserted: Row[]; removed: string[]; complete: boolean } }> {
  const replica = new Map<string, Row>();
  let since: string | null = null;
  for (let calls = 1; ; calls++) {
    const response: GraphQLResponse<ChangesAnswer> = await graphql<ChangesAnswer>(
      current.gateway,
      `query ($since: String) { account(id: "${accountId}") { operationChanges(since: $since) { upserted { ${rowFields} } removed cursor complete } } }`,
      { token: current.readToken, variables: { since } },
    );
    expect(response.errors).toBeUndefined();
    const changes: ChangesAnswer['account']['operationChanges'] = response.data!.account.operationChanges;
    for (const row of changes.upserted) replica.set(row.id, row);
    for (const id of changes.removed) replica.delete(id);
    since = changes.cursor;
    if (changes.complete) {
      const past = await graphql<{ account: { operationChanges: { upserted: Row[]; removed: string[]; complete: boolean } } }>(
        current.gateway,
        `query ($since: String) { account(id: "${accountId}") { operationChanges(since: $since) { upserted { ${rowFields} } removed complete } } }`,
        { token: current.readToken, variables: { since } },
      );
      return { replica, calls: calls + 1, last: past.data!.account.operationChanges };
    }
    if (calls > 100) throw new Error('operationChanges never completed');
  }
}

async function expectJournalEqualsGroundTruth(current: Stack) {
  const truth = groundTruth(current.tinkoff, account);
  const rows = await journalRows(current);
  expect(rows.map(journalKey).sort()).toEqual(truth);
  expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  const { replica, last } = await followChanges(current);
  expect([...replica.values()].map(journalKey).sort()).toEqual(truth);
  expect(last).toEqual({ upserted: [], removed: [], complete: true });
}

type Faults = Stack['tinkoff']['state']['history'];
const faultModes: Record<string, (faults: Faults, current: Stack) => void> = {
  'no fault': () => undefined,
  'a row dropped at every page seam': (faults) => (faults.dropAtSeam = true),
  'a row repeated at every page seam': (faults) => (faults.repeatAtSeam = true),
  'every id changed in the middle of the backfill': (faults) => faults.changeIdsAfter(12),
  'operations delivered late, in windows already read': (faults, current) => {
    const rows = current.tinkoff.state.operations.filter((operation) => operation.accountId === account);
    for (const index of [3, 90, 200, 299]) faults.deliverLate(rows[index]!);
  },
  'all of them at once': (faults, current) => {
    faults.dropAtSeam = true;
    faults.repeatAtSeam = true;
    faults.changeIdsAfter(20);
    const rows = current.tinkoff.state.operations.filter((operation) => operation.accountId === account);
    for (const index of [5, 150, 280]) faults.deliverLate(rows[index]!);
  },
};

describe('the operations journal against the simulator history faults', () => {
  for (const [name, apply] of Object.entries(faultModes)) {
    it(`holds the ground truth after a full sync: ${name}`, async () => {
      const current = await startWithHistory();
      apply(current.tinkoff.state.history, current);
      const progress = await syncAccount(current);
      expect([progress.phase, progress.error]).toEqual(['done', undefined]);
      expect(progress.operations).toBe(300);
      await expectJournalEqualsGroundTruth(current);
    });
  }

  it('keeps the stable ids when the broker changes its ids, and a restated row stays one row', async () => {
    const current = await startWithHistory();
    await syncAccount(current);
    /** The journal's ids of each kind of row (twins share a kind). */
    const idsByContent = (rows: Row[]) => {
      const ids = new Map<string, string[]>();
      for (const row of rows) ids.set(journalKey(row), [...(ids.get(journalKey(row)) ?? []), row.id].sort());
      return ids;
    };
    const before = idsByContent(await journalRows(current));
    current.tinkoff.state.history.changeIdsAfter(1);
    const { cursor } = (await graphql<{ account: { operationChanges: { cursor: string } } }>(current.gateway, `{ account(id: "${accountId}") { operationChanges { cursor } } }`, { token: current.readToken })).data!.account.operationChanges;
    await syncAccount(current, { full: true });
    expect(current.tinkoff.state.history.idChanges).toBe(1);
    expect(idsByContent(await journalRows(current))).toEqual(before);
    // The broker restates one dividend (same operation, corrected amount): one row, same id, one change.
    const dividend = current.tinkoff.state.operations.filter((operation) => operation.accountId === account && operation.type === 'OPERATION_TYPE_DIVIDEND').at(-1)!;
    const [stableId] = before.get(contentKey({ type: dividend.type, date: dividend.date, figi: dividend.figi, payment: dividend.payment, quantity: '10' }))!;
    dividend.payment = '999.99';
    await syncAccount(current, { full: true });
    const changes = await graphql<{ account: { operationChanges: { upserted: Row[]; removed: string[] } } }>(
      current.gateway,
      `query ($since: String) { account(id: "${accountId}") { operationChanges(since: $since) { upserted { ${rowFields} } removed } } }`,
      { token: current.readToken, variables: { since: cursor } },
    );
    const { upserted, removed } = changes.data!.account.operationChanges;
    expect(removed).toEqual([]);
    expect(upserted.map((row) => [row.id, row.payment.amount])).toEqual([[stableId, '999.99']]);
    await expectJournalEqualsGroundTruth(current);
  });

  it('removes a row the broker stops returning only once two reads miss it, and says so in operationChanges', async () => {
    const current = await startWithHistory();
    await syncAccount(current);
    const { cursor } = (await graphql<{ account: { operationChanges: { cursor: string } } }>(current.gateway, `{ account(id: "${accountId}") { operationChanges { cursor } } }`, { token: current.readToken })).data!.account.operationChanges;
    const operations = current.tinkoff.state.operations;
    const gone = operations.findLastIndex((operation) => operation.accountId === account && operation.type === 'OPERATION_TYPE_INPUT');
    const [removedRow] = operations.splice(gone, 1);
    // A full re-read (brokerql sync --full) covers its window again.
    await syncAccount(current, { full: true });
    const changes = await graphql<{ account: { operationChanges: { upserted: Row[]; removed: string[] } } }>(
      current.gateway,
      `query ($since: String) { account(id: "${accountId}") { operationChanges(since: $since) { upserted { id } removed } } }`,
      { token: current.readToken, variables: { since: cursor } },
    );
    expect(changes.data!.account.operationChanges).toEqual({ upserted: [], removed: [removedRow!.id] });
    await expectJournalEqualsGroundTruth(current);
  });
});
