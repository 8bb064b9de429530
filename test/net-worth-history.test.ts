import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BigConstructor from 'big.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpstreamCall } from '../src/brokers/http.js';
import { openDatabase } from '../src/storage/database.js';
import { ValueHistory } from '../src/valuation/value-history.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Query.netWorthHistory against the T-Invest simulator: the values netWorth records, summed per
 * bucket. The clock is the gateway's `now` option, moved by the tests; expected sums are computed
 * here with big.js from what netWorth answered, not with brokerql's code.
 */

const Big = BigConstructor();
const roundHalfEven = 2;

let clock = new Date('2026-03-02T10:00:00Z');
const calls: UpstreamCall[] = [];
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff'], now: () => clock, observer: (call) => calls.push(call) });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.gateway.database.exec('DELETE FROM account_values');
  clock = new Date('2026-03-02T10:00:00Z');
});

const at = (text: string) => (clock = new Date(text));

interface Point {
  at: string;
  total: { amount: string; currency: string };
  accounts: number;
  complete: boolean;
}

async function netWorth(token = stack.readToken, currency = 'RUB') {
  const result = await graphql(stack.gateway, 'query ($currency: String!) { netWorth(currency: $currency) { total { amount currency } accounts { account { id } } complete } }', {
    token,
    variables: { currency },
  });
  expect(result.errors).toBeUndefined();
  return result.data!['netWorth'] as { total: { amount: string; currency: string }; accounts: Array<{ account: { id: string } }>; complete: boolean };
}

const historyQuery = `query ($currency: String!, $from: DateTime, $to: DateTime, $interval: ValueInterval) {
  netWorthHistory(currency: $currency, from: $from, to: $to, interval: $interval) { at total { amount currency } accounts complete }
}`;

async function history(variables: Record<string, unknown>, token = stack.readToken) {
  return graphql(stack.gateway, historyQuery, { token, variables: { currency: 'RUB', ...variables } });
}

async function points(variables: Record<string, unknown>, token = stack.readToken): Promise<Point[]> {
  const result = await history(variables, token);
  expect(result.errors).toBeUndefined();
  return result.data!['netWorthHistory'] as Point[];
}

const rowCount = () => (stack.gateway.database.prepare('SELECT count(*) AS count FROM account_values').get() as { count: number }).count;

