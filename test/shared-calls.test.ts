import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/server.js';
import { graphql, type GraphQLResponse } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';
import { until } from './support/until.js';

/**
 * Concurrent identical reads share one broker call across requests (issue 13, D22), but only
 * calls that started after a request arrived: sharing is never caching.
 */
let stack: Stack;
const portfolioQuery = '{ account(id: "tbank:2000345678") { portfolio { positions { quantity instrument { ticker } } } } }';
const portfolioCalls = () => stack.tinkoff.server.requestCount('OperationsService/GetPortfolio');

beforeAll(async () => {
  // No account-list cache: every request needs the list, as after the cache expires.
  stack = await startStack({ cache: { accountsTtlSeconds: 0 } });
});
afterAll(() => stack.close());
beforeEach(() => stack.tinkoff.server.resetCounters());

/** Starts `count` requests in the same turn of the event loop, as clients arriving together. */
function together(gateway: Gateway, count: number, query: string, token: string): Array<Promise<GraphQLResponse<Record<string, any>>>> {
  return Array.from({ length: count }, () => graphql(gateway, query, { token }));
}

describe('requests arriving together', () => {
  it('share one GetAccounts and one GetPortfolio, and each gets the whole answer', async () => {
    const results = await Promise.all(together(stack.gateway, 10, portfolioQuery, stack.readToken));
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    expect(new Set(results.map((result) => JSON.stringify(result.data))).size).toBe(1);
    expect(results[0]!.data!['account'].portfolio.positions).toHaveLength(4);
    expect(stack.tinkoff.server.requestCounts()).toEqual({ 'UsersService/GetAccounts': 1, 'OperationsService/GetPortfolio': 1 });
  });

  it('share the account list across tokens without showing a limited token more than its accounts', async () => {
    const limited = stack.token('READ', ['tbank:2008765432']);
    const query = '{ accounts { id } }';
    const [full, narrow] = await Promise.all([graphql(stack.gateway, query, { token: stack.readToken }), graphql(stack.gateway, query, { token: limited })]);
    expect(full.data!['accounts']).toHaveLength(4);
    expect(narrow.data).toEqual({ accounts: [{ id: 'tbank:2008765432' }] });
    expect(stack.tinkoff.server.requestCount('UsersService/GetAccounts')).toBe(1);
  });

  it('do not share calls for different parts of a portfolio', async () => {
    const [positions, cash] = await Promise.all([
      graphql(stack.gateway, portfolioQuery, { token: stack.readToken }),
      graphql(stack.gateway, '{ account(id: "tbank:2000345678") { portfolio { cash { amount } } } }', { token: stack.readToken }),
    ]);
    expect(positions.errors ?? cash.errors).toBeUndefined();
    expect(cash.data!['account'].portfolio.cash).toHaveLength(2);
    expect(stack.tinkoff.server.requestCounts()).toMatchObject({ 'OperationsService/GetPortfolio': 1, 'OperationsService/GetPositions': 1 });
  });

  it('keep the shared call going for the others when one client goes away', async () => {
    const release = stack.tinkoff.server.hold('OperationsService/GetPortfolio');
    const leaving = new AbortController();
    const left = Promise.resolve(
      stack.gateway.yoga.fetch('http://brokerql.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.readToken}` },
        body: JSON.stringify({ query: portfolioQuery }),
        signal: leaving.signal,
      }),
    )
      .then((response) => response.text())
      .catch(() => 'aborted');
    const staying = graphql(stack.gateway, portfolioQuery, { token: stack.readToken });
    try {
      await until(() => portfolioCalls() >= 1, 'the shared GetPortfolio to reach the broker');
      leaving.abort();
      await left;
    } finally {
      release();
    }
    const result = await staying;
    expect(result.errors).toBeUndefined();
    expect(result.data!['account'].portfolio.positions).toHaveLength(4);
    expect(portfolioCalls()).toBe(1);
  });
});

describe('a request arriving while a call is in flight', () => {
  it('does not join it: it makes its own call, so it never gets an answer older than itself', async () => {
    const release = stack.tinkoff.server.hold('OperationsService/GetPortfolio');
    const sber = stack.tinkoff.state.holdings.get('2000345678')!.get('BBG004730N88')!;
    const first = graphql(stack.gateway, portfolioQuery, { token: stack.readToken });
    try {
      await until(() => portfolioCalls() === 1, 'the first GetPortfolio to reach the broker');
      // The account changes after the first call was sent: the SBER position grows by 10.
      sber.quantity = '40';
      const second = graphql(stack.gateway, portfolioQuery, { token: stack.readToken });
      await until(() => portfolioCalls() === 2, 'the second request to make its own GetPortfolio');
      release();
      const [, later] = await Promise.all([first, second]);
      expect(later.data!['account'].portfolio.positions[0]).toEqual({ quantity: '40', instrument: { ticker: 'SBER' } });
    } finally {
      release();
      sber.quantity = '30';
    }
  });
});
