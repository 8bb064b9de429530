import { GraphQLError, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

/**
 * B12: input of the wrong type is the client's mistake — BAD_USER_INPUT naming what was wrong,
 * never INTERNAL — and nothing reaches a broker. Everything goes through yoga.fetch with the
 * request body written by hand (JSON.stringify itself cannot write a 5,000-deep list).
 */

let stack: Stack;
/** A gateway whose executor answers with whatever errors a test puts here (the error mask must survive any shape). */
let oddErrors: unknown[] = [];
let odd: Stack;

beforeAll(async () => {
  stack = await startStack();
  odd = await startStack({ execute: () => ({ errors: oddErrors }) as unknown as ExecutionResult });
});
afterAll(async () => {
  await stack?.close();
  await odd?.close();
});
beforeEach(() => stack.tinkoff.server.resetCounters());

interface Answer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; locations?: unknown; path?: unknown; extensions?: Record<string, unknown> }> };
}

async function post(target: Stack, body: string): Promise<Answer> {
  const response = await target.gateway.yoga.fetch('http://brokerql.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${target.tradeToken}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const request = (query: string, variables = 'null') => `{"query":${JSON.stringify(query)},"variables":${variables}}`;

function expectRefusedInput(answer: Answer, message: RegExp): void {
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  for (const error of answer.body.errors ?? []) expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
  expect(answer.body.errors?.[0]?.message).toMatch(message);
}

const placeOrder = `mutation ($account: ID!, $ref: InstrumentRef!, $side: OrderSide!, $lots: Int!) {
  placeOrder(input: { accountId: $account, instrument: $ref, side: $side, type: MARKET, lots: $lots }) { id } }`;
const good = { account: 'tbank:2000345678', ref: { figi: 'BBG004730N88' }, side: 'BUY', lots: 1 };

describe('B12: variables of the wrong type are BAD_USER_INPUT, and nothing is sent', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['lots: "1" (a string for an Int)', { ...good, lots: '1' }, /^Variable "\$lots" got invalid value "1"; Int cannot represent non-integer value/],
    ['side: "buy" (an enum in lower case)', { ...good, side: 'buy' }, /^Variable "\$side" got invalid value "buy"; Value "buy" does not exist in "OrderSide" enum/],
    ['an InstrumentRef given as a list', { ...good, ref: [{ figi: 'BBG004730N88' }] }, /^Variable "\$ref" got invalid value .*; Expected type "InstrumentRef" to be an object/],
    ['an InstrumentRef given as a string', { ...good, ref: 'BBG004730N88' }, /^Variable "\$ref" .*Expected type "InstrumentRef" to be an object/],
    ['an object where a String goes', { ...good, ref: { figi: { code: 'BBG004730N88' } } }, /^Variable "\$ref" got invalid value .* at "ref\.figi"; String cannot represent a non string value/],
    ['an object where an Int goes', { ...good, lots: { lots: 1 } }, /^Variable "\$lots" got invalid value \{ lots: 1 \}/],
    ['an object where an ID goes', { ...good, account: { id: 'tbank:2000345678' } }, /^Variable "\$account" got invalid value .*; ID cannot represent value/],
    ['a number for an enum', { ...good, side: 1 }, /^Variable "\$side" got invalid value 1; Enum "OrderSide" cannot represent non-string value/],
    ['a fraction for an Int', { ...good, lots: 1.5 }, /^Variable "\$lots" got invalid value 1\.5/],
    ['null for a non-null variable', { ...good, lots: null }, /^Variable "\$lots" of non-null type "Int!" must not be null/],
  ];
  for (const [name, variables, message] of cases) {
    it(name, async () => {
      const answer = await post(stack, request(placeOrder, JSON.stringify(variables)));
      expectRefusedInput(answer, message);
      expect(answer.body.errors?.[0]?.locations).toBeDefined();
      expect(stack.tinkoff.server.requestCount()).toBe(0);
    });
  }

  it('the same wrong types written in the document itself', async () => {
    const literal = `mutation { placeOrder(input: { accountId: "tbank:2000345678", instrument: [{ figi: "BBG004730N88" }], side: buy, type: MARKET, lots: "1" }) { id } }`;
    const answer = await post(stack, request(literal));
    expectRefusedInput(answer, /Expected value of type "InstrumentRef!?", found \[/);
    expect(answer.body.errors?.map((error) => error.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Value "buy" does not exist in "OrderSide" enum/), expect.stringMatching(/^Int cannot represent non-integer value: "1"/)]),
    );
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });
});

describe('B12: a 5,000-deep list is a clean BAD_USER_INPUT', () => {
  const deepList = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`;

  it('in the document, as an argument', async () => {
    const answer = await post(stack, request(`{ instrument(connection: "tbank", ref: ${deepList}) { id } }`));
    expectRefusedInput(answer, /nests lists, objects or selections more than 256 deep/);
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('in the document, as a variable default and a directive argument', async () => {
    for (const query of [`query ($depth: Int = ${deepList}) { viewer { name } }`, `{ viewer @include(if: ${deepList}) { name } }`]) {
      expectRefusedInput(await post(stack, request(query)), /more than 256 deep/);
    }
  });

  it('in the variables', async () => {
    const answer = await post(stack, request(`query ($ref: InstrumentRef!) { instrument(connection: "tbank", ref: $ref) { id } }`, `{"ref":${deepList}}`));
    expectRefusedInput(answer, /^Variable "\$ref" got invalid value .*; Expected type "InstrumentRef" to be an object/);
    const nested = `{"ref":${'{"figi":'.repeat(5_000)}"BBG004730N88"${'}'.repeat(5_000)}}`;
    expectRefusedInput(
      await post(stack, request(`query ($ref: InstrumentRef!) { instrument(connection: "tbank", ref: $ref) { id } }`, nested)),
      /at "ref\.figi"; String cannot represent a non string value/,
    );
    expect(stack.tinkoff.server.requestCount()).toBe(0);
  });

  it('still lets documents through that nest as deep as real ones do', async () => {
    const answer = await post(stack, request(`{ a: instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { orderbook(depth: 1) { instrument { ticker } } } }`));
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('B12: the error mask accepts errors of any shape', () => {
  const lookAlike = (fields: Record<string, unknown>) => Object.assign(new Error('a look-alike'), { name: 'GraphQLError', ...fields });
  const shapes: Array<[string, unknown, string]> = [
    ['a GraphQLError without extensions', lookAlike({}), 'BAD_USER_INPUT'],
    ['extensions that are a string', lookAlike({ extensions: 'BAD' }), 'BAD_USER_INPUT'],
    ['extensions that are null, nodes, path and positions that are garbage', lookAlike({ extensions: null, nodes: 'x', path: 5, positions: 'y', source: {} }), 'BAD_USER_INPUT'],
    ['a code outside the contract', new GraphQLError('odd code', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }), 'BAD_USER_INPUT'],
    ['a plain Error', new Error('boom at /home/user/secret'), 'INTERNAL'],
    ['a string', 'boom', 'INTERNAL'],
    ['null', null, 'INTERNAL'],
    ['an object with a message', { message: 'not an error' }, 'INTERNAL'],
  ];
  for (const [name, shape, code] of shapes) {
    it(name, async () => {
      oddErrors = [shape];
      const answer = await post(odd, request('{ viewer { name } }'));
      expect(answer.status).toBeLessThan(500);
      expect(answer.body.errors).toHaveLength(1);
      expect(answer.body.errors![0]!.extensions).toEqual({ code });
      if (code === 'INTERNAL') expect(answer.body.errors![0]!.message).toBe('Unexpected error.');
    });
  }
});