describe('netWorthHistory', () => {
  it('has a point once netWorth was computed, with the same total, and calls no broker', async () => {
    expect(await points({ interval: 'HOUR' })).toEqual([]);
    const worth = await netWorth();
    expect(worth.complete).toBe(true);
    calls.length = 0;
    expect(await points({ interval: 'HOUR' })).toEqual([{ at: '2026-03-02T10:00:00.000Z', total: worth.total, accounts: worth.accounts.length, complete: true }]);
    expect(await points({})).toEqual([{ at: '2026-03-02T00:00:00.000Z', total: worth.total, accounts: worth.accounts.length, complete: true }]);
    expect(calls).toEqual([]);
  });

  it('records each account at most once per recordEveryMinutes, per currency', async () => {
    const worth = await netWorth();
    const accounts = worth.accounts.length;
    expect(rowCount()).toBe(accounts);
    at('2026-03-02T10:04:59Z');
    await netWorth();
    expect(rowCount()).toBe(accounts);
    // Another currency is another series.
    await netWorth(stack.readToken, 'USD');
    expect(rowCount()).toBe(2 * accounts);
    at('2026-03-02T10:05:01Z');
    await netWorth();
    expect(rowCount()).toBe(3 * accounts);
    expect(await points({ interval: 'HOUR', currency: 'USD' })).toHaveLength(1);
  });

  it('sums the accounts\' last values per bucket exactly, and says when one is missing', async () => {
    const [first, second] = ['tbank:2000345678', 'tbank:2008765432'];
    const firstToken = stack.token('READ', [first!]);
    const secondToken = stack.token('READ', [second!]);
    const firstWorth = await netWorth(firstToken);
    at('2026-03-02T11:30:00Z');
    const secondWorth = await netWorth(secondToken);
    const both = stack.token('READ', [first!, second!]);

    expect(await points({ interval: 'HOUR' }, both)).toEqual([
      { at: '2026-03-02T10:00:00.000Z', total: firstWorth.total, accounts: 1, complete: false },
      { at: '2026-03-02T11:00:00.000Z', total: secondWorth.total, accounts: 1, complete: false },
    ]);
    const sum = new Big(firstWorth.total.amount).plus(secondWorth.total.amount).round(2, roundHalfEven).toFixed();
    expect(await points({ interval: 'DAY' }, both)).toEqual([{ at: '2026-03-02T00:00:00.000Z', total: { amount: sum, currency: 'RUB' }, accounts: 2, complete: true }]);
    // A range that leaves the second account's value out counts only the first.
    expect(await points({ interval: 'DAY', to: '2026-03-02T11:00:00Z' }, both)).toEqual([
      { at: '2026-03-02T00:00:00.000Z', total: firstWorth.total, accounts: 1, complete: true },
    ]);
  });

  it('takes each account\'s last value within a bucket and rounds the exact sum once, half to even', async () => {
    const recorder = (time: string) => new ValueHistory(stack.gateway.database, { recordEveryMinutes: 5, now: () => new Date(time), onError: (error) => { throw error; } });
    const value = (accountId: string, total: string) => ({ accountId, positions: '0', cash: total, total });
    recorder('2026-03-02T10:00:00Z').record('RUB', [value('tbank:2000345678', '100.014'), value('tbank:2008765432', '0.001')]);
    recorder('2026-03-02T10:30:00Z').record('RUB', [value('tbank:2000345678', '100.0035')]);
    recorder('2026-03-02T11:00:00Z').record('RUB', [value('tbank:2000345678', '100.0125'), value('tbank:2008765432', '0.0025')]);
    recorder('2026-03-02T12:00:00Z').record('RUB', [value('tbank:2000345678', '0.004'), value('tbank:2008765432', '0.001')]);
    recorder('2026-03-02T13:00:00Z').record('RUB', [value('tbank:2000345678', '0.0149999999999999'), value('tbank:2008765432', '0.0000000000000001')]);
    const answered = await points({ interval: 'HOUR', to: '2026-03-02T13:59:59Z' });
    expect(answered.map((point) => [point.at.slice(11, 16), point.total.amount, point.accounts, point.complete])).toEqual([
      // The 10:30 value replaces the 10:00 one: 100.0035 + 0.001 (with the first, 100.015 would round up).
      ['10:00', '100', 2, true],
      // 100.015: half to even rounds up here …
      ['11:00', '100.02', 2, true],
      // … and down here (0.005); a half-up rounding would say 0.01.
      ['12:00', '0', 2, true],
      // Summed exactly before rounding: 0.015, not 0.01 + 0.00.
      ['13:00', '0.02', 2, true],
    ]);
  });

  it('gives an account-limited token only its accounts\' sum', async () => {
    const everything = await netWorth();
    expect(everything.accounts.length).toBeGreaterThan(1);
    const limited = stack.token('READ', ['tbank:2031415926']);
    at('2026-03-02T10:01:00Z');
    const own = await netWorth(limited);
    expect(await points({ interval: 'HOUR' }, limited)).toEqual([{ at: '2026-03-02T10:00:00.000Z', total: own.total, accounts: 1, complete: true }]);
    expect(await points({ interval: 'HOUR' })).toEqual([{ at: '2026-03-02T10:00:00.000Z', total: everything.total, accounts: everything.accounts.length, complete: true }]);
  });

  it('refuses a reversed range, too many buckets and a bad currency with BAD_USER_INPUT', async () => {
    const refusals = [
      [{ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, /from must not be after to/],
      [{ from: '2026-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z', interval: 'HOUR' }, /at most 1000 buckets/],
      [{ from: '2020-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z', interval: 'DAY' }, /at most 1000 buckets/],
      [{ currency: 'rub' }, /ISO 4217/],
    ] as const;
    for (const [variables, message] of refusals) {
      const result = await history(variables);
      expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    expect(await points({ from: '2026-01-01T00:00:00Z', to: '2026-02-11T15:00:00Z', interval: 'HOUR' })).toEqual([]);
  });
});

describe('valuation.recordEveryMinutes: 0', () => {
  it('records nothing, so there is no history', async () => {
    const off = await startStack({ brokers: ['tinkoff'], valuation: { recordEveryMinutes: 0 } });
    try {
      const worth = await graphql(off.gateway, '{ netWorth { complete } }', { token: off.readToken });
      expect(worth.data?.['netWorth']).toEqual({ complete: true });
      const result = await graphql(off.gateway, '{ netWorthHistory(interval: HOUR) { at } }', { token: off.readToken });
      expect(result).toMatchObject({ data: { netWorthHistory: [] } });
      expect(off.gateway.database.prepare('SELECT count(*) AS count FROM account_values').get()).toEqual({ count: 0 });
    } finally {
      await off.close();
    }
  });
});

describe('recorded value retention', () => {
  it('deletes values older than valuation.retentionDays at startup', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'brokerql-value-retention-'));
    const database = openDatabase(dataDir);
    const day = 86_400_000;
    for (const age of [40, 31, 29, 1]) {
      new ValueHistory(database, { recordEveryMinutes: 5, now: () => new Date(Date.now() - age * day), onError: (error) => { throw error; } }).record('RUB', [
        { accountId: 'tbank:2000345678', positions: '0', cash: String(age), total: String(age) },
      ]);
    }
    database.close();
    const kept = await startStack({ dataDir, valuation: { retentionDays: 30 } });
    try {
      const totals = () => (kept.gateway.database.prepare('SELECT total FROM account_values ORDER BY time').all() as Array<{ total: string }>).map((row) => row.total);
      await vi.waitFor(() => expect(totals()).toEqual(['29', '1']));
    } finally {
      await kept.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
