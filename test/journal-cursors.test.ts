import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/server.js';
import { graphql } from './support/graphql.js';
import { syncJournal, syntheticHistory } from './support/history.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Account.operationsPage's cursors are opaque and stable: a cursor keeps its place after new
 * operations arrive and after a restart, and one brokerql did not issue is BAD_USER_INPUT.
 * Account.operations is answered from the journal once the journal covers the window.
 */

const account = '2031415926';
const accountId = `tbank:${account}`;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ journal: { windowDays: 60, pageSize: 50 } });
  stack.tinkoff.state.operations.push(...syntheticHistory(account, 60, '2026-10-01T07:00:00Z'));
  await syncJournal(stack, 'tbank', account);
  await syncJournal(stack, 'tbank', '2000345678');
});

afterAll(() => stack.close());

interface Edge {
  cursor: string;
  node: { id: string; date: string; type: string };
}

async function page(gateway: Gateway, argumentsText: string, variables: Record<string, unknown> = {}, token = stack.readToken) {
  const response = await graphql<{ account: { operationsPage: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; syncedUntil: string | null } | null } }>(
    gateway,
    `query ${argumentsText.includes('$after') ? '($after: String)' : ''} { account(id: "${accountId}") { operationsPage(${argumentsText}) { edges { cursor node { id date type } } pageInfo { hasNextPage endCursor } syncedUntil } } }`,
    { token, variables },
  );
  return { page: response.data?.account.operationsPage ?? null, errors: response.errors };
}

describe('operationsPage cursors', () => {
  it('pages newest first, and a cursor keeps its place after new operations arrive and after a restart', async () => {
    const first = (await page(stack.gateway, 'first: 10')).page!;
    expect(first.edges).toHaveLength(10);
    expect(first.syncedUntil).not.toBeNull();
    const dates = first.edges.map((edge) => edge.node.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    const cursor = first.pageInfo.endCursor!;
    const next = (await page(stack.gateway, 'first: 10, after: $after', { after: cursor })).page!;
    expect(next.edges[0]!.node.date <= dates.at(-1)!).toBe(true);

    // A newer operation, and a late one dated just after the cursor's row (older than it in
    // newest-first order, so it belongs after the cursor).
    const cursorRow = first.edges.at(-1)!.node;
    const late = { ...syntheticHistory(account, 1, '2026-10-01T07:00:00Z')[0]!, id: '777000001', date: new Date(Date.parse(cursorRow.date) - 1_000).toISOString() };
    const newer = { ...late, id: '777000002', date: '2026-11-20T10:00:00.000Z' };
    stack.tinkoff.state.operations.push(late, newer);
    await syncJournal(stack, 'tbank', account, { full: true });

    const after = (await page(stack.gateway, 'first: 10, after: $after', { after: cursor })).page!;
    expect(after.edges[0]!.node.id).toBe('777000001');
    expect(after.edges.slice(1).map((edge) => edge.node.id)).toEqual(next.edges.slice(0, 9).map((edge) => edge.node.id));
    expect(after.edges.map((edge) => edge.node.id)).not.toContain('777000002');
    expect((await page(stack.gateway, 'first: 1')).page!.edges[0]!.node.id).toBe('777000002');

    // The same cursor, from a new gateway on the same data dir.
    const restarted = createGateway(stack.config);
    try {
      expect((await page(restarted, 'first: 10, after: $after', { after: cursor })).page).toEqual(after);
    } finally {
      await restarted.close();
    }
  });

  it('filters by time, type and instrument', async () => {
    const dividends = (await page(stack.gateway, 'first: 100, filter: { types: [DIVIDEND], from: "2026-10-05T00:00:00Z", to: "2026-10-09T00:00:00Z" }')).page!;
    expect(dividends.edges.length).toBeGreaterThan(0);
    expect(dividends.edges.every((edge) => edge.node.type === 'DIVIDEND' && edge.node.date >= '2026-10-05' && edge.node.date <= '2026-10-09')).toBe(true);
    const sber = await graphql<{ account: { operationsPage: { edges: Array<{ node: { instrument: { figi: string } | null } }> } } }>(
      stack.gateway,
      `{ account(id: "${accountId}") { operationsPage(first: 100, filter: { instrument: { figi: "BBG004730N88" } }) { edges { node { instrument { figi } } } } } }`,
      { token: stack.readToken },
    );
    const edges = sber.data!.account.operationsPage.edges;
    expect(edges.length).toBeGreaterThan(0);
    expect(edges.every((edge) => edge.node.instrument?.figi === 'BBG004730N88')).toBe(true);
  });

  it('refuses a cursor it did not issue, an edited one, another account\'s, and a changes cursor', async () => {
    const cursor = (await page(stack.gateway, 'first: 1')).page!.pageInfo.endCursor!;
    const [body, signature] = cursor.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...decoded, row: 1 })).toString('base64url')}.${signature}`;
    const otherAccount = await graphql<{ account: { operationsPage: { pageInfo: { endCursor: string } } } }>(
      stack.gateway,
      '{ account(id: "tbank:2000345678") { operationsPage(first: 1) { pageInfo { endCursor } } } }',
      { token: stack.readToken },
    );
    const changes = await graphql<{ account: { operationChanges: { cursor: string } } }>(stack.gateway, `{ account(id: "${accountId}") { operationChanges { cursor } } }`, {
      token: stack.readToken,
    });
    const flipped = `${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`;
    const otherCursor = otherAccount.data!.account.operationsPage.pageInfo.endCursor;
    expect(otherCursor).toEqual(expect.any(String));
    for (const after of ['x', '', flipped, forged, `${body}.`, 'a'.repeat(600), changes.data!.account.operationChanges.cursor, otherCursor]) {
      const { page: answer, errors } = await page(stack.gateway, 'first: 5, after: $after', { after });
      expect(answer, after.slice(0, 30)).toBeNull();
      expect(errors, after.slice(0, 30)).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' }, path: ['account', 'operationsPage'] }]);
    }
    for (const first of [0, 1001]) {
      const { errors } = await page(stack.gateway, `first: ${first}`);
      expect(errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    }
  });

  it('answers Account.operations from the journal when the journal covers the window', async () => {
    const calls = () => stack.tinkoff.server.requestCount('OperationsService/GetOperationsByCursor');
    const before = calls();
    const covered = await graphql<{ account: { operations: Array<{ id: string; date: string }> } }>(
      stack.gateway,
      `{ account(id: "${accountId}") { operations(from: "2026-10-01T00:00:00Z", to: "2026-10-10T00:00:00Z") { id date } } }`,
      { token: stack.readToken },
    );
    expect(calls()).toBe(before);
    const journaled = (await page(stack.gateway, 'first: 100, filter: { from: "2026-10-01T00:00:00Z", to: "2026-10-10T00:00:00Z" }')).page!;
    expect(covered.data!.account.operations).toEqual(journaled.edges.map((edge) => ({ id: edge.node.id, date: edge.node.date })));
    // A window reaching past what the journal covers goes to the broker, as before.
    await graphql(stack.gateway, `{ account(id: "${accountId}") { operations(from: "2026-10-01T00:00:00Z", to: "2099-01-01T00:00:00Z") { id } } }`, { token: stack.readToken });
    expect(calls()).toBeGreaterThan(before);
  });
});
