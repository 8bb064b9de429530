import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allSimulatedBrokers } from '../src/simulators/index.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Broker calls follow the fields asked (issue 13, D21): each broker's portfolio is read from the
 * calls that feed the selected parts only — positions, cash, valuation — on every broker, and a
 * query whose selections of one account differ still makes one call per feeding method.
 */
let stack: Stack;
const counts = () => Object.fromEntries(stack.simulators.servers.map((server) => [server.name, server.requestCounts()]));

beforeAll(async () => {
  stack = await startStack({ brokers: allSimulatedBrokers });
  // Warm: account lists, logins, instrument metadata and InstaForex's account currency.
  const warm = await graphql(
    stack.gateway,
    '{ accounts { portfolio { positions { instrument { ticker name } } cash { amount } valuation { amount } } } }',
    { token: stack.readToken },
  );
  expect(warm.errors).toBeUndefined();
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) server.resetCounters();
});

const accountsOf = async (connection: string) => {
  const result = await graphql<{ accounts: Array<{ id: string }> }>(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  for (const server of stack.simulators.servers) server.resetCounters();
  return result.data!.accounts.filter((account) => account.id.startsWith(`${connection}:`)).length;
};

describe('the statistics workload (accounts → portfolio positions → instrument ticker and name), warm', () => {
  it('costs one call per account on every broker: no cash, valuation or metadata calls', async () => {
    const tbank = await accountsOf('tbank');
    const legacy = await accountsOf('tinkoff-legacy');
    const alor = await accountsOf('alor');
    const result = await graphql(stack.gateway, '{ accounts { id portfolio { positions { quantity instrument { ticker name } } } } }', { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    expect(counts()).toEqual({
      tinkoff: { 'OperationsService/GetPortfolio': tbank },
      'tinkoff-v1': { 'GET /portfolio': legacy },
      alor: { 'GET positions': alor },
      // The account currency is known from the warm-up: the open trades alone are the positions.
      instaforex: { 'GET openTrades': 1 },
    });
  });
});

describe('each part costs only the calls that feed it', () => {
  it('reads cash alone from T-Invest GetPositions, v1 currencies, ALOR positions and the InstaForex balance', async () => {
    const result = await graphql(stack.gateway, '{ accounts { portfolio { cash { amount currency } } } }', { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const routes = counts();
    expect(Object.keys(routes['tinkoff']!)).toEqual(['OperationsService/GetPositions']);
    expect(Object.keys(routes['tinkoff-v1']!)).toEqual(['GET /portfolio/currencies']);
    // Money is among ALOR's position rows; no security metadata is needed for it.
    expect(Object.keys(routes['alor']!)).toEqual(['GET positions']);
    expect(Object.keys(routes['instaforex']!)).toEqual(['GET balance']);
  });

  it('reads the valuation alone from T-Invest GetPortfolio and the ALOR summary', async () => {
    const result = await graphql(stack.gateway, '{ accounts { id portfolio { valuation { amount currency } } } }', { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const routes = counts();
    expect(Object.keys(routes['tinkoff']!)).toEqual(['OperationsService/GetPortfolio']);
    expect(Object.keys(routes['alor']!)).toEqual(['GET summary']);
    expect(Object.keys(routes['instaforex']!)).toEqual(['GET balance']);
  });

  it('sees fields through fragments, and still reads the account for a portfolio that selects no part', async () => {
    const fragments = await graphql(
      stack.gateway,
      '{ account(id: "tbank:2000345678") { portfolio { ...Money } } } fragment Money on Portfolio { ... on Portfolio { cash { amount } } }',
      { token: stack.readToken },
    );
    expect(fragments.errors).toBeUndefined();
    expect(counts()['tinkoff']).toEqual({ 'OperationsService/GetPositions': 1 });
    stack.tinkoff.server.resetCounters();
    const bare = await graphql(stack.gateway, '{ account(id: "tbank:2000345678") { portfolio { asOf } } }', { token: stack.readToken });
    expect(bare.errors).toBeUndefined();
    expect(counts()['tinkoff']).toEqual({ 'OperationsService/GetPortfolio': 1 });
  });

  it('merges different selections of one account into one call per method, with every field answered', async () => {
    const result = await graphql(
      stack.gateway,
      `{ held: account(id: "tbank:2000345678") { portfolio { positions { quantity } } }
         money: account(id: "tbank:2000345678") { portfolio { cash { amount currency } } }
         again: account(id: "tbank:2000345678") { portfolio { positions { quantity } cash { currency } } } }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(counts()['tinkoff']).toEqual({ 'OperationsService/GetPortfolio': 1, 'OperationsService/GetPositions': 1 });
    const data = result.data as Record<string, { portfolio: { positions?: unknown[]; cash?: Array<{ amount?: string; currency: string }> } }>;
    expect(data['held']!.portfolio.positions).toHaveLength(4);
    expect(data['money']!.portfolio.cash).toEqual([
      { amount: '20230.55', currency: 'RUB' },
      { amount: '412.07', currency: 'USD' },
    ]);
    expect(data['again']!.portfolio).toEqual({ positions: data['held']!.portfolio.positions, cash: [{ currency: 'RUB' }, { currency: 'USD' }] });
  });
});
