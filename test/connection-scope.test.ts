import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Issue 13 B10: a token limited to accounts may use only the connections it has an account on.
 * Any other connection id — configured or not — is the same NOT_FOUND, whose message names
 * nothing but what was asked for. Unlimited tokens keep every connection.
 */
let stack: Stack;
let alorOnly: string;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff', 'tinkoff-v1', 'alor'] });
  alorOnly = stack.token('READ', ['alor:D38291']);
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) server.resetCounters();
});

const tinkoffRequests = () => stack.simulators.tinkoff!.server.requestCount() + stack.simulators.tinkoffV1!.server.requestCount();

const orderbook = (connection: string) =>
  `{ orderbook(connection: "${connection}", instrument: { figi: "BBG004730N88" }, depth: 1) { asOf } }`;
const instrument = (connection: string) => `{ instrument(connection: "${connection}", ref: { figi: "BBG004730N88" }) { ticker name } }`;

describe('B10: account-limited tokens stay inside their connections', () => {
  it('answers a configured connection the token has no account on exactly as one that does not exist, and calls no broker', async () => {
    for (const query of [orderbook, instrument]) {
      for (const connection of ['tbank', 'tinkoff-legacy']) {
        const configured = await graphql(stack.gateway, query(connection), { token: alorOnly });
        const missing = await graphql(stack.gateway, query(`${connection}-x`), { token: alorOnly });
        expect(configured.errors).toHaveLength(1);
        expect(configured.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND' });
        expect(configured.errors![0]!.message).toBe(`no connection "${connection}"`);
        expect(missing.errors![0]!.extensions).toEqual(configured.errors![0]!.extensions);
        expect(missing.errors![0]!.message).toBe(`no connection "${connection}-x"`);
        expect(configured.data).toEqual(missing.data);
      }
    }
    expect(tinkoffRequests()).toBe(0);
  });

  it('names no other connection when one does not exist, for any token', async () => {
    for (const token of [alorOnly, stack.readToken]) {
      const result = await graphql(stack.gateway, orderbook('nope'), { token });
      expect(result.errors![0]!.message).toBe('no connection "nope"');
      for (const configured of ['tbank', 'tinkoff-legacy', 'alor']) expect(result.errors![0]!.message).not.toContain(configured);
    }
  });

  it('leaves the token its own connection', async () => {
    const result = await graphql(
      stack.gateway,
      '{ orderbook(connection: "alor", instrument: { symbol: "SBER" }, depth: 1) { instrument { id } } instrument(connection: "alor", ref: { symbol: "SBER" }) { ticker } }',
      { token: alorOnly },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ orderbook: { instrument: { id: 'alor:MOEX:SBER' } }, instrument: { ticker: 'SBER' } });
  });

  it('leaves an unlimited token every connection', async () => {
    const result = await graphql(stack.gateway, `${instrument('tbank').slice(0, -1)} v1: instrument(connection: "tinkoff-legacy", ref: { figi: "BBG004730N88" }) { ticker } }`, {
      token: stack.readToken,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ instrument: { ticker: 'SBER' }, v1: { ticker: 'SBER' } });
  });

  it('keeps nested fields inside the token\'s connection: an instrument id of another connection is refused without a call', async () => {
    const result = await graphql(
      stack.gateway,
      '{ account(id: "alor:D38291") { operations(from: "2024-01-01T00:00:00Z", to: "2024-02-01T00:00:00Z", instrument: { id: "tbank:BBG004730N88" }) { id } } }',
      { token: alorOnly },
    );
    expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(tinkoffRequests()).toBe(0);
  });

  it('keeps /compat/tinkoff-v1 inside the token\'s connections: no Tinkoff connection, no Tinkoff call', async () => {
    for (const action of ['/market/orderbook', '/user/accounts', '/orders']) {
      const query = new URLSearchParams({ action, figi: 'BBG004730N88', depth: '1' });
      const response = await stack.gateway.yoga.fetch(`http://brokerql.test/compat/tinkoff-v1?${query}`, { headers: { authorization: `Bearer ${alorOnly}` } });
      const body = (await response.json()) as { status: string; payload: Record<string, unknown> };
      if (action === '/user/accounts') expect(body).toMatchObject({ status: 'Ok', payload: { accounts: [] } });
      else expect(body).toMatchObject({ status: 'Error', payload: { code: 'GATEWAY_REQUEST_DATA_ERROR', message: 'Unknown account' } });
    }
    expect(tinkoffRequests()).toBe(0);
  });
});
