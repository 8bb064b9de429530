import { execute } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSimulatedBrokers, type SimulatedBroker } from '../src/simulators/index.js';
import { serve, type ServingGateway } from '../src/server.js';
import type { SimulatorServer } from '../src/simulators/common/server.js';
import { mutations, order, queries, sber, tbank, variableCases, type CorpusCase, type ResponseBody } from './support/spec-corpus.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * A1, the differential test: every document of the corpus (support/spec-corpus.ts) runs through the production
 * gateway and through a twin gateway whose only difference is that operations are executed by
 * graphql-js's own `execute` (the reference implementation of the spec). Each twin has its own
 * simulators and database, fed the same requests in the same order, so their states stay alike.
 * The HTTP status, the whole body (data, and errors with message, path, locations, extensions
 * after masking) and the broker calls each document caused must be identical.
 */

interface Twin {
  stack: Stack;
  name: string;
}

let production: Twin;
let reference: Twin;
/** Operations graphql-js executed for the reference twin (proof that it really is the reference). */
let referenceExecutions = 0;

beforeAll(async () => {
  production = { name: 'production', stack: await startStack({ brokers: allSimulatedBrokers }) };
  const referenceExecute: typeof execute = (args) => {
    referenceExecutions += 1;
    return execute(args);
  };
  reference = { name: 'reference', stack: await startStack({ brokers: allSimulatedBrokers, execute: referenceExecute }) };
});
afterAll(async () => {
  await production?.stack.close();
  await reference?.stack.close();
});

function serversOf(stack: Stack): Record<SimulatedBroker, SimulatorServer> {
  return Object.fromEntries(allSimulatedBrokers.map((broker) => [broker, stack.simulators.byBroker[broker]!.server])) as Record<SimulatedBroker, SimulatorServer>;
}

/** Requests per broker and route since the last reset. */
function brokerCalls(stack: Stack): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(serversOf(stack)).map(([broker, server]) => [broker, server.requestCounts()]));
}

async function run(twin: Twin, testCase: CorpusCase) {
  const servers = serversOf(twin.stack);
  for (const server of Object.values(servers)) {
    server.clearFaults();
    server.resetCounters();
  }
  for (const { broker, rule } of testCase.faults ?? []) servers[broker].injectFault(rule);
  const token = testCase.scope === 'TRADE' ? twin.stack.tradeToken : twin.stack.readToken;
  const variables = typeof testCase.variables === 'string' ? testCase.variables : JSON.stringify(testCase.variables ?? null);
  const response = await twin.stack.gateway.yoga.fetch('http://brokerql.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: `{"query":${JSON.stringify(testCase.query)},"operationName":${JSON.stringify(testCase.operationName ?? null)},"variables":${variables}}`,
  });
  const body = (await response.json()) as ResponseBody;
  for (const server of Object.values(servers)) server.clearFaults();
  return { status: response.status, body, brokerCalls: brokerCalls(twin.stack) };
}

/** Runs the corpus in order through both twins and compares every answer. */
function differential(title: string, corpus: CorpusCase[]): void {
  describe(title, () => {
    for (const testCase of corpus) {
      it(testCase.name, async () => {
        const produced = await run(production, testCase);
        const executionsBefore = referenceExecutions;
        const expected = await run(reference, testCase);
        expect(produced).toEqual(expected);
        // Documents refused before execution (validation, no such operation) never reach an executor.
        if (expected.body.data !== undefined || expected.body.errors?.some((error) => error.message.startsWith('Variable "$'))) {
          expect(referenceExecutions).toBe(executionsBefore + 1);
        }
        testCase.exercises?.(produced.body);
      });
    }
  });
}

differential('A1: production execution equals graphql-js (queries)', queries);
differential('A1: production execution equals graphql-js (bad variables)', variableCases);
differential('A1: production execution equals graphql-js (mutations)', mutations);

describe('A1 over a real port: a mutation document stops at its first failing field', () => {
  let stack: Stack;
  let serving: ServingGateway;

  beforeAll(async () => {
    stack = await startStack({ server: { port: 0 } });
    serving = await serve(stack.gateway);
  });
  afterAll(async () => {
    await serving?.stop();
    await stack?.close();
  });

  async function post(query: string) {
    const response = await fetch(`${serving.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${stack.tradeToken}` },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as ResponseBody;
  }

  it('places no second order when the first placeOrder of the document is refused', async () => {
    const ordersBefore = stack.tinkoff.state.orders.size;
    stack.tinkoff.server.resetCounters();
    const body = await post(`mutation { a: placeOrder(input: ${order(tbank, sber, 0)}) { id } b: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ path: ['a'], extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(0);
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore);
    // Only the field that ran left an audit row.
    expect(stack.gateway.audit.recent(5).filter((entry) => entry.mutation === 'placeOrder')).toEqual([
      expect.objectContaining({ lots: 0, outcome: 'rejected', errorCode: 'BAD_USER_INPUT' }),
    ]);
  });

  it('sends nothing after a placeOrder the broker refused', async () => {
    const ordersBefore = stack.tinkoff.state.orders.size;
    stack.tinkoff.server.resetCounters();
    const body = await post(`mutation { a: placeOrder(input: ${order(tbank, sber, 999_999)}) { id } b: placeOrder(input: ${order(tbank, sber, 1)}) { id } }`);
    expect(body.data).toBeNull();
    expect(body.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([[['a'], 'UPSTREAM_REJECTED']]);
    expect(stack.tinkoff.server.requestCount('OrdersService/PostOrder')).toBe(1);
    expect(stack.tinkoff.state.orders.size).toBe(ordersBefore);
  });
});
