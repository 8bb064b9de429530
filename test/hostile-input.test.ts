import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let closed: Stack;

beforeAll(async () => {
  stack = await startStack({ server: { corsOrigins: ['https://dashboard.example.com'] } });
  closed = await startStack({ server: { introspection: false } });
});
afterAll(async () => {
  await stack.close();
  await closed.close();
});
beforeEach(() => stack.tinkoff.server.resetCounters());

const statisticsQuery = `{ accounts { id portfolio { positions { quantity instrument { ticker name lotSize } } cash { amount currency } }
  orders { id instrument { ticker } } operations(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { type payment { amount } instrument { ticker } } } }`;

describe('query limits', () => {
  it('lets a realistic statistics query through', async () => {
    const result = await graphql(stack.gateway, statisticsQuery, { token: stack.readToken });
    expect(result.errors).toBeUndefined();
  });

  it('refuses a query nested too deep, before any broker call', async () => {
    const deep = '{ instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { orderbook { instrument { orderbook { instrument { orderbook { instrument { orderbook { instrument { orderbook { instrument { orderbook { asOf } } } } } } } } } } } } }';
    const result = await graphql(stack.gateway, deep, { token: stack.readToken });
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/depth/i);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('refuses too many aliases and too many tokens', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, index) => `a${index}: viewer { name }`).join(' ')} }`;
    const aliasResult = await graphql(stack.gateway, aliases, { token: stack.readToken });
    expect(aliasResult.errors![0]!.message).toMatch(/aliases/i);
    const tokens = `{ viewer { ${'name '.repeat(3_100)} } }`;
    const tokenResult = await graphql(stack.gateway, tokens, { token: stack.readToken });
    expect(tokenResult.errors![0]!.message).toMatch(/token/i);
    expect(tokenResult.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
  });

  it('refuses a query whose estimated cost is too high', async () => {
    // Within the depth and alias limits, yet every alias fans out to every position's books twice over.
    const fanOut = 'accounts { portfolio { positions { instrument { orderbook(depth: 50) { instrument { orderbook(depth: 50) { bids { price quantity } asks { price quantity } } } } } } } }';
    const wide = `{ ${Array.from({ length: 30 }, (_, index) => `a${index}: ${fanOut}`).join(' ')} }`;
    const result = await graphql(stack.gateway, wide, { token: stack.readToken });
    expect(result.errors![0]!.message).toMatch(/cost/i);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('counts list items asked through first:/last: alike, written in the query or passed as variables', async () => {
    const series = (count: string) => `instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { candles(interval: MINUTE_1, last: ${count}) { time close } }`;
    const literal = `{ a: ${series('10000')} b: ${series('10000')} c: ${series('10000')} }`;
    const variable = `query ($count: Int) { a: ${series('$count')} b: ${series('$count')} c: ${series('$count')} }`;
    for (const result of [
      await graphql(stack.gateway, literal, { token: stack.readToken }),
      await graphql(stack.gateway, variable, { token: stack.readToken, variables: { count: 10_000 } }),
    ]) {
      expect(result.errors).toMatchObject([{ message: expect.stringMatching(/asks for 30000 list items .* more than 20000 \(server\.limits\.maxListItems\)/), extensions: { code: 'BAD_USER_INPUT' } }]);
      expect(result.data ?? null).toBeNull();
    }
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('refuses fragments that each spread the next twice before any broker call (fragment nesting counts as depth)', async () => {
    // Past a raised maxDepth, the cost estimate still weighs each fragment once (test/operation-cost.test.ts).
    const levels = 60;
    const fragments = Array.from({ length: levels }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
    const bomb = `{ ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { accounts { id } }`;
    const result = await graphql(stack.gateway, bomb, { token: stack.readToken });
    expect(result.errors).toMatchObject([{ message: expect.stringMatching(/depth limit of 12 exceeded/), extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('limits batched operations and the body size', async () => {
    const batch = (count: number) =>
      stack.gateway.yoga.fetch('http://brokerql.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.readToken}` },
        body: JSON.stringify(Array.from({ length: count }, () => ({ query: '{ viewer { name } }' }))),
      });
    const two = await batch(2);
    expect(((await two.json()) as unknown[]).length).toBe(2);
    const eleven = await batch(11);
    expect(eleven.status).toBe(413);
    const big = await stack.gateway.yoga.fetch('http://brokerql.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.readToken}` },
      body: JSON.stringify({ query: `{ viewer { name } } # ${'x'.repeat(120_000)}` }),
    });
    expect(big.status).toBe(413);
    const body = (await big.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('introspection', () => {
  it('is on by default, for GraphiQL', async () => {
    const result = await graphql(stack.gateway, '{ __schema { queryType { name } } }', { token: stack.readToken });
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('can be turned off, and then hides field suggestions too', async () => {
    const schema = await graphql(closed.gateway, '{ __schema { queryType { name } } }', { token: closed.readToken });
    expect(schema.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(schema.errors![0]!.message).toMatch(/introspection/i);
    const typo = await graphql(closed.gateway, '{ acounts { id } }', { token: closed.readToken });
    expect(typo.errors![0]!.message).not.toMatch(/Did you mean/);
    const openTypo = await graphql(stack.gateway, '{ acounts { id } }', { token: stack.readToken });
    expect(openTypo.errors![0]!.message).toMatch(/Did you mean "accounts"/);
  });
});

describe('CORS', () => {
  const preflight = (gateway: Stack['gateway'], origin: string) =>
    gateway.yoga.fetch('http://brokerql.test/graphql', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('allows only the configured origins', async () => {
    const allowed = await preflight(stack.gateway, 'https://dashboard.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.com');
    const other = await preflight(stack.gateway, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('allows none by default', async () => {
    const response = await preflight(closed.gateway, 'https://dashboard.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('identifiers and secrets', () => {
  it('never lets an account id with path characters reach a broker', async () => {
    const result = await graphql(closed.gateway, '{ account(id: "tbank:../../admin") { portfolio { cash { amount } } } }', { token: closed.readToken });
    expect(result.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    expect(closed.tinkoff.server.requestCount('OperationsService/GetPortfolio')).toBe(0);
  });

  it('treats quotes and code in string arguments and aliases as data (queries run compiled to JavaScript)', async () => {
    const probe = String.raw`tbank:x"); globalThis.compromised = true; ("\u0022 ${'`'}${'$'}{globalThis.compromised = true}`;
    const result = await graphql(closed.gateway, `{ a_b: account(id: ${JSON.stringify(probe)}) { id } }`, { token: closed.readToken });
    expect(result.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    const asVariable = await graphql(closed.gateway, 'query ($id: ID!) { account(id: $id) { id } }', { token: closed.readToken, variables: { id: probe } });
    expect(asVariable.errors![0]!.extensions['code']).toBe('NOT_FOUND');
    expect((globalThis as Record<string, unknown>)['compromised']).toBeUndefined();
  });

  it('scrubs a credential a broker echoes back in its error message', async () => {
    closed.tinkoff.server.injectFault({
      route: 'OrdersService/PostOrder',
      fault: { kind: 'status', status: 400, body: { code: 3, message: `token ${tinkoffSimulatorTokens.full} may not trade`, description: 30049 } },
      times: 1,
    });
    const result = await graphql(
      closed.gateway,
      'mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: MARKET, lots: 1 }) { id } }',
      { token: closed.tradeToken },
    );
    expect(result.errors![0]!.extensions['code']).toBe('UPSTREAM_REJECTED');
    expect(result.errors![0]!.message).toContain('[redacted] may not trade');
    expect(JSON.stringify(result)).not.toContain(tinkoffSimulatorTokens.full);
    const [row] = closed.gateway.audit.recent(1);
    expect(row!.message).toContain('[redacted]');
    expect(JSON.stringify(row)).not.toContain(tinkoffSimulatorTokens.full);
  });
});
