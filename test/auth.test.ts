import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';
import { unknownToken } from './support/tokens.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.tinkoff.server.resetCounters();
});

const accountsQuery = '{ accounts { id } }';

describe('bearer authentication', () => {
  it.each([
    ['no header', undefined, /Authorization: Bearer/],
    ['a malformed header', { authorization: 'Token abc' }, /not a brokerql token/],
    ['an unknown token', { authorization: `Bearer ${unknownToken()}` }, /not valid/],
    ['a broker token instead of a brokerql one', { authorization: 'Bearer t.simulator-full-access-token-3f9a1c' }, /not a brokerql token/],
  ])('refuses %s with 401 UNAUTHENTICATED and calls no broker', async (_label, headers, message) => {
    const result = await graphql(stack.gateway, accountsQuery, { headers: headers ?? {} });
    expect(result.status).toBe(401);
    expect(result.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(result.errors![0]!.message).toMatch(message);
    expect(result.data ?? null).toBeNull();
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('refuses an expired token and a revoked one', async () => {
    const expired = stack.token('READ', null, new Date(Date.now() - 1000));
    const expiredResult = await graphql(stack.gateway, accountsQuery, { token: expired });
    expect(expiredResult.status).toBe(401);
    expect(expiredResult.errors![0]!.message).toMatch(/expired/);

    const revoked = stack.token('READ');
    expect((await graphql(stack.gateway, accountsQuery, { token: revoked })).status).toBe(200);
    stack.gateway.tokens.revoke(revoked.slice(4, 16));
    const revokedResult = await graphql(stack.gateway, accountsQuery, { token: revoked });
    expect(revokedResult.status).toBe(401);
    expect(revokedResult.errors![0]!.message).toMatch(/revoked/);
    expect(stack.tinkoff.server.requestCount()).toBe(1);
  });

  it('serves the GraphiQL page itself without a token', async () => {
    const page = await stack.gateway.yoga.fetch('http://brokerql.test/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('brokerql');
  });

  it('tells the viewer who it is', async () => {
    const result = await graphql(stack.gateway, '{ viewer { tokenId name scope accounts { id } } }', { token: stack.readToken });
    expect(result.data!['viewer']).toEqual({
      tokenId: stack.readToken.slice(4, 16),
      name: 'test-read',
      scope: 'READ',
      // The simulator's fifth account is one the T-Invest token has no access to: never listed.
      accounts: [{ id: 'tbank:2000345678' }, { id: 'tbank:2008765432' }, { id: 'tbank:2031415926' }, { id: 'tbank:2019283746' }],
    });
  });

  it('honours a revocation made by another process sharing the data dir', async () => {
    const secret = stack.token('READ');
    const id = secret.slice(4, 16);
    expect((await graphql(stack.gateway, accountsQuery, { token: secret })).status).toBe(200);
    const configFile = path.join(stack.dataDir, 'brokerql.yaml');
    writeFileSync(configFile, `dataDir: ${stack.dataDir}\nconnections: []\n`);
    const revoke = await runCli(['token', 'revoke', id, '--config', configFile]);
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain(`Revoked token ${id}`);
    const after = await graphql(stack.gateway, accountsQuery, { token: secret });
    expect(after.status).toBe(401);
    expect(after.errors![0]!.extensions['code']).toBe('UNAUTHENTICATED');
  });
});

describe('account scoping', () => {
  const own = 'tbank:2000345678';
  const other = 'tbank:2008765432';

  it('shows a limited token only its accounts, everywhere', async () => {
    const token = stack.token('READ', [own]);
    const result = await graphql(
      stack.gateway,
      `{ accounts { id } viewer { accounts { id } } connections { accounts { id } }
         mine: account(id: "${own}") { id } theirs: account(id: "${other}") { id } }`,
      { token },
    );
    expect(result.data).toEqual({
      accounts: [{ id: own }],
      viewer: { accounts: [{ id: own }] },
      connections: [{ accounts: [{ id: own }] }],
      mine: { id: own },
      theirs: null,
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['theirs'], extensions: { code: 'NOT_FOUND' } });
  });

  it('answers an out-of-scope account exactly like a missing one, without calling the broker', async () => {
    const token = stack.token('READ', [own]);
    const outOfScope = await graphql(stack.gateway, `{ account(id: "${other}") { portfolio { cash { amount } } } }`, { token });
    const missing = await graphql(stack.gateway, '{ account(id: "tbank:9999999999") { portfolio { cash { amount } } } }', { token });
    expect(outOfScope.errors![0]!.extensions).toEqual(missing.errors![0]!.extensions);
    expect(outOfScope.errors![0]!.message.replace(other, 'X')).toBe(missing.errors![0]!.message.replace('tbank:9999999999', 'X'));
    expect(stack.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(0);
  });

  it('cannot trade an account outside its scope', async () => {
    const token = stack.token('TRADE', [own]);
    const result = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "${other}", instrument: { figi: "BBG004730RP0" }, side: BUY, type: MARKET, lots: 1 }) { id } }`,
      { token },
    );
    expect(result.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });
});

const limitOrder = (key?: string, price = '270.05') =>
  `mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: "${price}"${key ? `, idempotencyKey: "${key}"` : ''} }) { id status side type price requestedLots executedLots account { id } instrument { ticker } } }`;

describe('@requiresScope on the trading mutations', () => {
  it('refuses a READ token with FORBIDDEN before any broker call, and audits the attempt as rejected', async () => {
    const result = await graphql(stack.gateway, limitOrder('read-attempt'), { token: stack.readToken });
    expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' }, path: ['placeOrder'] })]);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
    const [row] = stack.gateway.audit.recent(1);
    expect(row).toMatchObject({
      mutation: 'placeOrder',
      outcome: 'rejected',
      errorCode: 'FORBIDDEN',
      tokenName: 'test-read',
      accountId: 'tbank:2000345678',
      instrument: 'figi:BBG004730N88',
      side: 'BUY',
      type: 'LIMIT',
      lots: 1,
      price: '270.05',
      idempotencyKey: 'read-attempt',
    });
    const cancel = await graphql(stack.gateway, 'mutation { cancelOrder(accountId: "tbank:2000345678", orderId: "52218163123") { id } }', {
      token: stack.readToken,
    });
    expect(cancel.errors![0]!.extensions['code']).toBe('FORBIDDEN');
    expect(stack.tinkoff.server.requestCount()).toBe(0);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ mutation: 'cancelOrder', outcome: 'rejected', orderId: '52218163123' });
  });
});

describe('placing and cancelling orders with a TRADE token', () => {
  it('places a LIMIT and a MARKET order, which the broker then lists, and cancels one', async () => {
    const limit = await graphql(stack.gateway, limitOrder(), { token: stack.tradeToken });
    expect(limit.errors).toBeUndefined();
    const placed = limit.data!['placeOrder'] as Record<string, any>;
    expect(placed).toMatchObject({ status: 'NEW', side: 'BUY', type: 'LIMIT', price: '270.05', requestedLots: '1', executedLots: '0' });
    expect(placed['account']).toEqual({ id: 'tbank:2000345678' });
    expect(placed['instrument']).toEqual({ ticker: 'SBER' });

    const market = await graphql(
      stack.gateway,
      'mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { id: "tbank:BBG004730RP0" }, side: BUY, type: MARKET, lots: 1 }) { id status type price } }',
      { token: stack.tradeToken },
    );
    expect(market.data!['placeOrder']).toMatchObject({ status: 'FILLED', type: 'MARKET', price: null });
    expect([...stack.tinkoff.state.orders.keys()]).toEqual(expect.arrayContaining([placed['id'], (market.data!['placeOrder'] as any).id]));

    const listed = await graphql(stack.gateway, '{ account(id: "tbank:2000345678") { orders { id status } } }', { token: stack.readToken });
    expect((listed.data!['account'] as any).orders).toContainEqual({ id: placed['id'], status: 'NEW' });
    const operations = await graphql(
      stack.gateway,
      '{ account(id: "tbank:2000345678") { operations(from: "2025-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { type instrument { ticker } } } }',
      { token: stack.readToken },
    );
    expect((operations.data!['account'] as any).operations).toContainEqual({ type: 'BUY', instrument: { ticker: 'GAZP' } });

    const cancelled = await graphql(stack.gateway, `mutation { cancelOrder(accountId: "tbank:2000345678", orderId: "${placed['id']}") { id status } }`, {
      token: stack.tradeToken,
    });
    expect(cancelled.data!['cancelOrder']).toEqual({ id: placed['id'], status: 'CANCELLED' });
    const after = await graphql(stack.gateway, '{ account(id: "tbank:2000345678") { orders { id } } }', { token: stack.readToken });
    expect((after.data!['account'] as any).orders).not.toContainEqual({ id: placed['id'] });
    expect(stack.gateway.audit.recent(3).map((row) => [row.mutation, row.outcome, row.brokerOrderId])).toEqual([
      ['cancelOrder', 'ok', placed['id']],
      ['placeOrder', 'ok', (market.data!['placeOrder'] as any).id],
      ['placeOrder', 'ok', placed['id']],
    ]);
  });

  it('places one upstream order for two requests with the same idempotencyKey, and returns it twice', async () => {
    const ordersBefore = stack.tinkoff.state.orders.size;
    const first = await graphql(stack.gateway, limitOrder('stats-key-1'), { token: stack.tradeToken });
    const second = await graphql(stack.gateway, limitOrder('stats-key-1'), { token: stack.tradeToken });
    expect(second.data).toEqual(first.data);
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore + 1);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'replayed', idempotencyKey: 'stats-key-1' });

    const changed = await graphql(stack.gateway, limitOrder('stats-key-1', '270.1'), { token: stack.tradeToken });
    expect(changed.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(changed.errors![0]!.message).toMatch(/already used for a different order/);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
  });

  it('places the same order twice when no idempotencyKey is given', async () => {
    const first = await graphql(stack.gateway, limitOrder(), { token: stack.tradeToken });
    const second = await graphql(stack.gateway, limitOrder(), { token: stack.tradeToken });
    expect((first.data!['placeOrder'] as any).id).not.toBe((second.data!['placeOrder'] as any).id);
  });

  it.each([
    ['a LIMIT order without a price', 'type: LIMIT, lots: 1', /price is required/],
    ['a MARKET order with a price', 'type: MARKET, lots: 1, price: "270"', /must not be set for a MARKET/],
    ['zero lots', 'type: MARKET, lots: 0', /lots must be a whole number from 1/],
    ['a negative price', 'type: LIMIT, lots: 1, price: "-270"', /price must be positive/],
    ['a price off the price step', 'type: LIMIT, lots: 1, price: "270.005"', /not a multiple of SBER's minimum price increment 0.01/],
    ['a price in exponent form', 'type: LIMIT, lots: 1, price: "2.7e2"', /plain decimal/],
  ])('refuses %s with BAD_USER_INPUT and sends no order', async (_label, fields, message) => {
    const result = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, ${fields} }) { id } }`,
      { token: stack.tradeToken },
    );
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(message);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
  });

  it('refuses a price sent as a JSON number, which may already have lost precision', async () => {
    const result = await graphql(
      stack.gateway,
      'mutation ($price: Decimal) { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: $price }) { id } }',
      { token: stack.tradeToken, variables: { price: 270.05 } },
    );
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/\$price.*JSON number/);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('passes on a broker refusal as UPSTREAM_REJECTED with its message, audited as refused', async () => {
    const result = await graphql(stack.gateway, limitOrder(undefined, '400'), { token: stack.tradeToken });
    expect(result.errors![0]).toMatchObject({ extensions: { code: 'UPSTREAM_REJECTED', connection: 'tbank', retryable: false } });
    expect(result.errors![0]!.message).toContain('The price is outside the limits for this instrument');
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'refused', errorCode: 'UPSTREAM_REJECTED', price: '400' });
  });
});
