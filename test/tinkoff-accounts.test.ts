import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapTinkoffAccount, mapTinkoffAccountStatus } from '../src/brokers/tinkoff/map-tinkoff-account.js';
import { mapTinkoffPosition } from '../src/brokers/tinkoff/map-tinkoff-portfolio.js';
import { accountsResponseSchema, portfolioResponseSchema } from '../src/brokers/tinkoff/wire.js';
import { tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * What real T-Invest answers say about accounts and costs (issue 13, C18 and C19): an average
 * price of 0 is an unknown cost, and GetAccounts' status and access level decide which accounts
 * are listed and which can trade. The simulator's seed has one of each case.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ extraConnections: [{ id: 'tbank-read', broker: 'tinkoff', token: tinkoffSimulatorTokens.readonly }] });
});
afterAll(() => stack.close());
beforeEach(() => stack.tinkoff.server.resetCounters());

interface AccountRow {
  id: string;
  status: string | null;
  capabilities: { trading: boolean; orderTypes: string[] };
}

describe('an unknown cost (average price 0)', () => {
  it('is null, and so is the yield computed from it; known costs are kept', async () => {
    const result = await graphql(
      stack.gateway,
      '{ account(id: "tbank:2031415926") { portfolio { positions { quantity instrument { ticker } averagePrice { amount currency } expectedYield { amount } currentPrice { amount } } } } }',
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['account'].portfolio.positions).toEqual([
      { quantity: '20', instrument: { ticker: 'SBER' }, averagePrice: null, expectedYield: null, currentPrice: { amount: '281.99' } },
      {
        quantity: '300',
        instrument: { ticker: 'TMOS' },
        averagePrice: { amount: '5.98', currency: 'RUB' },
        expectedYield: { amount: '220.2' },
        currentPrice: { amount: '6.714' },
      },
    ]);
  });

  it('is told apart from a real zero only by a held quantity', () => {
    const [held, closed] = portfolioResponseSchema.parse({
      positions: [
        { figi: 'BBG004730N88', instrumentType: 'share', quantity: { units: '20', nano: 0 }, averagePositionPrice: { currency: 'rub', units: '0', nano: 0 }, expectedYield: { units: '5639', nano: 800000000 }, currentPrice: { currency: 'rub', units: '281', nano: 990000000 } },
        { figi: 'BBG004730RP0', instrumentType: 'share', quantity: { units: '0', nano: 0 }, averagePositionPrice: { currency: 'rub', units: '0', nano: 0 }, expectedYield: { units: '0', nano: 0 }, currentPrice: { currency: 'rub', units: '128', nano: 340000000 } },
      ],
    }).positions.map(mapTinkoffPosition);
    expect(held).toMatchObject({ averagePrice: null, expectedYield: null, marketValue: { amount: '5639.8', currency: 'RUB' } });
    expect(closed).toMatchObject({ averagePrice: { amount: '0', currency: 'RUB' }, expectedYield: { amount: '0', currency: 'RUB' } });
  });
});

describe('T-Invest account status and access level', () => {
  it('lists open and closed accounts with their status, leaves out the one the token cannot access, and trades only where it may', async () => {
    const result = await graphql(stack.gateway, '{ accounts { id status capabilities { trading orderTypes } } }', { token: stack.readToken });
    expect(result.errors).toBeUndefined();
    const full = (result.data!['accounts'] as AccountRow[]).filter((account) => account.id.startsWith('tbank:'));
    const trading = { trading: true, orderTypes: ['LIMIT', 'MARKET'] };
    const noTrading = { trading: false, orderTypes: [] };
    expect(full).toEqual([
      { id: 'tbank:2000345678', status: 'OPEN', capabilities: trading },
      { id: 'tbank:2008765432', status: 'OPEN', capabilities: trading },
      { id: 'tbank:2031415926', status: 'OPEN', capabilities: noTrading },
      { id: 'tbank:2019283746', status: 'CLOSED', capabilities: noTrading },
    ]);
    // A read-only T-Invest token: the same accounts, none of them tradable.
    const readOnly = (result.data!['accounts'] as AccountRow[]).filter((account) => account.id.startsWith('tbank-read:'));
    expect(readOnly.map((account) => account.id.split(':')[1])).toEqual(full.map((account) => account.id.split(':')[1]));
    expect(readOnly.every((account) => !account.capabilities.trading)).toBe(true);
  });

  it('answers an account the token cannot access as one that does not exist, without asking the broker about it', async () => {
    const result = await graphql(stack.gateway, '{ account(id: "tbank:2024681357") { id portfolio { cash { amount } } } }', { token: stack.readToken });
    expect(result.data!['account']).toBeNull();
    expect(result.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(0);
  });

  it.each([
    ['read-only', 'tbank:2031415926', 'read-only access'],
    ['closed', 'tbank:2019283746', 'closed'],
    ['read through a read-only token', 'tbank-read:2000345678', 'read-only access'],
  ])('refuses an order on a %s account with NOT_SUPPORTED before any order reaches the broker', async (_case, accountId, reason) => {
    await graphql(stack.gateway, '{ accounts { id } }', { token: stack.tradeToken });
    stack.tinkoff.server.resetCounters();
    const result = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${accountId}", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: "280" }) { id } }`,
      { token: stack.tradeToken },
    );
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'NOT_SUPPORTED', connection: accountId.split(':')[0] });
    expect(result.errors![0]!.message).toContain(reason);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
    const cancel = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "${accountId}", orderId: "52218163123") { id } }`, { token: stack.tradeToken });
    expect(cancel.errors![0]!.extensions['code']).toBe('NOT_SUPPORTED');
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('maps every status T-Invest defines, and an unknown one to null', () => {
    expect(['ACCOUNT_STATUS_OPEN', 'ACCOUNT_STATUS_CLOSED', 'ACCOUNT_STATUS_NEW', 'ACCOUNT_STATUS_UNSPECIFIED', 'ACCOUNT_STATUS_SOMETHING_NEW'].map(mapTinkoffAccountStatus)).toEqual([
      'OPEN',
      'CLOSED',
      'OPENING',
      null,
      null,
    ]);
    const [withoutLevel] = accountsResponseSchema.parse({ accounts: [{ id: '1', type: 'ACCOUNT_TYPE_TINKOFF', name: 'x', status: 'ACCOUNT_STATUS_OPEN' }] }).accounts;
    // An answer without accessLevel (older API versions) leaves the account tradable, as before.
    expect(mapTinkoffAccount(withoutLevel!)).toMatchObject({ status: 'OPEN', readOnly: false });
  });
});
