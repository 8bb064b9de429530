import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/** Connection.health: the broker status a dashboard shows, from brokerql's own record of its calls. */

let stack: Stack;
beforeAll(async () => {
  // The account list is not kept between requests, so each query below calls the broker.
  stack = await startStack({ cache: { accountsTtlSeconds: 0 } });
});
afterAll(() => stack.close());

const healthQuery = '{ connections { id health { state circuit lastSuccessAt failingSince consecutiveFailures } } }';

async function health() {
  const result = await graphql(stack.gateway, healthQuery, { token: stack.readToken });
  expect(result.errors).toBeUndefined();
  return (result.data!['connections'] as Array<{ health: Record<string, unknown> }>)[0]!.health;
}

it('reports UNKNOWN before any call, OK after one, then FAILING and CIRCUIT_OPEN as calls fail', async () => {
  expect(await health()).toEqual({ state: 'UNKNOWN', circuit: 'CLOSED', lastSuccessAt: null, failingSince: null, consecutiveFailures: 0 });

  await graphql(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  const ok = await health();
  expect(ok).toMatchObject({ state: 'OK', circuit: 'CLOSED', failingSince: null, consecutiveFailures: 0 });
  expect(Date.parse(ok['lastSuccessAt'] as string)).not.toBeNaN();

  stack.tinkoff.server.injectFault({ route: 'UsersService/GetAccounts', fault: { kind: 'status', status: 500 } });
  const first = await graphql(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  expect(first.errors?.[0]?.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
  const failing = await health();
  expect(failing).toMatchObject({ state: 'FAILING', circuit: 'CLOSED', lastSuccessAt: ok['lastSuccessAt'] });
  expect(failing['consecutiveFailures']).toBeGreaterThan(0);
  expect(Date.parse(failing['failingSince'] as string)).not.toBeNaN();

  // The breaker opens after five failures in a row (brokers/resilience/policy.ts); the first request's retries made some.
  await graphql(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  expect(await health()).toMatchObject({ state: 'CIRCUIT_OPEN', circuit: 'OPEN', lastSuccessAt: ok['lastSuccessAt'], consecutiveFailures: 5 });
  stack.tinkoff.server.clearFaults();
});
