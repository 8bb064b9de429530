import { Kind, type ValueNode } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BadUserInputError } from '../src/errors.js';
import { DecimalScalar } from '../src/resolvers/scalars.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * Issue 13 A3: a decimal a client writes is bounded on its text — at most 30 significant digits,
 * an exponent from -30 to 30, at most 100 characters — before anything expands it. Beyond that it
 * is BAD_USER_INPUT saying the limit, nothing reaches a broker, and nothing megabyte-sized is kept.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff', 'tinkoff-v1'] });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) server.resetCounters();
});

const brokerRequests = () => stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0);
/** No audit row holds anything near the size of what was sent. */
const largestAuditRow = () => Math.max(0, ...stack.gateway.audit.recent(1_000).map((row) => JSON.stringify(row).length));
const limitMessage = /at most 30 significant digits.*exponent from -30 to 30.*100 characters/;

describe('A3: the GraphQL Decimal scalar is bounded on its text', () => {
  it.each([
    ['30 significant digits', '123456789012345678901234567890'],
    ['30 of them after the point', '0.123456789012345678901234567891'],
    ['the smallest magnitude', '0.000000000000000000000000000001'],
    ['the largest magnitude', '1' + '0'.repeat(30)],
  ])('accepts %s', (_name, text) => {
    expect(DecimalScalar.parseValue(text)).toBe(text);
  });

  it.each([
    ['31 significant digits', '1234567890123456789012345678901'],
    ['a magnitude of 1e31', '1' + '0'.repeat(31)],
    ['a magnitude below 1e-30', '0.' + '0'.repeat(30) + '1'],
    ['101 characters', '0'.repeat(101)],
    ['90 KB of digits', '1' + '0'.repeat(90_000)],
  ])('refuses %s, saying the limit', (_name, text) => {
    expect(() => DecimalScalar.parseValue(text)).toThrow(BadUserInputError);
    expect(() => DecimalScalar.parseValue(text)).toThrow(limitMessage);
  });

  it('refuses a huge number literal in the query text the same way', () => {
    const literal = { kind: Kind.INT, value: '1' + '0'.repeat(50_000) } as ValueNode;
    expect(() => DecimalScalar.parseLiteral(literal)).toThrow(limitMessage);
  });

  it('placeOrder with a 90 KB price is BAD_USER_INPUT saying the limit; nothing reaches T-Invest or the audit log', async () => {
    const mutation = `mutation ($price: Decimal) {
      placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: $price }) { id }
    }`;
    for (const price of ['1' + '0'.repeat(90_000), '0.' + '0'.repeat(60) + '1', '1234567890123456789012345678901']) {
      const result = await graphql(stack.gateway, mutation, { token: stack.tradeToken, variables: { price } });
      expect(result.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(limitMessage);
      expect(result.errors![0]!.message.length).toBeLessThan(400);
    }
    const literal = await graphql(
      stack.gateway,
      `mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: { figi: "BBG004730N88" }, side: BUY, type: LIMIT, lots: 1, price: 1${'0'.repeat(90_000)} }) { id } }`,
      { token: stack.tradeToken },
    );
    expect(literal.errors![0]!.extensions['code']).toBe('BAD_USER_INPUT');
    expect(literal.errors![0]!.message).toMatch(limitMessage);
    expect(brokerRequests()).toBe(0);
    expect(largestAuditRow()).toBeLessThan(2_000);
  });
});

describe('A3: /compat/tinkoff-v1 order prices are bounded before they are expanded', () => {
  async function limitOrder(price: string) {
    const query = new URLSearchParams({ action: '/orders/limit-order', figi: 'BBG004730N88', brokerAccountId: '2054816137' });
    const response = await stack.gateway.yoga.fetch(`http://brokerql.test/compat/tinkoff-v1?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tradeToken}` },
      body: `{"lots":1,"operation":"Buy","price":${price}}`,
    });
    return { status: response.status, text: await response.text() };
  }

  it.each([
    ['1e10000000 (a 10 MB string once expanded)', '1e10000000'],
    ['1e100000000 (enough to exhaust a 256 MB heap)', '1e100000000'],
    ['1e31', '1e31'],
    ['1e99, which JSON.parse reads as a double', '1e99'],
    ['1e-31', '1e-31'],
    ['0.1e-400', '0.1e-400'],
    ['31 significant digits', '1.234567890123456789012345678901'],
    ['the same as a JSON string', '"1e10000000"'],
    ['a 101-character number', '1' + '0'.repeat(100)],
  ])('refuses %s as VALIDATION_ERROR saying the limit; nothing reaches the broker or the audit log', async (_name, price) => {
    const answer = await limitOrder(price);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text) as { status: string; payload: { code: string; message: string } };
    expect(body).toMatchObject({ status: 'Error', payload: { code: 'VALIDATION_ERROR' } });
    expect(body.payload.message).toMatch(/^\[price\]: /);
    expect(body.payload.message).toMatch(limitMessage);
    expect(answer.text.length).toBeLessThan(600);
    expect(brokerRequests()).toBe(0);
    expect(largestAuditRow()).toBeLessThan(2_000);
  });

  it('still places an order at an ordinary price written as a JSON number', async () => {
    const answer = await limitOrder('281.99');
    expect(JSON.parse(answer.text)).toMatchObject({ status: 'Ok', payload: { operation: 'Buy', requestedLots: 1 } });
    expect(stack.simulators.tinkoffV1!.server.requestCount('POST /orders/limit-order')).toBe(1);
  });
});
