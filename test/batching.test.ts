import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statisticsLowerBound, statisticsQuery } from '../bench/lower-bound.js';
import { allSimulatedBrokers } from '../src/simulators/index.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * The statistics query over all four simulated brokers costs exactly the fewest broker calls:
 * one per account for each account-level resource, one per distinct instrument whose metadata
 * is needed (and none on a warm repeat), and no account-list or login calls once cached.
 */
interface AccountResult {
  id: string;
  portfolio: { positions: Array<{ instrument: { id: string } }> };
  orders: Array<{ instrument: { id: string } }>;
  operations: Array<{ date: string; instrument: { id: string } | null }>;
}

let stack: Stack;
let accounts: AccountResult[];
const counts = () => Object.fromEntries(stack.simulators.servers.map((server) => [server.name, server.requestCounts()]));

beforeAll(async () => {
  stack = await startStack({ brokers: allSimulatedBrokers });
});
afterAll(() => stack.close());

const of = (connection: string) => accounts.filter((account) => account.id.startsWith(`${connection}:`));
const distinct = (ids: string[]) => new Set(ids).size;
const positionInstruments = (list: AccountResult[]) => list.flatMap((account) => account.portfolio.positions.map((position) => position.instrument.id));

describe('the statistics query, cold', () => {
  it('asks each broker exactly the lower bound', async () => {
    for (const server of stack.simulators.servers) server.resetCounters();
    const result = await graphql<{ accounts: AccountResult[] }>(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    accounts = result.data!.accounts;

    const tbank = of('tbank');
    expect(counts()['tinkoff']).toEqual({
      'UsersService/GetAccounts': 1,
      'OperationsService/GetPortfolio': tbank.length,
      'OperationsService/GetPositions': tbank.length,
      'OrdersService/GetOrders': tbank.length,
      'OperationsService/GetOperationsByCursor': tbank.length,
      // T-Invest's order and operation rows carry their ticker: only positions need name and lot size.
      'InstrumentsService/GetInstrumentBy': distinct(positionInstruments(tbank)),
    });

    const legacy = of('tinkoff-legacy');
    const legacyInstruments = [
      ...positionInstruments(legacy),
      ...legacy.flatMap((account) => account.orders.map((order) => order.instrument.id)),
      ...legacy.flatMap((account) => account.operations.flatMap((operation) => (operation.instrument ? [operation.instrument.id] : []))),
    ];
    expect(counts()['tinkoff-v1']).toEqual({
      'GET /user/accounts': 1,
      'GET /portfolio': legacy.length,
      'GET /portfolio/currencies': legacy.length,
      'GET /orders': legacy.length,
      'GET /operations': legacy.length,
      // v1 rows carry only a FIGI: every distinct instrument is looked up once.
      'GET /market/search/by-figi': distinct(legacyInstruments),
    });

    const alor = of('alor');
    const startOfToday = new Date(new Date().toISOString().slice(0, 10)).getTime();
    const historyPages = alor.reduce(
      (sum, account) => sum + Math.max(1, Math.ceil(account.operations.filter((operation) => Date.parse(operation.date) < startOfToday).length / 1000)),
      0,
    );
    expect(historyPages).toBeGreaterThan(alor.length);
    expect(counts()['alor']).toEqual({
      'POST /refresh': 1,
      'GET positions': alor.length,
      // The summary holds only the valuation, which this query does not ask for.
      'GET orders': alor.length,
      'GET trades': alor.length,
      // Up to 1000 past trades per call: a portfolio with more takes more pages.
      'GET history trades': historyPages,
      'GET security': distinct(positionInstruments(alor)),
    });

    expect(of('ifx')).toHaveLength(1);
    // Portfolio and orders both read the open trades, at the same moment: one call serves both.
    expect(counts()['instaforex']).toEqual({
      'POST RequestClientApiToken': 1,
      'GET balance': 1,
      'GET openTrades': 1,
      'GET closedTrades': 1,
    });

    // The benchmark's lower bound (bench/lower-bound.ts) agrees with every route above.
    const total = stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0);
    expect(statisticsLowerBound(accounts, stack.config.connections).cold).toBe(total);
  });
});

describe('the statistics query, warm', () => {
  it('makes no instrument, account-list, token or login calls on a repeat, and still reads every account fresh', async () => {
    for (const server of stack.simulators.servers) server.resetCounters();
    const result = await graphql<{ accounts: AccountResult[] }>(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    expect(result.data!.accounts).toEqual(accounts);
    const tbank = of('tbank').length;
    expect(counts()['tinkoff']).toEqual({
      'OperationsService/GetPortfolio': tbank,
      'OperationsService/GetPositions': tbank,
      'OrdersService/GetOrders': tbank,
      'OperationsService/GetOperationsByCursor': tbank,
    });
    const legacy = of('tinkoff-legacy').length;
    expect(counts()['tinkoff-v1']).toEqual({ 'GET /portfolio': legacy, 'GET /portfolio/currencies': legacy, 'GET /orders': legacy, 'GET /operations': legacy });
    const alorCounts = counts()['alor']!;
    expect(alorCounts['POST /refresh']).toBeUndefined();
    expect(alorCounts['GET security']).toBeUndefined();
    expect(alorCounts['GET positions']).toBe(of('alor').length);
    expect(counts()['instaforex']).toEqual({ 'GET balance': 1, 'GET openTrades': 1, 'GET closedTrades': 1 });
    const total = stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0);
    expect(statisticsLowerBound(accounts, stack.config.connections).warm).toBe(total);
  });
});

describe('parallel fan-out', () => {
  let slow: Stack;

  beforeAll(async () => {
    slow = await startStack({ brokers: ['tinkoff'], connectionOverrides: { tbank: { maxConcurrentRequests: 3 } } });
    slow.tinkoff.server.setLatency(40);
  });
  afterAll(() => slow.close());

  it('runs independent broker calls at the same time, never more than the connection allows', async () => {
    // Warm the account list and instrument caches, so only the account-level calls remain.
    await graphql(slow.gateway, statisticsQuery, { token: slow.readToken });
    slow.tinkoff.server.resetCounters();
    await graphql(slow.gateway, statisticsQuery, { token: slow.readToken });
    // Four independent calls per account overlapped at the broker, three at a time.
    const accounts = (await graphql<{ accounts: unknown[] }>(slow.gateway, '{ accounts { id } }', { token: slow.readToken })).data!.accounts.length;
    expect(slow.tinkoff.server.requestCount()).toBe(4 * accounts);
    expect(slow.tinkoff.server.peakConcurrentRequests).toBe(3);
  });
});
