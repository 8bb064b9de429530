import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { syncJournal } from './support/history.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * The journal on every broker with a history: ALOR's trade history (paged by trade id, today's
 * session apart), Tinkoff v1's /operations and InstaForex's closed trades (one answer a window),
 * against each simulator's history faults; and candles where the broker has them (ALOR's
 * countBack, v1's per-resolution periods), NOT_SUPPORTED where it has none (InstaForex).
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff-v1', 'alor', 'instaforex'], journal: { windowDays: 120, pageSize: 97 } });
});

afterAll(() => stack.close());

interface Row {
  id: string;
  brokerType: string;
  date: string;
  quantity: string | null;
  price: string | null;
  payment: { amount: string };
}

async function journalRows(accountId: string): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const response: { data?: { account: { operationsPage: { edges: Array<{ node: Row }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } } | null } = await graphql(
      stack.gateway,
      `query ($after: String, $first: Int) { account(id: "${accountId}") { operationsPage(first: $first, after: $after) { edges { node { id brokerType date quantity price payment { amount } } } pageInfo { hasNextPage endCursor } } } }`,
      { token: stack.readToken, variables: { after, first: 1000 } },
    );
    const page = response.data!.account.operationsPage;
    rows.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

const iso = (time: string | number) => new Date(time).toISOString();

describe('the journal on ALOR, Tinkoff v1 and InstaForex', () => {
  it('ALOR: every past and session trade once, with rows dropped and repeated at page seams and trades delivered late', async () => {
    const alor = stack.simulators.alor!;
    const portfolio = 'D38291';
    const trades = () => [...alor.state.historyTrades, ...alor.state.sessionTrades].filter((trade) => trade.portfolio === portfolio && trade.exchange === 'MOEX');
    alor.state.history.dropAtSeam = true;
    alor.state.history.repeatAtSeam = true;
    for (const index of [10, 500, 1200]) alor.state.history.deliverLate(alor.state.historyTrades[index]!);
    const progress = await syncJournal(stack, 'alor', portfolio);
    expect([progress.phase, progress.error]).toEqual(['done', undefined]);
    const rows = await journalRows(`alor:${portfolio}`);
    expect(rows.map((row) => `${iso(row.date)}|${row.quantity}|${row.price}`).sort()).toEqual(trades().map((trade) => `${iso(trade.date)}|${trade.units}|${trade.price}`).sort());
    expect(rows.length).toBeGreaterThan(1_000);
    alor.state.history.reset();
  });

  it('Tinkoff v1: the account\'s operations once, after their ids changed mid-sync and some came late', async () => {
    const v1 = stack.simulators.tinkoffV1!;
    const account = v1.state.tradingAccounts.find((candidate) => candidate.brokerAccountType === 'Tinkoff')!;
    v1.state.history.changeIdsAfter(3);
    v1.state.history.deliverLate(account.operations[1]!);
    const progress = await syncJournal(stack, 'tinkoff-legacy', account.brokerAccountId);
    expect(progress.phase).toBe('done');
    expect(v1.state.history.idChanges).toBe(1);
    const rows = await journalRows(`tinkoff-legacy:${account.brokerAccountId}`);
    const truth = account.operations.map((operation) => `${operation.operationType}|${iso(operation.date)}|${new Big(operation.payment).toFixed()}`).sort();
    expect(rows.map((row) => `${row.brokerType}|${iso(row.date)}|${row.payment.amount}`).sort()).toEqual(truth);
    v1.state.history.reset();
  });

  it('InstaForex: the closed trades and balance rows once, after their tickets changed', async () => {
    const instaforex = stack.simulators.instaforex!;
    const login = 2100123;
    instaforex.state.historyFaults.changeIdsAfter(2);
    const progress = await syncJournal(stack, 'ifx', String(login));
    expect(progress.phase).toBe('done');
    const rows = await journalRows(`ifx:${login}`);
    const truth = instaforex.state.closedTradeRecords(login).map((row) => iso((row.closeTime ?? row.openTime) * 1000)).sort();
    expect(rows.map((row) => iso(row.date)).sort()).toEqual(truth);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    instaforex.state.historyFaults.reset();
  });
});

describe('candles on ALOR, Tinkoff v1 and InstaForex', () => {
  const ask = (connection: string, id: string, argumentsText: string) =>
    graphql<{ instrument: { candles: Array<{ time: string; open: string; close: string; volume: string; complete: boolean }> | null } }>(
      stack.gateway,
      `{ instrument(connection: "${connection}", ref: { id: "${id}" }) { candles(${argumentsText}) { time open close volume complete } } }`,
      { token: stack.readToken },
    );

  it('ALOR: the last N in one countBack call, exactly the simulator\'s series, then from the store', async () => {
    const alor = stack.simulators.alor!;
    alor.server.resetCounters();
    const before = Date.parse('2026-11-30T08:00:00Z');
    const { data, errors } = await ask('alor', 'alor:MOEX:SBER', 'interval: MINUTE_1, last: 300, before: "2026-11-30T08:00:00Z"');
    expect(errors).toBeUndefined();
    const series = alor.state.candles.candles('MOEX:SBER', 'MINUTE_1', before - 5 * 86_400_000, before, Date.now()).slice(-300);
    expect(data!.instrument.candles).toEqual(series.map((candle) => ({ time: iso(candle.start), open: candle.open, close: candle.close, volume: String(candle.volume), complete: true })));
    expect(alor.server.requestCount('GET history')).toBe(1);
    await ask('alor', 'alor:MOEX:SBER', 'interval: MINUTE_1, last: 300, before: "2026-11-30T08:00:00Z"');
    expect(alor.server.requestCount('GET history')).toBe(1);
  });

  it('Tinkoff v1: a window across the one-day period of 1-minute candles', async () => {
    const v1 = stack.simulators.tinkoffV1!;
    v1.server.resetCounters();
    const { data, errors } = await ask('tinkoff-legacy', 'tinkoff-legacy:BBG004730N88', 'interval: MINUTE_1, from: "2026-11-26T20:00:00Z", to: "2026-11-27T09:00:00Z"');
    expect(errors).toBeUndefined();
    const series = v1.state.candles.candles('BBG004730N88', 'MINUTE_1', Date.parse('2026-11-26T20:00:00Z'), Date.parse('2026-11-27T09:00:00Z'), Date.now());
    expect(data!.instrument.candles!.map((candle) => [candle.time, candle.close])).toEqual(series.map((candle) => [iso(candle.start), candle.close]));
    expect(v1.server.requestCount('GET /market/candles')).toBe(1);
  });

  it('InstaForex: NOT_SUPPORTED, nothing sent', async () => {
    const instaforex = stack.simulators.instaforex!;
    instaforex.server.resetCounters();
    const { data, errors } = await ask('ifx', 'ifx:EURUSD', 'interval: HOUR_1, last: 10');
    expect(data!.instrument.candles).toBeNull();
    expect(errors).toMatchObject([{ extensions: { code: 'NOT_SUPPORTED' }, path: ['instrument', 'candles'] }]);
    expect(errors![0]!.message).toContain('candles');
    expect(instaforex.server.requestCount()).toBe(0);
  });
});
